//! The EC2 data-sharing surface over moto (plus the account settings moto
//! lacks, from tests/moto_plus.py): snapshots and AMIs with whom each is
//! shared, and each region's settings, collected with their fields; every
//! sharing check fires on its planted problem and not on the look-alike
//! (a known account, a guarded region); sharing data out is diffed and
//! attributed.

use crate::common::*;
use serde_json::{json, Value};

const REGIONS: [&str; 4] = ["--region", "us-east-1", "--region", "eu-west-1"];
const CHECKS: [&str; 9] = [
    "EBS001", "EBS002", "EBS003", "EBS004", "AMI001", "AMI002", "AMI003", "EC2003", "EC2004",
];

fn attrs<'a>(snap: &'a Value, kind: &str, region: &str, native: &Value) -> &'a Value {
    let id = format!("{kind}/{region}/{}", native.as_str().unwrap_or_default());
    &snap["resources"]
        .get(&id)
        .unwrap_or_else(|| panic!("{id} not in the snapshot"))["attrs"]
}

#[test]
fn snapshots_images_and_region_settings_are_collected_with_their_fields() {
    let acct = Account::new();
    let made = acct.seed("sharing.py", &[]);
    let dir = tempdir();
    let path = dir.path().join("snap.json");
    acct.snapshot_to(&path, &REGIONS);
    let snap = read_json(&path);
    let e = "us-east-1";
    let public = attrs(&snap, "ec2.snapshot", e, &made["snap_public"]);
    assert_eq!(public["shared_with"]["public"], true);
    assert_eq!(public["encrypted"], false);
    assert_eq!(public["volume_size_gib"], 1);
    assert!(public["volume_id"].as_str().unwrap().starts_with("vol-"));
    assert_eq!(
        attrs(&snap, "ec2.snapshot", e, &made["snap_foreign"])["shared_with"]["accounts"],
        json!(["444455556666", "999988887777"])
    );
    assert_eq!(
        attrs(&snap, "ec2.snapshot", e, &made["snap_private"])["shared_with"],
        json!({"public": false, "accounts": [], "organizations": [], "organizational_units": []})
    );
    // Only the account's own snapshots: moto lists every public AMI's
    // snapshot for OwnerIds=self, the collector keeps its own.
    let ours = snap["resources"]
        .as_object()
        .unwrap()
        .values()
        .filter(|r| r["kind"] == "ec2.snapshot")
        .count();
    assert!(ours < 20, "{ours} snapshots: someone else's were kept");
    let ami = attrs(&snap, "ec2.image", e, &made["ami_public"]);
    assert_eq!(ami["public"], true);
    assert_eq!(ami["name"], "public-image");
    assert_eq!(ami["shared_with"]["public"], true);
    assert_eq!(ami["snapshot_ids"].as_array().unwrap().len(), 1);
    assert_eq!(
        attrs(&snap, "ec2.image", e, &made["ami_foreign"])["shared_with"]["accounts"],
        json!(["999988887777"])
    );
    let east = attrs(&snap, "ec2.region_settings", e, &json!(e));
    assert_eq!(east["serial_console_access"], true);
    assert_eq!(east["snapshot_block_public_access"], "unblocked");
    assert_eq!(east["image_block_public_access"], "unblocked");
    assert_eq!(east["ebs_encryption_by_default"], false);
    assert_eq!(
        east["ebs_default_kms_key"],
        format!("arn:aws:kms:us-east-1:{}:alias/aws/ebs", acct.id)
    );
    let w = "eu-west-1";
    let west = attrs(&snap, "ec2.region_settings", w, &json!(w));
    assert_eq!(west["serial_console_access"], false);
    assert_eq!(west["snapshot_block_public_access"], "block-all-sharing");
    assert_eq!(west["image_block_public_access"], "block-new-sharing");
    assert_eq!(west["ebs_encryption_by_default"], true);
    assert_eq!(west["metadata_defaults"]["http_tokens"], "required");
    assert_eq!(
        attrs(&snap, "ec2.snapshot", w, &made["snap_west"])["shared_with"]["public"],
        false
    );
    assert_eq!(snap["coverage"]["ec2/eu-west-1"]["status"], "complete");
}

#[test]
fn sharing_checks_fire_on_planted_problems_only() {
    let acct = Account::new();
    let made = acct.seed("sharing.py", &[]);
    let dir = tempdir();
    let picked = |f: &Value| CHECKS.contains(&f["check"].as_str().unwrap());
    assert_eq!(acct.findings(dir.path(), &REGIONS, picked), expected(&made));
}

#[test]
fn sharing_data_out_is_diffed_and_attributed() {
    let acct = Account::new();
    let made = acct.seed("sharing.py", &[]);
    let dir = tempdir();
    let (base, logs, did) =
        acct.change_after_baseline(dir.path(), &REGIONS, "sharing_change.py", &made);
    let r = acct.scan_with_trail(&base, &logs, &REGIONS);
    acct.assert_mallory_did(&r, &did);
    let settings = change_for(&r, "ec2.region_settings/eu-west-1/eu-west-1");
    let mut paths: Vec<&str> = settings["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        ["serial_console_access", "snapshot_block_public_access"]
    );
    let ami = change_for(
        &r,
        &format!(
            "ec2.image/us-east-1/{}",
            made["ami_private"].as_str().unwrap()
        ),
    );
    assert_eq!(ami["risk"], "data", "{ami:#}");
}

const RDS_CHECKS: [&str; 5] = ["RDS001", "RDS002", "RDS003", "RDS004", "RDS005"];

#[test]
fn rds_is_collected_checked_and_its_sharing_attributed() {
    let acct = Account::new();
    let made = acct.seed("rds.py", &[]);
    let dir = tempdir();
    let east = ["--region", "us-east-1"];
    let path = dir.path().join("snap.json");
    acct.snapshot_to(&path, &east);
    let snap = read_json(&path);
    let e = "us-east-1";
    let open = attrs(&snap, "rds.instance", e, &made["open_db"]);
    assert_eq!(open["publicly_accessible"], true);
    assert_eq!(open["engine"], "postgres");
    assert_eq!(open["port"], 5432);
    assert_eq!(open["security_groups"], json!([made["open_sg"]]));
    assert_eq!(
        attrs(&snap, "rds.instance", e, &made["private_db"])["storage_encrypted"],
        true
    );
    let foreign = attrs(&snap, "rds.snapshot", e, &made["snap_foreign"]);
    assert_eq!(foreign["snapshot_type"], "manual");
    assert_eq!(foreign["source"], "private-db");
    assert_eq!(
        foreign["shared_with"]["accounts"],
        json!(["444455556666", "999988887777"])
    );
    assert_eq!(
        attrs(&snap, "rds.snapshot", e, &made["snap_public"])["shared_with"]["public"],
        true
    );
    assert_eq!(snap["coverage"]["rds/us-east-1"]["status"], "complete");

    let picked = |f: &Value| RDS_CHECKS.contains(&f["check"].as_str().unwrap());
    assert_eq!(acct.findings(dir.path(), &east, picked), expected(&made));

    let (base, logs, did) = acct.change_after_baseline(dir.path(), &east, "rds_change.py", &made);
    let r = acct.scan_with_trail(&base, &logs, &east);
    acct.assert_mallory_did(&r, &did);
    for id in did["changed"].as_array().unwrap() {
        assert_eq!(change_for(&r, id.as_str().unwrap())["risk"], "data");
    }
}

const LAMBDA_CHECKS: [&str; 3] = ["LAMBDA001", "LAMBDA002", "LAMBDA003"];

#[test]
fn lambda_functions_are_collected_checked_and_a_backdoor_attributed() {
    let acct = Account::new();
    let made = acct.seed("lambda.py", &[]);
    let dir = tempdir();
    let east = ["--region", "us-east-1"];
    let path = dir.path().join("snap.json");
    acct.snapshot_to(&path, &east);
    let snap = read_json(&path);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        !text.contains(made["secret"].as_str().unwrap()),
        "an env value was written"
    );
    let e = "us-east-1";
    let clean = attrs(&snap, "lambda.function", e, &made["clean"]);
    assert_eq!(
        clean["environment_variables"],
        json!(["DB_HOST", "DB_PASSWORD"])
    );
    assert_eq!(clean["runtime"], "python3.12");
    assert!(clean["code_sha256"].is_string());
    assert_eq!(clean["policy"], Value::Null);
    assert_eq!(clean["urls"], json!([]));
    let public = attrs(&snap, "lambda.function", e, &made["public-fn"]);
    assert_eq!(public["policy"]["Statement"][0]["Principal"], "*");
    let url = &attrs(&snap, "lambda.function", e, &made["open-url-fn"])["urls"][0];
    assert_eq!(url["auth_type"], "NONE");
    assert_eq!(snap["coverage"]["lambda/us-east-1"]["status"], "complete");

    let picked = |f: &Value| LAMBDA_CHECKS.contains(&f["check"].as_str().unwrap());
    assert_eq!(acct.findings(dir.path(), &east, picked), expected(&made));

    let (base, logs, did) =
        acct.change_after_baseline(dir.path(), &east, "lambda_change.py", &made);
    let r = acct.scan_with_trail(&base, &logs, &east);
    assert!(!r.to_string().contains(made["secret"].as_str().unwrap()));
    acct.assert_mallory_did(&r, &did);
    let c = change_for(&r, did["changed"][0].as_str().unwrap());
    let mut events: Vec<&str> = c["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap_or_default())
        .collect();
    events.sort();
    assert_eq!(
        events,
        ["AddPermission20150331v2", "CreateFunctionUrlConfig20211031"],
        "{c:#}"
    );
}
