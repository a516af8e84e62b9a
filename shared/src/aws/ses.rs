//! Email through Amazon SES (API v2, `SendEmail` with simple content).

use anyhow::{Context, anyhow};
use async_trait::async_trait;
use aws_sdk_sesv2::{
    Client,
    error::SdkError,
    operation::send_email::SendEmailError,
    types::{Body, Content, Destination, EmailContent, Message},
};
use base64::{Engine, engine::general_purpose::STANDARD as BASE64};

use super::{
    delivery::reason,
    lazy::{LazyClient, Sdk},
};
use crate::{
    domain::{Email, OutgoingEmail},
    ports::{DeliveryError, Mailer},
};

const CHARSET: &str = "UTF-8";

#[derive(Clone)]
pub struct SesMailer {
    client: LazyClient<Client>,
}

impl SesMailer {
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
impl Mailer for SesMailer {
    // The body carries single-use links, and the address is personal: only its domain is logged.
    #[tracing::instrument(name = "ses_send_email", skip_all, fields(recipient_domain = %domain(&email.to)))]
    async fn send_email(&self, email: &OutgoingEmail) -> Result<String, DeliveryError> {
        let output = self
            .client
            .get()
            .await
            .send_email()
            .from_email_address(mailbox(&email.from_name, &email.from))
            .destination(
                Destination::builder()
                    .to_addresses(email.to.as_str())
                    .build(),
            )
            .set_reply_to_addresses(email.reply_to.as_ref().map(|r| vec![r.to_string()]))
            .content(content(email)?)
            .send()
            .await
            .map_err(delivery_error)?;
        let id = output
            .message_id()
            .filter(|id| !id.is_empty())
            .context("SES accepted the email but returned no message id")?;
        tracing::info!(message_id = id, "SES accepted the email");
        Ok(id.to_owned())
    }
}

fn domain(address: &Email) -> &str {
    address
        .as_str()
        .rsplit_once('@')
        .map_or("", |(_, domain)| domain)
}

fn utf8(data: &str) -> anyhow::Result<Content> {
    Content::builder()
        .data(data)
        .charset(CHARSET)
        .build()
        .context("Failed to build the SES message content")
}

fn content(email: &OutgoingEmail) -> anyhow::Result<EmailContent> {
    let body = Body::builder()
        .text(utf8(&email.text)?)
        .html(utf8(&email.html)?)
        .build();
    let message = Message::builder()
        .subject(utf8(&email.subject)?)
        .body(body)
        .build();
    Ok(EmailContent::builder().simple(message).build())
}

/// The From header's mailbox, `name <address>` (RFC 5322). An ASCII name goes in a
/// quoted-string; any other in RFC 2047 encoded-words, the only form SES accepts for it.
/// Line breaks and other control characters become spaces, so a name can't add a header.
fn mailbox(name: &str, address: &Email) -> String {
    let name: String = name
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let name = name.trim();
    if name.is_empty() {
        address.to_string()
    } else if name.is_ascii() {
        let escaped = name.replace('\\', "\\\\").replace('"', "\\\"");
        format!("\"{escaped}\" <{address}>")
    } else {
        format!("{} <{address}>", encoded_words(name))
    }
}

/// `=?UTF-8?B?…?=` words of at most 75 characters each (RFC 2047 section 2), each holding
/// whole characters, separated by spaces (which decoders drop between encoded-words).
fn encoded_words(text: &str) -> String {
    // 75 - len("=?UTF-8?B??=") leaves 63 characters: 15 base64 quanta, 45 bytes.
    const MAX_BYTES: usize = 45;
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in text.chars() {
        if chunk.len() + c.len_utf8() > MAX_BYTES {
            words.push(std::mem::take(&mut chunk));
        }
        chunk.push(c);
    }
    words.push(chunk);
    words
        .iter()
        .map(|w| format!("=?UTF-8?B?{}?=", BASE64.encode(w)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn delivery_error(err: SdkError<SendEmailError>) -> DeliveryError {
    super::delivery::delivery_error(err, "SES", "Failed to send an email with SES", classify)
}

/// What an error answer to `SendEmail` means for the sender, from its code, the HTTP status
/// (for codes not listed) and the provider's message (which goes into the reason).
fn classify(status: u16, code: Option<&str>, message: Option<&str>) -> DeliveryError {
    use DeliveryError::{Rejected, Unavailable};
    let code = code.unwrap_or_default();
    match code {
        "MessageRejected" => Rejected(reason("SES rejected the message", message)),
        "MailFromDomainNotVerifiedException" => Rejected(reason(
            "SES rejected the message because the sender's MAIL FROM domain is not verified",
            message,
        )),
        "AccountSuspendedException" => Rejected(reason(
            "SES refused the message because sending is suspended for the AWS account",
            message,
        )),
        // Paused by AWS or by the account owner; only a person can resume it, so retrying
        // on a schedule would not help either.
        "SendingPausedException" => Rejected(reason(
            "SES refused the message because sending is paused for the AWS account",
            message,
        )),
        "NotFoundException" => Rejected(reason(
            "SES rejected the message because something it names does not exist",
            message,
        )),
        "BadRequestException" => Rejected(reason("SES rejected the message as invalid", message)),
        "TooManyRequestsException" | "Throttling" | "ThrottlingException" => {
            Unavailable(reason("SES is throttling sending", message))
        }
        // On SendEmail: the account's daily sending quota or sending rate is used up.
        "LimitExceededException" => Unavailable(reason("SES sending limit reached", message)),
        "RequestTimeout" | "RequestTimeoutException" | "InternalFailure" | "ServiceUnavailable" => {
            Unavailable(reason("SES is unavailable", message))
        }
        _ if status >= 500 || status == 429 => Unavailable(reason(
            &format!("SES is unavailable (HTTP {status} {code})"),
            message,
        )),
        _ => DeliveryError::Unexpected(anyhow!(
            "SES answered HTTP {status} {code}: {}",
            message.unwrap_or("(no message)")
        )),
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_sesv2::config::http::HttpResponse;

    use super::*;
    use crate::aws::delivery::testing::{Kind, kind};

    fn email(s: &str) -> Email {
        Email::parse(s).unwrap()
    }

    #[test]
    fn error_codes_are_classified_as_rejected_unavailable_or_unexpected() {
        let cases = [
            (400, Some("MessageRejected"), Kind::Rejected),
            (
                400,
                Some("MailFromDomainNotVerifiedException"),
                Kind::Rejected,
            ),
            (400, Some("AccountSuspendedException"), Kind::Rejected),
            (400, Some("SendingPausedException"), Kind::Rejected),
            (404, Some("NotFoundException"), Kind::Rejected),
            (400, Some("BadRequestException"), Kind::Rejected),
            (429, Some("TooManyRequestsException"), Kind::Unavailable),
            (400, Some("Throttling"), Kind::Unavailable),
            (400, Some("ThrottlingException"), Kind::Unavailable),
            (400, Some("LimitExceededException"), Kind::Unavailable),
            (500, Some("InternalFailure"), Kind::Unavailable),
            (503, Some("ServiceUnavailable"), Kind::Unavailable),
            (408, Some("RequestTimeout"), Kind::Unavailable),
            (502, None, Kind::Unavailable),
            (500, Some("SomethingNew"), Kind::Unavailable),
            (429, None, Kind::Unavailable),
            (403, Some("AccessDeniedException"), Kind::Unexpected),
            (403, Some("UnrecognizedClientException"), Kind::Unexpected),
            (400, Some("SomethingNew"), Kind::Unexpected),
            (400, None, Kind::Unexpected),
        ];
        for (status, code, expected) in cases {
            let verdict = classify(status, code, Some("details"));
            assert_eq!(kind(&verdict), expected, "HTTP {status} {code:?}");
        }
    }

    #[test]
    fn a_rejection_reason_is_a_sentence_with_the_providers_message() {
        let verdict = classify(
            400,
            Some("MessageRejected"),
            Some("Email address not verified portal@agency.example"),
        );
        assert_eq!(
            verdict.to_string(),
            "rejected: SES rejected the message: Email address not verified portal@agency.example"
        );
        let verdict = classify(400, Some("MessageRejected"), None);
        assert_eq!(verdict.to_string(), "rejected: SES rejected the message.");
    }

    #[test]
    fn an_unexpected_answer_keeps_its_code_and_message_for_the_log() {
        let verdict = classify(403, Some("AccessDeniedException"), Some("not allowed"));
        let DeliveryError::Unexpected(e) = verdict else {
            panic!("expected Unexpected, got {verdict:?}");
        };
        assert_eq!(
            e.to_string(),
            "SES answered HTTP 403 AccessDeniedException: not allowed"
        );
    }

    #[test]
    fn a_timeout_is_unavailable() {
        let err: SdkError<SendEmailError, HttpResponse> = SdkError::timeout_error("too slow");
        assert_eq!(kind(&delivery_error(err)), Kind::Unavailable);
    }

    #[test]
    fn a_construction_failure_is_unexpected_with_context() {
        let err: SdkError<SendEmailError, HttpResponse> =
            SdkError::construction_failure("no region");
        let DeliveryError::Unexpected(e) = delivery_error(err) else {
            panic!("expected Unexpected");
        };
        assert_eq!(e.to_string(), "Failed to send an email with SES");
    }

    #[test]
    fn an_ascii_sender_name_is_quoted_with_escapes() {
        let from = email("portal@agency.example");
        assert_eq!(
            mailbox("Agentur Nord", &from),
            r#""Agentur Nord" <portal@agency.example>"#
        );
        assert_eq!(
            mailbox(r#"Nord "Ost" \ West"#, &from),
            r#""Nord \"Ost\" \\ West" <portal@agency.example>"#
        );
    }

    #[test]
    fn a_non_ascii_sender_name_is_an_rfc_2047_encoded_word() {
        let from = email("portal@agency.example");
        assert_eq!(
            mailbox("Agentur Müller", &from),
            "=?UTF-8?B?QWdlbnR1ciBNw7xsbGVy?= <portal@agency.example>"
        );
    }

    #[test]
    fn a_long_non_ascii_name_is_split_into_short_words_of_whole_characters() {
        let name = "Gärtnerei Müller & Söhne – Grün- und Außenanlagen für Bäckereien GmbH";
        let encoded = encoded_words(name);
        let mut decoded = Vec::new();
        for word in encoded.split(' ') {
            assert!(word.len() <= 75, "{word} is longer than 75 characters");
            let b64 = word
                .strip_prefix("=?UTF-8?B?")
                .and_then(|w| w.strip_suffix("?="))
                .unwrap();
            let bytes = BASE64.decode(b64).unwrap();
            assert!(String::from_utf8(bytes.clone()).is_ok(), "whole characters");
            decoded.extend(bytes);
        }
        assert!(encoded.contains(' '), "more than one word");
        assert_eq!(String::from_utf8(decoded).unwrap(), name);
    }

    #[test]
    fn a_sender_name_cannot_add_a_header_and_an_empty_one_is_left_out() {
        let from = email("portal@agency.example");
        let boxed = mailbox("Evil\r\nBcc: victim@example.com", &from);
        assert!(!boxed.contains(['\r', '\n']), "{boxed}");
        assert_eq!(mailbox("  \n ", &from), "portal@agency.example");
    }
}
