//! Transcripts: prompt lines become command steps, with their shown output, nested
//! shells, commands shown twice, REPL sessions and files named by their use.

use super::*;
use crate::plan::console::LineSource;
use output::output_span;

/// Whether a line of the block (as `dedented` reads it) is a prompt line.
pub(super) fn has_prompt(builder: &Builder<'_>, code: &CodeBlock, fence: &Fence) -> bool {
    let dedented = dedented(builder.text, code);
    each_block_line(builder.text, dedented.as_ref().unwrap_or(code))
        .any(|l| builder.prompts.strip(l, fence.is_console()).is_some())
}

/// The block with the indentation all its lines share left out of their spans (None when
/// they share none): a transcript pasted indented (`  $ make`) reads as one at the margin,
/// and `--bless` writes in that indentation.
fn dedented<'t>(text: &str, code: &CodeBlock<'t>) -> Option<CodeBlock<'t>> {
    // A line at the margin (most blocks' first) ends the look.
    let mut shared: Option<usize> = None;
    for line in each_block_line(text, code) {
        // A visible ASCII character first: at the margin, and not blank (the common case,
        // decided without trimming).
        if line.as_bytes().first().is_some_and(u8::is_ascii_graphic) {
            return None;
        }
        if line.trim().is_empty() {
            continue;
        }
        let n = line.len() - line.trim_start_matches(' ').len();
        if n == 0 {
            return None;
        }
        shared = Some(shared.map_or(n, |m| m.min(n)));
    }
    let indent = shared?;
    let mut dedented = code.clone();
    for (span, line) in dedented.lines.iter_mut().zip(each_block_line(text, code)) {
        span.start += indent.min(line.len());
    }
    Some(dedented)
}

/// How many commands of a transcript are read between two looks for steps to hand on.
const HAND_ON_EVERY: usize = 1024;

impl Builder<'_> {
    /// Adds the commands of a transcript; false when the block has no prompt lines. They
    /// are read one at a time (a block may hold 100,000 of them).
    /// `awaiting`: the command before it still waiting for its output, which the block may
    /// show again with it.
    pub(super) fn commands(&mut self, code: &CodeBlock, fence: &Fence, awaiting: Option<usize>) -> bool {
        let dedented = dedented(self.text, code);
        let code = dedented.as_ref().unwrap_or(code);
        let lines = BlockLines::of(self.text, code);
        let read = || console::Commands::new(&lines, self.prompts, fence.is_console());
        // The first commands, which may repeat the script just before the block.
        let mut parsed = read();
        let head: smallvec::SmallVec<[console::ParsedCommand; 2]> = parsed
            .by_ref()
            .take(self.script_commands_before().max(1))
            .collect();
        if head.is_empty() {
            return false;
        }
        let mut options = std::mem::take(&mut self.pending.options);
        if let Some((line, _)) = options.exit_from {
            // `plan` says how many commands a block's `exit=` is for.
            options.exit_from = Some((line, read().count()));
        }
        let first_shown = self.take_shown_twice(&head);
        let again = usize::from(self.shown_again(awaiting, code, &lines, &head[0]));
        let mut parsed = head.into_iter().skip(again).chain(parsed).enumerate().peekable();
        while let Some((i, cmd)) = parsed.next() {
            let last = parsed.peek().is_none();
            self.command(code, &lines, cmd, &options, first_shown.get(i).copied(), last);
            if i % HAND_ON_EVERY == HAND_ON_EVERY - 1 {
                self.hand_on();
            }
        }
        true
    }

    /// In the middle of a long transcript, hands the steps no later command can change
    /// (those before the latest command, as between blocks) on to `spill`, when the steps
    /// go there: a block of 100,000 commands is not held whole.
    fn hand_on(&mut self) {
        let Some(mut out) = self.spill.take() else {
            return;
        };
        let last_command = (self.steps.iter())
            .rposition(|s| matches!(s.kind, StepKind::Command { .. }))
            .unwrap_or(0);
        // A step still waiting for its output is never handed on (none is, mid-block).
        if last_command > 0 && self.awaiting_output.is_none_or(|a| a >= last_command) {
            let reading = self.release(last_command).all(|step| out.send(step));
            self.handed_on = true;
            if !reading {
                return; // nobody reads on: the rest is dropped with the builder
            }
        }
        self.spill = Some(out);
    }

    /// A console block typed without prompts after prose that asks for it (`run_lead`):
    /// one command of all its lines, whose output the next block may show.
    pub(super) fn typed(&mut self, code: &CodeBlock) {
        let dedented = dedented(self.text, code);
        let code = dedented.as_ref().unwrap_or(code);
        let lines = BlockLines::of(self.text, code);
        let end = (0..lines.line_count())
            .rposition(|i| !lines.line(i).trim().is_empty())
            .map_or(0, |l| l + 1);
        let cmd = console::ParsedCommand {
            command: (0..end)
                .map(|i| lines.line(i))
                .collect::<Vec<_>>()
                .join("\n")
                .into(),
            nested: false,
            command_lines: 0..end,
            output_lines: end..end,
            directives: Vec::new(),
        };
        let options = std::mem::take(&mut self.pending.options);
        self.command(code, &lines, cmd, &options, None, true);
    }

    /// Adds one command of a transcript (`last`: of its block), with `options` as the
    /// block set them; `shown_at`: the line of its first showing (shown twice).
    fn command(
        &mut self,
        code: &CodeBlock,
        lines: &BlockLines,
        cmd: console::ParsedCommand,
        options: &StepOptions,
        shown_at: Option<usize>,
        last: bool,
    ) {
        let span = Span::new(code.lines[cmd.command_lines.start].start, code.span.end);
        if crate::nix::repl::is_repl(&cmd.command) {
            let inputs = self.repl_inputs(code, cmd.output_lines.clone());
            if !inputs.is_empty() {
                self.pending.options = options.clone();
                let command = cmd.command;
                return self.push(span, StepKind::Repl { command, inputs });
            }
        }
        let output = cmd.output_lines.clone().map(|l| lines.line(l));
        if let Some(language) = console::other_repl(&cmd.command, output) {
            let reason = format!(
                "{language} session at its own prompt: not fed (guidecheck feeds `{}` only)",
                crate::nix::repl::COMMAND
            );
            return self.snippet(span, SnippetWhy::NotRun, reason);
        }
        let shown = self.shown_of(code, lines, &cmd);
        let empty = shown.lines.is_empty();
        let mut own = options.clone();
        let found: Vec<(Span, String)> = cmd
            .directives
            .iter()
            .map(|(at, body)| (code.lines[*at], body.clone()))
            .collect();
        self.command_directives(&mut own, &found);
        self.pending.options = own;
        let leaves = self.track_shell(&cmd, code);
        self.name_from_use(&cmd.command);
        let command = StepKind::Command {
            command: cmd.command,
            shown: Some(shown),
        };
        self.push(span, command);
        if leaves && let Some(entered_at) = self.shell.take() {
            std::sync::Arc::make_mut(&mut self.steps.last_mut().expect("just pushed").options).nest =
                Nest::Leave { entered_at };
        }
        if let Some(line) = shown_at {
            let step = self.steps.last_mut().expect("just pushed");
            std::sync::Arc::make_mut(&mut step.options).shown_again_at = Some(step.line);
            step.line = line;
        }
        if last && empty {
            self.await_output(code);
        }
    }

    /// The output a transcript shows under a command.
    fn shown_of(&self, code: &CodeBlock, lines: &BlockLines, cmd: &console::ParsedCommand) -> Shown {
        Shown {
            lines: cmd
                .output_lines
                .clone()
                .map(|l| ShownLine {
                    text: Str::from(lines.line(l)),
                    line: self.line(code.lines[l].start),
                })
                .collect(),
            span: output_span(self.text, code, cmd.command_lines.end, cmd.output_lines.end),
            block: code.span,
            placeholder: false,
        }
    }

    /// Follows the reader in and out of entered shells; true when `cmd` leaves one.
    fn track_shell(&mut self, cmd: &console::ParsedCommand, code: &CodeBlock) -> bool {
        if cmd.nested {
            if self.shell.is_none() {
                self.enter_before();
            }
            self.plain_shell = false;
            return self.shell.is_some() && console::is_exit(&cmd.command);
        }
        if self.shell.is_some() && self.plain_shell {
            return console::is_exit(&cmd.command);
        }
        if self.shell.take().is_none()
            && let Some(index) = self.entering()
            && self.reads_with(index, code)
        {
            // The next command after one that enters a shell, in the same block or one
            // read with it, is typed in that shell, whatever prompt the guide shows
            // (`$ nix-shell -p hello`, then `$ hello`).
            self.enter_before();
            self.plain_shell = true;
        }
        // Else an outer prompt after a shell's own: the reader has left it.
        false
    }

    /// "Save this in `hello.nix` and build it": an unnamed Nix block, since the last command,
    /// is the file the next command reads when no step wrote that file.
    fn name_from_use(&mut self, command: &str) {
        for path in crate::nix::lint::files_read(command) {
            if self.written(&path) {
                continue;
            }
            let since = self
                .steps
                .iter()
                .rposition(|s| matches!(s.kind, StepKind::Command { .. }))
                .map_or(0, |i| i + 1);
            let Some(index) = (since..self.steps.len()).rev().find(|&i| {
                matches!(
                    self.steps[i].kind,
                    StepKind::Snippet {
                        why: SnippetWhy::Unnamed,
                        ..
                    }
                )
            }) else {
                continue;
            };
            let line = self.steps[index].line;
            let Some(content) = self.texts.name_unnamed(line, &path) else {
                continue;
            };
            self.steps[index].kind = StepKind::File {
                path: path.clone().into(),
                content: content.into(),
                named_by: format!("inferred: {path} (the next command reads it)").into(),
            };
        }
    }

    /// The latest command step, when it enters a shell (`nix-shell`, a configured shell)
    /// from outside one: where a reader at a nested prompt entered it.
    fn entering(&self) -> Option<usize> {
        let index = self
            .steps
            .iter()
            .rposition(|s| matches!(s.kind, StepKind::Command { .. }))?;
        let entry = &self.steps[index];
        let StepKind::Command { command, .. } = &entry.kind else {
            return None;
        };
        let configured = !self.shells.is_empty()
            && command
                .split_whitespace()
                .next()
                .is_some_and(|w| self.shells.iter().any(|s| s == w));
        (entry.options.nest.is_outer() && (crate::nix::shell::enters(command) || configured)).then_some(index)
    }

    /// The step at `index` is in `code`, or in a block a reader reads with it.
    fn reads_with(&self, index: usize, code: &CodeBlock) -> bool {
        let end = self.steps[index].span.end;
        end >= code.span.end || self.reads_together(end, code)
    }

    /// The shell the latest command step enters, if it does, is the one the guide is in.
    fn enter_before(&mut self) {
        if let Some(index) = self.entering() {
            let entry = &mut self.steps[index];
            std::sync::Arc::make_mut(&mut entry.options).nest = Nest::Enter;
            self.shell = Some(entry.line);
        }
    }

    /// When the script block just before a transcript ends with the commands the transcript
    /// starts with, those leave the script (they run once, as the transcript's steps).
    /// Returns the Markdown line of each such command in the script.
    /// True when the transcript starts with the command `awaiting` its output, shown again
    /// with it ("Run `nix-build`:", then "You should see:" and `$ nix-build` with what it
    /// prints): that command runs once, and this is its output. Not when the prose between
    /// says it runs again.
    fn shown_again(
        &mut self,
        awaiting: Option<usize>,
        code: &CodeBlock,
        lines: &BlockLines,
        first: &console::ParsedCommand,
    ) -> bool {
        let Some(index) = awaiting else {
            return false;
        };
        let same = matches!(
            self.steps.get(index).map(|s| &s.kind),
            Some(StepKind::Command { command, .. }) if *command == first.command
        );
        if !same || first.output_lines.is_empty() || self.says_again(code) {
            return false;
        }
        let shown = self.shown_of(code, lines, first);
        let line = self.line(code.lines[first.command_lines.start].start);
        let step = &mut self.steps[index];
        if let StepKind::Command { shown: old, .. } = &mut step.kind {
            *old = Some(shown);
        }
        std::sync::Arc::make_mut(&mut step.options).shown_again_at = Some(line);
        true
    }

    /// The prose since the awaited block says a command runs again ("Run it again:").
    fn says_again(&self, code: &CodeBlock) -> bool {
        let between = self
            .text
            .get(self.awaiting_since..code.span.start)
            .unwrap_or("")
            .to_ascii_lowercase();
        ["again", "re-run", "rerun", "second time", "once more"]
            .iter()
            .any(|w| between.contains(w))
    }

    /// How many commands the script block just before holds (a transcript may repeat
    /// them: see `take_shown_twice`).
    fn script_commands_before(&self) -> usize {
        match self.steps.last().map(|s| &s.kind) {
            Some(StepKind::Script {
                script,
                hidden: false,
            }) => twice::script_commands(script).len(),
            _ => 0,
        }
    }

    fn take_shown_twice(&mut self, parsed: &[console::ParsedCommand]) -> Vec<usize> {
        let Some(step) = self.steps.last() else {
            return Vec::new();
        };
        let StepKind::Script {
            script,
            hidden: false,
        } = &step.kind
        else {
            return Vec::new();
        };
        let commands = twice::script_commands(script);
        let k = twice::repeated(&commands, parsed.iter().map(|c| c.command.as_str()));
        if k == 0 || step.options.skipped {
            return Vec::new();
        }
        let first_content_line = self.line(step.span.start) + usize::from(is_fenced(self.text, step.span));
        let merged = &commands[commands.len() - k..];
        let lines = merged.iter().map(|(i, _)| first_content_line + i).collect();
        let cut = merged[0].0;
        let rest: String = script.lines().take(cut).map(|l| format!("{l}\n")).collect();
        if twice::script_commands(&rest).is_empty() {
            self.steps.pop();
        } else if let Some(Step {
            kind: StepKind::Script { script, .. },
            ..
        }) = self.steps.last_mut()
        {
            *script = rest.into();
        }
        lines
    }
}

/// A fenced block's content starts on the line after its opening fence.
fn is_fenced(text: &str, span: Span) -> bool {
    let start = text[span.start..].trim_start();
    start.starts_with("```") || start.starts_with("~~~")
}
