//! The logging and detection layer over moto: trails, GuardDuty detectors,
//! Config recorders and delivery channels, VPCs and flow logs, Resolver
//! query logging, Security Hub, CloudFront distributions, load balancers,
//! and the bucket settings that keep logs, each collected with its fields; every
//! visibility check fires on its planted problem and not on the look-alike;
//! an intruder's weakening of the layer is diffed and attributed.

use crate::common::*;
use serde_json::Value;

const REGIONS: [&str; 4] = ["--region", "us-east-1", "--region", "eu-west-1"];

fn resource<'a>(snap: &'a Value, id: &str) -> &'a Value {
    snap["resources"]
        .get(id)
        .unwrap_or_else(|| panic!("{id} not in the snapshot"))
}

#[test]
fn every_visibility_kind_is_collected_with_its_fields() {
    let acct = Account::new();
    let made = acct.seed("visibility.py", &[]);
    let dir = tempdir();
    let path = dir.path().join("snap.json");
    acct.snapshot_to(&path, &REGIONS);
    let snap = read_json(&path);
    for key in ["cloudtrail", "guardduty", "config"] {
        for region in ["us-east-1", "eu-west-1"] {
            assert_eq!(
                snap["coverage"][format!("{key}/{region}")]["status"],
                "complete"
            );
        }
    }
    let main = &resource(&snap, "cloudtrail.trail/us-east-1/main")["attrs"];
    assert_eq!(main["log_file_validation"], true);
    assert_eq!(main["s3_bucket"], made["good"]);
    assert_eq!(main["kms_key"], made["key"]);
    assert_eq!(main["status"]["is_logging"], true);
    assert_eq!(main["captures"]["management_write"], true);
    let short = &resource(&snap, "cloudtrail.trail/us-east-1/short")["attrs"];
    assert_eq!(short["status"]["is_logging"], false);
    assert_eq!(short["log_file_validation"], false);
    let eu = &resource(&snap, "cloudtrail.trail/eu-west-1/eu-trail")["attrs"];
    assert_eq!(eu["captures"]["management_read"], true);
    assert_eq!(eu["captures"]["management_write"], false);
    // Each trail once, in its home region.
    let trails = snap["resources"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| k.starts_with("cloudtrail.trail/"))
        .count();
    assert_eq!(trails, 3);

    let det = format!(
        "guardduty.detector/us-east-1/{}",
        made["detector"].as_str().unwrap()
    );
    assert_eq!(resource(&snap, &det)["attrs"]["status"], "ENABLED");
    let rec = &resource(&snap, "config.recorder/us-east-1/default")["attrs"];
    assert_eq!(rec["recording"], true);
    assert_eq!(rec["all_supported"], true);
    assert_eq!(
        resource(&snap, "config.recorder/eu-west-1/default")["attrs"]["recording"],
        false
    );
    assert_eq!(
        resource(&snap, "config.delivery_channel/us-east-1/default")["attrs"]["s3_bucket"],
        made["good"]
    );
    let flow = format!(
        "ec2.flow_log/us-east-1/{}",
        made["flow_log"].as_str().unwrap()
    );
    let flow = &resource(&snap, &flow)["attrs"];
    assert_eq!(flow["resource_id"], made["default_vpc"]);
    assert_eq!(flow["traffic_type"], "ALL");
    assert_eq!(flow["destination_type"], "s3");
    let bare = format!("ec2.vpc/us-east-1/{}", made["bare_vpc"].as_str().unwrap());
    assert_eq!(resource(&snap, &bare)["attrs"]["cidr_block"], "10.9.0.0/16");

    let good = format!("s3.bucket/global/{}", made["good"].as_str().unwrap());
    let good = &resource(&snap, &good)["attrs"];
    assert_eq!(good["versioning"]["status"], "Enabled", "{good:#}");
    assert_eq!(good["lifecycle"][0]["expiration_days"], 400);
    let short_bucket = format!("s3.bucket/global/{}", made["short"].as_str().unwrap());
    let short_bucket = &resource(&snap, &short_bucket)["attrs"];
    assert_eq!(short_bucket["logging"]["target_bucket"], made["good"]);
    assert_eq!(short_bucket["logging"]["target_prefix"], "access/");
    assert_eq!(short_bucket["lifecycle"][0]["expiration_days"], 30);
    assert_eq!(short_bucket["replication"], Value::Null);
    let qlc = format!(
        "route53resolver.query_log_config/us-east-1/{}",
        made["query_log_config"].as_str().unwrap()
    );
    assert_eq!(
        resource(&snap, &qlc)["attrs"]["vpcs"],
        serde_json::json!([made["default_vpc"]])
    );
    assert!(snap["resources"]
        .get("securityhub.hub/us-east-1/default")
        .is_some());
    assert!(snap["resources"]
        .get("securityhub.hub/eu-west-1/default")
        .is_none());
    let cf = format!(
        "cloudfront.distribution/global/{}",
        made["cf_logged"].as_str().unwrap()
    );
    let cf = &resource(&snap, &cf)["attrs"];
    assert_eq!(cf["enabled"], true);
    assert_eq!(
        cf["viewer_protocol_policies"],
        serde_json::json!(["redirect-to-https"])
    );
    assert_eq!(cf["logging"]["prefix"], "cf/");
    let lb = &resource(&snap, "elbv2.load_balancer/us-east-1/web-logged")["attrs"];
    assert_eq!(lb["scheme"], "internet-facing");
    assert_eq!(lb["access_logs"]["bucket"], made["good"]);
    assert_eq!(
        resource(&snap, "elbv2.load_balancer/us-east-1/internal")["attrs"]["scheme"],
        "internal"
    );
    // Every enabled region, scanned or not, is an account.region.
    assert!(snap["resources"]
        .get("account.region/global/ap-southeast-2")
        .is_some());
}

#[test]
fn visibility_checks_fire_on_planted_problems_only() {
    let acct = Account::new();
    let made = acct.seed("visibility.py", &[]);
    let dir = tempdir();
    let visibility = |f: &Value| f["risk"] == "visibility";
    assert_eq!(
        acct.findings(dir.path(), &REGIONS, visibility),
        expected(&made)
    );
}

#[test]
fn weakening_the_logging_layer_is_diffed_and_attributed() {
    let acct = Account::new();
    let made = acct.seed("visibility.py", &[]);
    let dir = tempdir();
    let (base, logs, did) =
        acct.change_after_baseline(dir.path(), &REGIONS, "visibility_change.py", &made);
    let r = acct.scan_with_trail(&base, &logs, &REGIONS);
    acct.assert_mallory_did(&r, &did);
    let trail = change_for(&r, "cloudtrail.trail/us-east-1/main");
    let paths: Vec<&str> = trail["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"status.is_logging"), "{paths:?}");
    assert!(paths.contains(&"log_file_validation"), "{paths:?}");
    let mut events: Vec<&str> = trail["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    // Both in the same second: their order is CloudTrail's, not asserted.
    events.sort();
    assert_eq!(events, ["StopLogging", "UpdateTrail"]);
    let flow = format!(
        "ec2.flow_log/us-east-1/{}",
        made["flow_log"].as_str().unwrap()
    );
    assert_eq!(change_for(&r, &flow)["change"], "removed");
}
