//! `driftwatch.toml`: the user's configuration, read then validated. Unknown
//! keys are errors (a typo must not silently disable a rule), reported with
//! the file and line.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Result};
use serde::Deserialize;

use crate::diff::{DiffOptions, DEFAULT_IGNORE};

pub const DEFAULT_CONFIG: &str = "driftwatch.toml";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub diff: DiffConfig,
    #[serde(default)]
    pub checks: crate::checks::ChecksConfig,
    #[serde(default)]
    pub suppress: Vec<crate::checks::suppress::Suppression>,
    /// Who may change what (see `attribution::policy`).
    #[serde(default)]
    pub allow: Vec<crate::attribution::policy::AllowRule>,
    #[serde(default)]
    pub policy: PolicyConfig,
    #[serde(default)]
    pub notify: NotifyConfig,
    /// Where the file came from, for messages.
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

/// `[notify]`: alert targets kept out of shell history.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyConfig {
    #[serde(default)]
    pub urls: Vec<String>,
    #[serde(default)]
    pub on: Option<crate::notify::NotifyOn>,
    #[serde(default)]
    pub timeout_secs: Option<u64>,
    /// Where to remember what was sent (default: beside the baseline).
    #[serde(default)]
    pub state: Option<std::path::PathBuf>,
    /// Hours before an item already sent is sent again (default 24).
    #[serde(default)]
    pub realert_hours: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyConfig {
    /// Keep the built-in rules that stay out of AWS's own way.
    #[serde(default = "yes")]
    pub builtin_defaults: bool,
}

fn yes() -> bool {
    true
}

impl Default for PolicyConfig {
    fn default() -> Self {
        PolicyConfig {
            builtin_defaults: true,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiffConfig {
    /// `KIND:PATH` globs of fields not compared. Replaces the defaults.
    #[serde(default = "default_ignore")]
    pub ignore: Vec<String>,
}

impl Default for DiffConfig {
    fn default() -> Self {
        DiffConfig {
            ignore: default_ignore(),
        }
    }
}

fn default_ignore() -> Vec<String> {
    DEFAULT_IGNORE.iter().map(|s| s.to_string()).collect()
}

impl Config {
    /// Reads `--config FILE`, or `./driftwatch.toml` when present, or defaults.
    pub fn load(explicit: Option<&Path>) -> Result<Config> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None => {
                let p = PathBuf::from(DEFAULT_CONFIG);
                if !p.exists() {
                    return Ok(Config::default());
                }
                p
            }
        };
        let text = crate::fsutil::read_regular_text(&path)
            .map_err(|e| anyhow!("{}: cannot read: {e}", path.display()))?;
        let mut c = Config::parse(&text).map_err(|e| anyhow!("{}: {e}", path.display()))?;
        c.path = Some(path);
        Ok(c)
    }

    pub fn parse(text: &str) -> Result<Config> {
        let c: Config = toml::from_str(text).map_err(|e| anyhow!("{}", toml_error(text, &e)))?;
        c.diff_options()?;
        c.policy()?;
        for u in &c.notify.urls {
            crate::notify::parse_target(u).map_err(|e| anyhow!("[notify] {e}"))?;
        }
        for sup in &c.suppress {
            sup.validate()?;
        }
        if let Err(e) = regex_lite_check(&c.checks.internal_name_pattern) {
            return Err(anyhow!("[checks] internal_name_pattern: {e}"));
        }
        Ok(c)
    }

    pub fn policy(&self) -> Result<crate::attribution::policy::Policy> {
        crate::attribution::policy::Policy::new(&self.allow, self.policy.builtin_defaults)
            .map_err(|e| anyhow!("[[allow]] {e}"))
    }

    pub fn diff_options(&self) -> Result<DiffOptions> {
        DiffOptions::new(self.diff.ignore.clone()).map_err(|e| anyhow!("[diff] {e}"))
    }
}

/// The pattern is handed to CEL's `matches`; catch a bad one at load time.
fn regex_lite_check(p: &str) -> Result<()> {
    let prog = crate::checks::cel_env()
        .compile(&format!("'x'.matches({})", serde_json::to_string(p)?))
        .map_err(|e| anyhow!("{e}"))?;
    prog.execute(&cel::Context::with_env(crate::checks::cel_env()))
        .map(|_| ())
        .map_err(|e| anyhow!("not a valid regular expression: {e}"))
}

pub use crate::tomlerr::toml_error;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_errors_with_a_line() {
        let e = Config::parse("[diff]\nignore = []\nignroe = 1\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("line 3:"), "{e}");
        assert!(e.contains("ignroe"), "{e}");
        let e = Config::parse("[diff]\nignore = [\"nocolon\"]\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("KIND:PATH"), "{e}");
    }

    #[test]
    fn suppressions_need_owner_reason_and_a_real_date() {
        let ok = "[[suppress]]\ncheck = \"SG002\"\nresource = \"ec2.security_group/*/sg-1\"\nreason = \"bastion\"\nowner = \"alice\"\nexpires = \"2030-01-01\"\n";
        assert_eq!(Config::parse(ok).unwrap().suppress.len(), 1);
        let e = Config::parse(&ok.replace("2030-01-01", "soon"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("expires \"soon\""), "{e}");
        let e = Config::parse(&ok.replace("owner = \"alice\"\n", ""))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("line 1:") && e.contains("owner"), "{e}");
        let e = Config::parse("[checks]\ninternal_name_pattern = \"(\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("internal_name_pattern"), "{e}");
    }

    #[test]
    fn defaults_apply_without_a_file() {
        let c = Config::parse("").unwrap();
        assert_eq!(c.diff.ignore.len(), DEFAULT_IGNORE.len());
    }
}
