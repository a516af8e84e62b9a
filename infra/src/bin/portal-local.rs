//! Runs the whole portal on one port: embedded storage by default, or DynamoDB on moto or AWS.

use std::{net::SocketAddr, path::PathBuf};

use anyhow::Context;
use clap::Parser;
use portal::AppState;
use portal_infra::{Backend, app, demo};

#[derive(Parser)]
#[command(about = "Run every portal function locally on one port")]
struct Args {
    /// Address to listen on.
    #[arg(long, env = "PORTAL_ADDR", default_value = "127.0.0.1:3000")]
    addr: SocketAddr,
    /// Where the embedded store (and the demo key) live.
    #[arg(long, env = "PORTAL_DATA_DIR", default_value = ".portal-data")]
    data_dir: PathBuf,
    /// Use DynamoDB at this endpoint (e.g. moto's server) instead of the embedded store;
    /// the table is created if missing.
    #[arg(long, env = "AWS_ENDPOINT_URL")]
    endpoint_url: Option<String>,
    /// Use DynamoDB on AWS with the usual credentials (the table must exist).
    #[arg(long)]
    aws: bool,
    /// The DynamoDB table, with --endpoint-url or --aws.
    #[arg(long, env = "TABLE_NAME", default_value = "portal-local")]
    table: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,aws_config=warn,aws_smithy_runtime=warn".into()),
        )
        .init();
    let args = Args::parse();
    let backend = if args.aws || args.endpoint_url.is_some() {
        Backend::DynamoDb {
            table: args.table.clone(),
            endpoint: args.endpoint_url.clone(),
        }
    } else {
        Backend::Embedded {
            data_dir: args.data_dir.clone(),
        }
    };
    let store = backend.open().await?;
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| {
            format!(
                "Failed to listen on {} (is another portal running? try --addr 127.0.0.1:3001)",
                args.addr
            )
        })?;
    let base = format!("http://{}", listener.local_addr()?);
    let demo = demo::ensure(store.as_ref(), &args.data_dir, &base).await?;

    println!(
        "Customer portal listening on {base} ({})",
        backend.describe()
    );
    match &demo {
        Some(d) if d.created => println!(
            "Created the demo agency \"{}\". Its API key (kept in {}):",
            d.tenant_name,
            args.data_dir.join(demo::KEY_FILE).display()
        ),
        Some(d) => println!("Demo agency \"{}\", API key:", d.tenant_name),
        None => println!(
            "Create an API key with: cargo run -p portal-infra --bin portal-admin -- api-key create --tenant <id>"
        ),
    }
    if let Some(d) = &demo {
        println!(
            "\n  export KEY={key}\n\nTry:\n  \
             curl -s {base}/customers -H \"Authorization: Bearer $KEY\" -H 'Content-Type: application/json' \\\n    \
             -d '{{\"companyName\":\"Bäckerei Schmidt\",\"loginEmail\":\"anna@baeckerei.example\",\"language\":\"de\",\"address\":{{\"city\":\"Berlin\",\"country\":\"DE\"}},\"mobile\":\"0151 23456789\"}}'\n  \
             curl -s {base}/customers -H \"Authorization: Bearer $KEY\"\n  \
             curl -s {base}/openapi.json\n",
            key = d.api_key
        );
    }
    axum::serve(listener, app(AppState::from_store(store)))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .context("The server failed")
}
