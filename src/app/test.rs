//! `guidecheck [test]`: run guides (in parallel with --jobs), bless, snapshot, report.

use super::{Exit, out, print_error, style};
use crate::cli::{Format, TestArgs};
use crate::config::{self, Overrides};
use crate::error::Error;
use crate::progress::Progress;
use crate::report::{self, GuideResult, Totals};
use crate::{guide, pipeline};
use std::path::Path;

pub(super) fn test(args: &TestArgs, early: Option<crate::run::Early>) -> Exit {
    if let Some(e) = mistyped_command(&args.paths).or_else(|| no_default_guides(&args.paths)) {
        print_error(&e);
        return Exit::BadInput;
    }
    let early = first_shell(args, early);
    let paths = match args.paths.is_empty() {
        true => config::default_guides(),
        false => Ok(args.paths.clone()),
    };
    let mut guides = match paths.and_then(|p| guide::discover(&p)) {
        Ok(g) => g,
        Err(e) => {
            print_error(&e);
            return Exit::BadInput;
        }
    };
    if let Some((k, n)) = args.shard {
        guides = shard(guides, k, n);
    }
    if args.watch {
        return super::watch::watch(args, &guides);
    }
    let overrides = overrides(args);
    let style = style(args.color);
    let progress = Progress::new(true, args.verbose);
    let check = |i: usize, path: &Path| {
        let early = early.lock().ok().and_then(|mut e| e.take());
        check(i, path, &overrides, args, &progress, early)
    };
    let print = |result: &Checked| print_guide(result, args, style);
    let mut totals = Totals::default();
    let mut results = Vec::new();
    for result in run_guides(&guides, usize::from(args.jobs), &check, &print) {
        match result {
            Ok(result) => {
                totals.add(Totals::of(&result));
                totals.snapshots += usize::from(result.snapshot.as_ref().is_some_and(|(_, o)| o.failed()));
                totals.rewrites += usize::from(args.check && result.rewritten.is_some());
                totals.todos += usize::from(args.deny_todo && !result.plan.todos.is_empty());
                results.push(result);
            }
            Err(_) => totals.errors += 1,
        }
    }
    if !render(args, &results, &totals) {
        totals.errors += 1;
    }
    let drift = totals.snapshots + totals.rewrites + totals.todos > 0;
    if totals.errors > 0 {
        Exit::BadInput
    } else if totals.failed > 0 || drift {
        Exit::Drift
    } else if totals.blocked > 0 {
        Exit::Blocked
    } else {
        Exit::Passed
    }
}

/// The first guide's shell, started before the arguments were parsed, to get ready while
/// the guides and settings are read (none for `--watch`, whose runs start their own); the
/// first guide checked takes it.
fn first_shell(
    args: &TestArgs,
    early: Option<crate::run::Early>,
) -> std::sync::Mutex<Option<crate::run::Early>> {
    std::sync::Mutex::new(early.filter(|_| !args.watch))
}

/// One guide checked (for `--watch`), with the settings of the command line.
pub(super) fn check_one(path: &Path, args: &TestArgs, progress: &Progress) -> Checked {
    check(0, path, &overrides(args), args, progress, None)
}

/// One guide's result, as soon as it is known.
pub(super) fn print_guide(result: &Checked, args: &TestArgs, style: crate::report::Style) {
    match result {
        Ok(result) => {
            if let Some(diff) = &result.rewritten {
                let verb = if args.bless {
                    "blessed"
                } else {
                    "--bless would write"
                };
                out(&format!("{verb} {}:\n{diff}", result.plan.guide.display()));
            }
            if args.format == Format::Human {
                out(&report::guide(result, style));
            }
        }
        Err(e) => print_error(e),
    }
}

/// `guidecheck plna x.md`: a first word that is no file but close to a command.
fn mistyped_command(paths: &[std::path::PathBuf]) -> Option<Error> {
    let word = paths.first()?.to_str()?;
    if std::path::Path::new(word).exists() || word.contains(['/', '.']) {
        return None;
    }
    let nearest = crate::cli::SUBCOMMANDS
        .iter()
        .filter(|c| **c != "help")
        .min_by_key(|c| strsim::levenshtein(word, c))?;
    (strsim::levenshtein(word, nearest) <= 2).then(|| {
        Error::new(crate::error::ErrorKind::Usage(format!(
            "unknown command `{word}` (and no such file)"
        )))
        .with_hint(format!("did you mean `guidecheck {nearest}`?"))
    })
}

/// A bare `guidecheck` where there is neither a configured guide list nor `guides/`.
fn no_default_guides(paths: &[std::path::PathBuf]) -> Option<Error> {
    if !paths.is_empty() {
        return None;
    }
    let defaults = config::default_guides().ok()?;
    let missing = defaults == [std::path::PathBuf::from("guides")] && !defaults[0].exists();
    missing.then(|| {
        Error::new(crate::error::ErrorKind::Usage(
            "no guides named, and no guides/ folder here".into(),
        ))
        .with_hint("name guides or folders (guidecheck GUIDE.md), or list them in guidecheck.toml: guides = [\"docs\"]")
    })
}

fn overrides(args: &TestArgs) -> Overrides {
    Overrides {
        offline: args.offline,
        store: args.store,
        timeout: args.timeout,
        match_mode: args.match_mode,
        config: args.config.clone(),
        update_snapshots: args.update_snapshots,
        read_only: args.check,
        bless: args.bless,
    }
}

/// Prints the run's report in the chosen format (and writes `--junit FILE`); false when the
/// JUnit file could not be written.
fn render(args: &TestArgs, results: &[GuideResult], totals: &Totals) -> bool {
    match args.format {
        Format::Human => {
            if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") {
                out(&report::github::render(results));
            }
            out(&report::summary(totals));
        }
        Format::Json => super::out_with(|w| report::json::write(w, results, totals)),
        Format::Junit => out(&report::junit::render(results)),
        Format::Github => {
            out(&report::github::render(results));
            out(&report::summary(totals));
        }
    }
    if let Some(file) = &args.junit
        && let Err(e) = std::fs::write(file, report::junit::render(results))
    {
        print_error(&Error::at(
            crate::span::Location::file(file),
            crate::error::ErrorKind::Write(e),
        ));
        return false;
    }
    true
}

/// Share `k` of `n` of the guides: every `n`th in path order, so the shards together run
/// every guide once.
fn shard(mut guides: Vec<std::path::PathBuf>, k: usize, n: usize) -> Vec<std::path::PathBuf> {
    guides.sort();
    guides
        .into_iter()
        .enumerate()
        .filter(|(i, _)| i % n == k - 1)
        .map(|(_, g)| g)
        .collect()
}

pub(super) type Checked = Result<GuideResult, Error>;

/// Checks guides on `jobs` threads; `done` sees each result in guide order, as soon as it
/// and every one before it are finished.
fn run_guides(
    guides: &[std::path::PathBuf],
    jobs: usize,
    check: &(dyn Fn(usize, &Path) -> Checked + Sync),
    done: &(dyn Fn(&Checked) + Sync),
) -> Vec<Checked> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let slots: std::sync::Mutex<(Vec<Option<Checked>>, usize)> =
        std::sync::Mutex::new(((0..guides.len()).map(|_| None).collect(), 0));
    let worker = || {
        loop {
            let i = next.fetch_add(1, Ordering::SeqCst);
            let Some(path) = guides.get(i) else { break };
            let result = check(i, path);
            let mut guard = slots.lock().expect("results lock");
            let (results, printed) = &mut *guard;
            results[i] = Some(result);
            while let Some(Some(ready)) = results.get(*printed) {
                done(ready);
                *printed += 1;
            }
        }
    };
    match jobs.clamp(1, guides.len().max(1)) {
        // One at a time: on this thread (a thread of its own costs as much as a short guide's
        // planning).
        1 => worker(),
        workers => std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(worker);
            }
        }),
    }
    let (results, _) = slots.into_inner().expect("results lock");
    results
        .into_iter()
        .map(|r| r.expect("every guide was checked"))
        .collect()
}

/// Reads and plans one guide, then hands it to the pipeline.
fn check(
    id: usize,
    path: &Path,
    overrides: &Overrides,
    args: &TestArgs,
    progress: &Progress,
    early: Option<crate::run::Early>,
) -> Checked {
    let settings = config::settings(path, overrides)?;
    // The guide's shell starts first and gets ready while the guide is read and planned
    // (a thread for the start costs more than it hides); a guide with nothing to run drops
    // it unused.
    let started = crate::run::start_with(&settings.run, path, early);
    let text = guide::read(path)?;
    let request = pipeline::Request {
        bless: args.bless,
        check: args.check,
        keep_workspace: args.keep_workspace,
        keep_failed: args.keep_failed,
        // A partial run verifies only part of the guide: its facts are not the guide's.
        snapshots: args.until.is_none(),
        failures_only: failures_only(args),
    };
    // A long guide whose report shows only its failures is read as it runs (after being
    // read through once for its errors): its steps are never all held.
    let streamed = request.reads_as_it_runs(&text) && args.until.is_none();
    let plan = match streamed {
        true => None,
        false => Some(plan(path, &text, &settings, args)?),
    };
    let observer = progress.guide(id, path);
    pipeline::check(path, &text, plan, &settings, &request, &observer, Some(started))
}

/// Whether the report shows only the steps that did not pass: the human and GitHub
/// formats, without a JUnit file (`--watch` tells every step's change).
fn failures_only(args: &TestArgs) -> bool {
    matches!(args.format, Format::Human | Format::Github) && args.junit.is_none() && !args.watch
}

/// The guide's plan (up to `--until`).
fn plan(
    path: &Path,
    text: &str,
    settings: &config::Settings,
    args: &TestArgs,
) -> crate::error::Result<crate::plan::Plan> {
    let mut plan = pipeline::read(path, text, settings)?;
    if let Some(line) = args.until {
        plan.stop_after(line);
    }
    Ok(plan)
}
