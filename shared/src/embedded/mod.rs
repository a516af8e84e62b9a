//! In-process twins of the AWS adapters, for the local runner and tests.

pub mod files;
pub mod outbox;
mod store;

pub use files::LocalFileStore;
pub use outbox::{Outbox, OutboxMessage};
pub use store::EmbeddedStore;
