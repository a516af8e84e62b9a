//! The store contract against the embedded adapter, in memory and persisted on disk.

mod in_memory {
    portal_tests::store_contract!(portal_tests::fixtures::embedded_store());
}

mod on_disk {
    use std::sync::Arc;

    use portal::{embedded::EmbeddedStore, ports::Store};

    /// The directory is leaked for the test's lifetime; the OS temp dir is cleaned elsewhere.
    async fn store() -> Arc<dyn Store> {
        let dir = tempfile::tempdir().unwrap().keep();
        Arc::new(EmbeddedStore::open(&dir).unwrap())
    }

    portal_tests::store_contract!(store());
}
