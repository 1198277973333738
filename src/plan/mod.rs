//! Blocks → plan: the steps a reader would take, in document order.
//!
//! `guidecheck plan` prints this, so an author never has to guess how a guide was read.

mod build;
mod compound;
pub mod console;
pub mod directive;
pub mod fence;
pub mod follow;
mod heredoc;
mod patch;
mod todo;
mod twice;

use crate::span::Span;
pub use build::{Steps, build, build_with};
pub use directive::ExitExpectation;
use serde::Serialize;
use std::path::PathBuf;
use std::time::Duration;

/// A step's text: held inline when short (most paths, commands and output lines), so a
/// step costs no allocation for it.
pub type Str = compact_str::CompactString;

/// Whether `text` holds `needle`: for a short text (a command, an output line, a block) a
/// search for the needle's first byte, then a comparison, a fraction of what
/// `str::contains` costs there (it prepares a two-way search on every call); a long text
/// is searched by `memmem`, in time proportional to it.
fn holds(text: &str, needle: &str) -> bool {
    let (text, needle) = (text.as_bytes(), needle.as_bytes());
    let Some(&first) = needle.first() else {
        return true;
    };
    match text.len() <= 256 {
        true => memchr::memchr_iter(first, text).any(|i| text[i..].starts_with(needle)),
        false => memchr::memmem::find(text, needle).is_some(),
    }
}

/// The parts joined, allocated at their size (or held inline when short).
fn concat(parts: &[&str]) -> Str {
    let mut joined = Str::with_capacity(parts.iter().map(|p| p.len()).sum());
    parts.iter().for_each(|p| joined.push_str(p));
    joined
}

/// How a guide was read.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub guide: PathBuf,
    pub steps: Vec<Step>,
    /// Unfinished sections (TODO, FIXME, "not complete").
    pub todos: Vec<Todo>,
}

/// Whether reading a guide's text may fail: its only errors are bad directives, and every
/// directive (an HTML comment or a transcript line) says `guidecheck:`. A guide that never
/// says it is read to its end, so its plan may be written out as it is read.
pub fn may_fail(text: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), b"guidecheck:").is_some()
}

impl Plan {
    /// Skips every step after the one at Markdown line `line` (`--until`).
    pub fn stop_after(&mut self, line: usize) {
        for step in self.steps.iter_mut().filter(|s| s.line > line) {
            std::sync::Arc::make_mut(&mut step.options).skipped = true;
        }
    }
}

/// A section of the guide its author marked unfinished.
#[derive(Debug, Clone, Serialize)]
pub struct Todo {
    pub line: usize,
    /// The marking heading or paragraph (its first 80 characters).
    pub text: String,
    /// The section: the heading up to the next one of its level, or the paragraph and the
    /// list under it.
    #[serde(skip)]
    pub span: Span,
}

impl Todo {
    /// Is a step starting at byte `offset` inside this section?
    pub fn holds(&self, offset: usize) -> bool {
        offset >= self.span.start && offset < self.span.end
    }
}

impl Plan {
    /// The plan as the Nix checks read it: files written and shell text run, skips left out.
    pub fn nix_steps(&self) -> Vec<crate::nix::lint::Step<'_>> {
        self.steps.iter().filter_map(Step::nix_view).collect()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// 1-based Markdown line where the step starts (its command line, or its fence).
    pub line: usize,
    #[serde(skip)]
    pub span: Span,
    #[serde(flatten)]
    pub kind: StepKind,
    /// Shared by the steps that have the same (most have none): a step is half the size.
    #[serde(flatten)]
    pub options: std::sync::Arc<StepOptions>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum StepKind {
    /// Write `content` to `path` (relative to the session's working directory).
    File {
        path: Str,
        content: Str,
        /// Why this block is this file (`title="…"`, first-line comment, …).
        named_by: Str,
    },
    /// Run one command and compare what it prints with `shown`.
    Command { command: Str, shown: Option<Shown> },
    /// Run lines whose output is not shown.
    Script { script: Str, hidden: bool },
    /// A REPL session (`nix repl`): every input goes to one real REPL, each answer is
    /// compared with the one shown.
    Repl { command: Str, inputs: Vec<ReplInput> },
    /// An expression and the value it evaluates to (nix.dev's `:class: expression` and
    /// `:class: value` blocks): evaluated in the session's working directory.
    Eval { expression: String, shown: Shown },
    /// Set an environment variable for the rest of the session.
    Env { name: String, value: String },
    /// A block that is shown to readers but not run, and why.
    Snippet { why: SnippetWhy, reason: String },
}

/// Where a session step runs. A command that enters an interactive shell (`nix-shell`),
/// followed by commands at that shell's prompt, opens a nested session that lasts until
/// `exit` (or the next command at an outer prompt).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Nest {
    /// In the guide's own shell.
    #[default]
    Outer,
    /// Enters a shell: what follows, up to the leaving step, runs inside it.
    Enter,
    /// Inside the shell entered at this Markdown line.
    Inside { entered_at: usize },
    /// Leaves the shell entered at this line (`exit`, `logout`).
    Leave { entered_at: usize },
}

impl Nest {
    pub fn is_outer(&self) -> bool {
        *self == Nest::Outer
    }
}

/// Why a block is a snippet (shown to readers, not run), as a category for reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SnippetWhy {
    /// Part of a file or expression (`owner = "x";`), not a whole one.
    Fragment,
    /// A file with a `# ...` placeholder line standing for omitted content.
    Placeholder,
    /// A whole Nix expression or file with no name to write it to.
    Unnamed,
    /// A ```diff that names no file written before, or whose context matches none.
    UnplacedDiff,
    /// A language guidecheck does not run (yaml, python, …) and no file name.
    NotRun,
    /// Output or text with no command before it.
    Output,
    /// A console block with no prompt line: its commands cannot be told from output.
    NoPrompt,
    /// In a tab for another system (`{tab-item} macOS`): a reader runs one tab.
    OtherTab,
}

impl SnippetWhy {
    /// Snippets an author most likely meant to run: `lint` warns about them.
    pub fn looks_runnable(self) -> bool {
        matches!(
            self,
            SnippetWhy::Unnamed | SnippetWhy::UnplacedDiff | SnippetWhy::NoPrompt
        )
    }
}

/// One input of a REPL session and the answer the guide shows.
#[derive(Debug, Clone, Serialize)]
pub struct ReplInput {
    pub input: String,
    pub line: usize,
    pub shown: Vec<ShownLine>,
}

/// The output a guide shows for a command.
#[derive(Debug, Clone, Serialize)]
pub struct Shown {
    pub lines: Vec<ShownLine>,
    /// Where the output sits in the Markdown (an empty span marks where to insert it).
    #[serde(skip)]
    pub span: Span,
    /// The code block that holds the output (its fences may need lengthening).
    #[serde(skip)]
    pub block: Span,
    /// An empty ```output block (or `<!-- guidecheck: output -->`): `--bless` fills it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub placeholder: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ShownLine {
    pub text: Str,
    pub line: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StepOptions {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exit: Option<ExitExpectation>,
    /// The Markdown line of the `exit=` directive, and how many commands of its block it
    /// covers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exit_from: Option<(usize, usize)>,
    #[serde(skip_serializing_if = "Option::is_none", with = "humantime_serde_opt")]
    pub timeout: Option<Duration>,
    /// The command runs until interrupted (`tail -f`, a server): stopped with SIGINT once
    /// its shown output has appeared, or after this long.
    #[serde(skip_serializing_if = "Option::is_none", with = "humantime_serde_opt")]
    pub interrupt: Option<Duration>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub exact: bool,
    /// Does not depend on earlier steps: a failure after a blocked step is still drift.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub independent: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub needs_network: bool,
    /// Environments the step needs (`needs=nixos`, …): without them it is blocked, not run.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<String>,
    /// A command a script block ran is shown again, with its output, at this line: one
    /// step, run once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shown_again_at: Option<usize>,
    /// Where the step runs: the guide's shell, or a shell the guide entered.
    #[serde(skip_serializing_if = "Nest::is_outer")]
    pub nest: Nest,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub skipped: bool,
}

impl Step {
    /// The step as the Nix checks read it (a file written, shell text run), unless skipped.
    pub fn nix_view(&self) -> Option<crate::nix::lint::Step<'_>> {
        use crate::nix::lint::Step;
        if self.options.skipped {
            return None;
        }
        match &self.kind {
            StepKind::File {
                path,
                content,
                named_by,
            } => Some(Step::File {
                path,
                content,
                line: self.line,
                whole: !named_by.starts_with("diff"),
            }),
            StepKind::Command { command, shown } => Some(Step::Run {
                text: command,
                line: self.line,
                shown: shown
                    .iter()
                    .flat_map(|s| &s.lines)
                    .map(|l| (l.line, l.text.as_str()))
                    .collect(),
            }),
            StepKind::Script { script, .. } => Some(Step::Run {
                text: script,
                line: self.line,
                shown: Vec::new(),
            }),
            _ => None,
        }
    }

    /// True for steps that run something (file writes included).
    pub fn runs(&self) -> bool {
        !self.options.skipped && !matches!(self.kind, StepKind::Snippet { .. })
    }

    /// A one-line description: the command, the file name, …
    pub fn summary(&self) -> String {
        match &self.kind {
            StepKind::File { path, .. } => format!("write {path}"),
            StepKind::Command { command, .. } => first_line(command),
            StepKind::Script { script, hidden } => {
                let what = if *hidden { "hidden script" } else { "script" };
                format!("{what}: {}", first_line(script))
            }
            StepKind::Env { name, .. } => format!("env {name}"),
            StepKind::Repl { command, inputs } => match inputs.len() {
                1 => format!("{command} (1 input)"),
                n => format!("{command} ({n} inputs)"),
            },
            StepKind::Eval { expression, .. } => format!("eval {}", first_line(expression)),
            StepKind::Snippet { reason, .. } => format!("snippet ({reason})"),
        }
    }
}

fn first_line(text: &str) -> String {
    let mut lines = text.lines();
    let first = lines.next().unwrap_or("").to_string();
    if lines.next().is_some() {
        format!("{first} …")
    } else {
        first
    }
}

mod humantime_serde_opt {
    use serde::Serializer;
    use std::time::Duration;

    pub(super) fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&humantime::format_duration(*d).to_string()),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    /// A part that takes a text past the first-byte search.
    const LONG: &str = "abababababababababababababababababababababababababababababababababababababababababababababababababababab";

    proptest::proptest! {
        /// Short texts and long ones (past the first-byte search), needles anywhere.
        #[test]
        fn holds_is_contains(
            text in crate::properties::made_of(&["s", "su", "<", "<<", "guidecheck", ":", "{", "é", " ", LONG], 12),
            needle in proptest::sample::select(vec!["su", "<<", "guidecheck:", "{{", "doas", "s", "é", ""]),
        ) {
            proptest::prop_assert_eq!(super::holds(&text, needle), text.contains(needle));
        }
    }
}
