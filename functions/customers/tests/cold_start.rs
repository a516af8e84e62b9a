//! A cold start pays for the SDK only when a request calls AWS (issue 14): the deployed
//! wiring (`connect`) loads the SDK configuration and builds clients on first use.

use axum::http::Method;
use portal::aws::{Sdk, config::TableName};
use testkit::oneshot;

fn config() -> customers::Config {
    customers::Config {
        table: TableName::parse("portal-cold-start").unwrap(),
    }
}

#[tokio::test]
async fn a_request_refused_before_any_store_call_loads_no_sdk_configuration() {
    // Nothing listens there: a call that reached it would fail, not hang.
    let sdk = Sdk::lazy(Some("http://127.0.0.1:9".into()));
    let router = customers::router(customers::CustomersState::on(&config(), &sdk));

    let answer = oneshot(&router, Method::GET, "/customers", None, &[]).await;

    assert_eq!(answer.status, 401, "{}", answer.text);
    assert!(
        !sdk.is_loaded(),
        "the SDK configuration was loaded for a 401"
    );
}
