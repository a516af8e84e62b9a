//! The feedback-sweep Lambda function: the EventBridge schedule (every minute) sends the
//! batched feedback notices (`notices::sweep`).

use lambda_runtime::{Diagnostic, LambdaEvent, service_fn};
use serde_json::Value;

/// One thread: Tokio's current-thread runtime runs the handler, the SDK's connections and the
/// Runtime API client together. An execution environment handles one invocation at a time on
/// at most one vCPU below 1,769 MB, so worker threads only cost a cold start: spawning them,
/// and a wake-up across threads for every answer from AWS (README, "Cold start and zip size").
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    portal::telemetry::init();
    let config = feedback::Config::from_env()?;
    let state = feedback::FeedbackState::connect(&config);
    lambda_runtime::run(service_fn(|event: LambdaEvent<Value>| {
        let state = state.clone();
        async move { handle(&state, event.payload).await }
    }))
    .await
}

async fn handle(state: &feedback::FeedbackState, payload: Value) -> Result<(), Diagnostic> {
    if payload.get("source").and_then(Value::as_str) != Some("aws.events") {
        return Err(Diagnostic {
            error_type: "FeedbackSweep.UnknownEvent".into(),
            error_message: "not the notice schedule".into(),
        });
    }
    let swept = feedback::notices::sweep(state, state.clock.now())
        .await
        .map_err(|e| Diagnostic {
            error_type: "FeedbackSweep.Failed".into(),
            error_message: e.to_string(),
        })?;
    tracing::info!(
        sent = swept.sent,
        skipped = swept.skipped,
        "feedback notices swept"
    );
    Ok(())
}
