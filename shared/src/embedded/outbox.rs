//! The local twin of SES and SNS: every email and SMS is kept instead of sent, in memory or
//! as one JSON file per message in `{dir}/outbox/`, so a developer (or a test) can read it
//! and follow its links.

use std::{
    path::{Path, PathBuf},
    sync::Mutex,
    time::SystemTime,
};

use anyhow::Context;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ulid::{Generator, Ulid};

use crate::{
    domain::{Channel, OutgoingEmail, OutgoingSms},
    ports::{DeliveryError, Mailer, SmsSender},
};

const FOLDER: &str = "outbox";

/// One message as the outbox keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxMessage {
    /// A ULID, also the message id the send returned.
    pub id: String,
    /// `email` or `sms`.
    pub channel: Channel,
    pub at: DateTime<Utc>,
    /// The email address or E.164 phone number.
    pub to: String,
    /// Email only: `"Sender Name" <address>`.
    pub from: Option<String>,
    /// Email only.
    pub subject: Option<String>,
    pub text: String,
    /// Email only.
    pub html: Option<String>,
    /// Email only: the `Reply-To` address, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
}

pub struct Outbox {
    /// `{dir}/outbox` when the messages are files; `None` keeps them in `memory`.
    folder: Option<PathBuf>,
    memory: Mutex<Vec<OutboxMessage>>,
    /// Ids in sending order even within one millisecond.
    ids: Mutex<Generator>,
    announce: bool,
}

impl Outbox {
    pub fn in_memory() -> Self {
        Self::with_folder(None)
    }

    /// Keeps messages as files in `{dir}/outbox/`, which is created if missing. Several
    /// processes may share it; [`Outbox::messages`] shows all of theirs.
    pub fn open(dir: &Path) -> anyhow::Result<Self> {
        let folder = dir.join(FOLDER);
        std::fs::create_dir_all(&folder)
            .with_context(|| format!("Failed to create the outbox folder {}", folder.display()))?;
        Ok(Self::with_folder(Some(folder)))
    }

    fn with_folder(folder: Option<PathBuf>) -> Self {
        Self {
            folder,
            memory: Mutex::new(Vec::new()),
            ids: Mutex::new(Generator::new()),
            announce: false,
        }
    }

    /// When on, every message also prints a short block on stdout with its recipient,
    /// subject and links, so a developer can follow an invitation from the console.
    pub fn announce(mut self, on: bool) -> Self {
        self.announce = on;
        self
    }

    /// The folder the messages are written to, if they are kept on disk.
    pub fn folder(&self) -> Option<&Path> {
        self.folder.as_deref()
    }

    /// Every message kept, oldest first.
    pub fn messages(&self) -> anyhow::Result<Vec<OutboxMessage>> {
        let Some(folder) = &self.folder else {
            return Ok(self.lock_memory().clone());
        };
        let entries = std::fs::read_dir(folder)
            .with_context(|| format!("Failed to list the outbox {}", folder.display()))?;
        let mut messages = Vec::new();
        for entry in entries {
            let path = entry
                .with_context(|| format!("Failed to list the outbox {}", folder.display()))?
                .path();
            let is_message = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(".json") && !n.starts_with('.'));
            if !is_message {
                continue;
            }
            let bytes = std::fs::read(&path)
                .with_context(|| format!("Failed to read {}", path.display()))?;
            let message: OutboxMessage = serde_json::from_slice(&bytes)
                .with_context(|| format!("Failed to parse {}", path.display()))?;
            messages.push(message);
        }
        // ULIDs sort by creation time.
        messages.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(messages)
    }

    fn lock_memory(&self) -> std::sync::MutexGuard<'_, Vec<OutboxMessage>> {
        // A panic elsewhere can't leave a Vec half-pushed: the data stays usable.
        self.memory.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn next_id(&self, at: DateTime<Utc>) -> Ulid {
        let mut ids = self.ids.lock().unwrap_or_else(|e| e.into_inner());
        ids.generate_from_datetime(SystemTime::from(at))
            .unwrap_or_else(|_| Ulid::from_datetime(SystemTime::from(at)))
    }

    fn keep(&self, message: OutboxMessage) -> anyhow::Result<String> {
        let id = message.id.clone();
        match &self.folder {
            Some(folder) => write_atomically(folder, &message)?,
            None => self.lock_memory().push(message.clone()),
        }
        tracing::info!(
            id,
            channel = message.channel.code(),
            "Kept a message in the outbox"
        );
        if self.announce {
            println!("{}", announcement(&message));
        }
        Ok(id)
    }
}

/// Readers never see half a file: the message is written to a hidden temporary file in the
/// same folder and then renamed into place.
fn write_atomically(folder: &Path, message: &OutboxMessage) -> anyhow::Result<()> {
    let name = format!("{}-{}.json", message.id, message.channel.code());
    let tmp = folder.join(format!(".{name}.tmp"));
    let file = folder.join(name);
    let bytes = serde_json::to_vec_pretty(message).context("Failed to serialize a message")?;
    std::fs::write(&tmp, bytes).with_context(|| format!("Failed to write {}", tmp.display()))?;
    std::fs::rename(&tmp, &file)
        .with_context(|| format!("Failed to move the message into {}", file.display()))?;
    Ok(())
}

#[async_trait]
impl Mailer for Outbox {
    async fn send_email(&self, email: &OutgoingEmail) -> Result<String, DeliveryError> {
        let at = Utc::now();
        let message = OutboxMessage {
            id: self.next_id(at).to_string(),
            channel: Channel::Email,
            at,
            to: email.to.to_string(),
            from: Some(mailbox(&email.from_name, email.from.as_str())),
            subject: Some(email.subject.clone()),
            text: email.text.clone(),
            html: Some(email.html.clone()),
            reply_to: email.reply_to.as_ref().map(ToString::to_string),
        };
        Ok(self
            .keep(message)
            .context("Failed to keep an email in the outbox")?)
    }
}

#[async_trait]
impl SmsSender for Outbox {
    async fn send_sms(&self, sms: &OutgoingSms) -> Result<String, DeliveryError> {
        let at = Utc::now();
        let message = OutboxMessage {
            id: self.next_id(at).to_string(),
            channel: Channel::Sms,
            at,
            to: sms.to.to_string(),
            from: None,
            subject: None,
            text: sms.text.clone(),
            html: None,
            reply_to: None,
        };
        Ok(self
            .keep(message)
            .context("Failed to keep an SMS in the outbox")?)
    }
}

/// `"Name" <address>`, readable rather than encoded for transport (this never leaves the
/// machine).
fn mailbox(name: &str, address: &str) -> String {
    let name: String = name
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let name = name.trim();
    if name.is_empty() {
        return address.to_owned();
    }
    let escaped = name.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\" <{address}>")
}

fn announcement(message: &OutboxMessage) -> String {
    let mut block = format!(
        "── outbox: {} to {} ({})",
        message.channel.code(),
        message.to,
        message.id
    );
    if let Some(subject) = &message.subject {
        block.push_str(&format!("\n   subject: {subject}"));
    }
    for link in links(&message.text) {
        block.push_str(&format!("\n   link:    {link}"));
    }
    block
}

/// Every `http://` or `https://` link in `text`, without the punctuation a sentence or
/// brackets put around it.
fn links(text: &str) -> Vec<&str> {
    text.split_whitespace()
        .filter_map(|word| {
            let start = ["https://", "http://"]
                .iter()
                .filter_map(|scheme| word.find(scheme))
                .min()?;
            let link = word[start..].trim_end_matches(|c: char| {
                matches!(
                    c,
                    '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '>' | '"' | '\''
                )
            });
            (!link.ends_with("://")).then_some(link)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Email, PhoneNumber};

    fn email(to: &str) -> OutgoingEmail {
        OutgoingEmail {
            from: Email::parse("portal@agency.example").unwrap(),
            from_name: "Agentur Müller".into(),
            to: Email::parse(to).unwrap(),
            reply_to: None,
            subject: "Ihre Einladung".into(),
            text: "Hallo, bitte hier klicken: https://portal.agency.example/invite/abc.".into(),
            html: "<a href=\"https://portal.agency.example/invite/abc\">hier</a>".into(),
        }
    }

    fn sms(text: &str) -> OutgoingSms {
        OutgoingSms {
            to: PhoneNumber::parse("+4915112345678", None).unwrap(),
            text: text.into(),
        }
    }

    #[test]
    fn links_are_found_without_surrounding_punctuation() {
        let text = "Start: https://a.example/x?y=1. Or (http://b.example/z), \
                    <https://c.example/>\n\"https://d.example\"; not ftp://e.example nor https://";
        assert_eq!(
            links(text),
            [
                "https://a.example/x?y=1",
                "http://b.example/z",
                "https://c.example/",
                "https://d.example"
            ]
        );
        assert!(links("no links here").is_empty());
    }

    #[test]
    fn an_announcement_names_channel_recipient_subject_and_links() {
        let message = OutboxMessage {
            id: "01J0000000000000000000000".into(),
            channel: Channel::Email,
            at: Utc::now(),
            to: "anna@kunde.example".into(),
            from: None,
            subject: Some("Ihre Einladung".into()),
            text: "Bitte: https://portal.example/i/1 danke".into(),
            html: Some("<p>https://not-from-html.example</p>".into()),
            reply_to: None,
        };
        let block = announcement(&message);
        assert!(block.contains("email to anna@kunde.example"), "{block}");
        assert!(block.contains("subject: Ihre Einladung"), "{block}");
        assert!(
            block.contains("link:    https://portal.example/i/1"),
            "{block}"
        );
        assert!(
            !block.contains("not-from-html"),
            "links come from the text part"
        );
    }

    #[test]
    fn the_sender_is_a_quoted_name_and_address() {
        assert_eq!(
            mailbox("Agentur \"Nord\"\n", "p@a.example"),
            r#""Agentur \"Nord\"" <p@a.example>"#
        );
        assert_eq!(mailbox(" ", "p@a.example"), "p@a.example");
    }

    #[tokio::test]
    async fn messages_in_memory_come_back_oldest_first_with_their_ids() {
        let outbox = Outbox::in_memory();
        let first = outbox
            .send_email(&email("anna@kunde.example"))
            .await
            .unwrap();
        let second = outbox.send_sms(&sms("Code 123")).await.unwrap();
        let messages = outbox.messages().unwrap();
        let ids: Vec<_> = messages.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, [first.as_str(), second.as_str()]);
        assert_eq!(messages[0].channel, Channel::Email);
        assert_eq!(
            messages[0].from.as_deref(),
            Some(r#""Agentur Müller" <portal@agency.example>"#)
        );
        assert_eq!(messages[1].channel, Channel::Sms);
        assert_eq!(messages[1].to, "+4915112345678");
        assert_eq!(messages[1].subject, None);
    }

    #[tokio::test]
    async fn messages_on_disk_are_one_camel_case_json_file_each_and_no_temporary_file_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(dir.path()).unwrap();
        let id = outbox
            .send_email(&email("anna@kunde.example"))
            .await
            .unwrap();
        outbox.send_sms(&sms("Code 123")).await.unwrap();

        let mut names: Vec<String> = std::fs::read_dir(dir.path().join("outbox"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names.len(), 2, "{names:?}");
        assert_eq!(names[0], format!("{id}-email.json"));
        assert!(names[1].ends_with("-sms.json"), "{names:?}");

        let json: serde_json::Value = serde_json::from_slice(
            &std::fs::read(dir.path().join("outbox").join(&names[0])).unwrap(),
        )
        .unwrap();
        assert_eq!(json["channel"], "email");
        assert_eq!(json["to"], "anna@kunde.example");
        assert!(json["at"].is_string());
        assert_eq!(outbox.messages().unwrap().len(), 2);
    }

    #[tokio::test]
    async fn files_that_are_not_messages_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(dir.path()).unwrap();
        std::fs::write(dir.path().join("outbox/.half.json.tmp"), "{").unwrap();
        std::fs::write(dir.path().join("outbox/notes.txt"), "hi").unwrap();
        outbox.send_sms(&sms("Code 123")).await.unwrap();
        assert_eq!(outbox.messages().unwrap().len(), 1);
    }
}
