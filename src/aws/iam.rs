//! IAM: one paginated GetAccountAuthorizationDetails gives users, groups,
//! roles, policies and their documents; access keys, MFA devices and login
//! profiles need per-user calls, which start as each page arrives; the
//! credential report (`iam_report.rs`) is read alongside.

use std::collections::BTreeMap;

use aws_sdk_iam::types::{AttachedPolicy, EntityType, PolicyDetail, Tag};
use aws_sdk_iam::Client;
use serde_json::Value;

use super::pipeline::{as_listed, send_all, Items};
use super::{classify, each_page, ts, Ctx, Failure, Part};
use crate::kinds::{self, AccessKey, AccountSummary, Group, ManagedPolicy, Role, User};
use crate::model::{policy, Coverage, Fetched, Resource, Tags, GLOBAL};

fn doc(raw: Option<&str>) -> Value {
    match raw {
        None => Value::Null,
        Some(r) => {
            policy::parse_document(r).unwrap_or_else(|e| Value::String(format!("unparseable: {e}")))
        }
    }
}

fn inline(list: &[PolicyDetail]) -> BTreeMap<String, Value> {
    list.iter()
        .filter_map(|p| Some((p.policy_name()?.to_string(), doc(p.policy_document()))))
        .collect()
}

fn attached(list: &[AttachedPolicy]) -> Vec<String> {
    let mut v: Vec<String> = list
        .iter()
        .filter_map(|p| p.policy_arn().map(str::to_string))
        .collect();
    v.sort();
    v.dedup();
    v
}

fn tags(t: &[Tag]) -> Tags {
    t.iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect()
}

/// The registry's entry (see `services.rs`).
pub(super) static SERVICE: super::services::Service = super::services::Service {
    name: "iam",
    scope: crate::kinds::Scope::Global,
    rate: super::limits::Rate::of(10, 20),
    kinds: &[
        &crate::kinds::USER_KIND,
        &crate::kinds::ROLE_KIND,
        &crate::kinds::GROUP_KIND,
        &crate::kinds::POLICY_KIND,
        &crate::kinds::ACCESS_KEY_KIND,
        &crate::kinds::ACCOUNT_SUMMARY_KIND,
    ],
    actions: &[
        "iam:GenerateCredentialReport",
        "iam:GetAccountAuthorizationDetails",
        "iam:GetAccountSummary",
        "iam:GetCredentialReport",
        "iam:GetLoginProfile",
        "iam:ListAccessKeys",
        "iam:ListMFADevices",
    ],
    collect: |u| Box::pin(collect(&u.ctx)),
    readers: &[],
};

pub(super) async fn collect(ctx: &Ctx) -> Part {
    let c = Client::from_conf(
        aws_sdk_iam::config::Builder::from(&ctx.sdk)
            .interceptor(ctx.counter.clone())
            .build(),
    );
    // Each user's own calls start as soon as the page naming the user
    // arrives; roles, groups and policies come whole in the pages.
    let listing = |tx: Items<(String, Option<String>, User)>| {
        let c = c.clone();
        async move {
            let mut found = Vec::new();
            let pages = c
                .get_account_authorization_details()
                .filter(EntityType::User)
                .filter(EntityType::Role)
                .filter(EntityType::Group)
                .filter(EntityType::LocalManagedPolicy)
                .filter(EntityType::AwsManagedPolicy)
                .max_items(1000)
                .into_paginator()
                .send();
            each_page(ctx, pages, |page| {
                send_all(&tx, page.user_detail_list().iter().filter_map(user));
                found.extend(page.role_detail_list().iter().filter_map(role));
                found.extend(page.group_detail_list().iter().filter_map(group));
                found.extend(page.policies().iter().filter_map(policy));
            })
            .await?;
            Ok(found)
        }
    };
    let per_user = as_listed(listing, |(name, arn, u)| {
        user_details(ctx, &c, name, arn, u)
    });
    let ((listed, per_user), mut summary, report) = tokio::join!(
        per_user,
        account_summary(ctx, &c),
        super::iam_report::read(ctx, &c)
    );
    let mut part = Part::default();
    match listed {
        Ok(found) => part.resources = found,
        Err(f) => {
            part.coverage.push(f.coverage("iam", GLOBAL));
            return part;
        }
    }
    let mut failure: Option<Failure> = None;
    for (mut resources, f) in per_user {
        part.resources.append(&mut resources);
        if let Some(f) = f {
            failure.get_or_insert(f);
        }
    }
    set_credentials(&mut part.resources, &mut summary, report);
    part.resources.push(summary);
    part.coverage.push(match failure {
        None => Coverage::complete("iam", GLOBAL),
        Some(f) => f.coverage("iam", GLOBAL),
    });
    part
}

/// A user from GAAD; keys, MFA and login profile are read per user later.
fn user(u: &aws_sdk_iam::types::UserDetail) -> Option<(String, Option<String>, User)> {
    let name = u.user_name()?;
    let mut groups: Vec<String> = u.group_list().to_vec();
    groups.sort();
    Some((
        name.to_string(),
        u.arn().map(str::to_string),
        User {
            user_id: u.user_id().unwrap_or_default().to_string(),
            path: u.path().unwrap_or("/").to_string(),
            created: u.create_date().map(ts),
            groups,
            inline_policies: inline(u.user_policy_list()),
            attached_policies: attached(u.attached_managed_policies()),
            permissions_boundary: u
                .permissions_boundary()
                .and_then(|b| b.permissions_boundary_arn())
                .map(str::to_string),
            mfa_devices: Fetched::Absent,
            login_profile: Fetched::Absent,
            credentials: Fetched::Absent,
            tags: tags(u.tags()),
        },
    ))
}

fn role(r: &aws_sdk_iam::types::RoleDetail) -> Option<Resource> {
    let name = r.role_name()?;
    let mut profiles: Vec<String> = r
        .instance_profile_list()
        .iter()
        .map(|p| p.instance_profile_name().to_string())
        .collect();
    profiles.sort();
    let attrs = Role {
        role_id: r.role_id().unwrap_or_default().to_string(),
        path: r.path().unwrap_or("/").to_string(),
        created: r.create_date().map(ts),
        trust_policy: doc(r.assume_role_policy_document()),
        inline_policies: inline(r.role_policy_list()),
        attached_policies: attached(r.attached_managed_policies()),
        permissions_boundary: r
            .permissions_boundary()
            .and_then(|b| b.permissions_boundary_arn())
            .map(str::to_string),
        instance_profiles: profiles,
        tags: tags(r.tags()),
    };
    Some(Resource::new(
        kinds::IAM_ROLE,
        GLOBAL,
        name,
        r.arn().map(str::to_string),
        &attrs,
    ))
}

fn group(g: &aws_sdk_iam::types::GroupDetail) -> Option<Resource> {
    let name = g.group_name()?;
    let attrs = Group {
        group_id: g.group_id().unwrap_or_default().to_string(),
        path: g.path().unwrap_or("/").to_string(),
        inline_policies: inline(g.group_policy_list()),
        attached_policies: attached(g.attached_managed_policies()),
    };
    Some(Resource::new(
        kinds::IAM_GROUP,
        GLOBAL,
        name,
        g.arn().map(str::to_string),
        &attrs,
    ))
}

/// A managed policy with its default version's document; AWS-managed ones
/// only where the account uses them.
fn policy(p: &aws_sdk_iam::types::ManagedPolicyDetail) -> Option<Resource> {
    let arn = p.arn()?;
    // Some implementations omit PolicyName here; the ARN always ends with it.
    let name = p
        .policy_name()
        .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or(arn));
    let aws_managed = arn.starts_with("arn:aws:iam::aws:") || arn.contains(":iam::aws:policy/");
    if aws_managed && p.attachment_count().unwrap_or(0) == 0 {
        return None;
    }
    let default = p.default_version_id().map(str::to_string);
    let document = p
        .policy_version_list()
        .iter()
        .find(|v| v.is_default_version() || v.version_id() == default.as_deref())
        .map(|v| doc(v.document()))
        .unwrap_or(Value::Null);
    let attrs = ManagedPolicy {
        name: name.to_string(),
        path: p.path().unwrap_or("/").to_string(),
        aws_managed,
        default_version: default,
        document,
        attachment_count: p.attachment_count(),
    };
    // Keyed by ARN path + name: AWS-managed and local names may collide.
    let native = if aws_managed {
        format!("aws/{name}")
    } else {
        name.to_string()
    };
    Some(Resource::new(
        kinds::IAM_POLICY,
        GLOBAL,
        native,
        Some(arn.to_string()),
        &attrs,
    ))
}

/// Puts each user's credential-report row on the user, and root's on the
/// account summary. A user the report does not list (created since AWS
/// generated it) has unknown credentials, as has everyone when the report
/// could not be read.
fn set_credentials(
    resources: &mut [Resource],
    summary: &mut Resource,
    report: Result<std::collections::HashMap<String, kinds::Credentials>, Failure>,
) {
    let row = |name: &str| match &report {
        Ok(rows) => rows.get(name).cloned().map_or(
            Fetched::Unknown("NotInCredentialReport".into()),
            Fetched::Present,
        ),
        Err(f) => Fetched::Unknown(f.code.clone()),
    };
    let json = |f: Fetched<kinds::Credentials>| serde_json::to_value(f).unwrap_or(Value::Null);
    for r in resources.iter_mut().filter(|r| r.kind == kinds::IAM_USER) {
        r.attrs["credentials"] = json(row(&r.native_id));
    }
    summary.attrs["root_credentials"] = json(row(super::iam_report::ROOT));
}

/// The root user's keys and MFA, from GetAccountSummary.
async fn account_summary(ctx: &Ctx, c: &Client) -> Resource {
    let (keys, mfa) = match ctx.call(c.get_account_summary().send()).await {
        Ok(o) => {
            let m = o.summary_map();
            let flag = |k: &str| {
                m.and_then(|m| m.get(&aws_sdk_iam::types::SummaryKeyType::from(k)))
                    .map(|v| Fetched::Present(*v > 0))
                    .unwrap_or(Fetched::Absent)
            };
            (flag("AccountAccessKeysPresent"), flag("AccountMFAEnabled"))
        }
        Err(e) => {
            let code = classify(&e).code;
            (Fetched::Unknown(code.clone()), Fetched::Unknown(code))
        }
    };
    Resource::new(
        kinds::IAM_ACCOUNT_SUMMARY,
        GLOBAL,
        "account",
        None,
        &AccountSummary {
            root_access_keys_present: keys,
            root_mfa_enabled: mfa,
            root_credentials: Fetched::Absent,
        },
    )
}

/// Keys, MFA devices and login profile of one user. A failed key listing
/// downgrades IAM coverage: keys are their own resources, and a missing list
/// must never read as "every key was deleted".
async fn user_details(
    ctx: &Ctx,
    c: &Client,
    name: String,
    arn: Option<String>,
    mut user: User,
) -> (Vec<Resource>, Option<Failure>) {
    let (keys, mfa, login) = tokio::join!(
        list_keys(ctx, c, &name),
        ctx.call(c.list_mfa_devices().user_name(&name).max_items(1000).send()),
        ctx.call(c.get_login_profile().user_name(&name).send()),
    );
    let mut out = Vec::new();
    let mut failure = None;
    user.mfa_devices = match mfa {
        Ok(o) => {
            let mut v: Vec<String> = o
                .mfa_devices()
                .iter()
                .map(|d| d.serial_number().to_string())
                .collect();
            v.sort();
            Fetched::Present(v)
        }
        Err(e) => super::gone_or_unknown(&e, &[]),
    };
    // No login profile is NoSuchEntity: the user has no password.
    user.login_profile = match login {
        Ok(_) => Fetched::Present(true),
        Err(e) => match super::gone_or_unknown::<(), _, _>(&e, &["NoSuchEntity"]) {
            Fetched::Absent => Fetched::Present(false),
            other => other.map(|()| true),
        },
    };
    match keys {
        Ok(keys) => out.extend(keys),
        Err(mut f) => {
            f.message = format!("ListAccessKeys for user {name}: {}", f.message);
            failure = Some(f);
        }
    }
    out.push(Resource::new(kinds::IAM_USER, GLOBAL, name, arn, &user));
    (out, failure)
}

async fn list_keys(ctx: &Ctx, c: &Client, user: &str) -> Result<Vec<Resource>, Failure> {
    let mut out = Vec::new();
    let pages = c.list_access_keys().user_name(user).into_paginator().send();
    each_page(ctx, pages, |page| {
        for k in page.access_key_metadata() {
            let Some(id) = k.access_key_id() else {
                continue;
            };
            let attrs = AccessKey {
                user: user.to_string(),
                status: k
                    .status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                created: k.create_date().map(ts),
            };
            out.push(Resource::new(
                kinds::IAM_ACCESS_KEY,
                GLOBAL,
                id,
                None,
                &attrs,
            ));
        }
    })
    .await?;
    Ok(out)
}
