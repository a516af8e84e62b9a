//! The invite Lambda function: `lambda_http` over the router in `lib.rs`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    lambda_http::tracing::init_default_subscriber();
    let config = invite::Config::from_env()?;
    let state = invite::InviteState::connect(&config);
    lambda_http::run(invite::router(state)).await
}
