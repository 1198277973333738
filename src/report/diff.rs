//! Renders an output mismatch: the guide's lines (with their Markdown line numbers) against
//! the real lines, and the changed characters marked.

use super::Style;
use crate::compare::OutputMismatch;
use similar::{Algorithm, ChangeTag, DiffOp, TextDiff, capture_diff_slices};

/// Real lines shown in a row before the rest are counted, not printed.
const MAX_REAL_LINES: usize = 12;

pub(super) fn render(m: &OutputMismatch, style: Style) -> String {
    let shown: Vec<&str> = m.shown.iter().map(|l| l.text.as_str()).collect();
    let real: Vec<&str> = m.real.iter().map(String::as_str).collect();
    let ops = capture_diff_slices(Algorithm::Patience, &shown, &real);
    let what = if m.exact {
        "the real output differs (match=exact)"
    } else {
        "shown lines are missing from the real output"
    };
    let mut out = format!("  {what} (- guide, + real):\n");
    let width = digits(m.shown.iter().map(|l| l.line).max().unwrap_or(0));
    let blank = " ".repeat(width);
    let view = View {
        m,
        shown: &shown,
        real: &real,
        width,
        style,
    };
    for group in similar::group_diff_ops(ops, 2) {
        // Without match=exact, extra real lines alone are fine: show only hunks with a
        // missing shown line.
        let relevant = m.exact
            || group
                .iter()
                .any(|op| !op.old_range().is_empty() && !matches!(op, DiffOp::Equal { .. }));
        if !relevant {
            continue;
        }
        if !out.ends_with(":\n") {
            out.push_str(&format!("  {blank}   ...\n"));
        }
        for (n, op) in group.iter().enumerate() {
            let (old, new) = (op.old_range(), op.new_range());
            let near_missing = |k: Option<&DiffOp>| k.is_some_and(|o| matches!(o, DiffOp::Delete { .. }));
            if !m.exact
                && matches!(op, DiffOp::Insert { .. })
                && !near_missing(n.checked_sub(1).and_then(|p| group.get(p)))
                && !near_missing(group.get(n + 1))
            {
                continue;
            }
            match op {
                DiffOp::Equal { .. } => {
                    for i in old {
                        out.push_str(&format!("  {:>width$}   {}\n", m.shown[i].line, shown[i]));
                    }
                }
                _ => out.push_str(&changed(&view, old, new)),
            }
        }
    }
    out
}

fn digits(n: usize) -> usize {
    n.to_string().len()
}

/// What the diff's parts need to render lines.
struct View<'a> {
    m: &'a OutputMismatch,
    shown: &'a [&'a str],
    real: &'a [&'a str],
    width: usize,
    style: Style,
}

/// A changed run: the guide's lines (-), then the real ones (+, at most `MAX_REAL_LINES`
/// in a row), with carets under changed characters of paired lines.
fn changed(view: &View<'_>, old: std::ops::Range<usize>, new: std::ops::Range<usize>) -> String {
    let View {
        m,
        shown,
        real,
        width,
        style,
    } = view;
    let width = *width;
    let blank = " ".repeat(width);
    let mut out = String::new();
    let pairs = old.len().min(new.len());
    for i in old.clone() {
        let line = format!("  {:>width$} - {}", m.shown[i].line, shown[i]);
        out.push_str(&style.paint("31", &line));
        out.push('\n');
    }
    let total = new.len();
    for (k, j) in new.enumerate() {
        if k == MAX_REAL_LINES && total > MAX_REAL_LINES + 1 {
            out.push_str(&format!("  {blank}   … {} more real lines\n", total - k));
            break;
        }
        let line = format!("  {blank} + {}", real[j]);
        out.push_str(&style.paint("32", &line));
        out.push('\n');
        if k < pairs {
            out.push_str(&carets(shown[old.start + k], real[j], width + 5));
        }
    }
    out
}

/// A line of `^` under the characters of `real` that differ from `shown`, when the two
/// lines are alike enough for that to help (a changed hash, a changed word).
fn carets(shown: &str, real: &str, indent: usize) -> String {
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Myers)
        .diff_chars(shown, real);
    if diff.ratio() < 0.5 {
        return String::new();
    }
    let mut marks = String::new();
    for change in diff.iter_all_changes() {
        match change.tag() {
            ChangeTag::Equal => marks.push(' '),
            ChangeTag::Insert => marks.push('^'),
            ChangeTag::Delete => {}
        }
    }
    let marks = marks.trim_end();
    if marks.is_empty() {
        // Only deletions: point at where the text was removed.
        return String::new();
    }
    format!("{}{marks}\n", " ".repeat(indent))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::ComparedLine;

    fn mismatch(shown: &[(usize, &str)], real: &[&str]) -> OutputMismatch {
        OutputMismatch {
            exact: false,
            shown: shown
                .iter()
                .map(|(l, t)| ComparedLine {
                    line: *l,
                    text: t.to_string(),
                })
                .collect(),
            real: real.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn a_one_character_change_is_marked() {
        let m = mismatch(
            &[(7, "a"), (8, "got: sha256-abc="), (9, "z")],
            &["a", "got: sha256-abd=", "z"],
        );
        insta::assert_snapshot!(render(&m, Style::default()), @r"
        shown lines are missing from the real output (- guide, + real):
        7   a
        8 - got: sha256-abc=
          + got: sha256-abd=
                          ^
        9   z
        ");
    }

    #[test]
    fn a_long_run_of_real_lines_is_counted_not_printed() {
        let real: Vec<String> = (0..100).map(|i| format!("line {i}")).collect();
        let refs: Vec<&str> = real.iter().map(String::as_str).collect();
        let text = render(&mismatch(&[(3, "missing")], &refs), Style::default());
        assert!(
            text.contains("+ line 11\n") && !text.contains("+ line 12\n"),
            "{text}"
        );
        assert!(text.contains("… 88 more real lines"), "{text}");
    }

    #[test]
    fn extra_real_lines_alone_are_not_shown() {
        let m = mismatch(
            &[(1, "a"), (2, "b"), (30, "zzz")],
            &["a", "x", "x", "x", "x", "x", "x", "b", "c"],
        );
        let text = render(&m, Style::default());
        assert!(text.contains("30 - zzz"), "{text}");
        assert!(!text.contains("+ x"), "{text}");
    }
}
