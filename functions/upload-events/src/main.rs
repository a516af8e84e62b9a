//! The upload-events Lambda function: `lambda_runtime` over S3's `ObjectCreated` events.

use aws_lambda_events::s3::S3Event;
use lambda_runtime::{LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let config = upload_events::Config::from_env()?;
    let state = upload_events::EventsState::connect(&config).await;
    lambda_runtime::run(service_fn(|event: LambdaEvent<S3Event>| {
        let state = state.clone();
        async move {
            upload_events::handle_event(&state, event.payload)
                .await
                .map(|outcomes| tracing::info!(handled = outcomes.len(), "upload events handled"))
        }
    }))
    .await
}
