//! Feedback pinned to the customer's draft website: the site it is given on, its items (one
//! point on one page, a thread of replies, a recorded history of states), the short-lived
//! tokens the overlay script carries, and the notices that batch emails to the other side.

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use thiserror::Error;

use super::{
    Actor, CustomerId, FeedbackItemId, FeedbackNoticeId, FeedbackTokenId, FieldProblem, FileId,
    NoticeTo, Origin, ProjectStatus, TenantId, TokenHash, text::TextError,
};

/// Longest comment or reply, in characters.
pub const COMMENT_MAX: usize = 5_000;
/// Longest CSS selector the overlay may send.
pub const SELECTOR_MAX: usize = 1_000;
/// Longest text snippet of the element (to find it again after small changes).
pub const SNIPPET_MAX: usize = 200;
/// Longest browser description (user agent).
pub const BROWSER_MAX: usize = 500;
/// Longest page, draft or live URL.
pub const URL_MAX: usize = 2_000;
/// Replies per item: a thread, not a chat.
pub const REPLIES_MAX: u32 = 200;
/// Items per page URL: beyond this a page needs a conversation, not more pins.
pub const ITEMS_PER_PAGE_MAX: u32 = 100;
/// Recorded state changes per item, so an item stays far below DynamoDB's item size.
pub const HISTORY_MAX: usize = 200;
/// Files attached to one item.
pub const ATTACHMENTS_MAX: usize = 10;
/// How long a feedback token opens the overlay.
pub const TOKEN_LIFETIME: Duration = Duration::hours(2);

/// A URL of the customer's website: absolute `https` (plain `http` only on loopback, since
/// the feedback token rides in its fragment), no credentials, at most [`URL_MAX`] characters.
/// A fragment is dropped: it names a spot within a page, not a page.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct SiteUrl(String);

#[derive(Debug, Error, Clone, Copy, PartialEq, Eq)]
pub enum SiteUrlError {
    #[error("is not an absolute URL such as https://portal.agency.example")]
    Invalid,
    #[error("must use https (http is allowed only for localhost and 127.0.0.1)")]
    NotHttps,
    #[error("must not contain credentials, a query or a fragment")]
    Credentials,
    #[error("{}", TextError::TooLong(*.0))]
    TooLong(usize),
}

impl FieldProblem for SiteUrlError {
    fn code(&self) -> &'static str {
        match self {
            SiteUrlError::Invalid => "url-invalid",
            SiteUrlError::NotHttps => "url-not-https",
            SiteUrlError::Credentials => "url-extra",
            SiteUrlError::TooLong(max) => TextError::TooLong(*max).code(),
        }
    }

    fn args(&self) -> Vec<(&'static str, i64)> {
        match self {
            SiteUrlError::TooLong(max) => TextError::TooLong(*max).args(),
            _ => Vec::new(),
        }
    }
}

impl SiteUrl {
    pub fn parse(raw: &str) -> Result<Self, SiteUrlError> {
        let raw = raw.trim();
        if raw.chars().count() > URL_MAX {
            return Err(SiteUrlError::TooLong(URL_MAX));
        }
        let mut url = url::Url::parse(raw).map_err(|_| SiteUrlError::Invalid)?;
        // DNS names stop at 253 characters; a longer host would also overflow the origin's
        // key in the table (`FEEDBACKORIGIN#{origin}`, 2 KB at most).
        if url.host_str().is_none_or(|h| h.is_empty() || h.len() > 253) {
            return Err(SiteUrlError::Invalid);
        }
        let loopback = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
        match url.scheme() {
            "https" => {}
            "http" if loopback => {}
            "http" => return Err(SiteUrlError::NotHttps),
            _ => return Err(SiteUrlError::Invalid),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(SiteUrlError::Credentials);
        }
        url.set_fragment(None);
        let s = url.to_string();
        // Normalising (punycode, percent-encoding) can lengthen it.
        if s.chars().count() > URL_MAX {
            return Err(SiteUrlError::TooLong(URL_MAX));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Its origin, as a browser sends it in `Origin`.
    pub fn origin(&self) -> Origin {
        let origin = url::Url::parse(&self.0)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_default();
        Origin::parse(&origin).unwrap_or_else(|_| unreachable_origin())
    }
}

/// A parsed `SiteUrl` always has an origin; this is never reached, but keeps the type total.
fn unreachable_origin() -> Origin {
    Origin::parse("https://invalid.invalid").expect("a fixed valid origin")
}

impl fmt::Display for SiteUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SiteUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        SiteUrl::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// Whether a project in `status` takes feedback: from `feedback` on, and once online only
/// when the agency allows it (`after_online`). Not while paused, nor before the preview.
pub fn feedback_open(status: ProjectStatus, after_online: bool) -> bool {
    match status {
        ProjectStatus::Feedback | ProjectStatus::Launch => true,
        ProjectStatus::Online => after_online,
        ProjectStatus::Preparation | ProjectStatus::Design | ProjectStatus::Paused => false,
    }
}

/// Where a customer gives feedback: the draft site (and the live one), as the agency
/// registered them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackSite {
    pub tenant_id: TenantId,
    pub customer_id: CustomerId,
    pub draft_url: SiteUrl,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live_url: Option<SiteUrl>,
    /// The agency takes feedback on this project after it went online, too.
    pub after_online: bool,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Actor,
    pub version: u64,
}

impl FeedbackSite {
    /// The origins the overlay may call from: the draft's and the live site's.
    pub fn origins(&self) -> Vec<Origin> {
        let mut origins = vec![self.draft_url.origin()];
        if let Some(live) = &self.live_url {
            let live = live.origin();
            if !origins.contains(&live) {
                origins.push(live);
            }
        }
        origins
    }

    /// Whether a page of `url` belongs to the site (draft or live).
    pub fn has_page(&self, url: &SiteUrl) -> bool {
        self.origins().contains(&url.origin())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FeedbackState {
    Open,
    InProgress,
    Resolved,
    WontFix,
}

impl FeedbackState {
    pub const ALL: [FeedbackState; 4] = [
        FeedbackState::Open,
        FeedbackState::InProgress,
        FeedbackState::Resolved,
        FeedbackState::WontFix,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FeedbackState::Open => "open",
            FeedbackState::InProgress => "in-progress",
            FeedbackState::Resolved => "resolved",
            FeedbackState::WontFix => "wont-fix",
        }
    }

    /// Done with, from the agency's side: the customer may reopen it.
    pub fn is_closed(self) -> bool {
        matches!(self, FeedbackState::Resolved | FeedbackState::WontFix)
    }
}

#[derive(Debug, Error, Clone, Copy, PartialEq, Eq)]
#[error("must be one of open, in-progress, resolved, wont-fix")]
pub struct UnknownFeedbackState;

impl FieldProblem for UnknownFeedbackState {
    fn code(&self) -> &'static str {
        "invalid"
    }
}

impl std::str::FromStr for FeedbackState {
    type Err = UnknownFeedbackState;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FeedbackState::ALL
            .into_iter()
            .find(|state| state.as_str() == s)
            .ok_or(UnknownFeedbackState)
    }
}

impl fmt::Display for FeedbackState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthorKind {
    Staff,
    Customer,
}

/// Who wrote or changed something, as both sides see it: the side and a name (the staff
/// user's, the agency's for an API key, the customer's company).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Author {
    pub kind: AuthorKind,
    pub name: String,
    /// Exactly who, for the record (the key or staff user); not shown to the customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<Actor>,
}

/// Where in the element the point is, as fractions of its box (0 to 1), so it stays on the
/// element when the page is resized.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Position {
    pub x: f64,
    pub y: f64,
}

impl Eq for Position {}

/// The browser window the item was made in, in CSS pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewport {
    pub width: u32,
    pub height: u32,
}

/// A state an item entered, who moved it and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub state: FeedbackState,
    pub by: Author,
    pub at: DateTime<Utc>,
}

/// One point on one page of the draft website.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackItem {
    pub id: FeedbackItemId,
    pub tenant_id: TenantId,
    pub customer_id: CustomerId,
    /// 1, 2, 3... per customer: the number on the pin.
    pub number: u32,
    pub page_url: SiteUrl,
    pub selector: String,
    pub snippet: String,
    pub position: Position,
    pub viewport: Viewport,
    pub browser: String,
    pub comment: String,
    #[serde(default)]
    pub attachments: Vec<FileId>,
    pub state: FeedbackState,
    pub author: Author,
    /// Every state it has been in, oldest first (the first is `open` at creation).
    pub history: Vec<HistoryEntry>,
    pub reply_count: u32,
    /// The agency replied or moved it since the customer last opened it.
    #[serde(default)]
    pub customer_unseen: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
}

/// One message in an item's thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackReply {
    pub item_id: FeedbackItemId,
    /// 1, 2, 3... within the item.
    pub number: u32,
    pub author: Author,
    pub text: String,
    pub at: DateTime<Utc>,
}

/// What a notice tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoticeKind {
    NewItem,
    Reply,
    State,
}

/// A change the other side has not been told of yet. Notices of one customer and side wait
/// together, so several changes within minutes share one email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackNotice {
    pub id: FeedbackNoticeId,
    pub tenant_id: TenantId,
    pub customer_id: CustomerId,
    pub to: NoticeTo,
    pub kind: NoticeKind,
    pub item_id: FeedbackItemId,
    pub number: u32,
    pub page_url: SiteUrl,
    /// The state the item moved to (a state notice).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<FeedbackState>,
    /// The start of the comment or reply, for the email.
    pub excerpt: String,
    pub created_at: DateTime<Utc>,
}

/// How much of a comment or reply an email quotes.
pub const EXCERPT_CHARS: usize = 200;

impl FeedbackNotice {
    pub fn new(
        item: &FeedbackItem,
        to: NoticeTo,
        kind: NoticeKind,
        text: &str,
        at: DateTime<Utc>,
    ) -> Self {
        let mut excerpt: String = text.chars().take(EXCERPT_CHARS).collect();
        if text.chars().count() > EXCERPT_CHARS {
            excerpt.push('…');
        }
        Self {
            id: FeedbackNoticeId::new(),
            tenant_id: item.tenant_id,
            customer_id: item.customer_id,
            to,
            kind,
            item_id: item.id,
            number: item.number,
            page_url: item.page_url.clone(),
            state: (kind == NoticeKind::State).then_some(item.state),
            excerpt,
            created_at: at,
        }
    }
}

/// A feedback token as stored: only its hash, for whom, until when. It opens the overlay
/// routes of its customer and nothing else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackToken {
    pub id: FeedbackTokenId,
    pub hash: TokenHash,
    pub tenant_id: TenantId,
    pub customer_id: CustomerId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Why a presented token opens nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenUnusable {
    Unknown,
    Expired,
    Revoked,
}

impl FeedbackToken {
    pub fn check(&self, now: DateTime<Utc>) -> Result<(), TokenUnusable> {
        if self.revoked_at.is_some() {
            Err(TokenUnusable::Revoked)
        } else if now >= self.expires_at {
            Err(TokenUnusable::Expired)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_urls_are_https_without_credentials_and_lose_their_fragment() {
        let url = SiteUrl::parse(" https://Draft.Example/about?x=1#team ").unwrap();
        assert_eq!(url.as_str(), "https://draft.example/about?x=1");
        assert_eq!(url.origin().as_str(), "https://draft.example");
        assert_eq!(
            SiteUrl::parse("http://127.0.0.1:8080/")
                .unwrap()
                .origin()
                .as_str(),
            "http://127.0.0.1:8080"
        );
        for (raw, problem) in [
            ("draft.example", SiteUrlError::Invalid),
            ("javascript:alert(1)", SiteUrlError::Invalid),
            ("ftp://draft.example/", SiteUrlError::Invalid),
            ("http://draft.example/", SiteUrlError::NotHttps),
            ("https://user:pw@draft.example/", SiteUrlError::Credentials),
        ] {
            assert_eq!(SiteUrl::parse(raw), Err(problem), "{raw}");
        }
        // A host DNS can't have: it would also overflow the origin's key (2 KB).
        let host = format!("https://{}.example/", vec!["a".repeat(60); 30].join("."));
        assert_eq!(SiteUrl::parse(&host), Err(SiteUrlError::Invalid));
        let long = format!("https://draft.example/{}", "a".repeat(URL_MAX));
        assert_eq!(SiteUrl::parse(&long), Err(SiteUrlError::TooLong(URL_MAX)));
    }

    #[test]
    fn feedback_is_open_from_the_feedback_status_on_and_online_only_when_allowed() {
        use ProjectStatus::*;
        for (status, without, with) in [
            (Preparation, false, false),
            (Design, false, false),
            (Feedback, true, true),
            (Launch, true, true),
            (Online, false, true),
            (Paused, false, false),
        ] {
            assert_eq!(feedback_open(status, false), without, "{status}");
            assert_eq!(feedback_open(status, true), with, "{status}");
        }
    }

    #[test]
    fn states_parse_from_their_names_only() {
        for state in FeedbackState::ALL {
            assert_eq!(state.as_str().parse::<FeedbackState>(), Ok(state));
        }
        assert!("closed".parse::<FeedbackState>().is_err());
        assert!("Open".parse::<FeedbackState>().is_err());
    }
}
