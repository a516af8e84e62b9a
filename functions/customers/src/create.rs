//! Creating a customer, and with `invite`, inviting them in the same request.

use axum::{
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::Response,
};
use portal::{
    domain::{CustomerChanges, CustomerId, FieldError, Language, ValidCustomerChanges},
    http::{ApiError, JsonBody, StaffAuth, client_language, extract::parse_json, idempotency},
    invitations::{
        self, Delivery, InvitationView, InviteError, Issuing, Recorded, SendRequest, ValidSend,
    },
};
use serde::{Deserialize, Deserializer, de};
use serde_json::{Map, Value, json};

use crate::{CustomersState, with_etag};

/// Creates a customer and, with `invite`, sends them the invitation in the same request: one
/// `Idempotency-Key` covers both. Every field (the customer's and the invitation's) is
/// checked before anything is written; once the customer is stored the answer is 201 with
/// its `invitation` part saying whether the invitation went out, and why not.
pub(crate) async fn create(
    State(state): State<CustomersState>,
    auth: StaffAuth,
    headers: HeaderMap,
    JsonBody(StrictObject(body)): JsonBody<StrictObject>,
) -> Result<Response, ApiError> {
    let fingerprint = idempotency::fingerprint("create-customer", &body);
    let NewCustomer { changes, invite } = NewCustomer::parse(body)?;
    // The agency is read only for what it gives: its default language when the request names
    // none (before anything else, as the new record needs it), and an invitation's sender and
    // wording (alongside the key's claim).
    let tenant = match changes.language {
        None => Some(auth.tenant(&state).await?),
        Some(_) => None,
    };
    let customer = changes.into_new_customer(
        CustomerId::new(),
        auth.tenant_id,
        // Unused when the request names the language.
        tenant.as_ref().map_or(Language::En, |t| t.default_language),
        state.clock.now(),
    );
    if let Some(invite) = &invite {
        invitations::check_recipient(&customer, invite)
            .map_err(|e| under_invite(ApiError::from(e)))?;
    }
    let speak = client_language(&headers);
    let issuing = Issuing {
        invitations: &*state.invitations,
        templates: &*state.templates,
        clock: &*state.clock,
    };
    let wants_invite = invite.is_some();
    let read = async {
        if !wants_invite {
            return Ok(None);
        }
        let (tenant, gathered) = tokio::try_join!(
            async {
                match tenant {
                    Some(tenant) => Ok(tenant),
                    None => auth.tenant(&state).await,
                }
            },
            async { Ok(invitations::gather_for_new_customer(&issuing, auth.tenant_id).await?) },
        )?;
        Ok(Some((tenant, gathered)))
    };
    idempotency::run_once_with(
        &state,
        auth.tenant_id,
        &headers,
        fingerprint,
        read,
        |read| async {
            let for_invite = read?;
            state.customers.create_customer(&customer).await?;
            tracing::info!(tenant = %auth.tenant_id, customer = %customer.id, "customer created");
            let invitation = match (invite, for_invite) {
                (Some(invite), Some((tenant, gathered))) => {
                    let sent = invitations::send(
                        &issuing,
                        &Delivery {
                            mailer: &*state.mailer,
                            sms: &*state.sms,
                        },
                        &tenant,
                        &customer,
                        auth.actor,
                        invite,
                        speak,
                        gathered,
                    )
                    .await;
                    Some(invitation_outcome(customer.id, sent))
                }
                _ => None,
            };
            let location = format!("/customers/{}", customer.id);
            let version = customer.version;
            let mut body = serde_json::to_value(customer)
                .map_err(|e| anyhow::anyhow!("Failed to serialize the customer: {e}"))?;
            if let (Some(invitation), Some(fields)) = (invitation, body.as_object_mut()) {
                fields.insert("invitation".into(), invitation);
            }
            let mut response = with_etag(StatusCode::CREATED, version, body);
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            Ok(response)
        },
    )
    .await
}

/// A create's body: the customer's fields, and the invitation to send with it.
struct NewCustomer {
    changes: ValidCustomerChanges,
    invite: Option<ValidSend>,
}

impl NewCustomer {
    /// Both parts parsed and checked, every bad field named at once (the invitation's under
    /// `invite.`).
    fn parse(mut body: Map<String, Value>) -> Result<Self, ApiError> {
        let invite = match body.remove("invite") {
            None | Some(Value::Null) => None,
            Some(raw) => {
                Some(parse_json::<SendRequest>(raw.to_string().as_bytes()).map_err(under_invite)?)
            }
        };
        let changes = parse_json::<CustomerChanges>(Value::Object(body).to_string().as_bytes())?;
        let mut errors = Vec::new();
        let changes = changes.validate(None).map_err(|e| errors.extend(e)).ok();
        let invite = match invite.map(|i| i.validate()) {
            None => None,
            Some(Ok(valid)) => Some(valid),
            Some(Err(e)) => {
                errors.extend(e.into_iter().map(prefixed));
                None
            }
        };
        match changes {
            Some(changes) if errors.is_empty() => Ok(Self { changes, invite }),
            _ => Err(ApiError::Validation(errors)),
        }
    }
}

/// A field of the invitation, named as the client sent it: `invite.channels[0]`.
fn prefixed(mut error: FieldError) -> FieldError {
    error.field = match error.field.as_str() {
        "body" | "" => "invite".to_owned(),
        field => format!("invite.{field}"),
    };
    error
}

/// Field errors about the `invite` object named under it.
fn under_invite(error: ApiError) -> ApiError {
    match error {
        ApiError::Validation(errors) => {
            ApiError::Validation(errors.into_iter().map(prefixed).collect())
        }
        other => other,
    }
}

/// The `invitation` part of the answer: the invitation as sent with `"status": "sent"`, or
/// `"status": "failed"` and the problem that says why (the same problem
/// `POST /customers/{id}/invitations` answers with). The customer exists either way.
fn invitation_outcome(customer: CustomerId, sent: Result<Recorded, InviteError>) -> Value {
    match sent {
        Ok(sent) => {
            let mut view = InvitationView::json(&sent.invitation, sent.at);
            if let Some(fields) = view.as_object_mut() {
                fields.insert("status".into(), json!("sent"));
            }
            view
        }
        Err(e) => {
            let error = ApiError::from(e);
            match &error {
                ApiError::Unexpected(e) => tracing::error!(
                    %customer,
                    error = format!("{e:#}"),
                    "the new customer's invitation failed"
                ),
                other => {
                    tracing::warn!(%customer, error = %other, "the new customer's invitation failed")
                }
            }
            json!({"status": "failed", "problem": error.problem()})
        }
    }
}

/// A JSON object read as a `Value` that, like the derived `Deserialize` of the request types,
/// refuses a field given twice at any depth (`serde_json::Value` would keep the last one), so
/// splitting the body into its two parts loses none of that strictness.
pub(crate) struct StrictObject(Map<String, Value>);

impl<'de> Deserialize<'de> for StrictObject {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match d.deserialize_any(StrictVisitor)? {
            Value::Object(fields) => Ok(StrictObject(fields)),
            other => Err(de::Error::invalid_type(
                unexpected(&other),
                &"a JSON object",
            )),
        }
    }
}

struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

fn unexpected(value: &Value) -> de::Unexpected<'_> {
    match value {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(_) => de::Unexpected::Other("number"),
        Value::String(s) => de::Unexpected::Str(s),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}

struct StrictVisitor;

impl<'de> de::Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut fields = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if fields.contains_key(&key) {
                return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
            }
            let Strict(value) = map.next_value()?;
            fields.insert(key, value);
        }
        Ok(Value::Object(fields))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(body: &str) -> Vec<FieldError> {
        match parse_json::<StrictObject>(body.as_bytes())
            .and_then(|StrictObject(b)| NewCustomer::parse(b))
        {
            Err(ApiError::Validation(errors)) => errors,
            Err(other) => panic!("{body}: expected 422, got {other:?}"),
            Ok(_) => panic!("{body}: expected 422, got a valid request"),
        }
    }

    #[test]
    fn a_field_given_twice_is_refused_at_any_depth() {
        for body in [
            r#"{"companyName": "A", "companyName": "B"}"#,
            r#"{"companyName": "A", "address": {"city": "X", "city": "Y"}}"#,
            r#"{"companyName": "A", "invite": {"area": "files", "area": "start"}}"#,
            r#"{"companyName": "A", "invite": {}, "invite": null}"#,
        ] {
            let errors = fields(body);
            assert!(
                errors[0].message.starts_with("duplicate field"),
                "{body}: {errors:?}"
            );
        }
    }

    #[test]
    fn a_body_that_is_not_an_object_is_refused_by_name() {
        for body in [r#""invite""#, "7", "null", "true"] {
            assert_eq!(fields(body)[0].field, "body", "{body}");
        }
    }

    #[test]
    fn both_parts_parse_and_the_invitation_is_optional() {
        let parse = |body: &str| {
            parse_json::<StrictObject>(body.as_bytes())
                .and_then(|StrictObject(b)| NewCustomer::parse(b))
                .unwrap()
        };
        assert!(parse(r#"{"companyName": "A"}"#).invite.is_none());
        assert!(
            parse(r#"{"companyName": "A", "invite": null}"#)
                .invite
                .is_none()
        );
        let invite = parse(
            r#"{"companyName": "A", "invite": {"channels": ["sms", "email"], "area": "files"}}"#,
        )
        .invite
        .unwrap();
        assert_eq!(invite.channels.len(), 2);
        assert_eq!(invite.area.path(), "/files/page");
    }
}
