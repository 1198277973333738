//! Runs and compares a guide's steps: those of a whole plan, or those of a stream read as
//! the run goes (a long guide, whose steps are then never all held).

use super::settled::Settled;
use super::survey::Survey;
use super::{Evaluation, Keep};
use crate::compare::Comparer;
use crate::config::Settings;
use crate::error::Result;
use crate::normalize::Normalizer;
use crate::plan::{Plan, Step};
use crate::run::{self, Window};
use std::path::{Path, PathBuf};

/// Runs and compares a plan, each step as it ends: in `started` (a workspace and shell
/// made while the plan was read) when given, else in new ones. A plan with nothing to run
/// drops them, and the error of starting them, unused.
pub fn execute(
    plan: Plan,
    settings: &Settings,
    observer: &dyn run::Observer,
    keep: Keep,
    started: Option<Result<run::Started>>,
) -> Result<Evaluation> {
    let survey = Survey::of_plan(&plan, keep);
    let Plan { guide, steps, .. } = plan;
    let mut steps = steps.into_iter();
    run_steps(&guide, survey, &mut steps, settings, observer, keep, started)
}

/// `execute` for a guide's text, read twice: once through, to fail on bad input before
/// anything runs and to learn what the run must know first (`Survey`), then as the run
/// goes, each step held only until it is settled. With `Keep::thin`, memory then does not
/// grow with the guide's steps.
pub fn execute_streamed(
    path: &Path,
    text: &str,
    settings: &Settings,
    observer: &dyn run::Observer,
    keep: Keep,
    started: Option<Result<run::Started>>,
) -> Result<Evaluation> {
    let survey = Survey::read(path, text, settings, keep)?;
    super::with_steps(path, text, settings, |stream| {
        let steps: &mut dyn Iterator<Item = Step> = stream;
        run_steps(path, survey, steps, settings, observer, keep, started)
    })
}

/// Runs `steps` (when any runs) and compares them, with what the run must know first.
fn run_steps(
    guide: &Path,
    survey: Survey,
    steps: &mut dyn Iterator<Item = Step>,
    settings: &Settings,
    observer: &dyn run::Observer,
    keep: Keep,
    started: Option<Result<run::Started>>,
) -> Result<Evaluation> {
    let started = match (survey.runs, started) {
        (false, _) => None,
        (true, Some(started)) => Some(started?),
        (true, None) => Some(run::start(&settings.run, guide)?),
    };
    let normalizer = match &started {
        None => Normalizer::default(),
        Some(started) => {
            let workspace = started.workspace();
            Normalizer::new(
                Some((workspace.root(), &workspace.work())),
                settings.redactions.clone(),
            )
            .with_guide_files(&survey.files)
            .with_errors(settings.errors.clone())
        }
    };
    let comparer = Comparer::new(&normalizer, &survey.todos, survey.pastes, keep.thin);
    let mut settled = Settled::new(comparer, &normalizer, keep);
    let mut window = Window::new(steps);
    let mut guide_run = None;
    if let Some(started) = started {
        let run = guide_run.insert(run::run(
            &mut window,
            survey.said,
            started,
            &settings.run,
            observer,
            &mut settled,
        )?);
        if !keep.workspace {
            run.release();
        }
    }
    let done = settled.finish(&mut window);
    let steps = match keep.thin {
        true => done.compared.kept.into_iter().map(|(_, step)| step).collect(),
        false => done.steps,
    };
    let plan = Plan {
        guide: PathBuf::from(guide),
        steps,
        todos: survey.todos,
    };
    Ok(Evaluation {
        plan,
        facts: (keep.facts && guide_run.is_some()).then_some(done.facts),
        run: guide_run,
        runs: done.runs,
        verdicts: done.compared.verdicts,
        tally: done.compared.tally,
        timings: done.timings,
        digest: survey.digest,
        uses_nix: survey.uses_nix,
        normalizer,
        keep,
    })
}
