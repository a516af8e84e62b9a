//! The customer's brief ("wishes"): what they want from their website, in a structure the
//! agency can turn into the first draft. Every text and list is bounded (see the constants);
//! a request body is at most 64 KiB on top, which keeps a brief well inside one item.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{CustomerId, FieldErrors, TenantId, text};

/// Pages in the whole tree, nested ones included.
pub const PAGES_MAX: usize = 50;
/// How deep pages nest: a page, its sub-page and a sub-sub-page.
pub const PAGE_DEPTH_MAX: usize = 3;
pub const TITLE_MAX: usize = 120;
pub const PURPOSE_MAX: usize = 1_000;
pub const PAGE_TEXT_MAX: usize = 10_000;
pub const COLOURS_MAX: usize = 10;
pub const FONTS_MAX: usize = 5;
pub const FONT_MAX: usize = 100;
pub const EXAMPLES_MAX: usize = 20;
pub const URL_MAX: usize = 2_000;
pub const NOTE_MAX: usize = 2_000;
/// Tone of voice, audience, competitors and anything else: one free text each.
pub const FREE_TEXT_MAX: usize = 5_000;
pub const FILE_ID_MAX: usize = 64;

/// The brief as the customer writes it and as it is stored, exported and submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Brief {
    /// The site's structure, in order.
    #[serde(default)]
    pub pages: Vec<BriefPage>,
    #[serde(default)]
    pub logo: Option<Logo>,
    #[serde(default)]
    pub colours: Vec<BriefColour>,
    #[serde(default)]
    pub fonts: Vec<String>,
    #[serde(default)]
    pub tone: String,
    /// Websites the customer likes, and what they like about each.
    #[serde(default)]
    pub examples: Vec<Example>,
    #[serde(default)]
    pub audience: String,
    #[serde(default)]
    pub competitors: String,
    #[serde(default)]
    pub other: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BriefPage {
    pub title: String,
    #[serde(default)]
    pub purpose: String,
    /// The texts for the page, as the customer writes them.
    #[serde(default)]
    pub texts: String,
    #[serde(default)]
    pub children: Vec<BriefPage>,
}

/// Why a logo's file id was refused on save: it names no available image among the
/// customer's own files (another customer's, a PDF, one still being checked, or none at all;
/// the message does not tell them apart, so no id can be probed).
#[derive(Debug, thiserror::Error, Clone, Copy, PartialEq, Eq)]
pub enum LogoProblem {
    #[error("must be one of your files that is an image and ready to download")]
    NotYourImage,
}

impl super::validation::FieldProblem for LogoProblem {
    fn code(&self) -> &'static str {
        "logo-not-your-image"
    }
}

/// The logo: a file the customer shared in the files area, or "we need a logo".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind", deny_unknown_fields)]
pub enum Logo {
    File {
        #[serde(rename = "fileId")]
        file_id: String,
    },
    Needed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BriefColour {
    /// `#rrggbb`.
    pub hex: String,
    pub role: ColourRole,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColourRole {
    Primary,
    Secondary,
    Accent,
    Text,
    Background,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Example {
    pub url: String,
    #[serde(default)]
    pub notes: String,
}

/// The parts of a brief, as the agency's email names what changed.
pub const SECTIONS: [&str; 9] = [
    "pages",
    "logo",
    "colours",
    "fonts",
    "tone",
    "examples",
    "audience",
    "competitors",
    "other",
];

impl Brief {
    /// The brief with every text trimmed and checked and colours written as `#rrggbb`, or
    /// every problem, each naming its field (`pages[0].children[1].title`).
    pub fn checked(mut self) -> Result<Brief, Vec<super::FieldError>> {
        let mut errors = FieldErrors::default();
        let mut count = 0;
        check_pages(&mut self.pages, "pages", 1, &mut count, &mut errors);
        if count > PAGES_MAX {
            errors.push(
                "pages",
                format!("must have at most {PAGES_MAX} pages in all"),
            );
        }
        if let Some(Logo::File { file_id }) = &self.logo {
            let ok = !file_id.is_empty()
                && file_id.len() <= FILE_ID_MAX
                && file_id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if !ok {
                errors.push("logo.fileId", "must be the id of one of your files");
            }
        }
        if self.colours.len() > COLOURS_MAX {
            errors.push(
                "colours",
                format!("must list at most {COLOURS_MAX} colours"),
            );
        }
        for (i, colour) in self.colours.iter_mut().enumerate() {
            match super::HexColour::parse(&colour.hex) {
                Ok(hex) => colour.hex = hex.as_str().to_owned(),
                Err(message) => errors.push(format!("colours[{i}].hex"), message),
            }
        }
        if self.fonts.len() > FONTS_MAX {
            errors.push("fonts", format!("must list at most {FONTS_MAX} fonts"));
        }
        for (i, font) in self.fonts.iter_mut().enumerate() {
            clean_into(
                font,
                &format!("fonts[{i}]"),
                FONT_MAX,
                false,
                true,
                &mut errors,
            );
        }
        if self.examples.len() > EXAMPLES_MAX {
            errors.push(
                "examples",
                format!("must list at most {EXAMPLES_MAX} websites"),
            );
        }
        for (i, example) in self.examples.iter_mut().enumerate() {
            match web_address(&example.url) {
                Ok(url) => example.url = url,
                Err(message) => errors.push(format!("examples[{i}].url"), message),
            }
            let field = format!("examples[{i}].notes");
            clean_into(
                &mut example.notes,
                &field,
                NOTE_MAX,
                true,
                false,
                &mut errors,
            );
        }
        for (field, value) in [
            ("tone", &mut self.tone),
            ("audience", &mut self.audience),
            ("competitors", &mut self.competitors),
            ("other", &mut self.other),
        ] {
            clean_into(value, field, FREE_TEXT_MAX, true, false, &mut errors);
        }
        errors.finish(|| self)
    }

    /// The sections that differ between `self` and `before`, in [`SECTIONS`] order.
    pub fn changed_since(&self, before: &Brief) -> Vec<&'static str> {
        let differs = [
            self.pages != before.pages,
            self.logo != before.logo,
            self.colours != before.colours,
            self.fonts != before.fonts,
            self.tone != before.tone,
            self.examples != before.examples,
            self.audience != before.audience,
            self.competitors != before.competitors,
            self.other != before.other,
        ];
        SECTIONS
            .into_iter()
            .zip(differs)
            .filter_map(|(s, d)| d.then_some(s))
            .collect()
    }
}

fn check_pages(
    pages: &mut [BriefPage],
    path: &str,
    depth: usize,
    count: &mut usize,
    errors: &mut FieldErrors,
) {
    for (i, page) in pages.iter_mut().enumerate() {
        *count += 1;
        let at = format!("{path}[{i}]");
        clean_into(
            &mut page.title,
            &format!("{at}.title"),
            TITLE_MAX,
            false,
            true,
            errors,
        );
        clean_into(
            &mut page.purpose,
            &format!("{at}.purpose"),
            PURPOSE_MAX,
            true,
            false,
            errors,
        );
        clean_into(
            &mut page.texts,
            &format!("{at}.texts"),
            PAGE_TEXT_MAX,
            true,
            false,
            errors,
        );
        if !page.children.is_empty() && depth >= PAGE_DEPTH_MAX {
            errors.push(
                format!("{at}.children"),
                format!("pages nest at most {PAGE_DEPTH_MAX} deep"),
            );
        } else {
            check_pages(
                &mut page.children,
                &format!("{at}.children"),
                depth + 1,
                count,
                errors,
            );
        }
    }
}

/// Trims `value` and checks its length and characters; `required` refuses an empty one.
fn clean_into(
    value: &mut String,
    field: &str,
    max: usize,
    multiline: bool,
    required: bool,
    errors: &mut FieldErrors,
) {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        value.clear();
        if required {
            errors.report(field, super::validation::Common::Empty);
        }
        return;
    }
    if let Some(clean) = errors.check(field, text::clean(trimmed, max, multiline)) {
        *value = clean;
    }
}

/// An `http` or `https` address of a website, as the URL standard writes it.
fn web_address(raw: &str) -> Result<String, &'static str> {
    let raw = raw.trim();
    if raw.chars().count() > URL_MAX {
        return Err("must be at most 2000 characters");
    }
    let url =
        url::Url::parse(raw).map_err(|_| "must be a web address such as https://example.com")?;
    let has_host = url.host_str().is_some_and(|h| !h.is_empty());
    if !matches!(url.scheme(), "http" | "https")
        || !has_host
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return Err("must be a web address such as https://example.com");
    }
    Ok(url.to_string())
}

/// The customer's current brief: the draft they work on, with a version every save moves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WishesDraft {
    pub tenant_id: TenantId,
    pub customer_id: CustomerId,
    pub brief: Brief,
    /// 1 for the first save; every save and submit moves it.
    pub version: u64,
    pub updated_at: DateTime<Utc>,
    /// The number of the last submission (1, 2, ...), if any.
    #[serde(default)]
    pub submitted: Option<u64>,
    /// The draft's version that submission took (a submit does not move `version`): the
    /// draft changed since when `version` has moved on.
    #[serde(default)]
    pub submitted_version: Option<u64>,
}

impl WishesDraft {
    /// Whether the customer has something to submit: never submitted, or saved since.
    pub fn waits_for_submit(&self) -> bool {
        self.submitted_version != Some(self.version)
    }
}

/// One submitted brief, kept as it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WishesSubmission {
    pub tenant_id: TenantId,
    pub customer_id: CustomerId,
    pub number: u64,
    pub brief: Brief,
    pub submitted_at: DateTime<Utc>,
    /// The sections that changed since the previous submission (all that are filled in, the
    /// first time).
    pub changed: Vec<String>,
}

/// Longest staff comment.
pub const COMMENT_MAX: usize = 2_000;

/// A staff comment on one part of a submitted brief, and whether that part is done. It names
/// the submission, so its `target` keeps pointing at the same part however the draft moves
/// on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WishesComment {
    pub id: super::CommentId,
    pub tenant_id: TenantId,
    pub customer_id: CustomerId,
    pub submission: u64,
    /// A section (`tone`) or a part by its path (`pages[0].children[1].texts`).
    pub target: String,
    pub text: String,
    pub done: bool,
    pub by: super::Actor,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
}

impl Brief {
    /// Whether `target` names a part of this brief: a section, or an element of a list
    /// section (`colours[1]`, `examples[0].notes`), or a page or a page's field by its path.
    pub fn has_target(&self, target: &str) -> bool {
        let mut parts = target.split('.');
        let Some(first) = parts.next() else {
            return false;
        };
        let rest: Vec<&str> = parts.collect();
        let (name, index) = match first.split_once('[') {
            Some((name, index)) => match index
                .strip_suffix(']')
                .and_then(|i| i.parse::<usize>().ok())
            {
                Some(i) => (name, Some(i)),
                None => return false,
            },
            None => (first, None),
        };
        match (name, index) {
            (section, None) => rest.is_empty() && SECTIONS.contains(&section),
            ("pages", Some(i)) => self.pages.get(i).is_some_and(|p| page_has(p, &rest)),
            ("colours", Some(i)) => rest.is_empty() && i < self.colours.len(),
            ("fonts", Some(i)) => rest.is_empty() && i < self.fonts.len(),
            ("examples", Some(i)) => {
                i < self.examples.len() && matches!(rest.as_slice(), [] | ["url"] | ["notes"])
            }
            _ => false,
        }
    }
}

fn page_has(page: &BriefPage, rest: &[&str]) -> bool {
    match rest {
        [] | ["title"] | ["purpose"] | ["texts"] => true,
        [child, more @ ..] => child
            .strip_prefix("children[")
            .and_then(|i| i.strip_suffix(']'))
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| page.children.get(i))
            .is_some_and(|c| page_has(c, more)),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn brief(value: serde_json::Value) -> Brief {
        serde_json::from_value(value).expect("a well-formed brief")
    }

    #[test]
    fn a_full_brief_is_kept_trimmed_with_colours_written_out() {
        let b = brief(json!({
            "pages": [{"title": " Home ", "purpose": "Say hello", "texts": "Line one\nLine two",
                       "children": [{"title": "Team", "children": [{"title": "Anna"}]}]}],
            "logo": {"kind": "file", "fileId": "01JQ8Z5X4T2M9K7B3C6D8E1F0G"},
            "colours": [{"hex": "#ABC", "role": "primary"}],
            "fonts": ["Inter"], "tone": "Warm", "audience": "Neighbours",
            "examples": [{"url": "https://bäckerei.example/über", "notes": "The photos"}],
            "competitors": "", "other": "   "
        }))
        .checked()
        .unwrap();
        assert_eq!(b.pages[0].title, "Home");
        assert_eq!(b.colours[0].hex, "#aabbcc");
        assert_eq!(
            b.examples[0].url,
            "https://xn--bckerei-5wa.example/%C3%BCber"
        );
        assert_eq!(b.other, "");
    }

    #[test]
    fn every_bad_part_is_named_by_its_path() {
        let deep = json!([{"title": "a", "children": [{"title": "b", "children": [{"title": "c",
            "children": [{"title": "d"}]}]}]}]);
        let b = brief(json!({
            "pages": deep,
            "colours": [{"hex": "blue", "role": "accent"}],
            "examples": [{"url": "javascript:alert(1)"}, {"url": "ftp://x.example"}],
            "logo": {"kind": "file", "fileId": "../../etc/passwd"},
            "fonts": ["Line\nbreak"],
            "tone": "x".repeat(FREE_TEXT_MAX + 1),
        }));
        let errors = b.checked().unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for expected in [
            "pages[0].children[0].children[0].children",
            "colours[0].hex",
            "examples[0].url",
            "examples[1].url",
            "logo.fileId",
            "fonts[0]",
            "tone",
        ] {
            assert!(fields.contains(&expected), "{expected}: {fields:?}");
        }
        let untitled = brief(json!({"pages": [{"title": " "}]}))
            .checked()
            .unwrap_err();
        assert_eq!(untitled[0].field, "pages[0].title");
    }

    #[test]
    fn sizes_are_bounded() {
        let many: Vec<_> = (0..=PAGES_MAX)
            .map(|i| json!({"title": format!("P{i}")}))
            .collect();
        let errors = brief(json!({ "pages": many })).checked().unwrap_err();
        assert_eq!(errors[0].field, "pages");
        let colours: Vec<_> = (0..=COLOURS_MAX)
            .map(|_| json!({"hex": "#fff", "role": "text"}))
            .collect();
        assert!(brief(json!({ "colours": colours })).checked().is_err());
        assert!(
            serde_json::from_value::<Brief>(
                json!({"colours": [{"hex": "#fff", "role": "sparkle"}]})
            )
            .is_err()
        );
        assert!(serde_json::from_value::<Brief>(json!({"unknown": 1})).is_err());
    }

    #[test]
    fn comment_targets_must_name_a_part_that_exists() {
        let b = brief(
            json!({"pages": [{"title": "Home", "children": [{"title": "Team"}]}],
            "colours": [{"hex": "#fff", "role": "text"}], "examples": [{"url": "https://a.example"}]}),
        );
        for good in [
            "tone",
            "pages",
            "pages[0]",
            "pages[0].texts",
            "pages[0].children[0].title",
            "colours[0]",
            "examples[0].notes",
            "other",
        ] {
            assert!(b.has_target(good), "{good}");
        }
        for bad in [
            "",
            "pages[1]",
            "pages[0].children[1]",
            "pages[0].secret",
            "colours[1]",
            "tone[0]",
            "pages[-1]",
            "pages[0].children[0].children[0]",
            "nope",
            "pages[0]..texts",
            "fonts[0]",
        ] {
            assert!(!b.has_target(bad), "{bad}");
        }
    }

    #[test]
    fn the_changed_sections_are_named_in_order() {
        let before = brief(json!({"tone": "Warm", "pages": [{"title": "Home"}]}));
        let after = brief(json!({"tone": "Cool", "pages": [{"title": "Home"}], "other": "x"}));
        assert_eq!(after.changed_since(&before), ["tone", "other"]);
        assert!(after.changed_since(&after).is_empty());
    }
}
