use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use portal::ports::Clock;

/// A clock that stands still until the test moves it: expiry, lockout windows and signed
/// URLs are tested by moving time, not by sleeping.
pub struct TestClock(Mutex<DateTime<Utc>>);

impl TestClock {
    /// Stopped at `at`.
    pub fn at(at: DateTime<Utc>) -> Self {
        Self(Mutex::new(at))
    }

    /// Stopped at the moment it is made.
    pub fn stopped() -> Self {
        Self::at(Utc::now())
    }

    pub fn advance(&self, by: Duration) {
        *self.time() += by;
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self.time() = at;
    }

    fn time(&self) -> std::sync::MutexGuard<'_, DateTime<Utc>> {
        // A test that panicked while holding the lock has failed already; its time is
        // still a valid instant, so the other tests keep reading it.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Default for TestClock {
    fn default() -> Self {
        Self::stopped()
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.time()
    }
}
