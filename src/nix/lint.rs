//! Nix checks of `guidecheck lint`: file syntax, `./x.nix` files and `-A` attributes that
//! exist when `nix-build` runs, and hash continuity (the shown `got:` hash is the one the
//! next revision pastes).

use super::{facts, syntax};
use crate::span::LineIndex;
use regex::Regex;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::LazyLock;

static HASH_ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?-u:\b)(?:hash|sha256|sha512|outputHash|narHash|vendorHash|cargoHash)[ \t]*=[ \t]*"([^"]*)""#,
    )
    .expect("valid")
});
static NIX_COMMAND: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)(?:^|[;&|(][ \t]*)(nix-build|nix-shell|nix-instantiate)(?-u:\b)([^;&|\n]*)")
        .expect("valid")
});

/// What the Nix checks need to know of a guide's steps (plain data, in document order).
pub enum Step<'a> {
    /// A file written at `line`; `whole` is false when a diff made it (no line map).
    File {
        path: &'a str,
        content: &'a str,
        line: usize,
        whole: bool,
    },
    /// Shell text run at `line`, with the lines it shows as (Markdown line, text).
    Run {
        text: &'a str,
        line: usize,
        shown: Vec<(usize, &'a str)>,
    },
}

/// A problem the Nix checks found (always an error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl Finding {
    fn error(line: usize, col: usize, message: String, hint: Option<String>) -> Self {
        Finding {
            line,
            col,
            message,
            hint,
        }
    }
}

/// Every finding for a guide's steps (its plan's `nix_steps`).
pub fn check(steps: &[Step<'_>]) -> Vec<Finding> {
    let mut checker = Checker::default();
    steps.iter().for_each(|step| checker.step(step));
    checker.finish()
}

/// The Nix checks of a guide whose steps come one at a time: what it keeps is what later
/// steps are checked against (the last content of each file, the commands seen, the
/// `got:` hashes waiting for the file they should be pasted into).
#[derive(Default)]
pub struct Checker {
    files: BTreeMap<PathBuf, (String, usize)>,
    mentioned: String,
    pastes: Pastes,
    findings: Vec<Finding>,
}

impl Checker {
    pub fn step(&mut self, step: &Step<'_>) {
        self.pastes.step(step);
        match step {
            Step::File {
                path,
                content,
                line,
                whole,
            } => {
                if path.ends_with(".nix") {
                    self.findings.extend(syntax_errors(*line, content, *whole));
                }
                self.files
                    .insert(clean(Path::new(path)), ((*content).to_string(), *line));
            }
            Step::Run { text, line, .. } => {
                self.findings
                    .extend(invocations(*line, text, &self.files, &self.mentioned));
                self.mentioned.push_str(text);
            }
        }
    }

    /// The findings: mistyped pastes first, then the rest in step order.
    pub fn finish(self) -> Vec<Finding> {
        let mut findings: Vec<Finding> = self.pastes.found.into_iter().map(paste_finding).collect();
        findings.extend(self.findings);
        findings
    }
}

fn syntax_errors(step_line: usize, content: &str, whole: bool) -> Vec<Finding> {
    let index = LineIndex::new(content);
    syntax::analyze(content)
        .errors
        .into_iter()
        .take(1)
        .map(|e| {
            let (line, col) = match e.offset {
                _ if !whole => (step_line, 1),
                Some(offset) => {
                    let (l, c) = index.line_col(content, offset);
                    (step_line + l, c)
                }
                None => (step_line + content.lines().count(), 1),
            };
            Finding::error(
                line,
                col,
                format!("Nix syntax error: {}", e.message),
                Some("this file would not evaluate".into()),
            )
        })
        .collect()
}

/// A hash pasted into a file step that is not the `got:` hash the guide showed before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paste {
    pub path: String,
    /// Markdown line of the pasted hash.
    pub line: usize,
    pub pasted: String,
    pub got: String,
    /// Markdown line of the shown `got:`.
    pub shown_line: usize,
}

/// Every paste that does not hold the `got:` hash shown before it.
/// Each `got:` hash a command showed, against the next file that sets a hash attribute
/// (the one the reader pastes it into): a mismatch there is a mistyped paste.
pub fn mistyped_pastes(steps: &[Step<'_>]) -> Vec<Paste> {
    let mut pastes = Pastes::default();
    steps.iter().for_each(|step| pastes.step(step));
    pastes.found
}

/// Mistyped pastes, found as the steps come.
#[derive(Debug, Default)]
pub struct Pastes {
    /// Hashes shown (`got`, the Markdown line showing it) that no file took up yet.
    waiting: Vec<(String, usize)>,
    found: Vec<Paste>,
}

impl Pastes {
    /// Whether a hash was shown that no file took up yet (only then can a file step be a
    /// paste).
    pub fn waiting(&self) -> bool {
        !self.waiting.is_empty()
    }

    /// What was found so far.
    pub fn found(self) -> Vec<Paste> {
        self.found
    }

    pub fn step(&mut self, step: &Step<'_>) {
        match step {
            Step::Run { line, shown, .. } => {
                let shown_text: String = shown.iter().map(|(_, l)| format!("{l}\n")).collect();
                for pair in facts::hash_pairs(&shown_text) {
                    let shown_line = shown
                        .iter()
                        .find(|(_, l)| l.contains(&pair.got))
                        .map_or(*line, |(n, _)| *n);
                    self.waiting.push((pair.got, shown_line));
                }
            }
            Step::File {
                path,
                content,
                line: step_line,
                ..
            } => {
                let Some((idx, pasted)) = content
                    .lines()
                    .enumerate()
                    .find_map(|(i, l)| HASH_ATTR.captures(l).map(|c| (i, c[1].to_string())))
                else {
                    return;
                };
                for (got, shown_line) in self.waiting.drain(..) {
                    if !content.contains(&got) {
                        self.found.push(Paste {
                            path: (*path).to_string(),
                            line: step_line + 1 + idx,
                            pasted: pasted.clone(),
                            got,
                            shown_line,
                        });
                    }
                }
            }
        }
    }
}

fn paste_finding(paste: Paste) -> Finding {
    let Paste {
        path,
        line,
        pasted,
        got,
        shown_line,
    } = paste;
    let message = if pasted.is_empty() {
        format!("{path} still has an empty hash, but the guide showed got: {got} at line {shown_line}")
    } else {
        format!("{path} pastes {pasted}, but the guide showed got: {got} at line {shown_line}")
    };
    Finding::error(
        line,
        1,
        message,
        Some(format!("paste the got: hash from line {shown_line}")),
    )
}

/// The `.nix` files a command names for Nix to read (`nix-build hello.nix`, …).
pub fn files_read(command: &str) -> Vec<String> {
    if !command.contains("nix-") {
        return Vec::new(); // the regex is compiled only for guides that call these
    }
    NIX_COMMAND
        .captures_iter(command)
        .filter(|caps| caps[2].split_whitespace().any(|w| w.ends_with(".nix")))
        .filter_map(|caps| arguments(&caps[2]))
        .map(|(path, _)| path.display().to_string())
        .collect()
}

/// Checks every `nix-build`/`nix-shell` in a command against the files written so far.
fn invocations(
    line: usize,
    command: &str,
    files: &BTreeMap<PathBuf, (String, usize)>,
    mentioned: &str,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for caps in NIX_COMMAND.captures_iter(command) {
        let tool = &caps[1];
        let (entry, attr) = match arguments(&caps[2]) {
            Some(parsed) => parsed,
            None => continue,
        };
        // A file above the folder, or anywhere absolute, is not the guide's to write.
        let outside = entry.is_absolute() || entry.starts_with("..");
        let Some((content, written_at)) = files.get(&entry).filter(|_| !outside) else {
            let name = entry.display().to_string();
            if outside {
                continue;
            }
            if !mentioned.contains(&name) && !mentioned.contains("git clone") && !mentioned.contains("tar ") {
                findings.push(Finding::error(
                    line,
                    1,
                    format!("`{tool}` reads {name}, which no earlier step writes"),
                    None,
                ));
            }
            continue;
        };
        let info = syntax::analyze(content);
        if let (Some(attr), Some(attributes)) = (&attr, &info.attributes) {
            let first = attr.split('.').next().unwrap_or(attr);
            if !attributes.iter().any(|a| a == first) {
                let hint = format!("{} defines: {}", entry.display(), attributes.join(", "));
                findings.push(Finding::error(
                    line,
                    1,
                    format!(
                        "`-A {attr}`: {} (line {written_at}) has no attribute `{first}`",
                        entry.display()
                    ),
                    Some(hint),
                ));
            }
        }
        findings.extend(missing_imports(line, &entry, files));
    }
    findings
}

/// `./x.nix` files the entry uses (transitively) that no earlier step wrote.
fn missing_imports(line: usize, entry: &Path, files: &BTreeMap<PathBuf, (String, usize)>) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut todo = vec![entry.to_path_buf()];
    let mut seen = vec![entry.to_path_buf()];
    while let Some(file) = todo.pop() {
        let Some((content, _)) = files.get(&file) else {
            continue;
        };
        for path in syntax::analyze(content)
            .paths
            .into_iter()
            .filter(|p| p.ends_with(".nix"))
        {
            let resolved = clean(&file.parent().unwrap_or(Path::new("")).join(&path));
            if seen.contains(&resolved) {
                continue;
            }
            seen.push(resolved.clone());
            if files.contains_key(&resolved) {
                todo.push(resolved);
            } else {
                findings.push(Finding::error(
                    line,
                    1,
                    format!(
                        "{} uses `{path}`, which no step before this command writes",
                        file.display()
                    ),
                    Some(format!(
                        "show {} in a block named title=\"{}\" before this command",
                        resolved.display(),
                        resolved.display()
                    )),
                ));
            }
        }
    }
    findings
}

/// The file a `nix-build` evaluates and its `-A` attribute; None when it evaluates something
/// lint cannot see (`-E`, `<nixpkgs>`, a URL).
fn arguments(args: &str) -> Option<(PathBuf, Option<String>)> {
    let words: Vec<&str> = args.split_whitespace().collect();
    let mut attr = None;
    let mut file = None;
    let mut i = 0;
    while i < words.len() {
        match words[i] {
            "-A" | "--attr" => {
                attr = words.get(i + 1).map(|s| s.trim_matches(['"', '\'']).to_string());
                i += 1;
            }
            "-E" | "--expr" | "-p" | "--packages" | "--run" | "--command" => return None,
            "-o" | "--out-link" | "-I" | "--include" | "--max-jobs" | "-j" | "--cores" => i += 1,
            "--arg" | "--argstr" | "--option" => i += 2,
            w if w.starts_with('-') || w.starts_with('>') || w.starts_with('2') => {}
            w if w.starts_with('<') || w.contains("://") || w.contains('$') => return None,
            w => file = file.or(Some(w)),
        }
        i += 1;
    }
    let file = file.unwrap_or(".");
    let path = if file.ends_with(".nix") {
        PathBuf::from(file)
    } else {
        Path::new(file).join("default.nix")
    };
    Some((clean(&path), attr))
}

/// `./a/../b.nix` → `b.nix`, lexically; `../b.nix` stays above the folder.
fn clean(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
#[test]
fn paths_are_cleaned_lexically_and_what_is_above_stays_above() {
    assert_eq!(clean(Path::new("./a/../b.nix")), Path::new("b.nix"));
    assert_eq!(clean(Path::new("../default.nix")), Path::new("../default.nix"));
    assert_eq!(clean(Path::new("a/../../x.nix")), Path::new("../x.nix"));
}
