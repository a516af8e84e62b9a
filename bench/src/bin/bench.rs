//! The harness: measures every function template.yaml names (see infra/bench/run.sh, which
//! builds what this needs and is the one command to run).

use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use portal_bench::{report, run, scenario::Scenarios, template};

#[derive(Parser)]
struct Args {
    #[arg(long, default_value = "template.yaml")]
    template: PathBuf,
    /// Folder with each function's binary, named as template.yaml's `Binary`.
    #[arg(long)]
    bin_dir: PathBuf,
    /// The hello-world floor built with the same profile.
    #[arg(long)]
    floor: PathBuf,
    #[arg(long, default_value_t = 20)]
    starts: usize,
    /// Lambda memory sizes (comma-separated) whose CPU share to start the functions under
    /// too; empty for none.
    #[arg(long, default_value = "256,1024")]
    quotas: String,
    /// moto's server (`http://127.0.0.1:PORT`); without it only requests with no AWS call run.
    #[arg(long)]
    moto: Option<String>,
    /// `portal-admin`, which sets up the agency on moto.
    #[arg(long)]
    admin: Option<PathBuf>,
    #[arg(long, default_value = "bench/scenarios.json")]
    scenarios: PathBuf,
    #[arg(long, default_value = "bench")]
    out_dir: PathBuf,
    /// JSON files infra/bench/run.sh wrote: machine and commands, sizes, load, criterion.
    #[arg(long)]
    meta: Option<PathBuf>,
    #[arg(long)]
    sizes: Option<PathBuf>,
    #[arg(long)]
    load: Option<PathBuf>,
    #[arg(long)]
    criterion: Option<PathBuf>,
    #[arg(long, default_value_t = 50.0)]
    customers: f64,
    /// Only these functions (template.yaml's `Binary` names, comma-separated); all when
    /// absent.
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
}

fn read_json(path: &Option<PathBuf>) -> serde_json::Value {
    path.as_ref()
        .and_then(|p| std::fs::read_to_string(p).ok())
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let template = std::fs::read_to_string(&args.template)
        .with_context(|| format!("Failed to read {}", args.template.display()))?;
    let mut functions = template::functions(&template);
    if !args.only.is_empty() {
        functions.retain(|f| args.only.contains(&f.binary));
        anyhow::ensure!(
            !functions.is_empty(),
            "--only {}: no such function in {}",
            args.only.join(","),
            args.template.display()
        );
    }
    let scenarios: Scenarios = serde_json::from_str(
        &std::fs::read_to_string(&args.scenarios)
            .with_context(|| format!("Failed to read {}", args.scenarios.display()))?,
    )
    .with_context(|| format!("{} is not a valid scenarios file", args.scenarios.display()))?;
    eprintln!(
        "bench: {} functions in {}: {}",
        functions.len(),
        args.template.display(),
        functions
            .iter()
            .map(|f| f.binary.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let results = run::run(run::Settings {
        functions,
        binaries: args.bin_dir,
        floor: args.floor,
        starts: args.starts,
        quotas_mb: args
            .quotas
            .split(',')
            .filter(|q| !q.trim().is_empty())
            .map(|q| {
                q.trim()
                    .parse()
                    .with_context(|| format!("--quotas: {q} is not a size in MB"))
            })
            .collect::<anyhow::Result<_>>()?,
        moto: args.moto,
        admin: args.admin,
        scenarios,
    })
    .await?;
    let extras = report::Extras {
        meta: read_json(&args.meta),
        sizes: read_json(&args.sizes),
        load: read_json(&args.load),
        criterion: read_json(&args.criterion),
        customers: args.customers,
    };
    std::fs::create_dir_all(&args.out_dir)?;
    let json = serde_json::json!({
        "meta": extras.meta,
        "prices": portal_bench::cost::PRICES,
        "cold": results.cold,
        "routes": results.routes,
        "costs": results.routes.iter().filter(|r| !r.setup && r.error.is_none()).map(|r| portal_bench::cost::per_million(r, &portal_bench::cost::PRICES)).collect::<Vec<_>>(),
        "sizes": extras.sizes,
        "load": extras.load,
        "criterion": extras.criterion,
        "notes": results.notes,
    });
    std::fs::write(
        args.out_dir.join("results.json"),
        serde_json::to_string_pretty(&json)? + "\n",
    )?;
    std::fs::write(
        args.out_dir.join("REPORT.md"),
        report::markdown(&results, &extras),
    )?;
    let failed_starts = results.cold.iter().filter(|c| c.answer.is_none()).count();
    eprintln!(
        "bench: {} cold-start series ({} without an answer), {} routes; wrote {}/REPORT.md and results.json",
        results.cold.len(),
        failed_starts,
        results.routes.len(),
        args.out_dir.display()
    );
    // The harness proves itself: the floor must answer. Timings never fail it.
    if !results
        .cold
        .iter()
        .any(|c| c.binary == "floor" && c.answer.is_some())
    {
        anyhow::bail!("the floor never answered: the harness is broken");
    }
    Ok(())
}
