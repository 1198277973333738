//! One guide through the stages: text → plan → run → verdicts, and `--bless` on top.

use crate::compare::{self, Status, Verdict};
use crate::config::Settings;
use crate::error::Result;
use crate::extract;
use crate::normalize::Normalizer;
use crate::plan::{self, Plan, StepKind};
use crate::rewrite;
use crate::run::{self, GuideRun};
use std::path::Path;

/// A guide that was read, run and compared.
pub struct Evaluation {
    pub plan: Plan,
    /// None when the guide has nothing to run.
    pub run: Option<GuideRun>,
    pub verdicts: Vec<Verdict>,
    pub normalizer: Normalizer,
}

/// Reads the plan of a guide's text.
pub fn read(path: &Path, text: &str, settings: &Settings) -> Result<Plan> {
    let mut plan = plan::build(path, text, &extract::extract(text), &settings.prompts)?;
    if settings.exact {
        plan.steps.iter_mut().for_each(|s| s.options.exact = true);
    }
    Ok(plan)
}

/// Plans, runs and compares a guide's text.
pub fn evaluate(
    path: &Path,
    text: &str,
    settings: &Settings,
    observer: &dyn run::Observer,
) -> Result<Evaluation> {
    execute(read(path, text, settings)?, settings, observer)
}

/// Runs and compares a plan.
pub fn execute(plan: Plan, settings: &Settings, observer: &dyn run::Observer) -> Result<Evaluation> {
    if !plan.steps.iter().any(plan::Step::runs) {
        let verdicts = plan
            .steps
            .iter()
            .map(|_| Verdict {
                status: Status::Skipped,
                problems: vec![],
            })
            .collect();
        return Ok(Evaluation {
            plan,
            run: None,
            verdicts,
            normalizer: Normalizer::default(),
        });
    }
    let guide_run = run::run(&plan, &settings.run, observer)?;
    let files: Vec<String> = plan
        .steps
        .iter()
        .filter_map(|s| match &s.kind {
            StepKind::File { path, .. } => Some(path.clone()),
            _ => None,
        })
        .collect();
    let normalizer = Normalizer::new(
        Some((&guide_run.root, &guide_run.work)),
        settings.redactions.clone(),
    )
    .with_guide_files(&files);
    let verdicts = compare::compare(&plan, &guide_run, &normalizer);
    Ok(Evaluation {
        plan,
        run: Some(guide_run),
        verdicts,
        normalizer,
    })
}

/// How many times `--bless` runs a guide again after pasting changed hashes.
const BLESS_ROUNDS: usize = 3;

/// The guide's text rewritten with reality, and the evaluation of that text (None when
/// nothing changed).
///
/// A changed `got:` hash is pasted into later file steps, which ran with the old one: the
/// guide is then run again, until no hash changes (at most `BLESS_ROUNDS` times).
pub fn bless(
    path: &Path,
    text: &str,
    first: &Evaluation,
    settings: &Settings,
) -> Result<(String, Option<Evaluation>)> {
    let mut current = text.to_string();
    let mut latest: Option<Evaluation> = None;
    for _ in 0..BLESS_ROUNDS {
        let evaluation = latest.as_ref().unwrap_or(first);
        let Some(run) = &evaluation.run else { break };
        let blessing = rewrite::bless(
            &current,
            &evaluation.plan,
            &run.steps,
            &evaluation.verdicts,
            &evaluation.normalizer,
        );
        if blessing.text == current {
            break;
        }
        current = blessing.text;
        latest = Some(evaluate(path, &current, settings, &run::Quiet)?);
        if blessing.hash_changes.is_empty() {
            break;
        }
    }
    Ok((current, latest))
}
