//! The forms Lambda function: `lambda_http` over the router in `lib.rs`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    lambda_http::tracing::init_default_subscriber();
    let config = forms::Config::from_env()?;
    let state = forms::FormsState::connect(&config).await;
    lambda_http::run(forms::router(state)).await
}
