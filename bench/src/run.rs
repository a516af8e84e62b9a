//! One run: set up the agency on moto, walk the scenario steps warm (counting AWS calls per
//! route), then cold-start every function and the floor, on the whole machine and under the
//! CPU quotas of Lambda memory sizes.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use axum::body::Bytes;
use serde::Serialize;
use serde_json::{Value, json};

use crate::{
    event::http_event,
    proxy::{Call, Proxy, sequential_round_trips},
    runtime::{Cpu, Process, RuntimeApi},
    scenario::{self, ColdRequests, Request, Scenarios, Step},
    stats::{Summary, summarize},
    template::Function,
};

/// A Lambda function gets one vCPU's worth of CPU at this memory size, and a share of it
/// below.
pub const FULL_CORE_MB: u32 = 1769;
const ANSWER_LIMIT: Duration = Duration::from_secs(20);

pub struct Settings {
    pub functions: Vec<Function>,
    pub binaries: PathBuf,
    pub floor: PathBuf,
    pub starts: usize,
    pub quotas_mb: Vec<u32>,
    pub moto: Option<String>,
    pub admin: Option<PathBuf>,
    pub scenarios: Scenarios,
}

#[derive(Debug, Serialize, Default)]
pub struct Results {
    pub routes: Vec<RouteResult>,
    pub cold: Vec<ColdResult>,
    pub notes: Vec<String>,
}

/// One step's warm request: its AWS calls and round trips.
#[derive(Debug, Serialize, Clone)]
pub struct RouteResult {
    pub step: String,
    pub function: String,
    pub route: String,
    pub status: Option<u16>,
    pub expected: Option<u16>,
    pub warm_ms: Vec<f64>,
    pub operations: Vec<String>,
    /// Calls the function made after it had answered.
    pub after_answer: Vec<String>,
    pub round_trips: usize,
    pub minimum_round_trips: Option<usize>,
    pub minimum_why: Option<String>,
    /// Time spent waiting on moto, to take out of the warm time.
    pub aws_wait_ms: f64,
    pub read_units: f64,
    pub write_units: f64,
    pub memory_mb: u32,
    pub setup: bool,
    pub per_customer_month: Option<f64>,
    pub error: Option<String>,
}

#[derive(Debug, Serialize, Clone)]
pub struct ColdResult {
    pub binary: String,
    pub memory_mb: Option<u32>,
    /// `no-aws` or `aws`.
    pub request: String,
    pub label: String,
    /// `machine` or the memory size whose CPU share the quota gave.
    pub cpu: String,
    pub answer: Option<Summary>,
    pub first_poll: Option<Summary>,
    pub peak_rss_kib: Option<u64>,
    pub statuses: BTreeMap<String, usize>,
    pub aws_calls: Vec<String>,
    pub aws_wait_median_ms: Option<f64>,
    /// Each start's answer less its own wait on AWS, then the median: the function's own
    /// time. The difference of the two medians moves with moto's time from start to start.
    pub outside_aws_median_ms: Option<f64>,
    pub error: Option<String>,
}

struct Harness {
    proxy: Option<Proxy>,
    /// moto itself, for set-up the functions' calls are not counted in.
    moto: Option<String>,
    endpoint: Option<String>,
    table: String,
    bucket: String,
    vars: BTreeMap<String, String>,
}

pub async fn run(settings: Settings) -> anyhow::Result<Results> {
    let mut results = Results::default();
    let unique = std::process::id();
    let mut harness = Harness {
        proxy: None,
        moto: settings.moto.clone(),
        endpoint: None,
        table: format!("portal-bench-{unique}"),
        bucket: format!("portal-bench-files-{unique}"),
        vars: BTreeMap::new(),
    };
    if let Some(moto) = &settings.moto {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let (proxy, address) = Proxy::serve(listener, moto).await?;
        harness.proxy = Some(proxy);
        harness.endpoint = Some(address);
        match set_up_agency(&harness, &settings, moto).await {
            Ok(vars) => harness.vars = vars,
            Err(e) => results
                .notes
                .push(format!("the agency could not be set up on moto, so no request against moto was measured: {e:#}")),
        }
    } else {
        results
            .notes
            .push("no moto endpoint: only requests with no AWS call were measured".into());
    }

    // Warm: every step in order, each function in one process, as a warm Lambda would be.
    let mut warm: BTreeMap<String, Process> = BTreeMap::new();
    let mut step_events: BTreeMap<String, (String, Bytes)> = BTreeMap::new();
    if !harness.vars.is_empty() {
        for step in &settings.scenarios.steps {
            if let Some(object) = &step.put_object {
                if let Err(e) = harness.put_object(object).await {
                    results.notes.push(format!("step \"{}\": {e:#}", step.name));
                }
                continue;
            }
            let Some(function) = settings
                .functions
                .iter()
                .find(|f| f.binary == step.function)
            else {
                results.notes.push(format!(
                    "step \"{}\": the function {} is not in template.yaml (not yet built?)",
                    step.name, step.function
                ));
                continue;
            };
            let result = harness
                .warm_step(&settings, function, step, &mut warm, &mut step_events)
                .await;
            results.routes.push(result);
        }
    }
    for (_, process) in warm {
        process.kill();
    }

    // Cold: the floor first, then each function, for each CPU setting.
    let mut cpus = vec![("machine".to_owned(), Cpu::Machine)];
    for mb in &settings.quotas_mb {
        match quota_cgroup(*mb) {
            Ok(procs) => cpus.push((
                format!("{mb} MB"),
                Cpu::Quota {
                    cgroup_procs: procs,
                },
            )),
            Err(e) => results.notes.push(format!(
                "cgroup CPU quota for {mb} MB unavailable, measured without it: {e:#}"
            )),
        }
    }
    for (cpu_name, cpu) in &cpus {
        let floor_event = http_event("GET", "/", &[], None, "$default");
        // The floor gets what Lambda sets, like every function, and nothing of the stack's.
        let floor = Function {
            resource: "floor".into(),
            binary: "floor".into(),
            memory_mb: 128,
            environment: BTreeMap::new(),
            routes: Vec::new(),
        };
        let floor_env = harness.environment(&floor);
        let r = harness
            .cold(
                &settings.floor,
                &floor_env,
                "floor",
                None,
                "no-aws",
                "GET / (hello)",
                floor_event.to_string().into(),
                cpu_name,
                cpu,
                settings.starts,
            )
            .await;
        results.cold.push(r);
        for function in &settings.functions {
            let binary = settings.binaries.join(&function.binary);
            if !binary.exists() {
                results.notes.push(format!(
                    "{}: no binary at {}",
                    function.binary,
                    binary.display()
                ));
                continue;
            }
            let env = harness.environment(function);
            let requests = settings.scenarios.cold.get(&function.binary).cloned();
            for kind in ["no-aws", "aws"] {
                if kind == "aws" && harness.vars.is_empty() {
                    continue;
                }
                let Some((label, event)) =
                    harness.cold_request(function, requests.as_ref(), kind, &step_events)
                else {
                    results.notes.push(format!(
                        "{}: no {kind} request to start it with",
                        function.binary
                    ));
                    continue;
                };
                let r = harness
                    .cold(
                        &binary,
                        &env,
                        &function.binary,
                        Some(function.memory_mb),
                        kind,
                        &label,
                        event,
                        cpu_name,
                        cpu,
                        settings.starts,
                    )
                    .await;
                results.cold.push(r);
            }
        }
    }
    for (_, cpu) in cpus {
        if let Cpu::Quota { cgroup_procs } = cpu
            && let Some(dir) = cgroup_procs.parent()
        {
            let _ = std::fs::remove_dir(dir);
        }
    }
    Ok(results)
}

/// A cgroup (v1) whose CPU quota is `mb`'s share of one core, as Lambda sizes CPU.
fn quota_cgroup(mb: u32) -> anyhow::Result<PathBuf> {
    let dir = PathBuf::from(format!(
        "/sys/fs/cgroup/cpu/portal-bench-{}-{mb}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).with_context(|| format!("Failed to create {}", dir.display()))?;
    std::fs::write(dir.join("cpu.cfs_period_us"), "100000")?;
    std::fs::write(
        dir.join("cpu.cfs_quota_us"),
        (100_000 * u64::from(mb) / u64::from(FULL_CORE_MB)).to_string(),
    )?;
    Ok(dir.join("cgroup.procs"))
}

/// Runs `args` and returns its standard output, failing with its error output.
fn command(program: &Path, args: &[&str], env: &[(&str, &str)]) -> anyhow::Result<String> {
    let output = std::process::Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .with_context(|| format!("Failed to run {}", program.display()))?;
    if !output.status.success() {
        bail!(
            "{} {}: {}",
            program.display(),
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// A tenant and an API key through `portal-admin` (which creates the table and bucket on
/// moto), and the sender's domain verified in SES.
async fn set_up_agency(
    harness: &Harness,
    settings: &Settings,
    moto: &str,
) -> anyhow::Result<BTreeMap<String, String>> {
    let admin = settings
        .admin
        .as_deref()
        .context("no portal-admin binary given")?;
    let env = [
        ("AWS_ACCESS_KEY_ID", "bench"),
        ("AWS_SECRET_ACCESS_KEY", "bench"),
        ("AWS_REGION", "us-east-1"),
        ("FILES_BUCKET", harness.bucket.as_str()),
        ("RUST_LOG", "warn"),
    ];
    let base = ["--table", harness.table.as_str(), "--endpoint-url", moto];
    let tenant = command(
        admin,
        &[
            &base[..],
            &[
                "tenant",
                "create",
                "--name",
                "Bench Agency",
                "--portal-url",
                "https://portal.bench.example",
                "--sender",
                "portal@bench.example",
            ],
        ]
        .concat(),
        &env,
    )?;
    let tenant: Value = serde_json::from_str(tenant.trim())
        .with_context(|| format!("tenant create printed {tenant}"))?;
    let tenant_id = tenant["id"]
        .as_str()
        .context("tenant create printed no id")?
        .to_owned();
    let key = command(
        admin,
        &[&base[..], &["api-key", "create", "--tenant", &tenant_id]].concat(),
        &env,
    )?;
    let key: Value = serde_json::from_str(key.trim())
        .with_context(|| format!("api-key create printed {key}"))?;
    let secret = key["secret"]
        .as_str()
        .or(key["key"].as_str())
        .context("api-key create printed no secret")?
        .to_owned();
    // SES refuses to send from an unverified identity; moto checks that much.
    let client = reqwest::Client::builder().no_proxy().build()?;
    client
        .post(moto)
        .header("Authorization", "AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/ses/aws4_request, SignedHeaders=host, Signature=0")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("Action=VerifyDomainIdentity&Domain=bench.example&Version=2010-12-01")
        .send()
        .await
        .context("Failed to verify the sender domain on moto")?
        .error_for_status()?;
    let mut vars = BTreeMap::new();
    vars.insert("tenantId".to_owned(), tenant_id);
    vars.insert("apiKey".to_owned(), secret);
    vars.insert("run".to_owned(), std::process::id().to_string());
    vars.insert("bucket".to_owned(), harness.bucket.clone());
    Ok(vars)
}

impl Harness {
    /// Puts `object` into the bucket on moto directly (not through the proxy: set-up, not a
    /// function's call). moto takes any signature; the credential names the service.
    async fn put_object(&self, object: &scenario::PutObject) -> anyhow::Result<()> {
        let moto = self
            .moto
            .as_deref()
            .context("no moto endpoint to put an object into")?;
        let key = scenario::fill(&object.key, &self.vars);
        if key.contains('{') {
            bail!("{key}: a variable no earlier step captured");
        }
        let path: Vec<String> = key
            .split('/')
            .map(|segment| {
                percent_encoding::utf8_percent_encode(segment, percent_encoding::NON_ALPHANUMERIC)
                    .to_string()
            })
            .collect();
        let url = format!("{moto}/{}/{}", self.bucket, path.join("/"));
        reqwest::Client::builder()
            .no_proxy()
            .build()?
            .put(&url)
            .header(
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0",
            )
            .header("Content-Type", &object.content_type)
            .body(object.bytes())
            .send()
            .await
            .with_context(|| format!("Failed to put {key} on moto"))?
            .error_for_status()
            .with_context(|| format!("moto refused to store {key}"))?;
        Ok(())
    }

    /// The function's environment: template.yaml's variables with the bench's table and
    /// bucket in place of CloudFormation expressions, and what Lambda sets itself.
    fn environment(&self, function: &Function) -> Vec<(String, String)> {
        let mut env: Vec<(String, String)> = function
            .environment
            .iter()
            .map(|(k, v)| {
                let value = match k.as_str() {
                    "TABLE_NAME" => self.table.clone(),
                    "FILES_BUCKET" => self.bucket.clone(),
                    _ if v.starts_with('!') => "off".to_owned(),
                    _ => v.clone(),
                };
                (k.clone(), value)
            })
            .collect();
        env.retain(|(k, _)| k != "RUST_LOG");
        env.extend(
            [
                ("RUST_LOG", "warn"),
                ("AWS_LAMBDA_FUNCTION_NAME", function.binary.as_str()),
                ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
                ("AWS_LAMBDA_LOG_STREAM_NAME", "bench"),
                ("AWS_LAMBDA_LOG_GROUP_NAME", "bench"),
                ("AWS_REGION", "us-east-1"),
                ("AWS_DEFAULT_REGION", "us-east-1"),
                ("AWS_ACCESS_KEY_ID", "bench"),
                ("AWS_SECRET_ACCESS_KEY", "bench"),
                ("AWS_SESSION_TOKEN", "bench"),
                ("LAMBDA_TASK_ROOT", "/var/task"),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned())),
        );
        env.push((
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE".into(),
            function.memory_mb.to_string(),
        ));
        // Without moto the functions still need somewhere to send calls they should not
        // make: a closed loopback port fails fast instead of reaching out.
        let endpoint = self
            .endpoint
            .clone()
            .unwrap_or_else(|| "http://127.0.0.1:9".into());
        env.push(("AWS_ENDPOINT_URL".into(), endpoint));
        env
    }

    fn event_for(&self, function: &Function, step: &Step, n: u32) -> anyhow::Result<Bytes> {
        let mut vars = self.vars.clone();
        vars.insert("n".into(), n.to_string());
        if let Some(event) = &step.event {
            return Ok(scenario::fill_value(event, &vars).to_string().into());
        }
        let path = scenario::fill(&step.path, &vars);
        if path.contains('{') {
            bail!("{path}: a variable no earlier step captured");
        }
        let mut headers: Vec<(String, String)> = step
            .headers
            .iter()
            .map(|(k, v)| (k.to_lowercase(), scenario::fill(v, &vars)))
            .collect();
        match step.auth.as_deref() {
            Some("key") => {
                headers.push(("authorization".into(), format!("Bearer {}", vars["apiKey"])))
            }
            Some("session") => headers.push((
                "authorization".into(),
                format!(
                    "Bearer {}",
                    vars.get("sessionToken").context("no session captured")?
                ),
            )),
            _ => {}
        }
        let body = if let Some(json) = &step.json {
            headers.push(("content-type".into(), "application/json".into()));
            Some(scenario::fill_value(json, &vars).to_string())
        } else if let Some(form) = &step.form {
            headers.push((
                "content-type".into(),
                "application/x-www-form-urlencoded".into(),
            ));
            Some(scenario::fill(form, &vars))
        } else {
            None
        };
        let route = scenario::route_key(&step.method, &path, &function.routes);
        Ok(
            http_event(&step.method, &path, &headers, body.as_deref(), &route)
                .to_string()
                .into(),
        )
    }

    async fn warm_step(
        &mut self,
        settings: &Settings,
        function: &Function,
        step: &Step,
        warm: &mut BTreeMap<String, Process>,
        step_events: &mut BTreeMap<String, (String, Bytes)>,
    ) -> RouteResult {
        let route = if step.event.is_some() {
            format!("{} event", step.function)
        } else {
            scenario::route_key(&step.method, &step.path, &function.routes)
        };
        let mut result = RouteResult {
            step: step.name.clone(),
            function: step.function.clone(),
            route,
            status: None,
            expected: step.expect,
            warm_ms: Vec::new(),
            operations: Vec::new(),
            after_answer: Vec::new(),
            round_trips: 0,
            minimum_round_trips: step.minimum.as_ref().map(|m| m.round_trips),
            minimum_why: step.minimum.as_ref().map(|m| m.why.clone()),
            aws_wait_ms: 0.0,
            read_units: 0.0,
            write_units: 0.0,
            memory_mb: function.memory_mb,
            setup: step.setup,
            per_customer_month: step.per_customer_month,
            error: None,
        };
        if !warm.contains_key(&function.binary) {
            let binary = settings.binaries.join(&function.binary);
            let env = self.environment(function);
            // A first request that needs nothing, so the steps run on a warm process.
            let wake =
                http_event("GET", "/bench-wake-up", &[], None, "GET /bench-wake-up").to_string();
            let wake = if function.routes.is_empty() {
                json!({"source": "bench.wake-up"}).to_string()
            } else {
                wake
            };
            match RuntimeApi::start(&binary, &env, wake.into(), &Cpu::Machine).await {
                Ok(mut process) => {
                    let started = process.started;
                    if let Err(e) = process.answer(started, ANSWER_LIMIT).await {
                        result.error = Some(format!("{} did not start: {e:#}", function.binary));
                        process.kill();
                        return result;
                    }
                    warm.insert(function.binary.clone(), process);
                }
                Err(e) => {
                    result.error = Some(format!("{e:#}"));
                    return result;
                }
            }
        }
        let process = warm.get_mut(&function.binary).expect("started above");
        let repeat = step.repeat.unwrap_or(1).max(1);
        for n in 0..repeat {
            let event = match self.event_for(function, step, n) {
                Ok(e) => e,
                Err(e) => {
                    result.error = Some(format!("{e:#}"));
                    return result;
                }
            };
            if n == 0 {
                step_events.insert(step.name.clone(), (result.route.clone(), event.clone()));
            }
            if let Some(proxy) = &self.proxy {
                proxy.take();
            }
            let answer = match process.invoke(event, ANSWER_LIMIT).await {
                Ok(a) => a,
                Err(e) => {
                    result.error = Some(format!("{e:#}"));
                    return result;
                }
            };
            // Work a function leaves running after its answer (a spawned task) shows up late:
            // give it a moment, then keep it apart, since a Lambda sandbox is frozen once it
            // has answered and such work waits for the next invocation.
            let answered_at = Instant::now();
            tokio::time::sleep(Duration::from_millis(300)).await;
            let (calls, late): (Vec<Call>, Vec<Call>) = self
                .proxy
                .as_ref()
                .map(Proxy::take)
                .unwrap_or_default()
                .into_iter()
                .partition(|c| c.start < answered_at);
            result.warm_ms.push(answer.elapsed.as_secs_f64() * 1000.0);
            if n == 0 {
                result.status = if answer.error { None } else { answer.status() };
                if answer.error {
                    result.error = Some(format!(
                        "the function answered an error: {}",
                        String::from_utf8_lossy(&answer.body)
                    ));
                }
                result.operations = calls.iter().map(|c| c.operation.clone()).collect();
                result.after_answer = late.iter().map(|c| c.operation.clone()).collect();
                result.round_trips = sequential_round_trips(&calls);
                result.aws_wait_ms = busy_ms(&calls);
                result.read_units = calls.iter().chain(&late).map(|c| c.read_units).sum();
                result.write_units = calls.iter().chain(&late).map(|c| c.write_units).sum();
                if let Some(expect) = step.expect
                    && result.status != Some(expect)
                {
                    let text: String = answer.text().chars().take(300).collect();
                    result.error = Some(format!(
                        "expected {expect}, got {:?}: {text}",
                        result.status
                    ));
                }
                if step.event.is_none() {
                    let body: Value = serde_json::from_str(&answer.text()).unwrap_or_default();
                    let headers = answer.headers();
                    for (name, pointer) in &step.capture {
                        let found = scenario::capture_header(&headers, pointer)
                            .unwrap_or_else(|| scenario::capture(&body, pointer));
                        match found {
                            Some(v) => {
                                self.vars.insert(name.clone(), v);
                            }
                            None => {
                                result.error.get_or_insert_with(|| {
                                    format!("nothing at {pointer} to keep as {name}")
                                });
                            }
                        }
                    }
                }
            }
        }
        result
    }

    /// The request of a cold start of `kind`: the scenario's, else a generic one.
    fn cold_request(
        &self,
        function: &Function,
        requests: Option<&ColdRequests>,
        kind: &str,
        step_events: &BTreeMap<String, (String, Bytes)>,
    ) -> Option<(String, Bytes)> {
        let named = requests.and_then(|r| {
            if kind == "aws" {
                r.aws.clone()
            } else {
                r.no_aws.clone()
            }
        });
        match named {
            Some(Request::Step(name)) => step_events.get(&name).cloned(),
            Some(Request::Event { event, label }) => Some((label, event.to_string().into())),
            None => {
                if kind == "no-aws" {
                    // Any staff route refuses a request without credentials before reading
                    // anything.
                    let (method, path) = function.routes.iter().find(|(_, p)| !p.contains('{'))?;
                    let route = format!("{method} {path}");
                    Some((
                        format!("{route} without credentials"),
                        http_event(method, path, &[], None, &route)
                            .to_string()
                            .into(),
                    ))
                } else {
                    let (method, path) = function
                        .routes
                        .iter()
                        .find(|(m, p)| m == "GET" && !p.contains('{'))?;
                    let route = format!("{method} {path}");
                    let headers = [(
                        "authorization".to_owned(),
                        format!("Bearer {}", self.vars.get("apiKey")?),
                    )];
                    Some((
                        format!("{route} with the agency's key"),
                        http_event(method, path, &headers, None, &route)
                            .to_string()
                            .into(),
                    ))
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn cold(
        &self,
        binary: &Path,
        env: &[(String, String)],
        name: &str,
        memory_mb: Option<u32>,
        kind: &str,
        label: &str,
        event: Bytes,
        cpu_name: &str,
        cpu: &Cpu,
        starts: usize,
    ) -> ColdResult {
        let mut answers = Vec::new();
        let mut polls = Vec::new();
        let mut rss = None;
        let mut statuses = BTreeMap::new();
        let mut calls_seen = Vec::new();
        let mut waits = Vec::new();
        let mut outside = Vec::new();
        let mut error = None;
        for _ in 0..starts {
            if let Some(proxy) = &self.proxy {
                proxy.take();
            }
            let mut process = match RuntimeApi::start(binary, env, event.clone(), cpu).await {
                Ok(p) => p,
                Err(e) => {
                    error = Some(format!("{e:#}"));
                    break;
                }
            };
            let started = process.started;
            match process.answer(started, ANSWER_LIMIT).await {
                Ok(answer) => {
                    answers.push(answer.elapsed.as_secs_f64() * 1000.0);
                    if let Some(poll) = process.first_poll {
                        polls.push(poll.saturating_duration_since(started).as_secs_f64() * 1000.0);
                    }
                    let status = if answer.error {
                        "error".to_owned()
                    } else {
                        answer.status().map_or("?".into(), |s| s.to_string())
                    };
                    *statuses.entry(status).or_insert(0) += 1;
                    rss = rss.max(process.peak_rss_kib());
                }
                Err(e) => {
                    error = Some(format!("{e:#}"));
                    process.kill();
                    break;
                }
            }
            process.kill();
            let calls: Vec<Call> = self.proxy.as_ref().map(Proxy::take).unwrap_or_default();
            let wait = busy_ms(&calls);
            waits.push(wait);
            if let Some(answer) = answers.last()
                && !calls.is_empty()
            {
                outside.push(answer - wait);
            }
            if calls_seen.is_empty() {
                calls_seen = calls.iter().map(|c| c.operation.clone()).collect();
            }
        }
        let wait_summary = summarize(&waits);
        ColdResult {
            binary: name.to_owned(),
            memory_mb,
            request: kind.to_owned(),
            label: label.to_owned(),
            cpu: cpu_name.to_owned(),
            answer: summarize(&answers),
            first_poll: summarize(&polls),
            peak_rss_kib: rss,
            statuses,
            aws_calls: calls_seen,
            aws_wait_median_ms: wait_summary.map(|s| s.median_ms),
            outside_aws_median_ms: summarize(&outside).map(|s| s.median_ms),
            error,
        }
    }
}

/// How long at least one call was in flight: the request's time spent waiting on AWS.
fn busy_ms(calls: &[Call]) -> f64 {
    let mut spans: Vec<(Instant, Instant)> = calls.iter().map(|c| (c.start, c.end)).collect();
    spans.sort();
    let mut total = Duration::ZERO;
    let mut current: Option<(Instant, Instant)> = None;
    for (s, e) in spans {
        match current {
            Some((cs, ce)) if s <= ce => current = Some((cs, ce.max(e))),
            Some((cs, ce)) => {
                total += ce - cs;
                current = Some((s, e));
            }
            None => current = Some((s, e)),
        }
    }
    if let Some((cs, ce)) = current {
        total += ce - cs;
    }
    total.as_secs_f64() * 1000.0
}
