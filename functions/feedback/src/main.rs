//! The feedback Lambda function: `lambda_http` over the router in `lib.rs`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portal::telemetry::init();
    let config = feedback::Config::from_env()?;
    let state = feedback::FeedbackState::connect(&config);
    lambda_http::run(feedback::router(state)).await
}
