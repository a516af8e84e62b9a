//! What people see: the overlay script the agency puts on the draft website
//! (`GET /feedback.js`), the texts it shows (handed out by the overlay's session route), and
//! the portal's feedback page.

use std::collections::BTreeMap;

use axum::{
    http::{HeaderName, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use portal::{domain::Language, i18n::t, pages::FEEDBACK_STATES};

use crate::FeedbackState;

/// The overlay, as the draft website loads it. Kept without dependencies and under 20 KB
/// (a test holds it to that): it loads on every page view of the draft site.
pub const OVERLAY_SCRIPT: &str = include_str!("../assets/feedback.js");

/// How long browsers and CDNs may keep the script: short, so a fix reaches every draft site
/// within minutes, long enough that clicking through a site loads it once.
const OVERLAY_CACHE: &str = "public, max-age=300";

/// The overlay's texts: the keys it looks up, each the catalogue's `feedback-overlay-{key}`.
const OVERLAY_TEXTS: [&str; 17] = [
    "title",
    "comment-mode",
    "stop-commenting",
    "pick-hint",
    "comment",
    "comment-needed",
    "send",
    "cancel",
    "sent",
    "failed",
    "close",
    "item",
    "replies",
    "not-placed",
    "problem-token-expired",
    "problem-token-revoked",
    "problem-not-open",
];

/// Every text the overlay shows, in `language`, by the key the overlay looks it up by
/// (`state-{state}` for the item states, as the feedback page names them).
pub fn overlay_strings(language: Language) -> BTreeMap<String, String> {
    let mut strings: BTreeMap<String, String> = OVERLAY_TEXTS
        .iter()
        .map(|key| {
            (
                (*key).to_owned(),
                t(language, &format!("feedback-overlay-{key}")),
            )
        })
        .collect();
    for state in FEEDBACK_STATES {
        strings.insert(
            format!("state-{state}"),
            t(language, &format!("page-feedback-state-{state}")),
        );
    }
    strings
}

pub fn routes() -> axum::Router<FeedbackState> {
    axum::Router::new().route("/feedback.js", get(overlay_script))
}

/// `GET /feedback.js`: the overlay. A plain `<script src>` needs no CORS; the resource
/// policy lets a draft site that isolates itself (COEP) still load it.
async fn overlay_script() -> Response {
    (
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static(OVERLAY_CACHE)),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                HeaderName::from_static("cross-origin-resource-policy"),
                HeaderValue::from_static("cross-origin"),
            ),
        ],
        OVERLAY_SCRIPT,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_overlay_stays_under_20_kb_and_names_no_other_host() {
        assert!(
            OVERLAY_SCRIPT.len() < 20 * 1024,
            "feedback.js is {} bytes",
            OVERLAY_SCRIPT.len()
        );
        // No third-party requests: past its leading comment (which shows the script line)
        // it names no address and loads no code; it calls only its own script's origin.
        let code = &OVERLAY_SCRIPT[OVERLAY_SCRIPT.find("*/").unwrap_or(0)..];
        for needle in ["http://", "https://", "//cdn", "import(", "importScripts", "eval("] {
            assert!(!code.contains(needle), "feedback.js contains {needle}");
        }
    }

    #[tokio::test]
    async fn the_script_is_served_as_javascript_with_a_short_cache_life() {
        let response = overlay_script().await;
        assert_eq!(response.status(), StatusCode::OK);
        let h = response.headers();
        assert_eq!(h[header::CONTENT_TYPE], "text/javascript; charset=utf-8");
        assert_eq!(h[header::CACHE_CONTROL], "public, max-age=300");
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }

    #[test]
    fn the_overlay_has_every_text_it_looks_up_in_every_language() {
        for language in Language::ALL {
            let strings = overlay_strings(language);
            assert_eq!(strings.len(), OVERLAY_TEXTS.len() + FEEDBACK_STATES.len());
            for (key, text) in &strings {
                assert!(
                    !text.is_empty() && !text.starts_with("Unknown localization key"),
                    "{key} in {language:?}: {text}"
                );
            }
        }
        // Each key the script asks for with s('…') is one the session hands it.
        let strings = overlay_strings(Language::En);
        let mut rest = OVERLAY_SCRIPT;
        while let Some(at) = rest.find("s('") {
            rest = &rest[at + 3..];
            let key = &rest[..rest.find('\'').unwrap_or(0)];
            // `s('state-' + state)`: the prefix of the state names.
            let known = match key.strip_suffix('-') {
                Some(prefix) => strings.keys().any(|k| k.starts_with(prefix)),
                None => strings.contains_key(key),
            };
            assert!(known, "the overlay asks for {key}");
        }
    }
}
