//! A deployed function's SDK configuration, made from what Lambda puts in its environment
//! (the region, the execution role's keys and session token) with `AWS_ENDPOINT_URL` standing
//! in for AWS, as the benchmark harness starts the release binaries: DynamoDB and S3 calls go
//! through moto's server with no aws-config in the way.

use std::collections::HashMap;

use portal::{aws::S3FileStore, domain::ObjectKey, ports::FileStore};
use portal_tests::{files_contract::fresh_bucket, moto};

fn lambda_environment(endpoint: &str) -> HashMap<&'static str, String> {
    HashMap::from([
        ("AWS_REGION", "us-east-1".to_owned()),
        ("AWS_ACCESS_KEY_ID", "ASIAEXAMPLEKEY".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "example-secret".to_owned()),
        ("AWS_SESSION_TOKEN", "example-session-token".to_owned()),
        ("AWS_LAMBDA_FUNCTION_NAME", "customers".to_owned()),
        ("AWS_ENDPOINT_URL", endpoint.to_owned()),
    ])
}

#[tokio::test]
async fn a_configuration_from_lambdas_variables_calls_dynamodb_and_s3() {
    // Arrange
    let (_, table) = moto::fresh_table().await;
    let variables = lambda_environment(&moto::s3_endpoint().await);
    let sdk = portal::aws::config::from_variables(None, |name| variables.get(name).cloned())
        .expect("Lambda's variables are a whole configuration");
    let dynamodb = aws_sdk_dynamodb::Client::new(&sdk);
    let files = S3FileStore::from_conf(&sdk, fresh_bucket(&sdk).await);
    let missing = ObjectKey::parse("tenants/t1/customers/c1/uploads/f1/none.pdf").unwrap();

    // Act
    let described = dynamodb.describe_table().table_name(&table).send().await;
    let head = files.head(&missing).await;

    // Assert
    let described = described.expect("DynamoDB answers with the environment's credentials");
    assert_eq!(
        described.table().and_then(|t| t.table_name()),
        Some(table.as_str())
    );
    assert!(matches!(head, Ok(None)), "{head:?}");
}
