//! The customer's wishes page: the brief as a plain form (pages with their sub-pages, logo,
//! colours, fonts, tone, example websites, audience, competitors, anything else), saved and
//! submitted by posting it to `/wishes`; the agency's comments and done marks beside the
//! parts they name. With its script the page autosaves, warns of a save from another tab,
//! adds and reorders pages and picks the logo from the customer's files.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::{DateTime, Utc};
use minijinja::{context, value::Serde};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{Nav, Page, render};
use crate::domain::{
    Brief, FieldError, WishesComment,
    wishes::{BriefPage, COLOURS_MAX, EXAMPLES_MAX, FONTS_MAX, Logo, PAGE_DEPTH_MAX, PAGES_MAX},
};
use crate::http::PAGE_CSP;
use crate::i18n::{Arg, field_message, t, t_args};

/// The page's script, inlined and allowed by its hash (no `unsafe-inline`).
const SCRIPT: &str = include_str!("../../templates/pages/wishes.js");

/// The wishes page's Content-Security-Policy: every page's, plus its own script (by hash)
/// and requests to the portal itself only (the brief's JSON API, the files list).
pub static WISHES_CSP: LazyLock<String> = LazyLock::new(|| {
    let hash = STANDARD.encode(Sha256::digest(SCRIPT.as_bytes()));
    PAGE_CSP.replacen(
        "default-src 'none';",
        &format!("default-src 'none'; script-src 'sha256-{hash}'; connect-src 'self';"),
        1,
    )
});

/// How long the script waits after the last keystroke before it saves, in milliseconds.
const AUTOSAVE_DELAY_MS: u32 = 1_500;

/// Page rows the form always offers, filled or not.
pub const PAGE_ROWS_MIN: usize = 3;

/// What the wishes page shows.
pub struct WishesPage<'a> {
    pub page: Page,
    pub nav: Nav,
    pub csrf: &'a str,
    /// The draft version the form's save is made from.
    pub version: u64,
    /// The brief as stored, or as the customer just posted it (after an error).
    pub brief: &'a Brief,
    /// Blank page rows to offer on top of [`PAGE_ROWS_MIN`] ("add a page").
    pub extra_pages: usize,
    pub errors: &'a [FieldError],
    /// The draft was saved since this form was loaded (its version now).
    pub conflict: Option<u64>,
    pub saved_at: Option<DateTime<Utc>>,
    /// Just saved, or just submitted (its number).
    pub saved: bool,
    pub submitted: Option<u64>,
    pub comments: &'a [WishesComment],
}

/// One page of the form, with its sub-pages: `prefix` names its fields (`pages[0]`,
/// `pages[0].children[1]`), `number` is how the customer reads its place (`1.2`). A `blank`
/// row is offered empty, for a page to be added without JavaScript (ignored if left empty).
#[derive(Serialize)]
struct PageRow<'a> {
    prefix: String,
    number: String,
    depth: usize,
    title: &'a str,
    purpose: &'a str,
    texts: &'a str,
    blank: bool,
    children: Vec<PageRow<'a>>,
}

impl PageRow<'_> {
    fn blank(prefix: String, number: String, depth: usize) -> Self {
        PageRow {
            prefix,
            number,
            depth,
            title: "",
            purpose: "",
            texts: "",
            blank: true,
            children: Vec::new(),
        }
    }
}

/// The rows of `pages`, each page that may still have sub-pages with one blank sub-page row
/// after its own, while `room` (pages the limit still allows) lasts: so the plain form can
/// build the whole tree, one level per save.
fn page_rows<'a>(
    pages: &'a [BriefPage],
    parent: &str,
    number: &str,
    depth: usize,
    room: &mut usize,
) -> Vec<PageRow<'a>> {
    let mut rows = Vec::with_capacity(pages.len());
    for (i, page) in pages.iter().enumerate() {
        let prefix = format!("{parent}[{i}]");
        let number = format!("{number}{}", i + 1);
        let children_prefix = format!("{prefix}.children");
        let mut children = page_rows(
            &page.children,
            &children_prefix,
            &format!("{number}."),
            depth + 1,
            room,
        );
        if depth < PAGE_DEPTH_MAX && *room > 0 {
            *room -= 1;
            let at = page.children.len();
            children.push(PageRow::blank(
                format!("{children_prefix}[{at}]"),
                format!("{number}.{}", at + 1),
                depth + 1,
            ));
        }
        rows.push(PageRow {
            children,
            prefix,
            number,
            depth,
            title: &page.title,
            purpose: &page.purpose,
            texts: &page.texts,
            blank: false,
        });
    }
    rows
}

/// Pages in the whole tree, sub-pages included (the limit counts them all).
fn count_pages(pages: &[BriefPage]) -> usize {
    pages.iter().map(|p| 1 + count_pages(&p.children)).sum()
}

#[derive(Serialize)]
struct ColourRow<'a> {
    hex: &'a str,
    role: &'a str,
}

#[derive(Serialize)]
struct ExampleRow<'a> {
    url: &'a str,
    notes: &'a str,
}

#[derive(Serialize)]
struct CommentView<'a> {
    target: &'a str,
    text: &'a str,
    done: bool,
}

/// The section a comment's or an error's field belongs to: `pages[2].title` → `pages`.
fn section(field: &str) -> &str {
    field.split(['[', '.']).next().unwrap_or_default()
}

pub fn wishes(p: &WishesPage) -> String {
    let b = p.brief;
    let rows = |have: usize, min: usize, extra: usize, max: usize| (have + extra).max(min).min(max);
    let in_tree = count_pages(&b.pages);
    // Always one blank top-level row at least (more up to three rows, and one per "add a
    // page"), before the blank sub-page rows take what room the limit leaves.
    let blank_rows = (PAGE_ROWS_MIN.saturating_sub(b.pages.len()).max(1) + p.extra_pages)
        .min(PAGES_MAX.saturating_sub(in_tree));
    let mut room = PAGES_MAX.saturating_sub(in_tree + blank_rows);
    let mut pages = page_rows(&b.pages, "pages", "", 1, &mut room);
    for i in b.pages.len()..b.pages.len() + blank_rows {
        pages.push(PageRow::blank(
            format!("pages[{i}]"),
            (i + 1).to_string(),
            1,
        ));
    }
    let colours: Vec<ColourRow> = (0..rows(b.colours.len(), 2, 1, COLOURS_MAX)
        .max(b.colours.len()))
        .map(|i| match b.colours.get(i) {
            Some(c) => ColourRow {
                hex: &c.hex,
                role: role_code(c.role),
            },
            None => ColourRow { hex: "", role: "" },
        })
        .collect();
    let fonts: Vec<&str> = (0..rows(b.fonts.len(), 2, 1, FONTS_MAX).max(b.fonts.len()))
        .map(|i| b.fonts.get(i).map_or("", String::as_str))
        .collect();
    let examples: Vec<ExampleRow> = (0..rows(b.examples.len(), 2, 1, EXAMPLES_MAX)
        .max(b.examples.len()))
        .map(|i| match b.examples.get(i) {
            Some(e) => ExampleRow {
                url: &e.url,
                notes: &e.notes,
            },
            None => ExampleRow { url: "", notes: "" },
        })
        .collect();
    let (logo, logo_file) = match &b.logo {
        None => ("none", ""),
        Some(Logo::Needed) => ("needed", ""),
        Some(Logo::File { file_id }) => ("file", file_id.as_str()),
    };
    let mut errors: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut all_errors = Vec::new();
    for error in p.errors {
        let message = field_message(p.page.language, error);
        errors
            .entry(error.field.as_str())
            .or_default()
            .push(message.clone());
        all_errors.push(format!("{}: {message}", error.field));
    }
    let mut comments: BTreeMap<&str, Vec<CommentView>> = BTreeMap::new();
    for c in p.comments {
        comments
            .entry(section(&c.target))
            .or_default()
            .push(CommentView {
                target: &c.target,
                text: &c.text,
                done: c.done,
            });
    }
    let ctx = context! {
        lang => p.page.language.code(),
        agency => &p.page.agency,
        nav => Serde(&p.nav),
        csrf => p.csrf,
        version => p.version,
        pages => Serde(pages),
        // The blank sub-page rows do not count: they hold no page until filled.
        can_add_page => in_tree + blank_rows < PAGES_MAX,
        depth_max => PAGE_DEPTH_MAX,
        script_data => minijinja::Value::from_safe_string(json_for_script(&script_data(p.page.language))),
        script => minijinja::Value::from_safe_string(SCRIPT.to_owned()),
        csp => WISHES_CSP.as_str(),
        logo,
        logo_file,
        colours => Serde(colours),
        roles => ["primary", "secondary", "accent", "text", "background"],
        fonts => Serde(fonts),
        tone => &b.tone,
        examples => Serde(examples),
        audience => &b.audience,
        competitors => &b.competitors,
        other => &b.other,
        errors => Serde(errors),
        all_errors,
        conflict => p.conflict,
        saved_at => p.saved_at.map(|t| t.format("%H:%M").to_string()),
        saved => p.saved,
        submitted => p.submitted,
        comments => Serde(comments),
    };
    render("wishes.html", p.page.language, ctx)
}

/// What the script needs that the page does not show: its messages in the customer's
/// language (`{time}` and `{number}` filled in by the script) and the limits it keeps.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ScriptData {
    lang: &'static str,
    delay: u32,
    max_pages: usize,
    max_depth: usize,
    strings: BTreeMap<&'static str, String>,
}

fn script_data(language: crate::domain::Language) -> ScriptData {
    let mut strings = BTreeMap::new();
    for (name, key) in [
        ("saving", "page-wishes-autosave-saving"),
        ("failed", "page-wishes-autosave-failed"),
        ("invalid", "page-wishes-autosave-invalid"),
        ("signedOut", "page-wishes-autosave-signed-out"),
        ("noImages", "page-wishes-logo-pick-none"),
        ("filesFailed", "page-wishes-logo-pick-failed"),
        ("choose", "page-wishes-logo-pick-choose"),
        ("tooMany", "page-wishes-too-many-pages"),
    ] {
        strings.insert(name, t(language, key));
    }
    strings.insert(
        "savedAt",
        t_args(
            language,
            "page-wishes-autosaved",
            &[("time", Arg::Text("{time}"))],
        ),
    );
    strings.insert(
        "moved",
        t_args(
            language,
            "page-wishes-moved",
            &[("number", Arg::Text("{number}"))],
        ),
    );
    ScriptData {
        lang: language.code(),
        delay: AUTOSAVE_DELAY_MS,
        max_pages: PAGES_MAX,
        max_depth: PAGE_DEPTH_MAX,
        strings,
    }
}

/// JSON to put inside a `<script type="application/json">` block: `<`, `>` and `&` (which
/// JSON has only inside strings) written as escapes, so no text can close the block.
fn json_for_script(value: &impl Serialize) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "{}".to_owned())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn role_code(role: crate::domain::wishes::ColourRole) -> &'static str {
    use crate::domain::wishes::ColourRole::*;
    match role {
        Primary => "primary",
        Secondary => "secondary",
        Accent => "accent",
        Text => "text",
        Background => "background",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Language;
    use crate::pages::test_support::{AGENCY_HTML, HOSTILE, HOSTILE_HTML, page};

    fn nav() -> Nav {
        Nav {
            areas: Vec::new(),
            current: "wishes",
            company: "Bäckerei".into(),
            csrf: "tok".into(),
            language: "de",
            languages: Vec::new(),
            back: "/wishes",
            logo: None,
            colour: None,
        }
    }

    fn titled(title: &str, children: Vec<BriefPage>) -> BriefPage {
        BriefPage {
            title: title.into(),
            children,
            ..BriefPage::default()
        }
    }

    #[test]
    fn the_page_carries_the_script_its_policy_allows_and_sub_pages_in_every_language() {
        let brief = Brief {
            pages: vec![titled(
                HOSTILE,
                vec![titled("Brot", vec![titled("Roggen", Vec::new())])],
            )],
            ..Brief::default()
        };
        let hash = STANDARD.encode(Sha256::digest(SCRIPT.as_bytes()));
        for language in Language::ALL {
            let html = wishes(&WishesPage {
                page: page(language),
                nav: nav(),
                csrf: "tok",
                version: 3,
                brief: &brief,
                extra_pages: 0,
                errors: &[],
                conflict: None,
                saved_at: None,
                saved: false,
                submitted: None,
                comments: &[],
            });
            // Every page's checks but "no script": this page has exactly its own.
            assert!(html.contains(&format!("<html lang=\"{language}\">")));
            assert!(html.contains(AGENCY_HTML), "{language}: {html}");
            assert!(!html.contains("Unknown localization") && !html.contains("{$"));
            assert_eq!(html.matches("<script>").count(), 1, "one script");
            assert!(html.contains(&format!("<script>{SCRIPT}</script>")));
            assert!(WISHES_CSP.contains(&format!("script-src 'sha256-{hash}'")));
            assert!(html.contains(HOSTILE_HTML) && !html.contains(HOSTILE));
            assert!(html.contains("name=\"pages[0].children[0].children[0].title\""));
            // The deepest level offers no further sub-page.
            let deepest = html
                .find("name=\"pages[0].children[0].children[0].title\"")
                .unwrap();
            let tools = &html[deepest..];
            let tools = &tools[tools.find("add-child").unwrap()..];
            assert!(tools.starts_with("add-child\" hidden>"), "{tools}");
            for key in [
                "page-wishes-move-up",
                "page-wishes-move-down",
                "page-wishes-add-subpage",
                "page-wishes-js-conflict-load",
                "page-wishes-js-conflict-keep",
                "page-wishes-logo-pick",
            ] {
                let text = t(language, key).replace('\'', "&#x27;");
                assert!(html.contains(&text), "{key} in {language}");
            }
            // Two blank top-level rows on top of the one page: three rows in all.
            assert!(html.contains("name=\"pages[2].title\""));
            assert!(!html.contains("name=\"pages[3].title\""));
        }
    }

    #[test]
    fn a_data_block_cannot_be_closed_by_what_it_carries() {
        let data = script_data(Language::En);
        let hostile = serde_json::json!({"x": "</script><script>alert(1)</script>&amp;"});
        let json = json_for_script(&hostile);
        assert!(!json.contains('<') && !json.contains('&'), "{json}");
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back, hostile, "the same text once parsed");
        assert!(data.strings["savedAt"].contains("{time}"));
        assert!(data.strings["moved"].contains("{number}"));
    }
}
