//! Test support: a moto server on loopback, one isolated AWS account per test
//! (moto keys state by account, and AssumeRole into any account id gives
//! credentials for it), seeding through boto3 scripts in `tests/seed/`, and
//! running the driftwatch binary against it.
//!
//! The server comes from `tests/with-moto.sh` (DRIFTWATCH_MOTO_ENDPOINT), or,
//! when run with plain `cargo test`, is started here from the venv that script
//! installs. Without either, tests fail loudly: they never skip.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

pub fn repo_root() -> PathBuf {
    // Read at run time: the compile-time value names whichever clone last
    // compiled this binary when clones share a target directory.
    PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo test sets CARGO_MANIFEST_DIR"),
    )
}

fn venv() -> PathBuf {
    std::env::var_os("DRIFTWATCH_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/driftwatch/venv")
        })
}

pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("DRIFTWATCH_PYTHON") {
        return PathBuf::from(p);
    }
    let p = venv().join("bin/python");
    assert!(
        p.exists(),
        "no Python with boto3 for seeding: run the tests through tests/with-moto.sh, which installs it"
    );
    p
}

/// Keeps a self-started moto alive for the life of the test process: the
/// shell wrapper kills moto when this pipe closes, i.e. when we exit.
static GUARD: Mutex<Option<Child>> = Mutex::new(None);

pub fn moto_endpoint() -> &'static str {
    static EP: OnceLock<String> = OnceLock::new();
    EP.get_or_init(|| {
        if let Ok(ep) = std::env::var("DRIFTWATCH_MOTO_ENDPOINT") {
            return ep;
        }
        let server = venv().join("bin/moto_server");
        assert!(
            server.exists(),
            "moto server not found at {}: run the tests as `tests/with-moto.sh cargo test` \
             (it installs moto from tests/requirements.txt) or set DRIFTWATCH_MOTO_ENDPOINT",
            server.display()
        );
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        // moto plus the EC2 account settings it lacks (see the script).
        let script = format!(
            "'{}' '{}' -H 127.0.0.1 -p {port} >/dev/null 2>&1 & p=$!; read _; kill $p",
            python().display(),
            repo_root().join("tests/moto_plus.py").display()
        );
        let child = Command::new("sh")
            .arg("-c")
            .arg(script)
            .stdin(Stdio::piped())
            .spawn()
            .expect("spawn moto server");
        *GUARD.lock().unwrap() = Some(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "moto server did not start on port {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        format!("http://127.0.0.1:{port}")
    })
}

/// One isolated account in moto.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: String,
    pub endpoint: String,
    pub access_key: String,
    pub secret_key: String,
    pub session_token: String,
}

static SEQ: AtomicU64 = AtomicU64::new(0);

impl Account {
    /// A fresh account with a unique id, and credentials for it.
    pub fn new() -> Account {
        let endpoint = moto_endpoint().to_string();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64;
        let mix = nanos
            ^ ((std::process::id() as u64) << 24)
            ^ (SEQ.fetch_add(1, Ordering::SeqCst) << 40);
        let id = format!("{:012}", 100_000_000_000 + mix % 800_000_000_000);
        let out = Command::new(python())
            .arg("-c")
            .arg(
                "import boto3,sys,json\n\
                 c=boto3.client('sts',endpoint_url=sys.argv[1],region_name='us-east-1',\
                 aws_access_key_id='testing',aws_secret_access_key='testing')\n\
                 r=c.assume_role(RoleArn='arn:aws:iam::'+sys.argv[2]+':role/driftwatch-test',\
                 RoleSessionName='driftwatch-test')['Credentials']\n\
                 print(json.dumps([r['AccessKeyId'],r['SecretAccessKey'],r['SessionToken']]))",
            )
            .arg(&endpoint)
            .arg(&id)
            .output()
            .expect("run python for AssumeRole");
        assert!(
            out.status.success(),
            "AssumeRole failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let creds: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
        Account {
            id,
            endpoint,
            access_key: creds[0].clone(),
            secret_key: creds[1].clone(),
            session_token: creds[2].clone(),
        }
    }

    /// Environment for any AWS client acting as this account; nothing from
    /// the developer's own AWS setup leaks in.
    pub fn apply_env(&self, cmd: &mut Command) {
        for (k, _) in std::env::vars() {
            if k.starts_with("AWS_") {
                cmd.env_remove(k);
            }
        }
        cmd.env("AWS_ACCESS_KEY_ID", &self.access_key)
            .env("AWS_SECRET_ACCESS_KEY", &self.secret_key)
            .env("AWS_SESSION_TOKEN", &self.session_token)
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env("AWS_EC2_METADATA_DISABLED", "true");
    }

    /// Runs `tests/seed/<script>` with this account's credentials; returns
    /// the JSON it prints (what it created).
    pub fn seed(&self, script: &str, args: &[&str]) -> serde_json::Value {
        let mut cmd = Command::new(python());
        cmd.arg(repo_root().join("tests/seed").join(script))
            .args(args);
        self.apply_env(&mut cmd);
        let out = cmd.output().expect("run seed script");
        assert!(
            out.status.success(),
            "seed {script} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "seed {script} printed no JSON ({e}): {}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }

    /// `driftwatch baseline save` into `path` for these regions; asserts success.
    pub fn save_baseline(&self, path: &Path, regions: &[&str]) {
        let out = run(self
            .driftwatch()
            .args(["baseline", "save", "--quiet", "--out"])
            .arg(path)
            .args(regions));
        assert_eq!(code(&out), 0, "baseline save: {}", stderr(&out));
    }

    /// Saves a baseline in `dir`, then (a second later, since CloudTrail
    /// times are whole seconds) runs the seed script that changes the
    /// account given what `planted` made and writes its CloudTrail records
    /// under `dir/ct`. Returns the baseline, the records' folder and what the
    /// script printed.
    pub fn change_after_baseline(
        &self,
        dir: &Path,
        regions: &[&str],
        script: &str,
        planted: &serde_json::Value,
    ) -> (PathBuf, PathBuf, serde_json::Value) {
        let base = dir.join("baseline.json");
        self.save_baseline(&base, regions);
        wait_past_baseline(&base);
        let logs = dir.join("ct");
        let did = self.seed(script, &[&planted.to_string(), logs.to_str().unwrap()]);
        (base, logs, did)
    }

    /// `driftwatch scan --no-checks` of these regions against `base`, with
    /// the CloudTrail records in `logs`; asserts it found changes (exit 1)
    /// and returns the JSON report.
    pub fn scan_with_trail(&self, base: &Path, logs: &Path, regions: &[&str]) -> serde_json::Value {
        let out = run(self
            .driftwatch()
            .args([
                "scan",
                "--no-checks",
                "--quiet",
                "--format",
                "json",
                "--cloudtrail",
            ])
            .arg(logs)
            .arg("--baseline")
            .arg(base)
            .args(regions));
        assert_eq!(code(&out), 1, "{}", stderr(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// `driftwatch check` of these regions with `[checks] known_accounts =
    /// ["444455556666"]` (the seeds' known account) and that account's
    /// Private CA in `trusted_cas` (policies.py): the sorted `[check,
    /// resource id]` pairs of the findings `keep` picks; asserts exit 1 and
    /// no warnings.
    pub fn findings(
        &self,
        dir: &Path,
        regions: &[&str],
        keep: impl Fn(&serde_json::Value) -> bool,
    ) -> Vec<serde_json::Value> {
        let report = self.check_report(dir, regions);
        let mut got: Vec<serde_json::Value> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| keep(f))
            .map(|f| serde_json::json!([f["check"], f["resource"]["id"]]))
            .collect();
        got.sort_by_key(|v| v.to_string());
        got
    }

    /// The JSON report of that `driftwatch check` (see [`Account::findings`]).
    pub fn check_report(&self, dir: &Path, regions: &[&str]) -> serde_json::Value {
        let cfg = dir.join("known-accounts.toml");
        std::fs::write(
            &cfg,
            "[checks]\nknown_accounts = [\"444455556666\"]\ntrusted_cas = \
             [\"arn:aws:acm-pca:us-east-1:444455556666:certificate-authority/known-ca\"]\n",
        )
        .unwrap();
        let out = run(self
            .driftwatch()
            .args(["check", "--quiet", "--format", "json", "--config"])
            .arg(&cfg)
            .args(regions));
        assert_eq!(code(&out), 1, "{}", stderr(&out));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["warnings"], serde_json::json!([]));
        report
    }

    /// Asserts every change a change script lists is attributed to its
    /// actor, mallory, and unauthorized.
    pub fn assert_mallory_did(&self, report: &serde_json::Value, did: &serde_json::Value) {
        for id in did["changed"].as_array().unwrap() {
            let c = change_for(report, id.as_str().unwrap());
            assert_eq!(c["attribution"], "attributed", "{c:#}");
            assert_eq!(c["verdict"], "unauthorized", "{c:#}");
            assert_eq!(
                c["actor"]["arn"],
                format!("arn:aws:iam::{}:user/mallory", self.id)
            );
        }
    }

    /// `driftwatch snapshot -o path` for these regions; asserts success.
    pub fn snapshot_to(&self, path: &Path, regions: &[&str]) {
        let out = run(self
            .driftwatch()
            .args(["snapshot", "--quiet", "-o"])
            .arg(path)
            .args(regions));
        assert_eq!(code(&out), 0, "snapshot: {}", stderr(&out));
    }

    /// The driftwatch binary, acting as this account.
    pub fn driftwatch(&self) -> Command {
        let mut cmd = driftwatch();
        self.apply_env(&mut cmd);
        cmd
    }
}

/// An SDK configuration acting as `acct`, against moto, for calls made in
/// the test's own process (never through the process environment, which
/// every test's threads read).
pub async fn sdk_as(acct: &Account) -> aws_config::SdkConfig {
    let creds = aws_sdk_sts::config::Credentials::new(
        &acct.access_key,
        &acct.secret_key,
        Some(acct.session_token.clone()),
        None,
        "test-account",
    );
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .credentials_provider(creds)
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(&acct.endpoint)
        .load()
        .await
}

/// The driftwatch binary with a clean environment (no AWS access at all).
pub fn driftwatch() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_driftwatch"));
    cmd.env_remove("DRIFTWATCH_LOG").stdin(Stdio::null());
    cmd
}

pub fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("run driftwatch")
}

/// Waits until the clock is past the second a baseline was taken in:
/// CloudTrail times are whole seconds, and a call in the baseline's own
/// second would be outside the window the next scan reads.
pub fn wait_past_baseline(path: &Path) {
    let b = read_json(path);
    let taken = b["snapshot"]["taken_at"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    while now_second() <= taken {
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The current UTC second as RFC 3339, as driftwatch writes `taken_at`.
fn now_second() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    jiff::Timestamp::from_second(secs).unwrap().to_string()
}

/// Runs `cmd` with a watchdog: a process still running after `limit` is
/// killed and the test fails saying it hung. Not a timing assertion: the
/// limit is far above any normal run, to catch a hang, not slowness.
pub fn run_within(cmd: &mut Command, limit: Duration) -> Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run driftwatch");
    let deadline = Instant::now() + limit;
    while child.try_wait().expect("poll driftwatch").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("driftwatch still running after {limit:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("driftwatch output")
}

pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A loopback HTTP server that answers every request with one fixed
/// response (e.g. S3's AccessDenied) and records each request body. Serves
/// until the test process ends. Returns its base URL.
pub fn recording_http_server(
    status: u16,
    content_type: &str,
    body: &str,
) -> (String, std::sync::Arc<Mutex<Vec<String>>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let response = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let bodies = std::sync::Arc::new(Mutex::new(Vec::new()));
    let seen = bodies.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut reader = BufReader::new(s.try_clone().unwrap());
            let mut len = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
            let mut req = vec![0u8; len];
            let _ = std::io::Read::read_exact(&mut reader, &mut req);
            seen.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&req).into_owned());
            let _ = s.write_all(response.as_bytes());
        }
    });
    (format!("http://{addr}"), bodies)
}

/// [`recording_http_server`] when only the URL matters.
pub fn fixed_http_server(status: u16, content_type: &str, body: &str) -> String {
    recording_http_server(status, content_type, body).0
}

/// The change to `resource_id` in a JSON report; panics with the report if none.
/// What a seed script says the checks must find, sorted as
/// [`Account::findings`] returns them.
pub fn expected(made: &serde_json::Value) -> Vec<serde_json::Value> {
    let mut want = made["expect"].as_array().unwrap().clone();
    want.sort_by_key(|v| v.to_string());
    want
}

pub fn change_for<'a>(report: &'a serde_json::Value, resource_id: &str) -> &'a serde_json::Value {
    report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["resource"]["id"] == resource_id)
        .unwrap_or_else(|| panic!("no change for {resource_id}: {report:#}"))
}

/// `driftwatch baseline save --from STATE --out BASELINE`, offline; asserts success.
pub fn save_baseline_from(state: &Path, baseline: &Path) {
    let out = run(driftwatch()
        .args(["baseline", "save", "--quiet", "--from"])
        .arg(state)
        .arg("--out")
        .arg(baseline));
    assert_eq!(code(&out), 0, "baseline save: {}", stderr(&out));
}

/// A snapshot file's JSON with these resources (EC2 in us-east-1 read).
pub fn minimal_snapshot(account: &str, resources: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "schema": "driftwatch.snapshot/v1",
        "account": account,
        "taken_at": "2026-01-01T00:00:00Z",
        "driftwatch_version": "0.1.0",
        "regions": ["us-east-1"],
        "coverage": {
            "ec2/us-east-1": {"service": "ec2", "region": "us-east-1", "status": "complete"}
        },
        "resources": resources
    })
}

/// A security group resource (key, value) open to the world on these TCP ports.
pub fn sg(id: &str, ports: &[i32]) -> (String, serde_json::Value) {
    let rules: Vec<_> = ports
        .iter()
        .map(|p| serde_json::json!({"protocol": "tcp", "from_port": p, "to_port": p, "source": {"cidr_v4": "0.0.0.0/0"}}))
        .collect();
    (
        format!("ec2.security_group/us-east-1/{id}"),
        serde_json::json!({"kind": "ec2.security_group", "region": "us-east-1", "native_id": id,
               "attrs": {"name": id, "ingress": rules, "egress": []}}),
    )
}

/// Writes pretty JSON.
pub fn write_json(p: &Path, v: &serde_json::Value) {
    std::fs::write(p, serde_json::to_vec_pretty(v).unwrap()).unwrap();
}

pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

pub fn read_json(p: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

/// A loopback proxy to `upstream` that answers AccessDenied (S3's XML) to
/// requests whose request line `deny` picks, and forwards everything else.
pub fn denying_proxy(upstream: &str, deny: fn(&str) -> bool) -> String {
    proxy(upstream, deny, Duration::ZERO)
}

/// A loopback proxy to `upstream` that holds every response for `delay`
/// before passing it on, as a distant AWS endpoint would.
pub fn latency_proxy(upstream: &str, delay: Duration) -> String {
    proxy(upstream, |_| false, delay)
}

fn proxy(upstream: &str, deny: fn(&str) -> bool, delay: Duration) -> String {
    let up = upstream.trim_start_matches("http://").to_string();
    serve(move |req| {
        if deny(&req.head[0]) {
            let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>";
            return format!(
                "HTTP/1.1 403 Forbidden\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{xml}",
                xml.len()
            )
            .into_bytes();
        }
        let resp = forward(&up, &req);
        std::thread::sleep(delay);
        resp
    })
}

/// What [`faulty_proxy`] does to the requests it picks.
#[derive(Debug, Clone, Copy)]
pub enum Fault {
    /// The service's own throttling error, in its protocol's shape.
    Throttle,
    /// HTTP 503 with an empty body.
    Unavailable,
    /// The connection closed with no answer.
    Reset,
}

/// A loopback proxy to `upstream` that answers every `every`-th request
/// (counting all requests, retries included) with `fault` and forwards the
/// rest: a busy account's API, deterministically.
pub fn faulty_proxy(upstream: &str, every: u64, fault: Fault) -> String {
    let up = upstream.trim_start_matches("http://").to_string();
    let seen = std::sync::Arc::new(AtomicU64::new(0));
    serve(move |req| {
        if seen.fetch_add(1, Ordering::SeqCst) % every != every - 1 {
            return forward(&up, &req);
        }
        match fault {
            Fault::Throttle => throttled(&req),
            Fault::Unavailable => {
                b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec()
            }
            Fault::Reset => vec![],
        }
    })
}

/// A loopback proxy to `upstream` that forwards the first `alive`
/// requests, then cuts every connection with no answer: the endpoint killed
/// partway through a run.
pub fn dying_proxy(upstream: &str, alive: u64) -> String {
    let up = upstream.trim_start_matches("http://").to_string();
    let seen = std::sync::Arc::new(AtomicU64::new(0));
    serve(move |req| {
        if seen.fetch_add(1, Ordering::SeqCst) < alive {
            forward(&up, &req)
        } else {
            vec![]
        }
    })
}

/// The throttling answer the request's service gives, by protocol: JSON
/// protocols (a target header) `ThrottlingException`, REST-JSON ones 429
/// `TooManyRequestsException`, EC2 `RequestLimitExceeded`, S3 `SlowDown`,
/// the other query and REST-XML services `Throttling`.
fn throttled(req: &Request) -> Vec<u8> {
    let has = |prefix: &str| {
        req.head
            .iter()
            .any(|h| h.to_ascii_lowercase().starts_with(prefix))
    };
    let service = req
        .head
        .iter()
        .find_map(|h| h.split("Credential=").nth(1))
        .and_then(|c| c.split('/').nth(3))
        .unwrap_or("")
        .to_string();
    let (status, ctype, extra, body) = if has("x-amz-target:") {
        (
            400,
            "application/x-amz-json-1.1",
            "",
            r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#.to_string(),
        )
    } else if ["lambda", "guardduty", "securityhub", "rolesanywhere"].contains(&service.as_str()) {
        (
            429,
            "application/json",
            "x-amzn-ErrorType: TooManyRequestsException\r\n",
            r#"{"message":"Rate exceeded"}"#.to_string(),
        )
    } else if service == "ec2" {
        (503, "text/xml", "", "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>t</RequestID></Response>".to_string())
    } else if service == "s3" {
        (503, "application/xml", "", "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>".to_string())
    } else {
        (400, "text/xml", "", "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>t</RequestId></ErrorResponse>".to_string())
    };
    format!(
        "HTTP/1.1 {status} Throttled\r\nContent-Type: {ctype}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Responses recorded by [`taping_proxy`], by request (see [`Request::key`]).
pub type Tape = std::sync::Arc<Mutex<std::collections::HashMap<Vec<u8>, Vec<u8>>>>;

/// A loopback proxy to `upstream` that records every response on `tape`.
pub fn taping_proxy(upstream: &str, tape: Tape) -> String {
    let up = upstream.trim_start_matches("http://").to_string();
    serve(move |req| {
        let resp = forward(&up, &req);
        tape.lock().unwrap().insert(req.key(), resp.clone());
        resp
    })
}

/// A loopback server that answers each request from `tape`, `delay` late,
/// any number at once: AWS as the scheduling model sees it, with no server
/// time of its own (moto answers one request at a time). A request not on
/// the tape gets a 500.
pub fn replay_server(tape: Tape, delay: Duration) -> String {
    serve_keep_alive(move |req| {
        let found = tape.lock().unwrap().get(&req.key()).map(|r| keep_alive(r));
        std::thread::sleep(delay);
        found.unwrap_or_else(|| b"HTTP/1.1 500 Not On Tape\r\nContent-Length: 0\r\n\r\n".to_vec())
    })
}

/// A recorded response without its `Connection: close`, so the client keeps
/// the connection as it would with AWS (the response has a Content-Length).
fn keep_alive(resp: &[u8]) -> Vec<u8> {
    let end = resp
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(resp.len(), |i| i + 4);
    let head = String::from_utf8_lossy(&resp[..end]);
    let mut out: Vec<u8> = head
        .split_inclusive("\r\n")
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .collect::<String>()
        .into_bytes();
    out.extend_from_slice(&resp[end..]);
    out
}

/// One HTTP/1.1 request: its head lines (Connection: close forced) and body.
pub struct Request {
    pub head: Vec<String>,
    pub body: Vec<u8>,
}

impl Request {
    /// What identifies a request across runs: the request line, the JSON
    /// protocols' target header, the region and service the request is
    /// signed for (behind one endpoint that is all that tells regions
    /// apart) and the body; signatures, dates and ids vary.
    fn key(&self) -> Vec<u8> {
        let mut k = self.head[0].clone().into_bytes();
        for h in &self.head {
            let lower = h.to_ascii_lowercase();
            if lower.starts_with("x-amz-target:") {
                k.extend_from_slice(h.as_bytes());
            }
            if let Some(scope) = lower
                .strip_prefix("authorization:")
                .and_then(|a| a.split("credential=").nth(1))
                .and_then(|c| c.split(',').next())
            {
                // AKID/date/region/service/aws4_request: keep region/service.
                let parts: Vec<&str> = scope.split('/').collect();
                k.extend_from_slice(parts.get(2..4).unwrap_or_default().join("/").as_bytes());
            }
        }
        k.extend_from_slice(&self.body);
        k
    }
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut head = Vec::new();
    let mut len = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return None;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            len = v.trim().parse().unwrap_or(0);
        }
        if lower.starts_with("connection:") {
            continue;
        }
        if line == "\r\n" {
            head.push("Connection: close\r\n".to_string());
            head.push(line);
            break;
        }
        head.push(line);
    }
    let mut body = vec![0u8; len];
    std::io::Read::read_exact(reader, &mut body).ok()?;
    Some(Request { head, body })
}

fn forward(up: &str, req: &Request) -> Vec<u8> {
    let mut resp = Vec::new();
    if let Ok(mut server) = TcpStream::connect(up) {
        let _ = server.write_all(req.head.concat().as_bytes());
        let _ = server.write_all(&req.body);
        let _ = std::io::Read::read_to_end(&mut server, &mut resp);
    }
    resp
}

/// Accepts connections on a loopback port, one thread each, one request per
/// connection, and writes back what `answer` returns.
fn serve(answer: impl Fn(Request) -> Vec<u8> + Send + Sync + 'static) -> String {
    serve_with(answer, false)
}

/// Like [`serve`], answering every request a connection sends.
fn serve_keep_alive(answer: impl Fn(Request) -> Vec<u8> + Send + Sync + 'static) -> String {
    serve_with(answer, true)
}

fn serve_with(answer: impl Fn(Request) -> Vec<u8> + Send + Sync + 'static, again: bool) -> String {
    let answer = std::sync::Arc::new(answer);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut client) = stream else { continue };
            let answer = answer.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(client.try_clone().unwrap());
                while let Some(req) = read_request(&mut reader) {
                    if client.write_all(&answer(req)).is_err() || !again {
                        break;
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}
