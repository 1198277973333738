//! The subcommands that run nothing: plan, lint, todo.

use super::{Exit, out, out_with, print_error, style};
use crate::cli::{ColorArg, PlanArgs, PlanFormat};
use crate::config::{self, Overrides};
use crate::error::{Error, ErrorKind};
use crate::report;
use crate::{guide, lint, pipeline, plan};
use std::cell::RefCell;
use std::path::{Path, PathBuf};

/// The guides named on the command line (or configured), and the settings' overrides.
/// When they cannot be found, the error is printed and the command goes on with none (its
/// summary, or its empty JSON array, still comes) and exit 2.
fn guides(args: &PlanArgs) -> (Vec<PathBuf>, Overrides, Exit) {
    let paths = match args.paths.is_empty() {
        true => crate::config::default_guides(),
        false => Ok(args.paths.clone()),
    };
    let overrides = Overrides {
        config: args.config.clone(),
        ..Overrides::default()
    };
    match paths.and_then(|p| guide::discover(&p)) {
        Ok(guides) => (guides, overrides, Exit::Passed),
        Err(e) => {
            print_error(&e);
            (Vec::new(), overrides, Exit::BadInput)
        }
    }
}

/// What `write` writes, in an unnamed temporary file read from its start: a guide's output
/// is all written before any of it is printed, so an error met late leaves none of it on
/// stdout, and a large guide's is never held in memory.
fn spill(write: impl FnOnce(&mut dyn std::io::Write) -> Result<(), Error>) -> Result<std::fs::File, Error> {
    use std::io::{Seek, Write};
    let io = |e| Error::new(ErrorKind::Write(e));
    let mut file = tempfile::tempfile().map_err(io)?;
    let mut buffer = std::io::BufWriter::with_capacity(1 << 16, &mut file);
    write(&mut buffer)?;
    buffer.flush().map_err(io)?;
    drop(buffer);
    file.rewind().map_err(io)?;
    Ok(file)
}

/// One guide linted as its steps are read (its plan is never held whole): its findings and
/// how many TODO sections it has.
fn lint_guide(path: &Path, overrides: &Overrides) -> Result<(Vec<lint::Finding>, usize), Error> {
    let settings = config::settings(path, overrides)?;
    let text = guide::read(path)?;
    pipeline::with_steps(path, &text, &settings, |stream| {
        let mut linter = lint::Linter::default();
        for step in &mut *stream {
            linter.step(&step);
        }
        let todos = stream.finish()?;
        Ok((linter.finish(&todos), todos.len()))
    })
}

pub(super) fn plan_command(args: &PlanArgs) -> Exit {
    if args.format == PlanFormat::Json {
        return plan_json(args);
    }
    let (guides, overrides, mut code) = guides(args);
    let style = style(ColorArg::Auto);
    for path in &guides {
        match spill_rows(path, &overrides, style) {
            Ok((tally, wider, spill)) => out_with(|w| {
                w.write_all(report::plan::header(path, &tally).as_bytes())?;
                copy_narrowed(spill, w, wider)
            }),
            Err(e) => {
                print_error(&e);
                code = Exit::BadInput;
            }
        }
    }
    code
}

/// One guide's plan as `plan` shows it, its rows written to a file as each step is read
/// (never held, never read back as data), with the header's counts kept as they pass. The
/// rows are padded for the guide's last line; how many digits wider that is than the
/// largest step line comes back, for `copy_narrowed`.
fn spill_rows(
    path: &Path,
    overrides: &Overrides,
    style: report::Style,
) -> Result<(report::plan::Tally, usize, std::fs::File), Error> {
    let settings = config::settings(path, overrides)?;
    let text = guide::read(path)?;
    let last_line = crate::span::line_count(&text);
    let width = report::plan::width_of(last_line);
    let mut tally = report::plan::Tally::default();
    let file = pipeline::with_steps(path, &text, &settings, |stream| {
        spill(|w| {
            let io = |e| Error::new(ErrorKind::Write(e));
            for step in &mut *stream {
                let row = report::plan::row(&step);
                tally.add(&row);
                report::plan::write_row(w, &row, width, style).map_err(io)?;
            }
            stream.finish().map(drop)
        })
    })?;
    let wider = width - tally.width();
    Ok((tally, wider, file))
}

/// Copies the spilled rows to `out`, each line `wider` digits narrower.
fn copy_narrowed(spill: std::fs::File, out: &mut dyn std::io::Write, wider: usize) -> std::io::Result<()> {
    let mut spill = std::io::BufReader::with_capacity(1 << 16, spill);
    if wider == 0 {
        return std::io::copy(&mut spill, out).map(drop);
    }
    let mut line = Vec::new();
    while std::io::BufRead::read_until(&mut spill, b'\n', &mut line)? > 0 {
        out.write_all(report::plan::narrowed(&line, wider))?;
        line.clear();
    }
    Ok(())
}

/// `plan --format json`: each guide's steps are written as they are read, so a large
/// guide's plan is never held whole.
fn plan_json(args: &PlanArgs) -> Exit {
    let (guides, overrides, mut code) = guides(args);
    let mut written = 0;
    out_with(|w| {
        report::plan_json::open(w)?;
        for path in &guides {
            let read = config::settings(path, &overrides).and_then(|s| Ok((s, guide::read(path)?)));
            let (settings, text) = match read {
                Ok(read) => read,
                Err(e) => {
                    print_error(&e);
                    code = Exit::BadInput;
                    continue;
                }
            };
            if !plan::may_fail(&text) {
                // Nothing can go wrong once it is read: written as its steps come.
                report::plan_json::separator(w, written == 0)?;
                write_plan(w, path, &text, &settings).map_err(|e| std::io::Error::other(e.to_string()))?;
                written += 1;
                continue;
            }
            match spill(|w| write_plan(w, path, &text, &settings)) {
                Ok(mut spill) => {
                    report::plan_json::separator(w, written == 0)?;
                    // Straight from the file to stdout: the kernel copies it (splice or
                    // sendfile), not a loop of small reads and writes through a buffer.
                    w.flush()?;
                    std::io::copy(&mut spill, &mut std::io::stdout().lock())?;
                    written += 1;
                }
                Err(e) => {
                    print_error(&e);
                    code = Exit::BadInput;
                }
            }
        }
        report::plan_json::close(w, written > 0)
    });
    code
}

/// One guide's plan as JSON, written as its steps are read; the first bad directive is
/// the error, after the plan was written.
fn write_plan(
    w: &mut dyn std::io::Write,
    path: &Path,
    text: &str,
    settings: &config::Settings,
) -> Result<(), Error> {
    pipeline::with_steps(path, text, settings, |stream| {
        let stream = RefCell::new(stream);
        let failed = RefCell::new(None);
        let mut steps = std::iter::from_fn(|| stream.borrow_mut().next());
        let mut todos = || {
            stream.borrow_mut().finish().unwrap_or_else(|e| {
                failed.replace(Some(e));
                Vec::new()
            })
        };
        report::plan_json::write_element(w, path, &mut steps, &mut todos)
            .map_err(|e| Error::new(ErrorKind::Write(e)))?;
        failed.take().map_or(Ok(()), Err)
    })
}

pub(super) fn lint_command(args: &PlanArgs) -> Exit {
    let (guides, overrides, mut code) = guides(args);
    let (mut errors, mut warnings, mut read, mut todos) = (0, 0, 0, 0);
    let mut all = Vec::new();
    // One guide's plan at a time: it is linted, reported and dropped before the next.
    for path in &guides {
        let (findings, sections) = match lint_guide(path, &overrides) {
            Ok(linted) => linted,
            Err(e) => {
                print_error(&e);
                code = Exit::BadInput;
                continue;
            }
        };
        read += 1;
        todos += sections;
        let count = |s: lint::Severity| findings.iter().filter(|f| f.severity == s).count();
        errors += count(lint::Severity::Error);
        warnings += count(lint::Severity::Warning);
        match args.format {
            PlanFormat::Human => out(&report::lint::render(path, &findings, style(ColorArg::Auto))),
            PlanFormat::Json => all.push(serde_json::json!({ "guide": path, "findings": findings })),
        }
    }
    match args.format {
        PlanFormat::Human => out(&format!(
            "guidecheck lint: {}: {}, {}\n",
            report::count(read, "guide"),
            report::count(errors, "error"),
            report::count(warnings, "warning")
        )),
        PlanFormat::Json => out(&(serde_json::to_string_pretty(&all).expect("json") + "\n")),
    }
    if code == Exit::Passed && (errors > 0 || args.deny_todo && todos > 0) {
        code = Exit::Drift;
    }
    code
}

pub(super) fn todo_command(args: &PlanArgs) -> Exit {
    let (guides, overrides, mut code) = guides(args);
    let (mut count, mut read) = (0, 0);
    for path in &guides {
        match todos_of(path, &overrides) {
            Ok((todos, states)) => {
                count += todos.len();
                read += 1;
                out(&report::todo_lines(path, &todos, &states, style(ColorArg::Auto)));
            }
            Err(e) => {
                print_error(&e);
                code = Exit::BadInput;
            }
        }
    }
    out(&format!(
        "guidecheck todo: {}, {}\n",
        report::count(read, "guide"),
        report::count(count, "TODO section")
    ));
    if code == Exit::Passed && args.deny_todo && count > 0 {
        code = Exit::Drift;
    }
    code
}

/// A guide's TODO sections and their states, its steps read as they come and dropped:
/// only where each step that is not a snippet starts is kept.
fn todos_of(path: &Path, overrides: &Overrides) -> Result<(Vec<plan::Todo>, Vec<String>), Error> {
    let settings = config::settings(path, overrides)?;
    let text = guide::read(path)?;
    let (starts, todos) = pipeline::with_steps(path, &text, &settings, |stream| {
        let starts: Vec<usize> = (&mut *stream)
            .filter(|s| !matches!(s.kind, plan::StepKind::Snippet { .. }))
            .map(|s| s.span.start)
            .collect();
        stream.finish().map(|todos| (starts, todos))
    })?;
    let states = todos
        .iter()
        .map(|todo| crate::compare::todo_state_unrun(starts.iter().filter(|&&s| todo.holds(s)).count()))
        .collect();
    Ok((todos, states))
}
