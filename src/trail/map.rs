//! Which watched resources an event touched, by event name: the table of
//! `tests/fixtures/cloudtrail-samples/EVENT_RESOURCE_MAP.md`, in code. Ids come from
//! `requestParameters`, `responseElements` and, when present, `resources[]`.

use serde_json::Value;

use super::Actor;
use crate::model::kinds::*;
use crate::model::GLOBAL;

/// Event names that change something driftwatch snapshots. Anything else
/// is ignored by attribution.
pub fn watched(name: &str) -> bool {
    kind_of(name).is_some()
}

/// The resource kind an event name changes.
pub fn kind_of(name: &str) -> Option<&'static str> {
    Some(match name {
        "RunInstances"
        | "TerminateInstances"
        | "StartInstances"
        | "StopInstances"
        | "ModifyInstanceAttribute"
        | "ModifyInstanceMetadataOptions"
        | "AssociateIamInstanceProfile"
        | "DisassociateIamInstanceProfile"
        | "ReplaceIamInstanceProfileAssociation" => EC2_INSTANCE,
        "CreateSecurityGroup"
        | "DeleteSecurityGroup"
        | "AuthorizeSecurityGroupIngress"
        | "AuthorizeSecurityGroupEgress"
        | "RevokeSecurityGroupIngress"
        | "RevokeSecurityGroupEgress"
        | "ModifySecurityGroupRules"
        | "UpdateSecurityGroupRuleDescriptionsIngress"
        | "UpdateSecurityGroupRuleDescriptionsEgress" => EC2_SECURITY_GROUP,
        "AllocateAddress" | "ReleaseAddress" | "AssociateAddress" | "DisassociateAddress" => {
            EC2_ELASTIC_IP
        }
        "CreateBucket"
        | "DeleteBucket"
        | "PutBucketPolicy"
        | "DeleteBucketPolicy"
        | "PutBucketAcl"
        | "PutBucketPublicAccessBlock"
        | "DeleteBucketPublicAccessBlock"
        | "PutBucketWebsite"
        | "DeleteBucketWebsite"
        | "PutBucketOwnershipControls"
        | "DeleteBucketOwnershipControls"
        | "PutBucketTagging"
        | "DeleteBucketTagging" => S3_BUCKET,
        "PutAccountPublicAccessBlock" | "DeleteAccountPublicAccessBlock" => {
            S3_ACCOUNT_PUBLIC_ACCESS_BLOCK
        }
        "CreateUser"
        | "DeleteUser"
        | "UpdateUser"
        | "TagUser"
        | "UntagUser"
        | "AttachUserPolicy"
        | "DetachUserPolicy"
        | "PutUserPolicy"
        | "DeleteUserPolicy"
        | "CreateLoginProfile"
        | "DeleteLoginProfile"
        | "UpdateLoginProfile"
        | "EnableMFADevice"
        | "DeactivateMFADevice"
        | "PutUserPermissionsBoundary"
        | "DeleteUserPermissionsBoundary"
        | "AddUserToGroup"
        | "RemoveUserFromGroup" => IAM_USER,
        "CreateAccessKey" | "DeleteAccessKey" | "UpdateAccessKey" => IAM_ACCESS_KEY,
        "CreateRole"
        | "DeleteRole"
        | "UpdateRole"
        | "TagRole"
        | "UntagRole"
        | "AttachRolePolicy"
        | "DetachRolePolicy"
        | "PutRolePolicy"
        | "DeleteRolePolicy"
        | "UpdateAssumeRolePolicy"
        | "PutRolePermissionsBoundary"
        | "DeleteRolePermissionsBoundary"
        | "AddRoleToInstanceProfile"
        | "RemoveRoleFromInstanceProfile" => IAM_ROLE,
        "CreateGroup" | "DeleteGroup" | "AttachGroupPolicy" | "DetachGroupPolicy"
        | "PutGroupPolicy" | "DeleteGroupPolicy" => IAM_GROUP,
        "CreatePolicy"
        | "DeletePolicy"
        | "CreatePolicyVersion"
        | "SetDefaultPolicyVersion"
        | "DeletePolicyVersion" => IAM_POLICY,
        "ChangeResourceRecordSets" => ROUTE53_RECORD,
        "CreateHostedZone"
        | "DeleteHostedZone"
        | "AssociateVPCWithHostedZone"
        | "DisassociateVPCFromHostedZone"
        | "UpdateHostedZoneComment" => ROUTE53_ZONE,
        _ => return None,
    })
}

/// Follows a path of object keys; `items`/`item` lists are flattened where
/// EC2's encoding puts them.
fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let mut cur = v;
    for k in path {
        cur = cur.get(*k)?;
    }
    Some(cur)
}

fn text(v: &Value, path: &[&str]) -> Option<String> {
    at(v, path)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// EC2 list encoding: `{"items": [...]}`, `{"item": [...]}`, `{}` or a bare array.
fn items(v: Option<&Value>) -> Vec<&Value> {
    match v {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(Value::Object(m)) => match m.get("items").or_else(|| m.get("item")) {
            Some(Value::Array(a)) => a.iter().collect(),
            Some(one @ Value::Object(_)) => vec![one],
            _ => vec![],
        },
        _ => vec![],
    }
}

fn id(kind: &str, region: &str, native: &str) -> String {
    format!("{kind}/{region}/{native}")
}

/// The last path segment of an IAM ARN (`arn:aws:iam::1:role/path/name` → `name`).
fn arn_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

fn record_name(n: &str) -> String {
    let mut n = crate::model::unescape_dns_name(n).to_ascii_lowercase();
    if !n.ends_with('.') {
        n.push('.');
    }
    n
}

/// Resource ids an event touched.
pub fn resources(
    name: &str,
    region: &str,
    req: &Value,
    resp: &Value,
    listed: &Value,
    actor: &Actor,
) -> Vec<String> {
    let mut out = Vec::new();
    let Some(kind) = kind_of(name) else {
        return out;
    };
    match kind {
        EC2_INSTANCE => {
            for v in [req, resp] {
                for it in items(at(v, &["instancesSet"])) {
                    if let Some(i) = text(it, &["instanceId"]) {
                        out.push(id(kind, region, &i));
                    }
                }
                if let Some(i) = text(v, &["instanceId"]) {
                    out.push(id(kind, region, &i));
                }
            }
            if let Some(i) = text(req, &["AssociateIamInstanceProfileRequest", "InstanceId"]) {
                out.push(id(kind, region, &i));
            }
        }
        EC2_SECURITY_GROUP => {
            for g in [
                text(req, &["groupId"]),
                text(resp, &["groupId"]),
                text(req, &["ModifySecurityGroupRulesRequest", "GroupId"]),
            ]
            .into_iter()
            .flatten()
            {
                out.push(id(kind, region, &g));
            }
            for it in items(at(resp, &["securityGroupRuleSet"])) {
                if let Some(g) = text(it, &["groupId"]) {
                    out.push(id(kind, region, &g));
                }
            }
        }
        EC2_ELASTIC_IP => {
            for a in [text(req, &["allocationId"]), text(resp, &["allocationId"])]
                .into_iter()
                .flatten()
            {
                out.push(id(kind, region, &a));
            }
            if name == "AssociateAddress" {
                if let Some(i) = text(req, &["instanceId"]) {
                    out.push(id(EC2_INSTANCE, region, &i));
                }
            }
        }
        S3_BUCKET => {
            if let Some(b) = text(req, &["bucketName"]) {
                out.push(id(kind, GLOBAL, &b));
            }
        }
        S3_ACCOUNT_PUBLIC_ACCESS_BLOCK => out.push(id(kind, GLOBAL, "account")),
        IAM_USER => {
            let user = text(req, &["userName"])
                .or_else(|| text(resp, &["user", "userName"]))
                // Acting on oneself leaves userName out.
                .or_else(|| {
                    actor
                        .user_name
                        .clone()
                        .filter(|_| actor.identity_type == "IAMUser")
                });
            if let Some(u) = user {
                out.push(id(kind, GLOBAL, &u));
            }
            if matches!(name, "AddUserToGroup" | "RemoveUserFromGroup") {
                if let Some(g) = text(req, &["groupName"]) {
                    out.push(id(IAM_GROUP, GLOBAL, &g));
                }
            }
        }
        IAM_ACCESS_KEY => {
            for k in [
                text(resp, &["accessKey", "accessKeyId"]),
                text(req, &["accessKeyId"]),
            ]
            .into_iter()
            .flatten()
            {
                out.push(id(kind, GLOBAL, &k));
            }
        }
        IAM_ROLE => {
            if let Some(r) = text(req, &["roleName"]).or_else(|| text(resp, &["role", "roleName"]))
            {
                out.push(id(kind, GLOBAL, &r));
            }
        }
        IAM_GROUP => {
            if let Some(g) =
                text(req, &["groupName"]).or_else(|| text(resp, &["group", "groupName"]))
            {
                out.push(id(kind, GLOBAL, &g));
            }
        }
        IAM_POLICY => {
            let arn = text(req, &["policyArn"]).or_else(|| text(resp, &["policy", "arn"]));
            let native = match arn {
                Some(a) if a.contains(":iam::aws:policy/") => Some(format!("aws/{}", arn_name(&a))),
                Some(a) => Some(arn_name(&a).to_string()),
                None => text(req, &["policyName"]),
            };
            if let Some(n) = native {
                out.push(id(kind, GLOBAL, &n));
            }
        }
        ROUTE53_RECORD => {
            if let Some(zone) = text(req, &["hostedZoneId"]) {
                let zone = zone.trim_start_matches("/hostedzone/").to_string();
                for ch in items(at(req, &["changeBatch", "changes"])) {
                    let rrs = at(ch, &["resourceRecordSet"]).unwrap_or(&Value::Null);
                    if let (Some(n), Some(t)) = (text(rrs, &["name"]), text(rrs, &["type"])) {
                        let mut native = format!("{zone}/{}/{t}", record_name(&n));
                        if let Some(set) = text(rrs, &["setIdentifier"]) {
                            native.push('/');
                            native.push_str(&set);
                        }
                        out.push(id(kind, GLOBAL, &native));
                    }
                }
            }
        }
        ROUTE53_ZONE => {
            for z in [
                text(req, &["id"]),
                text(req, &["hostedZoneId"]),
                text(resp, &["hostedZone", "id"]),
            ]
            .into_iter()
            .flatten()
            {
                out.push(id(kind, GLOBAL, z.trim_start_matches("/hostedzone/")));
            }
        }
        _ => {}
    }
    // `resources[]`, when present, names things by ARN.
    if let Value::Array(list) = listed {
        for r in list {
            let (Some(t), Some(arn)) = (
                text(r, &["type"]),
                text(r, &["ARN"]).or_else(|| text(r, &["arn"])),
            ) else {
                continue;
            };
            match t.as_str() {
                "AWS::S3::Bucket" => out.push(id(
                    S3_BUCKET,
                    GLOBAL,
                    arn.trim_start_matches("arn:aws:s3:::"),
                )),
                "AWS::IAM::Role" if kind == IAM_ROLE => {
                    out.push(id(IAM_ROLE, GLOBAL, arn_name(&arn)))
                }
                _ => {}
            }
        }
    }
    out.sort();
    out.dedup();
    out
}
