use std::sync::Arc;

use portal::{AppState, ports::Store};

/// The local runner's app on 127.0.0.1 with an OS-chosen port; returns its base URL.
pub async fn spawn(store: Arc<dyn Store>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port on loopback");
    let addr = listener.local_addr().expect("a bound address");
    let app = portal_infra::app(AppState::from_store(store));
    tokio::spawn(async move {
        axum::serve(listener, app).await.expect("the server runs");
    });
    format!("http://{addr}")
}
