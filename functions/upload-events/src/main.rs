//! The upload-events Lambda function: `lambda_runtime` over S3's `ObjectCreated` events, and
//! the EventBridge schedule that sends the batched notices.

use aws_lambda_events::s3::S3Event;
use lambda_runtime::{Diagnostic, LambdaEvent, service_fn};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let config = upload_events::Config::from_env()?;
    let state = upload_events::EventsState::connect(&config).await;
    lambda_runtime::run(service_fn(|event: LambdaEvent<Value>| {
        let state = state.clone();
        async move { handle(&state, event.payload).await }
    }))
    .await
}

/// An S3 event (it has `Records`), or the schedule's (`source: aws.events`).
async fn handle(state: &upload_events::EventsState, payload: Value) -> Result<(), Diagnostic> {
    if payload.get("Records").is_some() {
        let event: S3Event = serde_json::from_value(payload).map_err(|e| Diagnostic {
            error_type: "UploadEvents.NotAnS3Event".into(),
            error_message: e.to_string(),
        })?;
        let outcomes = upload_events::handle_event(state, event).await?;
        tracing::info!(handled = outcomes.len(), "upload events handled");
    } else if payload.get("source").and_then(Value::as_str) == Some("aws.guardduty") {
        // "GuardDuty Malware Protection Object Scan Result": the key is plain text there.
        let key = payload
            .pointer("/detail/s3ObjectDetails/objectKey")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let outcome = upload_events::handle_scan_result(state, key).await?;
        tracing::info!(?outcome, "scan result handled");
    } else if payload.get("source").and_then(Value::as_str) == Some("aws.events") {
        let swept = upload_events::notices::sweep(state, state.clock.now()).await?;
        tracing::info!(sent = swept.sent, skipped = swept.skipped, "notices swept");
    } else {
        return Err(Diagnostic {
            error_type: "UploadEvents.UnknownEvent".into(),
            error_message: "neither an S3 event nor the notice schedule".into(),
        });
    }
    Ok(())
}
