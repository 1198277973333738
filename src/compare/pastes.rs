//! A mistyped paste: reported at the paste, before the build it breaks.

use super::{Problem, Status, Verdict};
use crate::plan::{Plan, StepKind};

/// A hash pasted into a file step that is not the `got:` hash shown (and really printed)
/// before it fails that file step, at the paste's line: the first problem, not a build
/// diff further down.
pub(super) fn mistyped_pastes(plan: &Plan, verdicts: &mut [Verdict]) {
    // A paste follows a shown `got:` line; most guides show none, and need no Nix steps.
    let shows_got = plan.steps.iter().any(|s| match &s.kind {
        StepKind::Command {
            shown: Some(shown), ..
        } => shown.lines.iter().any(|l| l.text.contains("got:")),
        _ => false,
    });
    if !shows_got {
        return;
    }
    for paste in crate::nix::lint::mistyped_pastes(&plan.nix_steps()) {
        // Where the shown got-hash itself is wrong, the command's verdict says so.
        let command = plan
            .steps
            .iter()
            .rposition(|s| matches!(s.kind, StepKind::Command { .. }) && s.line <= paste.shown_line);
        let shown_was_real = command.is_some_and(|c| {
            let v = &verdicts[c];
            v.status != Status::Skipped && !v.problems.iter().any(|p| matches!(p, Problem::Hash { .. }))
        });
        let file = plan
            .steps
            .iter()
            .rposition(|s| matches!(s.kind, StepKind::File { .. }) && s.line < paste.line);
        let Some(file) = file.filter(|&f| shown_was_real && verdicts[f].status != Status::Skipped) else {
            continue;
        };
        let verdict = &mut verdicts[file];
        verdict.status = Status::Failed;
        verdict.problems.insert(
            0,
            Problem::Paste {
                line: paste.line,
                pasted: paste.pasted,
                got: paste.got,
                shown_line: paste.shown_line,
            },
        );
    }
}
