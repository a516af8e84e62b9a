use super::{
    render::{BUILTIN, shorten},
    *,
};
use crate::{domain::NewTenant, i18n::t_with, messages::sms};

fn tenant() -> Tenant {
    NewTenant {
        name: "Webagentur Berg".into(),
        portal_base_url: "https://kunden.berg.example".into(),
        sender_email: "portal@berg.example".into(),
        default_language: "de".into(),
        tier: "starter".into(),
    }
    .validate(Utc::now())
    .unwrap()
}

fn vars(language: Language, note: &str, area: PortalArea) -> InvitationVars {
    let mut v = InvitationVars::sample(&tenant(), language, Utc::now());
    v.invitation_link = format!("https://kunden.berg.example/invite/{}", "A".repeat(43));
    v.login_link = "https://kunden.berg.example/login?next=/files".into();
    v.note = note.into();
    v.area = area_name(language, area);
    v
}

#[test]
fn the_builtin_templates_are_compiled_once_not_at_every_send() {
    for language in Language::ALL {
        let email = EmailTemplate::builtin(language);
        let sms = SmsTemplate::builtin(language);
        for source in [&email.subject, &email.body, &sms.body] {
            assert!(
                BUILTIN.contains_key(source.as_str()),
                "{language}: {source:?} is compiled at every send"
            );
        }
    }
}

#[test]
fn every_language_has_a_complete_builtin_email_with_both_links() {
    for language in Language::ALL {
        let v = vars(language, "", PortalArea::Start);
        EmailTemplate::builtin(language)
            .check(language, &v)
            .unwrap();
        let email = EmailTemplate::builtin(language)
            .render(language, &v)
            .unwrap();
        assert!(
            email.subject.contains("Webagentur Berg"),
            "{language}: {}",
            email.subject
        );
        assert!(!email.subject.contains('\n'));
        // The HTML escapes `/` and `&`, as it may: browsers and mail clients decode them.
        let html = email.html.replace("&#x2f;", "/").replace("&amp;", "&");
        for part in [&email.text, &html] {
            assert!(part.contains(&v.invitation_link), "{language}");
            assert!(part.contains(&v.login_link), "{language}");
            assert!(part.contains(&v.expires_on), "{language}");
            assert!(part.contains(&v.contact_name), "{language}");
        }
        assert!(email.html.contains(&format!("<html lang=\"{language}\">")));
        assert!(!email.text.contains("\n\n\n"), "{language}: {}", email.text);
    }
}

#[test]
fn the_languages_really_differ() {
    let subjects: std::collections::HashSet<_> = Language::ALL
        .into_iter()
        .map(|l| {
            EmailTemplate::builtin(l)
                .render(l, &vars(l, "", PortalArea::Start))
                .unwrap()
                .subject
        })
        .collect();
    assert_eq!(subjects.len(), 6);
    let de = EmailTemplate::builtin(Language::De)
        .render(Language::De, &vars(Language::De, "", PortalArea::Files))
        .unwrap();
    assert!(de.text.contains("Passwort"), "{}", de.text);
    assert!(
        de.text.contains("Dateien"),
        "the area is named: {}",
        de.text
    );
}

#[test]
fn dates_are_written_the_local_way() {
    let at = chrono::DateTime::parse_from_rfc3339("2026-03-05T10:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    assert_eq!(long_date(Language::De, at), "5. März 2026");
    assert_eq!(long_date(Language::En, at), "March 5, 2026");
    assert_eq!(long_date(Language::Fr, at), "5 mars 2026");
    assert_eq!(long_date(Language::Sv, at), "5 mars 2026");
    assert_eq!(long_date(Language::Es, at), "5 de marzo de 2026");
    assert_eq!(long_date(Language::Nl, at), "5 maart 2026");
    let new_year = chrono::DateTime::parse_from_rfc3339("2027-12-31T23:59:59Z")
        .unwrap()
        .with_timezone(&Utc);
    assert_eq!(long_date(Language::De, new_year), "31. Dezember 2027");
    assert_eq!(long_date(Language::En, new_year), "December 31, 2027");
}

#[test]
fn every_month_has_its_own_name_in_every_language() {
    for language in Language::ALL {
        let names: std::collections::BTreeSet<String> = (1..=12)
            .map(|month| {
                let at = chrono::NaiveDate::from_ymd_opt(2026, month, 1)
                    .unwrap()
                    .and_hms_opt(12, 0, 0)
                    .unwrap()
                    .and_utc();
                let date = long_date(language, at);
                assert!(date.contains("2026") && date.contains('1'), "{date}");
                assert!(!date.contains(['{', '}', '$']), "{date}");
                date
            })
            .collect();
        assert_eq!(names.len(), 12, "{language:?}: {names:?}");
    }
}

#[test]
fn the_personal_note_appears_when_given() {
    let v = vars(Language::En, "See you on Monday!", PortalArea::Start);
    let email = EmailTemplate::builtin(Language::En)
        .render(Language::En, &v)
        .unwrap();
    assert!(email.text.contains("See you on Monday!"));
    assert!(email.html.contains("See you on Monday!"));
}

#[test]
fn agency_text_is_escaped_in_html() {
    let mut v = vars(Language::En, "<script>alert(1)</script>", PortalArea::Start);
    v.company = "Smith & Sons <b>".into();
    let template = EmailTemplate {
        subject: "Hi {{ company }}".into(),
        body: "{{ company }}\n\n{{ note }}".into(),
    };
    let email = template.render(Language::En, &v).unwrap();
    assert!(email.html.contains("Smith &amp; Sons &lt;b&gt;"));
    assert!(email.html.contains("&lt;script&gt;"));
    assert!(!email.html.contains("<script>"));
    assert_eq!(
        email.subject, "Hi Smith & Sons <b>",
        "the subject is plain text"
    );
}

#[test]
fn builtin_sms_fit_one_segment_where_the_alphabet_allows() {
    for language in Language::ALL {
        let v = vars(language, "", PortalArea::Start);
        let template = SmsTemplate::builtin(language);
        template.check(&v).unwrap();
        let text = template.render(&v).unwrap();
        assert!(text.contains(&v.invitation_link));
        let info = sms::measure(&text);
        assert_eq!(info.encoding, sms::SmsEncoding::Gsm7, "{language}: {text}");
        assert_eq!(
            info.segments, 1,
            "{language} is {} characters: {text}",
            info.length
        );
    }
}

#[test]
fn bad_agency_templates_are_refused_with_the_reason() {
    let v = vars(Language::En, "", PortalArea::Start);
    let check = |subject: &str, body: &str| {
        EmailTemplate {
            subject: subject.into(),
            body: body.into(),
        }
        .check(Language::En, &v)
        .map_err(|errors| {
            errors
                .iter()
                .map(|e| e.field_error(Language::En))
                .collect::<Vec<_>>()
        })
    };
    let err = check("Hello {{ customer_name }}", "ok").unwrap_err();
    assert_eq!(err[0].field, "subject");
    assert!(
        err[0].message.contains("{{ customer_name }}"),
        "{}",
        err[0].message
    );
    let err = check("ok", "Hello {% if %}").unwrap_err();
    assert_eq!(err[0].field, "body");
    assert!(
        err[0].message.starts_with("does not parse"),
        "{}",
        err[0].message
    );
    let err = check("", "{{ company | nosuchfilter }}").unwrap_err();
    assert_eq!(
        err.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
        ["subject", "body"]
    );
    let err = check("ok", "{{ 1 / 0 }}").unwrap_err();
    assert!(
        err[0].message.starts_with("cannot be rendered"),
        "{}",
        err[0].message
    );
    assert!(check("Welcome, {{ contact_name }}", "{{ note }} {{ company }}").is_ok());

    let err = SmsTemplate {
        body: "Hi {{ company }}, log in at {{ login_link }}".into(),
    }
    .check(&v)
    .unwrap_err();
    assert!(
        err[0]
            .message(Language::En)
            .contains("{{ invitation_link }}"),
        "{}",
        err[0].message(Language::En)
    );
}

fn email_fault(subject: &str, body: &str) -> Option<(TemplatePart, TemplateFault)> {
    let v = vars(Language::En, "", PortalArea::Start);
    EmailTemplate {
        subject: subject.into(),
        body: body.into(),
    }
    .check(Language::En, &v)
    .err()
    .map(|errors| (errors[0].part, errors[0].fault.clone()))
}

#[test]
fn work_and_output_are_bounded_alike_at_check_and_at_render() {
    use TemplateFault::*;
    use TemplatePart::*;
    let nested =
        "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}";
    let cases = [
        ("ok", nested, Some((Body, TooMuchWork))),
        ("ok", "{{ 'a' * 100000000 }}", Some((Body, TooMuchWork))),
        (
            "ok",
            "{{ 'a\\n\\n' * 200000 }}",
            Some((
                Body,
                RendersTooLong {
                    max: BODY_RENDERED_MAX,
                },
            )),
        ),
        (
            "ok",
            "{{ 'a\\n' * 2001 }}",
            Some((
                Body,
                TooManyLines {
                    max: BODY_LINES_MAX,
                },
            )),
        ),
        ("ok", "{{ 'a\\n' * 2000 }}", None),
        ("ok", "{{ 'b' * 20000 }}", None),
        (
            "ok",
            "{% if false %}x{% endif %}",
            Some((Body, RendersEmpty)),
        ),
        (
            "{{ 'a' * 201 }}",
            "ok",
            Some((
                Subject,
                RendersTooLong {
                    max: SUBJECT_RENDERED_MAX,
                },
            )),
        ),
        ("{{ 'a \\n' * 100 }}", "ok", None),
    ];
    for (subject, body, expected) in cases {
        assert_eq!(email_fault(subject, body), expected, "{subject} / {body}");
    }
}

/// The longest data a customer record, an agency and a send request allow.
fn longest_vars(language: Language) -> InvitationVars {
    let mut v = vars(language, "", PortalArea::CustomerData);
    v.company = "W".repeat(200);
    v.contact_name = "M".repeat(200);
    v.agency = "A".repeat(200);
    v.login_email = format!("{}@{}.example", "l".repeat(64), "d".repeat(180));
    v.note = format!("n{}n", "\n".repeat(998));
    v
}

#[test]
fn the_builtin_templates_render_with_the_longest_data() {
    for language in Language::ALL {
        let v = longest_vars(language);
        let email = EmailTemplate::builtin(language)
            .render(language, &v)
            .unwrap();
        assert_eq!(
            email.subject.chars().count(),
            SUBJECT_RENDERED_MAX,
            "{language}"
        );
        assert!(
            email.subject.ends_with('…'),
            "{language}: {}",
            email.subject
        );
        assert!(email.text.contains(&v.company), "{language}");
        let mut sms_vars = v.clone();
        // The agency's name is the one thing the SMS shares with the sample: the same.
        sms_vars.agency = "Webagentur Berg".into();
        SmsTemplate::builtin(language).render(&sms_vars).unwrap();
    }
}

#[test]
fn a_subject_is_shortened_at_a_word() {
    assert_eq!(shorten("short", 10), "short");
    assert_eq!(shorten("one two three four", 10), "one two…");
    assert_eq!(shorten(&"x".repeat(30), 10), format!("{}…", "x".repeat(9)));
}

#[test]
fn a_body_at_every_limit_still_renders_in_the_layout() {
    // The layout loops over lines: the most the limits allow, empty and full ones.
    let template = EmailTemplate {
        subject: "{{ 'x' * 200 }}".into(),
        body: format!("{{{{ 'a\\n' * {} }}}}", BODY_LINES_MAX),
    };
    let v = vars(Language::En, "", PortalArea::Files);
    template.check(Language::En, &v).unwrap();
    template.render(Language::En, &v).unwrap();
    let template = EmailTemplate {
        subject: "x".into(),
        body: format!(
            "{{{{ ('a\\n' * {}) ~ ('a' * 16000) }}}}",
            BODY_LINES_MAX - 1
        ),
    };
    template.check(Language::En, &v).unwrap();
    let lines = BODY_LINES_MAX / 2;
    let per_line = BODY_RENDERED_MAX / BODY_LINES_MAX;
    let body = format!("{{{{ ('{}\\n\\n' * {lines}) }}}}", "<".repeat(per_line));
    let template = EmailTemplate {
        subject: "{{ 'x' * 200 }}".into(),
        body,
    };
    let v = vars(Language::En, "", PortalArea::Files);
    template.check(Language::En, &v).unwrap();
    let email = template.render(Language::En, &v).unwrap();
    assert!(email.html.matches("&lt;").count() >= lines * per_line);
}

#[test]
fn an_sms_is_refused_beyond_three_segments() {
    let v = vars(Language::En, "", PortalArea::Start);
    let sms = |body: String| {
        SmsTemplate { body }
            .check(&v)
            .map_err(|e| e[0].fault.clone())
    };
    let link = v.invitation_link.chars().count() + 1;
    let fits = 3 * sms::MULTIPART_SEPTETS - link;
    assert_eq!(
        sms(format!("{} {{{{ invitation_link }}}}", "a".repeat(fits))),
        Ok(())
    );
    assert_eq!(
        sms(format!(
            "{} {{{{ invitation_link }}}}",
            "a".repeat(fits + 1)
        )),
        Err(TemplateFault::TooManySegments { max: 3 })
    );
    assert_eq!(
        sms("{{ 'a' * 1000000 }}{{ invitation_link }}".into()),
        Err(TemplateFault::TooManySegments { max: 3 })
    );
}

#[test]
fn every_refusal_is_told_in_every_language() {
    let faults = [
        TemplateFault::Empty,
        TemplateFault::SourceTooLong { max: 300 },
        TemplateFault::Syntax {
            detail: "unexpected end".into(),
            line: Some(2),
        },
        TemplateFault::Syntax {
            detail: "unexpected end".into(),
            line: None,
        },
        TemplateFault::UnknownVariables(vec!["kunde".into()]),
        TemplateFault::MissingVariable("invitation_link"),
        TemplateFault::TooMuchWork,
        TemplateFault::Failed("division by zero".into()),
        TemplateFault::RendersEmpty,
        TemplateFault::RendersTooLong { max: 200 },
        TemplateFault::TooManyLines { max: 500 },
        TemplateFault::TooManySegments { max: 3 },
    ];
    for fault in faults {
        for part in [TemplatePart::Subject, TemplatePart::Body] {
            let error = TemplateError::new(part, fault.clone());
            let english = error.message(Language::En);
            for language in Language::ALL {
                let message = error.message(language);
                assert!(!message.is_empty(), "{language} {fault:?}");
                assert!(!message.contains("template-"), "{language}: {message}");
                assert!(!message.contains("{$"), "{language}: {message}");
                if language != Language::En {
                    assert_ne!(message, english, "{language} {fault:?}");
                }
            }
        }
    }
    for language in Language::ALL {
        let title = t(language, "template-unusable-title");
        let detail = t_with(
            language,
            "template-unusable-detail",
            &[
                ("channel", "sms"),
                ("language", "de"),
                ("field", "body"),
                ("reason", "X"),
            ],
        );
        for text in [title, detail] {
            assert!(!text.contains("template-"), "{language}: {text}");
            assert!(!text.contains("{$"), "{language}: {text}");
        }
    }
}
