//! ARCHITECTURE.md's invariants, checked on the source: modules import only what comes
//! before them in the pipeline, Nix knowledge lives in src/nix, only extract reads Markdown,
//! only run spawns processes.

use crate::root;
use regex::Regex;
use std::path::{Path, PathBuf};

/// The modules in pipeline order: each may import only itself and those before it.
const LAYERS: &[&str] = &[
    "span",
    "error",
    "ahead",
    "cleanup",
    "failure",
    "nix",
    "extract",
    "guide",
    "plan",
    "run",
    "normalize",
    "compare",
    "lint",
    "rewrite",
    "snapshot",
    "report",
    "config",
    "pipeline",
    "progress",
    "mdbook",
    "cli",
    "app",
];

/// Every source file's module and its code without unit tests.
fn sources() -> Vec<(String, PathBuf, String)> {
    walkdir::WalkDir::new(root().join("src"))
        .into_iter()
        .map(|e| e.expect("src is readable").into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .filter(|p| !p.ends_with("tests.rs") && !p.ends_with("properties.rs"))
        .filter_map(|p| {
            let rel = p.strip_prefix(root().join("src")).expect("under src");
            let module = rel
                .components()
                .next()?
                .as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_string();
            let text = std::fs::read_to_string(&p).expect("readable");
            let code = text.split("#[cfg(test)]").next().unwrap_or("").to_string();
            Some((module, p, code))
        })
        .filter(|(m, _, _)| !matches!(m.as_str(), "lib" | "main"))
        .collect()
}

fn imports(code: &str) -> Vec<String> {
    let single = Regex::new(r"crate::(\w+)").expect("valid");
    let group = Regex::new(r"use crate::\{([^}]*)\}").expect("valid");
    let mut found: Vec<String> = single.captures_iter(code).map(|c| c[1].to_string()).collect();
    for caps in group.captures_iter(code) {
        found.extend(
            caps[1]
                .split(',')
                .filter_map(|p| p.trim().split("::").next().map(str::to_string)),
        );
    }
    found.retain(|m| !m.is_empty() && m.chars().next().is_some_and(char::is_lowercase));
    found
}

fn shown(path: &Path) -> String {
    path.strip_prefix(root()).unwrap_or(path).display().to_string()
}

#[test]
fn modules_import_only_modules_upstream_of_them() {
    let mut wrong = Vec::new();
    for (module, path, code) in sources() {
        let Some(own) = LAYERS.iter().position(|l| *l == module) else {
            panic!("{} is in no layer of this test", shown(&path));
        };
        for dep in imports(&code) {
            let at = LAYERS.iter().position(|l| *l == dep);
            if at.is_none_or(|at| at > own) {
                wrong.push(format!("{} ({module}) imports {dep}", shown(&path)));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the pipeline:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn nix_knowledge_lives_in_src_nix() {
    let nixy = Regex::new(r"nix-build|nix-shell|nix-instantiate|nix-repl|nix repl|\bNIX_[A-Z]|\(Nix\)|nixpkgs|/nix/store|pname|substituters").expect("valid");
    let wrong: Vec<String> = sources()
        .into_iter()
        .filter(|(module, _, _)| module != "nix")
        .flat_map(|(_, path, code)| {
            code.lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .filter(|l| nixy.is_match(l))
                .map(|l| format!("{}: {}", shown(&path), l.trim()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "Nix-specific code outside src/nix:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn only_extract_reads_markdown_and_only_run_spawns_processes() {
    for (module, path, code) in sources() {
        if module != "extract" {
            assert!(
                !code.contains("pulldown_cmark"),
                "{} uses pulldown-cmark",
                shown(&path)
            );
        }
        if module != "run" {
            assert!(
                !code.contains("process::Command") && !code.contains("Command::new"),
                "{} spawns a process",
                shown(&path)
            );
        }
    }
}

#[test]
fn nix_imports_no_stage() {
    for (module, path, code) in sources() {
        if module == "nix" {
            for dep in imports(&code) {
                assert!(
                    matches!(dep.as_str(), "nix" | "span" | "failure"),
                    "{} imports the stage {dep}",
                    shown(&path)
                );
            }
        }
    }
}

#[test]
fn no_file_over_500_lines_and_no_function_over_60() {
    let start = Regex::new(r"^(\s*)(?:pub(?:\([\w:]+\))? )?fn (\w+)").expect("valid");
    let mut wrong = Vec::new();
    for entry in walkdir::WalkDir::new(root().join("src")) {
        let path = entry.expect("readable").into_path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable");
        let lines: Vec<&str> = text.lines().collect();
        if lines.len() > 500 {
            wrong.push(format!("{}: {} lines", shown(&path), lines.len()));
        }
        let mut i = 0;
        while i < lines.len() {
            let Some(caps) = start
                .captures(lines[i])
                .filter(|_| lines[i].trim_end().ends_with('{'))
            else {
                i += 1;
                continue;
            };
            let close = format!("{}}}", &caps[1]);
            let end = (i + 1..lines.len()).find(|&j| lines[j] == close).unwrap_or(i);
            if end + 1 - i > 60 {
                wrong.push(format!(
                    "{}: fn {} has {} lines",
                    shown(&path),
                    &caps[2],
                    end + 1 - i
                ));
            }
            i = end.max(i) + 1;
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
