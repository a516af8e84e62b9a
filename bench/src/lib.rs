//! The measuring side of issue 14: a minimal Lambda Runtime API that starts each function's
//! binary and times it, a proxy that counts its AWS calls on their way to moto, and the
//! report. `infra/bench/run.sh` builds what it needs and runs `bench` (src/bin/bench.rs).

pub mod cost;
pub mod event;
pub mod proxy;
pub mod report;
pub mod run;
pub mod runtime;
pub mod scenario;
pub mod stats;
pub mod template;
