//! The form entries page: the customer's forms, their entries (new ones marked), a filter
//! by form and dates, read marks, deletion and the CSV download.

use minijinja::{context, value::Serde};
use serde::Serialize;

use super::{Page, render};

#[derive(Debug, Clone, Serialize)]
pub struct EntriesForm {
    pub id: String,
    pub name: String,
    pub entries: u64,
    pub spam: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct EntriesField {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EntriesEntry {
    pub id: String,
    pub form: String,
    /// RFC 3339, for `<time datetime>`.
    pub received_at: String,
    /// As shown: `2026-05-31 14:05 UTC`.
    pub received: String,
    pub new: bool,
    pub unverified: bool,
    /// A catalogue key when the notification email is not sent: being retried, or failed
    /// for good.
    pub email_note: Option<&'static str>,
    pub fields: Vec<EntriesField>,
}

/// The filter as the page's form shows it (empty: not set).
#[derive(Debug, Clone, Default, Serialize)]
pub struct EntriesFilter {
    pub form: String,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone)]
pub struct FormEntriesPage<'a> {
    pub page: Page,
    pub csrf: &'a str,
    pub forms: &'a [EntriesForm],
    pub entries: &'a [EntriesEntry],
    pub filter: &'a EntriesFilter,
    /// This page's own address, where the buttons come back to.
    pub back: &'a str,
    pub csv_url: &'a str,
    pub more_url: Option<&'a str>,
    /// A catalogue key to show on top (`page-entries-deleted`).
    pub notice: Option<&'a str>,
}

pub fn form_entries(p: &FormEntriesPage) -> String {
    render(
        "form_entries.html",
        p.page.language,
        context! {
            lang => p.page.language.code(),
            agency => p.page.agency.as_str(),
            csrf => p.csrf,
            forms => Serde(p.forms),
            entries => Serde(p.entries),
            filter => Serde(p.filter),
            back => p.back,
            csv_url => p.csv_url,
            more_url => p.more_url,
            notice => p.notice,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Language;

    #[test]
    fn the_entries_page_renders_in_every_language_and_escapes_what_visitors_sent() {
        let forms = [EntriesForm {
            id: "F1".into(),
            name: "Kontakt".into(),
            entries: 1,
            spam: 2,
        }];
        let entries = [EntriesEntry {
            id: "E1".into(),
            form: "Kontakt".into(),
            received_at: "2026-05-31T14:05:00Z".into(),
            received: "2026-05-31 14:05 UTC".into(),
            new: true,
            unverified: true,
            email_note: Some("page-entries-email-failed"),
            fields: vec![EntriesField {
                name: "<b>name</b>".into(),
                value: "<script>alert(1)</script>".into(),
            }],
        }];
        for language in Language::ALL {
            let html = form_entries(&FormEntriesPage {
                page: Page {
                    language,
                    agency: "Berg".into(),
                },
                csrf: "tok",
                forms: &forms,
                entries: &entries,
                filter: &EntriesFilter::default(),
                back: "/entries",
                csv_url: "/form-entries/csv",
                more_url: None,
                notice: None,
            });
            assert!(
                html.contains(&crate::i18n::t(language, "page-entries-title")),
                "{html}"
            );
            assert!(html.contains(&crate::i18n::t(language, "page-entries-new")));
            assert!(
                html.contains(&crate::i18n::t(language, "page-entries-email-failed")),
                "{html}"
            );
            assert!(!html.contains("<script>alert"), "{html}");
            assert!(html.contains("&lt;script&gt;"));
        }
    }
}
