//! Command-line surface (clap derive). No AWS types and no core types here:
//! the value enums below mirror the library's, and `resolve` turns these
//! structs into a checked `Plan`. clap derives live in this file only.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// The exit-code table, once: every command's help ends with it.
macro_rules! exit_codes {
    () => {
        "Exit codes:
  0  clean, and every service and region was read
  1  unauthorized changes, or new findings at or above --fail-on (diff: the states differ)
  2  driftwatch itself failed (bad input, credentials, I/O)
  3  nothing found, but coverage was incomplete (a service or region could not be read)"
    };
}

pub const EXIT_CODES_HELP: &str = exit_codes!();

const SCAN_HELP: &str = concat!(
    "Examples:
  driftwatch scan                # baselines/<account>.json, events from LookupEvents
  driftwatch scan --accounts org --cloudtrail athena://primary/trails.cloudtrail_org
  driftwatch scan --region us-east-1,eu-west-1 --cloudtrail trail --format sarif --output scan.sarif
  driftwatch scan --snapshot now.json --baseline base.json --cloudtrail ./logs --fail-on none

",
    exit_codes!()
);

const SNAPSHOT_HELP: &str = concat!(
    "Examples:
  driftwatch snapshot --profile audit --region us-east-1 -o now.json
  driftwatch snapshot --endpoint-url http://127.0.0.1:5000 > moto.json

",
    exit_codes!()
);

const CHECK_HELP: &str = concat!(
    "Examples:
  driftwatch check --format markdown > posture.md
  driftwatch check --snapshot now.json --checks ./my-checks --fail-on medium

",
    exit_codes!()
);

const DIFF_HELP: &str = concat!(
    "Examples:
  driftwatch diff baselines/123456789012.json now.json --format table
  driftwatch diff old.json.gz new.json.gz --format json | jq '.changes[].id'

",
    exit_codes!()
);

const DEMO_HELP: &str = concat!(
    "Examples:
  driftwatch demo --format table
  driftwatch demo --dir /tmp/demo    # then run the printed scan command by hand

",
    exit_codes!()
);

const SAVE_HELP: &str = concat!(
    "Examples:
  driftwatch baseline save                          # baselines/<account>.json
  driftwatch baseline save --from now.json --out baselines/prod.json.gz

",
    exit_codes!()
);

const APPROVE_HELP: &str = concat!(
    "Examples:
  driftwatch baseline approve c-33ddc751f9a8 --reason \"CHG-42 bastion\" --expires 2027-01-31
  driftwatch baseline approve c-33ddc751f9a8 --from-report scan.json --reason \"CHG-42\"
  driftwatch baseline approve --all --reason \"reviewed in PR #81\"

",
    exit_codes!()
);

const MERGE_HELP: &str = concat!(
    "Examples:
  driftwatch scan --accounts 111111111111,222222222222 --format json --output shard1.json
  driftwatch merge shard1.json shard2.json --format markdown > org.md

The exit code is the worst of the accounts', as one run over all of them would give.

",
    exit_codes!()
);

const CHECKS_HELP: &str = concat!(
    "Examples:
  driftwatch checks list --format json | jq '.[] | select(.severity == \"critical\")'
  driftwatch checks explain SG002

",
    exit_codes!()
);

/// Report formats (mirrors `report::Format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Table,
    Json,
    Markdown,
    Junit,
    /// SARIF 2.1.0, for code-scanning upload.
    Sarif,
}

/// `--fail-on`: a severity, or `none` (findings never fail the run).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    None,
    Info,
    Low,
    Medium,
    High,
    Critical,
}

/// What warrants an alert (mirrors `notify::NotifyOn`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NotifyOnArg {
    Changes,
    Findings,
    Both,
}

/// Colour on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorArg {
    /// On a terminal, unless NO_COLOR is set.
    #[default]
    Auto,
    Always,
    Never,
}

/// `checks list` formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ListFormatArg {
    #[default]
    Table,
    Json,
}

#[derive(Debug, Parser)]
#[command(
    name = "driftwatch",
    version,
    about = "Watch an AWS account for unauthorized change",
    long_about = "Snapshots an AWS account (read-only), diffs it against a baseline kept in git, \
                  and reports what changed, who changed it and when.",
    after_help = EXIT_CODES_HELP
)]
pub struct Cli {
    /// No progress bars or summaries on stderr (for cron); errors still print.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// More log output on stderr (-v info, -vv debug).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read the account and write a JSON snapshot of its state.
    #[command(after_help = SNAPSHOT_HELP)]
    Snapshot(SnapshotArgs),
    /// Compare the account with its baseline and report unauthorized change.
    #[command(after_help = SCAN_HELP)]
    Scan(ScanArgs),
    /// Run the posture checks alone on the account or a snapshot file.
    #[command(after_help = CHECK_HELP)]
    Check(CheckCommandArgs),
    /// List and explain the posture checks.
    #[command(subcommand, after_help = CHECKS_HELP)]
    Checks(ChecksCommand),
    /// Compare two snapshot or baseline files (no AWS access needed).
    #[command(after_help = DIFF_HELP)]
    Diff(DiffArgs),
    /// Save, approve and inspect baselines.
    #[command(subcommand)]
    Baseline(BaselineCommand),
    /// Combine JSON reports of several runs (shards of an organization) into one.
    #[command(after_help = MERGE_HELP)]
    Merge(MergeArgs),
    /// Run the whole pipeline on a bundled demo account (no AWS needed).
    #[command(after_help = DEMO_HELP)]
    Demo(DemoArgs),
    /// Print shell completions.
    Completions {
        /// bash, zsh, fish, elvish or powershell
        shell: clap_complete::Shell,
    },
}

/// How to reach AWS. The standard credential chain applies (environment,
/// profile, SSO, instance role, web identity).
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "AWS access")]
pub struct AwsArgs {
    /// Named profile from the AWS config files.
    #[arg(long, env = "AWS_PROFILE")]
    pub profile: Option<String>,
    /// Regions to scan for regional services (repeatable or comma-separated);
    /// default: the baseline's regions, else every enabled region.
    #[arg(long = "region", value_name = "REGION", value_delimiter = ',')]
    pub regions: Vec<String>,
    /// Send every request to this endpoint (also read from AWS_ENDPOINT_URL); S3 then uses path-style.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Maximum API requests in flight.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u16).range(1..=512))]
    pub concurrency: u16,
    /// Seconds one API operation may take, retries included: an endpoint that
    /// accepts connections and never answers ends the run, not hangs it.
    #[arg(long, value_name = "SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
    /// Seconds one HTTP attempt may take.
    #[arg(long, value_name = "SECS", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub attempt_timeout: u64,
    /// Attempts per API call (the SDK's adaptive retry mode: backoff, and a
    /// client-side rate that slows down when AWS throttles).
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub max_attempts: u32,
    /// Client-side request rate for one service, in every region it is read
    /// in: `ec2=20` (per second; a burst of twice that) or `ec2=20/100`;
    /// repeatable; `off` lifts every limit. The defaults stay well below
    /// AWS's published quotas (README, "Performance").
    #[arg(long = "rate-limit", value_name = "SERVICE=N[/BURST]")]
    pub rate_limits: Vec<String>,
}

/// Many accounts in one run: each reached by assuming a role from the
/// credentials the standard chain gives (the first hop).
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Many accounts")]
pub struct AccountsArgs {
    /// Accounts to read: 12-digit ids (comma-separated), or `org` for every
    /// active account of the organization (Organizations ListAccounts, from
    /// the management or a delegated administrator account).
    #[arg(id = "accounts", long = "accounts", value_name = "IDS|org")]
    pub ids: Option<String>,
    /// With `--accounts org`: only the accounts under this organizational
    /// unit, nested ones included (repeatable).
    #[arg(long = "ou", value_name = "OU_ID", requires = "accounts")]
    pub ous: Vec<String>,
    /// The role to assume in each account (the account the credentials are
    /// for is read with them directly).
    #[arg(
        long,
        value_name = "NAME",
        default_value = "OrganizationAccountAccessRole",
        requires = "accounts"
    )]
    pub role_name: String,
    /// External id the role's trust policy asks for.
    #[arg(long, value_name = "ID", requires = "accounts")]
    pub external_id: Option<String>,
    /// Accounts read at once; each has its own --concurrency and rate
    /// limits, as each has its own API quotas.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256), requires = "accounts")]
    pub parallel_accounts: u16,
}

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Write the snapshot here (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Report")]
pub struct ReportArgs {
    /// Report format; default: table on a terminal, JSON otherwise.
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Write the report here (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Columns the table fills (default: the terminal's width, or 100 when
    /// stdout is a pipe or file; at least 60).
    #[arg(long, value_name = "COLUMNS", value_parser = clap::value_parser!(u16).range(60..=1000))]
    pub width: Option<u16>,
    /// Configuration file (default: ./driftwatch.toml when present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// JSON reports (`--format json`) of `scan` or `check`, of one account
    /// or many; no account may be in two of them.
    #[arg(required = true, value_name = "REPORT")]
    pub reports: Vec<PathBuf>,
    /// Report format; default: table on a terminal, JSON otherwise.
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Write the report here (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Columns the table fills (default: the terminal's width, or 100).
    #[arg(long, value_name = "COLUMNS", value_parser = clap::value_parser!(u16).range(60..=1000))]
    pub width: Option<u16>,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier state: a snapshot or baseline file (.json or .json.gz).
    pub old: PathBuf,
    /// The later state: a snapshot or baseline file.
    pub new: PathBuf,
    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Use this snapshot file as the current state instead of reading the account.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "accounts",
        help_heading = "Inputs"
    )]
    pub snapshot: Option<PathBuf>,
    /// Baseline to compare with (default: baselines/<account-id>.json; with
    /// --accounts, each account's).
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "accounts",
        help_heading = "Inputs"
    )]
    pub baseline: Option<PathBuf>,
    /// Where CloudTrail events come from: `api` (LookupEvents), `trail` (the
    /// account's trail in S3), `s3://bucket/prefix`, a local file or directory,
    /// `athena://WORKGROUP/DATABASE.TABLE[?output=s3://bucket/prefix]` (an
    /// organization trail's table), or `none`. Default: `api` when reading
    /// the account, `none` with --snapshot.
    #[arg(long, value_name = "SOURCE", help_heading = "Inputs")]
    pub cloudtrail: Option<String>,
    /// List approved changes too (by default they are counted, not listed:
    /// the report shows what is not yet reviewed).
    #[arg(long, help_heading = "Report")]
    pub show_approved: bool,
    /// List every transient change and every write outside the snapshot
    /// in full (by default, more than five alike ones, same kind or call,
    /// principal and verdict, are one entry with a count, the time span and
    /// samples).
    #[arg(long, help_heading = "Report")]
    pub all_transients: bool,
    #[command(flatten)]
    pub aws: AwsArgs,
    #[command(flatten)]
    pub accounts: AccountsArgs,
    #[command(flatten)]
    pub checks: CheckArgs,
    #[command(flatten)]
    pub notify: NotifyArgs,
    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Alerts")]
pub struct NotifyArgs {
    /// Post alerts here (repeatable): a Slack incoming webhook gets a Slack
    /// message, any other https URL the JSON report; `slack:URL` forces Slack.
    /// Also `[notify] urls` in the config. URLs are never printed.
    #[arg(long = "notify", value_name = "URL")]
    pub urls: Vec<String>,
    /// What warrants an alert: unauthorized or transient changes, failing findings, or both.
    #[arg(long, value_enum)]
    pub notify_on: Option<NotifyOnArg>,
    /// Seconds to wait for each delivery attempt (3 attempts, with backoff).
    #[arg(long, value_name = "SECS")]
    pub notify_timeout: Option<u64>,
    /// Remember what was sent here (default: beside the baseline,
    /// `baselines/ACCOUNT.alerts.json`); an item is sent again when it
    /// changes or after --realert hours.
    #[arg(long, value_name = "PATH")]
    pub notify_state: Option<std::path::PathBuf>,
    /// Hours before an item already sent is sent again (default 24).
    #[arg(long, value_name = "HOURS")]
    pub realert: Option<u64>,
    /// Send every run's alert in full, remembering nothing.
    #[arg(long, conflicts_with_all = ["notify_state", "realert"])]
    pub notify_all: bool,
}

#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Checks")]
pub struct CheckArgs {
    /// More check files (*.toml, and Sigma rules *.yml) from this
    /// directory (repeatable).
    #[arg(long = "checks", value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Unsuppressed findings at or above this severity make the exit code 1;
    /// `none` reports findings without failing (unauthorized changes still do).
    #[arg(long, value_enum, default_value = "high")]
    pub fail_on: FailOnArg,
    /// Known findings (accepted with the baseline, exactly as they were)
    /// fail the run too; by default only new and updated ones do.
    #[arg(long)]
    pub fail_on_known: bool,
    /// Do not run posture checks.
    #[arg(long)]
    pub no_checks: bool,
    /// Skip Sigma rules driftwatch cannot evaluate, with warning W007,
    /// instead of refusing them.
    #[arg(long)]
    pub sigma_skip_unsupported: bool,
}

#[derive(Debug, Args)]
pub struct CheckCommandArgs {
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Check this snapshot file instead of reading the account.
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,
    #[command(flatten)]
    pub checks: CheckArgs,
    #[command(flatten)]
    pub notify: NotifyArgs,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// The checks whose findings a baseline accepts as known with its state.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Known findings")]
pub struct AcceptArgs {
    /// More check files (*.toml) from this directory (repeatable): their
    /// findings are accepted as known too.
    #[arg(long = "checks", value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Record no findings as known: every finding of the next scan is new.
    #[arg(long)]
    pub no_checks: bool,
    /// Configuration file (default: ./driftwatch.toml when present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Where checks come from besides the built-ins.
#[derive(Debug, Args)]
pub struct CheckSources {
    /// More check files from this directory (repeatable).
    #[arg(long = "checks", value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Skip Sigma rules driftwatch cannot evaluate, with warning W007.
    #[arg(long)]
    pub sigma_skip_unsupported: bool,
    /// Configuration file (default: ./driftwatch.toml when present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ChecksCommand {
    /// List every check with its id, severity and risk.
    List {
        #[command(flatten)]
        from: CheckSources,
        /// table, or json for tools.
        #[arg(long, value_enum, default_value_t = ListFormatArg::Table)]
        format: ListFormatArg,
    },
    /// Print a check's rationale, remediation, references and expression.
    Explain {
        /// The check id, e.g. SG002.
        id: String,
        #[command(flatten)]
        from: CheckSources,
    },
}

#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Write the account's current state as its baseline.
    #[command(after_help = SAVE_HELP)]
    Save {
        #[command(flatten)]
        aws: AwsArgs,
        #[command(flatten)]
        accounts: AccountsArgs,
        /// Take the state from this snapshot file instead of reading the account.
        #[arg(long, value_name = "SNAPSHOT", conflicts_with = "accounts")]
        from: Option<PathBuf>,
        /// Where to write (default: baselines/<account-id>.json; .gz
        /// compresses); with --accounts, a directory for every account's.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Replace a baseline that holds approvals (they are lost).
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        accept: AcceptArgs,
    },
    /// Accept changes and findings: by id (pinned to their current content
    /// and evidence), or the whole current state.
    #[command(arg_required_else_help = true, after_help = APPROVE_HELP)]
    Approve {
        /// Change ids (c-...) and finding ids (f-...) from a scan report; a
        /// change's resource's findings are accepted with it.
        #[arg(
            value_name = "ID",
            required_unless_present = "all",
            conflicts_with = "all"
        )]
        ids: Vec<String>,
        /// Accept the whole current state as the new baseline.
        #[arg(long)]
        all: bool,
        /// Why these changes are acceptable (kept in the baseline).
        #[arg(long)]
        reason: String,
        /// Until when (YYYY-MM-DD, end of that day UTC, or RFC 3339); the change re-opens after.
        #[arg(long, value_name = "DATE", conflicts_with = "all")]
        expires: Option<String>,
        /// Who approves (default: the AWS caller identity, or $USER with --snapshot).
        #[arg(long, value_name = "NAME")]
        by: Option<String>,
        #[command(flatten)]
        aws: AwsArgs,
        /// Current state from this snapshot file instead of reading the account.
        #[arg(long, value_name = "FILE", conflicts_with = "from_report")]
        snapshot: Option<PathBuf>,
        /// Approve changes as a saved JSON scan report lists them (no AWS access).
        #[arg(long, value_name = "REPORT", conflicts_with = "all")]
        from_report: Option<PathBuf>,
        /// With --all: every account's current state into its own baseline.
        #[command(flatten)]
        accounts: AccountsArgs,
        /// Baseline to update (default: baselines/<account-id>.json).
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        #[command(flatten)]
        accept: AcceptArgs,
    },
    /// Summarize a baseline and its approvals.
    Show {
        /// The baseline file.
        path: PathBuf,
        /// Output as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Write the demo bundle (baseline, current snapshot, CloudTrail logs,
    /// driftwatch.toml) under DIR instead, to run `driftwatch scan` on it by hand.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// List approved changes too (by default they are counted, not listed).
    #[arg(long)]
    pub show_approved: bool,
    #[command(flatten)]
    pub checks: CheckArgs,
    #[command(flatten)]
    pub notify: NotifyArgs,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// The man pages (roff), generated from the same definitions as `--help`:
/// `driftwatch.1` and one per subcommand (`driftwatch-scan.1`,
/// `driftwatch-baseline-save.1`, ...), which the top page's SEE ALSO names;
/// copies live in `completions/`. Each is `(file name, page)`.
pub fn man_pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    fn walk(cmd: clap::Command, out: &mut Vec<(String, Vec<u8>)>) -> std::io::Result<()> {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
            walk(sub, out)?;
        }
        let man = clap_mangen::Man::new(cmd);
        let mut page = Vec::new();
        man.render(&mut page)?;
        out.push((man.get_filename(), page));
        Ok(())
    }
    // No `help` subcommand: `--help` is the help, and a page for it would
    // say nothing the others do not.
    let mut cmd = <Cli as clap::CommandFactory>::command().disable_help_subcommand(true);
    cmd.build();
    let mut out = Vec::new();
    walk(cmd, &mut out)?;
    out.sort();
    Ok(out)
}
