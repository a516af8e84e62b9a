//! The invite Lambda function: `lambda_http` over the router in `lib.rs`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portal::telemetry::init();
    let config = invite::Config::from_env()?;
    let state = invite::InviteState::connect(&config);
    lambda_http::run(invite::router(state)).await
}
