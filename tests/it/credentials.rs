//! The IAM credential report over moto: each user's row lands on the user
//! with its fields; a user with no password or keys has empty slots; the
//! root user, whom moto's report leaves out, is unknown, never "unused".

use crate::common::*;
use serde_json::Value;

#[test]
fn credential_report_rows_land_on_their_users() {
    let acct = Account::new();
    let made = acct.seed("credentials.py", &[]);
    let dir = tempdir();
    let path = dir.path().join("snap.json");
    acct.snapshot_to(&path, &["--region", "us-east-1"]);
    let snap = read_json(&path);
    let user = |name: &Value| {
        let id = format!("iam.user/global/{}", name.as_str().unwrap());
        snap["resources"][&id]["attrs"]["credentials"].clone()
    };
    let alice = user(&made["user"]);
    assert_eq!(alice["password_enabled"], true, "{alice:#}");
    assert_eq!(alice["mfa_active"], false);
    assert_eq!(alice["access_key_1"]["active"], true);
    assert_eq!(alice["access_key_1"]["last_rotated"], made["key1_created"]);
    assert_eq!(alice["access_key_1"]["last_used"], Value::Null);
    assert_eq!(alice["access_key_2"]["active"], false);
    assert!(alice["password_last_changed"].is_string());
    let bob = user(&made["bare"]);
    assert_eq!(bob["password_enabled"], false, "{bob:#}");
    assert_eq!(bob["access_key_1"], Value::Null);
    assert_eq!(bob["access_key_2"], Value::Null);
    let root =
        &snap["resources"]["iam.account_summary/global/account"]["attrs"]["root_credentials"];
    // moto lists only users; tests/moto_plus.py adds the root row AWS
    // always writes (no password, no keys, no MFA on an AssumeRole account).
    assert_eq!(root["mfa_active"], false, "{root:#}");
    assert_eq!(
        root["password_enabled"],
        Value::Null,
        "not_supported is no answer"
    );
    assert_eq!(root["access_key_1"], Value::Null);
    assert_eq!(snap["coverage"]["iam/global"]["status"], "complete");
}
