//! Configuration read once per cold start: the SDK's (one loader for the functions,
//! `portal-local` and `portal-admin` alike) and the settings a function needs from its
//! environment, as types with errors that name the variable.

use std::time::Duration;

use aws_credential_types::{
    Credentials,
    provider::{ProvideCredentials, SharedCredentialsProvider, error::CredentialsError, future},
};
use aws_smithy_async::{rt::sleep::TokioSleep, time::SystemTimeSource};
use aws_smithy_http_client::{
    Builder,
    tls::{self, TlsContext, TrustStore, rustls_provider::CryptoMode},
};
use aws_smithy_runtime::client::identity::IdentityCache;
use aws_smithy_runtime_api::client::behavior_version::BehaviorVersion;
use aws_types::{
    SdkConfig,
    region::Region,
    sdk_config::{
        RetryConfig, SharedAsyncSleep, SharedHttpClient, SharedTimeSource, TimeoutConfig,
    },
};
use secrecy::{ExposeSecret, SecretString};
use thiserror::Error;

/// The variable a deployed function reads its DynamoDB table from (template.yaml sets it).
pub const TABLE_NAME: &str = "TABLE_NAME";

/// A setting is missing from the environment or unusable: the function does not start.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("{name} is not set: {what}")]
    Missing {
        name: &'static str,
        what: &'static str,
    },
    #[error("{name} is not valid: {reason}")]
    Invalid {
        name: &'static str,
        reason: &'static str,
    },
}

/// The value of the environment variable `name`, which describes `what` it configures.
pub fn required(name: &'static str, what: &'static str) -> Result<String, ConfigError> {
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => Ok(value),
        Ok(_) => Err(ConfigError::Missing { name, what }),
        Err(std::env::VarError::NotPresent) => Err(ConfigError::Missing { name, what }),
        Err(std::env::VarError::NotUnicode(_)) => Err(ConfigError::Invalid {
            name,
            reason: "it is not valid Unicode",
        }),
    }
}

/// The DynamoDB table that holds every aggregate: 3 to 255 letters, digits, `_`, `-` or `.`,
/// as DynamoDB names tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableName(String);

impl TableName {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
        if !(3..=255).contains(&raw.len()) {
            return Err("a DynamoDB table name has 3 to 255 characters");
        }
        if !raw.chars().all(allowed) {
            return Err("a DynamoDB table name has only letters, digits, '_', '-' and '.'");
        }
        Ok(Self(raw.to_owned()))
    }

    /// The table from [`TABLE_NAME`].
    pub fn from_env() -> Result<Self, ConfigError> {
        let raw = required(TABLE_NAME, "the DynamoDB table of the portal")?;
        Self::parse(&raw).map_err(|reason| ConfigError::Invalid {
            name: TABLE_NAME,
            reason,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for TableName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The shared SDK configuration, loaded once per cold start; every client is built from it.
///
/// `endpoint` (or the SDK's own `AWS_ENDPOINT_URL`) points every client at another endpoint,
/// such as moto's server. With an explicit endpoint a region and placeholder credentials are
/// filled in when the environment has none, since such endpoints ignore them.
///
/// When the environment holds a region and keys, as every Lambda execution environment does,
/// the configuration is made from them directly ([`from_environment`]); only without them
/// (an operator's profile or SSO, with the `sdk-chain` feature) does aws-config's chain run.
pub async fn load(endpoint: Option<&str>) -> SdkConfig {
    load_with(endpoint, |name| std::env::var(name).ok()).await
}

/// [`load`] from the variables `var` gives (`None` for an unset one), so that the path a
/// function ships with, which no variable of the test process may steer, is tested as a
/// whole. (aws-config's chain, with `sdk-chain`, still reads the process's own environment.)
async fn load_with(endpoint: Option<&str>, var: impl Fn(&str) -> Option<String>) -> SdkConfig {
    let environment = Environment::read(endpoint, var);
    match from_environment(&environment) {
        Ok(config) => config,
        Err(missing) => fallback(&environment, missing).await,
    }
}

/// Without a region or keys in the environment: aws-config's whole chain (profile files,
/// SSO, IMDS, ...) for the tools that link it. (An explicit endpoint never comes here: it
/// has its placeholders.) aws-config reads `AWS_ENDPOINT_URL` itself.
#[cfg(feature = "sdk-chain")]
async fn fallback(environment: &Environment, _: Missing) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(https(environment.roots()))
        .load()
        .await
}

/// Without a region or keys in the environment, a function (which does not link aws-config)
/// cannot call AWS. Lambda always sets them, so this is a broken deployment or a run outside
/// Lambda: the error is logged here, and every call fails with a credentials error naming the
/// missing variables (a 500 from the route that made it), rather than the process panicking
/// or reaching for credentials it was not given.
#[cfg(not(feature = "sdk-chain"))]
async fn fallback(environment: &Environment, missing: Missing) -> SdkConfig {
    tracing::error!(%missing, "no AWS call can succeed");
    without_credentials(environment, missing)
}

/// The configuration whose every call fails naming `missing`.
#[cfg(any(test, not(feature = "sdk-chain")))]
fn without_credentials(environment: &Environment, missing: Missing) -> SdkConfig {
    builder(environment)
        .credentials_provider(SharedCredentialsProvider::new(missing))
        .build()
}

/// The region filled in for an explicit endpoint (moto's server ignores it).
const LOCAL_REGION: &str = "us-east-1";

/// What the SDK configuration is made of, as the environment gives it. The execution
/// role's secret key and session token are secrets: its `Debug` (a failed assertion, an
/// instrumented function) shows `[REDACTED]` for them, and only [`from_environment`] exposes
/// them, to the SDK's credentials.
#[derive(Debug)]
struct Environment {
    region: Option<String>,
    access_key_id: Option<String>,
    secret_access_key: Option<SecretString>,
    session_token: Option<SecretString>,
    endpoint: Option<String>,
    /// Whether `endpoint` was given by the caller (not `AWS_ENDPOINT_URL`): placeholders are
    /// filled in for what such an endpoint ignores.
    explicit_endpoint: bool,
}

impl Environment {
    /// Reads the variables aws-config's environment providers read, through `var`.
    fn read(endpoint: Option<&str>, var: impl Fn(&str) -> Option<String>) -> Self {
        let set = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        let mut environment = Self {
            region: set("AWS_REGION").or_else(|| set("AWS_DEFAULT_REGION")),
            access_key_id: set("AWS_ACCESS_KEY_ID"),
            secret_access_key: set("AWS_SECRET_ACCESS_KEY").map(SecretString::from),
            session_token: set("AWS_SESSION_TOKEN").map(SecretString::from),
            endpoint: endpoint
                .map(str::to_owned)
                .or_else(|| set("AWS_ENDPOINT_URL")),
            explicit_endpoint: endpoint.is_some(),
        };
        if environment.explicit_endpoint {
            environment
                .region
                .get_or_insert_with(|| LOCAL_REGION.into());
            if environment.access_key_id.is_none() || environment.secret_access_key.is_none() {
                environment.access_key_id = Some("local".into());
                environment.secret_access_key = Some(SecretString::from("local"));
                environment.session_token = None;
            }
        }
        environment
    }

    fn roots(&self) -> Roots {
        match &self.endpoint {
            Some(endpoint) if endpoint.starts_with("https://") => Roots::System,
            _ => Roots::Amazon,
        }
    }
}

/// The variables a configuration from the environment lacks.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error(
    "{} not set: Lambda sets AWS_REGION and the execution role's AWS_ACCESS_KEY_ID, \
     AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN in every function's environment",
    .0.join(", ")
)]
pub struct Missing(Vec<&'static str>);

impl ProvideCredentials for Missing {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::ready(Err(CredentialsError::not_loaded(self.to_string())))
    }
}

/// The SDK configuration straight from the environment Lambda gives every function: its
/// region and its execution role's credentials, with the HTTPS client, sleep, clock, retries
/// and timeouts aws-config's `load` would choose. aws-config's chain does far more at a cold
/// start (profile files, a dozen settings each looked up in the environment and the profile,
/// a credentials chain and an IMDS client built, a lazy identity cache) and brings STS, SSO
/// and IMDS code into every function; here nothing is looked up that a deployed function does
/// not have.
///
/// The credentials are read once and kept. Lambda's documented reserved variables
/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` are the execution
/// role's session, set when the execution environment starts and the same for each of its
/// invocations: Lambda does not change them during the environment's life (it ends the
/// environment instead, within hours), and aws-config's environment provider, which would
/// otherwise read them, gives them no expiry either. So nothing is cached or refreshed
/// (`IdentityCache::no_cache`: a static identity needs no cache, and the lazy cache's
/// first lookup is work a cold start would pay for nothing).
///
/// Not read here (aws-config reads them): `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_MAX_ATTEMPTS`,
/// `AWS_RETRY_MODE`, `AWS_USE_FIPS_ENDPOINT`, `AWS_USE_DUALSTACK_ENDPOINT`, profile files.
/// template.yaml sets none of them.
fn from_environment(environment: &Environment) -> Result<SdkConfig, Missing> {
    let Environment {
        region,
        access_key_id,
        secret_access_key,
        session_token,
        ..
    } = environment;
    let (Some(_), Some(access_key_id), Some(secret_access_key)) =
        (region, access_key_id, secret_access_key)
    else {
        return Err(Missing(
            [
                ("AWS_REGION", region.is_none()),
                ("AWS_ACCESS_KEY_ID", access_key_id.is_none()),
                ("AWS_SECRET_ACCESS_KEY", secret_access_key.is_none()),
            ]
            .into_iter()
            .filter_map(|(name, absent)| absent.then_some(name))
            .collect(),
        ));
    };
    let credentials = Credentials::new(
        access_key_id,
        secret_access_key.expose_secret(),
        session_token
            .as_ref()
            .map(|token| token.expose_secret().to_owned()),
        None,
        "Environment",
    );
    Ok(builder(environment)
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .identity_cache(IdentityCache::no_cache())
        .build())
}

/// [`load`]'s configuration from the variables `var` gives (`None` for an unset one), when
/// they hold a region and keys; otherwise the variables that are missing.
pub fn from_variables(
    endpoint: Option<&str>,
    var: impl Fn(&str) -> Option<String>,
) -> Result<SdkConfig, Missing> {
    from_environment(&Environment::read(endpoint, var))
}

/// What every configuration from the environment has: the settings aws-config's `load`
/// gives when nothing overrides them (standard retries, its 3.1 s connect timeout, Tokio's
/// sleep, the system clock), the region and endpoint, and the HTTPS client.
fn builder(environment: &Environment) -> aws_types::sdk_config::Builder {
    let mut builder = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(environment.region.clone().map(Region::new))
        .retry_config(RetryConfig::standard())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .build(),
        )
        .sleep_impl(SharedAsyncSleep::new(TokioSleep::new()))
        .time_source(SharedTimeSource::new(SystemTimeSource::new()))
        .http_client(https(environment.roots()));
    if let Some(endpoint) = &environment.endpoint {
        builder = builder.endpoint_url(endpoint);
    }
    builder
}

/// aws-config's default connect timeout (`SDK_DEFAULT_CONNECT_TIMEOUT`); it sets no other.
const CONNECT_TIMEOUT: Duration = Duration::from_millis(3100);

/// The certificate authorities AWS's endpoints chain to (Amazon Trust Services' four roots
/// and the Starfield root that cross-signs them), compiled in. Reading the system's store
/// instead (`rustls-native-certs`: the bundle, then every file of `/etc/ssl/certs`) cost
/// several milliseconds of every cold start, more under a small Lambda's CPU share, and
/// trusted far more authorities than an SDK client that only ever talks to AWS needs.
pub const AMAZON_TRUST_ROOTS: &str = include_str!("amazon-trust-roots.pem");

/// Whom the HTTPS client trusts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Roots {
    /// [`AMAZON_TRUST_ROOTS`]: AWS itself (a deployed function).
    Amazon,
    /// The system's store: an `https://` endpoint override (an emulator or proxy with a
    /// certificate of its own) is no AWS endpoint, so Amazon's roots would not do.
    System,
}

/// The SDK's HTTPS client: rustls on ring (the SDK's default, aws-lc-rs, is larger in every
/// zip and slower to build), verifying servers against `roots`. The certificates are parsed
/// when the first connection is made, not here.
pub fn https(roots: Roots) -> SharedHttpClient {
    Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .tls_context(tls_context(roots))
        .build_https()
}

/// What the SDK's HTTPS client verifies servers against.
fn tls_context(roots: Roots) -> TlsContext {
    let trust = match roots {
        Roots::Amazon => TrustStore::empty().with_pem_certificate(AMAZON_TRUST_ROOTS.as_bytes()),
        Roots::System => TrustStore::default(),
    };
    // `build` cannot fail today; were it to, the default is the system's store, which still
    // verifies every server.
    TlsContext::builder()
        .with_trust_store(trust)
        .build()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use rustls_pki_types::{CertificateDer, pem::PemObject};

    use super::*;

    #[test]
    fn table_names_are_dynamodb_names() {
        assert_eq!(
            TableName::parse("portal-local.v2_x").unwrap().as_str(),
            "portal-local.v2_x"
        );
        assert!(TableName::parse("ab").is_err());
        assert!(TableName::parse("portal table").is_err());
        assert!(TableName::parse(&"a".repeat(256)).is_err());
    }

    #[test]
    fn the_compiled_in_roots_are_amazons_five_certificates() {
        let certificates: Vec<_> =
            CertificateDer::pem_slice_iter(AMAZON_TRUST_ROOTS.as_bytes()).collect();
        assert_eq!(certificates.len(), 5);
        assert!(certificates.iter().all(Result::is_ok));
    }

    /// The client parses the roots when it first connects (a bad PEM would panic there):
    /// nothing listens on the port, so the call fails to connect, and that is all.
    #[cfg(feature = "dynamodb")]
    #[tokio::test]
    async fn a_client_on_amazons_roots_connects_over_https() {
        use aws_sdk_dynamodb::error::SdkError;

        let sdk = SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .http_client(https(Roots::Amazon))
            .endpoint_url("https://127.0.0.1:9")
            .region(Region::new("us-east-1"))
            .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
                "a", "b", None, None, "test",
            )))
            .retry_config(RetryConfig::disabled())
            .sleep_impl(SharedAsyncSleep::new(TokioSleep::new()))
            .build();
        let client = aws_sdk_dynamodb::Client::new(&sdk);

        let error = client.list_tables().send().await.unwrap_err();

        assert!(matches!(error, SdkError::DispatchFailure(_)), "{error:?}");
    }

    /// The execution role's secrets in [`lambda`]'s environment: values no field name or
    /// other setting contains, so finding them in a text means they leaked into it.
    const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const SESSION_TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLESESSION";

    /// What Lambda puts in every function's environment (template.yaml's own variables aside).
    fn lambda(name: &str) -> Option<String> {
        let value = match name {
            "AWS_REGION" | "AWS_DEFAULT_REGION" => "eu-central-1",
            "AWS_ACCESS_KEY_ID" => "ASIAEXAMPLE",
            "AWS_SECRET_ACCESS_KEY" => SECRET_KEY,
            "AWS_SESSION_TOKEN" => SESSION_TOKEN,
            "AWS_LAMBDA_FUNCTION_NAME" => "customers",
            _ => return None,
        };
        Some(value.to_owned())
    }

    /// The credentials the configuration's provider gives, as a client's first call would
    /// get them.
    async fn credentials_of(sdk: &SdkConfig) -> Credentials {
        sdk.credentials_provider()
            .expect("a configuration from the environment has a credentials provider")
            .provide_credentials()
            .await
            .expect("its credentials")
    }

    #[tokio::test]
    async fn lambdas_environment_gives_the_whole_configuration() {
        let sdk = from_variables(None, lambda).unwrap();

        assert_eq!(sdk.region().map(Region::as_ref), Some("eu-central-1"));
        assert_eq!(sdk.endpoint_url(), None);
        let credentials = credentials_of(&sdk).await;
        assert_eq!(credentials.access_key_id(), "ASIAEXAMPLE");
        assert_eq!(credentials.secret_access_key(), SECRET_KEY);
        assert_eq!(credentials.session_token(), Some(SESSION_TOKEN));
        assert_eq!(credentials.expiry(), None);
        // What aws-config's `load` would have set: retries need the sleep, signing the clock.
        assert_eq!(sdk.retry_config(), Some(&RetryConfig::standard()));
        assert_eq!(
            sdk.timeout_config()
                .and_then(TimeoutConfig::connect_timeout),
            Some(Duration::from_millis(3100))
        );
        assert!(sdk.sleep_impl().is_some());
        assert!(sdk.time_source().is_some());
        assert!(sdk.http_client().is_some());
        assert!(sdk.identity_cache().is_some());
        assert_eq!(sdk.behavior_version(), Some(BehaviorVersion::latest()));
    }

    /// A failed assertion or an instrumented function prints the environment's `Debug`: the
    /// execution role's secret key and session token never appear in it.
    #[test]
    fn the_environments_debug_shows_no_secret() {
        let environment = Environment::read(None, lambda);

        let shown = format!("{environment:?} {environment:#?}");

        assert!(shown.contains("ASIAEXAMPLE"), "{shown}");
        assert!(!shown.contains(SECRET_KEY), "{shown}");
        assert!(!shown.contains(SESSION_TOKEN), "{shown}");
    }

    #[test]
    fn the_sdks_endpoint_variable_points_every_client_elsewhere() {
        let sdk = from_variables(None, |name| match name {
            "AWS_ENDPOINT_URL" => Some("http://127.0.0.1:4566".into()),
            _ => lambda(name),
        })
        .unwrap();

        assert_eq!(sdk.endpoint_url(), Some("http://127.0.0.1:4566"));
    }

    #[tokio::test]
    async fn an_explicit_endpoint_fills_in_a_region_and_placeholder_keys() {
        let sdk = from_variables(Some("http://127.0.0.1:5000"), |_| None).unwrap();

        assert_eq!(sdk.endpoint_url(), Some("http://127.0.0.1:5000"));
        assert_eq!(sdk.region().map(Region::as_ref), Some(LOCAL_REGION));
        let credentials = credentials_of(&sdk).await;
        assert_eq!(credentials.access_key_id(), "local");
    }

    #[test]
    fn blank_or_missing_variables_are_named() {
        let missing = from_variables(None, |name| match name {
            "AWS_REGION" => Some("eu-central-1".into()),
            "AWS_ACCESS_KEY_ID" => Some("  ".into()),
            _ => None,
        })
        .unwrap_err();

        assert_eq!(
            missing,
            Missing(vec!["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"])
        );
        let region = from_variables(None, |name| {
            lambda(name).filter(|_| !name.contains("REGION"))
        })
        .unwrap_err();
        assert_eq!(region, Missing(vec!["AWS_REGION"]));
    }

    /// A function (no aws-config) started without keys does not panic: each call fails, and
    /// the error names what is missing.
    #[cfg(feature = "dynamodb")]
    #[tokio::test]
    async fn without_keys_every_call_fails_naming_the_missing_variables() {
        use aws_sdk_dynamodb::error::DisplayErrorContext;

        let environment = Environment::read(None, |name| match name {
            "AWS_ENDPOINT_URL" => Some("http://127.0.0.1:9".into()),
            "AWS_REGION" => Some("eu-central-1".into()),
            _ => None,
        });
        let missing = from_environment(&environment).unwrap_err();
        let client = aws_sdk_dynamodb::Client::new(&without_credentials(&environment, missing));

        let error = client.list_tables().send().await.unwrap_err();

        let message = DisplayErrorContext(&error).to_string();
        assert!(message.contains("AWS_ACCESS_KEY_ID"), "{message}");
        assert!(message.contains("AWS_SECRET_ACCESS_KEY"), "{message}");
    }

    /// The path a function ships with (no aws-config): started without keys, `load` gives a
    /// configuration rather than panicking, and every call made with it fails naming the
    /// missing variables. `cargo test --workspace` turns `sdk-chain` on for every crate
    /// (portal-infra asks for it), so infra/test.sh runs this one on portal-shared alone.
    #[cfg(all(feature = "dynamodb", not(feature = "sdk-chain")))]
    #[tokio::test]
    async fn a_function_started_without_keys_loads_a_configuration_whose_calls_name_them() {
        use aws_sdk_dynamodb::error::DisplayErrorContext;

        let sdk = load_with(None, |name| match name {
            "AWS_ENDPOINT_URL" => Some("http://127.0.0.1:9".into()),
            "AWS_REGION" => Some("eu-central-1".into()),
            _ => None,
        })
        .await;
        let client = aws_sdk_dynamodb::Client::new(&sdk);

        let error = client.list_tables().send().await.unwrap_err();

        let message = DisplayErrorContext(&error).to_string();
        assert!(message.contains("AWS_ACCESS_KEY_ID"), "{message}");
        assert!(message.contains("AWS_SECRET_ACCESS_KEY"), "{message}");
    }

    #[test]
    fn a_missing_variable_is_named() {
        let missing = required("PORTAL_TEST_SURELY_UNSET_VARIABLE", "a test setting");
        let message = missing.unwrap_err().to_string();
        assert!(
            message.contains("PORTAL_TEST_SURELY_UNSET_VARIABLE"),
            "{message}"
        );
    }
}
