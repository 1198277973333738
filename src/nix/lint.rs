//! Nix checks of `guidecheck lint`: file syntax, `./x.nix` files and `-A` attributes that
//! exist when `nix-build` runs, and hash continuity (the shown `got:` hash is the one the
//! next revision pastes).

use super::{facts, syntax};
use crate::lint::Finding;
use crate::plan::{Plan, Step, StepKind};
use crate::span::LineIndex;
use regex::Regex;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::LazyLock;

static HASH_ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\b(?:hash|sha256|sha512|outputHash|narHash|vendorHash|cargoHash)\s*=\s*"([^"]*)""#)
        .expect("valid")
});
static NIX_COMMAND: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)(?:^|[;&|(]\s*)(nix-build|nix-shell|nix-instantiate)\b([^;&|\n]*)").expect("valid")
});

pub fn check(plan: &Plan) -> Vec<Finding> {
    let mut findings = Vec::new();
    // Latest content of each file written so far, and the line of the step that wrote it.
    let mut files: BTreeMap<PathBuf, (String, usize)> = BTreeMap::new();
    let mut mentioned = String::new();
    for (i, step) in plan.steps.iter().enumerate() {
        if step.options.skipped {
            continue;
        }
        match &step.kind {
            StepKind::File {
                path,
                content,
                named_by,
            } => {
                if path.ends_with(".nix") {
                    findings.extend(syntax_errors(step, content, named_by));
                }
                files.insert(clean(Path::new(path)), (content.clone(), step.line));
            }
            StepKind::Command { command, shown } => {
                findings.extend(invocations(step.line, command, &files, &mentioned));
                if let Some(shown) = shown {
                    let text: String = shown.lines.iter().map(|l| format!("{}\n", l.text)).collect();
                    for pair in facts::hash_pairs(&text) {
                        let shown_line = shown
                            .lines
                            .iter()
                            .find(|l| l.text.contains(&pair.got))
                            .map_or(step.line, |l| l.line);
                        findings.extend(continuity(&plan.steps[i + 1..], &pair.got, shown_line));
                    }
                }
                mentioned.push_str(command);
            }
            StepKind::Script { script, .. } => {
                findings.extend(invocations(step.line, script, &files, &mentioned));
                mentioned.push_str(script);
            }
            _ => {}
        }
    }
    findings
}

fn syntax_errors(step: &Step, content: &str, named_by: &str) -> Vec<Finding> {
    let index = LineIndex::new(content);
    syntax::analyze(content)
        .errors
        .into_iter()
        .take(1)
        .map(|e| {
            let (line, col) = match e.offset {
                _ if named_by.starts_with("diff of") => (step.line, 1),
                Some(offset) => {
                    let (l, c) = index.line_col(content, offset);
                    (step.line + l, c)
                }
                None => (step.line + content.lines().count(), 1),
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

/// The next revision that holds a hash must hold the `got:` hash the guide just showed.
fn continuity(later: &[Step], got: &str, shown_line: usize) -> Option<Finding> {
    for step in later {
        let StepKind::File { path, content, .. } = &step.kind else {
            continue;
        };
        let Some((idx, pasted)) = content
            .lines()
            .enumerate()
            .find_map(|(i, l)| HASH_ATTR.captures(l).map(|c| (i, c[1].to_string())))
        else {
            continue;
        };
        if content.contains(got) {
            return None;
        }
        let line = step.line + 1 + idx;
        let message = if pasted.is_empty() {
            format!("{path} still has an empty hash, but the guide showed got: {got} at line {shown_line}")
        } else {
            format!("{path} pastes {pasted}, but the guide showed got: {got} at line {shown_line}")
        };
        return Some(Finding::error(
            line,
            1,
            message,
            Some(format!("paste the got: hash from line {shown_line}")),
        ));
    }
    None
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
        let Some((content, written_at)) = files.get(&entry) else {
            let name = entry.display().to_string();
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

/// `./a/../b.nix` → `b.nix`, lexically.
fn clean(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::extract;
    use crate::plan::{build, console::Prompts};

    fn findings(text: &str) -> Vec<String> {
        let plan = build(Path::new("g.md"), text, &extract(text), &Prompts::default()).unwrap();
        check(&plan)
            .into_iter()
            .map(|f| format!("{}:{}: {}", f.line, f.col, f.message))
            .collect()
    }

    const DEFAULT: &str = "```nix title=\"default.nix\"\n{ hello = import ./hello.nix; }\n```\n\n";

    #[test]
    fn syntax_errors_point_into_the_block() {
        let found = findings("Text\n\n```nix title=\"a.nix\"\n{ a = 1;\n  b = ;\n}\n```\n");
        assert_eq!(found.len(), 1);
        assert!(
            found[0].starts_with("5:7: Nix syntax error: unexpected TOKEN_SEMICOLON"),
            "{found:?}"
        );
    }

    #[test]
    fn a_missing_import_and_a_missing_attribute() {
        let text = format!("{DEFAULT}```console\n$ nix-build -A helo\n```\n");
        assert_eq!(
            findings(&text),
            [
                "6:1: `-A helo`: default.nix (line 1) has no attribute `helo`",
                "6:1: default.nix uses `./hello.nix`, which no step before this command writes",
            ]
        );
        let ok = format!(
            "{DEFAULT}```nix title=\"hello.nix\"\n{{ }}\n```\n\n```console\n$ nix-build -A hello\n```\n"
        );
        assert!(findings(&ok).is_empty(), "{:?}", findings(&ok));
    }

    #[test]
    fn the_pasted_hash_must_be_the_shown_got_hash() {
        let shown = "```console\n$ nix-build -A hello\nerror: hash mismatch in fixed-output derivation '/nix/store/x.drv':\n  specified: sha256-AAAA=\n     got:    sha256-GOOD=\n```\n\n";
        let pasted =
            |hash: &str| format!("```nix title=\"hello.nix\"\n{{ }}: {{\n  hash = \"{hash}\";\n}}\n```\n");
        let base = format!("{DEFAULT}```nix title=\"hello.nix\"\n{{ }}: {{ hash = \"\"; }}\n```\n\n{shown}");
        assert!(findings(&format!("{base}{}", pasted("sha256-GOOD="))).is_empty());
        let bad = findings(&format!("{base}{}", pasted("sha256-G00D=")));
        assert_eq!(
            bad,
            ["18:1: hello.nix pastes sha256-G00D=, but the guide showed got: sha256-GOOD= at line 13"]
        );
    }
}
