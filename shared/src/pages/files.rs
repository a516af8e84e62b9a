//! The files page: the customer's files (folders, size, who uploaded, when, state) with
//! download links and delete buttons that work without a script, and, with the script, a
//! drop zone and a file picker that upload straight to the storage URL with a progress bar
//! per file, refusing files over the agency's limits before any byte is sent.

use std::sync::LazyLock;

use base64::{Engine, engine::general_purpose::STANDARD};
use minijinja::{context, value::Serde};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{Nav, Page, render};
use crate::http::PAGE_CSP;

/// The page's script, inlined and allowed by its hash (no `unsafe-inline`).
const SCRIPT: &str = include_str!("../../templates/pages/files.js");

/// The Content-Security-Policy of the files page: every page's, plus its own script (by
/// hash) and the requests it makes (the portal, and the storage's https URL the signed
/// upload form names).
pub static FILES_CSP: LazyLock<String> = LazyLock::new(|| {
    let hash = STANDARD.encode(Sha256::digest(SCRIPT.as_bytes()));
    PAGE_CSP.replacen(
        "default-src 'none';",
        &format!("default-src 'none'; script-src 'sha256-{hash}'; connect-src 'self' https:;"),
        1,
    )
});

/// One file as the page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct FileRow {
    pub id: String,
    pub name: String,
    pub folder: String,
    /// As shown: `1.4 MB`.
    pub size: String,
    /// `customer` or `agency`.
    pub uploaded_by: &'static str,
    /// RFC 3339, for `<time datetime>`.
    pub created_at: String,
    /// As shown: `2026-05-31 14:05 UTC`.
    pub created: String,
    /// A `FileState` code: `pending`, `available`, ...
    pub state: &'static str,
    pub downloadable: bool,
    /// Its usable direct links (staff only; empty for the customer).
    pub links: Vec<LinkRow>,
}

/// A usable direct link of a file, as the staff page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct LinkRow {
    pub id: String,
    /// As shown: `2026-05-31 14:05 UTC`.
    pub expires: String,
    pub downloads: u64,
}

/// What the page adds when staff look at a customer's files.
#[derive(Debug, Clone, Serialize)]
pub struct StaffFiles<'a> {
    pub customer_id: &'a str,
    pub company: &'a str,
    /// A direct link just made, shown this once (only its hash is kept).
    pub created_link: Option<&'a str>,
}

/// A folder to show, and the page that shows it.
#[derive(Debug, Clone, Serialize)]
pub struct FolderLink {
    pub name: String,
    pub url: String,
}

impl FolderLink {
    pub fn new(name: &str) -> Self {
        Self::of_customer(name, None)
    }

    /// A folder of the customer staff look at (`customer_id`), or of the customer's own.
    pub fn of_customer(name: &str, customer_id: Option<&str>) -> Self {
        let mut pairs = vec![("folder", name)];
        pairs.extend(customer_id.map(|c| ("customerId", c)));
        Self {
            name: name.to_owned(),
            url: format!(
                "{PATH}?{}",
                serde_urlencoded::to_string(pairs).unwrap_or_default()
            ),
        }
    }
}

/// Where the page is served.
pub const PATH: &str = "/files/page";

/// What the script checks before sending a byte: the agency's limits.
#[derive(Debug, Clone, Serialize)]
pub struct UploadLimits {
    pub max_size: u64,
    /// `max_size` as shown.
    pub max_size_shown: String,
    /// `application/pdf`, `image/*`, ...
    pub allowed_types: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct FilesPage<'a> {
    pub page: Page,
    /// The customer's navigation; none for staff.
    pub nav: Option<Nav>,
    /// Staff looking at a customer's files: whose, and the direct links.
    pub staff: Option<StaffFiles<'a>>,
    pub csrf: &'a str,
    pub folders: &'a [FolderLink],
    /// The folder shown, empty for all.
    pub folder: &'a str,
    pub files: &'a [FileRow],
    pub limits: &'a UploadLimits,
    pub more_url: Option<&'a str>,
    /// A catalogue key to show on top (`page-files-deleted`).
    pub notice: Option<&'a str>,
}

/// Bytes as people read them (decimal units, one decimal).
pub fn shown_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

pub fn files(p: &FilesPage) -> String {
    render(
        "files.html",
        p.page.language,
        context! {
            lang => p.page.language.code(),
            agency => p.page.agency.as_str(),
            nav => Serde(&p.nav),
            staff => Serde(&p.staff),
            owner_query => p.staff.as_ref().map(|s| format!(
                "?{}",
                serde_urlencoded::to_string([("customerId", s.customer_id)]).unwrap_or_default()
            )).unwrap_or_default(),
            csrf => p.csrf,
            folders => Serde(p.folders),
            folder => p.folder,
            files => Serde(p.files),
            limits => Serde(p.limits),
            allowed => p.limits.allowed_types.join(","),
            more_url => p.more_url,
            notice => p.notice,
            csp => FILES_CSP.as_str(),
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
            "status": "design"
        }))
        .unwrap();
        changes.validate(None).unwrap().into_new_customer(
            CustomerId::new(),
            TenantId::new(),
            language,
            Utc::now(),
        )
    }

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(shown_size(0), "0 B");
        assert_eq!(shown_size(999), "999 B");
        assert_eq!(shown_size(1_400_000), "1.4 MB");
        assert_eq!(shown_size(100 * 1024 * 1024), "104.9 MB");
    }

    #[test]
    fn the_files_page_renders_in_every_language_and_escapes_file_names() {
        let hostile = "<img src=x onerror=alert(1)>\u{202e}gpj.exe \"quoted\" 日本語";
        let rows = [FileRow {
            id: "01HZZZZZZZZZZZZZZZZZZZZZZZ".into(),
            name: hostile.into(),
            folder: "</script><script>alert(2)</script>".into(),
            size: "1.4 MB".into(),
            uploaded_by: "agency",
            created_at: "2026-05-31T14:05:00Z".into(),
            created: "2026-05-31 14:05 UTC".into(),
            state: "available",
            downloadable: true,
            links: Vec::new(),
        }];
        let folders = [FolderLink::new("</script><script>alert(2)</script>")];
        let limits = UploadLimits {
            max_size: 1000,
            max_size_shown: "1.0 KB".into(),
            allowed_types: vec!["application/pdf".into(), "image/*".into()],
        };
        for language in Language::ALL {
            let customer = customer(language);
            let tenant = agency();
            let html = files(&FilesPage {
                page: Page {
                    language,
                    agency: "Berg".into(),
                },
                nav: Some(Nav::for_customer(&customer, &tenant, "files", "tok")),
                staff: None,
                csrf: "tok",
                folders: &folders,
                folder: "",
                files: &rows,
                limits: &limits,
                more_url: None,
                notice: None,
            });
            let t = |key| crate::i18n::t(language, key);
            assert!(html.contains(&t("page-files-title")), "{html}");
            assert!(html.contains(&t("page-files-by-agency")), "{html}");
            assert!(html.contains(&t("page-files-state-available")));
            assert!(html.contains(&t("page-files-delete")));
            assert!(!html.contains("<img src=x"), "{html}");
            assert!(!html.contains("<script>alert"), "{html}");
            assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
            assert!(
                html.contains("\u{202e}gpj.exe"),
                "the name is kept, escaped"
            );
            assert!(html.contains("/files/01HZZZZZZZZZZZZZZZZZZZZZZZ/download"));
            assert!(html.contains("name=\"csrf\" value=\"tok\""));
            assert!(html.contains("script-src &#x27;sha256-"), "{html}");
            assert!(html.contains("folder=%3C%2Fscript%3E"), "{html}");
            // The script the policy allows is exactly the one on the page.
            assert!(html.contains(&format!("<script>{SCRIPT}</script>")));
        }
    }

    #[test]
    fn the_staff_view_of_a_customers_files_renders_in_every_language() {
        let rows = [FileRow {
            id: "01HZZZZZZZZZZZZZZZZZZZZZZZ".into(),
            name: "Angebot.pdf".into(),
            folder: String::new(),
            size: "1.4 MB".into(),
            uploaded_by: "customer",
            created_at: "2026-05-31T14:05:00Z".into(),
            created: "2026-05-31 14:05 UTC".into(),
            state: "available",
            downloadable: true,
            links: vec![LinkRow {
                id: "01HYYYYYYYYYYYYYYYYYYYYYYY".into(),
                expires: "2026-06-07 14:05 UTC".into(),
                downloads: 3,
            }],
        }];
        let limits = UploadLimits {
            max_size: 1000,
            max_size_shown: "1.0 KB".into(),
            allowed_types: vec!["application/pdf".into()],
        };
        for language in Language::ALL {
            let html = files(&FilesPage {
                page: Page {
                    language,
                    agency: "Berg".into(),
                },
                nav: None,
                staff: Some(StaffFiles {
                    customer_id: "01HXXXXXXXXXXXXXXXXXXXXXXX",
                    company: "Bäckerei <b>Schmidt</b>",
                    created_link: Some("https://kunden.berg.example/d/abc"),
                }),
                csrf: "tok",
                folders: &[],
                folder: "",
                files: &rows,
                limits: &limits,
                more_url: None,
                notice: None,
            });
            let t = |key| crate::i18n::t(language, key);
            assert!(html.contains(&t("page-files-by-the-customer")), "{html}");
            assert!(html.contains(&t("page-files-link-revoke")), "{html}");
            assert!(html.contains(&t("page-files-share")), "{html}");
            assert!(
                html.contains("Bäckerei &lt;b&gt;Schmidt&lt;&#x2f;b&gt;"),
                "{html}"
            );
            assert!(html.contains("2026-06-07 14:05 UTC"), "{html}");
            assert!(
                html.contains("https:&#x2f;&#x2f;kunden.berg.example&#x2f;d&#x2f;abc"),
                "{html}"
            );
            assert!(html.contains("data-customer-id=\"01HXXXXXXXXXXXXXXXXXXXXXXX\""));
            assert!(html.contains("name=\"customerId\" value=\"01HXXXXXXXXXXXXXXXXXXXXXXX\""));
        }
    }
}
