//! The brief exported for a site generator (JSON, a stable schema) and for a person
//! (Markdown: a heading per page, texts as written, colours as codes, links).

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::wishes::{Brief, BriefPage, Logo};

/// Names the JSON export's schema; a change that is not an addition gets a new one.
pub const EXPORT_SCHEMA: &str = "portal-brief/1";

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BriefExport<'a> {
    pub schema: &'static str,
    pub company_name: &'a str,
    /// The submission exported; `null` for a draft never submitted.
    pub number: Option<u64>,
    pub submitted_at: Option<DateTime<Utc>>,
    /// Where the logo file can be downloaded, when the logo is a file that is still there
    /// (`None` when it has been deleted since: the Markdown says it is missing).
    pub logo_download: Option<String>,
    pub brief: &'a Brief,
}

/// The download link of a file of the files area.
pub fn file_link(portal_base_url: &str, file_id: &str) -> String {
    format!("{}/files/{file_id}", portal_base_url.trim_end_matches('/'))
}

impl BriefExport<'_> {
    pub fn markdown(&self) -> String {
        let b = self.brief;
        let mut md = format!("# Wishes of {}\n\n", one_line(self.company_name));
        match (self.number, self.submitted_at) {
            (Some(n), Some(at)) => {
                let _ = writeln!(md, "Submission {n}, {}.\n", at.format("%Y-%m-%d %H:%M UTC"));
            }
            _ => md.push_str("Draft, not submitted yet.\n\n"),
        }
        md.push_str("## Pages\n\n");
        if b.pages.is_empty() {
            md.push_str("(none)\n\n");
        }
        pages_md(&mut md, &b.pages, "", 3);
        md.push_str("## Logo\n\n");
        match (&b.logo, &self.logo_download) {
            (Some(Logo::Needed), _) => md.push_str("We need a logo.\n\n"),
            (Some(Logo::File { file_id }), Some(link)) => {
                let _ = writeln!(md, "[Download the logo ({file_id})]({link})\n");
            }
            (Some(Logo::File { file_id }), None) => {
                let _ = writeln!(
                    md,
                    "The logo file ({file_id}) is missing: it is no longer in the files area.\n"
                );
            }
            _ => md.push_str("(none)\n\n"),
        }
        md.push_str("## Colours\n\n");
        for c in &b.colours {
            let role = serde_json::to_value(c.role).ok();
            let role = role.as_ref().and_then(|r| r.as_str()).unwrap_or_default();
            let _ = writeln!(md, "- `{}` {role}", c.hex);
        }
        md.push_str(if b.colours.is_empty() {
            "(none)\n\n"
        } else {
            "\n"
        });
        md.push_str("## Fonts\n\n");
        for f in &b.fonts {
            let _ = writeln!(md, "- {f}");
        }
        md.push_str(if b.fonts.is_empty() {
            "(none)\n\n"
        } else {
            "\n"
        });
        section(&mut md, "Tone of voice", &b.tone);
        md.push_str("## Example websites\n\n");
        for e in &b.examples {
            if e.notes.is_empty() {
                let _ = writeln!(md, "- <{}>", e.url);
            } else {
                let _ = writeln!(md, "- <{}>: {}", e.url, e.notes.replace('\n', " "));
            }
        }
        md.push_str(if b.examples.is_empty() {
            "(none)\n\n"
        } else {
            "\n"
        });
        section(&mut md, "Target audience", &b.audience);
        section(&mut md, "Competitors", &b.competitors);
        section(&mut md, "Anything else", &b.other);
        md.trim_end().to_owned() + "\n"
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn section(md: &mut String, heading: &str, text: &str) {
    let _ = write!(md, "## {heading}\n\n");
    md.push_str(if text.is_empty() { "(none)" } else { text });
    md.push_str("\n\n");
}

fn pages_md(md: &mut String, pages: &[BriefPage], prefix: &str, level: usize) {
    for (i, page) in pages.iter().enumerate() {
        let number = format!("{prefix}{}.", i + 1);
        let hashes = "#".repeat(level.min(6));
        let _ = write!(md, "{hashes} {number} {}\n\n", one_line(&page.title));
        if !page.purpose.is_empty() {
            let _ = write!(md, "Purpose: {}\n\n", page.purpose);
        }
        if !page.texts.is_empty() {
            let _ = write!(md, "{}\n\n", page.texts);
        }
        pages_md(md, &page.children, &number, level + 1);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn markdown_has_a_heading_per_page_and_every_section() {
        let brief: Brief = serde_json::from_value(json!({
            "pages": [{"title": "Home", "purpose": "Welcome", "texts": "Fresh bread.\nEvery day.",
                       "children": [{"title": "Team", "texts": "Anna and Jonas"}]},
                      {"title": "Contact"}],
            "logo": {"kind": "file", "fileId": "F1"},
            "colours": [{"hex": "#c81e1e", "role": "primary"}],
            "fonts": ["Inter"], "tone": "Warm",
            "examples": [{"url": "https://example.com/", "notes": "Big photos"}],
            "audience": "Neighbours"
        }))
        .unwrap();
        let export = BriefExport {
            schema: EXPORT_SCHEMA,
            company_name: "Bäckerei Sonne",
            number: Some(2),
            submitted_at: Some("2026-03-01T10:00:00Z".parse().unwrap()),
            logo_download: Some(file_link("https://kunden.berg.example", "F1")),
            brief: &brief,
        };
        let md = export.markdown();
        for expected in [
            "# Wishes of Bäckerei Sonne\n",
            "Submission 2, 2026-03-01 10:00 UTC.",
            "### 1. Home\n\nPurpose: Welcome\n\nFresh bread.\nEvery day.\n",
            "#### 1.1. Team\n\nAnna and Jonas\n",
            "### 2. Contact\n",
            "[Download the logo (F1)](https://kunden.berg.example/files/F1)",
            "- `#c81e1e` primary\n",
            "- Inter\n",
            "## Tone of voice\n\nWarm\n",
            "- <https://example.com/>: Big photos\n",
            "## Target audience\n\nNeighbours\n",
            "## Competitors\n\n(none)\n",
        ] {
            assert!(md.contains(expected), "{expected:?} in\n{md}");
        }
        let json = serde_json::to_value(&export).unwrap();
        assert_eq!(json["schema"], "portal-brief/1");
        assert_eq!(json["brief"]["pages"][0]["children"][0]["title"], "Team");
    }
}
