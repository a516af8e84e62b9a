//! The built-in emails that carry one link and nothing else to choose: the password reset
//! and the staff invitation. Their wording comes from the catalogue (`reset-*` and
//! `staff-invite-*`), in the same layout as the invitation email.

use std::sync::LazyLock;

use minijinja::{Environment, UndefinedBehavior, Value, context};

use crate::{
    domain::Language,
    i18n::{Arg, t_args},
    messages::RenderedEmail,
};

static ENV: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    for (name, source) in [
        (
            "layout.html",
            include_str!("../../templates/email/layout.html"),
        ),
        (
            "link_email.html",
            include_str!("../../templates/email/link_email.html"),
        ),
        (
            "link_email.txt",
            include_str!("../../templates/email/link_email.txt"),
        ),
    ] {
        // Ours and fixed: a failure is a bug the tests catch; rendering then falls back.
        if let Err(e) = env.add_template(name, source) {
            tracing::error!(template = name, error = %e, "email template does not parse");
        }
    }
    env
});

struct Labels {
    greeting: String,
    intro: String,
    button: String,
    expiry: String,
    ignore: String,
    signoff: String,
    fallback: String,
    footer: String,
}

/// The email with a link to choose a new password for `login_email`, valid for
/// `expires_in_minutes`.
pub fn render(
    language: Language,
    agency: &str,
    login_email: &str,
    reset_link: &str,
    expires_in_minutes: u32,
) -> RenderedEmail {
    let args = [
        ("agency", agency.into()),
        ("email", login_email.into()),
        ("minutes", expires_in_minutes.into()),
    ];
    link_email(language, "reset", agency, &args, reset_link)
}

/// The email that invites `name` (`login_email`) to set a password for a staff account of
/// `agency`, with a link valid for `valid_days`.
pub fn staff_invitation(
    language: Language,
    agency: &str,
    name: &str,
    login_email: &str,
    link: &str,
    valid_days: u32,
) -> RenderedEmail {
    let args = [
        ("agency", agency.into()),
        ("name", name.into()),
        ("email", login_email.into()),
        ("days", valid_days.into()),
    ];
    link_email(language, "staff-invite", agency, &args, link)
}

/// The email that tells one side of new files (`names`, in upload order), with a link to the
/// portal.
pub fn files_notice(
    language: Language,
    agency: &str,
    names: &[String],
    link: &str,
) -> RenderedEmail {
    let listed = names.join(", ");
    let args = [
        ("agency", agency.into()),
        ("count", names.len().into()),
        ("names", listed.as_str().into()),
    ];
    link_email(language, "files-notice", agency, &args, link)
}

/// Renders the catalogue's `{prefix}-subject`, `-greeting`, `-intro`, `-button`, `-expiry`,
/// `-ignore`, `-signoff` and `-footer` around `link`.
fn link_email(
    language: Language,
    prefix: &str,
    agency: &str,
    args: &[(&'static str, Arg<'_>)],
    link: &str,
) -> RenderedEmail {
    render_link_email(language, prefix, agency, args, link, true)
}

/// The same frame for a notice whose link is no credential: `{prefix}-subject`, `-greeting`,
/// `-intro`, `-button`, `-signoff` and `-footer`, without the expiry and "ignore this" lines.
pub(crate) fn notice_email(
    language: Language,
    prefix: &str,
    agency: &str,
    args: &[(&'static str, Arg<'_>)],
    link: &str,
) -> RenderedEmail {
    render_link_email(language, prefix, agency, args, link, false)
}

fn render_link_email(
    language: Language,
    prefix: &str,
    agency: &str,
    args: &[(&'static str, Arg<'_>)],
    link: &str,
    credential: bool,
) -> RenderedEmail {
    let text = |part: &str| t_args(language, &format!("{prefix}-{part}"), args);
    let credential_text = |part: &str| {
        if credential {
            text(part)
        } else {
            String::new()
        }
    };
    let subject = text("subject")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let labels = Labels {
        greeting: text("greeting"),
        intro: text("intro"),
        button: text("button"),
        expiry: credential_text("expiry"),
        ignore: credential_text("ignore"),
        signoff: text("signoff"),
        fallback: t_args(language, "email-link-fallback", &[]),
        footer: text("footer"),
    };
    let ctx = context! {
        lang => language.code(),
        subject => &subject,
        agency,
        link,
        labels => context! {
            greeting => &labels.greeting,
            intro => &labels.intro,
            button => &labels.button,
            expiry => &labels.expiry,
            ignore => &labels.ignore,
            signoff => &labels.signoff,
            fallback => &labels.fallback,
            footer => &labels.footer,
        },
    };
    let text = layout("link_email.txt", &ctx)
        .map(|text| text.trim().to_owned() + "\n")
        .unwrap_or_else(|| fallback_text(&labels, agency, link));
    let html = layout("link_email.html", &ctx)
        .unwrap_or_else(|| fallback_html(language, &subject, &labels, link));
    RenderedEmail {
        subject,
        text,
        html,
    }
}

fn layout(name: &str, ctx: &Value) -> Option<String> {
    ENV.get_template(name)
        .and_then(|template| template.render(ctx))
        .inspect_err(|e| tracing::error!(template = name, error = %e, "email template failed"))
        .ok()
}

/// The same message without the layout, should a template ever fail.
fn fallback_text(labels: &Labels, agency: &str, reset_link: &str) -> String {
    let mut text = format!(
        "{}\n\n{}\n\n{}:\n{reset_link}\n\n",
        labels.greeting, labels.intro, labels.button
    );
    for line in [&labels.expiry, &labels.ignore] {
        if !line.is_empty() {
            text.push_str(line);
            text.push_str("\n\n");
        }
    }
    text + &format!("{}\n{agency}\n", labels.signoff)
}

fn fallback_html(language: Language, subject: &str, labels: &Labels, reset_link: &str) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let paragraphs: String = [
        &labels.greeting,
        &labels.intro,
        &labels.expiry,
        &labels.ignore,
    ]
    .into_iter()
    .filter(|p| !p.is_empty())
    .map(|p| format!("<p>{}</p>\n", escape(p)))
    .collect();
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n</head>\n<body>\n{paragraphs}<p><a href=\"{link}\">{}</a></p>\n<p>{link}</p>\n</body>\n</html>\n",
        language.code(),
        escape(subject),
        escape(&labels.button),
        link = escape(reset_link),
    )
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::i18n::t;

    const LINK: &str = "https://kunden.berg.example/reset/AbC-123_xyz?lang=de&x=1";

    fn unescape(html: &str) -> String {
        html.replace("&#x2f;", "/").replace("&amp;", "&")
    }

    #[test]
    fn every_language_has_the_link_the_address_and_the_expiry() {
        let mut subjects = HashSet::new();
        for language in Language::ALL {
            let email = render(
                language,
                "Webagentur Berg",
                "anna@baeckerei.example",
                LINK,
                60,
            );
            assert!(
                email.subject.contains("Webagentur Berg"),
                "{language}: {}",
                email.subject
            );
            assert!(!email.subject.contains('\n'));
            subjects.insert(email.subject.clone());
            let html = unescape(&email.html);
            assert!(email.html.contains(&format!("<html lang=\"{language}\">")));
            assert!(html.contains(&format!("href=\"{LINK}\"")), "{language}");
            assert!(email.text.contains(&format!("\n{LINK}\n")), "{language}");
            for part in [&email.text, &html] {
                assert!(part.contains("anna@baeckerei.example"), "{language}");
                assert!(part.contains("60"), "{language}: the validity");
                assert!(part.contains(&t(language, "reset-button")), "{language}");
                assert!(part.contains(&t(language, "reset-ignore")), "{language}");
                assert!(!part.contains("Unknown localization"), "{language}");
                assert!(!part.contains("{$"), "{language}: {part}");
            }
            assert!(!email.text.contains("\n\n\n"), "{language}: {}", email.text);
            assert!(!email.text.contains('<'), "{language}: plain text");
        }
        assert_eq!(subjects.len(), 6, "the languages really differ");
    }

    #[test]
    fn the_english_and_german_wording() {
        let en = render(Language::En, "Berg", "anna@example.com", LINK, 60);
        assert_eq!(
            en.subject,
            "Reset your password for the Berg customer portal"
        );
        assert!(
            en.text
                .contains("Someone asked to reset the password for anna@example.com")
        );
        assert!(en.text.contains("Choose a new password:\n"));
        assert!(en.text.contains("valid for 60 minutes"));
        assert!(en.text.contains("Your password stays unchanged."));
        let de = render(Language::De, "Berg", "anna@example.com", LINK, 60);
        assert!(de.text.contains("Passwort"), "{}", de.text);
        assert!(de.text.contains("60 Minuten"));
    }

    #[test]
    fn agency_and_address_are_escaped_in_html() {
        let email = render(
            Language::En,
            "Smith & Sons <b>",
            "x<script>@example.com",
            LINK,
            30,
        );
        assert!(email.html.contains("Smith &amp; Sons &lt;b&gt;"));
        assert!(!email.html.contains("<script>"));
        assert!(!email.html.contains("<b>"));
        assert!(email.subject.contains("Smith & Sons <b>"), "plain text");
        assert!(email.text.contains("30 minutes"));
    }

    #[test]
    fn staff_invitations_in_every_language() {
        let mut subjects = HashSet::new();
        for language in Language::ALL {
            let email = staff_invitation(
                language,
                "Webagentur Berg",
                "Jonas Berg",
                "jonas@berg.example",
                LINK,
                7,
            );
            assert!(email.subject.contains("Webagentur Berg"), "{language}");
            subjects.insert(email.subject.clone());
            let html = unescape(&email.html);
            assert!(html.contains(&format!("href=\"{LINK}\"")), "{language}");
            for part in [&email.text, &html] {
                assert!(part.contains("Jonas Berg"), "{language}: {part}");
                assert!(part.contains("jonas@berg.example"), "{language}");
                assert!(part.contains('7'), "{language}: the validity");
                assert!(
                    part.contains(&t(language, "staff-invite-button")),
                    "{language}"
                );
                assert!(!part.contains("Unknown localization"), "{language}");
                assert!(!part.contains("{$"), "{language}: {part}");
            }
        }
        assert_eq!(subjects.len(), 6, "the languages really differ");
        let en = staff_invitation(Language::En, "Berg", "Jonas", "j@berg.example", LINK, 7);
        assert!(en.text.contains("Hello Jonas,"), "{}", en.text);
        assert!(en.text.contains("7 days"), "{}", en.text);
    }
}
