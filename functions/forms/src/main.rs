//! The forms Lambda function: the HTTP API's requests and the notification schedule (see
//! `lambda.rs`).

use lambda_http::lambda_runtime::{self, LambdaEvent, service_fn};
use serde_json::value::RawValue;

/// One thread: Tokio's current-thread runtime runs the handler, the SDK's connections and the
/// Runtime API client together. An execution environment handles one invocation at a time on
/// at most one vCPU below 1,769 MB, so worker threads only cost a cold start: spawning them,
/// and a wake-up across threads for every answer from AWS (README, "Cold start and zip size").
/// The first attempt at an entry's email, spawned after the entry is kept, runs here too, while
/// the answer goes out and the next invocation is awaited.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    portal::telemetry::init();
    let config = forms::Config::from_env()?;
    let state = forms::FormsState::connect(&config);
    let app = forms::lambda::app(state.clone());
    lambda_runtime::run(service_fn(|event: LambdaEvent<Box<RawValue>>| {
        let (app, state) = (app.clone(), state.clone());
        async move { forms::lambda::handle(&app, &state, event).await }
    }))
    .await
}
