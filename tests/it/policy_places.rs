//! Findings point at the statement to fix (#31), over moto: for a user, a
//! group and a role each with inline and managed policies
//! (tests/seed/policy_places.py), and for every resource-policy kind
//! (policies.py, lambda.py and the bucket in policy_places.py), each
//! finding names the policy, what holds it, the statement and the clause;
//! the table shows them, and SARIF carries them as logical locations.

use crate::common::*;
use serde_json::Value;

const EAST: [&str; 2] = ["--region", "us-east-1"];

/// A location in a few words: `inline put-all [user/dev] AllowPut
/// iam:Put*>iam:PutUserPolicy`, the statement as `-` without a Sid,
/// then the principal (`P=`) and conditions (`C=`) where named.
fn compact(l: &Value) -> String {
    let p = &l["policy"];
    let holders: Vec<&str> = p["attached_to"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let statement = match l["statement"]["sid"].as_str() {
        Some(sid) => sid.to_string(),
        None => "-".to_string(),
    };
    let c = &l["clause"];
    let mut clause = c["action"].as_str().unwrap_or_default().to_string();
    if let Some(g) = c["grants"].as_array() {
        let g: Vec<&str> = g.iter().filter_map(Value::as_str).collect();
        clause.push_str(&format!(">{}", g.join(",")));
    }
    if let Some(pr) = c["principal"].as_str() {
        clause.push_str(&format!(" P={pr}"));
    }
    if let Some(cs) = c["conditions"].as_array() {
        let cs: Vec<&str> = cs.iter().filter_map(Value::as_str).collect();
        clause.push_str(&format!(" C={}", cs.join(";")));
    }
    format!(
        "{} {} [{}] {statement} {clause}",
        p["kind"].as_str().unwrap(),
        p["name"].as_str().unwrap(),
        holders.join(",")
    )
}

/// The compact locations of the finding of `check` on `resource`.
fn places(report: &Value, check: &str, resource: &str) -> Vec<String> {
    let f = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == check && f["resource"]["id"] == resource)
        .unwrap_or_else(|| panic!("no {check} on {resource}"));
    f["locations"]
        .as_array()
        .unwrap_or_else(|| panic!("{check} on {resource} names no place: {f:#}"))
        .iter()
        .map(compact)
        .collect()
}

/// Some place starts with `head` and covers every one of `grants`.
fn has(got: &[String], head: &str, grants: &[&str]) {
    assert!(
        got.iter()
            .any(|g| g.starts_with(head) && grants.iter().all(|a| g.contains(a))),
        "{head:?} covering {grants:?} not among {got:#?}"
    );
}

#[test]
fn iam_findings_name_the_policy_its_holder_the_statement_and_the_action() {
    let acct = Account::new();
    let made = acct.seed("policy_places.py", &[]);
    let dir = tempdir();
    let r = acct.check_report(dir.path(), &EAST);

    // The user: its inline policy, its managed one, and its group's.
    let dev = "iam.user/global/dev";
    let esc = places(&r, "IAM014", dev);
    let puts = [
        "iam:PutUserPolicy",
        "iam:PutGroupPolicy",
        "iam:PutRolePolicy",
    ];
    has(&esc, "inline put-all [user/dev] AllowPut iam:Put*>", &puts);
    has(
        &esc,
        "managed pass-and-run [user/dev] Pass iam:PassRole",
        &[],
    );
    let run_instances = ["ec2:RunInstances"];
    has(
        &esc,
        "managed pass-and-run [user/dev] - ec2:Run*>",
        &run_instances,
    );
    let attach = ["iam:AttachUserPolicy", "iam:AttachRolePolicy"];
    has(
        &esc,
        "managed attach-any [group/ops] Attach iam:Attach*>",
        &attach,
    );
    let not_iam = ["ec2:RunInstances", "lambda:CreateFunction"];
    has(
        &esc,
        "inline broad [group/ops] Broad NotAction iam:*>",
        &not_iam,
    );
    assert_eq!(
        places(&r, "IAM003", dev),
        ["inline broad [group/ops] Broad NotAction iam:*"]
    );

    // The group: its inline and managed policies, held by the group.
    let ops = "iam.group/global/ops";
    assert_eq!(
        places(&r, "IAM003", ops),
        ["inline broad [group/ops] Broad NotAction iam:*"]
    );
    assert_eq!(
        places(&r, "IAM014", ops),
        [
            "managed attach-any [group/ops] Attach iam:Attach*>iam:AttachUserPolicy,iam:AttachGroupPolicy,iam:AttachRolePolicy",
            // NotAction iam:* leaves sts:AssumeRole in.
            "inline broad [group/ops] Broad NotAction iam:*>sts:AssumeRole",
        ]
    );

    // The role: inline (second statement), managed, and its trust policy.
    let role = "iam.role/global/deployer";
    assert_eq!(
        places(&r, "IAM001", role),
        ["inline all [role/deployer] Everything *"]
    );
    assert_eq!(
        places(&r, "IAM002", role),
        ["managed iam-star [role/deployer] IamAll iam:*"]
    );
    assert_eq!(
        places(&r, "IAM004", role),
        ["trust trust policy [] Anyone sts:AssumeRole P=AWS * C=StringLike aws:PrincipalOrgID = o-*"]
    );
    assert_eq!(
        places(&r, "IAM005", role),
        ["trust trust policy [] - sts:AssumeRole P=arn:aws:iam::999988887777:root"]
    );

    // A managed policy's own finding names its ARN and every holder.
    let own = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "IAM002" && f["resource"]["id"] == "iam.policy/global/iam-star")
        .expect("IAM002 on the managed policy");
    assert_eq!(own["locations"][0]["policy"]["arn"], made["iam_star"]);
    assert_eq!(
        compact(&own["locations"][0]),
        "managed iam-star [role/deployer] IamAll iam:*"
    );

    // The bucket: the public statement with the condition judged not to
    // restrict, and the foreign grant without a Sid.
    let bucket = format!("s3.bucket/global/{}", made["bucket"].as_str().unwrap());
    assert_eq!(
        places(&r, "S3001", &bucket),
        ["resource bucket policy [] PublicRead s3:GetObject P=* C=IpAddress aws:SourceIp = 0.0.0.0/1"]
    );
    assert_eq!(
        places(&r, "S3003", &bucket),
        ["resource bucket policy [] PublicRead s3:ListBucket P=* C=IpAddress aws:SourceIp = 0.0.0.0/1"]
    );
    assert_eq!(
        places(&r, "S3007", &bucket),
        ["resource bucket policy [] - s3:PutObject P=arn:aws:iam::999988887777:root"]
    );

    // What a user reads: the table and Markdown name the statement under
    // the finding; SARIF names it after the resource. Without a Sid, a
    // statement is named by its clause: snapshots sort statements, so an
    // index would not be the author's.
    let out = run(acct
        .driftwatch()
        .args(["check", "--quiet", "--format", "markdown"])
        .args(EAST));
    let md = stdout(&out);
    for place in [
        "in managed policy pass-and-run (user/dev), statement Pass: Action iam:PassRole",
        "in managed policy pass-and-run (user/dev), a statement without Sid: Action ec2:Run* → ec2:RunInstances",
        "in trust policy, statement Anyone: Action sts:AssumeRole, Principal AWS *, condition StringLike aws:PrincipalOrgID = o-* does not restrict",
    ] {
        assert!(md.contains(place), "{place:?} not in\n{md}");
    }
    let out = run(acct
        .driftwatch()
        .args(["check", "--quiet", "--format", "table", "--width", "80"])
        .args(EAST));
    let table = stdout(&out);
    assert!(
        table.contains("┆ in inline policy all (role/deployer), statement Everything: │"),
        "{table}"
    );
    assert!(table.lines().all(|l| l.chars().count() <= 80), "{table}");
    let out = run(acct
        .driftwatch()
        .args(["check", "--quiet", "--format", "sarif"])
        .args(EAST));
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| {
            x["ruleId"] == "IAM001"
                && x["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == role
        })
        .expect("IAM001 on the role in SARIF");
    assert_eq!(
        result["locations"][0]["logicalLocations"][1]["fullyQualifiedName"],
        "role/deployer/all#Everything"
    );
}

#[test]
fn resource_policy_findings_name_the_statement_for_every_kind() {
    let acct = Account::new();
    let made = acct.seed("policies.py", &[]);
    acct.seed("lambda.py", &[]);
    let dir = tempdir();
    let r = acct.check_report(dir.path(), &EAST);
    let e = "us-east-1";
    let id = |kind: &str, key: &str| format!("{kind}/{e}/{}", made[key].as_str().unwrap());
    let foreign = "P=arn:aws:iam::999988887777:root";
    for (check, resource, want) in [
        (
            "KMS001",
            id("kms.key", "key_open"),
            "resource key policy [] grant kms:Decrypt P=*".to_string(),
        ),
        (
            "KMS002",
            id("kms.key", "key_foreign"),
            format!("resource key policy [] grant kms:Decrypt {foreign}"),
        ),
        (
            "SQS001",
            id("sqs.queue", "queue_open"),
            "resource queue policy [] grant sqs:SendMessage P=*".into(),
        ),
        (
            "SQS002",
            id("sqs.queue", "queue_foreign"),
            format!("resource queue policy [] grant sqs:SendMessage {foreign}"),
        ),
        (
            "SNS001",
            id("sns.topic", "topic_open"),
            "resource topic policy [] grant sns:Subscribe P=*".into(),
        ),
        (
            "SNS002",
            id("sns.topic", "topic_foreign"),
            format!("resource topic policy [] grant sns:Subscribe {foreign}"),
        ),
        (
            "SM001",
            id("secretsmanager.secret", "secret_open"),
            "resource secret policy [] grant secretsmanager:GetSecretValue P=*".into(),
        ),
        (
            "SM002",
            id("secretsmanager.secret", "secret_foreign"),
            format!("resource secret policy [] grant secretsmanager:GetSecretValue {foreign}"),
        ),
        (
            "S3013",
            id("s3control.access_point", "access_point_public"),
            "resource access point policy [] read s3:GetObject P=*".into(),
        ),
        (
            "LAMBDA001",
            format!("lambda.function/{e}/public-fn"),
            "resource function policy [] s1 lambda:InvokeFunction P=*".into(),
        ),
    ] {
        assert_eq!(places(&r, check, &resource), [want], "{check}");
    }
    // moto writes the foreign account bare, as a Lambda permission's
    // principal; the statement is still named.
    let lambda = places(&r, "LAMBDA002", &format!("lambda.function/{e}/foreign-fn"));
    assert_eq!(lambda.len(), 1, "{lambda:?}");
    assert!(
        lambda[0].starts_with("resource function policy [] s1 lambda:InvokeFunction P="),
        "{lambda:?}"
    );
}
