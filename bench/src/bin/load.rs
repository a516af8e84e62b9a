//! A loopback load generator for the form intake: wrk sends every request from one address,
//! and the intake allows 10 entries per address and 300 per form in ten minutes, so wrk
//! would measure the rate limit. This one spreads the posts over source addresses in
//! 127.0.0.0/8 and over several forms, within those limits, and stops after a fixed count.

use std::{
    net::{IpAddr, Ipv4Addr},
    sync::Arc,
    time::{Duration, Instant},
};

use clap::Parser;
use tokio::sync::Mutex;

#[derive(Parser)]
struct Args {
    /// The runner's address, `http://127.0.0.1:PORT`.
    #[arg(long)]
    base: String,
    /// Forms to post to (comma-separated ids), taken in turn.
    #[arg(long, value_delimiter = ',')]
    forms: Vec<String>,
    #[arg(long, default_value_t = 2000)]
    requests: usize,
    #[arg(long, default_value_t = 8)]
    connections: usize,
    /// Entries per source address (the intake's limit is 10 per window).
    #[arg(long, default_value_t = 8)]
    per_address: usize,
    /// Stop after this many seconds even if requests are left.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    #[arg(long, default_value = "form intake")]
    name: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(!args.forms.is_empty(), "--forms names no form");
    anyhow::ensure!(
        args.base.starts_with("http://127.") || args.base.starts_with("http://[::1]"),
        "loopback only"
    );
    let next = Arc::new(Mutex::new(0usize));
    let latencies = Arc::new(Mutex::new(Vec::with_capacity(args.requests)));
    let errors = Arc::new(Mutex::new(0usize));
    let started = Instant::now();
    let stop = started + Duration::from_secs(args.seconds);
    let mut tasks = Vec::new();
    let args = Arc::new(args);
    for _ in 0..args.connections {
        let (next, latencies, errors, args) = (
            next.clone(),
            latencies.clone(),
            errors.clone(),
            args.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut clients: Vec<(IpAddr, reqwest::Client)> = Vec::new();
            loop {
                let i = {
                    let mut n = next.lock().await;
                    if *n >= args.requests || Instant::now() > stop {
                        break;
                    }
                    *n += 1;
                    *n - 1
                };
                // Address 127.1.x.y for the i-th group of `per_address` posts.
                let group = i / args.per_address.max(1);
                let ip = IpAddr::V4(Ipv4Addr::new(127, 1, (group / 250) as u8, (group % 250 + 1) as u8));
                let client = match clients.iter().find(|(a, _)| *a == ip) {
                    Some((_, c)) => c.clone(),
                    None => {
                        let c = reqwest::Client::builder().no_proxy().local_address(ip).build().expect("a client");
                        clients.push((ip, c.clone()));
                        if clients.len() > 4 {
                            clients.remove(0);
                        }
                        c
                    }
                };
                let form = &args.forms[(i / 250) % args.forms.len()];
                let t = Instant::now();
                let answer = client
                    .post(format!("{}/f/{form}", args.base))
                    .header("accept", "application/json")
                    .form(&[("name", "Jonas Weber"), ("email", "jonas@example.com"), ("message", "Drei Roggenbrote bitte")])
                    .send()
                    .await;
                let ok = matches!(&answer, Ok(a) if a.status().is_success() || a.status().is_redirection());
                if let Ok(a) = answer {
                    let _ = a.bytes().await;
                }
                latencies.lock().await.push(t.elapsed().as_secs_f64() * 1e6);
                if !ok {
                    *errors.lock().await += 1;
                }
            }
        }));
    }
    for t in tasks {
        t.await?;
    }
    let seconds = started.elapsed().as_secs_f64();
    let mut l = latencies.lock().await.clone();
    l.sort_by(f64::total_cmp);
    let pick = |q: f64| {
        l.get(((q * l.len() as f64).ceil() as usize).clamp(1, l.len().max(1)) - 1)
            .copied()
            .unwrap_or(0.0)
    };
    println!(
        "{}",
        serde_json::json!({
            "name": args.name,
            "tool": "portal-bench load (spread over 127.1.x.y source addresses)",
            "connections": args.connections,
            "seconds": (seconds * 10.0).round() / 10.0,
            "requests": l.len(),
            "rps": l.len() as f64 / seconds,
            "p50_us": pick(0.5),
            "p99_us": pick(0.99),
            "errors": *errors.lock().await,
        })
    );
    Ok(())
}
