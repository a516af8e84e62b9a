//! Read, change, write conditionally; and when another writer won in between, again.

use std::future::Future;

use super::ApiError;
use crate::ports::StoreError;

/// How often a change that lost a race to another writer is made again from a fresh read.
pub const WRITE_ATTEMPTS: usize = 3;

/// Runs `attempt` (it reads the record, makes the change and writes it on the condition that
/// the record is unchanged; a closure returning an `async move` block over references) until its write does not lose a race
/// ([`StoreError::VersionConflict`]), [`WRITE_ATTEMPTS`] times at most; then
/// [`ApiError::ConcurrentChange`]. An `Err` from `attempt` itself (not found, invalid input)
/// ends it at once, as does any other store error.
pub async fn retry_lost_races<T, F>(attempt: impl FnMut() -> F) -> Result<T, ApiError>
where
    F: Future<Output = Result<Result<T, StoreError>, ApiError>>,
{
    retry_lost_races_as(attempt).await
}

/// [`retry_lost_races`] for a use case's own error enum `E`: a race lost every time is
/// whatever `E` makes of [`StoreError::VersionConflict`].
pub async fn retry_lost_races_as<T, E, F>(mut attempt: impl FnMut() -> F) -> Result<T, E>
where
    F: Future<Output = Result<Result<T, StoreError>, E>>,
    E: From<StoreError>,
{
    for _ in 0..WRITE_ATTEMPTS {
        match attempt().await? {
            Ok(done) => return Ok(done),
            Err(StoreError::VersionConflict) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Err(StoreError::VersionConflict.into())
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    #[tokio::test]
    async fn a_lost_race_is_tried_again_and_then_given_up() {
        let calls = Cell::new(0);
        let won = retry_lost_races(|| async {
            calls.set(calls.get() + 1);
            Ok(if calls.get() < 3 {
                Err(StoreError::VersionConflict)
            } else {
                Ok(calls.get())
            })
        })
        .await;
        assert_eq!(won.unwrap(), 3);

        let calls = Cell::new(0);
        let lost: Result<(), _> = retry_lost_races(|| async {
            calls.set(calls.get() + 1);
            Ok(Err(StoreError::VersionConflict))
        })
        .await;
        assert!(matches!(lost, Err(ApiError::ConcurrentChange)));
        assert_eq!(calls.get(), WRITE_ATTEMPTS);

        let calls = Cell::new(0);
        let refused: Result<(), _> = retry_lost_races(|| async {
            calls.set(calls.get() + 1);
            Err(ApiError::NotFound("customer"))
        })
        .await;
        assert!(matches!(refused, Err(ApiError::NotFound(_))));
        assert_eq!(calls.get(), 1, "only lost races are tried again");
    }
}
