//! What a newcomer hits in the first hour, each item a test named after it:
//! the README's commands on a fresh clone, broken pipes, the demo's clock,
//! `--output table`, regions, credential errors, least privilege, reviewable
//! approvals, `baseline save --force`, CI conventions and build features.

use std::io::Read;
use std::path::Path;
use std::process::Stdio;

use crate::common::*;
use serde_json::{json, Value};

/// Exit 2 with one error line that says `needle`.
fn one_error_line(out: &std::process::Output, needle: &str) {
    let err = stderr(out);
    assert_eq!(code(out), 2, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(needle), "expected {needle:?} in {err}");
}

/// One security group, `sg-1`, open to the world on these ports.
fn snapshot_json(account: &str, ports: &[i32]) -> Value {
    let (k, v) = sg("sg-1", ports);
    minimal_snapshot(account, json!({ k: v }))
}

/// Two states of one account in `dir`: `old.json` with 443 open, then
/// `new.json` with 22 opened too.
fn ssh_opened(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let (old, new) = (dir.join("old.json"), dir.join("new.json"));
    write_json(&old, &snapshot_json("111122223333", &[443]));
    write_json(&new, &snapshot_json("111122223333", &[443, 22]));
    (old, new)
}

/// Whether a relative path, resolved lexically, stays under `root` (a
/// bench including `../tests/common/mod.rs` does).
fn inside(root: &std::path::Path, path: &std::path::Path) -> bool {
    let mut out = std::path::PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out.starts_with(root)
}

/// Item 1: nothing in the code or the tests opens a path outside the
/// repository (the CI checkout has a shared folder beside it; a user's
/// clone does not).
#[test]
fn readme_test_command_needs_nothing_outside_the_repository() {
    let root = repo_root();
    // Spelled in pieces so this file does not match itself.
    let (parent, shared) = (concat!("\"", "..", "/"), concat!("..", "/shared"));
    let mut offenders = Vec::new();
    for dir in ["src", "tests", "benches"] {
        for e in walkdir::WalkDir::new(root.join(dir)) {
            let e = e.unwrap();
            let p = e.path();
            let is_code = p
                .extension()
                .is_some_and(|x| x == "rs" || x == "py" || x == "sh");
            if !is_code {
                continue;
            }
            let text = std::fs::read_to_string(p).unwrap();
            for (i, line) in text.lines().enumerate() {
                let escapes = line.match_indices(parent).any(|(at, _)| {
                    let quoted = line[at + 1..].split('"').next().unwrap_or("");
                    !inside(&root, &p.parent().unwrap().join(quoted))
                });
                if escapes || line.contains(shared) {
                    offenders.push(format!("{}:{}: {line}", p.display(), i + 1));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "paths outside the repository:\n{}",
        offenders.join("\n")
    );
    assert!(root
        .join("tests/fixtures/cloudtrail-samples/PROVENANCE.json")
        .is_file());
    // .ci/run runs the tests from a clone placed in an empty folder.
    let ci = std::fs::read_to_string(root.join(".ci/run")).unwrap();
    assert!(ci.contains("git clone"), ".ci/run must test a fresh clone");
}

/// Item 2: a closed stdout does not turn a failing gate into exit 0.
#[test]
fn broken_pipe_keeps_the_reports_exit_code() {
    for format in ["json", "table"] {
        let mut child = driftwatch()
            .args(["demo", "--format", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away at once, as `| head -0` or `(exec 0<&-)` do.
        drop(child.stdout.take());
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(1), "{format}: {err}");
        assert!(!err.contains("error"), "{format}: {err}");
    }
}

/// Item 3: the demo runs at its bundle's own time, so it never ages.
#[test]
fn demo_runs_at_the_bundles_own_time() {
    let clock = driftwatch::demo::clock().unwrap();
    let out = run(driftwatch().args(["demo", "--format", "json"]));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["taken_at"].as_str().unwrap(), clock.to_string());
    // The bundle's suppression is live at the bundle's time, whatever today is.
    let suppressed = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f.get("suppressed").is_some())
        .count();
    assert!(suppressed > 0, "the demo's suppression must hold: {r:#}");
    // Run through the library at a time three years on, the same checks give
    // a different answer: the pinned clock is what keeps the demo stable.
    let config = driftwatch::demo::bundle_config().unwrap();
    let checks = driftwatch::checks::load(&config.checks, &[]).unwrap();
    let plan = driftwatch::commands::CheckPlan {
        checks: &checks,
        fail_on: driftwatch::checks::FailOn::High,
        fail_on_known: false,
        warnings: &[],
    };
    let later = clock + jiff::SignedDuration::from_hours(3 * 365 * 24);
    let current = driftwatch::baseline::parse(
        &std::fs::read(repo_root().join("baselines/demo/current.json")).unwrap(),
    )
    .unwrap()
    .into_snapshot();
    let aged = driftwatch::commands::check_report(&current, &config, plan, later);
    let now = driftwatch::commands::check_report(&current, &config, plan, clock);
    assert_ne!(
        serde_json::to_value(&aged.findings).unwrap(),
        serde_json::to_value(&now.findings).unwrap(),
        "time does not matter to the checks, so this test proves nothing"
    );
}

/// Item 4: `--output table` is refused with a hint; report files are 0644-ish.
#[test]
fn output_table_is_refused_and_reports_are_readable() {
    let dir = tempdir();
    let snap = dir.path().join("s.json");
    write_json(&snap, &snapshot_json("111122223333", &[22]));
    let out = run(driftwatch()
        .current_dir(dir.path())
        .arg("diff")
        .arg(&snap)
        .arg(&snap)
        .args(["--output", "table"]));
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("use --format table"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("table").exists());
    let rep = dir.path().join("r.json");
    let out = run(driftwatch()
        .arg("diff")
        .arg(&snap)
        .arg(&snap)
        .arg("--output")
        .arg(&rep));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&rep).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode & 0o044, 0o044 & mode, "{mode:o}");
    assert_ne!(mode, 0o600, "a report is not a secret");
}

/// Item 5: comma lists, the baseline's regions by default, no IMDS probe
/// when a region or endpoint is given, no SDK noise on stderr.
#[test]
fn region_handling_follows_the_baseline_and_never_probes_imds() {
    let acct = Account::new();
    let dir = tempdir();
    let base = dir.path().join("base.json");
    acct.save_baseline(&base, &["--region", "us-east-1"]);
    let (imds, hits) = recording_http_server(200, "text/plain", "");
    let mut cmd = acct.driftwatch();
    cmd.env_remove("AWS_REGION")
        .env_remove("AWS_EC2_METADATA_DISABLED")
        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds)
        .args([
            "scan",
            "--cloudtrail",
            "none",
            "--no-checks",
            "--format",
            "json",
            "--baseline",
        ])
        .arg(&base);
    let out = run(&mut cmd);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        r["not_compared"],
        json!([]),
        "the baseline's regions are the default"
    );
    assert!(hits.lock().unwrap().is_empty(), "IMDS was probed");
    assert!(!stderr(&out).contains("WARN"), "{}", stderr(&out));

    let snap = dir.path().join("two.json");
    let out = run(acct
        .driftwatch()
        .args([
            "snapshot",
            "--quiet",
            "--region",
            "us-east-1,eu-west-1",
            "-o",
        ])
        .arg(&snap));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        read_json(&snap)["regions"],
        json!(["eu-west-1", "us-east-1"])
    );
    let out = run(acct
        .driftwatch()
        .args(["snapshot", "--region", "us-east-7"]));
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("--region us-east-7: not a region this account has enabled"));
    let out = run(acct.driftwatch().args(["snapshot", "--region", "useast1"]));
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("not a region name"),
        "{}",
        stderr(&out)
    );
}

/// A driftwatch with no AWS setup at all, in an empty home.
fn bare(home: &Path) -> std::process::Command {
    let mut cmd = driftwatch();
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("HOME", home);
    cmd
}

/// A loopback port that accepts connections and never answers, and its URL.
fn silent_endpoint() -> (std::net::TcpListener, String) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    (listener, url)
}

/// `cmd` set to snapshot us-east-1 through `endpoint`.
fn snapshot_at<'a>(
    cmd: &'a mut std::process::Command,
    endpoint: &str,
) -> &'a mut std::process::Command {
    cmd.args([
        "snapshot",
        "--region",
        "us-east-1",
        "--endpoint-url",
        endpoint,
    ])
}

/// Item 6: credential errors say what to do, and fail fast.
#[test]
fn credential_errors_name_the_profile_and_the_fix() {
    let home = tempdir();
    std::fs::create_dir_all(home.path().join(".aws")).unwrap();
    std::fs::write(
        home.path().join(".aws/config"),
        "[profile work]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Audit\nregion = us-east-1\n\
         [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n",
    )
    .unwrap();
    let out = run(bare(home.path()).args(["snapshot", "--profile", "nope"]));
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("profile nope not found in ~/.aws/config"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("profiles there: work"),
        "{}",
        stderr(&out)
    );

    // No cached SSO token: the hint says how to log in. The endpoint is a
    // closed loopback port, so nothing leaves the machine.
    let out = run(bare(home.path()).args([
        "snapshot",
        "--profile",
        "work",
        "--endpoint-url",
        "http://127.0.0.1:9",
    ]));
    one_error_line(&out, "run `aws sso login --profile work`");
    // The fix leads the line; the SDK's chain of causes follows it.
    assert!(
        stderr(&out).starts_with(
            "driftwatch: error: profile work uses SSO and has no session: run `aws sso login --profile work`; cannot establish"
        ),
        "{}",
        stderr(&out)
    );

    // No credentials anywhere, and a metadata endpoint that accepts and never
    // answers: one line, promptly (a hang guard, not a benchmark).
    let (listener, imds) = silent_endpoint();
    let out = run_within(
        snapshot_at(
            bare(home.path())
                .env("AWS_CONFIG_FILE", "/dev/null")
                .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds),
            "http://127.0.0.1:9",
        ),
        std::time::Duration::from_secs(60),
    );
    drop(listener);
    one_error_line(&out, "no credentials found");
    assert!(
        stderr(&out).starts_with("driftwatch: error: no credentials found: set AWS_PROFILE"),
        "{}",
        stderr(&out)
    );
}

/// Item 8: an approval reads in a pull request, and approving one change
/// rewrites nothing else; a saved report is enough to approve from.
#[test]
fn approvals_are_reviewable_in_a_pull_request() {
    let dir = tempdir();
    let (old, new) = ssh_opened(dir.path());
    let base = dir.path().join("base.json");
    save_baseline_from(&old, &base);
    let report = dir.path().join("scan.json");
    let out = run(driftwatch()
        .args(["scan", "--snapshot"])
        .arg(&new)
        .arg("--baseline")
        .arg(&base)
        .args(["--format", "json", "--no-checks", "--output"])
        .arg(&report));
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let id = read_json(&report)["changes"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let before = std::fs::read_to_string(&base).unwrap();
    let out = run(driftwatch()
        .args([
            "baseline",
            "approve",
            &id,
            "--reason",
            "CHG-42",
            "--by",
            "alice",
            "--from-report",
        ])
        .arg(&report)
        .arg("--baseline")
        .arg(&base));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let after = std::fs::read_to_string(&base).unwrap();
    // Keys are sorted: approvals first, then the untouched snapshot.
    let tail = |s: &str| s[s.find("\n  \"schema\"").unwrap()..].to_string();
    assert_eq!(
        tail(&before),
        tail(&after),
        "approving rewrote the snapshot"
    );
    let b: Value = serde_json::from_str(&after).unwrap();
    let summary = b["approvals"][0]["summary"].as_array().unwrap();
    assert!(
        summary
            .iter()
            .any(|l| l.as_str().unwrap().contains("ingress[+] tcp 22 0.0.0.0/0")),
        "{summary:?}"
    );
    // And the approval holds: the same scan is now clean.
    let out = run(driftwatch()
        .args(["scan", "--snapshot"])
        .arg(&new)
        .arg("--baseline")
        .arg(&base)
        .args(["--format", "json", "--no-checks"]));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

/// Item 9: saving over a baseline with approvals needs --force.
#[test]
fn baseline_save_over_approvals_needs_force() {
    let dir = tempdir();
    let (old, new) = ssh_opened(dir.path());
    let base = dir.path().join("base.json");
    let save = |force: bool| {
        let mut cmd = driftwatch();
        cmd.args(["baseline", "save", "--quiet", "--from"])
            .arg(&old)
            .arg("--out")
            .arg(&base);
        if force {
            cmd.arg("--force");
        }
        run(&mut cmd)
    };
    assert_eq!(code(&save(false)), 0);
    let out = run(driftwatch()
        .arg("diff")
        .arg(&base)
        .arg(&new)
        .args(["--format", "json"]));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = r["changes"][0]["id"].as_str().unwrap();
    let out = run(driftwatch()
        .args(["baseline", "approve", id, "--reason", "ok", "--snapshot"])
        .arg(&new)
        .arg("--baseline")
        .arg(&base));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let approved = std::fs::read(&base).unwrap();
    let out = save(false);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("holds 1 approval(s)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read(&base).unwrap(),
        approved,
        "refused, yet the file changed"
    );
    assert_eq!(code(&save(true)), 0);
}

/// Item 10: report-only adoption, SARIF, capped Markdown, man page, colour,
/// examples in --help, `checks list --format json`.
#[test]
fn ci_conventions_fail_on_none_sarif_markdown_cap_and_help() {
    let out = run(driftwatch().args(["demo", "--format", "json", "--fail-on", "none"]));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["fail_on"], "none");
    assert_eq!(r["summary"]["failing_findings"], 0);
    // The demo has unauthorized changes: those still fail.
    assert_eq!(code(&out), 1);

    let out = run(driftwatch().args(["checks", "list", "--format", "json"]));
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == "SG002" && c["severity"] == "high"));

    for cmd in ["scan", "snapshot", "check", "diff", "demo"] {
        let out = run(driftwatch().args([cmd, "--help"]));
        assert!(
            stdout(&out).contains("Examples:"),
            "{cmd} --help has no examples"
        );
    }
    let out = run(driftwatch().args(["--color", "always", "diff", "/nope", "/nope"]));
    assert!(stderr(&out).contains("\x1b["), "{}", stderr(&out));
    let out = run(driftwatch()
        .env("NO_COLOR", "1")
        .args(["diff", "/nope", "/nope"]));
    assert!(!stderr(&out).contains("\x1b["), "{}", stderr(&out));
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0_with_stable_fingerprints() {
    let dir = tempdir();
    let sarif = dir.path().join("demo.sarif");
    let out = run(driftwatch()
        .args(["demo", "--format", "sarif", "--output"])
        .arg(&sarif));
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let check = std::process::Command::new(python())
        .arg("-c")
        .arg(
            "import json,sys,jsonschema\n\
              s=json.load(open(sys.argv[1])); d=json.load(open(sys.argv[2]))\n\
              jsonschema.validate(d, s)\n",
        )
        .arg(repo_root().join("tests/fixtures/sarif-schema-2.1.0.json"))
        .arg(&sarif)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let log = read_json(&sarif);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let demo = run(driftwatch().args(["demo", "--format", "json"]));
    let r: Value = serde_json::from_slice(&demo.stdout).unwrap();
    let unauthorized = r["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["verdict"] == "unauthorized")
        .count()
        + r["transient"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["verdict"] == "unauthorized")
            .count();
    // Every finding, and every known finding no longer found (resolved,
    // with baselineState "absent").
    let resolved = r["resolved"].as_array().map_or(0, Vec::len);
    assert!(
        resolved > 0,
        "the demo resolves the deleted bucket's findings"
    );
    assert_eq!(
        results.len(),
        unauthorized + r["findings"].as_array().unwrap().len() + resolved
    );
    let states: Vec<&str> = results
        .iter()
        .filter_map(|x| x["baselineState"].as_str())
        .collect();
    for s in ["new", "updated", "unchanged", "absent"] {
        assert!(states.contains(&s), "no {s} in {states:?}");
    }
    let mut prints: Vec<&str> = results
        .iter()
        .map(|x| {
            x["partialFingerprints"]["driftwatchId/v1"]
                .as_str()
                .unwrap()
        })
        .collect();
    prints.sort();
    prints.dedup();
    assert_eq!(prints.len(), results.len(), "fingerprints must be unique");
}

#[test]
fn markdown_stays_under_githubs_comment_limit() {
    let dir = tempdir();
    let mut resources = serde_json::Map::new();
    for i in 0..3000 {
        resources.insert(
            format!("ec2.security_group/us-east-1/sg-{i:08}"),
            json!({"kind": "ec2.security_group", "region": "us-east-1", "native_id": format!("sg-{i:08}"),
                   "attrs": {"name": format!("group-{i}"), "ingress": [], "egress": []}}),
        );
    }
    let old = dir.path().join("old.json");
    let new = dir.path().join("new.json");
    write_json(&old, &snapshot_json("111122223333", &[]));
    let mut big = snapshot_json("111122223333", &[]);
    big["resources"] = Value::Object(resources);
    write_json(&new, &big);
    let out = run(driftwatch()
        .arg("diff")
        .arg(&old)
        .arg(&new)
        .args(["--format", "markdown"]));
    assert_eq!(code(&out), 1);
    let md = stdout(&out);
    assert!(md.len() < 65_536, "{} characters", md.len());
    assert!(
        md.contains("and ") && md.contains(" more"),
        "no 'and N more' line"
    );
}

/// A man page for every subcommand, each current; every page the others
/// refer to is shipped, and no page is shipped for a command that is gone.
#[test]
fn man_pages_are_generated_for_every_command_and_not_stale() {
    let pages = driftwatch::cli::man_pages().unwrap();
    let dir = repo_root().join("completions");
    if std::env::var_os("DRIFTWATCH_UPDATE_COMPLETIONS").is_some() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "1") {
                std::fs::remove_file(p).unwrap();
            }
        }
        for (name, page) in &pages {
            std::fs::write(dir.join(name), page).unwrap();
        }
    }
    let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
    for want in [
        "driftwatch.1",
        "driftwatch-scan.1",
        "driftwatch-baseline-approve.1",
    ] {
        assert!(names.contains(&want), "no {want} in {names:?}");
    }
    let shipped: std::collections::BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".1"))
        .collect();
    let generated: std::collections::BTreeSet<String> =
        names.iter().map(|n| n.to_string()).collect();
    assert_eq!(
        shipped, generated,
        "completions/*.1 are stale: regenerate with `DRIFTWATCH_UPDATE_COMPLETIONS=1 cargo test --test it first_hour::man_pages`"
    );
    for (name, page) in &pages {
        assert!(
            std::fs::read(dir.join(name)).unwrap_or_default() == *page,
            "completions/{name} is stale: regenerate with `DRIFTWATCH_UPDATE_COMPLETIONS=1 cargo test --test it first_hour::man_pages`"
        );
        // Every page named in SEE ALSO is shipped.
        let text = String::from_utf8_lossy(page);
        let refs = text
            .split_whitespace()
            .filter(|w| w.starts_with("driftwatch\\-") && w.ends_with("(1)"));
        for see in refs {
            let file = see.replace("\\-", "-").replace("(1)", ".1");
            assert!(
                shipped.contains(&file),
                "{name} refers to {file}, not shipped"
            );
        }
    }
}

/// `scan --help` reads by topic: its flags sit under headings.
#[test]
fn scan_help_groups_its_flags_under_headings() {
    let out = run(driftwatch().args(["scan", "--help"]));
    let help = stdout(&out);
    let mut at = 0;
    for heading in [
        "Inputs:",
        "Report:",
        "AWS access:",
        "Many accounts:",
        "Checks:",
        "Alerts:",
    ] {
        let found = help[at..]
            .find(heading)
            .unwrap_or_else(|| panic!("no {heading} after the previous heading in\n{help}"));
        at += found;
    }
    assert!(help.contains("--rate-limit"));
}

/// `cargo tree --offline --locked` with `args`, its stdout.
fn cargo_tree(args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO"))
        .current_dir(repo_root())
        .args(["tree", "--offline", "--locked"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Item 13: the test build reuses the SDK crates `cargo run` built: no
/// package that both builds use is compiled with other features for tests.
#[test]
fn build_time_test_build_reuses_the_demo_builds_crates() {
    let tree = |edges: &str| -> std::collections::BTreeMap<String, String> {
        cargo_tree(&["--prefix", "none", "-f", "{p}|{f}", "-e", edges])
            .lines()
            .filter_map(|l| l.trim_end_matches(" (*)").split_once('|'))
            .map(|(p, f)| (p.to_string(), f.to_string()))
            .collect()
    };
    let normal = tree("normal");
    let all = tree("normal,dev");
    let differ: Vec<String> = normal
        .iter()
        .filter(|(p, f)| all.get(*p) != Some(f))
        .map(|(p, f)| {
            format!(
                "{p}: [{f}] vs [{}]",
                all.get(p).cloned().unwrap_or_default()
            )
        })
        .collect();
    assert!(
        differ.is_empty(),
        "dev-dependencies change features of:\n{}",
        differ.join("\n")
    );
}

/// One TLS stack in the binary: rustls on aws-lc-rs, as the SDK builds it
/// (the alert client uses it too); no ring, no second set of bundled roots,
/// no OpenSSL.
#[test]
fn the_binary_has_one_tls_stack() {
    let tree = cargo_tree(&["-e", "normal", "--prefix", "none"]);
    for other in ["ring v", "webpki-roots v", "openssl v", "native-tls v"] {
        assert!(
            !tree.lines().any(|l| l.starts_with(other)),
            "{other} is in the build"
        );
    }
    assert!(tree.lines().any(|l| l.starts_with("aws-lc-rs v")));
}

/// A scan with a missing baseline fails on that, before any AWS call: the
/// endpoint here accepts connections and never answers, so any call would hang.
#[test]
fn scan_with_a_missing_baseline_fails_before_any_call() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let dir = tempdir();
    let out = run(driftwatch()
        .env("AWS_ACCESS_KEY_ID", "x")
        .env("AWS_SECRET_ACCESS_KEY", "y")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .args(["scan", "--endpoint-url", &endpoint, "--baseline"])
        .arg(dir.path().join("missing.json")));
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("missing.json: no baseline"),
        "{}",
        stderr(&out)
    );
    assert!(
        listener.accept().is_err(),
        "driftwatch called AWS before checking its input"
    );
    for (flag, value, needle) in [
        (
            "--cloudtrail",
            "/path/that/does/not/exist",
            "--cloudtrail /path/that/does/not/exist",
        ),
        ("--cloudtrail", "S3://Bad Bucket/x", "unknown scheme"),
        ("--region", "us-east-1,not a region", "not a region name"),
        (
            "--rate-limit",
            "ec3=5",
            "--rate-limit ec3=5: no service \"ec3\"",
        ),
        (
            "--rate-limit",
            "ec2=0",
            "--rate-limit \"ec2=0\": expected SERVICE=N",
        ),
    ] {
        let base = dir.path().join("base.json");
        write_json(&base, &snapshot_json("111122223333", &[]));
        let out = run(driftwatch()
            .env("AWS_CONFIG_FILE", "/dev/null")
            .args([
                "scan",
                "--endpoint-url",
                &endpoint,
                flag,
                value,
                "--baseline",
            ])
            .arg(&base));
        assert_eq!(code(&out), 2, "{flag} {value}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(needle),
            "{flag} {value}: {}",
            stderr(&out)
        );
        assert!(
            listener.accept().is_err(),
            "{flag} {value}: AWS was called first"
        );
    }
}

/// `scan` runs in process through the library: resolve, then execute.
#[test]
fn scan_runs_in_process_through_the_library() {
    use clap::Parser;
    let dir = tempdir();
    let (old, new) = ssh_opened(dir.path());
    let args = [
        "driftwatch",
        "scan",
        "--snapshot",
        new.to_str().unwrap(),
        "--baseline",
        old.to_str().unwrap(),
    ];
    let cli = driftwatch::cli::Cli::parse_from(args);
    let plan = driftwatch::resolve::resolve(cli).unwrap();
    let outcome = driftwatch::commands::execute(plan).unwrap();
    assert_eq!(outcome.code, driftwatch::ExitStatus::Findings);
    let driftwatch::commands::Output::Report { report, .. } = outcome.output else {
        panic!("scan returns a report");
    };
    assert_eq!(report.summary.unauthorized, 1);
    assert_eq!(report.changes[0].change.fields[0].path, "ingress[+]");
    // SG002 (SSH open to the world) fires on the new state.
    assert!(report.findings.iter().any(|f| f.check == "SG002"));
}

/// An endpoint that accepts connections and never answers ends the run with
/// one line and exit 2 within the timeouts given, instead of hanging cron.
#[test]
fn a_silent_endpoint_times_out_instead_of_hanging() {
    let (listener, endpoint) = silent_endpoint();
    let out = run_within(
        snapshot_at(
            driftwatch()
                .env("AWS_ACCESS_KEY_ID", "x")
                .env("AWS_SECRET_ACCESS_KEY", "y")
                .env("AWS_CONFIG_FILE", "/dev/null"),
            &endpoint,
        )
        .args([
            "--timeout",
            "2",
            "--attempt-timeout",
            "1",
            "--max-attempts",
            "2",
        ]),
        std::time::Duration::from_secs(120),
    );
    drop(listener);
    one_error_line(&out, "timeout");
}

/// A FIFO or a device where a file is expected is refused at once: opening
/// a FIFO to read it would block until a writer came.
#[test]
fn a_fifo_where_a_file_is_expected_is_refused_not_waited_on() {
    let dir = tempdir();
    let fifo = dir.path().join("fifo.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let snap = dir.path().join("s.json");
    write_json(&snap, &snapshot_json("111122223333", &[]));
    let f = fifo.to_str().unwrap();
    let s = snap.to_str().unwrap();
    for args in [
        vec!["diff", f, s],
        vec!["scan", "--snapshot", s, "--baseline", f],
        vec!["diff", s, s, "--config", f],
        vec!["scan", "--snapshot", s, "--baseline", s, "--cloudtrail", f],
        vec!["diff", "/dev/zero", s],
    ] {
        let mut child = driftwatch()
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while child.try_wait().unwrap().is_none() {
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                panic!("{args:?}: driftwatch waited on a FIFO");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let out = child.wait_with_output().unwrap();
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("not a regular file")
                || stderr(&out).contains("not a file or directory"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}
