//! The feedback page: the points a customer pinned to their draft website, grouped by page,
//! each with its state, the thread of replies and what happened to it; forms to reply, to
//! reopen (the customer) or change the state (staff), and to open the website with the
//! overlay. Everything reads and works without a script; the page's small script only makes
//! the staff filter apply on change and lets Ctrl+Enter send a reply.

use std::sync::LazyLock;

use base64::{Engine, engine::general_purpose::STANDARD};
use minijinja::{context, value::Serde};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{Nav, Page, render};
use crate::http::PAGE_CSP;

/// The page's script, inlined and allowed by its hash (no `unsafe-inline`).
const SCRIPT: &str = include_str!("../../templates/pages/feedback.js");

/// The states an item can be in, in the order the page offers them.
pub const FEEDBACK_STATES: [&str; 4] = ["open", "in-progress", "resolved", "wont-fix"];

/// The page's policy: every page's, plus its own script by hash; and its "Give feedback"
/// form posts to the portal, which answers with a redirect to the customer's draft site:
/// browsers hold such a redirect to `form-action` too, so those origins (already checked
/// to be bare `scheme://host[:port]` origins) are allowed there.
pub fn feedback_csp(site_origins: &[String]) -> String {
    static BASE: LazyLock<String> = LazyLock::new(|| {
        let hash = STANDARD.encode(Sha256::digest(SCRIPT.as_bytes()));
        PAGE_CSP.replacen(
            "default-src 'none';",
            &format!("default-src 'none'; script-src 'sha256-{hash}';"),
            1,
        )
    });
    let origins: Vec<&str> = site_origins
        .iter()
        .map(String::as_str)
        .filter(|o| is_plain_origin(o))
        .collect();
    if origins.is_empty() {
        return BASE.clone();
    }
    BASE.replacen(
        "form-action 'self'",
        &format!("form-action 'self' {}", origins.join(" ")),
        1,
    )
}

/// `http(s)://host[:port]` and nothing that could end a CSP directive or add a source.
fn is_plain_origin(origin: &str) -> bool {
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    rest.is_some_and(|r| {
        !r.is_empty()
            && r.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
    })
}

/// One reply of an item's thread, as shown.
#[derive(Debug, Clone, Serialize)]
pub struct ReplyRow {
    /// Who wrote it, as the reader knows them: "you", the agency's staff member, the customer.
    pub author: String,
    pub text: String,
    /// RFC 3339, for `<time datetime>`.
    pub at: String,
    pub at_shown: String,
}

/// One state change of an item.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryRow {
    pub state: &'static str,
    pub by: String,
    pub at: String,
    pub at_shown: String,
}

/// A file an item attaches, as the page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct AttachmentRow {
    /// `None` once the file is deleted.
    pub name: Option<String>,
    /// The download route the reader may use; `None` unless the file can be downloaded.
    pub href: Option<String>,
}

/// One item as the page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct ItemRow {
    pub id: String,
    pub number: u64,
    /// One of [`FEEDBACK_STATES`].
    pub state: &'static str,
    pub comment: String,
    pub snippet: String,
    pub attachments: Vec<AttachmentRow>,
    pub author: String,
    pub created_at: String,
    pub created: String,
    pub replies: Vec<ReplyRow>,
    pub history: Vec<HistoryRow>,
    /// The customer may reopen it (resolved or won't fix).
    pub reopenable: bool,
}

/// The items of one page of the website.
#[derive(Debug, Clone, Serialize)]
pub struct PageGroup {
    pub page: String,
    pub items: Vec<ItemRow>,
}

/// What staff filter by, and the pages they can choose from.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FeedbackFilter {
    pub customer_id: String,
    pub state: String,
    pub page: String,
    pub pages: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct FeedbackPage<'a> {
    pub page: Page,
    /// The customer's navigation; staff have none.
    pub nav: Option<Nav>,
    /// Staff of the agency looking at `company`'s feedback.
    pub staff: bool,
    pub company: &'a str,
    pub csrf: &'a str,
    /// Whether the project's status lets the customer add feedback now.
    pub open: bool,
    /// Whether the agency registered the draft website.
    pub has_site: bool,
    pub groups: &'a [PageGroup],
    pub filter: &'a FeedbackFilter,
    /// Where the forms come back to (this page with its query).
    pub back: &'a str,
    pub more_url: Option<&'a str>,
    /// Catalogue keys to show on top.
    pub notice: Option<&'a str>,
    pub error: Option<&'a str>,
    /// The page's policy ([`feedback_csp`]); the layout repeats it in a `<meta>`, which
    /// otherwise carries every page's (no script, forms to 'self' only) and would block both.
    pub csp: &'a str,
}

pub fn feedback(p: &FeedbackPage) -> String {
    render(
        "feedback.html",
        p.page.language,
        context! {
            lang => p.page.language.code(),
            agency => p.page.agency.as_str(),
            nav => p.nav.as_ref().map(Serde),
            staff => p.staff,
            company => p.company,
            csrf => p.csrf,
            open => p.open,
            has_site => p.has_site,
            groups => Serde(p.groups),
            filter => Serde(p.filter),
            states => FEEDBACK_STATES,
            back => p.back,
            more_url => p.more_url,
            notice => p.notice,
            error => p.error,
            csp => p.csp,
            script => minijinja::Value::from_safe_string(SCRIPT.to_owned()),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    use crate::domain::{Customer, CustomerChanges, CustomerId, Language, Tenant, TenantId};

    fn agency() -> Tenant {
        crate::domain::NewTenant {
            name: "Berg".into(),
            portal_base_url: "https://kunden.berg.example".into(),
            sender_email: "portal@berg.example".into(),
            default_language: "de".into(),
            tier: "starter".into(),
        }
        .validate(Utc::now())
        .unwrap()
    }

    fn customer(language: Language) -> Customer {
        let changes: CustomerChanges = serde_json::from_value(serde_json::json!({
            "companyName": "Bäckerei <b>Schmidt</b>",
            "language": language.code(),
            "loginEmail": "anna@baeckerei.example",
            "status": "feedback"
        }))
        .unwrap();
        changes.validate(None).unwrap().into_new_customer(
            CustomerId::new(),
            TenantId::new(),
            language,
            Utc::now(),
        )
    }

    fn groups(hostile: &str) -> Vec<PageGroup> {
        vec![PageGroup {
            page: format!("https://draft.example/{hostile}"),
            items: vec![ItemRow {
                id: "01HZZZZZZZZZZZZZZZZZZZZZZZ".into(),
                number: 7,
                state: "resolved",
                comment: hostile.into(),
                snippet: hostile.into(),
                attachments: vec![
                    AttachmentRow {
                        name: Some(hostile.into()),
                        href: Some("/files/01HFILEFILEFILEFILEFILEFIL/download".into()),
                    },
                    AttachmentRow {
                        name: Some("quarantined.exe".into()),
                        href: None,
                    },
                    AttachmentRow {
                        name: None,
                        href: None,
                    },
                ],
                author: hostile.into(),
                created_at: "2026-05-31T14:05:00Z".into(),
                created: "2026-05-31 14:05 UTC".into(),
                replies: vec![ReplyRow {
                    author: hostile.into(),
                    text: hostile.into(),
                    at: "2026-05-31T15:05:00Z".into(),
                    at_shown: "2026-05-31 15:05 UTC".into(),
                }],
                history: vec![HistoryRow {
                    state: "resolved",
                    by: hostile.into(),
                    at: "2026-05-31T15:05:00Z".into(),
                    at_shown: "2026-05-31 15:05 UTC".into(),
                }],
                reopenable: true,
            }],
        }]
    }

    #[test]
    fn the_customer_page_renders_in_every_language_and_escapes_what_people_wrote() {
        let hostile = "<img src=x onerror=alert(1)></script><script>alert(2)</script>\u{202e}";
        let groups = groups(hostile);
        let filter = FeedbackFilter::default();
        for language in Language::ALL {
            let customer = customer(language);
            let html = feedback(&FeedbackPage {
                page: Page {
                    language,
                    agency: "Berg".into(),
                },
                nav: Some(Nav::for_customer(&customer, &agency(), "feedback", "tok")),
                staff: false,
                company: &customer.company_name,
                csrf: "tok",
                open: true,
                has_site: true,
                groups: &groups,
                filter: &filter,
                back: "/feedback",
                more_url: None,
                notice: Some("page-feedback-replied"),
                error: None,
                csp: &feedback_csp(&["https://draft.example".into()]),
            });
            let t = |key| crate::i18n::t(language, key);
            for key in [
                "page-feedback-title",
                "page-feedback-give",
                "page-feedback-state-resolved",
                "page-feedback-reopen",
                "page-feedback-show",
                "page-feedback-reply-send",
                "page-feedback-replied",
                "page-feedback-attachments",
                "page-feedback-attachment-deleted",
                "page-feedback-attachment-unavailable",
            ] {
                assert!(html.contains(&escape_html(&t(key))), "{key} in {html}");
            }
            assert!(!html.contains("<img src=x"), "{html}");
            assert!(!html.contains("<script>alert"), "{html}");
            assert!(
                html.contains("href=\"&#x2f;files&#x2f;01HFILEFILEFILEFILEFILEFIL&#x2f;download\""),
                "{html}"
            );
            assert!(!html.contains("quarantined.exe</a>"), "no link: {html}");
            assert!(html.contains("action=\"/feedback/open\""));
            assert!(html.contains("name=\"itemId\" value=\"01HZZZZZZZZZZZZZZZZZZZZZZZ\""));
            assert!(html.contains("/feedback/page/01HZZZZZZZZZZZZZZZZZZZZZZZ/reply"));
            assert!(html.contains("name=\"csrf\" value=\"tok\""));
            assert!(
                !html.contains(&t("page-feedback-change-state")),
                "staff only"
            );
            // The script the policy allows is exactly the one on the page, and the page's
            // own <meta> policy is that policy (not every page's, which allows no script).
            assert!(html.contains(&format!("<script>{SCRIPT}</script>")));
            assert!(
                html.contains("form-action &#x27;self&#x27; https:&#x2f;&#x2f;draft.example;"),
                "{html}"
            );
        }
    }

    #[test]
    fn staff_get_the_filter_and_the_state_choice_but_no_give_feedback_button() {
        let groups = groups("Logo");
        let filter = FeedbackFilter {
            customer_id: "01HCUSTOMERCUSTOMERCUSTOME".into(),
            state: "resolved".into(),
            page: "https://draft.example/Logo".into(),
            pages: vec!["https://draft.example/Logo".into()],
        };
        let html = feedback(&FeedbackPage {
            page: Page {
                language: Language::En,
                agency: "Berg".into(),
            },
            nav: None,
            staff: true,
            company: "Bäckerei <b>Schmidt</b>",
            csrf: "tok",
            open: true,
            has_site: true,
            groups: &groups,
            filter: &filter,
            back: "/feedback?customerId=01HCUSTOMERCUSTOMERCUSTOME",
            more_url: None,
            notice: None,
            error: Some("page-feedback-reply-empty"),
            csp: &feedback_csp(&[]),
        });
        assert!(
            html.contains("Feedback of Bäckerei &lt;b&gt;Schmidt&lt;&#x2f;b&gt;"),
            "{html}"
        );
        assert!(html.contains("name=\"customerId\" value=\"01HCUSTOMERCUSTOMERCUSTOME\""));
        assert!(
            html.contains("<option value=\"resolved\" selected>"),
            "{html}"
        );
        assert!(html.contains("Change state"));
        assert!(html.contains("Please write a reply."));
        assert!(!html.contains("action=\"/feedback/open\""), "{html}");
        assert!(!html.contains("Reopen"));
    }

    #[test]
    fn the_policy_allows_the_script_by_hash_and_form_posts_to_the_draft_origins_only() {
        let csp = feedback_csp(&[
            "https://draft.example".into(),
            "http://127.0.0.1:4000".into(),
            "https://evil.example; script-src *".into(),
            "javascript:alert(1)".into(),
        ]);
        assert!(csp.contains("script-src 'sha256-"), "{csp}");
        assert!(!csp.contains("unsafe-inline'; script") && !csp.contains("script-src 'unsafe"));
        assert!(csp.contains("form-action 'self' https://draft.example http://127.0.0.1:4000;"));
        assert!(!csp.contains("evil"), "{csp}");
        assert!(!csp.contains("javascript"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(feedback_csp(&[]).contains("form-action 'self';"));
    }

    fn escape_html(text: &str) -> String {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#x27;")
    }
}
