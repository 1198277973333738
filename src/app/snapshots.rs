//! Snapshot housekeeping: `accept` (or `accept --list`) and `snapshots --unreferenced`.

use super::{Exit, out, print_error};
use crate::cli::{AcceptArgs, SnapshotsArgs};
use crate::config::{self, Overrides, Settings};
use crate::{guide, report, snapshot};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The settings of every guide named (or configured), or the error to print.
fn project(paths: &[PathBuf], config: Option<&PathBuf>) -> Result<Vec<(PathBuf, Settings)>, Exit> {
    let overrides = Overrides {
        config: config.cloned(),
        ..Overrides::default()
    };
    let paths = if paths.is_empty() {
        config::default_guides()
    } else {
        Ok(paths.to_vec())
    };
    let settings = paths.and_then(|p| guide::discover(&p)).and_then(|guides| {
        guides
            .into_iter()
            .map(|g| config::settings(&g, &overrides).map(|s| (g, s)))
            .collect()
    });
    settings.map_err(|e| {
        print_error(&e);
        Exit::BadInput
    })
}

fn pending(snap: &Path) -> PathBuf {
    PathBuf::from(format!("{}.new", snap.display()))
}

pub(super) fn accept_command(args: &AcceptArgs) -> Exit {
    let project = match project(&args.paths, args.config.as_ref()) {
        Ok(p) => p,
        Err(exit) => return exit,
    };
    let mut count = 0;
    for (guide, settings) in &project {
        let snap = &settings.snapshot_path;
        if args.list {
            if pending(snap).exists() {
                count += 1;
                out(&format!(
                    "pending {} (for {})\n",
                    pending(snap).display(),
                    guide.display()
                ));
            }
            continue;
        }
        match snapshot::accept(snap) {
            Ok(true) => {
                count += 1;
                out(&format!("accepted {}\n", snap.display()));
            }
            Ok(false) => {}
            Err(e) => {
                print_error(&e);
                return Exit::BadInput;
            }
        }
    }
    let what = if args.list { "pending" } else { "accepted" };
    out(&format!(
        "guidecheck accept: {} {what}\n",
        report::count(count, "snapshot")
    ));
    Exit::Passed
}

pub(super) fn snapshots_command(args: &SnapshotsArgs) -> Exit {
    let project = match project(&args.paths, args.config.as_ref()) {
        Ok(p) => p,
        Err(exit) => return exit,
    };
    let referenced: BTreeSet<PathBuf> = project
        .iter()
        .flat_map(|(_, s)| [s.snapshot_path.clone(), pending(&s.snapshot_path)])
        .map(|p| std::path::absolute(&p).unwrap_or(p))
        .collect();
    let dirs: BTreeSet<PathBuf> = project.iter().map(|(_, s)| s.snapshot_dir.clone()).collect();
    let mut listed = 0;
    for dir in &dirs {
        for path in snapshot_files(dir) {
            let absolute = std::path::absolute(&path).unwrap_or_else(|_| path.clone());
            let orphan = !referenced.contains(&absolute);
            if args.unreferenced && !orphan {
                continue;
            }
            listed += 1;
            if args.delete {
                if let Err(e) = std::fs::remove_file(&path) {
                    print_error(&crate::error::Error::at(
                        crate::span::Location::file(&path),
                        crate::error::ErrorKind::Write(e),
                    ));
                    return Exit::BadInput;
                }
                out(&format!("deleted {}\n", path.display()));
            } else {
                let mark = if orphan { "  (no such guide)" } else { "" };
                out(&format!("{}{mark}\n", path.display()));
            }
        }
    }
    let what = match (args.unreferenced, args.delete) {
        (_, true) => "deleted",
        (true, false) => "unreferenced",
        _ => "in all",
    };
    out(&format!(
        "guidecheck snapshots: {} {what}\n",
        report::count(listed, "snapshot")
    ));
    Exit::Passed
}

/// Every `.snap` and `.snap.new` under `dir`, sorted.
fn snapshot_files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .filter(|p| {
            let name = p.to_string_lossy();
            name.ends_with(".snap") || name.ends_with(".snap.new")
        })
        .collect()
}
