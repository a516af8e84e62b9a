//! What the router tests and the end-to-end tests need in common, written once: a clock the
//! test holds still or moves, an agency with an API key on any store, and a `oneshot`
//! request to a router that answers with status, headers and body text.

pub mod agency;
pub mod clock;
pub mod oneshot;
pub mod session;

pub use agency::{Agency, agency};
pub use clock::TestClock;
pub use oneshot::{Answer, oneshot, send};
pub use session::{customer_session, staff_session};
