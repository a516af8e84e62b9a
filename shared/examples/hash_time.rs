//! Times Argon2id password hashing exactly as the auth function does it (OWASP parameters,
//! on the blocking pool). Run under a CPU quota to see what a Lambda memory size gives:
//! `infra/bench/hash-memory.sh` does that for several sizes.
//!
//! Usage: `cargo run --release -p portal-shared --no-default-features --example hash_time [runs]`

use std::time::Instant;

use portal::{domain::password::Password, password_hash};

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(9);
    let password = Password::new("correct horse battery staple");
    let stored = password_hash::hash(&password).await?;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        password_hash::verify(&password, Some(&stored)).await?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "argon2id m={} KiB t={} p={}: verify median {:.0} ms, min {:.0} ms, max {:.0} ms over {runs} runs",
        password_hash::MEMORY_KIB,
        password_hash::ITERATIONS,
        password_hash::PARALLELISM,
        times[runs / 2],
        times[0],
        times[runs - 1],
    );
    Ok(())
}
