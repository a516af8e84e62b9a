//! The upload-events Lambda function: `lambda_runtime` over S3's `ObjectCreated` events,
//! GuardDuty's scan results and the EventBridge schedule that sends the batched notices
//! (told apart by [`upload_events::dispatch`]).

use lambda_runtime::{LambdaEvent, service_fn};
use serde_json::Value;

/// One thread: Tokio's current-thread runtime runs the handler, the SDK's connections and the
/// Runtime API client together. An execution environment handles one invocation at a time on
/// at most one vCPU below 1,769 MB, so worker threads only cost a cold start: spawning them,
/// and a wake-up across threads for every answer from AWS (README, "Cold start and zip size").
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    portal::telemetry::init();
    let config = upload_events::Config::from_env()?;
    let state = upload_events::EventsState::connect(&config);
    lambda_runtime::run(service_fn(|event: LambdaEvent<Value>| {
        let state = state.clone();
        async move {
            let handled = upload_events::dispatch(&state, event.payload).await?;
            tracing::info!(?handled, "event handled");
            Ok::<(), lambda_runtime::Diagnostic>(())
        }
    }))
    .await
}
