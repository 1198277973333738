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
        let mut surveying = Surveying::new(keep);
        plan.steps.iter().for_each(|s| surveying.add(s));
        surveying.finish(plan.todos.clone())
    }

    /// Reads the guide's text through once, keeping only this.
    pub(super) fn read(path: &Path, text: &str, settings: &Settings, keep: Keep) -> Result<Survey> {
        super::with_steps(path, text, settings, |stream| {
            let mut surveying = Surveying::new(keep);
            for step in &mut *stream {
                surveying.add(&step);
            }
            Ok(surveying.finish(stream.finish()?))
        })
    }
}

/// A survey as the steps come.
struct Surveying {
    survey: Survey,
    pastes: Pastes,
    digest: Option<Digest>,
}

impl Surveying {
    fn new(keep: Keep) -> Surveying {
        Surveying {
            survey: Survey::default(),
            pastes: Pastes::default(),
            digest: keep.facts.then(Digest::default),
        }
    }

    fn add(&mut self, step: &Step) {
        let survey = &mut self.survey;
        survey.runs |= step.runs();
        survey.said.add(step);
        match &step.kind {
            StepKind::File { path, .. } => survey.files.push(path.to_string()),
            StepKind::Command { command: text, .. } | StepKind::Script { script: text, .. } => {
                survey.uses_nix = survey.uses_nix || crate::nix::uses_nix(text);
            }
            _ => {}
        }
        // A paste follows a shown `got:` hash: the Nix view of the steps before the first
        // is not needed (most guides show none).
        if self.pastes.waiting() || shows_got(step) {
            step.nix_view().iter().for_each(|v| self.pastes.step(v));
        }
        if let Some(digest) = &mut self.digest {
            digest.add(step);
        }
    }

    fn finish(self, todos: Vec<Todo>) -> Survey {
        Survey {
            pastes: self.pastes.found(),
            digest: self.digest.map(Digest::finish),
            todos,
            ..self.survey
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
