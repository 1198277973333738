//! One guide through the stages: text → plan → run → verdicts, and `--bless` on top.

use crate::compare::{self, Status, Verdict};
use crate::config::Settings;
use crate::error::Result;
use crate::normalize::Normalizer;
use crate::plan::{self, Plan};
use crate::report::{self, GuideResult};
use crate::rewrite;
use crate::run::{self, GuideRun, StepRun};
use crate::{guide, snapshot};
use std::path::Path;
use std::time::Instant;

mod execute;
mod read;
mod settled;
mod survey;
pub use execute::{execute, execute_streamed};
pub use read::{StepStream, read, with_steps};

/// A guide that was read, run and compared.
pub struct Evaluation {
    /// The guide's plan: every step, or (`Keep::thin`) only the steps the report shows.
    pub plan: Plan,
    /// None when the guide has nothing to run.
    pub run: Option<GuideRun>,
    /// What each step printed, one per plan step (None: not run); empty unless asked for
    /// (`Keep::runs`): a run keeps only its verdicts, so memory does not grow with output.
    pub runs: Vec<Option<StepRun>>,
    /// One per step of `plan`.
    pub verdicts: Vec<Verdict>,
    /// Every step's status, and the TODO sections' tallies.
    pub tally: compare::Tally,
    /// How long each step took (None for steps that did not run; empty when thin).
    pub timings: Vec<Option<std::time::Duration>>,
    /// The snapshot entries, when asked for (`Keep::facts`).
    pub facts: Option<snapshot::Facts>,
    /// The snapshot digest, when asked for (`Keep::facts`).
    pub digest: Option<String>,
    /// Whether a command or script calls a Nix tool.
    pub uses_nix: bool,
    pub normalizer: Normalizer,
    /// What was kept of the run.
    pub keep: Keep,
}

/// What a run keeps of its steps besides their verdicts.
#[derive(Debug, Clone, Copy, Default)]
pub struct Keep {
    /// Every step's output (`--bless` and `--check` rewrite the guide with it).
    pub runs: bool,
    /// The snapshot's facts.
    pub facts: bool,
    /// The workspace may be kept (`--keep-workspace`, `--keep-failed`); else it goes, with
    /// the shell, as soon as the last command ended, while the last steps are compared and
    /// the verdicts reported.
    pub workspace: bool,
    /// Only the steps a human report shows (those that did not pass), every step counted
    /// (`compare::Tally`): memory does not grow with the steps that passed. Not with `runs`.
    pub thin: bool,
}

/// What the settings change in a step as read (`match = "exact"`).
fn with_settings(step: &mut plan::Step, settings: &Settings) {
    if settings.exact && !step.options.exact {
        std::sync::Arc::make_mut(&mut step.options).exact = true;
    }
}

/// Plans, runs and compares a guide's text.
pub fn evaluate(
    path: &Path,
    text: &str,
    settings: &Settings,
    observer: &dyn run::Observer,
    keep: Keep,
) -> Result<Evaluation> {
    execute(read(path, text, settings)?, settings, observer, keep, None)
}

/// The size from which a guide is read as it runs (`execute_streamed`) when its report
/// needs only its failures: below it, reading it twice costs more than holding its plan.
const STREAMED_FROM: usize = 256 * 1024;

impl Request {
    /// Only the steps that did not pass are kept (`Keep::thin`).
    fn thin(&self) -> bool {
        self.failures_only && !(self.bless || self.check)
    }

    /// Whether a guide of this text is best read as it runs (`check` with no plan): a long
    /// one whose run is thin.
    pub fn reads_as_it_runs(&self, text: &str) -> bool {
        self.thin() && text.len() >= STREAMED_FROM
    }
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
        if evaluation.run.is_none() {
            break;
        }
        let blessing = rewrite::bless(
            &current,
            &evaluation.plan,
            &evaluation.runs,
            &evaluation.verdicts,
            &evaluation.normalizer,
        );
        if blessing.text == current {
            break;
        }
        current = blessing.text;
        let keep = Keep {
            runs: true,
            facts: first.facts.is_some(),
            workspace: first.keep.workspace,
            thin: false,
        };
        latest = Some(evaluate(path, &current, settings, &run::Quiet, keep)?);
        if blessing.hash_changes.is_empty() {
            break;
        }
    }
    Ok((current, latest))
}

/// What is asked of a guide besides checking it.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// `--bless`: write reality back into the guide's file.
    pub bless: bool,
    /// `--check`: say what `--bless` would write.
    pub check: bool,
    pub keep_workspace: bool,
    pub keep_failed: bool,
    /// Check (and write, by the settings' policy) the guide's snapshot.
    pub snapshots: bool,
    /// Only the steps that did not pass are reported (the human and GitHub formats): the
    /// others are kept as a mark each (`Keep::thin`).
    pub failures_only: bool,
}

/// Runs and compares a guide, blesses it and checks its snapshot when asked: the one place
/// (for the CLI and the mdBook preprocessor) that assembles a guide's result. `plan` is
/// the guide's plan, or None for a guide to read as it runs (`execute_streamed`).
pub fn check(
    path: &Path,
    text: &str,
    plan: Option<Plan>,
    settings: &Settings,
    request: &Request,
    observer: &dyn run::Observer,
    shell: Option<Result<run::Started>>,
) -> Result<GuideResult> {
    let started = Instant::now();
    let keep = Keep {
        runs: request.bless || request.check,
        facts: wants_snapshot(path, settings, request),
        workspace: request.keep_workspace || request.keep_failed,
        thin: request.thin(),
    };
    let mut evaluation = match plan {
        Some(plan) => execute(plan, settings, observer, keep, shell)?,
        None => execute_streamed(path, text, settings, observer, keep, shell)?,
    };
    let mut rewritten = None;
    if request.bless || request.check {
        let (new, after) = bless(path, text, &evaluation, settings)?;
        if new != text {
            if request.bless {
                guide::write(path, text, &new)?;
                // Report on the guide as written.
                evaluation = after.unwrap_or(evaluation);
            }
            rewritten = Some(report::rewrite_diff(path, text, &new));
        }
    }
    let snapshot = check_snapshot(path, &mut evaluation, settings, request)?;
    let failed = evaluation.tally.any(Status::Failed);
    let kept = match evaluation.run.as_mut() {
        Some(run) if request.keep_workspace || request.keep_failed && failed => run.keep_workspace(),
        _ => None,
    };
    // Which store was used is news only for a guide that uses Nix.
    let store = match &evaluation.run {
        None => "nothing run".to_string(),
        Some(_) if !evaluation.uses_nix => String::new(),
        Some(run) => run.store.clone(),
    };
    Ok(GuideResult {
        plan: evaluation.plan,
        verdicts: evaluation.verdicts,
        tally: evaluation.tally,
        thin: evaluation.keep.thin,
        store,
        duration: started.elapsed(),
        kept,
        rewritten,
        snapshot,
        timings: evaluation.timings,
    })
}

/// Are snapshots wanted for this guide? A guide read from a FIFO or stdin has no place for
/// one beside it.
fn wants_snapshot(path: &Path, settings: &Settings, request: &Request) -> bool {
    request.snapshots && settings.snapshot_policy != snapshot::Policy::Off && crate::guide::is_regular(path)
}

/// The snapshot file and what happened to it, when snapshots are on and something ran.
fn check_snapshot(
    path: &Path,
    evaluation: &mut Evaluation,
    settings: &Settings,
    request: &Request,
) -> Result<Option<(std::path::PathBuf, snapshot::Outcome)>> {
    if evaluation.run.is_none() || !wants_snapshot(path, settings, request) {
        return Ok(None);
    }
    let Some(facts) = evaluation.facts.take() else {
        return Ok(None);
    };
    let name = guide_name(path);
    // Asking Nix its version costs a process (tens of milliseconds): only for guides that
    // use Nix, and only when the snapshot is written anew.
    let digest = evaluation.digest.clone().unwrap_or_default();
    let nix = if evaluation.uses_nix {
        let current = facts.text(&name, "", &digest);
        snapshot::recorded_nix(&settings.snapshot_path, &current).unwrap_or_else(run::nix_version)
    } else {
        "not used".to_string()
    };
    let facts = facts.into_text(&name, &nix, &digest);
    let statuses: Vec<Status> = [Status::Failed, Status::Blocked]
        .into_iter()
        .filter(|&s| evaluation.tally.any(s))
        .collect();
    let outcome = snapshot::check(
        &settings.snapshot_path,
        &facts,
        settings.snapshot_policy,
        settings.ci,
        &statuses,
    )?;
    Ok(Some((settings.snapshot_path.clone(), outcome)))
}

/// The guide's path as the snapshot header names it (relative to the current folder).
fn guide_name(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    absolute
        .strip_prefix(&cwd)
        .unwrap_or(&absolute)
        .display()
        .to_string()
}
