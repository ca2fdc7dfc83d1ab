//! Text broken into lines for people: at spaces; a token wider than the
//! column (a long ARN) at the separators it is made of (`/` and `:`, `,`
//! and `;` in lists), so `arn:aws:iam::210987654321:user/jenkins-legacy`
//! breaks after `user/`, never inside `jenkins`. A token that fits on a
//! line is never broken: an ARN moves to the next line whole rather than
//! leave `arn:aws:iam:` on one and the account on the next. A `:` before a
//! digit or another `:` is not a break: a time (`02:31:00Z`) and `iam::`
//! stay whole. An indented line keeps its indent. Only a piece with no
//! separator that is wider than the column is cut where the column ends.

use textwrap::core::Word;
use textwrap::wrap_algorithms::wrap_first_fit;
use textwrap::WordSeparator;

/// `text` wrapped to `width` columns, each of its own lines on its own.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    text.lines()
        .flat_map(|line| wrap_line(line, width))
        .collect()
}

/// `text` wrapped to `width` columns as one string.
pub fn wrapped(text: &str, width: usize) -> String {
    wrap(text, width).join("\n")
}

/// One line: its words first fit into the width left after its indent,
/// which every line it wraps onto keeps (a place under its resource).
fn wrap_line(line: &str, width: usize) -> Vec<String> {
    let body = line.trim_start_matches(' ');
    let indent = &line[..line.len() - body.len()];
    let room = width.saturating_sub(indent.len()).max(1);
    let words: Vec<Word<'_>> = WordSeparator::AsciiSpace
        .find_words(body)
        .flat_map(|w| pieces(w, room))
        .collect();
    if words.is_empty() {
        return vec![line.trim_end().to_string()];
    }
    wrap_first_fit(&words, &[room as f64])
        .into_iter()
        .map(|ws| {
            let mut l = indent.to_string();
            for (i, w) in ws.iter().enumerate() {
                l.push_str(w.word);
                if i + 1 < ws.len() {
                    l.push_str(w.whitespace);
                }
            }
            l
        })
        .collect()
}

/// A word as it is, when it fits; else its pieces after each separator,
/// each cut at the column if it still does not fit. The word's trailing
/// space stays on its last piece.
fn pieces(w: Word<'_>, room: usize) -> Vec<Word<'_>> {
    if w.width <= room {
        return vec![w];
    }
    let mut out: Vec<Word<'_>> = separated(w.word)
        .into_iter()
        .flat_map(|p| p.break_apart(room).collect::<Vec<_>>())
        .collect();
    if let Some(last) = out.last_mut() {
        last.whitespace = w.whitespace;
    }
    out
}

/// The pieces of a token, each ending after a separator.
fn separated(token: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = token.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let cut = match c {
            '/' | ',' | ';' => next.is_some(),
            ':' => next.is_some_and(|n| !n.is_ascii_digit() && n != ':'),
            _ => false,
        };
        if cut {
            let end = i + c.len_utf8();
            out.push(Word::from(&token[start..end]));
            start = end;
        }
    }
    if start < token.len() {
        out.push(Word::from(&token[start..]));
    }
    out
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
    fn an_arn_that_fits_on_a_line_moves_there_whole() {
        assert_eq!(
            wrap("Principal arn:aws:iam::999988887777:root", 35),
            ["Principal", "arn:aws:iam::999988887777:root"]
        );
        // Too long for any line: broken at a separator, never between the
        // two colons before the account.
        assert_eq!(
            wrap("arn:aws:iam::999988887777:root", 20),
            ["arn:aws:", "iam::999988887777:", "root"]
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
