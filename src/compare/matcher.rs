//! Line matching: `[..]` inside a line matches any text; `...` on a line of its own matches
//! any lines. By default shown lines must appear in order (a subsequence); `exact` allows
//! no extra lines except at `...`.

use regex::Regex;
use std::sync::LazyLock;

static ELLIPSIS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:\.\.\.|…)(?:[ \t]*<[^>]*>|[ \t]*\([^)]*\))?$").expect("valid"));

/// `...`, `…`, `... <many more lines>`: an explicit elision; also the other marks a
/// reader reads as one (`elision`).
pub fn is_ellipsis(line: &str) -> bool {
    let line = line.trim();
    (line.starts_with("...") || line.starts_with('…')) && ELLIPSIS.is_match(line) || elision(line)
}

/// Words that say output was left out, in brackets or between dots or dashes.
const LEFT_OUT: &[&str] = &[
    "snip",
    "snipped",
    "cut",
    "truncated",
    "output truncated",
    "omitted",
    "output omitted",
    "lines omitted",
    "more",
    "more output",
    "more lines",
    "and so on",
    "etc",
];

/// Bloggers' marks for left-out output: `[...]`, `(…)`, `[ ... ]`, `. . .`, `<snip>`,
/// `...snip...`, `-- snip --`, `(output truncated)`. Not `{ ... }`, which Nix prints.
fn elision(line: &str) -> bool {
    let pairs = [('[', ']'), ('(', ')'), ('<', '>')];
    let bracketed = pairs
        .iter()
        .find_map(|&(open, close)| line.strip_prefix(open)?.strip_suffix(close));
    let inner = bracketed.unwrap_or(line).trim();
    let dots = inner.matches('.').count() + 3 * inner.matches('…').count();
    if !inner.is_empty() && inner.chars().all(|c| matches!(c, '.' | '…' | ' ')) {
        return dots >= 3 && (bracketed.is_some() || inner.contains(' ') || inner.len() > 3);
    }
    let decoration = |c: char| matches!(c, '.' | '…' | '-' | ' ' | '✂');
    let word = inner.trim_matches(decoration).to_ascii_lowercase();
    let decorated = inner.starts_with(decoration) && inner.ends_with(decoration);
    (bracketed.is_some() || decorated) && LEFT_OUT.contains(&word.as_str())
}

/// Does a real line match a shown line (with `[..]` wildcards)?
pub fn line_matches(shown: &str, real: &str) -> bool {
    if shown == real {
        return true;
    }
    // `...` inside a line is a reader's wildcard too (`/nix/store/...-hello`).
    if shown.contains("...") || shown.contains('…') {
        return wildcards(&shown.replace("...", "[..]").replace('…', "[..]"), real);
    }
    shown.contains("[..]") && wildcards(shown, real) || in_author_folder(shown, real)
}

/// The folder a reader runs a guide in stands for the one its author ran it in: their home
/// or any folder under it. A real line with the workspace's path (`[WORKSPACE]/app/.git/`)
/// matches a shown one with a home folder's there (`/home/alice/code/app/.git/`, read as
/// `[HOME]/code/app/.git/`); what follows it must be the same.
fn in_author_folder(shown: &str, real: &str) -> bool {
    let mut parts = real.split("[WORKSPACE]");
    let before = parts.next().unwrap_or_default();
    let after: Vec<&str> = parts.collect();
    !after.is_empty()
        && shown
            .strip_prefix(before)
            .is_some_and(|s| folders_then(s, &after))
}

/// `shown` is, for each part, a home folder (or a folder under it), then that part.
fn folders_then(shown: &str, parts: &[&str]) -> bool {
    let Some((part, rest)) = parts.split_first() else {
        return shown.is_empty();
    };
    let Some(shown) = shown.strip_prefix("[HOME]") else {
        return false;
    };
    // The folder under the home one ends where the part starts: any place it could.
    (0..=shown.len())
        .filter(|&end| shown.is_char_boundary(end) && shown[end..].starts_with(part))
        .any(|end| under_home(&shown[..end]) && folders_then(&shown[end + part.len()..], rest))
}

/// A folder a guide is run in, below a home folder: plain names (not a program's hidden
/// folder, `~/.config/app`), or none.
fn under_home(path: &str) -> bool {
    path.is_empty()
        || path.strip_prefix('/').is_some_and(|names| {
            names.split('/').all(|name| {
                !name.is_empty()
                    && !name.starts_with('.')
                    && !name.contains(|c: char| c.is_whitespace() || matches!(c, '\'' | '"' | '[' | ']'))
            })
        })
}

fn wildcards(shown: &str, real: &str) -> bool {
    let mut parts = shown.split("[..]");
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = real.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        if i == parts.len() - 1 {
            return rest.len() >= part.len() && rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// For each shown line, the index of the real line it matched (greedy, in order).
/// Elisions and lines not found are None.
pub fn align(shown: &[String], real: &[String]) -> Vec<Option<usize>> {
    let mut cursor = 0;
    shown
        .iter()
        .map(|s| {
            if is_ellipsis(s) {
                return None;
            }
            let found = (cursor..real.len()).find(|&j| line_matches(s, &real[j]))?;
            cursor = found + 1;
            Some(found)
        })
        .collect()
}

/// Exact matching: every real line is matched by a shown line, in order, except where an
/// elision stands; optional shown lines may be absent. Runs in O(shown × real).
pub fn exact(shown: &[String], optional: &[bool], real: &[String]) -> bool {
    // reach[j]: the shown lines so far can consume exactly real[..j].
    let mut reach = vec![false; real.len() + 1];
    reach[0] = true;
    for (i, s) in shown.iter().enumerate() {
        let mut next = vec![false; real.len() + 1];
        if is_ellipsis(s) {
            let mut any = false;
            for j in 0..=real.len() {
                any |= reach[j];
                next[j] = any;
            }
        } else {
            for j in 0..real.len() {
                next[j + 1] = reach[j] && line_matches(s, &real[j]);
            }
            if optional[i] {
                for j in 0..=real.len() {
                    next[j] |= reach[j];
                }
            }
        }
        reach = next;
    }
    reach[real.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_marks_bloggers_leave_for_left_out_output() {
        for line in [
            "...",
            "…",
            "... <many more lines>",
            "[...]",
            "(...)",
            "<...>",
            "[…]",
            "[ ... ]",
            ". . .",
            "....",
            "<snip>",
            "[snip]",
            "...snip...",
            "-- snip --",
            "(output truncated)",
            "[output omitted]",
            "  [...]  ",
        ] {
            assert!(is_ellipsis(line), "{line}");
        }
        for line in [
            "[..]",
            "..",
            "{ ... }",
            "snip",
            "truncated",
            "(see above)",
            "[1/2 built]",
            "a...b",
        ] {
            assert!(!is_ellipsis(line), "{line}");
        }
    }

    #[test]
    fn the_reader_s_folder_stands_for_the_author_s() {
        assert!(line_matches("[HOME]", "[WORKSPACE]"));
        assert!(line_matches("[HOME]/code/demo", "[WORKSPACE]"));
        assert!(line_matches("[HOME]/proj/src", "[WORKSPACE]/src"));
        assert!(line_matches(
            "Initialized empty Git repository in [HOME]/user/fileset/.git/",
            "Initialized empty Git repository in [WORKSPACE]/fileset/.git/"
        ));
        assert!(line_matches(
            "[HOME]/a/x -> [HOME]/b/y",
            "[WORKSPACE]/x -> [WORKSPACE]/y"
        ));
        assert!(line_matches(
            "at [HOME]/hello/hello.nix:10:25:",
            "at [WORKSPACE]/hello.nix:10:25:"
        ));
        assert!(line_matches(
            "at [HOME]/hello/hello.nix:1:",
            "at [WORKSPACE]/hello/hello.nix:1:"
        ));
        // What follows the folder must be the same; only a home folder stands for it.
        assert!(!line_matches("[HOME]/proj", "[WORKSPACE]/proj/src"));
        assert!(!line_matches("[HOME]/src", "[WORKSPACE]/proj/src"));
        assert!(!line_matches("[HOME]/project", "[WORKSPACE]/proj"));
        assert!(!line_matches("/usr/src/proj", "[WORKSPACE]/proj"));
        assert!(!line_matches("[HOME]/a b/proj", "[WORKSPACE]/proj"));
        assert!(!line_matches("in [HOME]/x", "at [WORKSPACE]"));
        assert!(!line_matches(
            "[HOME]/a/x -> [HOME]/b/z",
            "[WORKSPACE]/x -> [WORKSPACE]/y"
        ));
        // A program's hidden folder is where it keeps things, not where a guide runs.
        assert!(!line_matches(
            "[HOME]/.config/app/config.toml",
            "[WORKSPACE]/config.toml"
        ));
        assert!(!line_matches(
            "[HOME]/.x/a -> [HOME]/b",
            "[WORKSPACE]/a -> [WORKSPACE]/b"
        ));
    }

    #[test]
    fn in_line_wildcards() {
        assert!(line_matches(
            "/nix/store/...-hello-2.12",
            "/nix/store/[HASH]-hello-2.12"
        ));
        assert!(line_matches("unpacking sources...", "unpacking sources..."));
        assert!(line_matches("took …s", "took 3.2s"));
        assert!(!line_matches(
            "/nix/store/...-hello-2.12",
            "/nix/store/[HASH]-hello-2.10"
        ));
        assert!(line_matches("took [..]s", "took 3.2s"));
        assert!(line_matches("[..]-hello-1.0", "/nix/store/x-hello-1.0"));
        assert!(line_matches("a [..] b [..] c", "a 1 b 2 c"));
        assert!(!line_matches("took [..]s", "took 3.2ms!"));
        assert!(!line_matches("ab[..]ba", "aba"));
    }

    #[test]
    fn ellipsis_spellings() {
        for e in ["...", "…", "... <many more lines>", "... (3 lines)"] {
            assert!(is_ellipsis(e), "{e}");
        }
        assert!(!is_ellipsis("...and more"));
    }

    #[test]
    fn alignment_is_an_ordered_subsequence() {
        let real = v(&["a", "x", "b", "c"]);
        assert_eq!(align(&v(&["a", "b", "c"]), &real), [Some(0), Some(2), Some(3)]);
        assert_eq!(align(&v(&["b", "a"]), &real), [Some(2), None]);
        assert_eq!(align(&v(&["a", "...", "c"]), &real), [Some(0), None, Some(3)]);
    }

    #[test]
    fn exact_needs_every_line_or_an_elision() {
        let real = v(&["a", "x", "b"]);
        assert!(!exact(&v(&["a", "b"]), &[false, false], &real));
        assert!(exact(&v(&["a", "...", "b"]), &[false, false, false], &real));
        assert!(exact(&v(&["a", "x", "b"]), &[false; 3], &real));
        assert!(exact(
            &v(&["p", "a", "x", "b"]),
            &[true, false, false, false],
            &real
        ));
        assert!(exact(&v(&["..."]), &[false], &real));
        assert!(!exact(&v(&["a", "x"]), &[false; 2], &real));
    }
}
