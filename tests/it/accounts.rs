//! Many accounts in one run, end to end over moto: an organization of a
//! management account and five members, each with its own resources and
//! one change made by its own `mallory`, recorded in an organization
//! trail's layout. `baseline save --accounts org` writes a baseline per
//! account; `scan --accounts org` reports each change in its account with
//! its actor; a member whose role is gone is a coverage gap (exit 3) that
//! hides nobody else's result; two shards merged equal one run.

use std::path::Path;

use crate::common::*;
use serde_json::{json, Value};

const REGION: [&str; 2] = ["--region", "us-east-1"];

/// A driftwatch command for `acct`, run in `dir` (where `baselines/` lives).
fn in_dir(acct: &Account, dir: &Path) -> std::process::Command {
    let mut c = acct.driftwatch();
    c.current_dir(dir);
    c
}

fn scan(acct: &Account, dir: &Path, accounts: &str, logs: &Path) -> (i32, Value) {
    let out = run(in_dir(acct, dir)
        .args(["scan", "--quiet", "--no-checks", "--format", "json"])
        .args(["--accounts", accounts, "--cloudtrail"])
        .arg(logs)
        .args(REGION));
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("scan printed no JSON ({e}); stderr: {}", stderr(&out)));
    (code(&out), v)
}

fn section<'a>(r: &'a Value, account: &str) -> &'a Value {
    r["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["account"] == account)
        .unwrap_or_else(|| panic!("no section for {account}"))
}

/// The report without the times that differ between runs.
fn timeless(mut v: Value) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(m) => {
                for k in ["taken_at", "window_end"] {
                    m.remove(k);
                }
                m.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut v);
    v
}

#[test]
fn an_organization_is_scanned_account_by_account() {
    let mgmt = Account::new();
    let org = mgmt.seed("org_accounts.py", &[]);
    let members: Vec<String> = serde_json::from_value(org["members"].clone()).unwrap();
    let dir = tempdir();
    let out = run(in_dir(&mgmt, dir.path())
        .args(["baseline", "save", "--quiet", "--accounts", "org"])
        .args(REGION));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    for a in members.iter().chain([&mgmt.id]) {
        assert!(
            dir.path().join(format!("baselines/{a}.json")).exists(),
            "no baseline for {a}"
        );
    }
    wait_past_baseline(&dir.path().join(format!("baselines/{}.json", mgmt.id)));
    let logs = dir.path().join("ct");
    let did = mgmt.seed(
        "org_accounts_change.py",
        &[&org.to_string(), logs.to_str().unwrap()],
    );
    let cut = did["cut"].as_str().unwrap();

    let (code_all, all) = scan(&mgmt, dir.path(), "org", &logs);
    assert_eq!(code_all, 1, "unauthorized changes: {all:#}");
    assert_eq!(all["schema"], "driftwatch.accounts/v1");
    assert_eq!(all["summary"]["accounts"], 6);
    assert_eq!(all["summary"]["unreachable"], serde_json::json!([cut]));
    for a in did["changed"].as_array().unwrap() {
        let a = a.as_str().unwrap();
        let s = section(&all, a);
        assert!(s["account_name"].as_str().unwrap().starts_with("team-"));
        let changes = s["changes"].as_array().unwrap();
        assert_eq!(changes.len(), 1, "{a}: {changes:#?}");
        assert_eq!(changes[0]["resource"]["id"], "iam.user/global/intruder");
        assert_eq!(changes[0]["verdict"], "unauthorized");
        assert_eq!(
            changes[0]["actor"]["arn"],
            format!("arn:aws:iam::{a}:user/mallory"),
            "the change is attributed to its own account's record"
        );
        // The other accounts' records were never this account's.
        let ledger = &s["cloudtrail"]["ledger"];
        assert_eq!(ledger["read"], 1, "{ledger:#}");
        assert_eq!(ledger["explained"], 1, "{ledger:#}");
    }
    let gone = section(&all, cut);
    assert_eq!(gone["coverage"][0]["service"], "account-access");
    assert_eq!(gone["coverage"][0]["status"], "denied");
    assert!(gone["changes"].as_array().unwrap().is_empty());
    assert_eq!(section(&all, &mgmt.id)["summary"]["changes"], 0);

    // Only the account that cannot be reached is wrong: exit 3.
    let quiet = format!("{},{cut}", mgmt.id);
    let (code_gap, gap) = scan(&mgmt, dir.path(), &quiet, &logs);
    assert_eq!(code_gap, 3, "{gap:#}");
    assert_eq!(gap["summary"]["incomplete"], serde_json::json!([cut]));

    // Two shards, merged, are the run over both.
    let ids: Vec<&str> = members
        .iter()
        .map(String::as_str)
        .chain([mgmt.id.as_str()])
        .collect();
    let (a, b) = ids.split_at(3);
    let shard = |ids: &[&str], name: &str| {
        let (_, r) = scan(&mgmt, dir.path(), &ids.join(","), &logs);
        let p = dir.path().join(name);
        std::fs::write(&p, serde_json::to_vec(&r).unwrap()).unwrap();
        p
    };
    let (pa, pb) = (shard(a, "a.json"), shard(b, "b.json"));
    let out = run(driftwatch()
        .args(["merge", "--format", "json"])
        .arg(&pa)
        .arg(&pb));
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let merged: Value = serde_json::from_slice(&out.stdout).unwrap();
    // The listed shards carry no names (Organizations was not asked).
    let mut all_unnamed = all.clone();
    for s in all_unnamed["accounts"].as_array_mut().unwrap() {
        s.as_object_mut().unwrap().remove("account_name");
    }
    let (merged, all_unnamed) = (timeless(merged), timeless(all_unnamed));
    for (m, a) in merged["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .zip(all_unnamed["accounts"].as_array().unwrap())
    {
        for (k, v) in a.as_object().unwrap() {
            assert_eq!(&m[k], v, "{}: {k}", a["account"]);
        }
    }
    assert_eq!(merged, all_unnamed);

    // A change approved from the organization's report lands in its own
    // account's baseline, and the next scan calls it approved.
    let first = did["changed"][0].as_str().unwrap();
    let id = section(&all, first)["changes"][0]["id"].as_str().unwrap();
    let report = dir.path().join("org.json");
    std::fs::write(&report, serde_json::to_vec(&all).unwrap()).unwrap();
    let out = run(in_dir(&mgmt, dir.path())
        .args([
            "baseline",
            "approve",
            id,
            "--reason",
            "CHG-7",
            "--from-report",
        ])
        .arg(&report));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let b = read_json(&dir.path().join(format!("baselines/{first}.json")));
    assert_eq!(b["approvals"][0]["change_id"], id);
    let (_, again) = scan(&mgmt, dir.path(), first, &logs);
    // Approved: counted, no longer listed.
    assert_eq!(section(&again, first)["summary"]["approved"], 1);
    assert_eq!(section(&again, first)["changes"], json!([]));

    // Accepting the whole state, account by account: the next scan of
    // those accounts is clean.
    let two = did["changed"].as_array().unwrap()[..2]
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect::<Vec<_>>()
        .join(",");
    let out = run(in_dir(&mgmt, dir.path())
        .args([
            "baseline",
            "approve",
            "--all",
            "--reason",
            "reviewed in PR 9",
        ])
        .args(["--accounts", &two]));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let (clean, r) = scan(&mgmt, dir.path(), &two, &logs);
    assert_eq!(r["summary"]["changes"], 0, "{r:#}");
    assert_eq!(clean, 0, "{r:#}");

    // The table leads with one row per account.
    let out = run(driftwatch()
        .args(["merge", "--format", "table"])
        .arg(&report));
    let table = stdout(&out);
    assert!(
        table.starts_with("driftwatch: 6 accounts: 4 failing, 1 incomplete, 1 unreachable"),
        "{table}"
    );
    assert!(table.contains("unreachable: AccessDenied"), "{table}");
    assert!(
        table.contains(&format!("driftwatch: account {first} (team-")),
        "{table}"
    );

    // Athena over moto (which answers every query with no rows): the
    // query runs once for the run, and each account reads its share.
    let (_, athena) = scan(
        &mgmt,
        dir.path(),
        &members[..2].join(","),
        Path::new("athena://primary/trails.cloudtrail_org"),
    );
    for m in &members[..2] {
        let s = section(&athena, m);
        assert_eq!(
            s["coverage"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["service"] == "cloudtrail-events")
                .count(),
            1,
            "{s:#}"
        );
        let source = s["cloudtrail"]["sources"][0].as_str().unwrap();
        assert!(
            source.starts_with("athena://primary/trails.cloudtrail_org (query "),
            "{source}"
        );
    }

    let out = run(driftwatch()
        .args(["merge", "--format", "markdown"])
        .arg(&report));
    let md = stdout(&out);
    assert!(
        md.starts_with("# driftwatch: 6 accounts: 4 failing"),
        "{md}"
    );
    assert_eq!(md.matches("## driftwatch: account ").count(), 6, "{md}");

    // A shard given twice is refused before anything is written.
    let out = run(driftwatch().args(["merge"]).arg(&pa).arg(&pa));
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("also in"), "{}", stderr(&out));
}
