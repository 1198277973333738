//! What a run must know of a guide's steps before the first one runs: read off a whole
//! plan, or off the guide read once through (which also fails on bad input before anything
//! runs) when the run is then fed the steps as they are read again.

use super::Keep;
use crate::config::Settings;
use crate::error::Result;
use crate::nix::lint::{Paste, Pastes};
use crate::plan::{Plan, Step, StepKind, Todo};
use crate::run::Said;
use crate::snapshot::Digest;
use std::path::Path;

#[derive(Default)]
pub(super) struct Survey {
    /// Whether any step runs.
    pub(super) runs: bool,
    /// What decides how the session's commands end.
    pub(super) said: Said,
    /// The paths of the guide's file steps (the normaliser names them).
    pub(super) files: Vec<String>,
    pub(super) pastes: Vec<Paste>,
    /// Whether a command or script calls a Nix tool.
    pub(super) uses_nix: bool,
    /// The snapshot digest, when the snapshot is wanted (`Keep::facts`).
    pub(super) digest: Option<String>,
    pub(super) todos: Vec<Todo>,
}

impl Survey {
    /// A whole plan's.
    pub(super) fn of_plan(plan: &Plan, keep: Keep) -> Survey {
        let mut survey = Survey {
            pastes: crate::compare::pastes_of(plan),
            todos: plan.todos.clone(),
            digest: keep.facts.then(|| crate::snapshot::digest(plan)),
            ..Survey::default()
        };
        plan.steps.iter().for_each(|s| survey.add(s));
        survey
    }

    /// Reads the guide's text through once, keeping only this.
    pub(super) fn read(path: &Path, text: &str, settings: &Settings, keep: Keep) -> Result<Survey> {
        super::with_steps(path, text, settings, |stream| {
            let mut survey = Survey::default();
            let mut pastes = Pastes::default();
            let mut digest = keep.facts.then(Digest::default);
            for step in &mut *stream {
                survey.add(&step);
                // A paste follows a shown `got:` hash: the Nix view of the steps before the
                // first is not needed.
                if pastes.waiting() || shows_got(&step) {
                    step.nix_view().iter().for_each(|v| pastes.step(v));
                }
                if let Some(digest) = &mut digest {
                    digest.add(&step);
                }
            }
            survey.todos = stream.finish()?;
            survey.pastes = pastes.found();
            survey.digest = digest.map(Digest::finish);
            Ok(survey)
        })
    }

    fn add(&mut self, step: &Step) {
        self.runs |= step.runs();
        self.said.add(step);
        match &step.kind {
            StepKind::File { path, .. } => self.files.push(path.to_string()),
            StepKind::Command { command: text, .. } | StepKind::Script { script: text, .. } => {
                self.uses_nix = self.uses_nix || crate::nix::uses_nix(text);
            }
            _ => {}
        }
    }
}

/// Whether a command shows a `got:` line.
fn shows_got(step: &Step) -> bool {
    match &step.kind {
        StepKind::Command {
            shown: Some(shown), ..
        } => shown.lines.iter().any(|l| l.text.contains("got:")),
        _ => false,
    }
}
