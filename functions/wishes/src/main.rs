//! The wishes Lambda function: `lambda_http` over the router in `lib.rs`.

/// One thread: Tokio's current-thread runtime runs the handler, the SDK's connections and the
/// Runtime API client together. An execution environment handles one invocation at a time on
/// at most one vCPU below 1,769 MB, so worker threads only cost a cold start: spawning them,
/// and a wake-up across threads for every answer from AWS (README, "Cold start and zip size").
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    portal::telemetry::init();
    let config = wishes::Config::from_env()?;
    let state = wishes::WishesState::connect(&config);
    lambda_http::run(wishes::router(state)).await
}
