//! Configuration read once per cold start: the SDK's (one loader for the functions,
//! `portal-local` and `portal-admin` alike) and the settings a function needs from its
//! environment, as types with errors that name the variable.

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
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
/// filled in when the environment has none, since such endpoints ignore them; without one
/// (a deployed function) the SDK's defaults apply unchanged.
pub async fn load(endpoint: Option<&str>) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(endpoint) = endpoint {
        loader = loader.endpoint_url(endpoint);
        if std::env::var_os("AWS_REGION").is_none()
            && std::env::var_os("AWS_DEFAULT_REGION").is_none()
        {
            loader = loader.region(Region::new("us-east-1"));
        }
        if std::env::var_os("AWS_ACCESS_KEY_ID").is_none() {
            loader = loader.credentials_provider(Credentials::new(
                "local",
                "local",
                None,
                None,
                "portal-local",
            ));
        }
    }
    loader.load().await
}

#[cfg(test)]
mod tests {
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
    fn a_missing_variable_is_named() {
        let missing = required("PORTAL_TEST_SURELY_UNSET_VARIABLE", "a test setting");
        let message = missing.unwrap_err().to_string();
        assert!(
            message.contains("PORTAL_TEST_SURELY_UNSET_VARIABLE"),
            "{message}"
        );
    }
}
