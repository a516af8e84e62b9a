//! In-process twins of the AWS adapters, for the local runner and tests.

pub mod files;
pub mod outbox;
pub mod sqlite_items;
mod store;

pub use files::LocalFileStore;
pub use outbox::{Outbox, OutboxMessage};
pub use store::EmbeddedStore;
