//! Heredocs in transcripts: the bodies a command line opens, in the order bash reads them.

use regex::Regex;
use std::sync::LazyLock;

static HEREDOC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:^|[^<])<<(-?)[ \t]*(?:'([^']+)'|"([^"]+)"|\\?([A-Za-z_][A-Za-z0-9_-]*))"#)
        .expect("valid")
});

/// Appends the bodies of the heredocs the command opens and has not closed yet (one
/// line may open several: `cat <<A > a; cat <<B > b`), in order; returns the next line.
pub(super) fn read_bodies<L: super::console::LineSource + ?Sized>(
    lines: &L,
    mut i: usize,
    command: &mut super::Str,
) -> usize {
    let mut pending = heredocs(command);
    if pending.is_empty() {
        return i;
    }
    // A transcript shows a heredoc's body with the `> ` of the secondary prompt when its
    // first line has one; the delimiter line then reads `> EOF`.
    let secondary = i < lines.line_count() && is_secondary(lines.line(i));
    while i < lines.line_count() && !pending.is_empty() {
        let raw = lines.line(i);
        let body = if secondary { strip_secondary(raw) } else { raw };
        command.push('\n');
        command.push_str(body);
        i += 1;
        if pending[0].closed_by(body) {
            pending.remove(0);
        }
    }
    i
}

/// A line shown at the shell's secondary prompt (`> `, or a bare `>` for an empty line).
fn is_secondary(line: &str) -> bool {
    line.starts_with("> ") || line == ">"
}

pub(super) fn strip_secondary(line: &str) -> &str {
    line.strip_prefix("> ")
        .or_else(|| line.strip_prefix('>').filter(|r| r.is_empty()))
        .unwrap_or(line)
}

/// A heredoc whose body is still to come: its delimiter, and whether `<<-` strips tabs.
#[derive(Debug, PartialEq, Eq)]
struct Heredoc {
    delimiter: String,
    strip_tabs: bool,
}

impl Heredoc {
    fn closed_by(&self, line: &str) -> bool {
        let word = if self.strip_tabs {
            line.trim_start_matches('\t')
        } else {
            line
        };
        word == self.delimiter
    }
}

/// `command` without the bodies (and delimiter lines) of its heredocs: what bash parses as
/// shell words (a body may say `for` or `(`, as text).
pub(super) fn without_bodies(command: &str) -> std::borrow::Cow<'_, str> {
    if !super::holds(command, "<<") {
        return std::borrow::Cow::Borrowed(command);
    }
    let mut pending: Vec<Heredoc> = Vec::new();
    let mut words = String::with_capacity(command.len());
    for line in command.lines() {
        if let Some(open) = pending.first() {
            if open.closed_by(line) {
                pending.remove(0);
            }
            continue;
        }
        words.push_str(line);
        words.push('\n');
        if super::holds(line, "<<") {
            pending.extend(opened(line));
        }
    }
    std::borrow::Cow::Owned(words)
}

/// The heredocs one line opens, in order.
fn opened(line: &str) -> impl Iterator<Item = Heredoc> + '_ {
    HEREDOC.captures_iter(line).filter_map(|caps| {
        let word = caps.get(2).or(caps.get(3)).or(caps.get(4))?.as_str();
        Some(Heredoc {
            delimiter: word.to_string(),
            strip_tabs: &caps[1] == "-",
        })
    })
}

/// The heredocs of `command` whose bodies it does not hold yet. Bodies follow the line
/// that opens them, one after another; a body line opens nothing (continuation lines
/// may already hold some bodies).
fn heredocs(command: &str) -> Vec<Heredoc> {
    let mut pending: Vec<Heredoc> = Vec::new();
    for line in command.lines() {
        if let Some(open) = pending.first() {
            if open.closed_by(line) {
                pending.remove(0);
            }
            continue;
        }
        if !super::holds(line, "<<") {
            continue;
        }
        pending.extend(opened(line));
    }
    pending
}
