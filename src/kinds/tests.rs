//! The registry's own rules, the generated document, and reading ids out
//! of the events of the logging and detection kinds.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::*;

fn ids(name: &str, region: &str, req: Value, resp: Value) -> Vec<String> {
    touched(
        &Call {
            name,
            region,
            req: &req,
            resp: &resp,
            self_user: None,
            root: false,
        },
        &Value::Null,
    )
}

#[test]
fn every_event_belongs_to_one_kind_and_every_name_is_unique() {
    let mut owner: BTreeMap<&str, &str> = BTreeMap::new();
    for k in ALL {
        assert!(k.name.contains('.'), "{}: kinds are service.kind", k.name);
        assert_eq!(by_name(k.name).map(|x| x.name), Some(k.name));
        for e in k.events {
            if let Some(other) = owner.insert(e, k.name) {
                panic!("{e} is listed by both {other} and {}", k.name);
            }
        }
    }
    assert_eq!(names().len(), ALL.len());
}

#[test]
fn kinds_document_is_current() {
    let path = crate::test_root().join("docs/kinds.md");
    let want = document();
    if std::env::var_os("DRIFTWATCH_UPDATE_COMPLETIONS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/kinds.md is stale: regenerate with `DRIFTWATCH_UPDATE_COMPLETIONS=1 cargo test --lib kinds`"
    );
}

#[test]
fn trails_are_named_by_name_or_arn_and_live_in_their_home_region() {
    assert_eq!(
        ids(
            "StopLogging",
            "eu-west-1",
            json!({"name": "org-trail"}),
            Value::Null
        ),
        ["cloudtrail.trail/eu-west-1/org-trail"]
    );
    // Called from another region with the ARN: the ARN's region is home.
    assert_eq!(
        ids(
            "StartLogging",
            "us-east-1",
            json!({"name": "arn:aws:cloudtrail:us-west-2:111122223333:trail/main"}),
            Value::Null
        ),
        ["cloudtrail.trail/us-west-2/main"]
    );
    assert_eq!(
        ids(
            "CreateTrail",
            "us-east-1",
            json!({"name": "t1", "s3BucketName": "logs"}),
            json!({"name": "t1", "trailARN": "arn:aws:cloudtrail:us-east-1:1:trail/t1"})
        ),
        ["cloudtrail.trail/us-east-1/t1"]
    );
}

#[test]
fn detection_and_recording_events_name_their_resource() {
    assert_eq!(
        ids(
            "CreateDetector",
            "eu-west-1",
            json!({"enable": true}),
            json!({"detectorId": "12abc"})
        ),
        ["guardduty.detector/eu-west-1/12abc"]
    );
    assert_eq!(
        ids(
            "StopConfigurationRecorder",
            "us-east-1",
            json!({"configurationRecorderName": "default"}),
            Value::Null
        ),
        ["config.recorder/us-east-1/default"]
    );
    assert_eq!(
        ids(
            "PutConfigurationRecorder",
            "us-east-1",
            json!({"configurationRecorder": {"name": "default", "roleARN": "r"}}),
            Value::Null
        ),
        ["config.recorder/us-east-1/default"]
    );
    assert_eq!(
        ids(
            "EnableRegion",
            "us-east-1",
            json!({"regionName": "af-south-1"}),
            Value::Null
        ),
        ["account.region/global/af-south-1"]
    );
}

#[test]
fn flow_log_ids_come_from_the_response_on_create_and_the_request_on_delete() {
    let created = json!({"CreateFlowLogsResponse": {
        "flowLogIdSet": {"item": "fl-0a1"},
        "unsuccessful": ""
    }});
    assert_eq!(
        ids("CreateFlowLogs", "eu-west-1", json!({}), created),
        ["ec2.flow_log/eu-west-1/fl-0a1"]
    );
    let two = json!({"CreateFlowLogsResponse": {"flowLogIdSet": {"item": ["fl-1", "fl-2"]}}});
    assert_eq!(ids("CreateFlowLogs", "eu-west-1", json!({}), two).len(), 2);
    let deleted = json!({"DeleteFlowLogsRequest": {"FlowLogId": {"content": "fl-9", "tag": 1}}});
    assert_eq!(
        ids("DeleteFlowLogs", "eu-west-1", deleted, Value::Null),
        ["ec2.flow_log/eu-west-1/fl-9"]
    );
}

#[test]
fn bucket_settings_events_name_the_bucket() {
    for e in [
        "PutBucketLogging",
        "PutBucketLifecycleConfiguration",
        "PutBucketVersioning",
    ] {
        assert_eq!(
            ids(
                e,
                "eu-west-1",
                json!({"bucketName": "trail-logs"}),
                Value::Null
            ),
            ["s3.bucket/global/trail-logs"],
            "{e}"
        );
    }
}

#[test]
fn describe_reads_the_new_kinds() {
    let trail = crate::model::Resource::new(
        CLOUDTRAIL_TRAIL,
        "us-east-1",
        "main",
        None,
        &json!({"multi_region": true, "s3_bucket": "logs", "status": {"is_logging": false}}),
    );
    assert_eq!(
        describe(&trail).as_deref(),
        Some("all regions, not logging, to s3://logs")
    );
}

#[test]
fn load_balancers_are_named_from_arns_names_and_responses() {
    let arn = "arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/web/50dc6c495c0c9188";
    assert_eq!(
        ids(
            "ModifyLoadBalancerAttributes",
            "eu-west-1",
            json!({"loadBalancerArn": arn}),
            Value::Null
        ),
        ["elbv2.load_balancer/eu-west-1/web"]
    );
    let listener = "arn:aws:elasticloadbalancing:eu-west-1:1:listener/net/edge/50dc/f2f7";
    assert_eq!(
        ids(
            "DeleteListener",
            "eu-west-1",
            json!({"listenerArn": listener}),
            Value::Null
        ),
        ["elbv2.load_balancer/eu-west-1/edge"]
    );
    assert_eq!(
        ids(
            "CreateLoadBalancer",
            "eu-west-1",
            json!({"name": "web", "scheme": "internet-facing"}),
            json!({"loadBalancers": [{"loadBalancerName": "web", "loadBalancerArn": arn}]})
        ),
        ["elbv2.load_balancer/eu-west-1/web"]
    );
}

#[test]
fn distributions_query_logs_and_hubs_name_their_resource() {
    assert_eq!(
        ids(
            "UpdateDistribution",
            "us-east-1",
            json!({"id": "E2QWRUHAPOMQZL"}),
            Value::Null
        ),
        ["cloudfront.distribution/global/E2QWRUHAPOMQZL"]
    );
    assert_eq!(
        ids(
            "CreateDistribution",
            "us-east-1",
            json!({"distributionConfig": {}}),
            json!({"distribution": {"id": "EDFDVBD6EXAMPLE"}})
        ),
        ["cloudfront.distribution/global/EDFDVBD6EXAMPLE"]
    );
    assert_eq!(
        ids(
            "DisassociateResolverQueryLogConfig",
            "eu-west-1",
            json!({"resolverQueryLogConfigId": "rqlc-1", "resourceId": "vpc-1"}),
            Value::Null
        ),
        ["route53resolver.query_log_config/eu-west-1/rqlc-1"]
    );
    assert_eq!(
        ids("DisableSecurityHub", "eu-west-1", json!({}), Value::Null),
        ["securityhub.hub/eu-west-1/default"]
    );
}

#[test]
fn snapshots_images_and_region_settings_are_named_by_their_events() {
    let share = json!({"snapshotId": "snap-0abc", "attributeType": "CREATE_VOLUME_PERMISSION",
        "createVolumePermission": {"add": {"items": [{"userId": "999988887777"}]}}});
    assert_eq!(
        ids("ModifySnapshotAttribute", "eu-west-1", share, Value::Null),
        ["ec2.snapshot/eu-west-1/snap-0abc"]
    );
    // CreateSnapshots names its snapshots only in the response.
    assert_eq!(
        ids(
            "CreateSnapshots",
            "us-east-1",
            json!({"instanceSpecification": {"instanceId": "i-1"}}),
            json!({"snapshotSet": {"items": [{"snapshotId": "snap-1"}, {"snapshotId": "snap-2"}]}})
        ),
        [
            "ec2.snapshot/us-east-1/snap-1",
            "ec2.snapshot/us-east-1/snap-2"
        ]
    );
    assert_eq!(
        ids(
            "CreateImage",
            "us-east-1",
            json!({"instanceId": "i-1", "name": "web"}),
            json!({"imageId": "ami-0123"})
        ),
        ["ec2.image/us-east-1/ami-0123"]
    );
    assert_eq!(
        ids(
            "DisableSnapshotBlockPublicAccess",
            "ap-south-1",
            json!({"DisableSnapshotBlockPublicAccessRequest": ""}),
            Value::Null
        ),
        ["ec2.region_settings/ap-south-1/ap-south-1"]
    );
}

#[test]
fn rds_events_name_lowercased_ids_and_tags_only_rds_arns() {
    assert_eq!(
        ids(
            "ModifyDBSnapshotAttribute",
            "us-east-1",
            json!({"dBSnapshotIdentifier": "Nightly-1", "attributeName": "restore",
                "valuesToAdd": ["999988887777"]}),
            Value::Null
        ),
        ["rds.snapshot/us-east-1/nightly-1"]
    );
    assert_eq!(
        ids(
            "AddTagsToResource",
            "us-east-1",
            json!({"resourceName": "arn:aws:rds:eu-west-1:111122223333:cluster:Orders"}),
            Value::Null
        ),
        ["rds.cluster/eu-west-1/orders"]
    );
    // ElastiCache's event of the same name names no RDS resource.
    assert!(ids(
        "AddTagsToResource",
        "us-east-1",
        json!({"resourceName": "arn:aws:elasticache:us-east-1:111122223333:cluster:c1"}),
        Value::Null
    )
    .is_empty());
}

/// Events whose names other services share name only this service's
/// resources: SNS's AddPermission a topic, SQS's a queue, CloudWatch Logs'
/// PutResourcePolicy nothing, MediaConvert's CreateQueue nothing.
#[test]
fn resource_policy_events_name_their_resource_and_shared_names_only_theirs() {
    let e = "us-east-1";
    let cases: &[(&str, Value, Value, &[&str])] = &[
        (
            "AddPermission",
            json!({"queueUrl": "https://sqs.eu-west-1.amazonaws.com/111/jobs", "label": "x"}),
            Value::Null,
            &["sqs.queue/eu-west-1/jobs"],
        ),
        (
            "AddPermission",
            json!({"topicArn": "arn:aws:sns:us-east-1:111:alerts", "label": "x"}),
            Value::Null,
            &["sns.topic/us-east-1/alerts"],
        ),
        (
            "CreateQueue",
            json!({"name": "transcode"}),
            json!({"queue": {}}),
            &[],
        ),
        (
            "CreateQueue",
            json!({"queueName": "jobs"}),
            json!({"queueUrl": "https://sqs.us-east-1.amazonaws.com/111/jobs"}),
            &["sqs.queue/us-east-1/jobs"],
        ),
        (
            "Unsubscribe",
            json!({"subscriptionArn": "arn:aws:sns:us-east-1:111:alerts:5f2c-11"}),
            Value::Null,
            &["sns.topic/us-east-1/alerts"],
        ),
        (
            "PutResourcePolicy",
            json!({"policyName": "logs", "policyDocument": "{}"}),
            Value::Null,
            &[],
        ),
        (
            "PutResourcePolicy",
            json!({"secretId": "arn:aws:secretsmanager:us-east-1:111:secret:db/pass-Ab12Cd"}),
            Value::Null,
            &["secretsmanager.secret/us-east-1/db/pass"],
        ),
        (
            "CreateSecret",
            json!({"name": "db/pass"}),
            json!({"aRN": "arn:aws:secretsmanager:us-east-1:111:secret:db/pass-Ab12Cd", "name": "db/pass"}),
            &["secretsmanager.secret/us-east-1/db/pass"],
        ),
        (
            "CreateKey",
            json!({"description": "k"}),
            json!({"keyMetadata": {"keyId": "1234-ab", "arn": "arn:aws:kms:us-east-1:111:key/1234-ab"}}),
            &["kms.key/us-east-1/1234-ab"],
        ),
        (
            "CreateAlias",
            json!({"aliasName": "alias/app", "targetKeyId": "1234-ab"}),
            Value::Null,
            &["kms.key/us-east-1/1234-ab"],
        ),
        (
            "DisableKeyRotation",
            json!({"keyId": "alias/app"}),
            Value::Null,
            &[],
        ),
        (
            "CreateTrustAnchor",
            json!({"name": "corp"}),
            json!({"trustAnchor": {"trustAnchorId": "ta-1"}}),
            &["rolesanywhere.trust_anchor/us-east-1/ta-1"],
        ),
        (
            "UpdateProfile",
            json!({"profileId": "p-1"}),
            Value::Null,
            &["rolesanywhere.profile/us-east-1/p-1"],
        ),
        (
            "LeaveOrganization",
            Value::Null,
            Value::Null,
            &["organizations.membership/global/account"],
        ),
    ];
    for (name, req, resp, want) in cases {
        assert_eq!(
            ids(name, e, req.clone(), resp.clone()),
            *want,
            "{name} {req}"
        );
    }
    // An alias names no key, but the record's resources[] names it by ARN.
    let listed = json!([{"ARN": "arn:aws:kms:eu-west-1:111:key/1234-ab", "type": "AWS::KMS::Key"}]);
    let call = Call {
        name: "DisableKeyRotation",
        region: e,
        req: &json!({"keyId": "alias/app"}),
        resp: &Value::Null,
        self_user: None,
        root: false,
    };
    assert_eq!(touched(&call, &listed), ["kms.key/eu-west-1/1234-ab"]);
}

#[test]
fn prefix_list_events_name_the_list_in_request_or_response() {
    let created = json!({"CreateManagedPrefixListResponse": {"prefixList": {
        "prefixListId": "pl-0a1", "prefixListName": "office"}}});
    assert_eq!(
        ids(
            "CreateManagedPrefixList",
            "eu-west-1",
            json!({"CreateManagedPrefixListRequest": {"PrefixListName": "office"}}),
            created
        ),
        ["ec2.prefix_list/eu-west-1/pl-0a1"]
    );
    let modified = json!({"ModifyManagedPrefixListRequest": {"PrefixListId": "pl-0a1",
        "AddEntry": {"Cidr": "0.0.0.0/0", "tag": 1}}});
    assert_eq!(
        ids(
            "ModifyManagedPrefixList",
            "eu-west-1",
            modified,
            Value::Null
        ),
        ["ec2.prefix_list/eu-west-1/pl-0a1"]
    );
    // A value that is not a list id is not taken for one.
    let odd = json!({"prefixListId": "office"});
    assert!(ids("DeleteManagedPrefixList", "eu-west-1", odd, Value::Null).is_empty());
}

#[test]
fn every_kind_reads_attrs_with_every_field_missing() {
    // A baseline written before a field existed still loads; wrong types
    // are refused (baseline::tests has the cases).
    for k in super::ALL {
        assert!((k.shape)("{}").is_ok(), "{}", k.name);
    }
}

/// The root user acting on itself changes the root facts, never a user:
/// CloudTrail writes `AWS ROOT USER` where a user name would be, or leaves
/// the name out.
#[test]
fn root_calls_name_the_root_facts_not_a_user() {
    let call = |name: &str, req: Value, root: bool| {
        touched(
            &Call {
                name,
                region: "us-east-1",
                req: &req,
                resp: &Value::Null,
                self_user: (!root).then_some("alice"),
                root,
            },
            &Value::Null,
        )
    };
    let summary = vec!["iam.account_summary/global/account".to_string()];
    assert_eq!(
        call(
            "EnableMFADevice",
            json!({"userName": "AWS ROOT USER", "serialNumber": "arn:aws:iam::1:mfa/root-account-mfa-device"}),
            true
        ),
        summary
    );
    assert_eq!(call("CreateAccessKey", json!({}), true), summary);
    assert_eq!(call("PasswordUpdated", Value::Null, true), summary);
    assert_eq!(
        call("EnableMFADevice", json!({"userName": "bob"}), false),
        ["iam.user/global/bob"]
    );
    assert_eq!(
        call("PasswordUpdated", Value::Null, false),
        ["iam.user/global/alice"]
    );
}

/// `resources[]` names a bucket or a key for any event that lists it, a
/// role only for the role's own events (AssumeRole lists the role it
/// assumes, and changes nothing of it); each kind reads its own ARNs.
#[test]
fn listed_resources_are_read_by_the_kind_that_declares_their_type() {
    let listed = json!([
        {"ARN": "arn:aws:s3:::logs", "type": "AWS::S3::Bucket"},
        {"ARN": "arn:aws-cn:s3:::cn-logs", "type": "AWS::S3::Bucket"},
        {"ARN": "arn:aws:s3:::logs/some/key", "type": "AWS::S3::Object"},
        {"ARN": "arn:aws:kms:eu-west-1:111:key/1234-ab", "type": "AWS::KMS::Key"},
        {"ARN": "arn:aws:iam::111:role/ops/deploy", "type": "AWS::IAM::Role"},
        {"type": "AWS::IAM::Role"}
    ]);
    let call = |name: &str| {
        touched(
            &Call {
                name,
                region: "us-east-1",
                req: &Value::Null,
                resp: &Value::Null,
                self_user: None,
                root: false,
            },
            &listed,
        )
    };
    assert_eq!(
        call("PutBucketPolicy"),
        [
            "kms.key/eu-west-1/1234-ab",
            "s3.bucket/global/cn-logs",
            "s3.bucket/global/logs"
        ]
    );
    assert!(call("UpdateAssumeRolePolicy").contains(&"iam.role/global/deploy".to_string()));
}
