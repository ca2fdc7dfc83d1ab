//! The README as a newcomer follows it: every `driftwatch ...` line of its
//! shell blocks, and every example in the commands' `--help`, parses as
//! the command line it claims to be (clap's own parser), so an example
//! cannot rot; and its kinds table names every kind driftwatch reads.

use crate::common::*;
use clap::{CommandFactory, Parser};
use driftwatch::cli::Cli;

/// The `driftwatch` command lines of a text: each shell line (joined
/// across `\` continuations) cut at `|`, `&&`, `;` and redirections, from
/// the `driftwatch` (or `cargo run -q --`) word on, comments dropped.
fn command_lines(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let joined = text.replace("\\\n", " ");
    for line in joined.lines() {
        let line = line.trim().trim_start_matches("$ ");
        let line = line.replace("cargo run -q --", "driftwatch");
        for part in line.split(['|', ';']).flat_map(|p| p.split("&&")) {
            if !part.split_whitespace().any(|w| w == "driftwatch") {
                continue;
            }
            let Some(words) = shlex::split(part) else {
                panic!("cannot split {part:?}");
            };
            let words: Vec<String> = words
                .into_iter()
                .take_while(|w| !w.starts_with('>') && !w.starts_with("2>"))
                .collect();
            let Some(at) = words.iter().position(|w| w == "driftwatch") else {
                continue;
            };
            // Only a command: what comes before it sets variables.
            if words[..at].iter().all(|w| w.contains('=')) {
                out.push(words[at..].to_vec());
            }
        }
    }
    out
}

/// The shell blocks (```sh) of a Markdown text.
fn shell_blocks(md: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut cur: Option<String> = None;
    for line in md.lines() {
        match (&mut cur, line.trim_start()) {
            (None, l) if l == "```sh" || l == "```bash" || l == "```console" => {
                cur = Some(String::new())
            }
            (Some(b), "```") => {
                blocks.push(std::mem::take(b));
                cur = None;
            }
            (Some(b), l) => {
                b.push_str(l);
                b.push('\n');
            }
            _ => {}
        }
    }
    blocks
}

fn parses(words: &[String], whence: &str) {
    if let Err(e) = Cli::try_parse_from(words) {
        panic!("{whence}: `{}` does not parse:\n{e}", words.join(" "));
    }
}

/// The inline code of prose that is a whole command line (`driftwatch
/// diff OLD NEW`); a synopsis with optional parts or alternatives
/// (`[--force]`, `IDS|org`, `REPORT...`) is not one.
fn inline_commands(md: &str) -> Vec<String> {
    // Prose joined into one line: a span may run across a line break.
    let mut prose = String::new();
    let mut in_block = false;
    for line in md.lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
        } else if !in_block {
            prose.push_str(line);
            prose.push(' ');
        }
    }
    prose
        .split('`')
        .enumerate()
        .filter(|(i, span)| {
            let synopsis = ["[", "|", "...", "<"].iter().any(|m| span.contains(m));
            i % 2 == 1 && span.starts_with("driftwatch ") && !synopsis
        })
        .map(|(_, span)| span.to_string())
        .collect()
}

#[test]
fn every_command_line_in_the_readme_parses() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let mut lines: Vec<Vec<String>> = shell_blocks(&readme)
        .iter()
        .flat_map(|b| command_lines(b))
        .collect();
    lines.extend(
        inline_commands(&readme)
            .iter()
            .flat_map(|c| command_lines(c)),
    );
    assert!(
        lines.len() >= 20,
        "only {} command lines found",
        lines.len()
    );
    for words in &lines {
        parses(words, "README.md");
    }
    // The two commands a fresh clone starts with.
    assert!(readme.contains("cargo run -q -- demo --format table"));
    assert!(readme.contains("tests/with-moto.sh cargo test"));
}

#[test]
fn every_example_in_the_help_parses() {
    let mut checked = 0;
    let root = Cli::command();
    let mut stack: Vec<&clap::Command> = vec![&root];
    while let Some(cmd) = stack.pop() {
        stack.extend(cmd.get_subcommands());
        let Some(help) = cmd.get_after_help() else {
            continue;
        };
        for words in command_lines(&help.to_string()) {
            parses(&words, &format!("`{}` help", cmd.get_name()));
            checked += 1;
        }
    }
    assert!(checked > 15, "only {checked} examples found");
}

#[test]
fn the_readme_documents_every_resource_kind() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let table = &readme[readme
        .find("| kind | native id | attrs |")
        .expect("the kinds table")..];
    let table = &table[..table.find("\n\n").unwrap_or(table.len())];
    let kinds = driftwatch::kinds::names();
    for k in &kinds {
        assert!(
            table.contains(&format!("`{k}`")),
            "README's kinds table lacks {k}"
        );
    }
    let count = format!("{} resource kinds", kinds.len());
    assert!(readme.contains(&count), "README should say {count:?}");
}
