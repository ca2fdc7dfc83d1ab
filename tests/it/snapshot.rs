//! `driftwatch snapshot` against moto server: every seeded resource with its
//! fields, byte-identical across runs, and honest coverage when a service is
//! denied.

use crate::common::*;
use serde_json::Value;

fn snapshot(acct: &Account, extra: &[&str]) -> (std::process::Output, Value) {
    let out = run(acct
        .driftwatch()
        .args(["snapshot", "--region", "us-east-1", "--region", "eu-west-1"])
        .args(extra));
    let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out, v)
}

fn res<'a>(snap: &'a Value, id: &str) -> &'a Value {
    let r = &snap["resources"][id];
    assert!(
        !r.is_null(),
        "resource {id} missing; have: {:?}",
        snap["resources"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>()
    );
    &r["attrs"]
}

#[test]
fn snapshot_holds_every_seeded_resource_and_is_byte_identical() {
    let acct = Account::new();
    let made = acct.seed("account.py", &[]);
    let (out, snap) = snapshot(&acct, &[]);
    assert_eq!(code(&out), 0, "stderr: {}", stderr(&out));
    assert_eq!(snap["schema"], "driftwatch.snapshot/v1");
    assert_eq!(snap["account"], acct.id.as_str());
    assert_eq!(
        snap["regions"],
        serde_json::json!(["eu-west-1", "us-east-1"])
    );
    for key in [
        "ec2/us-east-1",
        "ec2/eu-west-1",
        "s3/global",
        "iam/global",
        "route53/global",
    ] {
        assert_eq!(snap["coverage"][key]["status"], "complete", "{key}");
    }

    // EC2 in both regions.
    for region in ["us-east-1", "eu-west-1"] {
        let iid = made["instances"][region].as_str().unwrap();
        let i = res(&snap, &format!("ec2.instance/{region}/{iid}"));
        assert_eq!(i["instance_type"], "t3.micro");
        assert_eq!(i["state"], "running");
        assert_eq!(i["image_id"], "ami-12c6146b");
        assert_eq!(i["metadata_options"]["http_tokens"], "required");
        assert_eq!(i["tags"]["Name"], format!("web-{region}"));
        assert!(i["vpc_id"].as_str().unwrap().starts_with("vpc-"));
        assert!(i["private_ip"].is_string());
        let web = made["security_groups"][region]["web"].as_str().unwrap();
        let app = made["security_groups"][region]["app"].as_str().unwrap();
        assert_eq!(i["security_groups"], serde_json::json!([web]));

        let g = res(&snap, &format!("ec2.security_group/{region}/{web}"));
        assert_eq!(g["name"], "web");
        let ingress = g["ingress"].as_array().unwrap();
        let want = [
            r#"{"description":"https","from_port":443,"protocol":"tcp","source":{"cidr_v4":"0.0.0.0/0"},"to_port":443}"#,
            r#"{"from_port":22,"protocol":"tcp","source":{"cidr_v4":"10.0.0.0/8"},"to_port":22}"#,
            r#"{"from_port":443,"protocol":"tcp","source":{"cidr_v6":"::/0"},"to_port":443}"#,
        ];
        let got: Vec<String> = ingress.iter().map(|r| r.to_string()).collect();
        for w in want {
            assert!(got.contains(&w.to_string()), "missing rule {w} in {got:?}");
        }
        assert_eq!(ingress.len(), 3);
        let a = res(&snap, &format!("ec2.security_group/{region}/{app}"));
        assert_eq!(a["ingress"][0]["source"]["group"], web);
        assert_eq!(a["ingress"][0]["from_port"], 8080);
    }
    let alloc = made["eip"]["allocation"].as_str().unwrap();
    let eip = res(&snap, &format!("ec2.elastic_ip/us-east-1/{alloc}"));
    assert_eq!(eip["public_ip"], made["eip"]["ip"]);
    assert_eq!(eip["instance_id"], made["instances"]["us-east-1"]);

    // S3, with the per-bucket region and parsed policy.
    let a = &acct.id;
    let site = res(&snap, &format!("s3.bucket/global/dw-{a}-site"));
    assert_eq!(site["region"], "eu-west-1");
    assert_eq!(site["policy"]["Statement"][0]["Principal"], "*");
    assert_eq!(
        site["policy"]["Statement"][0]["Action"],
        serde_json::json!(["s3:GetObject"])
    );
    assert_eq!(site["website"]["index_document"], "index.html");
    let logs = res(&snap, &format!("s3.bucket/global/dw-{a}-logs"));
    assert_eq!(logs["region"], "us-east-1");
    assert_eq!(logs["public_access_block"]["block_public_acls"], true);
    assert_eq!(
        logs["policy"],
        Value::Null,
        "no policy is absent, not unknown"
    );
    let shared = res(&snap, &format!("s3.bucket/global/dw-{a}-shared"));
    let grants = shared["acl"]["grants"].as_array().unwrap();
    assert!(grants.iter().any(|g| g["grantee"]
        == "http://acs.amazonaws.com/groups/global/AllUsers"
        && g["permission"] == "READ"));
    assert!(snap["resources"]["s3.account_public_access_block/global/account"].is_object());

    // IAM.
    let alice = res(&snap, "iam.user/global/alice");
    assert_eq!(alice["groups"], serde_json::json!(["admins"]));
    assert_eq!(alice["login_profile"], true);
    assert_eq!(alice["mfa_devices"], serde_json::json!([made["mfa"]]));
    assert_eq!(alice["tags"]["team"], "sec");
    let bob = res(&snap, "iam.user/global/bob");
    assert_eq!(bob["login_profile"], false);
    assert_eq!(
        bob["inline_policies"]["ec2-read"]["Statement"][0]["Action"],
        serde_json::json!(["ec2:Describe*"])
    );
    let key = made["access_key"].as_str().unwrap();
    let k = res(&snap, &format!("iam.access_key/global/{key}"));
    assert_eq!(k["user"], "bob");
    assert_eq!(k["status"], "Active");
    let text = serde_json::to_string(&snap).unwrap();
    assert!(!text.contains("SecretAccessKey") && !text.to_lowercase().contains("secret_access"));
    let admins = res(&snap, "iam.group/global/admins");
    assert_eq!(
        admins["attached_policies"],
        serde_json::json!([made["policy_arn"]])
    );
    let deploy = res(&snap, "iam.role/global/deploy");
    assert_eq!(
        deploy["trust_policy"]["Statement"][0]["Principal"]["Service"],
        serde_json::json!(["ec2.amazonaws.com"])
    );
    assert_eq!(
        deploy["inline_policies"]["inline-admin"]["Statement"][0]["Action"],
        serde_json::json!(["*"])
    );
    let pol = res(&snap, "iam.policy/global/read-logs");
    assert_eq!(
        pol["document"]["Statement"][0]["Action"],
        serde_json::json!(["s3:GetObject", "s3:ListBucket"])
    );
    assert_eq!(pol["aws_managed"], false);

    // Route53.
    let zpub = made["zones"]["public"].as_str().unwrap();
    let zpriv = made["zones"]["private"].as_str().unwrap();
    assert_eq!(
        res(&snap, &format!("route53.zone/global/{zpub}"))["private"],
        false
    );
    let pz = res(&snap, &format!("route53.zone/global/{zpriv}"));
    assert_eq!(pz["private"], true);
    assert_eq!(
        pz["vpcs"],
        serde_json::json!([format!(
            "us-east-1/{}",
            made["zones"]["vpc"].as_str().unwrap()
        )])
    );
    let www = res(
        &snap,
        &format!("route53.record/global/{zpub}/www.example.com./A"),
    );
    assert_eq!(www["values"], serde_json::json!([made["eip"]["ip"]]));
    let blog = res(
        &snap,
        &format!("route53.record/global/{zpub}/blog.example.com./CNAME"),
    );
    assert_eq!(blog["values"], serde_json::json!(["blog.example.net"]));
    let alias = res(
        &snap,
        &format!("route53.record/global/{zpub}/static.example.com./A"),
    );
    assert_eq!(
        alias["alias"]["dns_name"],
        "s3-website-us-east-1.amazonaws.com"
    );
    let db = res(
        &snap,
        &format!("route53.record/global/{zpriv}/db.corp.internal./A"),
    );
    assert_eq!(db["private_zone"], true);

    // Byte-identical on a second run, apart from the time it was taken.
    let (out2, _) = snapshot(&acct, &[]);
    assert_eq!(code(&out2), 0);
    let strip = |b: &[u8]| -> String {
        String::from_utf8_lossy(b)
            .lines()
            .filter(|l| !l.trim_start().starts_with("\"taken_at\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&out.stdout), strip(&out2.stdout));
}

#[test]
fn snapshot_to_file_and_region_discovery() {
    let acct = Account::new();
    let dir = tempdir();
    let path = dir.path().join("snap.json");
    let out = run(acct
        .driftwatch()
        .args(["snapshot", "--quiet", "-o"])
        .arg(&path));
    assert_eq!(code(&out), 0, "stderr: {}", stderr(&out));
    assert!(out.stdout.is_empty(), "with -o, stdout stays empty");
    assert!(stderr(&out).is_empty(), "--quiet prints nothing on success");
    let snap = read_json(&path);
    // Without --region, every enabled region (DescribeRegions) is scanned.
    let regions = snap["regions"].as_array().unwrap();
    assert!(regions.len() > 10, "{regions:?}");
    for r in regions {
        let key = format!("ec2/{}", r.as_str().unwrap());
        assert_eq!(snap["coverage"][&key]["status"], "complete", "{key}");
    }
}

#[test]
fn denied_service_is_recorded_in_coverage_and_exit_code_is_3() {
    let acct = Account::new();
    acct.seed("account.py", &[]);
    // S3 (and S3 Control) answer AccessDenied to everything; the rest is moto.
    let deny = fixed_http_server(
        403,
        "application/xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>",
    );
    let mut cmd = acct.driftwatch();
    cmd.env("AWS_ENDPOINT_URL_S3", &deny);
    let out = run(cmd.args(["snapshot", "--region", "us-east-1"]));
    assert_eq!(code(&out), 3, "stderr: {}", stderr(&out));
    let snap: Value = serde_json::from_slice(&out.stdout).unwrap();
    let s3 = &snap["coverage"]["s3/global"];
    assert_eq!(s3["status"], "denied");
    assert_eq!(s3["error_code"], "AccessDenied");
    assert!(
        !snap["resources"]
            .as_object()
            .unwrap()
            .keys()
            .any(|k| k.starts_with("s3.bucket/")),
        "a denied listing must not produce buckets"
    );
    // Everything else completed.
    assert_eq!(snap["coverage"]["iam/global"]["status"], "complete");
    assert_eq!(snap["coverage"]["ec2/us-east-1"]["status"], "complete");
    assert!(snap["resources"]["iam.user/global/alice"].is_object());
    assert!(
        stderr(&out).contains("s3/global denied (AccessDenied)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_credentials_are_one_error_line_and_exit_2() {
    let dir = tempdir();
    let path = dir.path().join("snap.json");
    std::fs::write(&path, "keep me").unwrap();
    let mut cmd = driftwatch();
    // An endpoint where nothing listens: identity cannot be established.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    cmd.env("AWS_ACCESS_KEY_ID", "x")
        .env("AWS_SECRET_ACCESS_KEY", "y")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_MAX_ATTEMPTS", "1")
        .args([
            "snapshot",
            "--endpoint-url",
            &format!("http://127.0.0.1:{port}"),
            "-o",
        ])
        .arg(&path);
    let out = run(&mut cmd);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("driftwatch: error: cannot establish AWS identity"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "keep me");
}

#[test]
fn a_denied_per_bucket_call_marks_that_value_unknown_not_absent() {
    let acct = Account::new();
    acct.seed("account.py", &[]);
    // GetBucketPolicy is denied for every bucket; everything else reaches moto.
    let proxy = denying_proxy(&acct.endpoint, |line| {
        line.starts_with("GET ") && line.contains("?policy ")
    });
    let dir = tempdir();
    let before = dir.path().join("before.json");
    acct.snapshot_to(&before, &["--region", "us-east-1"]);
    let mut cmd = acct.driftwatch();
    cmd.env("AWS_ENDPOINT_URL_S3", &proxy);
    let out = run(cmd.args(["snapshot", "--quiet", "--region", "us-east-1"]));
    // The listing was complete, but a value was not read: exit 3, not 0.
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let snap: Value = serde_json::from_slice(&out.stdout).unwrap();
    let a = &acct.id;
    let site = &snap["resources"][format!("s3.bucket/global/dw-{a}-site")]["attrs"];
    assert_eq!(
        site["policy"],
        serde_json::json!({"$unknown": "AccessDenied"})
    );
    assert_eq!(
        site["website"]["index_document"], "index.html",
        "other calls still answered"
    );
    let logs = &snap["resources"][format!("s3.bucket/global/dw-{a}-logs")]["attrs"];
    assert_eq!(
        logs["policy"],
        serde_json::json!({"$unknown": "AccessDenied"}),
        "unknown, never absent"
    );
    let cov = &snap["coverage"]["s3/global"];
    assert_eq!(cov["status"], "complete");
    let unknown: Vec<&str> = cov["unknown_values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        unknown.contains(&format!("dw-{a}-site.policy: AccessDenied").as_str()),
        "{unknown:?}"
    );

    // Compared with the earlier state, the unknown policy is not reported as removed.
    let after = dir.path().join("after.json");
    std::fs::write(&after, &out.stdout).unwrap();
    let out = run(driftwatch()
        .args(["diff", "--format", "json"])
        .arg(&before)
        .arg(&after));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        r["changes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["resource"]["kind"] != "s3.bucket"),
        "{:#}",
        r["changes"]
    );
    assert!(r["not_compared"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["scope"] == format!("s3.bucket/global/dw-{a}-site:policy")));
}

#[test]
fn a_denied_bucket_location_leaves_the_region_unknown_never_guessed() {
    let acct = Account::new();
    acct.seed("account.py", &[]);
    let dir = tempdir();
    let before = dir.path().join("before.json");
    acct.snapshot_to(&before, &["--region", "us-east-1"]);
    let a = &acct.id;
    let id = format!("s3.bucket/global/dw-{a}-site");
    // The seed makes this bucket in eu-west-1: a guess of us-east-1 would
    // read as "the bucket moved".
    assert_eq!(
        read_json(&before)["resources"][&id]["attrs"]["region"],
        "eu-west-1"
    );
    // GetBucketLocation denied (ListBuckets under moto names no region).
    let proxy = denying_proxy(&acct.endpoint, |line| {
        line.starts_with("GET ") && line.contains("?location ")
    });
    let mut cmd = acct.driftwatch();
    cmd.env("AWS_ENDPOINT_URL_S3", &proxy);
    let out = run(cmd.args(["snapshot", "--quiet", "--region", "us-east-1"]));
    let after = dir.path().join("after.json");
    std::fs::write(&after, &out.stdout).unwrap();
    let snap = read_json(&after);
    assert_eq!(
        snap["resources"][&id]["attrs"]["region"],
        serde_json::json!({"$unknown": "AccessDenied"}),
        "unknown, never guessed"
    );
    // No invented "region changed"; the region is listed as not compared.
    let out = run(driftwatch()
        .args(["diff", "--format", "json"])
        .arg(&before)
        .arg(&after));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        r["changes"].as_array().unwrap().iter().all(|c| c["fields"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["path"] != "region")),
        "{:#}",
        r["changes"]
    );
    assert!(r["not_compared"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["scope"] == format!("{id}:region")));
}

#[test]
fn baseline_save_with_a_denied_value_keeps_the_known_one() {
    let acct = Account::new();
    acct.seed("account.py", &[]);
    let dir = tempdir();
    let base = dir.path().join("base.json");
    acct.save_baseline(&base, &["--region", "us-east-1"]);
    let a = &acct.id;
    let id = format!("s3.bucket/global/dw-{a}-site");
    let known = read_json(&base)["snapshot"]["resources"][&id]["attrs"]["policy"].clone();
    assert!(known.get("Statement").is_some(), "{known}");
    // The same save with GetBucketPolicy denied.
    let proxy = denying_proxy(&acct.endpoint, |line| {
        line.starts_with("GET ") && line.contains("?policy ")
    });
    let mut cmd = acct.driftwatch();
    cmd.env("AWS_ENDPOINT_URL_S3", &proxy);
    let out = run(cmd
        .args(["baseline", "save", "--region", "us-east-1", "--out"])
        .arg(&base));
    assert!(
        stderr(&out).contains("not read: s3/global"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("kept what"), "{}", stderr(&out));
    let b = read_json(&base);
    assert_eq!(b["snapshot"]["resources"][&id]["attrs"]["policy"], known);
}
