//! The portal crate: what more than one Lambda function needs.
//!
//! - [`domain`]: newtypes and rules (parse, don't validate).
//! - [`ports`]: the narrow traits handlers depend on.
//! - [`aws`]: the adapters that talk to AWS (the only code that names an SDK type).
//! - [`embedded`]: in-process twins of every adapter, for the local runner and tests.
//! - [`store`]: every store port on the item model ([`items`]), one file per aggregate.
//! - [`http`]: problem+json errors, request extractors and staff authentication.

pub mod domain;
pub mod http;
pub mod i18n;
pub mod invitations;
pub mod items;
pub mod links;
pub mod messages;
pub mod pages;
pub mod password_hash;
pub mod ports;
#[cfg(any(feature = "s3", feature = "embedded"))]
pub mod post_policy;
pub mod staff;
pub mod start;
pub mod state;
pub mod store;
pub mod telemetry;

#[cfg(any(feature = "dynamodb", feature = "ses", feature = "sns", feature = "s3"))]
pub mod aws;
#[cfg(feature = "embedded")]
pub mod embedded;

pub use state::AppState;
