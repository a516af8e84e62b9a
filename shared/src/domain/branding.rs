//! An agency's look in its portal: its logo and its colour.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use super::{FieldError, FieldErrors};

/// Longest logo address taken.
pub const LOGO_URL_MAX: usize = 2000;

/// The logo and colour an agency's portal pages wear; both optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Branding {
    #[serde(default)]
    pub logo_url: Option<LogoUrl>,
    #[serde(default)]
    pub colour: Option<HexColour>,
}

/// A colour as `#rrggbb` (lower case); `#rgb` is taken and written out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HexColour(String);

impl HexColour {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let digits = raw
            .trim()
            .strip_prefix('#')
            .filter(|d| d.chars().all(|c| c.is_ascii_hexdigit()))
            .ok_or("must be a colour such as #1a56db")?;
        let full = match digits.len() {
            6 => digits.to_ascii_lowercase(),
            3 => digits
                .chars()
                .flat_map(|c| [c, c])
                .collect::<String>()
                .to_ascii_lowercase(),
            _ => return Err("must be a colour such as #1a56db"),
        };
        Ok(Self(format!("#{full}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The address of a logo image: `https`, with a host and no user name or password. Pages
/// load it straight from there (the page policy allows `https:` images).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogoUrl(String);

impl LogoUrl {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let raw = raw.trim();
        if raw.chars().count() > LOGO_URL_MAX {
            return Err("must be at most 2000 characters");
        }
        let url = url::Url::parse(raw).map_err(|_| "must be an https address of an image")?;
        if url.scheme() != "https"
            || url.host_str().is_none_or(str::is_empty)
            || !url.username().is_empty()
            || url.password().is_some()
        {
            return Err("must be an https address of an image, without user name or password");
        }
        Ok(Self(url.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for HexColour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for HexColour {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        HexColour::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for LogoUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        LogoUrl::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// The branding as a client sends it: both fields replace what is stored; `null`, an empty
/// string or a missing field clears it.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BrandingInput {
    pub logo_url: Option<String>,
    pub colour: Option<String>,
}

impl BrandingInput {
    pub fn validate(self) -> Result<Branding, Vec<FieldError>> {
        let mut errors = FieldErrors::default();
        let mut branding = Branding::default();
        let present = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
        if let Some(raw) = present(self.logo_url) {
            match LogoUrl::parse(&raw) {
                Ok(url) => branding.logo_url = Some(url),
                Err(message) => errors.push("logoUrl", message),
            }
        }
        if let Some(raw) = present(self.colour) {
            match HexColour::parse(&raw) {
                Ok(colour) => branding.colour = Some(colour),
                Err(message) => errors.push("colour", message),
            }
        }
        errors.finish(|| branding)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_hex_written_out_in_lower_case() {
        assert_eq!(HexColour::parse("#1A56DB").unwrap().as_str(), "#1a56db");
        assert_eq!(HexColour::parse(" #Fa0 ").unwrap().as_str(), "#ffaa00");
        for bad in [
            "",
            "1a56db",
            "#1a56d",
            "#ggg",
            "red",
            "#1a56db;}",
            "#1a56db00",
            "＃fff",
        ] {
            assert!(HexColour::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn logos_are_https_addresses_without_credentials() {
        assert_eq!(
            LogoUrl::parse("https://cdn.berg.example/logo.svg")
                .unwrap()
                .as_str(),
            "https://cdn.berg.example/logo.svg"
        );
        assert_eq!(
            LogoUrl::parse("https://berg.example/a logo\".png")
                .unwrap()
                .as_str(),
            "https://berg.example/a%20logo%22.png",
            "quotes and spaces are percent-encoded"
        );
        for bad in [
            "http://berg.example/logo.png",
            "javascript:alert(1)",
            "data:image/svg+xml,<svg/>",
            "https://user:pw@berg.example/logo.png",
            "//berg.example/logo.png",
            "logo.png",
        ] {
            assert!(LogoUrl::parse(bad).is_err(), "{bad:?}");
        }
        let long = format!("https://berg.example/{}", "a".repeat(LOGO_URL_MAX));
        assert!(LogoUrl::parse(&long).is_err());
    }

    #[test]
    fn input_names_each_bad_field_and_blank_clears() {
        let errors = BrandingInput {
            logo_url: Some("ftp://x".into()),
            colour: Some("blue".into()),
        }
        .validate()
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["logoUrl", "colour"]);
        assert_eq!(
            BrandingInput {
                logo_url: Some(" ".into()),
                colour: None
            }
            .validate()
            .unwrap(),
            Branding::default()
        );
    }
}
