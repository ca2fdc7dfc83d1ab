//! CloudTrail through Athena, the pure part: the table a source names
//! (`athena://WORKGROUP/DATABASE.TABLE[?output=s3://...]`), the one query a
//! run asks (only the window's days, the run's accounts and regions, the
//! calls the ledger sorts, the columns it reads), and each result row turned
//! back into the CloudTrail record it was read from, so rows go through the
//! same parser and ledger as log files.

use serde_json::{Map, Value};

use super::source::Window;

/// A CloudTrail table in Athena: the partition-projection table over an
/// organization trail the README gives (partitions `account`, `region`,
/// `timestamp`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub workgroup: String,
    pub database: String,
    pub table: String,
    /// Where results go when the workgroup does not say.
    pub output: Option<String>,
}

/// Why a source is not a table.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TableError {
    #[error("{0}: expected athena://WORKGROUP/DATABASE.TABLE[?output=s3://bucket/prefix]")]
    Form(String),
    #[error("{0}: {1:?} is not a name Athena takes (letters, digits, _ ; a workgroup also . -)")]
    Name(String, String),
}

impl std::str::FromStr for Table {
    type Err = TableError;
    fn from_str(s: &str) -> Result<Table, TableError> {
        let form = || TableError::Form(s.into());
        let rest = s.strip_prefix("athena://").ok_or_else(form)?;
        let (path, output) = match rest.split_once('?') {
            None => (rest, None),
            Some((p, q)) => (p, Some(q.strip_prefix("output=").ok_or_else(form)?)),
        };
        let (workgroup, qualified) = path.split_once('/').ok_or_else(form)?;
        let (database, table) = qualified.split_once('.').ok_or_else(form)?;
        let ident = |n: &str| {
            !n.is_empty()
                && n.len() <= 255
                && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        };
        let group = |n: &str| {
            !n.is_empty()
                && n.len() <= 128
                && n.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
        };
        for (ok, name) in [
            (group(workgroup), workgroup),
            (ident(database), database),
            (ident(table), table),
        ] {
            if !ok {
                return Err(TableError::Name(s.into(), name.into()));
            }
        }
        if output.is_some_and(|o| !o.starts_with("s3://") || o.len() <= 5) {
            return Err(form());
        }
        Ok(Table {
            workgroup: workgroup.into(),
            database: database.to_ascii_lowercase(),
            table: table.to_ascii_lowercase(),
            output: output.map(str::to_string),
        })
    }
}

/// The columns asked for, as the table names them; nested ones come back
/// as JSON text.
const COLUMNS: &[&str] = &[
    "eventid",
    "eventtime",
    "eventsource",
    "eventname",
    "awsregion",
    "sourceipaddress",
    "useragent",
    "errorcode",
    "errormessage",
    "eventtype",
    "eventcategory",
    "readonly",
    "recipientaccountid",
    "requestparameters",
    "responseelements",
    "additionaleventdata",
    "serviceeventdetails",
    "vpcendpointid",
    "json_format(CAST(useridentity AS JSON)) AS useridentity",
    "json_format(CAST(resources AS JSON)) AS resources",
];

/// The query for the window, accounts and regions: partitions prune the
/// days, accounts and regions (what Athena bills by), and only writes,
/// failed calls and sign-ins come back, as LookupEvents' ReadOnly=false
/// gives writes. `accounts` are ids and `regions` region names, checked
/// before; they are quoted all the same.
pub fn query(t: &Table, accounts: &[String], regions: &[String], w: &Window) -> String {
    let list = |xs: &[String]| {
        xs.iter()
            .map(|x| format!("'{}'", x.replace('\'', "''")))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let now = jiff::Timestamp::now();
    let start = w
        .start
        .unwrap_or(now - jiff::SignedDuration::from_hours(24 * 7));
    let end = w.end.unwrap_or(now);
    let day = |t: jiff::Timestamp| t.strftime("%Y/%m/%d").to_string();
    let second = |t: jiff::Timestamp| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    format!(
        "SELECT {cols}\nFROM \"{db}\".\"{table}\"\n\
         WHERE account IN ({accounts})\n  AND region IN ({regions})\n  \
         AND \"timestamp\" BETWEEN '{d0}' AND '{d1}'\n  \
         AND eventtime BETWEEN '{t0}' AND '{t1}'\n  \
         AND (readonly = 'false' OR errorcode IS NOT NULL OR eventtype = 'AwsConsoleSignIn')",
        cols = COLUMNS.join(", "),
        db = t.database,
        table = t.table,
        accounts = list(accounts),
        regions = list(regions),
        d0 = day(start),
        d1 = day(end),
        t0 = second(start),
        t1 = second(end),
    )
}

/// Athena lowercases every name; CloudTrail's records are camelCase, and
/// the parser reads them so. The names a record's fields and its
/// `userIdentity` and `resources` hold.
const NAMES: &[&str] = &[
    "eventID",
    "eventTime",
    "eventSource",
    "eventName",
    "awsRegion",
    "sourceIPAddress",
    "userAgent",
    "errorCode",
    "errorMessage",
    "eventType",
    "eventCategory",
    "readOnly",
    "recipientAccountId",
    "requestParameters",
    "responseElements",
    "additionalEventData",
    "serviceEventDetails",
    "vpcEndpointId",
    "userIdentity",
    "resources",
    "principalId",
    "accountId",
    "invokedBy",
    "accessKeyId",
    "userName",
    "onBehalfOf",
    "userId",
    "identityStoreArn",
    "sessionContext",
    "mfaAuthenticated",
    "creationDate",
    "sessionIssuer",
    "ec2RoleDelivery",
    "webIdFederationData",
    "federatedProvider",
    "sourceIdentity",
    "identityProvider",
    "credentialId",
];

fn camel(name: &str) -> String {
    NAMES
        .iter()
        .find(|n| n.eq_ignore_ascii_case(name))
        .map_or_else(|| name.to_string(), |n| n.to_string())
}

/// Renames keys back to CloudTrail's and drops the nulls a struct cast
/// to JSON fills absent fields with. `resources` entries spell theirs
/// `ARN`; `userIdentity` spells its `arn`.
fn recase(v: Value, resources: bool) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| {
                    let k = if resources && k == "arn" {
                        "ARN".into()
                    } else {
                        camel(&k)
                    };
                    (k, recase(v, resources))
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(|v| recase(v, resources)).collect()),
        v => v,
    }
}

/// The columns that hold JSON text: parsed back, so the record reads as
/// the log file had it. Text that does not parse stays text.
const JSON_COLUMNS: &[&str] = &[
    "requestparameters",
    "responseelements",
    "additionaleventdata",
    "serviceeventdetails",
    "useridentity",
    "resources",
];

/// One result row as the CloudTrail record it came from; `header` is the
/// first row of the first page. Empty cells are absent fields.
pub fn record(header: &[String], row: &[Option<String>]) -> Value {
    let mut m = Map::new();
    for (name, cell) in header.iter().zip(row) {
        let Some(text) = cell.as_deref().filter(|t| !t.is_empty()) else {
            continue;
        };
        let v = if JSON_COLUMNS.contains(&name.as_str()) {
            // Only the struct columns were lowercased; the others are the
            // log's own JSON text.
            let lowered = matches!(name.as_str(), "useridentity" | "resources");
            serde_json::from_str(text).map_or_else(
                |_| Value::String(text.into()),
                |v| {
                    if lowered {
                        recase(v, name == "resources")
                    } else {
                        v
                    }
                },
            )
        } else {
            Value::String(text.into())
        };
        m.insert(camel(name), v);
    }
    Value::Object(m)
}

/// The column names a result's header row holds, for tests elsewhere.
#[cfg(test)]
pub(crate) mod tests_support {
    pub fn column_names() -> Vec<String> {
        super::COLUMNS
            .iter()
            .map(|c| c.rsplit(' ').next().unwrap_or(c).to_string())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_names_a_table() {
        let t: Table = "athena://primary/Trails.cloudtrail_org?output=s3://res/q"
            .parse()
            .unwrap();
        assert_eq!(
            t,
            Table {
                workgroup: "primary".into(),
                database: "trails".into(),
                table: "cloudtrail_org".into(),
                output: Some("s3://res/q".into()),
            }
        );
        for bad in [
            "athena://primary",
            "athena://primary/db",
            "athena://wg/db.t;drop",
            "athena://wg/db.t?out=x",
            "athena://wg/db.t?output=http://x",
            "athena:///db.t",
        ] {
            assert!(bad.parse::<Table>().is_err(), "{bad}");
        }
    }

    #[test]
    fn rows_become_records_with_cloudtrails_names() {
        let header: Vec<String> = [
            "eventname",
            "useridentity",
            "resources",
            "requestparameters",
            "errorcode",
        ]
        .map(String::from)
        .to_vec();
        let row = [
            Some("CreateUser".to_string()),
            Some(r#"{"type":"IAMUser","principalid":"AIDA","arn":"arn:aws:iam::1:user/m","accountid":"1","username":"m","sessioncontext":null}"#.into()),
            Some(r#"[{"arn":"arn:aws:iam::1:user/x","accountid":"1","type":"AWS::IAM::User"}]"#.into()),
            Some(r#"{"userName":"x","arn":"kept as written"}"#.into()),
            None,
        ];
        let r = record(&header, &row);
        assert_eq!(
            r,
            serde_json::json!({
                "eventName": "CreateUser",
                "userIdentity": {"type": "IAMUser", "principalId": "AIDA", "arn": "arn:aws:iam::1:user/m",
                                 "accountId": "1", "userName": "m"},
                "resources": [{"ARN": "arn:aws:iam::1:user/x", "accountId": "1", "type": "AWS::IAM::User"}],
                "requestParameters": {"userName": "x", "arn": "kept as written"},
            })
        );
    }
}
