//! The delivery contract against SES and SNS on moto's server, with the real SDK clients.

portal_tests::delivery_contract!(portal_tests::delivery_contract::moto());

use portal::{
    aws::SesMailer,
    domain::Email,
    ports::{DeliveryError, Mailer},
};
use portal_tests::delivery_contract::{invitation_email, moto_config, unique};

#[tokio::test]
async fn an_email_from_an_unverified_sender_is_rejected() {
    // Arrange: a sender domain nobody verified.
    let config = moto_config().await;
    let mailer = SesMailer::from_conf(&config);
    let from = Email::parse(&format!("portal@{}.unverified.example", unique())).unwrap();
    let to = Email::parse(&format!("anna-{}@kunde.example", unique())).unwrap();

    // Act
    let result = mailer
        .send_email(&invitation_email(
            &from,
            &to,
            "https://portal.agency.example/i/3",
        ))
        .await;

    // Assert
    match result {
        Err(DeliveryError::Rejected(reason)) => {
            assert!(
                reason.starts_with("SES rejected the message: ") && reason.contains("not verified"),
                "{reason}"
            );
        }
        other => panic!("expected Rejected, got {other:?}"),
    }
}
