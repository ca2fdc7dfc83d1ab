//! Text broken into lines for people: at spaces, and inside long tokens at
//! the separators they are made of (`/` and `:` in ARNs, `,` and `;` in
//! lists), so `arn:aws:iam::210987654321:user/jenkins-legacy` breaks after
//! `user/`, never inside `jenkins`. A `:` before a digit is not a break: a
//! time (`02:31:00Z`) stays whole. An indented line keeps its indent. Only
//! a token with no separator that is wider than the column is cut where the
//! column ends.

use textwrap::core::Word;
use textwrap::{Options, WordSeparator, WordSplitter};

/// `text` wrapped to `width` columns, each of its own lines on its own.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let opts = Options::new(width.max(1))
        .word_separator(WordSeparator::Custom(words))
        .word_splitter(WordSplitter::NoHyphenation)
        .break_words(true);
    text.lines()
        .flat_map(|line| {
            // An indented line (a place under its resource) keeps its indent
            // on the lines it wraps onto.
            let indent = &line[..line.len() - line.trim_start_matches(' ').len()];
            let opts = opts.clone().subsequent_indent(indent);
            let lines = textwrap::wrap(line, &opts);
            if lines.is_empty() {
                vec![String::new()]
            } else {
                lines.into_iter().map(|l| l.into_owned()).collect()
            }
        })
        .collect()
}

/// `text` wrapped to `width` columns as one string.
pub fn wrapped(text: &str, width: usize) -> String {
    wrap(text, width).join("\n")
}

/// The words of a line: each piece ends after a run of spaces or after a
/// separator; textwrap glues pieces without trailing spaces back together
/// when they share a line.
fn words(line: &str) -> Box<dyn Iterator<Item = Word<'_>> + '_> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let end = i + c.len_utf8();
        let cut = match c {
            ' ' => next != Some(' '),
            '/' | ',' | ';' => next != Some(' '),
            ':' => next.is_some_and(|n| !n.is_ascii_digit() && n != ' '),
            _ => false,
        };
        if cut {
            out.push(Word::from(&line[start..end]));
            start = end;
        }
    }
    if start < line.len() {
        out.push(Word::from(&line[start..]));
    }
    Box::new(out.into_iter())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_break_at_their_separators_and_times_stay_whole() {
        let lines = wrap(
            "by arn:aws:sts::210987654321:assumed-role/admin/alice at 2026-11-28T02:31:00Z",
            30,
        );
        assert_eq!(
            lines,
            [
                "by arn:aws:sts::210987654321:",
                "assumed-role/admin/alice at",
                "2026-11-28T02:31:00Z"
            ]
        );
        for l in &lines {
            assert!(l.chars().count() <= 30, "{l}");
        }
    }

    #[test]
    fn a_token_without_separators_is_cut_only_when_it_must_be() {
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("ab cd", 10), ["ab cd"]);
        assert_eq!(wrap("a\n\nb", 10), ["a", "", "b"]);
    }

    #[test]
    fn an_indented_line_stays_indented_when_it_wraps() {
        assert_eq!(
            wrap("  in managed policy attach-any", 16),
            ["  in managed", "  policy", "  attach-any"]
        );
    }

    #[test]
    fn lists_break_after_their_commas() {
        assert_eq!(
            wrap("ap-southeast-2, eu-west-1, us-east-1", 16),
            ["ap-southeast-2,", "eu-west-1,", "us-east-1"]
        );
    }
}
