//! `guidecheck --watch GUIDE`: the author's loop. Runs the guide, then again each time it
//! (or a file of its folder it names, or its guidecheck.toml) is saved; on a terminal the
//! screen is cleared between runs, and after the first run only what changed is shown.

use super::test::{Checked, check_one, print_guide};
use super::{Exit, out, print_error, style};
use crate::cli::TestArgs;
use crate::compare::Status;
use crate::error::{Error, ErrorKind};
use crate::progress::Progress;
use crate::span::Location;
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Each step's status, by Markdown line.
type Statuses = BTreeMap<usize, Status>;

pub(super) fn watch(args: &TestArgs, guides: &[PathBuf]) -> Exit {
    let [guide] = guides else {
        print_error(&Error::new(ErrorKind::Usage(format!(
            "--watch takes one guide, not {}",
            guides.len()
        ))));
        return Exit::BadInput;
    };
    let (tx, events) = std::sync::mpsc::channel();
    let mut watcher = match notify::recommended_watcher(tx) {
        Ok(w) => w,
        Err(e) => return cannot_watch(guide, &e),
    };
    let folder = guide
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // The folder, not the file: editors save by renaming a new file over the old one.
    if let Err(e) = notify::Watcher::watch(&mut watcher, folder, notify::RecursiveMode::NonRecursive) {
        return cannot_watch(guide, &e);
    }
    let progress = Progress::new(true, args.verbose);
    let style = style(args.color);
    let mut last: Option<Statuses> = None;
    loop {
        if std::io::stdout().is_terminal() {
            out("\x1b[2J\x1b[H");
        }
        let result = check_one(guide, args, &progress);
        let now = statuses(&result);
        match &last {
            Some(before) => out(&changes(before, &now)),
            None => print_guide(&result, args, style),
        }
        if let Ok(r) = &result {
            out(&crate::report::guide(r, style)
                .lines()
                .last()
                .map_or(String::new(), |l| format!("{l}\n")));
        }
        out(&format!("watching {} (Ctrl-C to stop)\n", guide.display()));
        last = Some(now);
        wait_for_change(&events, guide);
    }
}

fn cannot_watch(guide: &Path, e: &notify::Error) -> Exit {
    print_error(&Error::at(
        Location::file(guide),
        ErrorKind::Usage(format!("cannot watch: {e}")),
    ));
    Exit::BadInput
}

fn statuses(result: &Checked) -> Statuses {
    result.as_ref().map_or_else(
        |_| Statuses::new(),
        |r| {
            r.plan
                .steps
                .iter()
                .zip(&r.verdicts)
                .map(|(s, v)| (s.line, v.status))
                .collect()
        },
    )
}

/// `line 12: failed → passed`, for each step whose status changed.
fn changes(before: &Statuses, now: &Statuses) -> String {
    let lines: Vec<String> = now
        .iter()
        .filter(|(line, status)| before.get(line) != Some(status))
        .map(|(line, status)| match before.get(line) {
            Some(old) => format!("line {line}: {} → {}\n", name(*old), name(*status)),
            None => format!("line {line}: new step, {}\n", name(*status)),
        })
        .collect();
    if lines.is_empty() {
        "nothing changed since the last run\n".to_string()
    } else {
        format!("since the last run:\n{}", lines.concat())
    }
}

fn name(status: Status) -> &'static str {
    match status {
        Status::Passed => "passed",
        Status::Failed => "failed",
        Status::Blocked => "blocked",
        Status::Skipped => "skipped",
        Status::Unverified => "unverified",
    }
}

/// Waits for a save of the guide, its config, or a file of its folder the guide names;
/// a burst of events (an editor's save) counts once.
fn wait_for_change(events: &std::sync::mpsc::Receiver<notify::Result<notify::Event>>, guide: &Path) {
    let text = std::fs::read_to_string(guide).unwrap_or_default();
    let relevant = |event: &notify::Event| {
        !matches!(event.kind, notify::EventKind::Access(_))
            && event.paths.iter().any(|p| {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                Some(p.file_name()) == Some(guide.file_name())
                    || name == "guidecheck.toml"
                    || (!name.starts_with('.') && name.len() > 2 && text.contains(&name))
            })
    };
    while let Ok(event) = events.recv() {
        if event.is_ok_and(|e| relevant(&e)) {
            break;
        }
    }
    std::thread::sleep(Duration::from_millis(100));
    while events.try_recv().is_ok() {}
}
