//! The agency's own wording of invitations, per channel and language, with previews.

use axum::{
    Json,
    extract::State,
    http::{HeaderMap, StatusCode},
};
use portal::{
    domain::{Channel, FieldError, Language, Tenant},
    http::{ApiError, JsonBody, PathParam, StaffAuth, client_language},
    messages::{EmailTemplate, InvitationVars, SmsTemplate, TemplateError, VARIABLES, sms},
    ports::{StoreError, TemplateOverride},
};
use serde::{Deserialize, Serialize};

use crate::InviteState;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TemplateView {
    language: Language,
    channel: Channel,
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<String>,
    body: String,
    custom: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated_at: Option<chrono::DateTime<chrono::Utc>>,
}

pub async fn list(
    State(state): State<InviteState>,
    auth: StaffAuth,
) -> Result<Json<serde_json::Value>, ApiError> {
    let overrides = state.templates.list_templates(auth.tenant_id).await?;
    let mut items = Vec::new();
    for language in Language::ALL {
        for channel in [Channel::Email, Channel::Sms] {
            let custom = overrides
                .iter()
                .find(|t| t.channel == channel && t.language == language);
            items.push(match (custom, channel) {
                (Some(t), _) => TemplateView {
                    language,
                    channel,
                    subject: t.subject.clone(),
                    body: t.body.clone(),
                    custom: true,
                    updated_at: Some(t.updated_at),
                },
                (None, Channel::Email) => {
                    let t = EmailTemplate::builtin(language);
                    TemplateView {
                        language,
                        channel,
                        subject: Some(t.subject),
                        body: t.body,
                        custom: false,
                        updated_at: None,
                    }
                }
                (None, _) => TemplateView {
                    language,
                    channel,
                    subject: None,
                    body: SmsTemplate::builtin(language).body,
                    custom: false,
                    updated_at: None,
                },
            });
        }
    }
    Ok(Json(
        serde_json::json!({ "variables": VARIABLES, "items": items }),
    ))
}

fn parse_path(language: &str, channel: &str) -> Result<(Language, Channel), ApiError> {
    let language = Language::ALL
        .into_iter()
        .find(|l| l.code() == language)
        .ok_or_else(|| {
            ApiError::invalid_parameter("language", "must be one of de, en, fr, es, nl, sv")
        })?;
    let channel = match channel {
        "email" => Channel::Email,
        "sms" => Channel::Sms,
        _ => {
            return Err(ApiError::invalid_parameter(
                "channel",
                "must be email or sms",
            ));
        }
    };
    Ok((language, channel))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TemplateInput {
    subject: Option<String>,
    body: Option<String>,
}

/// A saved template (or one stored before the save check rendered what sending renders)
/// that fails with real or sample data: 422 naming the template's field and where to fix
/// it. Sending does not fall back to the built-in wording: the agency chose its own, and
/// silently sending other words would hide the problem it has to fix.
pub fn template_unusable(
    language: Language,
    channel: Channel,
    error: &TemplateError,
    speak: Language,
) -> ApiError {
    tracing::warn!(%language, %channel, %error, "the agency's template can't be used");
    ApiError::TemplateUnusable {
        language,
        channel,
        error: error.clone(),
        speak,
    }
}

/// Checks a template as the agency wrote it by rendering it as sending would, against
/// sample data in its language; refusals are told in `speak`.
fn checked(
    tenant: &Tenant,
    language: Language,
    channel: Channel,
    input: TemplateInput,
    now: chrono::DateTime<chrono::Utc>,
    speak: Language,
) -> Result<TemplateOverride, ApiError> {
    let sample = InvitationVars::sample(tenant, language, now);
    let refused = |errors: Vec<TemplateError>| {
        ApiError::Validation(errors.iter().map(|e| e.field_error(speak)).collect())
    };
    let body = input.body.unwrap_or_default();
    match channel {
        Channel::Email => {
            let template = EmailTemplate {
                subject: input.subject.unwrap_or_default(),
                body,
            };
            template.check(language, &sample).map_err(refused)?;
            Ok(TemplateOverride {
                channel,
                language,
                subject: Some(template.subject),
                body: template.body,
                updated_at: now,
            })
        }
        _ => {
            if input.subject.is_some() {
                return Err(ApiError::Validation(vec![FieldError::new(
                    "subject",
                    "is not used by SMS; leave it out",
                )]));
            }
            let template = SmsTemplate { body };
            template.check(&sample).map_err(refused)?;
            Ok(TemplateOverride {
                channel,
                language,
                subject: None,
                body: template.body,
                updated_at: now,
            })
        }
    }
}

pub async fn save(
    State(state): State<InviteState>,
    auth: StaffAuth,
    PathParam((language, channel)): PathParam<(String, String)>,
    headers: HeaderMap,
    JsonBody(input): JsonBody<TemplateInput>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let (language, channel) = parse_path(&language, &channel)?;
    let tenant = auth.tenant(&state).await?;
    let speak = client_language(&headers);
    let template = checked(&tenant, language, channel, input, state.clock.now(), speak)?;
    state
        .templates
        .put_template(auth.tenant_id, &template)
        .await?;
    Ok(Json(
        serde_json::to_value(TemplateView {
            language,
            channel,
            subject: template.subject,
            body: template.body,
            custom: true,
            updated_at: Some(template.updated_at),
        })
        .unwrap_or_default(),
    ))
}

pub async fn remove(
    State(state): State<InviteState>,
    auth: StaffAuth,
    PathParam((language, channel)): PathParam<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let (language, channel) = parse_path(&language, &channel)?;
    match state
        .templates
        .delete_template(auth.tenant_id, channel, language)
        .await
    {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(StoreError::NotFound) => Err(ApiError::NoOwnTemplate),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PreviewRequest {
    language: String,
    channel: String,
    /// A draft to preview; the saved (or built-in) template when left out.
    subject: Option<String>,
    body: Option<String>,
}

pub async fn preview(
    State(state): State<InviteState>,
    auth: StaffAuth,
    headers: HeaderMap,
    JsonBody(request): JsonBody<PreviewRequest>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let speak = client_language(&headers);
    let (language, channel) =
        parse_path(&request.language, &request.channel).map_err(|e| match e {
            ApiError::InvalidParameter { field, message } => {
                ApiError::Validation(vec![FieldError::new(field, message)])
            }
            other => other,
        })?;
    let tenant = auth.tenant(&state).await?;
    let now = state.clock.now();
    let sample = InvitationVars::sample(&tenant, language, now);
    let (saved_email, saved_sms) =
        portal::invitations::effective_templates(&*state.templates, tenant.id, language).await?;
    let draft = request.subject.is_some() || request.body.is_some();
    // A draft was checked by rendering it; what fails here is the saved template.
    let unusable = |e: TemplateError| template_unusable(language, channel, &e, speak);
    match channel {
        Channel::Email => {
            let template = if draft {
                let t = checked(
                    &tenant,
                    language,
                    channel,
                    TemplateInput {
                        subject: request.subject,
                        body: request.body,
                    },
                    now,
                    speak,
                )?;
                EmailTemplate {
                    subject: t.subject.unwrap_or_default(),
                    body: t.body,
                }
            } else {
                saved_email
            };
            let email = template.render(language, &sample).map_err(unusable)?;
            Ok(Json(
                serde_json::json!({ "language": language, "channel": channel, "subject": email.subject, "text": email.text, "html": email.html }),
            ))
        }
        _ => {
            let template = if draft {
                let t = checked(
                    &tenant,
                    language,
                    channel,
                    TemplateInput {
                        subject: request.subject,
                        body: request.body,
                    },
                    now,
                    speak,
                )?;
                SmsTemplate { body: t.body }
            } else {
                saved_sms
            };
            let text = template.render(&sample).map_err(unusable)?;
            let info = sms::measure(&text);
            Ok(Json(
                serde_json::json!({ "language": language, "channel": channel, "text": text, "sms": info }),
            ))
        }
    }
}
