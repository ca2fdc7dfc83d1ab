//! Each kind read alone by its id, as `watch` and change-driven reads will:
//! for every resource of a seeded account, the one read gives exactly what
//! the full read gave, with a reader of its own (groups, instances,
//! buckets, keys) or through its service's unit; a resource that is gone
//! reads as absent, and the calls made are ones the shipped policy grants.

use crate::common::*;
use driftwatch::model::Fetched;
use serde_json::Value;

#[test]
fn every_resource_read_alone_equals_the_full_read() {
    let acct = Account::new();
    let made = acct.seed("account.py", &[]);
    acct.seed("visibility.py", &[]);
    acct.seed("policies.py", &[]);
    let dir = tempdir();
    let path = dir.path().join("snap.json");
    acct.snapshot_to(&path, &["--region", "us-east-1,eu-west-1"]);
    let snap = read_json(&path);
    // Two of every kind: each kind's reader (or its unit) is what is
    // tested; a unit read once per resource of a large account is not.
    let mut per_kind: std::collections::BTreeMap<String, usize> = Default::default();
    let ids: Vec<String> = snap["resources"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|id| {
            let n = per_kind
                .entry(id.split('/').next().unwrap().to_string())
                .or_default();
            *n += 1;
            *n <= 2
        })
        .cloned()
        .collect();
    let opts = driftwatch::aws::AwsOptions {
        regions: vec!["us-east-1".into(), "eu-west-1".into()],
        endpoint_url: Some(acct.endpoint.clone()),
        ..Default::default()
    };
    let gone = format!(
        "ec2.security_group/us-east-1/{}x",
        made["security_groups"]["us-east-1"]["web"]
            .as_str()
            .unwrap()
    );
    let (read, missing) = std::thread::Builder::new()
        .stack_size(16 << 20)
        .spawn(move || {
            let rt = tokio::runtime::Runtime::new().unwrap();
            rt.block_on(async {
                let sdk = sdk_as(&acct).await;
                let mut s = driftwatch::aws::Session::with_sdk(&opts, sdk)
                    .await
                    .unwrap();
                let regions = s.regions(&opts.regions).await.unwrap();
                let mut read = Vec::new();
                for id in &ids {
                    read.push((id.clone(), s.read_resource(id, &regions).await));
                }
                (read, s.read_resource(&gone, &regions).await)
            })
        })
        .unwrap()
        .join()
        .unwrap();
    assert!(read.len() > 30, "{} resources", read.len());
    let mut kinds = std::collections::BTreeSet::new();
    for (id, got) in read {
        let Fetched::Present(r) = got else {
            panic!("{id} read alone: {got:?}");
        };
        let want = &snap["resources"][&id];
        let got: Value = serde_json::to_value(&r).unwrap();
        assert_eq!(&got, want, "{id}");
        kinds.insert(r.kind.clone());
    }
    for k in [
        "ec2.security_group",
        "ec2.instance",
        "s3.bucket",
        "kms.key",
        "iam.role",
    ] {
        assert!(kinds.contains(k), "no {k} read");
    }
    assert_eq!(missing, Fetched::Absent, "a group that is not there");
}
