//! CloudTrail records: parsing (tolerant of every shape real logs take),
//! the actor and the event as attribution keeps them, and the streaming
//! readers for log files (`source.rs`), the ledger (`ledger.rs`) and Athena's
//! rows (`athena.rs`). Which resources an event touched is each kind's to
//! say (`kinds/`).
//!
//! A log file is `{"Records": [...]}` (what CloudTrail writes to S3) or one
//! record per line; either may be gzip-compressed. Records are parsed one at
//! a time as the file streams, never as a whole-file tree.

pub mod athena;
mod inflate;
pub mod ledger;
pub mod source;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Who made a call.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// `IAMUser`, `AssumedRole`, `Root`, `AWSService`, `FederatedUser`, ...
    #[serde(rename = "type")]
    pub identity_type: String,
    /// The caller's ARN (for assumed roles, the session ARN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// For assumed roles: the role's ARN (`sessionContext.sessionIssuer.arn`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    /// For assumed roles: the session name (last part of the session ARN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_name: Option<String>,
    /// `sessionContext.sourceIdentity`: the person behind a shared role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_identity: Option<String>,
    /// The AWS service that acted on the caller's behalf.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoked_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
}

impl Actor {
    /// The identity behind the call, without its session: the role's ARN
    /// for an assumed role, else what [`Actor::display`] names first. Many
    /// sessions of one role (a CI runner per job, a fleet's launches) are
    /// one principal.
    pub fn principal(&self) -> String {
        match (&self.role_arn, self.identity_type.as_str()) {
            (Some(role), "AssumedRole") => role.clone(),
            _ => self
                .arn
                .clone()
                .or_else(|| self.invoked_by.clone())
                .or_else(|| self.user_name.clone())
                .unwrap_or_else(|| self.identity_type.clone()),
        }
    }

    /// One-line name: `arn (session, source identity)` or the service.
    pub fn display(&self) -> String {
        let base = self
            .arn
            .clone()
            .or_else(|| self.invoked_by.clone())
            .or_else(|| self.user_name.clone())
            .unwrap_or_else(|| self.identity_type.clone());
        match &self.source_identity {
            Some(s) => format!("{base} (source identity {s})"),
            None => base,
        }
    }
}

/// One CloudTrail event, reduced to what attribution needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: String,
    pub name: String,
    pub source: String,
    /// RFC 3339 UTC.
    pub time: String,
    pub region: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_ip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// Set when the call failed: such events never explain a change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// Shared: the records of one file by one caller hold one copy (a
    /// fleet's 100,000 launches are a handful of actors).
    #[serde(with = "shared")]
    pub actor: std::sync::Arc<Actor>,
    /// Resource ids (`kind/region/native-id`) the event touched.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
    /// What the call changed when the snapshot does not hold it (a console
    /// password, termination protection): such a call explains no change
    /// and is never "changed and changed back".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect_not_held: Option<String>,
}

/// An `Arc<Actor>` as the actor itself, in both directions.
mod shared {
    use super::Actor;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::sync::Arc;

    pub fn serialize<S: Serializer>(a: &Arc<Actor>, s: S) -> Result<S::Ok, S::Error> {
        a.as_ref().serialize(s)
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Arc<Actor>, D::Error> {
        Actor::deserialize(d).map(Arc::new)
    }
}

impl Event {
    pub fn succeeded(&self) -> bool {
        self.error_code.is_none()
    }
    pub fn timestamp(&self) -> Option<jiff::Timestamp> {
        self.time.parse().ok()
    }
}

/// The raw record fields we read. Everything is optional: doc samples,
/// fixtures and service events omit whatever they like.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Raw {
    #[serde(rename = "eventID")]
    event_id: Option<String>,
    event_name: Option<String>,
    event_source: Option<String>,
    event_time: Option<String>,
    aws_region: Option<String>,
    #[serde(rename = "sourceIPAddress")]
    source_ip_address: Option<String>,
    user_agent: Option<String>,
    error_code: Option<String>,
    event_type: Option<String>,
    #[serde(default)]
    user_identity: Value,
    #[serde(default, alias = "RequestParameters")]
    request_parameters: Value,
    #[serde(default, alias = "ResponseElements")]
    response_elements: Value,
    #[serde(default)]
    resources: Value,
}

/// The same record, borrowed from the log's bytes: the nested objects stay
/// unparsed until the event turns out to matter. Most records in a trail are
/// reads and other noise; they cost a scan of their bytes and nothing more.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawRef<'a> {
    #[serde(rename = "eventID", borrow, default)]
    event_id: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    event_name: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    event_source: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    event_time: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    aws_region: Option<std::borrow::Cow<'a, str>>,
    #[serde(rename = "sourceIPAddress", borrow, default)]
    source_ip_address: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    user_agent: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    error_code: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    event_type: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    user_identity: Option<&'a serde_json::value::RawValue>,
    #[serde(borrow, default, alias = "RequestParameters")]
    request_parameters: Option<&'a serde_json::value::RawValue>,
    #[serde(borrow, default, alias = "ResponseElements")]
    response_elements: Option<&'a serde_json::value::RawValue>,
    #[serde(borrow, default)]
    resources: Option<&'a serde_json::value::RawValue>,
    #[serde(borrow, default)]
    event_category: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    read_only: Option<&'a serde_json::value::RawValue>,
    #[serde(borrow, default)]
    management_event: Option<&'a serde_json::value::RawValue>,
    #[serde(borrow, default)]
    additional_event_data: Option<&'a serde_json::value::RawValue>,
    #[serde(borrow, default)]
    error_message: Option<&'a serde_json::value::RawValue>,
    #[serde(borrow, default)]
    recipient_account_id: Option<&'a serde_json::value::RawValue>,
    #[serde(borrow, default)]
    service_event_details: Option<&'a serde_json::value::RawValue>,
    #[serde(rename = "vpcEndpointId", borrow, default)]
    vpc_endpoint_id: Option<&'a serde_json::value::RawValue>,
    #[serde(borrow, default)]
    session_credential_from_console: Option<&'a serde_json::value::RawValue>,
}

/// What event checks plug into the reader: asked once per file for a
/// visitor, which sees every record in the window whose name, source and
/// outcome it wants, and is finished when the file is done. Defined here so
/// the reader needs nothing from `checks`.
pub trait EventVisitors: Send + Sync {
    fn visitor(&self) -> Box<dyn EventVisitor + '_>;
}

/// What event checks may filter on before a record is parsed.
pub struct Head<'a> {
    pub name: &'a str,
    pub source: &'a str,
    /// `None` for a call that succeeded.
    pub error_code: Option<&'a str>,
    /// `userIdentity` as it stands in the log, unparsed.
    pub user_identity: &'a str,
    /// `sourceIPAddress`: an address, or the AWS service that called.
    pub source_ip: &'a str,
}

impl Head<'_> {
    /// `userIdentity.type`, parsed only when the text can hold `want`.
    pub fn identity_type_is(&self, want: &str) -> bool {
        #[derive(Deserialize)]
        struct Ty<'b> {
            #[serde(rename = "type", borrow)]
            ty: Option<std::borrow::Cow<'b, str>>,
        }
        self.user_identity.contains(want)
            && serde_json::from_str::<Ty<'_>>(self.user_identity)
                .ok()
                .and_then(|t| t.ty)
                .is_some_and(|t| t == want)
    }
}

impl Head<'_> {
    /// The role session name of an `AssumedRole` caller: the last part of
    /// its ARN. Parses the identity; callers test the text first.
    pub fn session_name(&self) -> Option<String> {
        #[derive(Deserialize)]
        struct Id<'b> {
            #[serde(rename = "type", borrow)]
            ty: Option<std::borrow::Cow<'b, str>>,
            #[serde(borrow)]
            arn: Option<std::borrow::Cow<'b, str>>,
        }
        let id: Id<'_> = serde_json::from_str(self.user_identity).ok()?;
        if id.ty.as_deref() != Some("AssumedRole") {
            return None;
        }
        id.arn?.rsplit('/').next().map(str::to_string)
    }
}

/// One file's view of the records, for event checks.
pub trait EventVisitor {
    /// Every record in the window: judged by its head first, and turned
    /// into JSON (the fields event checks read) only when a check wants it.
    fn visit(&mut self, head: &Head<'_>, record: &dyn Fn() -> serde_json::Value);
    /// The file is done: merge what this visitor found.
    fn finish(self: Box<Self>);
}

/// Event checks for a read, if any, shared by every reading thread.
pub type Visitors = Option<std::sync::Arc<dyn EventVisitors>>;

/// How the ledger files a record before anything nested is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    NotACall,
    SignIn,
    Failed,
    ReadOnly,
    Data,
    Write,
}

/// `true` or `"true"`: LookupEvents and exports differ.
fn flag(v: Option<&serde_json::value::RawValue>) -> Option<bool> {
    match v?.get().trim() {
        "true" | "\"true\"" => Some(true),
        "false" | "\"false\"" => Some(false),
        _ => None,
    }
}

/// Names of calls that read without changing anything, for records that
/// lack `readOnly` (old exports, hand-written fixtures).
fn reads_by_name(name: &str) -> bool {
    const READS: &[&str] = &[
        "Get", "List", "Describe", "Head", "Lookup", "Search", "BatchGet", "Query", "Scan",
    ];
    READS.iter().any(|p| {
        name.strip_prefix(p).is_some_and(|rest| {
            rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_uppercase())
        })
    })
}

impl RawRef<'_> {
    pub(crate) fn name(&self) -> Option<&str> {
        self.event_name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
    }
    /// `recipientAccountId` as a number; `None` when absent or not an id.
    pub(crate) fn recipient_account(&self) -> Option<u64> {
        let raw = self.recipient_account_id?.get();
        raw.trim().trim_matches('"').parse().ok()
    }
    pub(crate) fn time(&self) -> Option<&str> {
        self.event_time.as_deref()
    }
    pub(crate) fn source(&self) -> &str {
        self.event_source.as_deref().unwrap_or_default()
    }
    pub(crate) fn head<'s>(&'s self, name: &'s str) -> Head<'s> {
        Head {
            name,
            source: self.source(),
            error_code: self.error_code.as_deref().filter(|c| !c.trim().is_empty()),
            user_identity: self.user_identity.map(|r| r.get()).unwrap_or_default(),
            source_ip: self.source_ip_address.as_deref().unwrap_or_default(),
        }
    }
    pub(crate) fn failed(&self) -> bool {
        self.error_code
            .as_deref()
            .is_some_and(|c| !c.trim().is_empty())
    }
    /// The record as JSON with the fields event checks read, for the few
    /// records some check wants.
    pub(crate) fn to_json(&self) -> Value {
        let mut m = serde_json::Map::new();
        let mut text = |k: &str, v: &Option<std::borrow::Cow<'_, str>>| {
            if let Some(v) = v {
                m.insert(k.into(), Value::String(v.to_string()));
            }
        };
        text("eventID", &self.event_id);
        text("eventName", &self.event_name);
        text("eventSource", &self.event_source);
        text("eventTime", &self.event_time);
        text("awsRegion", &self.aws_region);
        text("sourceIPAddress", &self.source_ip_address);
        text("userAgent", &self.user_agent);
        text("errorCode", &self.error_code);
        text("eventType", &self.event_type);
        text("eventCategory", &self.event_category);
        for (k, v) in [
            ("userIdentity", self.user_identity),
            ("requestParameters", self.request_parameters),
            ("responseElements", self.response_elements),
            ("resources", self.resources),
            ("readOnly", self.read_only),
            ("managementEvent", self.management_event),
            ("additionalEventData", self.additional_event_data),
            ("errorMessage", self.error_message),
            ("recipientAccountId", self.recipient_account_id),
            ("serviceEventDetails", self.service_event_details),
            ("vpcEndpointId", self.vpc_endpoint_id),
            (
                "sessionCredentialFromConsole",
                self.session_credential_from_console,
            ),
        ] {
            // A null field reads as absent, so `has()` says no.
            match v.and_then(|r| serde_json::from_str::<Value>(r.get()).ok()) {
                None | Some(Value::Null) => {}
                Some(v) => {
                    m.insert(k.into(), v);
                }
            }
        }
        Value::Object(m)
    }
    /// Files the record by its flat fields (name and time checked by the caller).
    pub(crate) fn class(&self) -> Class {
        let ty = self.event_type.as_deref();
        let category = self.event_category.as_deref();
        if matches!(
            ty,
            Some("AwsServiceEvent" | "AwsVpceEvent" | "AwsCloudTrailInsight")
        ) || matches!(category, Some("Insight" | "NetworkActivity"))
        {
            return Class::NotACall;
        }
        if ty == Some("AwsConsoleSignIn") {
            return Class::SignIn;
        }
        if self.failed() {
            return Class::Failed;
        }
        let read_only =
            flag(self.read_only).unwrap_or_else(|| self.name().is_some_and(reads_by_name));
        if read_only {
            return Class::ReadOnly;
        }
        if category == Some("Data") || flag(self.management_event) == Some(false) {
            return Class::Data;
        }
        Class::Write
    }
    /// Parses the nested objects: only for records worth it. The identity
    /// is left unparsed when its caller is `known` already.
    pub(crate) fn into_raw(self, known: bool) -> Raw {
        let v = |r: Option<&serde_json::value::RawValue>| {
            r.and_then(|r| serde_json::from_str::<Value>(r.get()).ok())
                .unwrap_or(Value::Null)
        };
        let s = |c: Option<std::borrow::Cow<'_, str>>| c.map(|c| c.into_owned());
        Raw {
            event_id: s(self.event_id),
            event_name: s(self.event_name),
            event_source: s(self.event_source),
            event_time: s(self.event_time),
            aws_region: s(self.aws_region),
            source_ip_address: s(self.source_ip_address),
            user_agent: s(self.user_agent),
            error_code: s(self.error_code),
            event_type: s(self.event_type),
            user_identity: if known {
                Value::Null
            } else {
                v(self.user_identity)
            },
            request_parameters: v(self.request_parameters),
            response_elements: v(self.response_elements),
            resources: v(self.resources),
        }
    }
}

/// `eventTime` is RFC 3339 in real logs; some exported or normalized
/// records write `2024-12-16 18:41:07.000000000` (UTC, no zone).
pub fn parse_event_time(t: &str) -> Option<jiff::Timestamp> {
    let t = t.trim();
    if let Ok(ts) = t.parse::<jiff::Timestamp>() {
        return Some(ts);
    }
    let dt: jiff::civil::DateTime = t.replacen(' ', "T", 1).parse().ok()?;
    dt.to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp())
}

/// Why a record could not be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RecordError {
    #[error("record is not a JSON object")]
    NotAnObject,
    #[error("record has no eventName")]
    NoName,
    #[error("record has no parseable eventTime")]
    NoTime,
    #[error("{0}")]
    Json(String),
}

fn s(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(str::to_string)
}

/// The caller, from `userIdentity`.
pub(crate) fn actor(ui: &Value) -> Actor {
    let ctx = ui.get("sessionContext").unwrap_or(&Value::Null);
    let issuer = ctx.get("sessionIssuer").unwrap_or(&Value::Null);
    let identity_type = s(ui, "type").unwrap_or_else(|| "Unknown".into());
    let arn = s(ui, "arn").filter(|a| !a.is_empty());
    let session_name = if identity_type == "AssumedRole" {
        arn.as_deref()
            .and_then(|a| a.rsplit('/').next())
            .map(str::to_string)
    } else {
        None
    };
    Actor {
        identity_type,
        account_id: s(ui, "accountId"),
        role_arn: s(issuer, "arn"),
        session_name,
        source_identity: s(ctx, "sourceIdentity").or_else(|| s(ui, "sourceIdentity")),
        invoked_by: s(ui, "invokedBy"),
        user_name: s(ui, "userName").or_else(|| s(issuer, "userName")),
        arn,
    }
}

/// Turns one record into an [`Event`]. Returns `Ok(None)` for records that
/// are not API calls (`AwsServiceEvent`, `AwsVpceEvent`, console sign-ins are
/// kept: they are calls too).
pub fn parse_record(v: Value) -> Result<Option<Event>, RecordError> {
    if !v.is_object() {
        return Err(RecordError::NotAnObject);
    }
    let raw: Raw = serde_json::from_value(v).map_err(|e| RecordError::Json(e.to_string()))?;
    from_raw(raw, None)
}

/// The resources a call touched and what it changed that no snapshot
/// holds, from its request, response and `resources` list.
fn effects(
    name: &str,
    region: &str,
    actor: &Actor,
    [req, resp, listed]: [&Value; 3],
) -> (Vec<String>, Option<String>) {
    let call = crate::kinds::Call {
        name,
        region,
        req,
        resp,
        self_user: actor
            .user_name
            .as_deref()
            .filter(|_| actor.identity_type == "IAMUser"),
        root: actor.identity_type == "Root",
    };
    let touched = crate::kinds::touched(&call, listed);
    (
        touched,
        crate::kinds::effect_not_held(&call).map(str::to_string),
    )
}

/// [`parse_record`] of a record already held as JSON, read in place: an
/// event check's match, judged by the policy, costs no copy of it.
pub fn event_of(v: &Value) -> Option<Event> {
    let mut e = call_by(v, actor(v.get("userIdentity").unwrap_or(&Value::Null)))?;
    add_effects(v, &mut e);
    Some(e)
}

/// Fills in what a call read by [`call_by`] touched, from the same record.
pub fn add_effects(v: &Value, e: &mut Event) {
    let null = Value::Null;
    let field = |k: &str| v.get(k).unwrap_or(&null);
    (e.resources, e.effect_not_held) = effects(
        &e.name,
        &e.region,
        &e.actor,
        [
            field("requestParameters"),
            field("responseElements"),
            field("resources"),
        ],
    );
}

/// The call alone: [`event_of`] without the resources it touched, which
/// cost more to read than the rest (the kind's reading of the request).
pub fn call_by(v: &Value, actor: Actor) -> Option<Event> {
    let text = |k: &str| v.get(k).and_then(Value::as_str);
    let name = text("eventName").map(str::trim).filter(|n| !n.is_empty())?;
    let time = text("eventTime").and_then(parse_event_time)?;
    if matches!(text("eventType"), Some("AwsVpceEvent" | "AwsServiceEvent")) {
        return None;
    }
    Some(Event {
        id: text("eventID").unwrap_or_default().to_string(),
        name: name.to_string(),
        source: text("eventSource").unwrap_or_default().to_string(),
        time: time.to_string(),
        region: text("awsRegion").unwrap_or("us-east-1").to_string(),
        source_ip: text("sourceIPAddress").map(str::to_string),
        user_agent: text("userAgent").map(str::to_string),
        error_code: text("errorCode")
            .filter(|c| !c.is_empty())
            .map(str::to_string),
        actor: std::sync::Arc::new(actor),
        resources: vec![],
        effect_not_held: None,
    })
}

/// `known`: the caller, when an earlier record with the same identity text
/// made it already (its `userIdentity` was then not parsed).
fn from_raw(raw: Raw, known: Option<std::sync::Arc<Actor>>) -> Result<Option<Event>, RecordError> {
    let name = raw
        .event_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .ok_or(RecordError::NoName)?
        .to_string();
    let time = raw
        .event_time
        .as_deref()
        .and_then(parse_event_time)
        .ok_or(RecordError::NoTime)?;
    // VPC-endpoint network activity and service events carry API-like names
    // but are not the call itself.
    if matches!(
        raw.event_type.as_deref(),
        Some("AwsVpceEvent") | Some("AwsServiceEvent")
    ) {
        return Ok(None);
    }
    let region = raw.aws_region.unwrap_or_else(|| "us-east-1".into());
    let actor = known.unwrap_or_else(|| std::sync::Arc::new(actor(&raw.user_identity)));
    let (resources, effect_not_held) = effects(
        &name,
        &region,
        &actor,
        [
            &raw.request_parameters,
            &raw.response_elements,
            &raw.resources,
        ],
    );
    Ok(Some(Event {
        id: raw.event_id.unwrap_or_default(),
        name,
        source: raw.event_source.unwrap_or_default(),
        time: time.to_string(),
        region,
        source_ip: raw.source_ip_address,
        user_agent: raw.user_agent,
        error_code: raw.error_code.filter(|c| !c.is_empty()),
        actor,
        resources,
        effect_not_held,
    }))
}

#[cfg(test)]
mod tests;
