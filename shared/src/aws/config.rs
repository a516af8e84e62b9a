use aws_config::{BehaviorVersion, SdkConfig};

/// The shared SDK configuration, loaded once per cold start.
///
/// `endpoint` (or the SDK's own `AWS_ENDPOINT_URL`) points every client at another endpoint,
/// such as moto's server in tests.
pub async fn load(endpoint: Option<&str>) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(endpoint) = endpoint {
        loader = loader.endpoint_url(endpoint);
    }
    loader.load().await
}
