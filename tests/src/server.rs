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

/// Like [`spawn`], with the local file twin made for the runner's own address by `files`, so
/// its upload forms and download links point at this runner.
pub async fn spawn_with_files(
    services: Services,
    files: impl FnOnce(url::Url) -> portal::embedded::LocalFileStore,
) -> (String, Services) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port on loopback");
    let addr = listener.local_addr().expect("a bound address");
    let base = format!("http://{addr}");
    let services = services.with_local_files(files(url::Url::parse(&base).expect("a URL")));
    let app = portal_infra::app(&services);
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .expect("the server runs");
    });
    (base, services)
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
