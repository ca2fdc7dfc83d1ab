//! CloudTrail through Athena, the calls: StartQueryExecution in the
//! table's workgroup, GetQueryExecution until the query ends (Athena runs
//! it; we wait, polling at a widening interval), then GetQueryResults page
//! by page. Each page's rows become CloudTrail records (`trail::athena`),
//! filed by the account that recorded them as JSON lines, which the same
//! parser and ledger as log files then read, per account.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_athena::types::{QueryExecutionContext, QueryExecutionState, ResultConfiguration};

use super::{classify, each_page, Ctx, Failure};
use crate::model::{Coverage, CoverageStatus};
use crate::trail::athena::{query, record, Table};
use crate::trail::source::{self, Window};

/// How long a query may run before the read gives up on it.
const QUERY_DEADLINE: Duration = Duration::from_secs(30 * 60);

/// What one query gave: each account's records as JSON lines.
#[derive(Debug, Default)]
pub struct Rows {
    pub by_account: BTreeMap<u64, Vec<u8>>,
    /// Rows whose account is not a number (none in a CloudTrail table).
    pub unrouted: Vec<u8>,
    pub rows: u64,
    pub pages: u64,
    pub scanned_bytes: i64,
    pub query_id: String,
}

impl Rows {
    /// One account's share, as log text.
    pub fn of(&self, account: Option<u64>) -> &[u8] {
        account
            .and_then(|a| self.by_account.get(&a))
            .map_or(&self.unrouted[..], |v| &v[..])
    }
}

pub(crate) fn client(ctx: &Ctx) -> aws_sdk_athena::Client {
    aws_sdk_athena::Client::from_conf(
        aws_sdk_athena::config::Builder::from(&ctx.sdk)
            .interceptor(ctx.counter.clone())
            .build(),
    )
}

/// Runs the window's query for `accounts` and `regions` and reads every
/// page of its results.
pub(crate) async fn read(
    ctx: &Ctx,
    c: &aws_sdk_athena::Client,
    t: &Table,
    accounts: &[String],
    regions: &[String],
    window: &Window,
) -> Result<Rows, Failure> {
    let sql = query(t, accounts, regions, window);
    tracing::debug!(%sql, "Athena query");
    let mut start = c
        .start_query_execution()
        .query_string(sql)
        .work_group(&t.workgroup)
        .query_execution_context(
            QueryExecutionContext::builder()
                .database(&t.database)
                .build(),
        );
    if let Some(o) = &t.output {
        start =
            start.result_configuration(ResultConfiguration::builder().output_location(o).build());
    }
    let id = ctx
        .call(start.send())
        .await
        .map_err(|e| classify(&e))?
        .query_execution_id()
        .unwrap_or_default()
        .to_string();
    let scanned_bytes = wait(ctx, c, &id).await?;
    let mut rows = fetch(ctx, c, &id).await?;
    rows.scanned_bytes = scanned_bytes;
    rows.query_id = id;
    Ok(rows)
}

/// Polls until the query ends: the bytes it scanned, or why it failed.
async fn wait(ctx: &Ctx, c: &aws_sdk_athena::Client, id: &str) -> Result<i64, Failure> {
    let started = tokio::time::Instant::now();
    let mut pause = Duration::from_millis(250);
    loop {
        let out = ctx
            .call(c.get_query_execution().query_execution_id(id).send())
            .await
            .map_err(|e| classify(&e))?;
        let q = out.query_execution();
        let status = q.and_then(|q| q.status());
        match status.and_then(|s| s.state()) {
            Some(QueryExecutionState::Succeeded) => {
                return Ok(q
                    .and_then(|q| q.statistics())
                    .and_then(|s| s.data_scanned_in_bytes())
                    .unwrap_or(0))
            }
            Some(QueryExecutionState::Failed | QueryExecutionState::Cancelled) => {
                return Err(Failure {
                    status: CoverageStatus::Error,
                    code: "AthenaQueryFailed".into(),
                    message: format!(
                        "query {id}: {}",
                        status
                            .and_then(|s| s.state_change_reason())
                            .unwrap_or("failed without a reason")
                    ),
                })
            }
            _ if started.elapsed() > QUERY_DEADLINE => {
                return Err(Failure {
                    status: CoverageStatus::Error,
                    code: "AthenaQueryTimeout".into(),
                    message: format!("query {id} still running after {QUERY_DEADLINE:?}"),
                })
            }
            _ => {
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(5));
            }
        }
    }
}

/// Every page of results, each row filed under its account as one line.
async fn fetch(ctx: &Ctx, c: &aws_sdk_athena::Client, id: &str) -> Result<Rows, Failure> {
    let pages = c
        .get_query_results()
        .query_execution_id(id)
        .max_results(1000)
        .into_paginator()
        .send();
    let mut rows = Rows::default();
    let mut header: Option<Vec<String>> = None;
    each_page(ctx, pages, |page| {
        rows.pages += 1;
        let Some(set) = page.result_set() else {
            return;
        };
        for row in set.rows() {
            let cells: Vec<Option<String>> = row
                .data()
                .iter()
                .map(|d| d.var_char_value().map(str::to_string))
                .collect();
            // The first row of the first page names the columns.
            let Some(names) = &header else {
                header = Some(cells.into_iter().map(Option::unwrap_or_default).collect());
                continue;
            };
            let rec = record(names, &cells);
            let account = rec["recipientAccountId"]
                .as_str()
                .and_then(|a| a.parse().ok());
            let line = match account {
                Some(a) => rows.by_account.entry(a).or_default(),
                None => &mut rows.unrouted,
            };
            serde_json::to_writer(&mut *line, &rec).expect("a JSON value writes");
            line.push(b'\n');
            rows.rows += 1;
        }
    })
    .await?;
    Ok(rows)
}

/// One account's records from the query's rows, through the log parser;
/// `failed` is the query's failure, which every account's read shares.
pub(crate) fn trail_read(
    rows: Result<&Rows, &Failure>,
    table: &Table,
    account: Option<u64>,
    window: &Window,
    visitors: Option<&dyn crate::trail::EventVisitors>,
) -> super::cloudtrail::TrailRead {
    use super::cloudtrail::{TrailRead, EVENTS};
    let shown = format!(
        "athena://{}/{}.{}",
        table.workgroup, table.database, table.table
    );
    let rows = match rows {
        Ok(r) => r,
        Err(f) => {
            return TrailRead {
                coverage: vec![f.coverage(EVENTS, "athena")],
                sources: vec![shown],
                ..Default::default()
            }
        }
    };
    let mut read = TrailRead {
        sources: vec![format!(
            "{shown} (query {}, {} rows, {} bytes scanned)",
            rows.query_id, rows.rows, rows.scanned_bytes
        )],
        coverage: vec![Coverage::complete(EVENTS, "athena")],
        ..Default::default()
    };
    let text = rows.of(account);
    if !text.is_empty() {
        match source::parse_log_with(text, window, visitors) {
            Ok(f) => read.outcome.add(shown, Ok(f)),
            Err(reason) => read.outcome.add(shown, Err(reason)),
        }
    }
    read.outcome.dedup_writes();
    read
}

#[cfg(test)]
mod tests;
