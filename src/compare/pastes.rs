//! A mistyped paste: reported at the paste, before the build it breaks.

use super::{Problem, Status, Verdict};
use crate::plan::{Plan, StepKind};
use crate::run::GuideRun;

/// A hash pasted into a file step that is not the `got:` hash shown (and really printed)
/// before it fails that file step, at the paste's line: the first problem, not a build
/// diff further down.
pub(super) fn mistyped_pastes(plan: &Plan, run: &GuideRun, verdicts: &mut [Verdict]) {
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
        let Some(file) = file.filter(|&f| shown_was_real && run.steps.get(f).is_some_and(Option::is_some))
        else {
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
