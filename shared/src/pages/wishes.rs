//! The customer's wishes page: the brief as a plain form (pages, logo, colours, fonts, tone,
//! example websites, audience, competitors, anything else), saved and submitted by posting it
//! to `/wishes`; the agency's comments and done marks beside the parts they name.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use minijinja::{context, value::Serde};
use serde::Serialize;

use super::{Nav, Page, render};
use crate::domain::{
    Brief, FieldError, WishesComment,
    wishes::{COLOURS_MAX, EXAMPLES_MAX, FONTS_MAX, Logo, PAGES_MAX},
};
use crate::i18n::field_message;

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

#[derive(Serialize)]
struct PageRow<'a> {
    title: &'a str,
    purpose: &'a str,
    texts: &'a str,
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
    let page_rows = rows(b.pages.len(), PAGE_ROWS_MIN, p.extra_pages, PAGES_MAX);
    let pages: Vec<PageRow> = (0..page_rows.max(b.pages.len()))
        .map(|i| match b.pages.get(i) {
            Some(page) => PageRow {
                title: &page.title,
                purpose: &page.purpose,
                texts: &page.texts,
            },
            None => PageRow {
                title: "",
                purpose: "",
                texts: "",
            },
        })
        .collect();
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
        can_add_page => page_rows < PAGES_MAX,
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
