//! Runs the whole portal on one port: embedded storage by default, or DynamoDB on moto or AWS.

use std::{net::SocketAddr, path::PathBuf};

use anyhow::Context;
use clap::Parser;
use portal::aws::config;
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
    /// Let a browser front end on this origin call the API with its session cookie, as
    /// template.yaml's CorsAllowedOrigins does on AWS (repeatable, or comma-separated).
    #[arg(long, env = "PORTAL_CORS_ORIGINS", value_delimiter = ',')]
    cors_origin: Vec<String>,
    /// How long the first of a customer's new files waits for more before the one email
    /// naming them all goes out (five minutes, as in AWS; shorter to try it out).
    #[arg(long, env = "PORTAL_NOTICE_DELAY_SECS", default_value_t = 300)]
    notice_delay_secs: u64,
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
        Backend::Aws {
            table: args.table.clone(),
            endpoint: args.endpoint_url.clone(),
        }
    } else {
        Backend::Embedded {
            data_dir: args.data_dir.clone(),
        }
    };
    let mut services = backend.open().await?;
    let store = services.store.clone();
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| {
            format!(
                "Failed to listen on {} (is another portal running? try --addr 127.0.0.1:3001)",
                args.addr
            )
        })?;
    let base = format!("http://{}", listener.local_addr()?);
    if let Backend::Embedded { data_dir } = &backend {
        // The twin's links and upload forms point at this runner's own address.
        let files = portal::embedded::LocalFileStore::open(data_dir, url::Url::parse(&base)?)?;
        services = services.with_local_files(files);
    }
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
             curl -s {base}/customers/<id>/invitations -H \"Authorization: Bearer $KEY\" -H 'Content-Type: application/json' \\\n    \
             -d '{{\"channels\":[\"email\",\"sms\"],\"area\":\"files\"}}'\n{outbox}  \
             curl -s {base}/staff -H \"Authorization: Bearer $KEY\" -H 'Content-Type: application/json' \\\n    \
             -d '{{\"name\":\"Your Name\",\"email\":\"you@demo-agency.example\"}}'    # a staff login for you\n  \
             curl -s {base}/openapi.json\n",
            key = d.api_key,
            outbox = if services.outbox.is_some() {
                format!(
                    "  curl -s {base}/_local/outbox    # what was \"sent\"; links also print below\n"
                )
            } else {
                String::new()
            },
        );
    }
    if let Some(endpoint) = &args.endpoint_url {
        verify_senders_on_moto(store.as_ref(), endpoint).await?;
    }
    let mut router = app(&services);
    if !args.cors_origin.is_empty() {
        router = router.layer(portal_infra::app::cors(&args.cors_origin)?);
        println!(
            "Browser front ends allowed from: {}",
            args.cors_origin.join(", ")
        );
    }
    let _sweep = portal_infra::app::spawn_notice_sweep(
        &services,
        std::time::Duration::from_secs(args.notice_delay_secs),
    );
    let _retries = portal_infra::app::spawn_form_notification_sweep(&services);
    let _feedback_sweep = portal_infra::app::spawn_feedback_sweep(&services);
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .context("The server failed")
}

/// SES (and moto, like the SES sandbox) sends only from verified identities: verify each
/// agency's sender domain on the emulator so local invitations go out.
async fn verify_senders_on_moto(
    store: &dyn portal::ports::Store,
    endpoint: &str,
) -> anyhow::Result<()> {
    let ses = aws_sdk_sesv2::Client::new(&config::load(Some(endpoint)).await);
    for tenant in store.list_tenants().await? {
        let domain = tenant
            .sender_email
            .as_str()
            .rsplit('@')
            .next()
            .unwrap_or_default()
            .to_owned();
        let created = ses
            .create_email_identity()
            .email_identity(&domain)
            .send()
            .await;
        if let Err(e) = created
            && !e
                .as_service_error()
                .is_some_and(|e| e.is_already_exists_exception())
        {
            return Err(anyhow::Error::new(e)
                .context(format!("Failed to verify {domain} on the SES emulator")));
        }
    }
    Ok(())
}
