//! The delivery contract against the outbox, in memory and on disk, and what only the
//! outbox promises.

mod in_memory {
    portal_tests::delivery_contract!(portal_tests::delivery_contract::outbox_in_memory());
}

mod on_disk {
    portal_tests::delivery_contract!(portal_tests::delivery_contract::outbox_on_disk());
}

use portal::{
    domain::{Channel, Email},
    embedded::Outbox,
    ports::{Mailer, SmsSender},
};
use portal_tests::delivery_contract::{invitation_email, unique_mobile};

#[tokio::test]
async fn messages_written_by_one_outbox_are_read_by_another_on_the_same_directory() {
    // Arrange: two processes' worth of outboxes on one directory.
    let dir = tempfile::tempdir().unwrap();
    let writer = Outbox::open(dir.path()).unwrap();
    let reader = Outbox::open(dir.path()).unwrap();
    let from = Email::parse("portal@agency.example").unwrap();
    let to = Email::parse("anna@kunde.example").unwrap();

    // Act
    let email_id = writer
        .send_email(&invitation_email(
            &from,
            &to,
            "https://portal.agency.example/i/1",
        ))
        .await
        .unwrap();
    let sms_id = writer
        .send_sms(&portal::domain::OutgoingSms {
            to: unique_mobile(),
            text: "Ihr Code: 123456".into(),
        })
        .await
        .unwrap();

    // Assert
    let messages = reader.messages().unwrap();
    let seen: Vec<_> = messages
        .iter()
        .map(|m| (m.id.as_str(), m.channel))
        .collect();
    assert_eq!(
        seen,
        [
            (email_id.as_str(), Channel::Email),
            (sms_id.as_str(), Channel::Sms)
        ]
    );
}

#[tokio::test]
async fn the_outbox_keeps_both_the_text_and_the_html_part_and_the_readable_sender() {
    let outbox = Outbox::in_memory();
    let from = Email::parse("portal@agency.example").unwrap();
    let to = Email::parse("anna@kunde.example").unwrap();
    let email = invitation_email(&from, &to, "https://portal.agency.example/i/2");

    outbox.send_email(&email).await.unwrap();

    let kept = outbox.messages().unwrap().remove(0);
    assert_eq!(kept.text, email.text);
    assert_eq!(kept.html.as_deref(), Some(email.html.as_str()));
    assert_eq!(
        kept.from.as_deref(),
        Some("\"Agentur Müller & Söhne\" <portal@agency.example>")
    );
    assert_eq!(kept.subject.as_deref(), Some(email.subject.as_str()));
}
