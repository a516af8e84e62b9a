//! One contract for every mailer and SMS sender: `delivery_contract!` runs each case against
//! a [`Delivery`] made by the given expression, sends, and reads back what was delivered
//! through [`SentMessages`], so the outbox and SES/SNS (on moto) behave alike.

use std::sync::Arc;

use async_trait::async_trait;
use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use portal::{
    aws::{SesMailer, SnsSmsSender},
    domain::{Email, OutgoingEmail, OutgoingSms, PhoneNumber},
    embedded::Outbox,
    ports::{Mailer, SmsSender},
};
use ulid::Ulid;

#[macro_export]
macro_rules! delivery_contract {
    ($make:expr) => {
        $crate::delivery_contract!(@cases $make;
            an_email_arrives_with_its_recipient_subject_sender_and_link,
            an_sms_arrives_with_its_recipient_and_link,
            each_message_gets_its_own_id,
        );
    };
    (@cases $make:expr; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $case() {
                $crate::delivery_contract::$case($make.await).await;
            }
        )*
    };
}

/// An email as the provider kept it.
#[derive(Debug, Clone)]
pub struct SentEmail {
    pub id: String,
    pub to: Vec<String>,
    /// The From header as sent: `"Name" <address>` or with RFC 2047 encoded-words.
    pub from: String,
    pub subject: String,
    /// The body parts kept: the outbox keeps text and HTML, moto only the HTML.
    pub bodies: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct SentSms {
    pub id: String,
    pub to: String,
    pub text: String,
}

/// Reads back what an adapter delivered.
#[async_trait]
pub trait SentMessages: Send + Sync {
    async fn sent_emails(&self) -> Vec<SentEmail>;
    async fn sent_sms(&self) -> Vec<SentSms>;
}

/// The adapters under test and a way to see what they sent.
pub struct Delivery {
    pub mailer: Arc<dyn Mailer>,
    pub sms: Arc<dyn SmsSender>,
    pub sent: Arc<dyn SentMessages>,
    /// A sender address the provider accepts (a verified identity on SES).
    pub sender: Email,
    /// Kept alive for the test's lifetime (the on-disk outbox's directory).
    pub _dir: Option<tempfile::TempDir>,
}

#[async_trait]
impl SentMessages for Outbox {
    async fn sent_emails(&self) -> Vec<SentEmail> {
        self.messages()
            .expect("the outbox lists its messages")
            .into_iter()
            .filter(|m| m.channel == portal::domain::Channel::Email)
            .map(|m| SentEmail {
                id: m.id,
                to: vec![m.to],
                from: m.from.unwrap_or_default(),
                subject: m.subject.unwrap_or_default(),
                bodies: std::iter::once(m.text).chain(m.html).collect(),
            })
            .collect()
    }

    async fn sent_sms(&self) -> Vec<SentSms> {
        self.messages()
            .expect("the outbox lists its messages")
            .into_iter()
            .filter(|m| m.channel == portal::domain::Channel::Sms)
            .map(|m| SentSms {
                id: m.id,
                to: m.to,
                text: m.text,
            })
            .collect()
    }
}

fn outbox_delivery(outbox: Outbox, dir: Option<tempfile::TempDir>) -> Delivery {
    let outbox = Arc::new(outbox);
    Delivery {
        mailer: outbox.clone(),
        sms: outbox.clone(),
        sent: outbox,
        sender: Email::parse("portal@agency.example").unwrap(),
        _dir: dir,
    }
}

pub async fn outbox_in_memory() -> Delivery {
    outbox_delivery(Outbox::in_memory(), None)
}

pub async fn outbox_on_disk() -> Delivery {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let outbox = Outbox::open(dir.path()).expect("the outbox opens");
    outbox_delivery(outbox, Some(dir))
}

/// SDK configuration for moto's server.
pub async fn moto_config() -> aws_config::SdkConfig {
    portal::aws::config::load(Some(&crate::moto::endpoint())).await
}

pub async fn verified_sender(config: &aws_config::SdkConfig) -> Email {
    let domain = format!("{}.agency.example", unique());
    aws_sdk_sesv2::Client::new(config)
        .create_email_identity()
        .email_identity(&domain)
        .send()
        .await
        .expect("moto creates the email identity");
    Email::parse(&format!("portal@{domain}")).unwrap()
}

/// SES and SNS on moto's server, with the real SDK clients.
pub async fn moto() -> Delivery {
    let config = moto_config().await;
    Delivery {
        mailer: Arc::new(SesMailer::from_conf(&config)),
        sms: Arc::new(SnsSmsSender::from_conf(&config)),
        sent: Arc::new(MotoSent::default()),
        sender: verified_sender(&config).await,
        _dir: None,
    }
}

/// What moto's server kept, from `GET /moto-api/data.json`: `ses.Message` and `sns.SMS`.
/// That state is global, so cases find their messages by unique recipients.
#[derive(Default)]
pub struct MotoSent {
    http: reqwest::Client,
}

impl MotoSent {
    async fn data(&self, service: &str, kind: &str) -> Vec<serde_json::Value> {
        let url = format!("{}/moto-api/data.json", crate::moto::endpoint());
        // moto can't serialize its DynamoDB state while another test's transaction is half
        // applied (a 500, "keys must be str ..., not DynamoType"): ask again.
        let mut attempt = 0;
        let data: serde_json::Value = loop {
            let answer = self
                .http
                .get(&url)
                .send()
                .await
                .and_then(|r| r.error_for_status());
            match answer {
                Ok(response) => break response.json().await.expect("data.json is JSON"),
                Err(e) if attempt < 10 && e.status().is_some_and(|s| s.is_server_error()) => {
                    attempt += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                Err(e) => panic!("moto answers data.json: {e}"),
            }
        };
        data[service][kind].as_array().cloned().unwrap_or_default()
    }
}

fn text(value: &serde_json::Value, key: &str) -> String {
    value[key].as_str().unwrap_or_default().to_owned()
}

#[async_trait]
impl SentMessages for MotoSent {
    async fn sent_emails(&self) -> Vec<SentEmail> {
        self.data("ses", "Message")
            .await
            .iter()
            .map(|m| SentEmail {
                id: text(m, "id"),
                to: m["destinations"]["ToAddresses"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|a| a.as_str().map(str::to_owned))
                    .collect(),
                from: text(m, "source"),
                subject: text(m, "subject"),
                bodies: vec![text(m, "body")],
            })
            .collect()
    }

    async fn sent_sms(&self) -> Vec<SentSms> {
        self.data("sns", "SMS")
            .await
            .iter()
            .map(|m| SentSms {
                id: text(m, "message_id"),
                to: text(m, "phone_number"),
                text: text(m, "message"),
            })
            .collect()
    }
}

/// Lower-case, so it fits in addresses and domains.
pub fn unique() -> String {
    Ulid::new().to_string().to_lowercase()
}

/// A German mobile number (+49 151 and eight random digits), different for every test.
pub fn unique_mobile() -> PhoneNumber {
    let digits = Ulid::new().random() % 100_000_000;
    PhoneNumber::parse(&format!("+49151{digits:08}"), None).expect("a valid mobile number")
}

pub const SENDER_NAME: &str = "Agentur Müller & Söhne";

pub fn invitation_email(from: &Email, to: &Email, link: &str) -> OutgoingEmail {
    OutgoingEmail {
        from: from.clone(),
        from_name: SENDER_NAME.into(),
        to: to.clone(),
        reply_to: None,
        subject: "Ihre Einladung: Bäckerei Schmidt – Kundenportal öffnen".into(),
        text: format!(
            "Guten Tag Frau Schröder,\n\nbitte öffnen Sie Ihr Kundenportal: {link}\n\nGrüße"
        ),
        html: format!(
            "<p>Guten Tag Frau Schröder,</p><p><a href=\"{link}\">Kundenportal öffnen</a></p>"
        ),
    }
}

/// The display name and address of a From header, decoding a quoted-string or RFC 2047
/// `=?UTF-8?B?…?=` encoded-words.
pub fn parse_mailbox(header: &str) -> (Option<String>, String) {
    let Some((name, rest)) = header.rsplit_once('<') else {
        return (None, header.trim().to_owned());
    };
    let address = rest.trim_end().trim_end_matches('>').to_owned();
    let name = name.trim();
    if name.is_empty() {
        return (None, address);
    }
    let decoded = if let Some(quoted) = name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
        let mut out = String::new();
        let mut chars = quoted.chars();
        while let Some(c) = chars.next() {
            out.push(if c == '\\' {
                chars.next().unwrap_or('\\')
            } else {
                c
            });
        }
        out
    } else if name.starts_with("=?") {
        let mut bytes = Vec::new();
        for word in name.split_whitespace() {
            let (charset, rest) = word
                .strip_prefix("=?")
                .and_then(|w| w.strip_suffix("?="))
                .and_then(|w| w.split_once('?'))
                .unwrap_or_else(|| panic!("{word:?} is not an encoded-word"));
            assert!(charset.eq_ignore_ascii_case("UTF-8"), "charset {charset}");
            let data = rest
                .strip_prefix("B?")
                .or_else(|| rest.strip_prefix("b?"))
                .unwrap_or_else(|| panic!("{word:?} is not base64-encoded"));
            bytes.extend(BASE64.decode(data).expect("valid base64"));
        }
        String::from_utf8(bytes).expect("UTF-8")
    } else {
        name.to_owned()
    };
    (Some(decoded), address)
}

pub async fn an_email_arrives_with_its_recipient_subject_sender_and_link(d: Delivery) {
    // Arrange
    let to = Email::parse(&format!("anna-{}@kunde.example", unique())).unwrap();
    let link = format!("https://portal.agency.example/einladung/{}", unique());
    let email = invitation_email(&d.sender, &to, &link);

    // Act
    let id = d
        .mailer
        .send_email(&email)
        .await
        .expect("the email is sent");

    // Assert
    assert!(!id.is_empty(), "a message id");
    let sent: Vec<_> = d
        .sent
        .sent_emails()
        .await
        .into_iter()
        .filter(|m| m.to.contains(&to.to_string()))
        .collect();
    assert_eq!(sent.len(), 1, "exactly one email to {to}: {sent:?}");
    let sent = &sent[0];
    assert_eq!(sent.id, id);
    assert_eq!(sent.to, [to.to_string()]);
    assert_eq!(sent.subject, email.subject);
    assert_eq!(
        parse_mailbox(&sent.from),
        (Some(SENDER_NAME.to_owned()), d.sender.to_string()),
        "From was {:?}",
        sent.from
    );
    assert!(
        sent.bodies.iter().any(|b| b.contains(&link)),
        "a body holds the link: {:?}",
        sent.bodies
    );
}

pub async fn an_sms_arrives_with_its_recipient_and_link(d: Delivery) {
    // Arrange
    let to = unique_mobile();
    let marker = unique();
    let link = format!("https://portal.agency.example/e/{marker}");
    let sms = OutgoingSms {
        to: to.clone(),
        text: format!("Agentur Müller: Ihr Zugang zum Kundenportal: {link}"),
    };

    // Act
    let id = d.sms.send_sms(&sms).await.expect("the SMS is sent");

    // Assert
    assert!(!id.is_empty(), "a message id");
    let sent: Vec<_> = d
        .sent
        .sent_sms()
        .await
        .into_iter()
        .filter(|m| m.to == to.as_str() && m.text.contains(&marker))
        .collect();
    assert_eq!(sent.len(), 1, "exactly one SMS to {to}: {sent:?}");
    assert_eq!(sent[0].id, id);
    assert_eq!(sent[0].text, sms.text);
}

pub async fn each_message_gets_its_own_id(d: Delivery) {
    let to = Email::parse(&format!("jonas-{}@kunde.example", unique())).unwrap();
    let email = invitation_email(&d.sender, &to, "https://portal.agency.example/x");
    let first = d.mailer.send_email(&email).await.unwrap();
    let second = d.mailer.send_email(&email).await.unwrap();
    let sms = OutgoingSms {
        to: unique_mobile(),
        text: format!("Code {}", unique()),
    };
    let third = d.sms.send_sms(&sms).await.unwrap();
    assert!(first != second && second != third && first != third);

    let mut ids: Vec<_> = d
        .sent
        .sent_emails()
        .await
        .into_iter()
        .filter(|m| m.to.contains(&to.to_string()))
        .map(|m| m.id)
        .collect();
    ids.sort();
    let mut expected = vec![first, second];
    expected.sort();
    assert_eq!(ids, expected);
}
