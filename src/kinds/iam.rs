//! IAM kinds, all global: users, roles, groups, managed policies, access
//! keys and the account summary. One call (GetAccountAuthorizationDetails)
//! returns most of them, so they share a file and a collector
//! (`aws/iam.rs`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::event::{arn_name, id, ids_at, text, Call};
use super::{Kind, Scope};
use crate::model::{Fetched, Risk, Tags, GLOBAL};

pub const IAM_USER: &str = "iam.user";
pub const IAM_ROLE: &str = "iam.role";
pub const IAM_GROUP: &str = "iam.group";
pub const IAM_POLICY: &str = "iam.policy";
pub const IAM_ACCESS_KEY: &str = "iam.access_key";
pub const IAM_ACCOUNT_SUMMARY: &str = "iam.account_summary";

/// `1 policy: AdministratorAccess`, `3 policies: a, b, c`: attached
/// policies by name (the last part of the ARN), then inline ones.
fn policy_count(a: &Value) -> String {
    let attached = a["attached_policies"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|arn| arn.rsplit('/').next().unwrap_or(arn).to_string());
    let inline = a["inline_policies"]
        .as_object()
        .into_iter()
        .flat_map(|m| m.keys().cloned());
    let names: Vec<String> = attached.chain(inline).collect();
    match names.len() {
        0 => "no policies".into(),
        1 => format!("1 policy: {}", names[0]),
        n if n <= 4 => format!("{n} policies: {}", names.join(", ")),
        n => format!(
            "{n} policies: {}, and {} more",
            names[..3].join(", "),
            n - 3
        ),
    }
}

/// The principal a user/role/group event names, by request or response.
fn named(c: &Call<'_>, kind: &str, field: &str, noun: &str) -> Vec<String> {
    ids_at(c, kind, GLOBAL, &[&[field], &[noun, field]])
}

pub static USER_KIND: Kind = Kind {
    name: IAM_USER,
    scope: Scope::Global,
    risk: Risk::Iam,
    about: "A user: groups, inline and attached policies, boundary, MFA devices, console login, its credential-report row.",
    events: &[
        "CreateUser",
        "DeleteUser",
        "UpdateUser",
        "TagUser",
        "UntagUser",
        "AttachUserPolicy",
        "DetachUserPolicy",
        "PutUserPolicy",
        "DeleteUserPolicy",
        "CreateLoginProfile",
        "DeleteLoginProfile",
        "UpdateLoginProfile",
        "EnableMFADevice",
        "DeactivateMFADevice",
        "PutUserPermissionsBoundary",
        "DeleteUserPermissionsBoundary",
        "AddUserToGroup",
        "RemoveUserFromGroup",
    ],
    ids: user_ids,
    describe: policy_count,
    shape: super::shape::<User>,
    listed: None,
    unheld: |c| {
        // The credential report's password_last_changed trails by up to
        // four hours and says nothing of who: the password itself is not held.
        (c.name == "UpdateLoginProfile")
            .then_some("changed the console password, which the snapshot does not hold")
    },
};

/// The root facts, when a call acts on the root user: CloudTrail names it
/// `AWS ROOT USER` where a user name would be, or leaves the name out when
/// the root user acts on itself.
fn root_ids(c: &Call<'_>, named_user: Option<&str>) -> Option<String> {
    let root = match named_user {
        Some(n) => n == "AWS ROOT USER",
        None => c.root,
    };
    root.then(|| id(IAM_ACCOUNT_SUMMARY, GLOBAL, "account"))
}

fn user_ids(c: &Call<'_>) -> Vec<String> {
    let named_user = text(c.req, &["userName"]);
    if let Some(summary) = root_ids(c, named_user.as_deref()) {
        return vec![summary];
    }
    let mut out = named(c, IAM_USER, "userName", "user");
    if out.is_empty() {
        // Acting on oneself leaves userName out.
        out.extend(c.self_user.map(|u| id(IAM_USER, GLOBAL, u)));
    }
    if matches!(c.name, "AddUserToGroup" | "RemoveUserFromGroup") {
        out.extend(text(c.req, &["groupName"]).map(|g| id(IAM_GROUP, GLOBAL, &g)));
    }
    out
}

pub static ROLE_KIND: Kind = Kind {
    name: IAM_ROLE,
    scope: Scope::Global,
    risk: Risk::Iam,
    about: "A role: trust policy, inline and attached policies, boundary, instance profiles.",
    events: &[
        "CreateRole",
        "DeleteRole",
        "UpdateRole",
        "TagRole",
        "UntagRole",
        "AttachRolePolicy",
        "DetachRolePolicy",
        "PutRolePolicy",
        "DeleteRolePolicy",
        "UpdateAssumeRolePolicy",
        "PutRolePermissionsBoundary",
        "DeleteRolePermissionsBoundary",
        "AddRoleToInstanceProfile",
        "RemoveRoleFromInstanceProfile",
    ],
    ids: |c| named(c, IAM_ROLE, "roleName", "role"),
    describe: policy_count,
    shape: super::shape::<Role>,
    listed: Some(super::Listed {
        types: &["AWS::IAM::Role"],
        by_any_event: false,
        id_of: |arn| Some(id(IAM_ROLE, GLOBAL, arn_name(arn))),
    }),
    unheld: super::all_held,
};

pub static GROUP_KIND: Kind = Kind {
    name: IAM_GROUP,
    scope: Scope::Global,
    risk: Risk::Iam,
    about: "A group: inline and attached policies (members are on the users).",
    events: &[
        "CreateGroup",
        "DeleteGroup",
        "AttachGroupPolicy",
        "DetachGroupPolicy",
        "PutGroupPolicy",
        "DeleteGroupPolicy",
    ],
    ids: |c| named(c, IAM_GROUP, "groupName", "group"),
    describe: policy_count,
    shape: super::shape::<Group>,
    listed: None,
    unheld: super::all_held,
};

pub static POLICY_KIND: Kind = Kind {
    name: IAM_POLICY,
    scope: Scope::Global,
    risk: Risk::Iam,
    about: "A customer managed policy and its default version; AWS managed ones (native id `aws/<name>`) only when something uses them.",
    events: &[
        "CreatePolicy",
        "DeletePolicy",
        "CreatePolicyVersion",
        "SetDefaultPolicyVersion",
        "DeletePolicyVersion",
    ],
    ids: |c| {
        let arn = text(c.req, &["policyArn"]).or_else(|| text(c.resp, &["policy", "arn"]));
        let native = match arn {
            Some(a) if a.contains(":iam::aws:policy/") => Some(format!("aws/{}", arn_name(&a))),
            Some(a) => Some(arn_name(&a).to_string()),
            None => text(c.req, &["policyName"]),
        };
        native.map(|n| id(IAM_POLICY, GLOBAL, &n)).into_iter().collect()
    },
    describe: |a| a.get("name").and_then(Value::as_str).unwrap_or("").to_string(),
    shape: super::shape::<ManagedPolicy>,
    listed: None,
    unheld: super::all_held,
};

pub static ACCESS_KEY_KIND: Kind = Kind {
    name: IAM_ACCESS_KEY,
    scope: Scope::Global,
    risk: Risk::Iam,
    about: "A user's access key and its status (ListAccessKeys per user).",
    events: &["CreateAccessKey", "DeleteAccessKey", "UpdateAccessKey"],
    ids: |c| {
        let mut out = ids_at(
            c,
            IAM_ACCESS_KEY,
            GLOBAL,
            &[&["accessKey", "accessKeyId"], &["accessKeyId"]],
        );
        // The root user's keys are not listed as keys: they show as
        // `root_access_keys_present` in the root facts.
        let named_user = text(c.req, &["userName"]);
        if let Some(summary) = root_ids(c, named_user.as_deref()) {
            out = vec![summary];
        }
        out
    },
    describe: |a| {
        let s = |k: &str| a.get(k).and_then(Value::as_str).unwrap_or("");
        format!("{} key of user {}", s("status"), s("user"))
    },
    shape: super::shape::<AccessKey>,
    listed: None,
    unheld: super::all_held,
};

pub static ACCOUNT_SUMMARY_KIND: Kind = Kind {
    name: IAM_ACCOUNT_SUMMARY,
    scope: Scope::Global,
    risk: Risk::Iam,
    about: "Root user facts with no resource of their own: access keys present, MFA on (GetAccountSummary), its credential-report row; native id `account`.",
    // The root user's MFA devices and keys change through calls CloudTrail
    // names as for users (EnableMFADevice, CreateAccessKey: their kinds
    // read them as root's); its console password through this one.
    events: &["PasswordUpdated"],
    ids: |c| {
        if c.root {
            vec![id(IAM_ACCOUNT_SUMMARY, GLOBAL, "account")]
        } else {
            c.self_user
                .map(|u| vec![id(IAM_USER, GLOBAL, u)])
                .unwrap_or_default()
        }
    },
    describe: |_| String::new(),
    shape: super::shape::<AccountSummary>,
    listed: None,
    // The credential report's password_last_changed trails by hours and
    // says nothing of who: the password itself is not held.
    unheld: |_| Some("changed a console password, which the snapshot does not hold"),
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct User {
    pub user_id: String,
    pub path: String,
    pub created: Option<String>,
    pub groups: Vec<String>,
    /// Inline policies by name, normalized.
    pub inline_policies: BTreeMap<String, Value>,
    /// ARNs of attached managed policies.
    pub attached_policies: Vec<String>,
    pub permissions_boundary: Option<String>,
    pub mfa_devices: Fetched<Vec<String>>,
    /// Whether the user can sign in to the console (has a login profile).
    pub login_profile: Fetched<bool>,
    /// The user's row of the IAM credential report.
    #[serde(default)]
    pub credentials: Fetched<Credentials>,
    pub tags: Tags,
}

/// One row of the IAM credential report (GenerateCredentialReport,
/// GetCredentialReport). AWS regenerates the report at most every four
/// hours, so these values may be that old; the `last_used` ones move with
/// every use and are not diffed (`[diff] ignore` defaults).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Credentials {
    /// `None` for the root user, whose password the report does not describe.
    pub password_enabled: Option<bool>,
    pub password_last_changed: Option<String>,
    pub password_last_used: Option<String>,
    pub mfa_active: bool,
    pub access_key_1: Option<KeyUse>,
    pub access_key_2: Option<KeyUse>,
    /// An X.509 signing certificate is active.
    pub signing_certificate_active: bool,
}

/// One access-key slot of a credential-report row; `None` when the slot is
/// empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct KeyUse {
    pub active: bool,
    /// When the key was created (AWS calls it rotated).
    pub last_rotated: Option<String>,
    pub last_used: Option<String>,
    pub last_used_service: Option<String>,
    pub last_used_region: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Role {
    pub role_id: String,
    pub path: String,
    pub created: Option<String>,
    pub trust_policy: Value,
    pub inline_policies: BTreeMap<String, Value>,
    pub attached_policies: Vec<String>,
    pub permissions_boundary: Option<String>,
    pub instance_profiles: Vec<String>,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Group {
    pub group_id: String,
    pub path: String,
    pub inline_policies: BTreeMap<String, Value>,
    pub attached_policies: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ManagedPolicy {
    pub name: String,
    pub path: String,
    /// AWS-managed policies appear only when something in the account uses them.
    pub aws_managed: bool,
    pub default_version: Option<String>,
    pub document: Value,
    pub attachment_count: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct AccessKey {
    pub user: String,
    pub status: String,
    pub created: Option<String>,
}

/// Account-wide IAM facts (GetAccountSummary) that have no resource of their own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct AccountSummary {
    pub root_access_keys_present: Fetched<bool>,
    pub root_mfa_enabled: Fetched<bool>,
    /// The root user's row of the credential report (`<root_account>`).
    #[serde(default)]
    pub root_credentials: Fetched<Credentials>,
}
