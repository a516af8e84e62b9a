//! Test support: the store contract suite, moto-backed stores, and a local server on port 0.

pub mod backends;
pub mod browser;
pub mod contract;
pub mod delivery_contract;
pub mod files_contract;
pub mod fixtures;
pub mod items_contract;
pub mod moto;
pub mod paced;
pub mod rounds;
pub mod server;
