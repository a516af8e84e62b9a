use std::{fmt, str::FromStr};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use thiserror::Error;

use super::{Branding, Email, FieldError, FieldErrors, Language, TenantId, text::SingleLine};

/// An agency: the tenant whose staff look after many customers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tenant {
    pub id: TenantId,
    pub name: String,
    /// The white-label address customers open the portal at.
    pub portal_base_url: PortalUrl,
    /// The address invitation emails are sent from.
    pub sender_email: Email,
    pub default_language: Language,
    pub tier: PlanTier,
    /// How long invitation links stay valid.
    #[serde(default)]
    pub invitation_validity_days: ValidityDays,
    /// How long form entries are kept.
    #[serde(default)]
    pub form_entry_retention_days: RetentionDays,
    /// The logo and colour of its portal pages.
    #[serde(default)]
    pub branding: Branding,
    pub created_at: DateTime<Utc>,
}

/// Days an invitation link stays valid: 1 to 30, 7 unless the agency chose otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct ValidityDays(u32);

#[derive(Debug, Error, PartialEq, Eq)]
#[error("must be a whole number of days from 1 to 30")]
pub struct InvalidValidityDays;

impl ValidityDays {
    pub fn days(self) -> u32 {
        self.0
    }
}

impl Default for ValidityDays {
    fn default() -> Self {
        Self(7)
    }
}

impl TryFrom<u32> for ValidityDays {
    type Error = InvalidValidityDays;

    fn try_from(days: u32) -> Result<Self, Self::Error> {
        (1..=30)
            .contains(&days)
            .then_some(Self(days))
            .ok_or(InvalidValidityDays)
    }
}

impl From<ValidityDays> for u32 {
    fn from(d: ValidityDays) -> u32 {
        d.0
    }
}

/// Days a form entry is kept: 1 to 3650, 365 unless the agency chose otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct RetentionDays(u32);

#[derive(Debug, Error, PartialEq, Eq)]
#[error("must be a whole number of days from 1 to 3650")]
pub struct InvalidRetentionDays;

impl RetentionDays {
    pub fn days(self) -> u32 {
        self.0
    }
}

impl Default for RetentionDays {
    fn default() -> Self {
        Self(365)
    }
}

impl TryFrom<u32> for RetentionDays {
    type Error = InvalidRetentionDays;

    fn try_from(days: u32) -> Result<Self, Self::Error> {
        (1..=3650)
            .contains(&days)
            .then_some(Self(days))
            .ok_or(InvalidRetentionDays)
    }
}

impl From<RetentionDays> for u32 {
    fn from(d: RetentionDays) -> u32 {
        d.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PlanTier {
    Starter,
    Professional,
    Enterprise,
}

#[derive(Debug, Error, PartialEq, Eq)]
#[error("must be one of starter, professional, enterprise")]
pub struct UnknownTier;

impl FromStr for PlanTier {
    type Err = UnknownTier;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "starter" => Ok(PlanTier::Starter),
            "professional" => Ok(PlanTier::Professional),
            "enterprise" => Ok(PlanTier::Enterprise),
            _ => Err(UnknownTier),
        }
    }
}

/// An absolute `https` origin (plain `http` only on loopback, for local runs), no trailing slash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct PortalUrl(String);

#[derive(Debug, Error, PartialEq, Eq)]
pub enum PortalUrlError {
    #[error("is not an absolute URL such as https://portal.agency.example")]
    Invalid,
    #[error("must use https (http is allowed only for localhost and 127.0.0.1)")]
    NotHttps,
    #[error("must not contain credentials, a query or a fragment")]
    Extra,
}

impl PortalUrl {
    pub fn parse(raw: &str) -> Result<Self, PortalUrlError> {
        let url = url::Url::parse(raw.trim()).map_err(|_| PortalUrlError::Invalid)?;
        let host = url.host_str().ok_or(PortalUrlError::Invalid)?;
        let loopback = matches!(host, "localhost" | "127.0.0.1" | "[::1]");
        match url.scheme() {
            "https" => {}
            "http" if loopback => {}
            "http" => return Err(PortalUrlError::NotHttps),
            _ => return Err(PortalUrlError::Invalid),
        }
        if !url.username().is_empty()
            || url.password().is_some()
            || url.query().is_some()
            || url.fragment().is_some()
        {
            return Err(PortalUrlError::Extra);
        }
        Ok(Self(url.as_str().trim_end_matches('/').to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The authority requests to the portal carry in their `Host` header (`host[:port]`).
    pub fn host(&self) -> &str {
        let rest = self
            .0
            .split_once("://")
            .map_or(self.0.as_str(), |(_, rest)| rest);
        rest.split('/').next().unwrap_or(rest)
    }
}

impl fmt::Display for PortalUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for PortalUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        PortalUrl::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// What an operator types to create a tenant, before it is checked.
#[derive(Debug, Clone)]
pub struct NewTenant {
    pub name: String,
    pub portal_base_url: String,
    pub sender_email: String,
    pub default_language: String,
    pub tier: String,
}

impl NewTenant {
    pub fn validate(&self, now: DateTime<Utc>) -> Result<Tenant, Vec<FieldError>> {
        let mut errors = FieldErrors::default();
        let name = errors.check("name", SingleLine::parse(&self.name, 200).map(String::from));
        let portal_base_url =
            errors.check("portalBaseUrl", PortalUrl::parse(&self.portal_base_url));
        let sender_email = errors.check("senderEmail", Email::parse(&self.sender_email));
        let default_language =
            errors.check("defaultLanguage", self.default_language.parse::<Language>());
        let tier = errors.check("tier", self.tier.parse::<PlanTier>());
        match (name, portal_base_url, sender_email, default_language, tier) {
            (
                Some(name),
                Some(portal_base_url),
                Some(sender_email),
                Some(default_language),
                Some(tier),
            ) => Ok(Tenant {
                id: TenantId::new(),
                name,
                portal_base_url,
                sender_email,
                default_language,
                tier,
                invitation_validity_days: ValidityDays::default(),
                form_entry_retention_days: RetentionDays::default(),
                branding: Branding::default(),
                created_at: now,
            }),
            _ => Err(errors.into_vec()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portal_urls_must_be_https_origins() {
        assert_eq!(
            PortalUrl::parse("https://My.Agency.example/")
                .unwrap()
                .as_str(),
            "https://my.agency.example"
        );
        assert_eq!(
            PortalUrl::parse("http://127.0.0.1:3000").unwrap().as_str(),
            "http://127.0.0.1:3000"
        );
        assert_eq!(
            PortalUrl::parse("http://agency.example"),
            Err(PortalUrlError::NotHttps)
        );
        assert_eq!(
            PortalUrl::parse("agency.example"),
            Err(PortalUrlError::Invalid)
        );
        assert_eq!(
            PortalUrl::parse("ftp://agency.example"),
            Err(PortalUrlError::Invalid)
        );
        assert_eq!(
            PortalUrl::parse("https://a.example/?x=1"),
            Err(PortalUrlError::Extra)
        );
    }

    #[test]
    fn the_host_is_what_browsers_send_in_the_host_header() {
        assert_eq!(
            PortalUrl::parse("https://Kunden.Berg.example/")
                .unwrap()
                .host(),
            "kunden.berg.example"
        );
        assert_eq!(
            PortalUrl::parse("http://127.0.0.1:3000").unwrap().host(),
            "127.0.0.1:3000"
        );
    }

    #[test]
    fn a_new_tenant_reports_every_bad_field() {
        let input = NewTenant {
            name: " ".into(),
            portal_base_url: "http://agency.example".into(),
            sender_email: "nope".into(),
            default_language: "it".into(),
            tier: "gold".into(),
        };
        let fields: Vec<_> = input
            .validate(Utc::now())
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "name",
                "portalBaseUrl",
                "senderEmail",
                "defaultLanguage",
                "tier"
            ]
        );
    }
}
