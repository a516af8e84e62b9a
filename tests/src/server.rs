use std::sync::Arc;

use portal::{embedded::Outbox, ports::Store};
use portal_infra::backend::Services;

/// The local runner's app on 127.0.0.1 with an OS-chosen port; returns its base URL.
pub async fn spawn(services: &Services) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port on loopback");
    let addr = listener.local_addr().expect("a bound address");
    let app = portal_infra::app(services);
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .expect("the server runs");
    });
    format!("http://{addr}")
}

/// `store` with an in-memory outbox for messages.
pub fn with_outbox(store: Arc<dyn Store>) -> Services {
    let outbox = Arc::new(Outbox::in_memory());
    let files = Arc::new(portal::embedded::LocalFileStore::in_memory(
        url::Url::parse(portal_infra::backend::DEFAULT_FILES_BASE).expect("a valid URL"),
    ));
    Services {
        store,
        mailer: outbox.clone(),
        sms: outbox.clone(),
        outbox: Some(outbox),
        files: files.clone(),
        local_files: Some(files),
    }
}
