//! In-process twins of the AWS adapters, for the local runner and tests.

mod store;

pub use store::EmbeddedStore;
