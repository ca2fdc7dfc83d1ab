//! Whose account an id or ARN names, and which of a list of grantees lie
//! outside the account and its configured known accounts: one predicate for
//! every check that judges a grant or a trust (bucket policies, role trust,
//! shared snapshots and images).

/// The 12-digit account a bare account id or an ARN names; `None` for `*`,
/// service principals, canonical user ids and anything else.
pub fn account_of(s: &str) -> Option<&str> {
    let s = s.trim();
    let id = if s.starts_with("arn:") {
        s.split(':').nth(4)?
    } else {
        s
    };
    (id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())).then_some(id)
}

/// The grantees (as given) whose account is neither `own` nor `known`,
/// sorted and without repeats.
pub fn foreign<'a>(
    grantees: impl IntoIterator<Item = &'a str>,
    own: &str,
    known: &[String],
) -> Vec<String> {
    let mut out: Vec<String> = grantees
        .into_iter()
        .filter(|g| account_of(g).is_some_and(|a| a != own && !known.iter().any(|k| k == a)))
        .map(str::to_string)
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_are_read_from_ids_and_arns_only() {
        assert_eq!(account_of("111122223333"), Some("111122223333"));
        assert_eq!(
            account_of("arn:aws:iam::111122223333:role/x"),
            Some("111122223333")
        );
        assert_eq!(account_of("arn:aws:s3:::bucket"), None);
        assert_eq!(account_of("*"), None);
        assert_eq!(account_of("ec2.amazonaws.com"), None);
        assert_eq!(account_of("1111222233334"), None);
    }

    #[test]
    fn own_and_known_accounts_are_not_foreign() {
        let known = vec!["444455556666".to_string()];
        let got = foreign(
            [
                "111122223333",
                "arn:aws:iam::444455556666:root",
                "arn:aws:iam::999988887777:root",
                "999988887777",
                "*",
            ],
            "111122223333",
            &known,
        );
        assert_eq!(got, ["999988887777", "arn:aws:iam::999988887777:root"]);
    }
}
