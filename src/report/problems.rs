//! What went wrong in a step, as the indented lines of its report.

use super::{Style, diff, round};
use crate::compare::{Problem, Status, Verdict};
use crate::plan::ExitExpectation;
use std::time::Duration;

/// What went wrong in a step, as indented lines.
pub(crate) fn problems_text(verdict: &Verdict, style: Style) -> String {
    // For a blocked step, the environment is the story: its diff would only be noise.
    let blocked = verdict.status == Status::Blocked;
    // A program that is not there explains its exit status: no `exit=` hint beside it.
    let missing = verdict.problems.iter().any(|p| {
        matches!(
            p,
            Problem::UnshownError {
                missing_program: Some(_),
                ..
            }
        )
    });
    verdict
        .problems
        .iter()
        .filter(|p| !blocked || matches!(p, Problem::Blocked { .. }))
        .map(|p| cut_long_lines(&problem_text(p, style, missing)))
        .collect()
}

/// Lines longer than this are cut in reports (a 200 MB line stays readable).
const LONGEST_LINE: usize = 1000;

/// Cuts every line over `LONGEST_LINE` bytes to its start, saying how long it was.
fn cut_long_lines(text: &str) -> String {
    if text.len() <= LONGEST_LINE {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len().min(64 * 1024));
    for line in text.split_inclusive('\n') {
        let body = line.strip_suffix('\n').unwrap_or(line);
        if body.len() <= LONGEST_LINE {
            out.push_str(line);
            continue;
        }
        let mut end = LONGEST_LINE / 2;
        while !body.is_char_boundary(end) {
            end -= 1;
        }
        out.push_str(&format!(
            "{} … [line cut: {} bytes in all]",
            &body[..end],
            body.len()
        ));
        if line.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

fn problem_text(problem: &Problem, style: Style, missing_program: bool) -> String {
    match problem {
        Problem::Output(mismatch) => diff::render(mismatch, style),
        Problem::Hash { line, shown, real } => {
            format!("  the got-hash changed: the guide shows {shown} (line {line}), Nix printed {real}\n")
        }
        Problem::Exit {
            expected,
            actual,
            directive,
            shell_ended,
        } => {
            exit_text(*expected, *actual, *directive, !missing_program)
                + if *shell_ended { SHELL_ENDED } else { "" }
        }
        Problem::TimedOut {
            after,
            shell_replaced,
        } => timed_out_text(*after, *shell_replaced),
        Problem::Blocked {
            reason,
            hint,
            evidence,
            ..
        } => {
            let seen = if evidence.is_empty() {
                String::new()
            } else {
                format!("  output: {evidence}\n")
            };
            format!("  blocked: {reason}\n{seen}  hint: {hint}\n")
        }
        Problem::Error { message } => format!("  {message}\n"),
        Problem::Paste {
            line,
            pasted,
            got,
            shown_line,
        } => {
            let pasted = if pasted.is_empty() {
                "an empty hash"
            } else {
                pasted.as_str()
            };
            format!(
                "  line {line} pastes {pasted}, but the got: hash shown at line {shown_line} (and printed by Nix) is {got}\n  hint: paste the got: hash from line {shown_line}, or run `guidecheck --bless`\n"
            )
        }
        Problem::Log { derivation, missing } => log_text(derivation, missing),
        Problem::Unverified { lines } => unverified_text(lines),
        Problem::UnshownError {
            line,
            missing_program,
        } => unshown_text(line, missing_program.as_deref()),
    }
}

fn unshown_text(line: &str, missing_program: Option<&str>) -> String {
    let hint = match missing_program {
        Some(program) => format!(
            "`{program}` is not installed here: if the guide assumes it, install it where guidecheck \
             runs; if the guide means it to be missing, show the error"
        ),
        None => "show it in the output, or cover it with `...`".to_string(),
    };
    format!("  an error the guide does not show: {line}\n  hint: {hint}\n")
}

/// After a command the session's shell did not survive.
const SHELL_ENDED: &str = "  the shell itself ended (killed, `exit`, or a failure under `set -e`): later commands run in a new shell \
     in the same directory, without the variables and functions set before\n";

fn timed_out_text(after: Duration, shell_replaced: bool) -> String {
    let replaced = if shell_replaced {
        "  the shell itself did not end (a loop in the shell?): later commands run in a new shell \
         in the same directory, without the variables and functions set before\n"
    } else {
        ""
    };
    format!(
        "  timed out after {}\n{replaced}",
        humantime::format_duration(round(after))
    )
}

/// "expected failure (exit= at line 3), got exit 0", with the directive to write.
/// `hint`: say how to expect the failure (not when a missing program explains it).
fn exit_text(expected: ExitExpectation, actual: Option<i32>, directive: Option<usize>, hint: bool) -> String {
    let expected = match expected {
        ExitExpectation::Success => "success (exit 0)".to_string(),
        ExitExpectation::Failure => "failure (non-zero exit)".to_string(),
        ExitExpectation::Code(c) => format!("exit {c}"),
    };
    let from = directive.map_or(String::new(), |l| format!(" (exit= at line {l})"));
    let hint = match (directive, actual) {
        (Some(_), _) => String::new(),
        (None, Some(c)) if c != 0 && hint => format!(
            "  hint: if the guide means it to fail, put `<!-- guidecheck: exit={c} -->` before the block \
             (or, for this command only, `# guidecheck: exit={c}` on the line before it)\n"
        ),
        _ => String::new(),
    };
    let actual = actual.map_or("no exit status".to_string(), |c| format!("exit {c}"));
    format!("  expected {expected}{from}, got {actual}\n{hint}")
}

fn log_text(derivation: &str, missing: &[crate::compare::ComparedLine]) -> String {
    let mut text = format!(
        "  {derivation} was already built; these shown build-log lines are not in the log Nix kept of it:\n"
    );
    for l in missing {
        text.push_str(&format!("  {} - {}\n", l.line, l.text));
    }
    text
}

fn unverified_text(lines: &[usize]) -> String {
    let lines: Vec<String> = lines.iter().map(ToString::to_string).collect();
    format!(
        "  unverified: the build log shown at line {} was not printed (the derivation was already built) and Nix kept no log of it\n  hint: run with `--store fresh` to build it and check these lines\n",
        lines.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_cut_with_their_length() {
        let long = format!("  + {}\n  - short\n", "x".repeat(5000));
        let cut = cut_long_lines(&long);
        assert!(cut.len() < 700, "{}", cut.len());
        assert!(
            cut.contains(" … [line cut: 5004 bytes in all]\n  - short\n"),
            "{cut}"
        );
        assert_eq!(cut_long_lines("short\n"), "short\n");
    }
}
