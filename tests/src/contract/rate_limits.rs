//! Rate-limit counters: per key and window, atomic, taken back.

use std::sync::Arc;

use chrono::{Duration, Utc};
use portal::ports::RateLimitStore;

use super::race;
use crate::fixtures::unique_email;

pub async fn failed_attempts_are_counted_per_key_and_window(store: Arc<dyn RateLimitStore>) {
    let key = format!("login-account#{}", unique_email("rate"));
    let window = Utc::now();
    let forget = window + Duration::minutes(30);
    assert_eq!(store.count(&key, window).await.unwrap(), 0);
    for expected in 1..=3 {
        assert_eq!(
            store.increment(&key, window, forget).await.unwrap(),
            expected
        );
    }
    assert_eq!(store.count(&key, window).await.unwrap(), 3);
    let next_window = window + Duration::minutes(15);
    assert_eq!(
        store.count(&key, next_window).await.unwrap(),
        0,
        "a new window starts at zero"
    );
    assert_eq!(
        store
            .count("login-address#203.0.113.9", window)
            .await
            .unwrap(),
        0,
        "keys are apart"
    );
}

/// The lockout counts an attempt before it verifies the password and lets the count decide,
/// so the count must be atomic: of 20 at once, each sees a different number.
pub async fn concurrent_increments_each_get_their_own_count_and_can_be_taken_back(
    store: Arc<dyn RateLimitStore>,
) {
    let key = format!("login-account#{}", unique_email("race"));
    let window = Utc::now();
    let forget = window + Duration::minutes(30);
    // moto's UpdateItem is no more isolated than its transactions: see `race`.
    let attempts: Vec<_> = (0..20)
        .map(|_| {
            let (store, key) = (store.clone(), key.clone());
            async move { store.increment(&key, window, forget).await.unwrap() }
        })
        .collect();
    let mut counts = race(attempts).await;
    counts.sort_unstable();
    assert_eq!(counts, (1..=20).collect::<Vec<u32>>());
    assert_eq!(store.decrement(&key, window).await.unwrap(), 19);
    assert_eq!(store.count(&key, window).await.unwrap(), 19);
    assert_eq!(store.increment(&key, window, forget).await.unwrap(), 20);
    let fresh = format!("login-account#{}", unique_email("fresh"));
    assert_eq!(
        store.decrement(&fresh, window).await.unwrap(),
        0,
        "nothing to take back"
    );
    assert_eq!(store.count(&fresh, window).await.unwrap(), 0);
    assert_eq!(
        store.increment(&fresh, window, forget).await.unwrap(),
        1,
        "and no debt left behind"
    );
    assert_eq!(store.decrement(&fresh, window).await.unwrap(), 0);
    assert_eq!(
        store.decrement(&fresh, window).await.unwrap(),
        0,
        "never below zero"
    );
    assert_eq!(store.increment(&fresh, window, forget).await.unwrap(), 1);
}
