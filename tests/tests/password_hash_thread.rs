//! Checking a password for no account verifies against a dummy hash, made at the first such
//! check, so that "no such user" takes as long as a wrong password. Making that hash is a
//! whole Argon2id hash: it must run on Tokio's blocking pool like the check itself, since the
//! functions run on one thread (a current-thread runtime) that it would otherwise stall for
//! the hash's ~50 ms. Alone in its test binary, so that no other test has made the dummy yet.

use std::{
    pin::pin,
    task::{Context, Waker},
    time::Instant,
};

use portal::{
    domain::password::Password,
    password_hash::{Verified, verify},
};

#[tokio::test]
async fn the_first_check_for_no_account_hashes_off_the_runtimes_thread() {
    let password = Password::new("no account has this password");
    let started = Instant::now();
    let mut check = pin!(verify(&password, None));

    // The first poll hands the work to the blocking pool and returns; with the dummy made in
    // it, it returned only after a whole hash.
    let first = check.as_mut().poll(&mut Context::from_waker(Waker::noop()));
    let first_poll = started.elapsed();
    assert!(first.is_pending());
    assert_eq!(check.await.unwrap(), Verified::NoMatch);
    let whole = started.elapsed();

    // Two hashes in all (the dummy's, then the check against it): the first poll took a
    // sliver of that, not half of it.
    assert!(
        first_poll * 4 < whole,
        "the first poll took {first_poll:?} of {whole:?}: the dummy hash ran on the runtime's thread"
    );
}
