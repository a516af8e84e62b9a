//! The store contract against the item store on the embedded SQLite engine, in memory and in a
//! database file.

mod in_memory {
    portal_tests::store_contract!(portal_tests::fixtures::embedded_store());
}

mod on_disk {
    use std::sync::Arc;

    use portal::ports::Store;

    /// The directory is leaked for the test's lifetime; the OS temp dir is cleaned elsewhere.
    async fn store() -> Arc<dyn Store> {
        let (store, dir) = portal_tests::fixtures::embedded_store_on_disk().await;
        let _ = dir.keep();
        store
    }

    portal_tests::store_contract!(store());
}
