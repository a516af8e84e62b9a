//! The SDK configuration and clients, built when a request first needs them.
//!
//! A cold start that answers without calling AWS (a 401, a page served from the session
//! cookie's refusal, an event refused before any call) should not pay for making the SDK
//! configuration and building clients: with aws-config's chain (profile files, provider
//! chains) that was most of a 256 MB Lambda's cold start, and even from the environment alone
//! ([`super::config::load`]) building clients is work such a request does not need. A function's state
//! holds an [`Sdk`] and its adapters hold [`LazyClient`]s on it; the first call loads the
//! configuration once for every client of the process, each client is built once, and
//! later requests find both ready.

use std::sync::Arc;

use aws_types::SdkConfig;
use tokio::sync::OnceCell;

/// The shared SDK configuration of one process: loaded by the first client that needs it
/// ([`super::config::load`]), or given already loaded (tests, `portal-local`, `portal-admin`).
/// Clones share the one configuration.
#[derive(Clone)]
pub struct Sdk(Arc<SdkCell>);

struct SdkCell {
    endpoint: Option<String>,
    config: OnceCell<SdkConfig>,
}

impl Sdk {
    /// Loaded on first use; `endpoint` as in [`super::config::load`].
    pub fn lazy(endpoint: Option<String>) -> Self {
        Self(Arc::new(SdkCell {
            endpoint,
            config: OnceCell::new(),
        }))
    }

    /// A configuration loaded already.
    pub fn loaded(config: SdkConfig) -> Self {
        Self(Arc::new(SdkCell {
            endpoint: None,
            config: OnceCell::new_with(Some(config)),
        }))
    }

    /// The configuration, loading it if this is the first call. Concurrent first calls wait
    /// for one load.
    pub async fn config(&self) -> &SdkConfig {
        self.0
            .config
            .get_or_init(|| super::config::load(self.0.endpoint.as_deref()))
            .await
    }

    /// Whether the configuration has been loaded (for tests of laziness).
    pub fn is_loaded(&self) -> bool {
        self.0.config.initialized()
    }
}

/// An SDK client built from an [`Sdk`] on first use, once; clones share it.
pub struct LazyClient<C>(Arc<Source<C>>);

enum Source<C> {
    Ready(C),
    Lazy {
        sdk: Sdk,
        build: fn(&SdkConfig) -> C,
        client: OnceCell<C>,
    },
}

impl<C> Clone for LazyClient<C> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<C> LazyClient<C> {
    /// A client `build` makes from `sdk`'s configuration when first asked for.
    pub fn new(sdk: &Sdk, build: fn(&SdkConfig) -> C) -> Self {
        Self(Arc::new(Source::Lazy {
            sdk: sdk.clone(),
            build,
            client: OnceCell::new(),
        }))
    }

    /// A client built already (a test's own).
    pub fn ready(client: C) -> Self {
        Self(Arc::new(Source::Ready(client)))
    }

    pub async fn get(&self) -> &C {
        match &*self.0 {
            Source::Ready(client) => client,
            Source::Lazy { sdk, build, client } => {
                client
                    .get_or_init(|| async { build(sdk.config().await) })
                    .await
            }
        }
    }

    /// The configuration the client is built from; `None` for a [`LazyClient::ready`] one.
    pub async fn sdk_config(&self) -> Option<&SdkConfig> {
        match &*self.0 {
            Source::Ready(_) => None,
            Source::Lazy { sdk, .. } => Some(sdk.config().await),
        }
    }

    /// Whether the client has been built (for tests of laziness).
    pub fn is_built(&self) -> bool {
        match &*self.0 {
            Source::Ready(_) => true,
            Source::Lazy { client, .. } => client.initialized(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use aws_smithy_runtime_api::client::behavior_version::BehaviorVersion;
    use aws_types::region::Region;

    use super::*;

    static BUILDS: AtomicUsize = AtomicUsize::new(0);

    fn counted(config: &SdkConfig) -> String {
        BUILDS.fetch_add(1, Ordering::SeqCst);
        config.region().map(ToString::to_string).unwrap_or_default()
    }

    #[tokio::test]
    async fn a_client_is_built_on_first_use_once_and_shared_by_its_clones() {
        let sdk = Sdk::loaded(
            SdkConfig::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new("eu-central-1"))
                .build(),
        );
        let client = LazyClient::new(&sdk, counted);
        let clone = client.clone();
        assert!(!client.is_built());
        assert_eq!(BUILDS.load(Ordering::SeqCst), 0);

        let (a, b) = tokio::join!(client.get(), clone.get());

        assert_eq!((a.as_str(), b.as_str()), ("eu-central-1", "eu-central-1"));
        assert_eq!(BUILDS.load(Ordering::SeqCst), 1);
        assert!(clone.is_built());
        client.get().await;
        assert_eq!(BUILDS.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_lazy_configuration_is_not_loaded_until_a_client_needs_it() {
        let sdk = Sdk::lazy(Some("http://127.0.0.1:9".into()));
        let client = LazyClient::new(&sdk, |c: &SdkConfig| c.endpoint_url().map(str::to_owned));
        assert!(!sdk.is_loaded());

        let endpoint = client.get().await.clone();

        assert!(sdk.is_loaded());
        assert_eq!(endpoint.as_deref(), Some("http://127.0.0.1:9"));
    }
}
