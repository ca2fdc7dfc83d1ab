//! Item 7 of the first-hour issue: the IAM policy shipped in `iam/` grants
//! every operation the code calls, and nothing that writes. The calls are
//! made in this process, on an SDK configuration holding the test
//! account's credentials (never the process environment, which every other
//! test's threads read).

use crate::common::*;
use serde_json::Value;

/// IAM action names for the operations the SDK reports (`Service.Operation`),
/// where they differ from the operation name.
fn iam_action(op: &str) -> String {
    let (service, name) = op.split_once('.').unwrap();
    let service = service.replace(' ', "");
    let prefix = match service.to_ascii_lowercase().as_str() {
        "s3control" => "s3".to_string(),
        "configservice" => "config".to_string(),
        "elasticloadbalancingv2" => "elasticloadbalancing".to_string(),
        s => s.to_string(),
    };
    let name = match (prefix.as_str(), name) {
        ("s3", "ListBuckets") => "ListAllMyBuckets",
        ("s3", "ListObjectsV2") => "ListBucket",
        ("s3", "GetPublicAccessBlock") if service.eq_ignore_ascii_case("s3control") => {
            "GetAccountPublicAccessBlock"
        }
        ("s3", "GetPublicAccessBlock") => "GetBucketPublicAccessBlock",
        ("s3", "GetBucketEncryption") => "GetEncryptionConfiguration",
        ("s3", "GetBucketLifecycleConfiguration") => "GetLifecycleConfiguration",
        ("s3", "GetBucketReplication") => "GetReplicationConfiguration",
        ("s3", "GetObjectLockConfiguration") => "GetBucketObjectLockConfiguration",
        (_, n) => n,
    };
    format!("{prefix}:{name}")
}

/// The actions a policy file in `iam/` grants (`Action` a string or a list).
fn granted(file: &str) -> Vec<String> {
    let policy: Value =
        serde_json::from_slice(&std::fs::read(repo_root().join("iam").join(file)).unwrap())
            .unwrap();
    policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| match &s["Action"] {
            Value::Array(a) => a.clone(),
            one => vec![one.clone()],
        })
        .map(|a| a.as_str().unwrap().to_string())
        .collect()
}

/// The operations called (`Service.Operation`) that `granted` lacks;
/// GetCallerIdentity needs no permission.
fn ungranted<'a>(ops: impl Iterator<Item = &'a String>, granted: &[String]) -> Vec<String> {
    ops.map(|op| iam_action(op))
        .filter(|a| a != "sts:GetCallerIdentity" && !granted.contains(a))
        .collect()
}

/// Item 7: every operation a snapshot calls is granted by the shipped policy.
#[test]
fn least_privilege_policy_grants_every_call_the_code_makes() {
    let acct = Account::new();
    acct.seed("account.py", &[]);
    // Trails, a detector, a recorder and bucket settings, so every per-item
    // call is made.
    acct.seed("visibility.py", &[]);
    // Keys, queues, topics, secrets and Roles Anywhere: their per-item calls.
    acct.seed("policies.py", &[]);
    let granted = granted("driftwatch-readonly.json");
    let mut opts = driftwatch::aws::AwsOptions {
        regions: vec!["us-east-1".into()],
        endpoint_url: Some(acct.endpoint.clone()),
        concurrency: 8,
        ..Default::default()
    };
    opts.profile = None;
    // The CLI collects on the main thread (8 MiB of stack); a test thread
    // has 2 MiB, less than twenty services' SDK futures take to poll in a
    // debug build.
    let stats = std::thread::Builder::new()
        .stack_size(16 << 20)
        .spawn(move || {
            let rt = tokio::runtime::Runtime::new().unwrap();
            rt.block_on(Box::pin(async {
                let sdk = sdk_as(&acct).await;
                let mut session = driftwatch::aws::Session::with_sdk(&opts, sdk)
                    .await
                    .unwrap();
                let regions = session.regions(&opts.regions).await.unwrap();
                Box::pin(session.collect(regions)).await.1
            }))
        })
        .unwrap()
        .join()
        .unwrap();
    assert!(stats.by_operation.len() > 15, "{:?}", stats.by_operation);
    let missing = ungranted(stats.by_operation.keys(), &granted);
    assert!(
        missing.is_empty(),
        "iam/driftwatch-readonly.json lacks {missing:?}"
    );
    // And every call is one its service's registry entry declares.
    let declared: Vec<String> = driftwatch::aws::iam_actions()
        .into_iter()
        .map(|(_, a)| a.to_string())
        .collect();
    let undeclared = ungranted(stats.by_operation.keys(), &declared);
    assert!(
        undeclared.is_empty(),
        "no service in src/aws/services.rs declares {undeclared:?}"
    );
    // The policy grants nothing that writes. GenerateCredentialReport is
    // the one exception by name: IAM's own reference classes it as Read
    // (it renders a report of the account, changing no identity), and the
    // report cannot be had without it.
    for a in &granted {
        let verb = a.split(':').nth(1).unwrap();
        assert!(
            ["Describe", "List", "Get", "Lookup"]
                .iter()
                .any(|v| verb.starts_with(v))
                || a == "iam:GenerateCredentialReport",
            "{a} is not read-only"
        );
    }
}

/// The first hop of a run over many accounts: every call it makes (the
/// identity, listing the organization's accounts, with and without units)
/// is granted by `iam/driftwatch-organization.json`, which also grants the
/// AssumeRole the SDK's provider makes into each account; `--ou` reads the
/// accounts under a unit and the units below it.
#[test]
fn the_organization_policy_grants_what_the_first_hop_calls() {
    let mgmt = Account::new();
    let org = mgmt.seed("org_accounts.py", &["3"]);
    let granted = granted("driftwatch-organization.json");
    assert!(granted.contains(&"sts:AssumeRole".to_string()));
    let opts = driftwatch::aws::AwsOptions {
        regions: vec!["us-east-1".into()],
        endpoint_url: Some(mgmt.endpoint.clone()),
        ..Default::default()
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (all, under, ops) = rt.block_on(async {
        let sdk = sdk_as(&mgmt).await;
        let hop = driftwatch::aws::accounts::FirstHop::with_sdk(&opts, sdk)
            .await
            .unwrap();
        let all = hop.members(&[]).await.unwrap();
        let unit = org["unit"].as_str().unwrap().to_string();
        let under = hop.members(&[unit]).await.unwrap();
        (all, under, hop.operations())
    });
    let ids = |ms: &[driftwatch::aws::accounts::Member]| -> Vec<String> {
        ms.iter().map(|m| m.id.clone()).collect()
    };
    let members: Vec<String> = serde_json::from_value(org["members"].clone()).unwrap();
    let mut want_all = members.clone();
    want_all.push(mgmt.id.clone());
    want_all.sort();
    assert_eq!(ids(&all), want_all);
    let mut want_under = members[1..].to_vec();
    want_under.sort();
    assert_eq!(
        ids(&under),
        want_under,
        "the unit's account and its child unit's"
    );
    let missing = ungranted(ops.keys(), &granted);
    assert!(ops.len() >= 3, "{ops:?}");
    assert!(
        missing.is_empty(),
        "iam/driftwatch-organization.json lacks {missing:?}"
    );
}

/// The Athena source's own calls (the query, waiting for it, its rows) are
/// granted by `iam/driftwatch-athena.json`; what Athena itself reads (Glue,
/// the trail's bucket, the results) that policy grants too, by AWS's
/// documentation, which moto does not check.
#[test]
fn the_athena_policy_grants_what_the_athena_source_calls() {
    let acct = Account::new();
    let opts = driftwatch::aws::AwsOptions {
        regions: vec!["us-east-1".into()],
        endpoint_url: Some(acct.endpoint.clone()),
        ..Default::default()
    };
    let source: driftwatch::aws::cloudtrail::TrailSource =
        "athena://primary/trails.cloudtrail_org".parse().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sdk = rt.block_on(sdk_as(&acct));
    let read = rt.block_on(driftwatch::aws::cloudtrail::read_events_with_sdk(
        &opts,
        Some(sdk),
        &source,
        &acct.id,
        &["us-east-1".into()],
        driftwatch::trail::source::Window::default(),
        None,
    ));
    assert_eq!(
        read.coverage[0].status,
        driftwatch::model::CoverageStatus::Complete,
        "{:?}",
        read.coverage
    );
    assert!(read.operations.len() >= 3, "{:?}", read.operations);
    let missing = ungranted(read.operations.keys(), &granted("driftwatch-athena.json"));
    assert!(
        missing.is_empty(),
        "iam/driftwatch-athena.json lacks {missing:?}"
    );
}
