//! bench/REPORT.md: the figures side by side, each goal of issue 14 with whether this run
//! met it. Everything in it is also in results.json.

use std::fmt::Write;

use serde_json::Value;

use crate::{
    cost::{PRICES, per_million},
    run::{ColdResult, Results},
};

pub struct Extras {
    /// Machine, versions, date and the exact commands (written by infra/bench/run.sh).
    pub meta: Value,
    /// `{"arm64": {...}, "x86_64": {...}}` binary and zip sizes per function.
    pub sizes: Value,
    /// wrk's figures per target.
    pub load: Value,
    /// criterion's figures: `[{"name", "mean_ns", "median_ns"}]`.
    pub criterion: Value,
    pub customers: f64,
}

fn ms(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

fn mb(bytes: f64) -> String {
    format!("{:.2}", bytes / 1_000_000.0)
}

fn floor_of<'a>(results: &'a Results, cpu: &str) -> Option<&'a ColdResult> {
    results
        .cold
        .iter()
        .find(|c| c.binary == "floor" && c.cpu == cpu)
}

pub fn markdown(results: &Results, extras: &Extras) -> String {
    let mut out = String::new();
    let meta = &extras.meta;
    let _ = writeln!(out, "# Benchmarks (issue 14)\n");
    let _ = writeln!(
        out,
        "Written by `{}` on {}. Benchmarks measure; nothing here fails on a timing.\n",
        meta["command"].as_str().unwrap_or("infra/bench/run.sh"),
        meta["date"].as_str().unwrap_or("?")
    );
    let _ = writeln!(out, "| | |\n| --- | --- |");
    for (k, label) in [
        ("mode", "mode"),
        ("machine", "machine"),
        ("cpu", "processor"),
        ("kernel", "kernel"),
        ("rustc", "rustc"),
        ("cargo_lambda", "cargo-lambda"),
        ("moto", "moto"),
        ("wrk", "wrk"),
        ("commit", "commit"),
        ("profile", "function binaries"),
    ] {
        if let Some(v) = meta[k].as_str() {
            let _ = writeln!(out, "| {label} | {} |", v.replace('|', "/"));
        }
    }
    if let Some(commands) = meta["commands"].as_array() {
        let _ = writeln!(out, "\nCommands run, in order:\n\n```sh");
        for c in commands {
            let _ = writeln!(out, "{}", c.as_str().unwrap_or_default());
        }
        let _ = writeln!(out, "```");
    }

    // Cold starts.
    let _ = writeln!(out, "\n## Cold starts\n");
    let _ = writeln!(
        out,
        "Exec to the function's answer through the harness's Runtime API (`bench/src/runtime.rs`), one invocation queued before exec; \"init\" is exec to the first `GET /invocation/next`. Ratio: median over the floor's median under the same CPU. Peak RSS: VmHWM after the answer. Under a quota the process is pinned to one core with a cgroup CPU quota of (memory / 1,769 MB) of it per 100 ms period.\n"
    );
    let cpus: Vec<String> = {
        let mut v: Vec<String> = Vec::new();
        for c in &results.cold {
            if !v.contains(&c.cpu) {
                v.push(c.cpu.clone());
            }
        }
        v
    };
    for cpu in &cpus {
        let floor = floor_of(results, cpu)
            .and_then(|f| f.answer.as_ref())
            .map(|a| a.median_ms);
        let _ = writeln!(out, "### CPU: {cpu}\n");
        let _ = writeln!(
            out,
            "| function | request | starts | median ms | p95 ms | × floor | init ms | AWS wait ms | peak RSS MB | answers | AWS calls |"
        );
        let _ = writeln!(
            out,
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
        );
        for c in results.cold.iter().filter(|c| &c.cpu == cpu) {
            let (n, med, p95) = c
                .answer
                .as_ref()
                .map_or(("0".into(), "–".into(), "–".into()), |a| {
                    (a.n.to_string(), ms(a.median_ms), ms(a.p95_ms))
                });
            let ratio = match (c.answer.as_ref(), floor) {
                (Some(a), Some(f)) if f > 0.0 => format!("{:.2}", a.median_ms / f),
                _ => "–".into(),
            };
            let init = c
                .first_poll
                .as_ref()
                .map_or("–".into(), |p| ms(p.median_ms));
            let wait = c.aws_wait_median_ms.map_or("–".into(), ms);
            let rss = c
                .peak_rss_kib
                .map_or("–".into(), |k| format!("{:.1}", k as f64 / 1024.0));
            let statuses: Vec<String> =
                c.statuses.iter().map(|(s, n)| format!("{s}×{n}")).collect();
            let calls = if c.aws_calls.is_empty() {
                "none".to_owned()
            } else {
                c.aws_calls.join(", ")
            };
            let err = c
                .error
                .as_ref()
                .map(|e| {
                    format!(
                        " **{}**",
                        e.replace('|', "/").chars().take(200).collect::<String>()
                    )
                })
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "| {} | {} | {n} | {med} | {p95} | {ratio} | {init} | {wait} | {rss} | {}{err} | {calls} |",
                c.binary,
                c.label.replace('|', "/"),
                statuses.join(" ")
            );
        }
        let _ = writeln!(out);
    }

    // Goals.
    let _ = writeln!(out, "## The goals of issue 14, as this run measured them\n");
    let _ = writeln!(
        out,
        "| goal | function | figure | met |\n| --- | --- | --- | --- |"
    );
    for c in results
        .cold
        .iter()
        .filter(|c| c.cpu == "machine" && c.binary != "floor")
    {
        let Some(floor) = floor_of(results, "machine")
            .and_then(|f| f.answer.as_ref())
            .map(|a| a.median_ms)
        else {
            break;
        };
        let Some(a) = &c.answer else { continue };
        if c.request == "no-aws" {
            let ratio = a.median_ms / floor;
            let _ = writeln!(
                out,
                "| cold start, no AWS call ≤ 1.5× floor | {} | {:.2}× ({} ms vs {} ms) | {} |",
                c.binary,
                ratio,
                ms(a.median_ms),
                ms(floor),
                if ratio <= 1.5 { "yes" } else { "**no**" }
            );
        } else {
            let wait = c.aws_wait_median_ms.unwrap_or(0.0);
            let budget = floor + wait + 3.0;
            // Each start's own time outside its wait, when known: moto's time varies from
            // start to start, and the medians of answer and wait need not be the same start's.
            let outside = c.outside_aws_median_ms;
            let met = match outside {
                Some(outside) => outside <= floor + 3.0,
                None => a.median_ms <= budget,
            };
            let _ = writeln!(
                out,
                "| cold start with AWS calls ≤ floor + calls' time + 3 ms | {} | {} ms vs {} ms ({} ms floor + {} ms waiting on moto + 3){} | {} |",
                c.binary,
                ms(a.median_ms),
                ms(budget),
                ms(floor),
                ms(wait),
                outside.map_or(String::new(), |o| format!(
                    "; outside the wait {} ms per start vs {} ms",
                    ms(o),
                    ms(floor + 3.0)
                )),
                if met { "yes" } else { "**no**" }
            );
        }
    }
    if let Some(arm) = extras.sizes["arm64"].as_object() {
        for (name, s) in arm {
            if let Some(zip) = s["zip_bytes"].as_f64() {
                let _ = writeln!(
                    out,
                    "| zip ≤ 4 MB (arm64) | {name} | {} MB | {} |",
                    mb(zip),
                    if zip <= 4_000_000.0 { "yes" } else { "**no**" }
                );
            }
        }
    }
    for r in results
        .routes
        .iter()
        .filter(|r| !r.setup && r.error.is_none())
    {
        if let Some(min) = r.minimum_round_trips {
            let _ = writeln!(
                out,
                "| round trips at the minimum | {} | {} vs {} | {} |",
                r.route,
                r.round_trips,
                min,
                if r.round_trips <= min {
                    "yes"
                } else {
                    "**no**"
                }
            );
        }
    }
    if let Some(benches) = extras.criterion.as_array() {
        let hash = benches
            .iter()
            .find(|b| b["name"].as_str().is_some_and(|n| n.contains("argon2id")))
            .and_then(|b| b["median_ns"].as_f64());
        for b in benches {
            let (Some(name), Some(median)) = (b["name"].as_str(), b["median_ns"].as_f64()) else {
                continue;
            };
            if name.contains("argon2id") {
                continue;
            }
            if name.contains("login") || name.contains("set password") {
                if let Some(h) = hash {
                    let _ = writeln!(
                        out,
                        "| login / set password ≤ 1.1× one hash | {name} | {:.2}× ({:.1} ms vs {:.1} ms) | {} |",
                        median / h,
                        median / 1e6,
                        h / 1e6,
                        if median <= 1.1 * h { "yes" } else { "**no**" }
                    );
                }
            } else {
                let _ = writeln!(
                    out,
                    "| warm CPU ≤ 1 ms | {name} | {:.3} ms | {} |",
                    median / 1e6,
                    if median <= 1e6 { "yes" } else { "**no**" }
                );
            }
        }
    }

    // Sizes.
    let _ = writeln!(out, "\n## Sizes\n");
    for arch in ["arm64", "x86_64"] {
        if let Some(s) = extras.sizes[arch].as_object() {
            let how = extras.sizes[format!("{arch}_how")].as_str().unwrap_or("");
            let _ = writeln!(
                out,
                "{arch} ({how}):\n\n| function | binary MB | zip MB |\n| --- | --- | --- |"
            );
            for (name, v) in s {
                let _ = writeln!(
                    out,
                    "| {name} | {} | {} |",
                    v["binary_bytes"].as_f64().map_or("–".into(), mb),
                    v["zip_bytes"].as_f64().map_or("–".into(), mb)
                );
            }
            let _ = writeln!(out);
        }
    }
    if let Some(note) = extras.sizes["note"].as_str() {
        let _ = writeln!(out, "{note}\n");
    }

    // Warm routes and AWS calls.
    let _ = writeln!(out, "## AWS calls per request (warm, against moto)\n");
    let _ = writeln!(
        out,
        "Counted by the proxy between the function and moto (`bench/src/proxy.rs`). Round trips: calls made one after another (overlapping calls count once). Warm: harness to answer, moto's time included.\n"
    );
    let _ = writeln!(
        out,
        "| step | route | status | warm ms | round trips | minimum | calls | after the answer | RCU / WCU |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    );
    for r in &results.routes {
        let mut warm = r.warm_ms.clone();
        warm.sort_by(f64::total_cmp);
        let med = warm.get(warm.len() / 2).map_or("–".into(), |m| ms(*m));
        let status = match (&r.error, r.status) {
            (Some(e), _) => format!(
                "**{}**",
                e.replace('|', "/")
                    .replace('\n', " ")
                    .chars()
                    .take(160)
                    .collect::<String>()
            ),
            (None, Some(s)) => s.to_string(),
            (None, None) => "–".into(),
        };
        let min = match (&r.minimum_round_trips, &r.minimum_why) {
            (Some(m), Some(why)) => format!("{m}: {why}"),
            _ => "–".into(),
        };
        let _ = writeln!(
            out,
            "| {}{} | {} | {status} | {med} | {} | {min} | {} | {} | {} / {} |",
            r.step,
            if r.setup { " (set-up)" } else { "" },
            r.route,
            r.round_trips,
            if r.operations.is_empty() {
                "none".into()
            } else {
                r.operations.join(", ")
            },
            if r.after_answer.is_empty() {
                "–".into()
            } else {
                r.after_answer.join(", ")
            },
            r.read_units,
            r.write_units
        );
    }

    // Criterion.
    let _ = writeln!(
        out,
        "\n## Warm cost per request, embedded adapters (criterion)\n"
    );
    match extras.criterion.as_array() {
        Some(b) if !b.is_empty() => {
            let _ = writeln!(
                out,
                "Through each function's router with the in-memory SQLite store (`bench/benches/routes.rs`), release profile.\n\n| benchmark | median | mean |\n| --- | --- | --- |"
            );
            for x in b {
                let _ = writeln!(
                    out,
                    "| {} | {:.3} ms | {:.3} ms |",
                    x["name"].as_str().unwrap_or("?"),
                    x["median_ns"].as_f64().unwrap_or(0.0) / 1e6,
                    x["mean_ns"].as_f64().unwrap_or(0.0) / 1e6
                );
            }
        }
        _ => {
            let _ = writeln!(out, "Not run in this mode.");
        }
    }

    // Load.
    let _ = writeln!(out, "\n## Load: the local runner under wrk (loopback)\n");
    match extras.load.as_array() {
        Some(l) if !l.is_empty() => {
            let _ = writeln!(
                out,
                "| target | connections | seconds | requests | req/s | p50 ms | p99 ms | errors (non-2xx/3xx + socket) | runner max RSS MB |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
            );
            for x in l {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {:.0} | {:.2} | {:.2} | {} | {} |",
                    x["name"].as_str().unwrap_or("?"),
                    x["connections"],
                    x["seconds"],
                    x["requests"],
                    x["rps"].as_f64().unwrap_or(0.0),
                    x["p50_us"].as_f64().unwrap_or(0.0) / 1000.0,
                    x["p99_us"].as_f64().unwrap_or(0.0) / 1000.0,
                    x["errors"],
                    x["max_rss_mb"]
                );
            }
            if let Some(note) = extras.meta["load_note"].as_str() {
                let _ = writeln!(out, "\n{note}");
            }
        }
        _ => {
            let _ = writeln!(out, "Not run in this mode.");
        }
    }

    // Cost.
    let _ = writeln!(out, "\n## Cost\n");
    let _ = writeln!(
        out,
        "Price inputs (us-east-1, on-demand list prices; free tiers left out): Lambda arm64 ${}/GB-s and ${}/1M requests; HTTP API ${}/1M; DynamoDB ${}/1M read units, ${}/1M write units (a transaction's item 2 units; reads 1 unit per 4 KB consistent, half eventually; writes 1 per KB); SES ${}/1,000 emails; SNS SMS ${}/message (varies by country); S3 ${}/1,000 writes, ${}/1,000 reads. Billed duration: the warm time minus moto's, plus {} ms per sequential AWS round trip, rounded up to 1 ms, at the memory size in template.yaml; cold starts are added for the month below.\n",
        PRICES.lambda_arm64_gb_second,
        PRICES.lambda_per_million_requests,
        PRICES.http_api_per_million_requests,
        PRICES.dynamodb_per_million_read_units,
        PRICES.dynamodb_per_million_write_units,
        PRICES.ses_per_thousand_emails,
        PRICES.sns_sms_per_message,
        PRICES.s3_per_thousand_writes,
        PRICES.s3_per_thousand_reads,
        PRICES.aws_round_trip_ms
    );
    let _ = writeln!(
        out,
        "| route | billed ms | Lambda $ | requests $ | DynamoDB $ | SES/SNS $ | S3 $ | per 1M requests $ | per customer a month |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    );
    let mut month = 0.0;
    let mut month_requests = 0.0;
    for r in results
        .routes
        .iter()
        .filter(|r| !r.setup && r.error.is_none())
    {
        let c = per_million(r, &PRICES);
        let _ = writeln!(
            out,
            "| {} ({}) | {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | **{:.2}** | {} |",
            c.route,
            c.step,
            c.billed_ms,
            c.lambda,
            c.requests,
            c.dynamodb,
            c.messages,
            c.s3,
            c.total,
            c.per_customer_month.map_or("–".into(), |n| n.to_string())
        );
        if let Some(n) = c.per_customer_month {
            let count = n * extras.customers;
            month += count * c.total / 1e6;
            month_requests += count;
        }
    }
    // Few requests a month means most of them start cold: bill each one's init as well.
    let cold_extra: f64 = {
        let mut inits = Vec::new();
        for c in results
            .cold
            .iter()
            .filter(|c| c.cpu == "machine" && c.binary != "floor" && c.request == "aws")
        {
            if let (Some(a), Some(m)) = (&c.answer, c.memory_mb) {
                inits.push(
                    a.median_ms / 1000.0 * f64::from(m) / 1024.0 * PRICES.lambda_arm64_gb_second,
                );
            }
        }
        if inits.is_empty() {
            0.0
        } else {
            inits.iter().sum::<f64>() / inits.len() as f64 * month_requests
        }
    };
    let _ = writeln!(
        out,
        "\nA month for an agency with {} customers (the \"per customer a month\" column is the assumption; every request counted as a cold start too, as that little traffic mostly is): {:.0} requests, **${:.4}** warm, **${:.4}** with every request's cold start billed; storage (DynamoDB, S3, CloudWatch logs) and free tiers left out.",
        extras.customers,
        month_requests,
        month,
        month + cold_extra
    );

    if !results.notes.is_empty() {
        let _ = writeln!(out, "\n## Notes from the run\n");
        for n in &results.notes {
            let _ = writeln!(out, "- {}", n.replace('\n', " "));
        }
    }
    out
}
