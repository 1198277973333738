//! Snapshots: the facts a guide's shown output may not show (exit statuses, error blocks,
//! hashes), one readable file per guide, keyed by command order and text so prose edits do
//! not churn it. `Facts` and `changed` are pure; `check` and `accept` read and write files.

use crate::compare::Status;
use crate::error::{Error, ErrorKind, Result};
use crate::nix::facts;
use crate::normalize::Normalizer;
use crate::plan::{Plan, StepKind};
use crate::run::StepRun;
use crate::span::Location;
use std::path::{Path, PathBuf};

/// What to do with a snapshot that is missing or whose facts changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Policy {
    /// Do not take snapshots.
    Off,
    /// Write a missing snapshot (fail instead when `CI=true`); a change writes `.snap.new`
    /// and fails.
    Auto,
    /// Write `.snap` whether missing or changed (accept everything).
    Always,
    /// Write `.snap.new` for anything missing or changed, and fail.
    New,
    /// Write nothing; missing or changed fails.
    No,
}

impl Policy {
    /// The one place the policy is decided: flag > `GUIDECHECK_UPDATE` > config > default
    /// (`auto`); but `off` in the environment or config, and `--check` (`read_only`: about
    /// the guide's text, writing nothing), turn snapshots off whatever the flag says.
    pub fn resolve(
        update_flag: bool,
        env: Option<&str>,
        config: Option<Policy>,
    ) -> std::result::Result<Policy, String> {
        Policy::resolve_all(update_flag, false, env, config)
    }

    pub fn resolve_all(
        update_flag: bool,
        read_only: bool,
        env: Option<&str>,
        config: Option<Policy>,
    ) -> std::result::Result<Policy, String> {
        if read_only || config == Some(Policy::Off) || env == Some("off") {
            return Ok(Policy::Off);
        }
        if update_flag {
            return Ok(Policy::Always);
        }
        if let Some(value) = env.filter(|v| !v.is_empty()) {
            return match value {
                "auto" => Ok(Policy::Auto),
                "always" | "1" => Ok(Policy::Always),
                "new" => Ok(Policy::New),
                "no" | "0" => Ok(Policy::No),
                "off" => Ok(Policy::Off),
                other => Err(format!(
                    "GUIDECHECK_UPDATE={other}: expected auto, always, new, no or off"
                )),
            };
        }
        Ok(config.unwrap_or(Policy::Auto))
    }
}

/// What happened to a guide's snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Matched,
    /// Written for the first time (or accepted with `always`).
    Written(PathBuf),
    /// Facts changed: the new ones are in `new`; `diff` says what changed.
    Changed {
        new: Option<PathBuf>,
        diff: String,
    },
    /// No snapshot, and the policy does not allow writing one.
    Missing {
        path: PathBuf,
        new: Option<PathBuf>,
    },
    /// Not checked (and why).
    Skipped(String),
}

impl Outcome {
    pub fn failed(&self) -> bool {
        matches!(self, Outcome::Changed { .. } | Outcome::Missing { .. })
    }
}

/// Where a guide's snapshot lives: `<root>/<dir>/<guide path under root, without .md>.snap`.
/// A guide outside `root` keeps its snapshots beside it, in `<its folder>/<dir>/`.
pub fn path_for(guide: &Path, root: &Path, dir: &Path) -> PathBuf {
    let absolute = std::path::absolute(guide).unwrap_or_else(|_| guide.to_path_buf());
    let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let (base, relative) = match absolute.strip_prefix(&root) {
        Ok(rel) => (root.clone(), rel.to_path_buf()),
        Err(_) => {
            let parent = absolute.parent().map(Path::to_path_buf).unwrap_or_default();
            (parent, PathBuf::from(absolute.file_name().unwrap_or_default()))
        }
    };
    base.join(dir).join(relative.with_extension("snap"))
}

/// A snapshot's entries, taken step by step as a run settles them: what it keeps of a
/// step is its facts, never its output.
#[derive(Debug, Default)]
pub struct Facts {
    body: String,
    /// Command steps seen so far (entries are numbered among commands, run or not).
    ordinal: usize,
}

impl Facts {
    /// The next plan step, in order, and its run (None: not run).
    pub fn add(&mut self, step: &crate::plan::Step, run: Option<&StepRun>, normalizer: &Normalizer) {
        let StepKind::Command { command, shown } = &step.kind else {
            return;
        };
        self.ordinal += 1;
        let Some(run) = run else { return };
        let out = &mut self.body;
        out.push_str(&format!(
            "\n## {}: {}\n",
            self.ordinal,
            command.replace('\n', "\n## ")
        ));
        let exit = match (run.timed_out, run.status) {
            (true, _) => "timed out".to_string(),
            (false, Some(code)) => code.to_string(),
            (false, None) => "killed".to_string(),
        };
        out.push_str(&format!("exit: {exit}\n"));
        let display = normalizer.display(&run.output);
        for pair in facts::hash_pairs(&display) {
            out.push_str(&format!("hash: {} -> {}\n", pair.specified, pair.got));
        }
        for block in facts::error_blocks(&display) {
            let mut lines = block.lines().map(|l| normalizer.text(l));
            if let Some(first) = lines.next() {
                out.push_str(&first);
                out.push('\n');
            }
            for line in lines {
                out.push_str(&format!("  {line}\n"));
            }
        }
        // What an empty output placeholder stands for: a book renders it from here.
        if shown.as_ref().is_some_and(|s| s.placeholder) {
            out.push_str("output:\n");
            for line in display.lines() {
                out.push_str(&format!("| {line}\n"));
            }
        }
    }

    /// The snapshot text: the header, then the entries.
    pub fn text(&self, guide: &str, nix_version: &str, digest: &str) -> String {
        Facts::header(guide, nix_version, digest) + &self.body
    }

    /// `text`, made of the entries' own text (a long guide's entries are large: they are
    /// not copied).
    pub fn into_text(self, guide: &str, nix_version: &str, digest: &str) -> String {
        let mut text = self.body;
        text.insert_str(0, &Facts::header(guide, nix_version, digest));
        text
    }

    fn header(guide: &str, nix_version: &str, digest: &str) -> String {
        format!(
            "# guidecheck snapshot: facts of the guide's commands (exit status, errors, hashes)\nguide: {guide}\nguidecheck: {}\nnix: {nix_version}\nrecorded: {}\ndigest: {digest}\n---\n",
            env!("CARGO_PKG_VERSION"),
            today(),
        )
    }
}

/// A digest of what a run of the guide checks: every step's kind, text and shown output, in
/// order (not line numbers: prose edits do not change it). The badge says "verified" only
/// while the guide still has the digest its snapshot recorded.
pub fn digest(plan: &Plan) -> String {
    let mut digest = Digest::default();
    plan.steps.iter().for_each(|s| digest.add(s));
    digest.finish()
}

/// The digest (`digest`) as the steps come.
#[derive(Default)]
pub struct Digest(sha2::Sha256);

impl Digest {
    pub fn add(&mut self, step: &crate::plan::Step) {
        use sha2::Digest;
        if !step.runs() {
            return;
        }
        let text = serde_json::to_string(&step.kind).unwrap_or_default();
        // Line numbers inside shown output are where, not what.
        let without_lines = LINE_FIELD.replace_all(&text, "");
        self.0.update(without_lines.as_bytes());
        self.0.update(b"\n");
    }

    pub fn finish(self) -> String {
        use sha2::Digest;
        self.0.finalize()[..12]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

static LINE_FIELD: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r#","?"line":[0-9]+"#).expect("valid"));

fn today() -> String {
    humantime::format_rfc3339(std::time::SystemTime::now()).to_string()[..10].to_string()
}

/// A snapshot as read back (for the mdBook pass).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recorded {
    pub nix: String,
    pub recorded: String,
    /// The digest of the guide content this snapshot verified (empty in older snapshots).
    pub digest: String,
    pub entries: Vec<RecordedEntry>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordedEntry {
    pub command: String,
    pub output: Option<String>,
}

/// Reads a snapshot written by `take`.
pub fn parse(text: &str) -> Recorded {
    let mut recorded = header(text);
    let (_, body) = text.split_once("\n---\n").unwrap_or(("", text));
    for line in body.lines() {
        if let Some(rest) = line.strip_prefix("## ") {
            match rest.split_once(": ").filter(|(n, _)| n.parse::<usize>().is_ok()) {
                Some((_, command)) => recorded.entries.push(RecordedEntry {
                    command: command.to_string(),
                    output: None,
                }),
                None => {
                    if let Some(entry) = recorded.entries.last_mut() {
                        entry.command.push('\n');
                        entry.command.push_str(rest);
                    }
                }
            }
        } else if line == "output:" {
            if let Some(entry) = recorded.entries.last_mut() {
                entry.output = Some(String::new());
            }
        } else if let Some(out) = line.strip_prefix("| ").or((line == "|").then_some(""))
            && let Some(output) = recorded.entries.last_mut().and_then(|e| e.output.as_mut())
        {
            output.push_str(out);
            output.push('\n');
        }
    }
    recorded
}

/// A snapshot's header fields, without its entries (a long guide's snapshot holds many).
fn header(text: &str) -> Recorded {
    let (header, _) = text.split_once("\n---\n").unwrap_or(("", text));
    let field = |name: &str| {
        header
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    Recorded {
        nix: field("nix:"),
        recorded: field("recorded:"),
        digest: field("digest:"),
        entries: Vec::new(),
    }
}

/// `snapshot` with its `recorded:` date set to `date`.
fn with_date(snapshot: &str, date: &str) -> String {
    snapshot
        .lines()
        .map(|l| match l.starts_with("recorded: ") && !date.is_empty() {
            true => format!("recorded: {date}\n"),
            false => format!("{l}\n"),
        })
        .collect()
}

/// The body of a snapshot (what is compared: the header may change freely).
fn body(snapshot: &str) -> &str {
    snapshot.split_once("\n---\n").map_or(snapshot, |(_, b)| b)
}

/// A unified diff of the facts, or None when they are the same.
/// The Nix version the snapshot at `path` was recorded with, when its facts are those of
/// `current` (facts that still hold keep the Nix they were recorded with, as they keep
/// their date).
pub fn recorded_nix(path: &Path, current: &str) -> Option<String> {
    let stored = std::fs::read_to_string(path).ok()?;
    let nix = header(&stored).nix;
    (changed(&stored, current).is_none() && !nix.is_empty()).then_some(nix)
}

pub fn changed(stored: &str, current: &str) -> Option<String> {
    let (old, new) = (body(stored), body(current));
    (old != new).then(|| {
        similar::TextDiff::from_lines(old, new)
            .unified_diff()
            .context_radius(3)
            .header("snapshot", "now")
            .to_string()
    })
}

/// Checks a guide's snapshot against `current`, writing files as the policy says.
pub fn check(path: &Path, current: &str, policy: Policy, ci: bool, statuses: &[Status]) -> Result<Outcome> {
    if policy == Policy::Off {
        return Ok(Outcome::Skipped("snapshots are off".into()));
    }
    // Facts are only worth keeping from a run where the guide held: drift is reported by
    // the verdicts, and a blocked step's facts are the environment's.
    if statuses.contains(&Status::Blocked) {
        return Ok(Outcome::Skipped("some steps were blocked".into()));
    }
    if statuses.contains(&Status::Failed) {
        return Ok(Outcome::Skipped("some steps failed".into()));
    }
    let new_path = PathBuf::from(format!("{}.new", path.display()));
    let stored = match std::fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::at(Location::file(path), ErrorKind::Read(e))),
    };
    let outcome = match (stored, policy) {
        // The facts hold. The header is rewritten only when the guide's digest changed
        // (the badge needs it), keeping the date: a date changes only with a fact.
        (Some(stored), policy) if changed(&stored, current).is_none() => {
            remove(&new_path)?;
            let same_digest = header(&stored).digest == header(current).digest;
            if !same_digest && matches!(policy, Policy::Always | Policy::Auto) {
                write(path, &with_date(current, &header(&stored).recorded))?;
            }
            Outcome::Matched
        }
        (None, Policy::Always) | (None, Policy::Auto) if !(ci && policy == Policy::Auto) => {
            write(path, current)?;
            Outcome::Written(path.to_path_buf())
        }
        (Some(_), Policy::Always) => {
            write(path, current)?;
            remove(&new_path)?;
            Outcome::Written(path.to_path_buf())
        }
        (None, Policy::No) => Outcome::Missing {
            path: path.to_path_buf(),
            new: None,
        },
        (None, _) => {
            write(&new_path, current)?;
            Outcome::Missing {
                path: path.to_path_buf(),
                new: Some(new_path),
            }
        }
        (Some(stored), policy) => {
            let diff = changed(&stored, current).unwrap_or_default();
            let new = (policy != Policy::No).then_some(new_path);
            if let Some(new) = &new {
                write(new, current)?;
            }
            Outcome::Changed { new, diff }
        }
    };
    Ok(outcome)
}

/// Moves a guide's `.snap.new` over its `.snap`; false when there is none.
pub fn accept(path: &Path) -> Result<bool> {
    let new_path = PathBuf::from(format!("{}.new", path.display()));
    if !new_path.exists() {
        return Ok(false);
    }
    std::fs::rename(&new_path, path).map_err(|e| Error::at(Location::file(path), ErrorKind::Write(e)))?;
    Ok(true)
}

fn write(path: &Path, text: &str) -> Result<()> {
    let at = |e| Error::at(Location::file(path), ErrorKind::Write(e));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(at)?;
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    // Created with mode 0666 less the umask, as any new file (not tempfile's 0600): other
    // users' book builds and CI steps read snapshots.
    let mode = std::os::unix::fs::PermissionsExt::from_mode(0o666);
    let (mut temp, _registered) = crate::cleanup::temp_file_in(dir, Some(mode)).map_err(at)?;
    std::io::Write::write_all(&mut temp, text.as_bytes()).map_err(at)?;
    temp.persist(path).map_err(|e| at(e.error))?;
    Ok(())
}

fn remove(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(Error::at(Location::file(path), ErrorKind::Write(e)))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;
