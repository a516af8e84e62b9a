//! The forms Lambda function: the HTTP API's requests and the notification schedule (see
//! `lambda.rs`).

use lambda_http::lambda_runtime::{self, LambdaEvent, service_fn};
use serde_json::value::RawValue;

#[tokio::main]
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
