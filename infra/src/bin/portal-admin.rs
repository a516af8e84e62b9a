//! Operator commands: tenants and their API keys, against the embedded store or DynamoDB.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use portal::domain::{ApiKeyId, NewStaff, NewTenant, StaffId, TenantId};
use portal_infra::{Backend, admin};

#[derive(Parser)]
#[command(about = "Manage portal tenants, their API keys and staff users")]
struct Args {
    /// The embedded store's data directory (the default backend).
    #[arg(
        long,
        env = "PORTAL_DATA_DIR",
        default_value = ".portal-data",
        global = true
    )]
    data_dir: PathBuf,
    /// Use this DynamoDB table instead of the embedded store.
    #[arg(long, env = "TABLE_NAME", global = true)]
    table: Option<String>,
    /// DynamoDB endpoint (moto's server); without it, AWS with the usual credentials.
    #[arg(long, env = "AWS_ENDPOINT_URL", global = true)]
    endpoint_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Agencies.
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Staff API keys of an agency.
    #[command(subcommand, name = "api-key")]
    ApiKey(ApiKeyCommand),
    /// Staff users of an agency: people who log in with a password.
    #[command(subcommand)]
    Staff(StaffCommand),
}

#[derive(Subcommand)]
enum StaffCommand {
    /// Add a staff user and email them a link to set their password (the link is printed
    /// too, to pass on by hand).
    Invite {
        #[arg(long)]
        tenant: TenantId,
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        /// de, en, fr, es, nl or sv; the agency's default language when left out.
        #[arg(long)]
        language: Option<String>,
    },
    /// Send a new invitation to a staff user who has not set a password yet.
    InviteAgain {
        #[arg(long)]
        tenant: TenantId,
        #[arg(long)]
        staff_id: StaffId,
    },
    /// List an agency's staff users.
    List {
        #[arg(long)]
        tenant: TenantId,
    },
}

#[derive(Subcommand)]
enum TenantCommand {
    /// Create an agency.
    Create {
        #[arg(long)]
        name: String,
        /// The white-label address customers open the portal at (https://...).
        #[arg(long)]
        portal_url: String,
        /// The address invitations are sent from.
        #[arg(long)]
        sender: String,
        /// de, en, fr, es, nl or sv.
        #[arg(long, default_value = "en")]
        language: String,
        /// starter, professional or enterprise.
        #[arg(long, default_value = "starter")]
        tier: String,
    },
    /// List agencies.
    List,
}

#[derive(Subcommand)]
enum ApiKeyCommand {
    /// Create a key; its secret is printed once and never stored.
    Create {
        #[arg(long)]
        tenant: TenantId,
        #[arg(long, default_value = "API key")]
        label: String,
    },
    /// List an agency's keys (without secrets).
    List {
        #[arg(long)]
        tenant: TenantId,
    },
    /// Revoke a key: requests with it get 401 from then on.
    Revoke {
        #[arg(long)]
        tenant: TenantId,
        #[arg(long)]
        key_id: ApiKeyId,
    },
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run(Args::parse()).await {
        Ok(output) => {
            println!(
                "{}",
                serde_json::to_string_pretty(&output).unwrap_or_default()
            );
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("portal-admin: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> anyhow::Result<serde_json::Value> {
    let backend = match args.table {
        Some(table) => Backend::Aws {
            table,
            endpoint: args.endpoint_url,
        },
        None => Backend::Embedded {
            data_dir: args.data_dir,
        },
    };
    if let Command::Staff(command) = args.command {
        return staff(&backend, command).await;
    }
    let store = backend.open_store().await?;
    let store = store.as_ref();
    Ok(match args.command {
        Command::Tenant(TenantCommand::Create { name, portal_url, sender, language, tier }) => {
            let input = NewTenant {
                name,
                portal_base_url: portal_url,
                sender_email: sender,
                default_language: language,
                tier,
            };
            serde_json::to_value(admin::create_tenant(store, &input).await?)?
        }
        Command::Tenant(TenantCommand::List) => serde_json::to_value(store.list_tenants().await?)?,
        Command::ApiKey(ApiKeyCommand::Create { tenant, label }) => {
            let (record, secret) = admin::create_api_key(store, tenant, &label).await?;
            eprintln!("Store this key now: it is shown only once.");
            serde_json::json!({ "id": record.id, "tenantId": record.tenant_id, "label": record.label, "key": secret.expose() })
        }
        Command::ApiKey(ApiKeyCommand::List { tenant }) => serde_json::to_value(
            store
                .list_api_keys(tenant)
                .await?
                .into_iter()
                .map(|k| serde_json::json!({"id": k.id, "label": k.label, "prefix": k.prefix, "createdAt": k.created_at, "revokedAt": k.revoked_at}))
                .collect::<Vec<_>>(),
        )?,
        Command::ApiKey(ApiKeyCommand::Revoke { tenant, key_id }) => {
            serde_json::to_value(admin::revoke_api_key(store, tenant, key_id).await?)?
        }
        Command::Staff(_) => unreachable!("handled above"),
    })
}

async fn staff(backend: &Backend, command: StaffCommand) -> anyhow::Result<serde_json::Value> {
    let services = backend.open_with(false).await?;
    let invited = match command {
        StaffCommand::Invite {
            tenant,
            name,
            email,
            language,
        } => {
            let input = NewStaff {
                name: Some(name),
                email: Some(email),
                language,
            };
            admin::invite_staff(services.store, services.mailer.as_ref(), tenant, &input).await?
        }
        StaffCommand::InviteAgain { tenant, staff_id } => {
            admin::reinvite_staff(services.store, services.mailer.as_ref(), tenant, staff_id)
                .await?
        }
        StaffCommand::List { tenant } => {
            return Ok(serde_json::to_value(
                services.store.list_staff(tenant).await?,
            )?);
        }
    };
    match backend {
        Backend::Embedded { data_dir } => eprintln!(
            "Invitation sent to {} (kept in {}).",
            invited.member.email,
            data_dir.join("outbox").display()
        ),
        Backend::Aws { .. } => eprintln!("Invitation sent to {}.", invited.member.email),
    }
    Ok(serde_json::json!({
        "id": invited.member.id,
        "tenantId": invited.member.tenant_id,
        "name": invited.member.name,
        "email": invited.member.email,
        "language": invited.member.language,
        "invitationLink": invited.url,
        "invitationExpiresAt": invited.member.invitation.as_ref().map(|i| i.expires_at),
    }))
}
