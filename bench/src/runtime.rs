//! A minimal Lambda Runtime API (the four routes a custom runtime uses), enough to start a
//! function's binary as Lambda does, hand it invocations one at a time and time its answers.
//!
//! Each process gets a server of its own on a free loopback port; a `next` poll beyond the
//! queued invocations waits until the process is killed, as a frozen Lambda sandbox would.

use std::{
    os::unix::process::CommandExt,
    path::Path,
    process::{Child, Command, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use axum::{
    Router,
    body::Bytes,
    extract::{Path as UrlPath, State},
    http::{HeaderMap, HeaderValue, StatusCode},
    response::IntoResponse,
    routing::{get, post},
};
use tokio::sync::{Mutex, mpsc};

/// What the function process did, with the time it did it.
#[derive(Debug)]
pub enum Event {
    /// Its first `GET /invocation/next`: everything before it is start-up.
    Polled(Instant),
    Answered {
        at: Instant,
        error: bool,
        body: Bytes,
    },
    InitError(Bytes),
}

#[derive(Default)]
struct Slot {
    invocations: Option<mpsc::UnboundedReceiver<(String, Bytes)>>,
    events: Option<mpsc::UnboundedSender<Event>>,
    polled: bool,
}

#[derive(Clone, Default)]
pub struct RuntimeApi {
    slot: Arc<Mutex<Slot>>,
    /// Held by the one `next` poll in progress, so the queue is read by one poll at a time.
    next: Arc<Mutex<()>>,
}

/// One running function process, fed through the Runtime API.
pub struct Process {
    pub child: Child,
    pub started: Instant,
    invocations: mpsc::UnboundedSender<(String, Bytes)>,
    events: mpsc::UnboundedReceiver<Event>,
    count: u64,
    pub first_poll: Option<Instant>,
    server: tokio::task::JoinHandle<()>,
}

/// Where the process runs: the whole machine, or a cgroup (v1) CPU quota pinned to one core.
#[derive(Debug, Clone)]
pub enum Cpu {
    Machine,
    Quota { cgroup_procs: std::path::PathBuf },
}

impl RuntimeApi {
    /// Serves the API for one process on a port of its own in the background; returns the
    /// `host:port` to give it as `AWS_LAMBDA_RUNTIME_API`.
    async fn serve() -> anyhow::Result<(Self, String, tokio::task::JoinHandle<()>)> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let api = Self::default();
        let address = listener.local_addr()?.to_string();
        let app = Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route(
                "/2018-06-01/runtime/invocation/{id}/response",
                post(response),
            )
            .route("/2018-06-01/runtime/invocation/{id}/error", post(error))
            .route("/2018-06-01/runtime/init/error", post(init_error))
            .with_state(api.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok((api, address, server))
    }

    /// Starts `binary` with `env` (and the variables Lambda itself sets) and a first
    /// invocation already queued, so the clock runs from exec to its answer. Each process
    /// gets a Runtime API of its own, so warm processes of several functions can wait side
    /// by side.
    pub async fn start(
        binary: &Path,
        env: &[(String, String)],
        first: Bytes,
        cpu: &Cpu,
    ) -> anyhow::Result<Process> {
        let (api, runtime_api, server) = Self::serve().await?;
        let (invocations, invocations_rx) = mpsc::unbounded_channel();
        let (events_tx, events) = mpsc::unbounded_channel();
        {
            let mut slot = api.slot.lock().await;
            *slot = Slot {
                invocations: Some(invocations_rx),
                events: Some(events_tx),
                polled: false,
            };
        }
        invocations.send(("bench-0".to_owned(), first)).ok();
        let mut command = Command::new(binary);
        command
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("AWS_LAMBDA_RUNTIME_API", &runtime_api)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut procs = None;
        if let Cpu::Quota { cgroup_procs } = cpu {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(cgroup_procs)
                .with_context(|| format!("Failed to open {}", cgroup_procs.display()))?;
            let fd = std::os::fd::AsRawFd::as_raw_fd(&file);
            procs = Some(file);
            // Between fork and exec only async-signal-safe calls: write(2) of "0" moves the
            // calling process into the cgroup, sched_setaffinity pins it to core 0, as
            // infra/bench/hash-memory.sh does with `taskset -c 0`.
            unsafe {
                command.pre_exec(move || {
                    if libc::write(fd, b"0".as_ptr().cast(), 1) != 1 {
                        return Err(std::io::Error::last_os_error());
                    }
                    let mut set: libc::cpu_set_t = std::mem::zeroed();
                    libc::CPU_SET(0, &mut set);
                    if libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) != 0
                    {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
        }
        let started = Instant::now();
        let child = command.spawn();
        drop(procs);
        let child = match child {
            Ok(child) => child,
            Err(e) => {
                server.abort();
                return Err(e).with_context(|| format!("Failed to start {}", binary.display()));
            }
        };
        Ok(Process {
            child,
            started,
            invocations,
            events,
            count: 1,
            first_poll: None,
            server,
        })
    }
}

/// How one invocation went.
#[derive(Debug, Clone)]
pub struct Answer {
    /// From exec (for the first invocation) or from queueing (later ones) to the answer.
    pub elapsed: Duration,
    pub error: bool,
    pub body: Bytes,
}

impl Answer {
    /// The HTTP status of an API Gateway (v2) answer, if it is one.
    pub fn status(&self) -> Option<u16> {
        let value: serde_json::Value = serde_json::from_slice(&self.body).ok()?;
        value["statusCode"].as_u64().map(|s| s as u16)
    }

    /// The HTTP body of an API Gateway (v2) answer as text.
    pub fn text(&self) -> String {
        let value: serde_json::Value = serde_json::from_slice(&self.body).unwrap_or_default();
        let body = value["body"].as_str().unwrap_or_default();
        if value["isBase64Encoded"].as_bool() == Some(true) {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD
                .decode(body)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default()
        } else {
            body.to_owned()
        }
    }

    /// The headers of an API Gateway (v2) answer, as JSON.
    pub fn headers(&self) -> serde_json::Value {
        let value: serde_json::Value = serde_json::from_slice(&self.body).unwrap_or_default();
        value["headers"].clone()
    }
}

impl Process {
    /// Waits for the answer to the invocation queued last, measured from `since`.
    pub async fn answer(&mut self, since: Instant, limit: Duration) -> anyhow::Result<Answer> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let event = tokio::time::timeout_at(deadline, self.events.recv()).await;
            match event {
                Err(_) => {
                    let exited = self.child.try_wait().ok().flatten();
                    bail!("no answer within {limit:?} (process exited: {exited:?})")
                }
                Ok(None) => bail!("the runtime API stopped"),
                Ok(Some(Event::Polled(at))) => {
                    self.first_poll.get_or_insert(at);
                }
                Ok(Some(Event::InitError(body))) => {
                    bail!("init error: {}", String::from_utf8_lossy(&body))
                }
                Ok(Some(Event::Answered { at, error, body })) => {
                    return Ok(Answer {
                        elapsed: at.saturating_duration_since(since),
                        error,
                        body,
                    });
                }
            }
        }
    }

    /// Queues another invocation (a warm one) and waits for its answer.
    pub async fn invoke(&mut self, event: Bytes, limit: Duration) -> anyhow::Result<Answer> {
        let id = format!("bench-{}", self.count);
        self.count += 1;
        let since = Instant::now();
        self.invocations
            .send((id, event))
            .map_err(|_| anyhow::anyhow!("the process is gone"))?;
        self.answer(since, limit).await
    }

    /// Peak resident memory so far (VmHWM), in KiB.
    pub fn peak_rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }

    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.server.abort();
    }
}

async fn next(State(api): State<RuntimeApi>) -> impl IntoResponse {
    // One poll at a time: the runtime polls again only after it answered.
    let _one_at_a_time = api.next.lock().await;
    let mut invocations = {
        let mut slot = api.slot.lock().await;
        if !slot.polled {
            slot.polled = true;
            if let Some(events) = &slot.events {
                events.send(Event::Polled(Instant::now())).ok();
            }
        }
        slot.invocations.take()
    };
    let next = match invocations.as_mut() {
        Some(receiver) => receiver.recv().await,
        None => None,
    };
    api.slot.lock().await.invocations = invocations;
    let Some((id, body)) = next else {
        // No more invocations: wait to be killed, as a frozen sandbox would.
        std::future::pending::<()>().await;
        unreachable!()
    };

    let mut headers = HeaderMap::new();
    headers.insert(
        "lambda-runtime-aws-request-id",
        HeaderValue::from_str(&id).unwrap_or(HeaderValue::from_static("bench")),
    );
    let deadline = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis()
        + 30_000;
    headers.insert(
        "lambda-runtime-deadline-ms",
        HeaderValue::from(deadline as u64),
    );
    headers.insert(
        "lambda-runtime-invoked-function-arn",
        HeaderValue::from_static("arn:aws:lambda:us-east-1:123456789012:function:bench"),
    );
    headers.insert(
        "lambda-runtime-trace-id",
        HeaderValue::from_static("Root=1-00000000-000000000000000000000000;Sampled=0"),
    );
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    (StatusCode::OK, headers, body)
}

async fn answered(api: &RuntimeApi, error: bool, body: Bytes) {
    let at = Instant::now();
    if let Some(events) = &api.slot.lock().await.events {
        events.send(Event::Answered { at, error, body }).ok();
    }
}

async fn response(
    State(api): State<RuntimeApi>,
    UrlPath(_id): UrlPath<String>,
    body: Bytes,
) -> StatusCode {
    answered(&api, false, body).await;
    StatusCode::ACCEPTED
}

async fn error(
    State(api): State<RuntimeApi>,
    UrlPath(_id): UrlPath<String>,
    body: Bytes,
) -> StatusCode {
    answered(&api, true, body).await;
    StatusCode::ACCEPTED
}

async fn init_error(State(api): State<RuntimeApi>, body: Bytes) -> StatusCode {
    if let Some(events) = &api.slot.lock().await.events {
        events.send(Event::InitError(body)).ok();
    }
    StatusCode::ACCEPTED
}
