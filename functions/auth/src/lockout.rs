//! Limits on attempts (failed logins, wrong current passwords, reset emails), counted before
//! the work they limit.
//!
//! Each attempt is counted first, with an atomic increment whose result decides: of any
//! number of concurrent attempts, each sees its own count, so no more than the limit get
//! through however many arrive at once. Refused attempts are taken back (they did no work),
//! and so are attempts that turn out not to be failures (the right password).
//!
//! Counts are kept per 15-minute window (starting on the quarter hour) and read as a sliding
//! window: the previous window's count, weighted by the share of it that still lies within
//! the last 15 minutes, plus the current window's. A burst just before a window ends still
//! weighs in just after, so a new window never means a fresh allowance.

use crate::AuthState;
use std::{future::Future, pin::Pin};

use chrono::{DateTime, Duration, DurationRound, Utc};
use portal::http::ApiError;

/// A boxed future over the counters (boxed because it recurses over the keys).
type Counting<'a, T> = Pin<Box<dyn Future<Output = Result<T, ApiError>> + Send + 'a>>;

/// The length of a counting window, and of the sliding window the limits hold over.
pub const WINDOW: Duration = Duration::minutes(15);

/// An attempt counted under one key, so that it can be taken back.
#[derive(Debug)]
pub struct Counted {
    key: String,
    window_start: DateTime<Utc>,
}

#[derive(Debug)]
pub enum Decision {
    /// Within every limit; the attempt stays counted unless taken back.
    Allowed(Vec<Counted>),
    /// Over a limit; nothing stays counted. Retrying after this many seconds finds room.
    Refused { retry_after: i64 },
}

/// The counting window `now` falls in: its start and end.
fn window(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = now.duration_trunc(WINDOW).unwrap_or(now);
    (start, start + WINDOW)
}

/// Counts one attempt under each `(key, limit)`; refused when any limit is exceeded. Every
/// key's reads and increments go out at once: one round trip however many limits there are.
pub async fn count(app: &AuthState, limits: &[(String, u32)]) -> Result<Decision, ApiError> {
    let now = app.clock.now();
    let (start, end) = window(now);
    let seen = count_each(app, limits, start, end).await?;
    let mut counted = Vec::with_capacity(limits.len());
    let mut wait: Option<i64> = None;
    for ((key, limit), (previous, current)) in limits.iter().zip(seen) {
        counted.push(Counted {
            key: key.clone(),
            window_start: start,
        });
        if let Some(ms) = wait_ms(previous, current, *limit, now - start) {
            wait = Some(wait.unwrap_or(0).max(ms));
        }
    }
    match wait {
        None => Ok(Decision::Allowed(counted)),
        Some(ms) => {
            take_back(app, counted).await?;
            // Rounded up: retrying after Retry-After seconds must find room.
            Ok(Decision::Refused {
                retry_after: ((ms + 999) / 1000).max(1),
            })
        }
    }
}

/// For each key, in order: the previous window's count and the current one after this
/// attempt's increment, all read and counted concurrently (the increment alone decides
/// between concurrent attempts, so nothing depends on their order).
fn count_each<'a>(
    app: &'a AuthState,
    limits: &'a [(String, u32)],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Counting<'a, Vec<(u32, u32)>> {
    Box::pin(async move {
        let Some(((key, _), rest)) = limits.split_first() else {
            return Ok(Vec::new());
        };
        let (previous, current, rest) = tokio::try_join!(
            async {
                let previous = app.rate_limits.count(key, start - WINDOW).await?;
                Ok::<_, ApiError>(previous)
            },
            async {
                // Kept one window longer than its own, for the sliding estimate of the next one.
                let current = app.rate_limits.increment(key, start, end + WINDOW).await?;
                Ok(current)
            },
            count_each(app, rest, start, end),
        )?;
        let mut seen = Vec::with_capacity(limits.len());
        seen.push((previous, current));
        seen.extend(rest);
        Ok(seen)
    })
}

/// Takes back attempts that were not failures after all, all at once.
pub async fn take_back(app: &AuthState, counted: Vec<Counted>) -> Result<(), ApiError> {
    take_back_each(app, &counted).await
}

fn take_back_each<'a>(app: &'a AuthState, counted: &'a [Counted]) -> Counting<'a, ()> {
    Box::pin(async move {
        let Some((first, rest)) = counted.split_first() else {
            return Ok(());
        };
        tokio::try_join!(
            async {
                app.rate_limits
                    .decrement(&first.key, first.window_start)
                    .await
                    .map_err(ApiError::from)
            },
            take_back_each(app, rest),
        )?;
        Ok(())
    })
}

/// The sliding-window estimate, in thousandths of an event: the previous window's count
/// weighted by the part of it still inside the sliding window, plus the current count.
/// Integer arithmetic, so the decision and the wait agree to the millisecond.
fn over_limit(previous: u32, current: u32, limit: u32, elapsed_ms: i64) -> bool {
    let length = WINDOW.num_milliseconds();
    let elapsed = elapsed_ms.clamp(0, length);
    i64::from(previous) * (length - elapsed) + i64::from(current) * length
        > i64::from(limit) * length
}

/// `None` when an attempt that made the current window's count `current` is within `limit`;
/// otherwise how many milliseconds until one more attempt would be.
fn wait_ms(previous: u32, current: u32, limit: u32, elapsed: Duration) -> Option<i64> {
    let length = WINDOW.num_milliseconds();
    let elapsed = elapsed.num_milliseconds().clamp(0, length);
    if !over_limit(previous, current, limit, elapsed) {
        return None;
    }
    // The first moment `elapsed'` (ms into a window) at which `previous · (length − elapsed')
    // ≤ room · length`, where `room` is what the current count leaves of the limit.
    let free_at = |previous: u32, room: u32| -> i64 {
        if previous <= room {
            return 0;
        }
        let (previous, room) = (i64::from(previous), i64::from(room));
        // Rounded up, so that at that moment the attempt is within the limit.
        (length * (previous - room) + previous - 1) / previous
    };
    if current <= limit {
        // Room in this window once enough of the previous one has slid out of it.
        return Some(free_at(previous, limit - current) - elapsed);
    }
    // This window is full: in the next, its failures (the refused ones taken back, so at most
    // the limit) are the previous count, and the attempt is the first.
    let kept = (current - 1).min(limit);
    Some(length - elapsed + free_at(kept, limit.saturating_sub(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: i64 = 60_000;

    #[test]
    fn attempts_within_the_limit_go_through() {
        assert_eq!(wait_ms(0, 5, 5, Duration::minutes(3)), None);
        assert_eq!(
            wait_ms(5, 1, 5, Duration::minutes(3)),
            None,
            "a fifth of the previous window has slid out"
        );
    }

    #[test]
    fn a_full_window_waits_for_the_next_and_a_share_of_it() {
        assert_eq!(
            wait_ms(0, 6, 5, Duration::minutes(10)),
            Some(5 * MINUTE + 3 * MINUTE),
            "five minutes to the next window, then a fifth of it"
        );
    }

    #[test]
    fn failures_just_before_a_window_ends_still_count_after_it() {
        let wait = wait_ms(5, 1, 5, Duration::seconds(1)).unwrap();
        assert_eq!(wait, 3 * MINUTE - 1000);
        assert!(over_limit(5, 1, 5, 3 * MINUTE - 1));
        assert!(!over_limit(5, 1, 5, 3 * MINUTE));
    }

    #[test]
    fn the_wait_ends_exactly_when_the_estimate_is_within_the_limit_again() {
        for limit in [1, 3, 5, 50] {
            for previous in 0..=limit {
                for current in 1..=limit + 2 {
                    for elapsed in [0, 1, 7 * MINUTE + 13, 15 * MINUTE - 1] {
                        let Some(wait) =
                            wait_ms(previous, current, limit, Duration::milliseconds(elapsed))
                        else {
                            continue;
                        };
                        assert!(wait > 0, "{previous} {current} {limit} {elapsed}");
                        let at = elapsed + wait;
                        let (prev, cur, at) = if at >= 15 * MINUTE {
                            ((current - 1).min(limit), 1, at - 15 * MINUTE)
                        } else {
                            (previous, current, at)
                        };
                        assert!(!over_limit(prev, cur, limit, at), "free at {at}");
                        assert!(
                            at == 0 || over_limit(prev, cur, limit, at - 1),
                            "not earlier: {previous} {current} {limit} {elapsed}"
                        );
                    }
                }
            }
        }
    }
}
