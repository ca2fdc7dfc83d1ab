//! The command line without AWS: completions, bad input of every kind, atomic
//! baseline writes under kill -9, and `diff` of two files.

use crate::common::*;
use serde_json::json;
use std::path::Path;

const SHELLS: [(&str, &str); 5] = [
    ("bash", "driftwatch.bash"),
    ("zsh", "_driftwatch"),
    ("fish", "driftwatch.fish"),
    ("elvish", "driftwatch.elv"),
    ("powershell", "_driftwatch.ps1"),
];

#[test]
fn completions_are_generated_and_not_stale() {
    let update = std::env::var_os("DRIFTWATCH_UPDATE_COMPLETIONS").is_some();
    for (shell, file) in SHELLS {
        let out = run(driftwatch().args(["completions", shell]));
        assert_eq!(code(&out), 0);
        assert!(out.stdout.len() > 500, "{shell} completions look empty");
        let path = repo_root().join("completions").join(file);
        if update {
            std::fs::write(&path, &out.stdout).unwrap();
        }
        let committed = std::fs::read(&path).unwrap_or_default();
        assert!(
            committed == out.stdout,
            "completions/{file} is stale: regenerate with `DRIFTWATCH_UPDATE_COMPLETIONS=1 cargo test --test it cli::completions`"
        );
    }
}

#[test]
fn diff_of_two_files_in_every_format() {
    let dir = tempdir();
    let (k1, v1) = sg("sg-1", &[443]);
    let (_, v2) = sg("sg-1", &[443, 22]);
    let old = dir.path().join("old.json");
    let new = dir.path().join("new.json");
    write_json(
        &old,
        &minimal_snapshot("111122223333", json!({ k1.clone(): v1 })),
    );
    write_json(&new, &minimal_snapshot("111122223333", json!({ k1: v2 })));
    let out = run(driftwatch()
        .arg("diff")
        .arg(&old)
        .arg(&new)
        .args(["--format", "json"]));
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["changes"][0]["fields"][0]["path"], "ingress[+]");
    let id = r["changes"][0]["id"].as_str().unwrap().to_string();
    for f in ["table", "markdown", "junit"] {
        let out = run(driftwatch()
            .arg("diff")
            .arg(&old)
            .arg(&new)
            .args(["--format", f]));
        assert_eq!(code(&out), 1);
        assert!(stdout(&out).contains(&id), "{f}: {}", stdout(&out));
    }
    // Piped stdout without --format gets JSON.
    let out = run(driftwatch().arg("diff").arg(&old).arg(&old));
    assert_eq!(code(&out), 0);
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["summary"]["changes"], 0);
    // --output writes the report and leaves stdout empty.
    let rep = dir.path().join("report.md");
    let out = run(driftwatch()
        .arg("diff")
        .arg(&old)
        .arg(&new)
        .args(["--format", "markdown", "--output"])
        .arg(&rep));
    assert_eq!(code(&out), 1);
    assert!(out.stdout.is_empty());
    assert!(std::fs::read_to_string(&rep).unwrap().contains(&id));
}

/// Runs driftwatch expecting exit 2 with one error line containing `needle`.
fn expect_bad(args: &[&str], needle: &str) {
    let out = run(driftwatch().args(args));
    let err = stderr(&out);
    assert_eq!(code(&out), 2, "{args:?}: {err}");
    assert!(
        err.contains(needle),
        "{args:?}: expected {needle:?} in {err}"
    );
    assert!(out.stdout.is_empty(), "{args:?}: stdout must stay empty");
}

#[test]
fn bad_input_is_one_clear_line_and_exit_2() {
    let dir = tempdir();
    let d = |n: &str| dir.path().join(n).display().to_string();
    let (k, v) = sg("sg-1", &[443]);
    let good = d("good.json");
    write_json(
        Path::new(&good),
        &minimal_snapshot("111122223333", json!({ k: v })),
    );

    std::fs::write(
        d("corrupt.json"),
        "{\"schema\": \"driftwatch.baseline/v1\", \"snapshot\": {",
    )
    .unwrap();
    std::fs::write(d("future.json"), r#"{"schema":"driftwatch.baseline/v7"}"#).unwrap();
    std::fs::write(d("truncated.json.gz"), [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00]).unwrap();
    std::fs::write(
        d("bad.toml"),
        "[diff]\nignore = [\"ec2.instance:state\"]\nbogus = true\n",
    )
    .unwrap();

    for (file, needle) in [
        ("corrupt.json", "corrupt.json: not valid JSON"),
        (
            "future.json",
            "future.json: unknown schema version \"driftwatch.baseline/v7\"",
        ),
        (
            "truncated.json.gz",
            "truncated.json.gz: corrupt or truncated gzip",
        ),
    ] {
        expect_bad(&["diff", &d(file), &good], needle);
        expect_bad(
            &["scan", "--snapshot", &good, "--baseline", &d(file)],
            needle,
        );
    }
    expect_bad(
        &["diff", &d("missing.json"), &good],
        "missing.json: cannot read",
    );
    expect_bad(
        &["diff", &good, &good, "--config", &d("bad.toml")],
        "bad.toml: line 3:",
    );
    expect_bad(
        &["scan", "--snapshot", &good, "--baseline", &d("nope.json")],
        "no baseline (create one with",
    );
    expect_bad(&["scna"], "unrecognized subcommand");
    expect_bad(
        &["diff", &good, &good, "--format", "yaml"],
        "invalid value 'yaml'",
    );
    expect_bad(
        &[
            "baseline",
            "approve",
            "c-1",
            "--reason",
            "x",
            "--expires",
            "someday",
            "--snapshot",
            &good,
            "--baseline",
            &good,
        ],
        "--expires \"someday\": not a date",
    );
    // A baseline for another account is refused.
    let other = d("other.json");
    write_json(
        Path::new(&other),
        &minimal_snapshot("999999999999", json!({})),
    );
    expect_bad(
        &["scan", "--snapshot", &good, "--baseline", &other],
        "baseline is for account 999999999999",
    );

    // None of the failed runs touched the files they were given.
    assert_eq!(
        std::fs::read_to_string(d("corrupt.json")).unwrap(),
        "{\"schema\": \"driftwatch.baseline/v1\", \"snapshot\": {"
    );
    // Approving into a corrupt baseline fails and leaves it as it was.
    expect_bad(
        &[
            "baseline",
            "approve",
            "--all",
            "--reason",
            "x",
            "--snapshot",
            &good,
            "--baseline",
            &d("corrupt.json"),
        ],
        "corrupt.json: not valid JSON",
    );
    assert_eq!(
        std::fs::read_to_string(d("corrupt.json")).unwrap(),
        "{\"schema\": \"driftwatch.baseline/v1\", \"snapshot\": {"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
}

#[test]
fn baseline_save_is_atomic_under_kill_9() {
    let dir = tempdir();
    // A snapshot big enough that writing it takes a while.
    let mut resources = serde_json::Map::new();
    for i in 0..40_000 {
        let (k, v) = sg(&format!("sg-{i:08}"), &[22, 80, 443, 8080]);
        resources.insert(k, v);
    }
    let big = dir.path().join("big.json");
    write_json(
        &big,
        &minimal_snapshot("111122223333", serde_json::Value::Object(resources)),
    );
    let small = dir.path().join("small.json");
    write_json(&small, &minimal_snapshot("111122223333", json!({})));
    let target = dir.path().join("baseline.json");
    save_baseline_from(&small, &target);
    let old = std::fs::read(&target).unwrap();

    let mut killed_mid_write = 0;
    for delay_ms in [5u64, 20, 40, 60, 80, 100, 130, 160, 200, 250] {
        let mut child = driftwatch()
            .args(["baseline", "save", "--quiet", "--from"])
            .arg(&big)
            .arg("--out")
            .arg(&target)
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        let now = std::fs::read(&target).unwrap();
        if !status.success() {
            killed_mid_write += 1;
        }
        if now != old {
            // Must be the complete new baseline, never a torn file.
            let v: serde_json::Value =
                serde_json::from_slice(&now).expect("a torn baseline was left behind");
            assert_eq!(
                v["snapshot"]["resources"].as_object().unwrap().len(),
                40_000
            );
            // Reset for the next round.
            std::fs::write(&target, &old).unwrap();
        }
    }
    assert!(
        killed_mid_write > 0,
        "no run was killed before finishing; the test proves nothing"
    );
}

#[test]
fn readme_lists_every_check_with_severity_and_risk() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let out = run(driftwatch().args(["checks", "list", "--format", "json"]));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let checks: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let checks = checks.as_array().unwrap();
    assert!(checks.len() > 100, "{} checks listed", checks.len());
    for c in checks {
        let row = format!(
            "| `{}` | {} | {} |",
            c["id"].as_str().unwrap(),
            c["severity"].as_str().unwrap(),
            c["risk"].as_str().unwrap()
        );
        assert!(readme.contains(&row), "README lacks the row {row}");
    }
}

#[test]
fn readme_shows_the_current_demo_output() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let out = run(driftwatch().args(["demo", "--format", "table"]));
    assert_eq!(code(&out), 1);
    assert!(
        readme.contains(&stdout(&out)),
        "README's demo output is stale: paste `driftwatch demo --format table` into it"
    );
    assert!(readme.contains("cargo run -q -- demo --format table"));
    assert!(readme.contains("tests/with-moto.sh cargo test"));
}

#[test]
fn long_values_are_cut_in_table_and_markdown_but_whole_in_json() {
    let dir = tempdir();
    let statements: Vec<_> = (0..700)
        .map(|i| {
            json!({"Effect": "Allow", "Sid": format!("s{i}"),
                         "Principal": {"AWS": format!("arn:aws:iam::{i:012}:root")},
                         "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/*"})
        })
        .collect();
    let bucket = |policy: serde_json::Value| {
        let mut s = minimal_snapshot(
            "111122223333",
            json!({"s3.bucket/global/b": {
            "kind": "s3.bucket", "region": "global", "native_id": "b",
            "attrs": {"region": "us-east-1", "policy": policy}}}),
        );
        s["coverage"]["s3/global"] =
            json!({"service": "s3", "region": "global", "status": "complete"});
        s
    };
    let old = dir.path().join("old.json");
    let new = dir.path().join("new.json");
    write_json(&old, &bucket(serde_json::Value::Null));
    write_json(&new, &bucket(json!({"Statement": statements})));
    let diff = |format: &str| {
        run(driftwatch()
            .arg("diff")
            .arg(&old)
            .arg(&new)
            .args(["--format", format]))
    };
    let json_out = diff("json");
    let r: serde_json::Value = serde_json::from_slice(&json_out.stdout).unwrap();
    let id = r["changes"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(
        r["changes"][0]["fields"][0]["after"]["Statement"]
            .as_array()
            .unwrap()
            .len(),
        700,
        "JSON keeps the whole value"
    );
    for format in ["table", "markdown"] {
        let out = diff(format);
        assert_eq!(code(&out), 1, "{format}");
        let text = stdout(&out);
        // The table wraps the note across its column: read it unwrapped.
        let squashed: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && !"│┆".contains(*c))
            .collect();
        assert!(
            squashed.contains("morecharacters:theJSONreporthasthemall"),
            "{format}"
        );
        assert!(text.contains(&id), "{format}: the change row is shown");
        assert!(text.len() < 20_000, "{format}: {} bytes", text.len());
    }
}

#[test]
fn concurrent_approvals_all_land() {
    let dir = tempdir();
    let n = 8;
    let groups = |ports: &[i32]| {
        let mut m = serde_json::Map::new();
        for i in 0..n {
            let (k, v) = sg(&format!("sg-{i}"), ports);
            m.insert(k, v);
        }
        minimal_snapshot("111122223333", serde_json::Value::Object(m))
    };
    let old = dir.path().join("old.json");
    let new = dir.path().join("new.json");
    write_json(&old, &groups(&[443]));
    write_json(&new, &groups(&[443, 22]));
    let base = dir.path().join("base.json");
    save_baseline_from(&old, &base);
    let out = run(driftwatch()
        .arg("diff")
        .arg(&base)
        .arg(&new)
        .args(["--format", "json"]));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<String> = r["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), n);
    // All at once: each reads, adds its approval and writes the file.
    let children: Vec<_> = ids
        .iter()
        .map(|id| {
            driftwatch()
                .args([
                    "baseline",
                    "approve",
                    id,
                    "--reason",
                    "ok",
                    "--quiet",
                    "--snapshot",
                ])
                .arg(&new)
                .arg("--baseline")
                .arg(&base)
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let b = read_json(&base);
    assert_eq!(
        b["approvals"].as_array().unwrap().len(),
        n,
        "an approval was lost: {:#}",
        b["approvals"]
    );
}

/// A write that fails midway (here the file size limit, as a full disk
/// would) leaves the old report and no temporary file: exit 2, one line.
#[test]
fn a_write_that_fails_midway_keeps_the_old_file_and_leaves_no_temporary() {
    let dir = tempdir();
    let resources: serde_json::Map<String, serde_json::Value> = (0..40)
        .map(|i| sg(&format!("sg-{i:04}"), &[22, 443]))
        .collect();
    let new = dir.path().join("new.json");
    let old = dir.path().join("old.json");
    write_json(
        &old,
        &minimal_snapshot("111122223333", serde_json::json!({})),
    );
    write_json(
        &new,
        &minimal_snapshot("111122223333", serde_json::Value::Object(resources)),
    );
    let out_dir = dir.path().join("reports");
    std::fs::create_dir(&out_dir).unwrap();
    let report = out_dir.join("report.json");
    std::fs::write(&report, "the old report").unwrap();
    // 1 KiB at most per file; SIGXFSZ ignored, so the write fails with EFBIG
    // instead of killing the process.
    let out = run(std::process::Command::new("bash")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 1; exec \"$@\"")
        .arg("bash")
        .arg(env!("CARGO_BIN_EXE_driftwatch"))
        .arg("diff")
        .arg(&old)
        .arg(&new)
        .args(["--format", "json", "--output"])
        .arg(&report));
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("report.json"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&report).unwrap(), "the old report");
    let left: Vec<_> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, [std::ffi::OsString::from("report.json")]);
}

/// Every command's `--help`, reviewed in the diff like code: a flag that
/// moves, loses its heading or its words shows up in review.
#[test]
fn every_commands_help_is_reviewed() {
    use clap::CommandFactory;
    let mut root = driftwatch::cli::Cli::command().term_width(100);
    root.build();
    let mut stack: Vec<(String, clap::Command)> = vec![("driftwatch".into(), root)];
    let mut seen = 0;
    while let Some((name, mut cmd)) = stack.pop() {
        for sub in cmd.get_subcommands() {
            if sub.get_name() != "help" {
                stack.push((format!("{name}-{}", sub.get_name()), sub.clone()));
            }
        }
        let help = cmd.render_long_help().to_string();
        insta::assert_snapshot!(format!("help_{name}"), help);
        seen += 1;
    }
    assert!(seen > 12, "{seen} commands");
}

/// Bad input of every kind: one line naming the file or flag and the
/// problem, exit 2, reviewed in the diff.
#[test]
fn bad_input_errors_are_reviewed() {
    let dir = tempdir();
    std::fs::write(dir.path().join("broken.json"), "{not json").unwrap();
    std::fs::write(
        dir.path().join("bad.toml"),
        "[checks]\nknown_accounts = 5\n",
    )
    .unwrap();
    let cases: &[&[&str]] = &[
        &[
            "scan",
            "--snapshot",
            "broken.json",
            "--baseline",
            "broken.json",
        ],
        &["diff", "missing.json", "broken.json"],
        &["check", "--snapshot", "broken.json", "--config", "bad.toml"],
        &["scan", "--region", "us-east-1,nowhere"],
        &["scan", "--output", "table"],
        &["baseline", "approve", "c-1", "--reason", "x"],
        &["baseline", "approve", "c-0123456789ab", "--reason", " "],
        &["scan", "--accounts", "12345"],
        &["scan", "--rate-limit", "nosuch=1"],
        &["scan", "--notify", "http://example.com/hook"],
        &["scan", "--cloudtrail", "ftp://logs"],
        &["checks", "explain", "NOPE"],
    ];
    let mut lines = Vec::new();
    for args in cases {
        let out = run(driftwatch().current_dir(dir.path()).args(*args));
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        lines.push(format!("$ driftwatch {}\n{err}", args.join(" ")));
    }
    insta::assert_snapshot!("bad_input", lines.join("\n"));
}
