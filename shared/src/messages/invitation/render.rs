//! Checking the agency's templates and rendering the built-in and the agency's ones, under
//! the same limits at save and at send.

use std::{collections::HashMap, sync::LazyLock};

use minijinja::{Environment, UndefinedBehavior, context};

use super::{
    BODY_LINES_MAX, BODY_RENDERED_MAX, BODY_SOURCE_MAX, EmailTemplate, FUEL, InvitationVars,
    RenderedEmail, SMS_SEGMENTS_MAX, SMS_SOURCE_MAX, SUBJECT_RENDERED_MAX, SUBJECT_SOURCE_MAX,
    SmsTemplate, TemplateError, TemplateFault, TemplatePart, VARIABLES, area_name,
};
use crate::{
    domain::{Language, PortalArea},
    i18n::{t, t_with},
    messages::sms,
};

macro_rules! builtin {
    ($language:expr, $file:literal) => {
        match $language {
            Language::De => include_str!(concat!("../../../templates/invitation/de/", $file)),
            Language::En => include_str!(concat!("../../../templates/invitation/en/", $file)),
            Language::Fr => include_str!(concat!("../../../templates/invitation/fr/", $file)),
            Language::Es => include_str!(concat!("../../../templates/invitation/es/", $file)),
            Language::Nl => include_str!(concat!("../../../templates/invitation/nl/", $file)),
            Language::Sv => include_str!(concat!("../../../templates/invitation/sv/", $file)),
        }
    };
}

/// The built-in templates' names in [`ENV`] by their source: each is compiled once, not at
/// every send (an agency's own is compiled when it is rendered).
pub(super) static BUILTIN: LazyLock<HashMap<&'static str, String>> = LazyLock::new(|| {
    let mut names = HashMap::new();
    for language in Language::ALL {
        let code = language.code();
        for (file, source) in [
            ("email_subject.txt", builtin!(language, "email_subject.txt")),
            ("email_body.txt", builtin!(language, "email_body.txt")),
            ("sms.txt", builtin!(language, "sms.txt")),
        ] {
            // As `EmailTemplate::builtin` and `SmsTemplate::builtin` give it.
            let source = if file == "email_body.txt" {
                source
            } else {
                source.trim()
            };
            names.insert(source, format!("builtin/{code}/{file}"));
        }
    }
    names
});

static ENV: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    for (source, name) in BUILTIN.iter() {
        env.add_template_owned(name.clone(), *source)
            .expect("the built-in invitation templates parse");
    }
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(FUEL));
    // Templates are ours and fixed: a failure here is a bug caught by the tests.
    env.add_template(
        "layout.html",
        include_str!("../../../templates/email/layout.html"),
    )
    .expect("the email frame parses");
    env.add_template(
        "invitation.html",
        include_str!("../../../templates/email/invitation.html"),
    )
    .expect("the HTML layout parses");
    env.add_template(
        "invitation.txt",
        include_str!("../../../templates/email/invitation.txt"),
    )
    .expect("the text layout parses");
    env
});

/// Checks what can be known from one template source alone: it is there, not too long,
/// parses, uses only known variables and includes the `required` ones. Whether it renders
/// within the limits is for [`EmailTemplate::check`] and [`SmsTemplate::check`] to find out,
/// by rendering it as sending would.
fn check_source(
    part: TemplatePart,
    source: &str,
    max: usize,
    required: &[&'static str],
) -> Result<(), TemplateError> {
    let error = |fault| Err(TemplateError::new(part, fault));
    if source.trim().is_empty() {
        return error(TemplateFault::Empty);
    }
    if source.chars().count() > max {
        return error(TemplateFault::SourceTooLong { max });
    }
    let template = match ENV.template_from_str(source) {
        Ok(template) => template,
        Err(e) => {
            return error(TemplateFault::Syntax {
                detail: e.detail().unwrap_or("syntax error").to_owned(),
                line: e.line(),
            });
        }
    };
    let used = template.undeclared_variables(false);
    let mut unknown: Vec<String> = used
        .iter()
        .filter(|v| !VARIABLES.contains(&v.as_str()) && !is_builtin(v))
        .cloned()
        .collect();
    unknown.sort();
    if !unknown.is_empty() {
        return error(TemplateFault::UnknownVariables(unknown));
    }
    if let Some(missing) = required.iter().find(|r| !used.contains(**r)) {
        return error(TemplateFault::MissingVariable(missing));
    }
    Ok(())
}

/// Template globals such as `range` and `dict` are not variables.
fn is_builtin(name: &str) -> bool {
    ENV.globals().any(|(global, _)| global == name)
}

fn render_part(
    part: TemplatePart,
    source: &str,
    vars: &InvitationVars,
) -> Result<String, TemplateError> {
    let vars = minijinja::value::Serde(vars);
    match BUILTIN.get(source) {
        Some(name) => ENV.get_template(name).and_then(|t| t.render(vars)),
        None => ENV.render_str(source, vars),
    }
    .map_err(|e| TemplateError::rendering(part, &e))
}

/// Line breaks and runs of spaces become one space: subjects and SMS are one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn within(part: TemplatePart, text: String, max: usize) -> Result<String, TemplateError> {
    if text.is_empty() {
        Err(TemplateError::new(part, TemplateFault::RendersEmpty))
    } else if text.chars().count() > max {
        Err(TemplateError::new(
            part,
            TemplateFault::RendersTooLong { max },
        ))
    } else {
        Ok(text)
    }
}

/// `text` in at most `max` characters, the last of them `…`, cut after a word when one ends
/// in the second half.
pub(super) fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let head: String = text.chars().take(max.saturating_sub(1)).collect();
    let cut = match head.rfind(' ') {
        Some(space) if head[..space].chars().count() >= max / 2 => &head[..space],
        _ => head.as_str(),
    };
    format!("{}…", cut.trim_end())
}

impl EmailTemplate {
    pub fn builtin(language: Language) -> Self {
        Self {
            subject: builtin!(language, "email_subject.txt").trim().to_owned(),
            body: builtin!(language, "email_body.txt").to_owned(),
        }
    }

    /// Checks the agency's template by doing what sending does with `sample` data: the
    /// subject, the body and the layout around it, under the same limits. Problems of each
    /// part are reported together.
    pub fn check(
        &self,
        language: Language,
        sample: &InvitationVars,
    ) -> Result<(), Vec<TemplateError>> {
        let subject = check_source(
            TemplatePart::Subject,
            &self.subject,
            SUBJECT_SOURCE_MAX,
            &[],
        )
        .and_then(|()| self.subject(sample));
        let body = check_source(TemplatePart::Body, &self.body, BODY_SOURCE_MAX, &[])
            .and_then(|()| self.body(sample));
        let errors: Vec<TemplateError> =
            [subject.err(), body.err()].into_iter().flatten().collect();
        if !errors.is_empty() {
            return Err(errors);
        }
        self.render(language, sample).map(drop).map_err(|e| vec![e])
    }

    fn subject(&self, vars: &InvitationVars) -> Result<String, TemplateError> {
        let part = TemplatePart::Subject;
        let rendered = render_part(part, &self.subject, vars)?;
        within(part, one_line(&rendered), SUBJECT_RENDERED_MAX)
    }

    /// The subject as sent: too long only because of the customer's data, it is cut at a
    /// word with an ellipsis.
    fn shortened_subject(&self, vars: &InvitationVars) -> Result<String, TemplateError> {
        match self.subject(vars) {
            Err(TemplateError {
                fault: TemplateFault::RendersTooLong { max },
                ..
            }) => {
                let rendered = render_part(TemplatePart::Subject, &self.subject, vars)?;
                Ok(shorten(&one_line(&rendered), max))
            }
            other => other,
        }
    }

    fn body(&self, vars: &InvitationVars) -> Result<String, TemplateError> {
        let part = TemplatePart::Body;
        let rendered = render_part(part, &self.body, vars)?
            .replace("\r\n", "\n")
            .trim()
            .to_owned();
        let body = within(part, rendered, BODY_RENDERED_MAX)?;
        if body.lines().count() > BODY_LINES_MAX {
            return Err(TemplateError::new(
                part,
                TemplateFault::TooManyLines {
                    max: BODY_LINES_MAX,
                },
            ));
        }
        Ok(body)
    }

    /// The email as it is sent: subject, and the body in the HTML and text layouts.
    pub fn render(
        &self,
        language: Language,
        vars: &InvitationVars,
    ) -> Result<RenderedEmail, TemplateError> {
        let subject = self.shortened_subject(vars)?;
        let body = self.body(vars)?;
        let paragraphs: Vec<Vec<String>> = body
            .split("\n\n")
            .map(|p| {
                p.lines()
                    .map(|l| l.trim_end().to_owned())
                    .collect::<Vec<_>>()
            })
            .filter(|p| p.iter().any(|l| !l.trim().is_empty()))
            .collect();
        let opens_area = (vars.area != area_name(language, PortalArea::Start))
            .then(|| t_with(language, "email-opens-area", &[("area", &vars.area)]));
        let labels = context! {
            set_password => t(language, "email-button-set-password"),
            login => t(language, "email-button-login"),
            fallback => t(language, "email-link-fallback"),
            username => t_with(language, "email-username", &[("email", &vars.login_email)]),
            expiry => t_with(language, "email-expiry", &[("date", &vars.expires_on), ("agency", &vars.agency)]),
            footer => t_with(language, "email-footer", &[("agency", &vars.agency)]),
            opens_area,
        };
        let ctx = context! {
            lang => language.code(),
            subject => &subject,
            body => &body,
            paragraphs,
            invitation_link => &vars.invitation_link,
            login_link => &vars.login_link,
            labels,
        };
        // Within the body's limits the layout stays far below the fuel; should it not, the
        // body is what made it so.
        let layout = |name: &str| {
            ENV.get_template(name)
                .and_then(|t| t.render(&ctx))
                .map_err(|e| TemplateError::rendering(TemplatePart::Body, &e))
        };
        Ok(RenderedEmail {
            html: layout("invitation.html")?,
            text: layout("invitation.txt")?,
            subject,
        })
    }
}

impl SmsTemplate {
    pub fn builtin(language: Language) -> Self {
        Self {
            body: builtin!(language, "sms.txt").trim().to_owned(),
        }
    }

    /// Checks the agency's SMS by rendering it as sending does, with `sample` data.
    pub fn check(&self, sample: &InvitationVars) -> Result<(), Vec<TemplateError>> {
        check_source(
            TemplatePart::Body,
            &self.body,
            SMS_SOURCE_MAX,
            &["invitation_link"],
        )
        .and_then(|()| self.render(sample).map(drop))
        .map_err(|e| vec![e])
    }

    /// One line of text: line breaks in the template become spaces. At most
    /// [`SMS_SEGMENTS_MAX`] segments, each of which the agency pays for.
    pub fn render(&self, vars: &InvitationVars) -> Result<String, TemplateError> {
        let part = TemplatePart::Body;
        let text = one_line(&render_part(part, &self.body, vars)?);
        // Every character takes a septet at least: a longer text is too long for certain,
        // and measuring megabytes character by character is not worth it.
        let too_long = text.chars().count() > SMS_SEGMENTS_MAX * sms::MULTIPART_SEPTETS
            || sms::measure(&text).segments > SMS_SEGMENTS_MAX;
        if text.is_empty() {
            Err(TemplateError::new(part, TemplateFault::RendersEmpty))
        } else if too_long {
            Err(TemplateError::new(
                part,
                TemplateFault::TooManySegments {
                    max: SMS_SEGMENTS_MAX,
                },
            ))
        } else {
            Ok(text)
        }
    }
}
