//! `Reply-To` through the real SESv2 client. moto's `SendEmail` accepts `ReplyToAddresses`
//! but keeps no trace of them (its `ses.Message` has source, destinations, subject and body
//! only), so the request itself is read: once by a local stand-in for SES that records it,
//! once sent to moto to show SES takes it.

use std::sync::{Arc, Mutex};

use axum::{Json, Router, body::Bytes, extract::State, routing::post};
use portal::{
    aws::SesMailer,
    domain::{Email, OutgoingEmail},
    ports::Mailer,
};
use portal_tests::delivery_contract::{moto_config, unique, verified_sender};
use serde_json::{Value, json};

fn email(from: &Email, reply_to: Option<&str>) -> OutgoingEmail {
    OutgoingEmail {
        from: from.clone(),
        from_name: "Webagentur Berg".into(),
        to: Email::parse(&format!("info-{}@baeckerei.example", unique())).unwrap(),
        reply_to: reply_to.map(|r| Email::parse(r).unwrap()),
        subject: "Neuer Eintrag: Kontakt".into(),
        text: "name: Ada".into(),
        html: "<p>name: Ada</p>".into(),
    }
}

/// A stand-in for SESv2 on loopback that keeps each `SendEmail` body it receives.
async fn recording_ses() -> (String, Arc<Mutex<Vec<Value>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    async fn send(State(seen): State<Arc<Mutex<Vec<Value>>>>, body: Bytes) -> Json<Value> {
        seen.lock()
            .unwrap()
            .push(serde_json::from_slice(&body).unwrap());
        Json(json!({"MessageId": "recorded-1"}))
    }
    let app = Router::new()
        .route("/v2/email/outbound-emails", post(send))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{address}"), seen)
}

#[tokio::test]
async fn the_ses_adapter_sends_reply_to_only_when_the_email_has_one() {
    let (endpoint, seen) = recording_ses().await;
    let config = portal::aws::config::load(Some(&endpoint)).await;
    let mailer = SesMailer::from_conf(&config);
    let from = Email::parse("portal@berg.example").unwrap();

    let id = mailer
        .send_email(&email(&from, Some("ada@visitor.example")))
        .await
        .unwrap();
    assert_eq!(id, "recorded-1");
    mailer.send_email(&email(&from, None)).await.unwrap();

    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0]["ReplyToAddresses"], json!(["ada@visitor.example"]));
    assert_eq!(
        seen[0]["Destination"]["ToAddresses"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert!(seen[1].get("ReplyToAddresses").is_none(), "{}", seen[1]);
}

#[tokio::test]
async fn ses_on_moto_takes_an_email_with_reply_to() {
    let config = moto_config().await;
    let from = verified_sender(&config).await;
    let mailer = SesMailer::from_conf(&config);
    let id = mailer
        .send_email(&email(&from, Some("ada@visitor.example")))
        .await
        .unwrap();
    assert!(!id.is_empty());
}
