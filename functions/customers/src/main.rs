//! The customers Lambda function: `lambda_http` over the router in `lib.rs`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portal::telemetry::init();
    let config = customers::Config::from_env()?;
    let state = customers::CustomersState::connect(&config);
    lambda_http::run(customers::router(state)).await
}
