//! The wishes Lambda function: `lambda_http` over the router in `lib.rs`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portal::telemetry::init();
    let config = wishes::Config::from_env()?;
    let state = wishes::WishesState::connect(&config);
    lambda_http::run(wishes::router(state)).await
}
