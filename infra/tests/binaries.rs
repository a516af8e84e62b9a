//! The two commands a new user runs: `portal-local` (first start, restart) and `portal-admin`.

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    time::Duration,
};

use serde_json::{Value, json};

struct Runner {
    child: Child,
    base: String,
    output: Vec<String>,
    /// What it printed after the banner (the outbox's announcements among it).
    later: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Drop for Runner {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts portal-local on a free port and reads its banner up to the first curl line.
fn start(data_dir: &std::path::Path, extra: &[&str]) -> Runner {
    let mut child = Command::new(env!("CARGO_BIN_EXE_portal-local"))
        .args(["--addr", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .args(extra)
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("PORTAL_ADDR")
        .env_remove("TABLE_NAME")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("portal-local starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut output = Vec::new();
    let mut base = None;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix("Customer portal listening on ") {
            base = rest.split_whitespace().next().map(str::to_owned);
        }
        let done = line.contains("/openapi.json");
        output.push(line);
        if done {
            break;
        }
    }
    let later = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = later.clone();
    std::thread::spawn(move || {
        lines
            .map_while(Result::ok)
            .for_each(|l| sink.lock().unwrap().push(l))
    });
    Runner {
        child,
        base: base.expect("a listening line"),
        output,
        later,
    }
}

fn printed_key(runner: &Runner) -> String {
    runner
        .output
        .iter()
        .find_map(|l| l.trim().strip_prefix("export KEY="))
        .expect("the banner prints the demo key")
        .to_owned()
}

async fn wait_healthy(base: &str) {
    for _ in 0..50 {
        if reqwest::get(format!("{base}/health"))
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{base} never became healthy");
}

#[tokio::test]
async fn the_first_start_creates_a_demo_agency_and_data_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let first = start(dir.path(), &[]);
    assert!(
        first
            .output
            .iter()
            .any(|l| l.contains("Created the demo agency")),
        "{:?}",
        first.output
    );
    let key = printed_key(&first);
    assert!(key.starts_with("ptk_"));
    assert!(first.output.iter().any(|l| l.contains("curl -s")));
    wait_healthy(&first.base).await;

    let http = reqwest::Client::new();
    let created: Value = http
        .post(format!("{}/customers", first.base))
        .bearer_auth(&key)
        .json(&json!({"companyName": "Survivor AB", "loginEmail": "kim@survivor.example", "language": "sv"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    drop(first);

    let second = start(dir.path(), &[]);
    assert!(
        !second
            .output
            .iter()
            .any(|l| l.contains("Created the demo agency")),
        "no second demo agency"
    );
    assert_eq!(printed_key(&second), key, "the demo key is shown again");
    wait_healthy(&second.base).await;
    let read: Value = http
        .get(format!(
            "{}/customers/{}",
            second.base,
            created["id"].as_str().unwrap()
        ))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(read, created);

    let invited = http
        .post(format!(
            "{}/customers/{}/invitations",
            second.base,
            created["id"].as_str().unwrap()
        ))
        .bearer_auth(&key)
        .json(&json!({"channels": ["email"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(invited.status(), 201);
    let outbox: Value = http
        .get(format!("{}/_local/outbox", second.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let email = &outbox["items"][0];
    assert_eq!(email["to"], "kim@survivor.example");
    assert!(
        email["subject"].as_str().unwrap().contains("Demo Agency"),
        "{email}"
    );
    let link_start = email["text"]
        .as_str()
        .unwrap()
        .find("/invite/")
        .expect("the invitation link");
    let link_token = &email["text"].as_str().unwrap()[link_start + 8..link_start + 8 + 43];
    tokio::time::sleep(Duration::from_millis(200)).await;
    let console = second.later.lock().unwrap().join("\n");
    assert!(
        console.contains(link_token),
        "the link is printed on the console: {console}"
    );
    assert!(
        std::fs::read_dir(dir.path().join("outbox"))
            .unwrap()
            .count()
            == 1,
        "and kept in the data directory"
    );
}

#[tokio::test]
async fn the_runner_can_use_dynamodb_on_moto() {
    let endpoint = std::env::var("MOTO_ENDPOINT").expect("MOTO_ENDPOINT is set by infra/test.sh");
    let dir = tempfile::tempdir().unwrap();
    let table = format!("portal-runner-{}", std::process::id());
    let runner = start(
        dir.path(),
        &["--endpoint-url", &endpoint, "--table", &table],
    );
    assert!(
        runner.output[0].contains(&format!("DynamoDB table {table}")),
        "{:?}",
        runner.output
    );
    wait_healthy(&runner.base).await;
    let response = reqwest::Client::new()
        .post(format!("{}/customers", runner.base))
        .bearer_auth(printed_key(&runner))
        .json(&json!({"companyName": "On moto"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
}

fn admin(args: &[&str], backend: &[&str]) -> (bool, Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_portal-admin"))
        .args(backend)
        .args(args)
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("TABLE_NAME")
        .output()
        .expect("portal-admin runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (
        out.status.success(),
        json,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn admin_manages_tenants_and_keys(backend: &[&str]) {
    let (ok, tenant, err) = admin(
        &[
            "tenant",
            "create",
            "--name",
            "Webagentur Berg",
            "--portal-url",
            "https://kunden.berg.example",
            "--sender",
            "portal@berg.example",
            "--language",
            "de",
            "--tier",
            "professional",
        ],
        backend,
    );
    assert!(ok, "{err}");
    let tenant_id = tenant["id"].as_str().unwrap().to_owned();
    assert_eq!(tenant["portalBaseUrl"], "https://kunden.berg.example");

    let (ok, _, err) = admin(
        &[
            "tenant",
            "create",
            "--name",
            "X",
            "--portal-url",
            "http://insecure.example",
            "--sender",
            "x",
        ],
        backend,
    );
    assert!(!ok);
    assert!(
        err.contains("portalBaseUrl") && err.contains("senderEmail"),
        "{err}"
    );

    let (ok, tenants, _) = admin(&["tenant", "list"], backend);
    assert!(ok);
    assert!(
        tenants
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == tenant_id.as_str())
    );

    let (ok, key, err) = admin(
        &[
            "api-key", "create", "--tenant", &tenant_id, "--label", "CRM",
        ],
        backend,
    );
    assert!(ok, "{err}");
    assert!(err.contains("shown only once"));
    assert!(key["key"].as_str().unwrap().starts_with("ptk_"));
    let key_id = key["id"].as_str().unwrap().to_owned();

    let (ok, keys, _) = admin(&["api-key", "list", "--tenant", &tenant_id], backend);
    assert!(ok);
    let listed = &keys.as_array().unwrap()[0];
    assert_eq!(
        (listed["id"].as_str(), listed["label"].as_str()),
        (Some(key_id.as_str()), Some("CRM"))
    );
    assert!(
        listed.get("key").is_none() && !keys.to_string().contains(key["key"].as_str().unwrap()),
        "no secret in listings"
    );

    let (ok, revoked, err) = admin(
        &[
            "api-key", "revoke", "--tenant", &tenant_id, "--key-id", &key_id,
        ],
        backend,
    );
    assert!(ok, "{err}");
    assert!(revoked["revokedAt"].is_string());

    let (ok, _, err) = admin(
        &[
            "api-key",
            "create",
            "--tenant",
            "01ARZ3NDEKTSV4RRFFQ69G5FAV",
        ],
        backend,
    );
    assert!(!ok);
    assert!(err.contains("no tenant"), "{err}");
}

#[test]
fn portal_admin_works_on_the_embedded_store() {
    let dir = tempfile::tempdir().unwrap();
    admin_manages_tenants_and_keys(&["--data-dir", dir.path().to_str().unwrap()]);
}

#[test]
fn portal_admin_works_on_dynamodb() {
    let endpoint = std::env::var("MOTO_ENDPOINT").expect("MOTO_ENDPOINT is set by infra/test.sh");
    let table = format!("portal-admin-{}", std::process::id());
    admin_manages_tenants_and_keys(&["--endpoint-url", &endpoint, "--table", &table]);
}

#[tokio::test]
async fn a_key_created_by_portal_admin_works_on_a_running_portal() {
    let dir = tempfile::tempdir().unwrap();
    let runner = start(dir.path(), &[]);
    wait_healthy(&runner.base).await;
    let backend = ["--data-dir", dir.path().to_str().unwrap()];
    let (_, tenants, _) = admin(&["tenant", "list"], &backend);
    let tenant_id = tenants[0]["id"].as_str().unwrap().to_owned();
    let (ok, key, err) = admin(&["api-key", "create", "--tenant", &tenant_id], &backend);
    assert!(ok, "{err}");
    let response = reqwest::Client::new()
        .get(format!("{}/customers", runner.base))
        .bearer_auth(key["key"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        200,
        "the runner sees what portal-admin wrote"
    );
}

#[tokio::test]
async fn a_staff_user_invited_by_portal_admin_works_on_a_running_portal() {
    let dir = tempfile::tempdir().unwrap();
    let runner = start(dir.path(), &[]);
    wait_healthy(&runner.base).await;
    let backend = ["--data-dir", dir.path().to_str().unwrap()];
    let (_, tenants, _) = admin(&["tenant", "list"], &backend);
    let tenant_id = tenants[0]["id"].as_str().unwrap().to_owned();
    let invite = [
        "staff",
        "invite",
        "--tenant",
        &tenant_id,
        "--name",
        "Jonas Berg",
        "--email",
        "jonas@berg.example",
    ];
    let (ok, invited, err) = admin(&invite, &backend);
    assert!(ok, "{err}");
    assert!(
        err.contains("Invitation sent to jonas@berg.example"),
        "{err}"
    );
    let link = invited["invitationLink"].as_str().unwrap();
    let token = &link[link.find("/invite/").unwrap() + "/invite/".len()..];
    let outbox = std::fs::read_dir(dir.path().join("outbox"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect::<Vec<_>>();
    assert!(
        outbox.iter().any(|m| m.contains(token)),
        "the email is in the outbox"
    );

    let client = reqwest::Client::new();
    let session: Value = client
        .post(format!("{}/invitations/accept", runner.base))
        .json(&serde_json::json!({"token": token, "password": "ein langer Satz als Passwort"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(session["role"], "staff", "{session}");
    let customers = client
        .get(format!("{}/customers", runner.base))
        .bearer_auth(session["sessionToken"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(customers.status(), 200, "a staff session works like a key");

    let (ok, _, err) = admin(&invite, &backend);
    assert!(!ok);
    assert!(err.contains("already the login email"), "{err}");
    let (ok, staff, _) = admin(&["staff", "list", "--tenant", &tenant_id], &backend);
    assert!(ok);
    assert_eq!(staff.as_array().unwrap().len(), 1);
    assert!(staff[0]["activatedAt"].is_string());
}
