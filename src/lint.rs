//! Plan → findings, without running anything: mistakes a reader would hit (a `cd` into a
//! directory nothing creates, Nix problems from `nix::lint`) and unfinished TODO sections.
//! Steps are checked as they are read (`Linter`): a large guide's plan is never held whole.

use crate::plan::{Plan, SnippetWhy, Step, StepKind, Todo};
use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    /// Worth a look, never a failure: lint cannot tell.
    Note,
}

/// Something `lint` found, at a Markdown line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub line: usize,
    pub col: usize,
    pub severity: Severity,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Finding {
    pub fn error(line: usize, col: usize, message: String, hint: Option<String>) -> Self {
        Finding {
            line,
            col,
            severity: Severity::Error,
            message,
            hint,
        }
    }
}

/// Commands that create directories whose names lint cannot read off the command: archives
/// unpacked, repositories cloned, projects made from templates.
static UNPACKS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)(?:^|[\s;&|(])(?:tar\s+(?:-\w*x|x)\w*|unzip|7z\s+x|bsdtar|cpio|git\s+clone|hg\s+clone|svn\s+(?:co|checkout)|nix\s+flake\s+(?:init|new)|cargo\s+(?:new|init|generate)|npm\s+init|npx\s+create-\S+|unpackPhase|nix-prefetch-\w+|fetchzip|rsync)\b",
    )
    .expect("valid regex")
});

/// Every finding for a guide, in line order.
pub fn lint(plan: &Plan) -> Vec<Finding> {
    let mut linter = Linter::default();
    plan.steps.iter().for_each(|step| linter.step(step));
    linter.finish(&plan.todos)
}

/// The checks of a guide whose steps come one at a time, each keeping only what later
/// steps are checked against.
#[derive(Default)]
pub struct Linter {
    nix: crate::nix::lint::Checker,
    cd: CdTargets,
    /// Findings by check, so they sort as they always did (by line, then check).
    cds: Vec<Finding>,
    escaping: Vec<Finding>,
    system: Vec<Finding>,
    unrun: Vec<Finding>,
    /// Where each step that is not a snippet starts: what a TODO section holds.
    starts: Vec<usize>,
}

impl Linter {
    pub fn step(&mut self, step: &Step) {
        if let Some(view) = step.nix_view() {
            self.nix.step(&view);
        }
        self.cds.extend(self.cd.step(step));
        self.escaping.extend(escaping_file(step));
        self.system.extend(system_write(step));
        self.unrun.extend(unrun_block(step));
        if !matches!(step.kind, StepKind::Snippet { .. }) {
            self.starts.push(step.span.start);
        }
    }

    /// Every finding, in line order, with the guide's TODO sections.
    pub fn finish(self, todos: &[Todo]) -> Vec<Finding> {
        let mut findings: Vec<Finding> = self
            .nix
            .finish()
            .into_iter()
            .map(|f| Finding::error(f.line, f.col, f.message, f.hint))
            .collect();
        findings.extend(self.cds);
        findings.extend(self.escaping);
        findings.extend(self.system);
        findings.extend(self.unrun);
        findings.extend(todos.iter().map(|todo| Finding {
            line: todo.line,
            col: 1,
            severity: Severity::Warning,
            message: format!("TODO section: {}", todo.text),
            hint: Some(crate::compare::todo_state_unrun(
                self.starts.iter().filter(|&&start| todo.holds(start)).count(),
            )),
        }));
        findings.sort_by_key(|f| (f.line, f.col));
        findings
    }
}

/// A block an author most likely meant to run, which guidecheck reads as a snippet.
fn unrun_block(step: &Step) -> Option<Finding> {
    let StepKind::Snippet { why, reason } = &step.kind else {
        return None;
    };
    why.looks_runnable().then(|| Finding {
        line: step.line,
        col: 1,
        severity: Severity::Warning,
        message: format!("this block is not run: {reason}"),
        hint: Some(match why {
            SnippetWhy::NoPrompt => "start each command with `$ ` so guidecheck runs it and compares what follows".into(),
            SnippetWhy::UnplacedDiff => {
                "name the file in a `+++ b/FILE` header, or show the whole file before the diff".into()
            }
            _ => "name it with ```nix title=\"FILE\", a first-line `# FILE` comment, a sentence before it (\"Create a file named `FILE`:\") or `<!-- guidecheck: file=FILE -->`".into(),
        }),
    })
}

/// A file step the run would refuse: an absolute path, or one that climbs out with `..`.
fn escaping_file(step: &Step) -> Option<Finding> {
    let StepKind::File { path, .. } = &step.kind else {
        return None;
    };
    let outside = std::path::Path::new(path).is_absolute()
        || std::path::Path::new(path)
            .components()
            .any(|c| c == std::path::Component::ParentDir);
    outside.then(|| {
        Finding::error(
            step.line,
            1,
            format!("`{path}` is outside the workspace: guidecheck will not write it"),
            Some("name files relative to the guide's working directory".into()),
        )
    })
}

/// A redirection, `tee`, or a command that changes files, aimed at the machine's own
/// folders (not `/tmp`, `/dev`, or the workspace).
static SYSTEM_WRITE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?m)(?:>>?|\btee(?:\s+-a)?|\b(?:mv|cp|rm|rmdir|mkdir|chmod|chown|ln|install|truncate|touch|ssh-keygen|sqlite3)\b[^\n;&|]*?)",
        r"\s*((?:/etc|/root|/usr|/var|/boot|/opt|/srv|/home|/nix/var)(?:/[^\s;&|'\x22)]*)?)"
    ))
    .expect("valid")
});

/// A command that would change this machine: guidecheck runs it as written, as you.
fn system_write(step: &Step) -> Option<Finding> {
    if !step.runs() {
        return None;
    }
    let text = match &step.kind {
        StepKind::Command { command, .. } => command,
        StepKind::Script { script, .. } => script,
        _ => return None,
    };
    let path = SYSTEM_WRITE.captures(text)?.get(1)?.as_str().to_string();
    Some(Finding {
        line: step.line,
        col: 1,
        severity: Severity::Warning,
        message: format!("this command changes `{path}`, outside the workspace: a run does it to this machine"),
        hint: Some("guidecheck runs commands as you: check such a guide in a container or VM, or mark the block `skip`".into()),
    })
}

static CD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)(?:^|[;&|]\s*|\bthen\s+|\bdo\s+)cd\s+([A-Za-z0-9_.][A-Za-z0-9_./-]*)\s*(?:$|[;&|])")
        .expect("valid")
});

/// The words `text` names paths with: each word between blanks, `/` and quotes, and what
/// follows each `=` in it (`DIR=hello`: also `hello`).
fn path_parts(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() || matches!(c, '/' | '\'' | '"'))
        .flat_map(|word| std::iter::successors(Some(word), |w| w.split_once('=').map(|(_, after)| after)))
        .filter(|part| !part.is_empty())
}

/// Does `text` hold `word` as a path part? (No regex per word: a guide may `cd` often.)
fn mentions(text: &str, word: &str) -> bool {
    path_parts(text).any(|part| part == word)
}

/// A path part's fingerprint: a hash with fixed keys, the same in every run.
fn fingerprint(part: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    part.hash(&mut hasher);
    hasher.finish()
}

/// `cd DIR` where no earlier step mentions DIR (mkdir, git clone, tar, a file's folder…).
#[derive(Default)]
struct CdTargets {
    /// The path parts the steps so far mention (their text without its own `cd`s, files'
    /// names): kept as a set, so a guide that `cd`s 100,000 times is not read again at each;
    /// of their 64-bit fingerprints, so a guide of 300,000 distinct words holds 5 MB of
    /// them, not 25 MB of strings (two parts share one with a chance of 2^-64).
    parts: std::collections::HashSet<u64>,
    /// The first archive, clone or template command among them.
    unpack: Option<String>,
}

impl CdTargets {
    /// Adds what a step mentions.
    fn mention(&mut self, text: &str) {
        for part in path_parts(text) {
            self.parts.insert(fingerprint(part));
        }
        if self.unpack.is_none() {
            self.unpack = UNPACKS.find(text).map(|m| m.as_str().trim().to_string());
        }
    }

    fn step(&mut self, step: &Step) -> Vec<Finding> {
        let mut findings = Vec::new();
        // A command's step line is its first line; a script's is its fence.
        let (text, first_line) = match &step.kind {
            StepKind::Command { command, .. } => (command.as_str(), step.line),
            StepKind::Script { script, .. } => (script.as_str(), step.line + 1),
            StepKind::File { path, .. } => {
                self.mention(path);
                return findings;
            }
            _ => return findings,
        };
        for caps in CD.captures_iter(text) {
            let dir = caps[1].trim_end_matches('/');
            if dir == "." || dir == ".." || dir.starts_with("../") {
                continue;
            }
            let first = dir.split('/').next().unwrap_or(dir);
            let before = &text[..caps.get(0).map_or(0, |m| m.start())];
            if !self.parts.contains(&fingerprint(first)) && !mentions(before, first) {
                let line = first_line + text[..caps.get(1).map_or(0, |m| m.start())].matches('\n').count();
                let unpack = self
                    .unpack
                    .clone()
                    .or_else(|| UNPACKS.find(before).map(|m| m.as_str().trim().to_string()));
                findings.push(match unpack {
                    // An archive, a clone or a template makes directories lint cannot see.
                    Some(unpack) => Finding {
                        line,
                        col: 1,
                        severity: Severity::Note,
                        message: format!(
                            "`cd {dir}`: `{first}` is not created by name; `{unpack}` earlier may create it"
                        ),
                        hint: None,
                    },
                    None => Finding::error(
                        line,
                        1,
                        format!("`cd {dir}`: no earlier step creates `{first}`"),
                        Some(format!(
                            "create it first, e.g. in a hidden step: <!-- guidecheck: run\nmkdir -p {dir}\n-->"
                        )),
                    ),
                });
            }
        }
        // What this step runs may create directories for later ones; its own `cd`s do not.
        self.mention(&CD.replace_all(text, ""));
        findings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_is_mentioned_as_a_path_part_as_the_regex_had_it() {
        let regex = |word: &str| {
            Regex::new(&format!(r#"(?:^|[\s/'"=]){}(?:[\s/'"]|$)"#, regex::escape(word))).unwrap()
        };
        for (text, word) in [
            ("mkdir -p hello", "hello"),
            ("mkdir hello-world", "hello"),
            ("git clone https://x/hello.git", "hello"),
            ("tar xf a.tgz -C out/hello/", "hello"),
            ("DIR=hello make", "hello"),
            ("echo 'hello'", "hello"),
            ("helloworld hello", "hello"),
            ("", "hello"),
            ("mkdir\u{a0}hello", "hello"),
            ("mkdir a.b", "a.b"),
            ("mkdir axb", "a.b"),
        ] {
            assert_eq!(
                mentions(text, word),
                regex(word).is_match(text),
                "{text:?} {word}"
            );
        }
    }
    use crate::extract::extract;
    use crate::plan::{build, console::Prompts};
    use std::path::Path;

    fn findings(text: &str) -> Vec<String> {
        let plan = build(Path::new("g.md"), text, &extract(text), &Prompts::default()).unwrap();
        lint(&plan)
            .into_iter()
            .map(|f| format!("{}: {}", f.line, f.message))
            .collect()
    }

    #[test]
    fn blocks_that_look_runnable_but_are_not_run_are_warned_about() {
        let text = concat!(
            "```nix\n{ stdenv }: stdenv.mkDerivation { }\n```\n\n",
            "```diff\n--- a/x.nix\n+++ b/x.nix\n-a\n+b\n```\n\n",
            "```console\nnix-build -A hello\n```\n\n",
            "```yaml\na: 1\n```\n",
        );
        assert_eq!(
            findings(text),
            [
                "1: this block is not run: unnamed nix block: no file name given or inferred (name it with title=\"…\")",
                "5: this block is not run: diff of `x.nix`, which no earlier step writes",
                "12: this block is not run: console block without prompt lines: shown text, not run (start commands with `$ `)",
            ]
        );
    }

    #[test]
    fn cd_after_an_unpack_is_a_note_not_an_error() {
        let found = lint_of(
            "```bash\ntar xf foo-1.0.tar.gz && cd foo-1.0\n```\n\n```console\n$ git clone https://example.org/r.git\n$ cd r\n```\n",
        );
        let severities: Vec<(usize, Severity)> = found.iter().map(|f| (f.line, f.severity)).collect();
        assert_eq!(
            severities,
            [(2, Severity::Note), (7, Severity::Note)],
            "{found:?}"
        );
        assert!(
            found[0].message.contains("`tar xf` earlier may create it"),
            "{}",
            found[0].message
        );
    }

    fn lint_of(text: &str) -> Vec<Finding> {
        lint(&build(Path::new("g.md"), text, &extract(text), &Prompts::default()).unwrap())
    }

    #[test]
    fn commands_that_change_the_machine_are_warned_about() {
        let text = "```console\n$ echo x >> /etc/nix/nix.conf\n$ mv /nix/var/nix/db /nix/var/nix/db.old\n$ ssh-keygen -f /root/.ssh/k\n\
                    $ cat /etc/os-release\n$ echo x > /tmp/y\n$ cp a.txt b.txt\n$ echo x > /dev/null\n```\n\n```console skip\n$ rm -rf /usr/local/x\n```\n";
        let found: Vec<usize> = lint_of(text)
            .into_iter()
            .filter(|f| f.message.contains("outside the workspace: a run does it"))
            .map(|f| f.line)
            .collect();
        assert_eq!(found, [2, 3, 4]);
    }

    #[test]
    fn cd_into_a_directory_nothing_creates() {
        assert_eq!(
            findings("```bash\ncd llamafile-dir\nls\n```\n"),
            ["2: `cd llamafile-dir`: no earlier step creates `llamafile-dir`"]
        );
        assert!(findings("```bash\nmkdir -p work/src\ncd work/src\n```\n").is_empty());
        assert!(findings("```console\n$ git clone https://x/repo.git app\n$ cd app\n```\n").is_empty());
        assert!(findings("```bash\ncd \"$HOME\" && cd ..\n```\n").is_empty());
    }

    #[test]
    fn files_outside_the_workspace_are_errors() {
        let found = findings(
            "```nix title=\"/etc/x.nix\"\n{ }\n```\n\n<!-- guidecheck: file=../up.txt -->\n```\nx\n```\n",
        );
        assert_eq!(
            found,
            [
                "1: `/etc/x.nix` is outside the workspace: guidecheck will not write it",
                "6: `../up.txt` is outside the workspace: guidecheck will not write it",
            ]
        );
    }

    #[test]
    fn todo_sections_are_warnings() {
        let plan_text = "# Guide\n\nTODO: finish this.\n";
        let plan = build(
            Path::new("g.md"),
            plan_text,
            &extract(plan_text),
            &Prompts::default(),
        )
        .unwrap();
        let found = lint(&plan);
        assert_eq!(found[0].severity, Severity::Warning);
        assert_eq!(found[0].hint.as_deref(), Some("no steps yet"));
    }
}

#[cfg(test)]
mod nix_tests {
    //! The Nix checks (`nix::lint`), read through whole guides.
    use crate::extract::extract;
    use crate::plan::{build, console::Prompts};
    use std::path::Path;

    fn findings(text: &str) -> Vec<String> {
        let plan = build(Path::new("g.md"), text, &extract(text), &Prompts::default()).unwrap();
        super::lint(&plan)
            .into_iter()
            .filter(|f| f.severity == super::Severity::Error)
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
