//! A mistyped paste: reported at the paste, before the build it breaks.

use super::{Problem, Status, Verdict};
use crate::nix::lint::Paste;
use crate::plan::{Step, StepKind};

/// What a paste's verdict depends on, seen as the steps are compared: whether the `got:`
/// hash shown was really printed (the last command at or before the line showing it), and
/// the last file step before the paste, which the paste fails.
#[derive(Debug, Default)]
pub(super) struct Watch {
    pastes: Vec<Paste>,
    seen: Vec<Seen>,
}

#[derive(Debug, Default)]
struct Seen {
    command_real: bool,
    file: Option<Candidate>,
}

/// The file step a paste would fail.
#[derive(Debug)]
pub(super) struct Candidate {
    pub(super) index: usize,
    pub(super) start: usize,
    /// What the tally counted it as.
    pub(super) mark: super::Mark,
    /// The step, when the comparer did not keep it (it passed, in a run that keeps only
    /// what did not).
    pub(super) step: Option<Step>,
}

impl Watch {
    pub(super) fn new(pastes: Vec<Paste>) -> Watch {
        let seen = pastes.iter().map(|_| Seen::default()).collect();
        Watch { pastes, seen }
    }

    /// Step `index` was compared (`kept`: the comparer keeps it whole).
    pub(super) fn see(
        &mut self,
        index: usize,
        step: &Step,
        verdict: &Verdict,
        mark: super::Mark,
        kept: bool,
    ) {
        for (paste, seen) in self.pastes.iter().zip(&mut self.seen) {
            match step.kind {
                StepKind::Command { .. } if step.line <= paste.shown_line => {
                    // Where the shown got-hash itself is wrong, the command's verdict says so.
                    seen.command_real = verdict.status != Status::Skipped
                        && !verdict.problems.iter().any(|p| matches!(p, Problem::Hash { .. }));
                }
                StepKind::File { .. } if step.line < paste.line => {
                    seen.file = Some(Candidate {
                        index,
                        start: step.span.start,
                        mark,
                        step: (!kept).then(|| step.clone()),
                    });
                }
                _ => {}
            }
        }
    }

    /// Each file step a mistyped paste fails, with the problem to put first.
    pub(super) fn failed(self) -> Vec<(Candidate, Problem)> {
        let pastes = self.pastes.into_iter().zip(self.seen);
        pastes
            .filter_map(|(paste, seen)| {
                let file = seen
                    .file
                    .filter(|f| seen.command_real && f.mark.status != Status::Skipped)?;
                let problem = Problem::Paste {
                    line: paste.line,
                    pasted: paste.pasted,
                    got: paste.got,
                    shown_line: paste.shown_line,
                };
                Some((file, problem))
            })
            .collect()
    }
}
