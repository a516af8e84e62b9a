//! The functions' log subscriber: what `lambda_http::tracing::init_default_subscriber` sets up
//! (Lambda's log level and format, no time stamps, no targets, stdout), with a plain level in
//! place of tracing-subscriber's `EnvFilter`. `EnvFilter` parses per-module directives with
//! regular expressions, and linking `regex` and its Unicode tables cost every function about
//! a megabyte of binary (issue 14: every zip ≤ 4 MB). So `RUST_LOG` here is a level only
//! (`debug`, not `portal=debug`); the local runner keeps the full filter.

use tracing_subscriber::filter::LevelFilter;

/// Installs the subscriber; call it once, first thing in `main`.
///
/// The level is Lambda's `AWS_LAMBDA_LOG_LEVEL` (its advanced logging controls), else
/// `RUST_LOG`, else `INFO`; `AWS_LAMBDA_LOG_FORMAT=JSON` writes one JSON object a line, as
/// CloudWatch's JSON log format expects.
pub fn init() {
    let env = |name| std::env::var(name).ok();
    let level = level(
        env("AWS_LAMBDA_LOG_LEVEL").as_deref(),
        env("RUST_LOG").as_deref(),
    );
    let json = env("AWS_LAMBDA_LOG_FORMAT").is_some_and(|f| f.eq_ignore_ascii_case("json"));
    let subscriber = tracing_subscriber::fmt()
        .with_target(false)
        .without_time()
        .with_max_level(level)
        .with_writer(std::io::stdout);
    // Another subscriber already set (a test that installed its own) is not worth a panic.
    let _ = if json {
        subscriber.json().try_init()
    } else {
        subscriber.try_init()
    };
}

/// The level from Lambda's setting, else `RUST_LOG`'s, as `init_default_subscriber` chooses
/// it: the first one present wins even when it can't be read, which then means `INFO`.
/// Lambda's levels are upper case and include `FATAL`, which tracing lacks: it logs errors.
fn level(aws_lambda_log_level: Option<&str>, rust_log: Option<&str>) -> LevelFilter {
    match aws_lambda_log_level.or(rust_log).map(str::trim) {
        None => LevelFilter::INFO,
        Some(raw) if raw.eq_ignore_ascii_case("fatal") => LevelFilter::ERROR,
        Some(raw) => raw.parse().unwrap_or(LevelFilter::INFO),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lambda_s_level_wins_over_rust_log() {
        assert_eq!(level(Some("DEBUG"), Some("error")), LevelFilter::DEBUG);
        assert_eq!(level(None, Some("warn")), LevelFilter::WARN);
        assert_eq!(level(Some("TRACE"), None), LevelFilter::TRACE);
    }

    #[test]
    fn without_a_level_info_is_logged() {
        assert_eq!(level(None, None), LevelFilter::INFO);
    }

    #[test]
    fn fatal_logs_errors_and_an_unreadable_level_logs_info() {
        assert_eq!(level(Some("FATAL"), None), LevelFilter::ERROR);
        assert_eq!(level(Some("off"), None), LevelFilter::OFF);
        // Directives are the local runner's (EnvFilter); here they fall back to the default.
        assert_eq!(level(None, Some("portal=debug")), LevelFilter::INFO);
        assert_eq!(level(Some("loud"), Some("debug")), LevelFilter::INFO);
    }
}
