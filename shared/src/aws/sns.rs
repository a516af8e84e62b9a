//! Transactional SMS through Amazon SNS (`Publish` to a phone number).
//!
//! Several failures never show here, because `Publish` accepts the message (and returns an
//! id) and SNS drops it later: a number that opted out, the account's monthly SMS spend
//! limit (logged as "No quota left for account"), an account still under SMS review, a
//! carrier's block. They are visible only in the SMS delivery status logs and CloudWatch's
//! `NumberOfNotificationsFailed`.

use anyhow::{Context, anyhow};
use async_trait::async_trait;
use aws_sdk_sns::{
    Client, error::SdkError, operation::publish::PublishError, types::MessageAttributeValue,
};

use super::{
    delivery::reason,
    lazy::{LazyClient, Sdk},
};
use crate::{
    domain::OutgoingSms,
    ports::{DeliveryError, SmsSender},
};

#[derive(Clone)]
pub struct SnsSmsSender {
    client: LazyClient<Client>,
}

impl SnsSmsSender {
    pub fn new(client: Client) -> Self {
        Self {
            client: LazyClient::ready(client),
        }
    }

    pub fn from_conf(config: &aws_types::SdkConfig) -> Self {
        Self::lazy(&Sdk::loaded(config.clone()))
    }

    /// With a client built from `sdk` when the first message goes out.
    pub fn lazy(sdk: &Sdk) -> Self {
        Self {
            client: LazyClient::new(sdk, Client::new),
        }
    }
}

#[async_trait]
impl SmsSender for SnsSmsSender {
    // Neither the number nor the text (it carries a single-use link) is logged.
    #[tracing::instrument(name = "sns_send_sms", skip_all)]
    async fn send_sms(&self, sms: &OutgoingSms) -> Result<String, DeliveryError> {
        // Transactional: SNS routes for reliability, not price, and delivers to numbers
        // on do-not-disturb lists where the law allows it.
        let sms_type = MessageAttributeValue::builder()
            .data_type("String")
            .string_value("Transactional")
            .build()
            .context("Failed to build the SMS type attribute")?;
        let output = self
            .client
            .get()
            .await
            .publish()
            .phone_number(sms.to.as_str())
            .message(&sms.text)
            .message_attributes("AWS.SNS.SMS.SMSType", sms_type)
            .send()
            .await
            .map_err(delivery_error)?;
        let id = output
            .message_id()
            .filter(|id| !id.is_empty())
            .context("SNS accepted the SMS but returned no message id")?;
        tracing::info!(message_id = id, "SNS accepted the SMS");
        Ok(id.to_owned())
    }
}

fn delivery_error(err: SdkError<PublishError>) -> DeliveryError {
    super::delivery::delivery_error(err, "SNS", "Failed to send an SMS with SNS", classify)
}

/// What an error answer to `Publish` means for the sender, from its code, the HTTP status
/// (for codes not listed) and the provider's message (which goes into the reason).
fn classify(status: u16, code: Option<&str>, message: Option<&str>) -> DeliveryError {
    use DeliveryError::{Rejected, Unavailable};
    // Not documented as a Publish error (see the module comment), but if SNS ever refuses
    // for the spend limit, that lifts with the month or a raised limit: worth retrying.
    if message.is_some_and(|m| m.to_ascii_lowercase().contains("spend")) {
        return Unavailable(reason("SNS reached the account's SMS spend limit", message));
    }
    let code = code.unwrap_or_default();
    match code {
        // A number SNS can't send to ("... is not valid to publish to"), an over-long text.
        "InvalidParameter"
        | "ParameterValueInvalid"
        | "InvalidParameterValue"
        | "ValidationException" => Rejected(reason("SNS rejected the SMS as invalid", message)),
        // IAM does not allow this caller `sns:Publish`: retrying won't change that.
        "AuthorizationError" => Rejected(reason(
            "SNS refused the SMS because the account is not allowed to send it",
            message,
        )),
        "EndpointDisabled" | "PlatformApplicationDisabled" => Rejected(reason(
            "SNS refused the SMS because its destination is disabled",
            message,
        )),
        "NotFound" => Rejected(reason(
            "SNS rejected the SMS because something it names does not exist",
            message,
        )),
        "Throttled"
        | "Throttling"
        | "ThrottlingException"
        | "ThrottledException"
        | "KMSThrottling" => Unavailable(reason("SNS is throttling sending", message)),
        "InternalError"
        | "InternalFailure"
        | "ServiceUnavailable"
        | "RequestTimeout"
        | "RequestTimeoutException" => Unavailable(reason("SNS is unavailable", message)),
        _ if status >= 500 || status == 429 => Unavailable(reason(
            &format!("SNS is unavailable (HTTP {status} {code})"),
            message,
        )),
        // KMS*, InvalidSecurity and the rest: the deployment's configuration, not the message.
        _ => DeliveryError::Unexpected(anyhow!(
            "SNS answered HTTP {status} {code}: {}",
            message.unwrap_or("(no message)")
        )),
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_sns::config::http::HttpResponse;

    use super::*;
    use crate::aws::delivery::testing::{Kind, kind};

    #[test]
    fn error_codes_are_classified_as_rejected_unavailable_or_unexpected() {
        let cases = [
            (400, Some("InvalidParameter"), Kind::Rejected),
            (400, Some("ParameterValueInvalid"), Kind::Rejected),
            (400, Some("ValidationException"), Kind::Rejected),
            (403, Some("AuthorizationError"), Kind::Rejected),
            (400, Some("EndpointDisabled"), Kind::Rejected),
            (400, Some("PlatformApplicationDisabled"), Kind::Rejected),
            (404, Some("NotFound"), Kind::Rejected),
            (429, Some("Throttled"), Kind::Unavailable),
            (400, Some("Throttling"), Kind::Unavailable),
            (400, Some("KMSThrottling"), Kind::Unavailable),
            (500, Some("InternalError"), Kind::Unavailable),
            (503, Some("ServiceUnavailable"), Kind::Unavailable),
            (502, None, Kind::Unavailable),
            (500, Some("SomethingNew"), Kind::Unavailable),
            (400, Some("KMSAccessDenied"), Kind::Unexpected),
            (400, Some("KMSDisabled"), Kind::Unexpected),
            (403, Some("InvalidSecurity"), Kind::Unexpected),
            (400, Some("SomethingNew"), Kind::Unexpected),
            (400, None, Kind::Unexpected),
        ];
        for (status, code, expected) in cases {
            let verdict = classify(status, code, Some("details"));
            assert_eq!(kind(&verdict), expected, "HTTP {status} {code:?}");
        }
    }

    #[test]
    fn a_refusal_for_the_spend_limit_is_unavailable_whatever_its_code() {
        let verdict = classify(
            400,
            Some("InvalidParameter"),
            Some("Monthly SMS spending limit exceeded"),
        );
        assert_eq!(kind(&verdict), Kind::Unavailable);
    }

    #[test]
    fn a_rejection_reason_is_a_sentence_with_the_providers_message() {
        let verdict = classify(
            400,
            Some("InvalidParameter"),
            Some("Phone number does not meet the E164 format"),
        );
        assert_eq!(
            verdict.to_string(),
            "rejected: SNS rejected the SMS as invalid: Phone number does not meet the E164 format"
        );
    }

    #[test]
    fn a_timeout_is_unavailable() {
        let err: SdkError<PublishError, HttpResponse> = SdkError::timeout_error("too slow");
        assert_eq!(kind(&delivery_error(err)), Kind::Unavailable);
    }

    #[test]
    fn a_construction_failure_is_unexpected_with_context() {
        let err: SdkError<PublishError, HttpResponse> = SdkError::construction_failure("no region");
        let DeliveryError::Unexpected(e) = delivery_error(err) else {
            panic!("expected Unexpected");
        };
        assert_eq!(e.to_string(), "Failed to send an SMS with SNS");
    }
}
