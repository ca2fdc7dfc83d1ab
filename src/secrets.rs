//! What in a piece of configuration text looks like a secret (instance user
//! data today): the kind of secret and the line it is on, never the value.
//! Nothing here keeps, returns or logs the matched text.

use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

/// One thing that looks like a secret.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Hint {
    /// `aws_access_key_id`, `aws_secret_access_key`, `private_key`,
    /// `password_in_url`, `password_assignment`.
    pub kind: String,
    /// 1-based.
    pub line: usize,
}

/// The patterns, by kind. Each is written to match the shape of a secret
/// with few false alarms: a password *variable* set to a literal, not every
/// mention of the word.
fn patterns() -> &'static [(&'static str, Regex)] {
    static P: OnceLock<Vec<(&'static str, Regex)>> = OnceLock::new();
    P.get_or_init(|| {
        [
            ("aws_access_key_id", r"\b(AKIA|ASIA)[A-Z0-9]{16}\b"),
            (
                "aws_secret_access_key",
                r#"(?i)aws_?secret_?access_?key["']?\s*[:=]\s*["']?[A-Za-z0-9/+=]{40}"#,
            ),
            ("private_key", r"-----BEGIN ([A-Z]+ )?PRIVATE KEY-----"),
            (
                "password_in_url",
                r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@]+:[^\s@/]+@[^\s/]+",
            ),
            (
                "password_assignment",
                r#"(?i)\b(password|passwd|db_pass|secret)\b["']?\s*[:=]\s*["']?[^\s"'$]{6,}"#,
            ),
        ]
        .into_iter()
        .map(|(k, p)| (k, Regex::new(p).expect("static pattern")))
        .collect()
    })
}

/// Every kind of secret found, with its line, sorted.
pub fn scan(text: &str) -> Vec<Hint> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for (kind, re) in patterns() {
            if re.is_match(line) {
                out.push(Hint {
                    kind: (*kind).to_string(),
                    line: i + 1,
                });
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(String, usize)> {
        scan(text).into_iter().map(|h| (h.kind, h.line)).collect()
    }

    #[test]
    fn secrets_are_named_by_kind_and_line() {
        let text = "#!/bin/bash\n\
            export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n\
            export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n\
            -----BEGIN RSA PRIVATE KEY-----\n\
            psql postgres://app:hunter22@db.internal:5432/app\n\
            DB_PASS='s3cr3t-value'\n";
        assert_eq!(
            kinds(text),
            [
                ("aws_access_key_id".to_string(), 2),
                ("aws_secret_access_key".to_string(), 3),
                ("password_assignment".to_string(), 6),
                ("password_in_url".to_string(), 5),
                ("private_key".to_string(), 4),
            ]
        );
    }

    #[test]
    fn mentions_and_references_are_not_secrets() {
        let text = "#!/bin/bash\n\
            # set the password from SSM, never here\n\
            PASSWORD=$(aws ssm get-parameter --name db --with-decryption)\n\
            curl https://example.com/install.sh | sh\n\
            ssh-keygen -t ed25519 -f /root/.ssh/id\n";
        assert_eq!(kinds(text), []);
    }
}
