//! How a run ends: one exit status, and one rule for the worst of several
//! (the accounts of a run, the targets of an alert). The design notes'
//! table, in code:
//!
//! | status | code | meaning |
//! |---|---|---|
//! | [`ExitStatus::Clean`] | 0 | clean and complete |
//! | [`ExitStatus::Findings`] | 1 | unauthorized changes or failing findings (`diff`: the states differ) |
//! | [`ExitStatus::ToolFailed`] | 2 | driftwatch itself failed: bad input, credentials, I/O |
//! | [`ExitStatus::Incomplete`] | 3 | nothing found, but something could not be read or compared |

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExitStatus {
    #[default]
    Clean,
    Findings,
    ToolFailed,
    Incomplete,
}

impl ExitStatus {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Clean => 0,
            ExitStatus::Findings => 1,
            ExitStatus::ToolFailed => 2,
            ExitStatus::Incomplete => 3,
        }
    }

    /// How bad it is: a tool failure outranks findings (the run says
    /// nothing reliable), findings outrank gaps (something was found,
    /// whatever else was missed), and gaps outrank a clean run.
    fn rank(self) -> u8 {
        match self {
            ExitStatus::Clean => 0,
            ExitStatus::Incomplete => 1,
            ExitStatus::Findings => 2,
            ExitStatus::ToolFailed => 3,
        }
    }

    /// The worse of two.
    pub fn worst(self, other: ExitStatus) -> ExitStatus {
        if other.rank() > self.rank() {
            other
        } else {
            self
        }
    }

    /// The worst of many; clean when there are none.
    pub fn worst_of(all: impl IntoIterator<Item = ExitStatus>) -> ExitStatus {
        all.into_iter().fold(ExitStatus::Clean, ExitStatus::worst)
    }

    /// Incomplete where something was not read, else clean.
    pub fn complete_if(complete: bool) -> ExitStatus {
        if complete {
            ExitStatus::Clean
        } else {
            ExitStatus::Incomplete
        }
    }
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(s: ExitStatus) -> Self {
        std::process::ExitCode::from(s.code())
    }
}

#[cfg(test)]
mod tests {
    use super::ExitStatus::*;
    use super::*;

    #[test]
    fn findings_outrank_gaps_and_a_failure_outranks_everything() {
        assert_eq!(Clean.worst(Incomplete), Incomplete);
        assert_eq!(Incomplete.worst(Findings), Findings);
        assert_eq!(Findings.worst(Incomplete), Findings);
        assert_eq!(Findings.worst(ToolFailed), ToolFailed);
        assert_eq!(ExitStatus::worst_of([]), Clean);
        assert_eq!(
            ExitStatus::worst_of([Incomplete, Clean, Findings]),
            Findings
        );
        // Not the numeric maximum: 3 (incomplete) is less bad than 1.
        assert!(Incomplete.code() > Findings.code());
        assert_eq!(
            [Clean, Findings, ToolFailed, Incomplete].map(ExitStatus::code),
            [0, 1, 2, 3]
        );
    }
}
