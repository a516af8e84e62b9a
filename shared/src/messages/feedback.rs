//! The email that tells one side of what happened to the website feedback (new points,
//! replies, states), several changes in one email. Wording from `feedback.ftl`, in the frame
//! every notice shares.

use crate::{
    domain::{FeedbackNotice, FeedbackState, Language, NoticeKind},
    i18n::{Arg, t, t_args},
    messages::{RenderedEmail, password_reset::notice_email},
};

/// A state's name in `language`.
pub fn state_name(language: Language, state: FeedbackState) -> String {
    t(language, &format!("feedback-state-{}", state.as_str()))
}

/// One line of the email for `notice`.
fn line(language: Language, notice: &FeedbackNotice) -> String {
    let number = notice.number.to_string();
    let page = page_path(notice.page_url.as_str());
    match notice.kind {
        NoticeKind::NewItem | NoticeKind::Reply => {
            let key = if notice.kind == NoticeKind::NewItem {
                "feedback-notice-new"
            } else {
                "feedback-notice-reply"
            };
            let excerpt = notice
                .excerpt
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            t_args(
                language,
                key,
                &[
                    ("number", Arg::Text(&number)),
                    ("page", Arg::Text(&page)),
                    ("text", Arg::Text(&excerpt)),
                ],
            )
        }
        NoticeKind::State => {
            let state = notice
                .state
                .map(|s| state_name(language, s))
                .unwrap_or_default();
            t_args(
                language,
                "feedback-notice-state",
                &[
                    ("number", Arg::Text(&number)),
                    ("page", Arg::Text(&page)),
                    ("state", Arg::Text(&state)),
                ],
            )
        }
    }
}

/// The page's path (and query), which says more in a line than the whole address.
fn page_path(url: &str) -> String {
    url::Url::parse(url)
        .map(|u| match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_owned(),
        })
        .unwrap_or_else(|_| url.to_owned())
}

/// The email to one side about `notices` (oldest first) of `company`'s feedback, with a link
/// to the feedback page.
pub fn feedback_notice(
    language: Language,
    agency: &str,
    company: &str,
    notices: &[FeedbackNotice],
    link: &str,
) -> RenderedEmail {
    let items = notices
        .iter()
        .map(|n| line(language, n))
        .collect::<Vec<_>>()
        .join("; ");
    let count = i64::try_from(notices.len()).unwrap_or(i64::MAX);
    let args = [
        ("agency", Arg::Text(agency)),
        ("company", Arg::Text(company)),
        ("count", Arg::Number(count)),
        ("items", Arg::Text(&items)),
    ];
    notice_email(language, "feedback-notice", agency, &args, link)
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::domain::{
        CustomerId, FeedbackItemId, FeedbackNoticeId, NoticeTo, SiteUrl, TenantId,
    };

    fn notice(kind: NoticeKind, number: u32, text: &str) -> FeedbackNotice {
        FeedbackNotice {
            id: FeedbackNoticeId::new(),
            tenant_id: TenantId::new(),
            customer_id: CustomerId::new(),
            to: NoticeTo::Agency,
            kind,
            item_id: FeedbackItemId::new(),
            number,
            page_url: SiteUrl::parse("https://draft.example/about?lang=de").unwrap(),
            state: (kind == NoticeKind::State).then_some(FeedbackState::Resolved),
            excerpt: text.into(),
            created_at: Utc::now(),
        }
    }

    #[test]
    fn one_email_names_every_change_in_every_language() {
        let notices = [
            notice(NoticeKind::NewItem, 1, "Logo too small"),
            notice(NoticeKind::Reply, 2, "Done  \n soon"),
            notice(NoticeKind::State, 3, ""),
        ];
        for language in Language::ALL {
            let email = feedback_notice(
                language,
                "Webagentur Berg",
                "Bäckerei Sonne",
                &notices,
                "https://kunden.berg.example/feedback",
            );
            assert!(
                email.subject.contains('3'),
                "{language:?}: {}",
                email.subject
            );
            for needle in [
                "Logo too small",
                "Done soon",
                "/about?lang=de",
                "#1",
                "Bäckerei Sonne",
            ] {
                let needle = if language == Language::Fr || language == Language::Es {
                    needle.trim_start_matches('#')
                } else {
                    needle
                };
                assert!(
                    email.text.contains(needle),
                    "{language:?}: {needle} in {}",
                    email.text
                );
            }
            assert!(
                email
                    .text
                    .contains(&state_name(language, FeedbackState::Resolved))
            );
            assert!(email.text.contains("https://kunden.berg.example/feedback"));
            assert!(email.html.contains("kunden.berg.example"));
            assert!(
                !email.text.contains("feedback-notice"),
                "{language:?}: a missing key"
            );
        }
    }
}
