//! In-process twins of the AWS adapters, for the local runner and tests.

pub mod outbox;
mod store;

pub use outbox::{Outbox, OutboxMessage};
pub use store::EmbeddedStore;
