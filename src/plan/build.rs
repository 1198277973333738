//! Turns extracted blocks into steps.

use super::console::{self, Prompts};
use super::directive::{self, Directive};
use super::fence::Fence;
use super::twice;
use super::{Nest, Plan, Shown, ShownLine, SnippetWhy, Step, StepKind, StepOptions, Str};
use crate::error::{Error, ErrorKind, Result};
use crate::extract::{Block, CodeBlock};
use crate::nix::syntax;
use crate::span::{LineCounter, Location, Span};
use std::borrow::Borrow;
use std::path::Path;
pub use stream::Steps;

/// Reads the steps of a guide from its blocks.
pub fn build(path: &Path, text: &str, blocks: &[Block], prompts: &Prompts) -> Result<Plan> {
    build_with(path, text, blocks, prompts, &[])
}

/// `build`, with more commands (first words) that enter an interactive shell. The blocks
/// are read once, in order, and not kept (`extract::blocks` reads them as they are asked
/// for).
pub fn build_with<'t, B: Borrow<Block<'t>>>(
    path: &Path,
    text: &str,
    blocks: impl IntoIterator<Item = B>,
    prompts: &Prompts,
    shells: &[String],
) -> Result<Plan> {
    let (steps, todos) = Steps::new(path, text, blocks.into_iter(), prompts, shells).collect_all()?;
    Ok(Plan {
        guide: path.to_path_buf(),
        steps,
        todos,
    })
}

/// Directives waiting for the next block.
#[derive(Default)]
struct Pending {
    options: StepOptions,
    file: Option<String>,
    output: bool,
    /// `<!-- guidecheck: eval -->`: the next block is an expression.
    eval: bool,
    /// An expression waiting for the block that shows its value.
    expression: Option<Expression>,
    /// The file the prose right before names (`lead_in`), and that prose.
    lead_in: Option<(String, String)>,
    /// The prose right before asks to type the block (`run_lead`).
    run_lead: bool,
}

/// An expression block waiting for its value.
struct Expression {
    span: Span,
    text: String,
    /// Marked `:class: expression`: only a `:class: value` block shows its value (an
    /// `eval` directive's expression takes the next plain block too).
    myst: bool,
}

struct Builder<'a> {
    path: &'a Path,
    text: &'a str,
    index: LineCounter<'a>,
    prompts: &'a Prompts,
    /// Configured commands that enter a shell.
    shells: &'a [String],
    /// The Markdown line of the command that entered the shell the guide is in.
    shell: Option<usize>,
    /// That shell was entered at a prompt that looks like the outer one (`$ nix-shell`,
    /// then `$ hello`): only its `exit` leaves it.
    plain_shell: bool,
    /// Needs declared before any step: every step has them.
    guide_needs: Vec<String>,
    steps: Vec<Step>,
    pending: Pending,
    skip_rest: bool,
    /// The command step whose output may come in the next block.
    awaiting_output: Option<usize>,
    /// Where the block of that step ends.
    awaiting_since: usize,
    /// The latest content of every file written so far, and of every unnamed Nix block (a
    /// diff may edit either), in the order last written.
    texts: texts::Texts,
    /// The first bad directive inside a code block (reported once the blocks are read).
    error: Option<Error>,
    /// Steps already handed out (`steps` holds those a later block may still change).
    emitted: usize,
    /// The set of tabs the text is in, and where the last code block ended.
    tabs: Option<tabs::Tabs>,
    gap_from: usize,
    /// Where final steps go in the middle of a long block (`Steps::pump`); None when the
    /// steps are pulled, or once nobody reads on.
    spill: Option<crate::ahead::Out<Step>>,
    /// Steps were handed on since the stream last looked (`hand_on`).
    handed_on: bool,
}

/// Applies a directive that is an option of the step(s) it comes before (`exit=`,
/// `timeout=`, `skip`, …; `line` is its Markdown line); gives back any other directive.
fn step_option(options: &mut StepOptions, d: Directive, line: usize) -> Option<Directive> {
    match d {
        Directive::Skip => options.skipped = true,
        Directive::Exit(e) => {
            options.exit = Some(e);
            options.exit_from = Some((line, 1));
        }
        Directive::Timeout(t) => options.timeout = Some(t),
        Directive::Interrupt(t) => options.interrupt = Some(t),
        Directive::Exact => options.exact = true,
        Directive::Independent => options.independent = true,
        Directive::NeedsNetwork => options.needs_network = true,
        Directive::Needs(need) => options.needs.push(need),
        other => return Some(other),
    }
    None
}

impl Builder<'_> {
    fn line(&self, offset: usize) -> usize {
        self.index.line(offset)
    }

    /// Parses a directive's body; an unknown word is an error at its place in `span`.
    fn parse_directive(&self, body: &str, span: Span) -> Result<Vec<Directive>> {
        directive::parse(body).map_err(|e| self.directive_error(span, &e.word, e.hint))
    }

    fn directive_error(&self, span: Span, word: &str, hint: String) -> Error {
        // Point at the word itself (the comment may span lines).
        let at = self.text[span.start..span.end]
            .find(word)
            .map_or(span.start, |i| span.start + i);
        let (line, col) = self.index.line_col(at);
        Error::at(
            Location::new(self.path, line, col),
            ErrorKind::Guide(if word.contains('=') && !hint.starts_with("did you mean") {
                format!("bad directive `{word}`")
            } else {
                format!("unknown directive `{word}`")
            }),
        )
        .with_hint(hint)
        .with_source(self.text)
    }

    /// Applies `# guidecheck: …` lines inside a transcript to one command's options.
    pub(super) fn command_directives(&mut self, options: &mut StepOptions, found: &[(Span, String)]) {
        for (span, body) in found {
            let parsed = match self.parse_directive(body, *span) {
                Ok(parsed) => parsed,
                Err(e) => {
                    self.error.get_or_insert(e);
                    continue;
                }
            };
            let line = self.line(span.start);
            for d in parsed {
                let Some(other) = step_option(options, d, line) else {
                    continue;
                };
                let word = body.split_whitespace().next().unwrap_or(body);
                let hint = format!(
                    "`{other:?}` is for a whole block: write `<!-- guidecheck: {body} -->` on the line before the block"
                );
                let e = self.directive_error(*span, word, hint);
                self.error.get_or_insert(e);
            }
        }
    }

    fn directive(&mut self, body: &str, span: Span) -> Result<()> {
        let parsed = self.parse_directive(body, span)?;
        let line = self.line(span.start);
        for d in parsed {
            let d = match d {
                Directive::Needs(need) if self.emitted + self.steps.len() == 0 => {
                    self.guide_needs.push(need);
                    continue;
                }
                d => match step_option(&mut self.pending.options, d, line) {
                    Some(d) => d,
                    None => continue,
                },
            };
            match d {
                Directive::SkipRest => self.skip_rest = true,
                Directive::File(name) => self.pending.file = Some(name),
                Directive::Output => self.pending.output = true,
                Directive::Eval => self.pending.eval = true,
                Directive::Leave => self.shell = None,
                Directive::Env(name, value) => self.push(span, StepKind::Env { name, value }),
                Directive::Run(script) => {
                    let hidden = StepKind::Script {
                        script: script.into(),
                        hidden: true,
                    };
                    self.push(span, hidden);
                }
                // Step options were applied above.
                _ => {}
            }
        }
        Ok(())
    }

    /// Takes out the first `n` steps, final ones (all before the latest command), keeping
    /// the indices into the rest right: what the stream hands out between blocks
    /// (`Steps::take_final`) and the builder in the middle of a long transcript
    /// (`hand_on`).
    fn release(&mut self, n: usize) -> std::vec::Drain<'_, Step> {
        self.emitted += n;
        if let Some(awaiting) = self.awaiting_output.as_mut() {
            *awaiting -= n;
        }
        self.steps.drain(..n)
    }

    fn push(&mut self, span: Span, kind: StepKind) {
        let mut options = std::mem::take(&mut self.pending.options);
        options.skipped |= self.skip_rest;
        if let StepKind::Command { command: text, .. } | StepKind::Script { script: text, .. } = &kind
            && options.interrupt.is_none()
            && super::follow::runs_until_interrupted(text)
        {
            options.interrupt = Some(super::follow::DEFAULT_INTERRUPT);
        }
        options.needs.extend(self.guide_needs.iter().cloned());
        if let Some(entered_at) = self.shell
            && !matches!(kind, StepKind::Snippet { .. } | StepKind::File { .. })
        {
            options.nest = Nest::Inside { entered_at };
        }
        let line = self.line(span.start);
        // The options of the step before, when they are the same: shared, not copied.
        let options = match self.steps.last() {
            Some(last) if *last.options == options => std::sync::Arc::clone(&last.options),
            _ => std::sync::Arc::new(options),
        };
        self.steps.push(Step {
            line,
            span,
            kind,
            options,
        });
    }

    fn code(&mut self, code: &CodeBlock) {
        let lead_in = self.pending.lead_in.take();
        let run_lead = std::mem::take(&mut self.pending.run_lead);
        if let Some(label) = self.other_tab(code) {
            return self.other_tab_snippet(code, &label);
        }
        let fence = Fence::parse(&code.info);
        let output = std::mem::take(&mut self.pending.output);
        let awaiting = self
            .awaiting_output
            .take()
            .filter(|_| output || self.reads_together(self.awaiting_since, code));
        let prompts = transcripts::has_prompt(self, code, &fence);
        if !prompts && self.repl_block(code) {
            return;
        }
        let lead_in = lead_in.filter(|(path, _)| !prompts && !self.written(path));
        let file_name = fence.file_name();
        let names_a_file = file_name.is_some() || self.pending.file.is_some() || lead_in.is_some();
        if let Some(step) = awaiting.filter(|_| output || fence.is_output() && !prompts && !names_a_file) {
            return self.attach_output(step, code);
        }
        self.fence_options(&fence);
        let (content, myst) = super::fence::myst_options(&code.content, &code.info);
        let Some(content) = self.with_includes(code, content) else {
            return;
        };
        if self.evaluated(code, &content, &myst) || self.include(code, &fence, &myst) {
            return;
        }
        let named = self.name(file_name, myst.caption);
        if matches!(fence.lang.as_ref(), "diff" | "patch") {
            return self.diff(code, &content, named.map(|(f, _)| f.into()));
        }
        if let Some((path, named_by)) = named.or_else(|| self.implicit_name(&fence, &content, lead_in)) {
            return self.file(code.span, path, content.into(), named_by);
        }
        let mislabelled =
            !prompts && (fence.is_script() || fence.lang.is_empty()) && syntax::is_nix_file(&content);
        if crate::nix::is_nix_lang(&fence.lang) || mislabelled {
            return self.nix_block(
                code.span,
                content.into_owned(),
                mislabelled.then_some(fence.lang.as_ref()),
            );
        }
        if (fence.is_console() || fence.is_script() || fence.lang.is_empty())
            && self.commands(code, &fence, awaiting)
        {
            return;
        }
        if fence.is_console() && run_lead && run_lead::shell_lines(&content) && !content.trim().is_empty() {
            return self.typed(code);
        }
        if fence.is_script() {
            return self.script(code, content.into_owned());
        }
        let (why, reason) = not_run(code, &fence);
        self.snippet(code.span, why, reason);
    }

    /// Options a fence sets for its own steps: `skip`, `exit=`, `match=exact`.
    fn fence_options(&mut self, fence: &Fence) {
        if fence.has_flag("skip") || fence.has_flag("ignore") {
            self.pending.options.skipped = true;
        }
        if let Some(exit) = fence.attr("exit").and_then(directive::parse_exit) {
            self.pending.options.exit = Some(exit);
        }
        if fence.attr("match") == Some("exact") {
            self.pending.options.exact = true;
        }
    }

    /// The file a block is named, and by what: a `file=` directive, the fence's
    /// `file_name`, or a MyST `:caption:`.
    fn name(&mut self, file_name: Option<(&str, &str)>, caption: Option<String>) -> Option<(Str, Str)> {
        self.pending
            .file
            .take()
            .map(|f| (f.into(), "directive file=".into()))
            .or_else(|| {
                file_name.map(|(f, key)| match key {
                    "path" => (f.into(), format!("the fence's `{f}`").into()),
                    // Not `format!`: a growing string's realloc waits for the allocator's
                    // lock, which the thread freeing the steps handed out holds often.
                    _ => (f.into(), super::concat(&[key, "=\"", f, "\""])),
                })
            })
            .or_else(|| caption.map(|c| (c.into(), ":caption:".into())))
    }

    fn snippet(&mut self, span: Span, why: SnippetWhy, reason: String) {
        self.pending.options = StepOptions::default();
        self.push(span, StepKind::Snippet { why, reason });
    }

    /// A whole file; a block with a placeholder line (`# ...`) is a fragment, not run.
    fn file(&mut self, span: Span, path: Str, content: Str, named_by: Str) {
        // `sourceFiles = …;` titled `package.nix`: the bindings it shows, in the file.
        let earlier = self.texts.latest(&path);
        if let Some(revised) = earlier.and_then(|t| crate::nix::excerpt::revise(&t.content, &content)) {
            let named_by = format!("{named_by}; its bindings replace those of the latest {path}");
            return self.file(span, path, revised.into(), named_by.into());
        }
        if has_placeholder(&content) {
            return self.snippet(
                span,
                SnippetWhy::Placeholder,
                format!("{path} with a placeholder line (`...`): a fragment, not written"),
            );
        }
        self.remember(Some(path.clone()), &content, span);
        self.push(
            span,
            StepKind::File {
                path,
                content,
                named_by,
            },
        );
    }

    /// An unnamed Nix block: a fragment, or a file whose name can be inferred.
    fn nix_block(&mut self, span: Span, content: String, fenced_as: Option<&str>) {
        let relabel = fenced_as.map_or(String::new(), |lang| {
            let lang = if lang.is_empty() {
                "untagged".to_string()
            } else {
                format!("```{lang}")
            };
            format!("; fenced as {lang}, read as Nix")
        });
        if has_placeholder(&content) {
            return self.snippet(
                span,
                SnippetWhy::Placeholder,
                format!("nix block with a placeholder line (`...`): a fragment{relabel}"),
            );
        }
        if let Some((path, why)) = self.infer_name(&content) {
            return self.file(
                span,
                path.into(),
                content.into(),
                format!("{why}{relabel}").into(),
            );
        }
        self.remember(None, &content, span);
        if !syntax::is_nix_file(&content) {
            return self.snippet(
                span,
                SnippetWhy::Fragment,
                format!("nix fragment: not a whole Nix expression{relabel}"),
            );
        }
        self.snippet(
            span,
            SnippetWhy::Unnamed,
            format!("unnamed nix block: no file name given or inferred (name it with title=\"…\"){relabel}"),
        )
    }

    /// Records the latest revision of a file (or of an unnamed block) for later diffs.
    fn remember(&mut self, path: Option<Str>, content: &str, span: Span) {
        let line = self.line(span.start);
        self.texts.remember(Text {
            path,
            content: content.into(),
            line,
        });
    }

    /// A name for an unnamed Nix block, inferred from the files written so far.
    fn infer_name(&self, content: &str) -> Option<(String, String)> {
        let earlier: Vec<(&str, &str)> = self
            .texts
            .files_newest_first()
            .filter_map(|t| t.path.as_deref().map(|p| (p, t.content.as_str())))
            .collect();
        crate::nix::infer::file_name(content, &earlier)
    }
}

/// Why a block that is neither a file nor commands is not run.
fn not_run(code: &CodeBlock, fence: &Fence) -> (SnippetWhy, String) {
    let info = code.info.trim_start();
    let myst_directive = info.starts_with('{') && !info.starts_with("{code");
    match fence.lang.as_ref() {
        lang if myst_directive => (SnippetWhy::NotRun, format!("MyST {{{lang}}} directive: not code")),
        lang if fence.is_console() => (
            SnippetWhy::NoPrompt,
            format!("{lang} block without prompt lines: shown text, not run (start commands with `$ `)"),
        ),
        "" => (SnippetWhy::Output, "untagged block without prompts".to_string()),
        lang if fence.is_output() => (
            SnippetWhy::Output,
            format!("{lang} block with no command before it"),
        ),
        lang => (
            SnippetWhy::NotRun,
            format!("{lang} block with no file name (name it with file=…)"),
        ),
    }
}

/// A line that stands for omitted content: `# ...`, `...`, `/* ... */`.
pub(super) fn has_placeholder(content: &str) -> bool {
    // Most blocks hold neither: their lines are not looked at.
    if !super::holds(content, "...") && !super::holds(content, "…") {
        return false;
    }
    content.lines().any(|l| {
        let t = l
            .trim()
            .trim_start_matches(['#', '/', '*', ' '])
            .trim_end_matches(['*', '/', ' ']);
        (t == "..." || t == "…") && !l.trim().is_empty()
    })
}

mod diffs;
mod evaluated;
mod include;
mod lead_in;
mod lines;
mod mdbook_include;
mod output;
mod run_lead;
mod stream;
mod tabs;
#[cfg(test)]
mod tests;
mod texts;
mod transcripts;
use lines::{BlockLines, block_lines, each_block_line};
use texts::Text;
