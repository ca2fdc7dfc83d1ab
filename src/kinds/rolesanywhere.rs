//! IAM Roles Anywhere, per region: trust anchors (which certificate
//! authorities may vouch for a workload outside AWS) and profiles (which
//! roles such a workload may assume). A trust anchor on a CA nobody
//! recognises lets whoever holds that CA's keys into the account with no
//! IAM user and no access key. Collected by `aws/rolesanywhere.rs`.

use serde::{Deserialize, Serialize};

use super::event::ids_at;
use super::{Kind, Scope};
use crate::model::Risk;

pub const TRUST_ANCHOR: &str = "rolesanywhere.trust_anchor";
pub const RA_PROFILE: &str = "rolesanywhere.profile";

pub static TRUST_ANCHOR_KIND: Kind = Kind {
    name: TRUST_ANCHOR,
    scope: Scope::Regional,
    risk: Risk::Iam,
    about: "A trust anchor (ListTrustAnchors): its CA as an ACM Private CA ARN or the SHA-256 fingerprint of the certificate bundle; native id is the trust anchor id.",
    events: &[
        "CreateTrustAnchor",
        "UpdateTrustAnchor",
        "DeleteTrustAnchor",
        "EnableTrustAnchor",
        "DisableTrustAnchor",
    ],
    ids: |c| {
        ids_at(
            c,
            TRUST_ANCHOR,
            c.region,
            &[&["trustAnchorId"], &["trustAnchor", "trustAnchorId"]],
        )
    },
    describe: |a| {
        let on = if a["enabled"] == true { "enabled" } else { "disabled" };
        format!("{}, {on}", a["name"].as_str().unwrap_or(""))
    },
    shape: super::shape::<TrustAnchor>,
    listed: None,
    unheld: super::all_held,
};

pub static PROFILE_KIND: Kind = Kind {
    name: RA_PROFILE,
    scope: Scope::Regional,
    risk: Risk::Iam,
    about: "A Roles Anywhere profile (ListProfiles): the roles it hands out and the limits on their sessions; native id is the profile id.",
    events: &[
        "CreateProfile",
        "UpdateProfile",
        "DeleteProfile",
        "EnableProfile",
        "DisableProfile",
    ],
    ids: |c| {
        ids_at(
            c,
            RA_PROFILE,
            c.region,
            &[&["profileId"], &["profile", "profileId"]],
        )
    },
    describe: |a| a["name"].as_str().unwrap_or("").to_string(),
    shape: super::shape::<Profile>,
    listed: None,
    unheld: super::all_held,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct TrustAnchor {
    pub name: String,
    pub enabled: bool,
    /// `AWS_ACM_PCA`, `CERTIFICATE_BUNDLE` or `SELF_SIGNED_REPOSITORY`.
    pub source_type: String,
    /// The CA: its ACM Private CA ARN, or `sha256:<hex>` of the bundle's
    /// first certificate (DER), as `openssl x509 -fingerprint -sha256` shows it.
    pub ca: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Profile {
    pub name: String,
    pub enabled: bool,
    pub role_arns: Vec<String>,
    pub managed_policy_arns: Vec<String>,
    /// An inline session policy, normalized.
    pub session_policy: Option<serde_json::Value>,
    pub duration_seconds: Option<i32>,
    pub require_instance_properties: Option<bool>,
    pub accept_role_session_name: Option<bool>,
}
