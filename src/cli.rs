//! Command-line surface (clap derive). No AWS types here: `run` converts
//! these into the library's option structs.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  clean, and every service and region was read
  1  unauthorized changes, or failing checks at or above --fail-on
  2  driftwatch itself failed (bad input, credentials, I/O)
  3  nothing found, but coverage was incomplete (a service or region could not be read)";

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
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read the account and write a JSON snapshot of its state.
    #[command(after_help = EXIT_CODES_HELP)]
    Snapshot(SnapshotArgs),
    /// Print shell completions.
    Completions {
        /// bash, zsh, fish, elvish or powershell
        shell: clap_complete::Shell,
    },
}

/// How to reach AWS. The standard credential chain applies (environment,
/// profile, SSO, instance role, web identity).
#[derive(Debug, Args, Clone, Default)]
pub struct AwsArgs {
    /// Named profile from the AWS config files.
    #[arg(long, env = "AWS_PROFILE")]
    pub profile: Option<String>,
    /// Region to scan for regional services (repeatable); default: every enabled region.
    #[arg(long = "region", value_name = "REGION")]
    pub regions: Vec<String>,
    /// Send every request to this endpoint (also read from AWS_ENDPOINT_URL); S3 then uses path-style.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Maximum API requests in flight.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u16).range(1..=512))]
    pub concurrency: u16,
}

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Write the snapshot here (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}
