//! The local runner and operator tooling: every function's routes on one port, the
//! `portal-admin` command, and the wiring both share to pick a storage backend.

pub mod admin;
pub mod app;
pub mod backend;
pub mod demo;
pub mod files_server;

pub use app::app;
pub use backend::Backend;
