//! The uploads Lambda function: `lambda_http` over the router in `lib.rs`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portal::telemetry::init();
    let config = uploads::Config::from_env()?;
    let state = uploads::UploadsState::connect(&config);
    lambda_http::run(uploads::router(state)).await
}
