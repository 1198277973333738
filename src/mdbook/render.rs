//! What a guide chapter looks like in a built book, without running anything: directives
//! and hidden setup removed, empty output blocks filled from the snapshot, and a badge.

use crate::extract::{Block, extract};
use crate::plan::console;
use crate::plan::{Plan, StepKind};
use crate::rewrite::{Edit, apply};
use crate::snapshot::Recorded;
use crate::span::Span;

/// Where a guide chapter stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Badge {
    Verified {
        steps: usize,
        nix: String,
        date: String,
    },
    /// The chapter's command number `step` is not the one the snapshot recorded.
    ChangedSince {
        step: usize,
    },
    /// The guide's checked content is not what its snapshot verified.
    Changed,
    /// A run found drift (run mode), at this command step.
    Drift {
        step: usize,
        line: usize,
    },
    /// The facts changed and the new ones wait in `.snap.new`.
    Unaccepted,
    NotVerified,
}

impl Badge {
    pub fn text(&self) -> String {
        match self {
            Badge::Verified { steps, nix, date } if nix.is_empty() => {
                format!("✅ verified: {steps} steps, {date}")
            }
            Badge::Verified { steps, nix, date } => format!("✅ verified: {steps} steps, {nix}, {date}"),
            Badge::ChangedSince { step } => {
                format!("❌ drift in step {step}: the chapter changed since it was verified")
            }
            Badge::Changed => "⚠️ not verified since it changed".to_string(),
            Badge::Drift { step, line } => format!("❌ drift in step {step} (line {line})"),
            Badge::Unaccepted => "❌ drift: the facts changed and wait in a .snap.new".to_string(),
            Badge::NotVerified => "⚠️ not verified yet (no snapshot)".to_string(),
        }
    }
}

/// The badge a snapshot gives a chapter.
pub fn badge(plan: &Plan, recorded: Option<&Recorded>, unaccepted: bool) -> Badge {
    let Some(recorded) = recorded else {
        return Badge::NotVerified;
    };
    if unaccepted {
        return Badge::Unaccepted;
    }
    if !recorded.digest.is_empty() && recorded.digest != crate::snapshot::digest(plan) {
        return Badge::Changed;
    }
    let commands: Vec<&crate::plan::Str> = plan
        .steps
        .iter()
        .filter_map(|s| match &s.kind {
            StepKind::Command { command, .. } => Some(command),
            _ => None,
        })
        .collect();
    let differs = commands
        .iter()
        .enumerate()
        .find(|(i, c)| recorded.entries.get(*i).is_none_or(|e| e.command != ***c))
        .map(|(i, _)| i + 1)
        .or_else(|| (recorded.entries.len() > commands.len()).then_some(commands.len() + 1));
    if let Some(step) = differs {
        return Badge::ChangedSince { step };
    }
    // A guide without Nix records "not used": nothing to say about Nix.
    let nix = match recorded.nix.as_str() {
        "not used" => String::new(),
        line => crate::nix::version_label(line),
    };
    Badge::Verified {
        steps: plan.steps.iter().filter(|s| s.runs()).count(),
        nix,
        date: recorded.recorded.clone(),
    }
}

/// The chapter as readers see it.
pub fn chapter(text: &str, plan: &Plan, recorded: Option<&Recorded>, badge: Option<&Badge>) -> String {
    let mut edits: Vec<Edit> = extract(text)
        .into_iter()
        .filter_map(|b| match b {
            Block::Directive { span, .. } => Some(Edit {
                span: whole_lines(text, span),
                text: String::new(),
            }),
            _ => None,
        })
        .collect();
    edits.extend(command_directive_lines(text, plan));
    let mut ordinal = 0;
    for step in &plan.steps {
        let StepKind::Command { shown, .. } = &step.kind else {
            continue;
        };
        ordinal += 1;
        let Some(shown) = shown.as_ref().filter(|s| s.placeholder) else {
            continue;
        };
        if let Some(output) = recorded
            .and_then(|r| r.entries.get(ordinal - 1))
            .and_then(|e| e.output.as_ref())
        {
            edits.push(Edit {
                span: shown.span,
                text: output.clone(),
            });
        }
    }
    let labels = file_labels(text, plan);
    let styled = badge.is_some() || !labels.is_empty();
    edits.extend(labels);
    if styled {
        let at = crate::extract::first_heading_end(text);
        let badge = badge.map_or(String::new(), |b| {
            format!("<p class=\"guidecheck-badge\"><em>{}</em></p>\n\n", b.text())
        });
        edits.push(Edit {
            span: Span::new(at, at),
            text: format!("\n{STYLE}{badge}"),
        });
    }
    apply(text, edits)
}

/// The look of what the preprocessor adds (mdBook's theme variables, where it has them).
const STYLE: &str = "<style>.guidecheck-badge{display:inline-block;font-size:.85em;padding:.1em .7em;\
border:1px solid var(--table-border-color,#ccc);border-radius:1em}\
.guidecheck-file{font-size:.85em;margin:0 0 -.8em;opacity:.8}</style>\n\n";

/// A file's name above the block that is its content (`title="hello.nix"`, `file=`).
fn file_labels(text: &str, plan: &Plan) -> Vec<Edit> {
    plan.steps
        .iter()
        .filter_map(|step| match &step.kind {
            StepKind::File { path, .. } if text[step.span.start..].starts_with(['`', '~']) => {
                let name = path
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;");
                Some(Edit {
                    span: Span::new(step.span.start, step.span.start),
                    text: format!("<p class=\"guidecheck-file\"><code>{name}</code></p>\n\n"),
                })
            }
            _ => None,
        })
        .collect()
}

/// `# guidecheck: …` lines inside transcripts, and the same ending a prompt line: removed.
fn command_directive_lines(text: &str, plan: &Plan) -> Vec<Edit> {
    let has_command = |code: &crate::extract::CodeBlock| {
        plan.steps.iter().any(|s| {
            matches!(s.kind, StepKind::Command { .. })
                && code.span.start <= s.span.start
                && s.span.start < code.span.end
        })
    };
    let mut edits = Vec::new();
    for block in extract(text) {
        let Block::Code(code) = block else { continue };
        if !has_command(&code) {
            continue;
        }
        for line in &code.lines {
            let body = &text[line.start..line.end];
            if console::directive_line(body).is_some() {
                edits.push(Edit {
                    span: whole_lines(text, *line),
                    text: String::new(),
                });
            } else if let Some(at) = body
                .find("# guidecheck:")
                .filter(|_| console::trailing_directive(body))
            {
                let cut = body[..at].trim_end().len();
                edits.push(Edit {
                    span: Span::new(line.start + cut, line.end),
                    text: String::new(),
                });
            }
        }
    }
    edits
}

/// A directive alone on its lines takes its lines with it.
fn whole_lines(text: &str, span: Span) -> Span {
    let start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let end = text[span.end..]
        .find('\n')
        .map_or(text.len(), |i| span.end + i + 1);
    let alone = text[start..span.start].trim().is_empty() && text[span.end..end].trim().is_empty();
    if alone { Span::new(start, end) } else { span }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{build, console::Prompts};
    use crate::snapshot::RecordedEntry;
    use std::path::Path;

    const GUIDE: &str =
        "# Guide\n\n<!-- guidecheck: run\nmkdir x\n-->\n\n```console\n$ echo hi\n```\n\n```output\n```\n";

    fn plan(text: &str) -> Plan {
        build(Path::new("g.md"), text, &extract(text), &Prompts::default()).unwrap()
    }

    fn recorded(command: &str) -> Recorded {
        Recorded {
            nix: "nix-build (Nix) 2.8.0".into(),
            recorded: "2026-11-25".into(),
            digest: String::new(),
            entries: vec![RecordedEntry {
                command: command.into(),
                output: Some("hi\n".into()),
            }],
        }
    }

    #[test]
    fn a_verified_chapter_gets_its_output_and_badge_and_loses_its_directives() {
        let p = plan(GUIDE);
        let r = recorded("echo hi");
        let b = badge(&p, Some(&r), false);
        assert_eq!(
            b,
            Badge::Verified {
                steps: 2,
                nix: "Nix 2.8.0".into(),
                date: "2026-11-25".into()
            }
        );
        assert_eq!(
            chapter(GUIDE, &p, Some(&r), Some(&b)),
            format!(
                "# Guide\n\n{STYLE}<p class=\"guidecheck-badge\"><em>✅ verified: 2 steps, Nix 2.8.0, 2026-11-25</em></p>\n\n\n```console\n$ echo hi\n```\n\n```output\nhi\n```\n"
            )
        );
    }

    #[test]
    fn a_guide_without_nix_has_no_nix_in_its_badge() {
        let p = plan(GUIDE);
        let mut r = recorded("echo hi");
        r.nix = "not used".into();
        assert_eq!(
            badge(&p, Some(&r), false).text(),
            "✅ verified: 2 steps, 2026-11-25"
        );
    }

    #[test]
    fn file_names_show_above_their_blocks() {
        let text =
            "# G\n\n```nix title=\"a<b>.nix\"\n{ }\n```\n\n<!-- guidecheck: file=x.txt -->\n```\nx\n```\n";
        let rendered = chapter(text, &plan(text), None, None);
        assert!(
            rendered.contains("<p class=\"guidecheck-file\"><code>a&lt;b&gt;.nix</code></p>\n\n```nix"),
            "{rendered}"
        );
        assert!(
            rendered.contains("<p class=\"guidecheck-file\"><code>x.txt</code></p>\n\n```\nx"),
            "{rendered}"
        );
        assert_eq!(rendered.matches("<style>").count(), 1);
    }

    #[test]
    fn readers_do_not_see_directives_for_one_command() {
        let text = "# G\n\n```console\n# guidecheck: exit=1\n$ false\n$ ls x  # guidecheck: exit=2\n```\n\n```text\n# guidecheck: exit=1\n```\n";
        let p = plan(text);
        assert_eq!(
            chapter(text, &p, None, None),
            "# G\n\n```console\n$ false\n$ ls x\n```\n\n```text\n# guidecheck: exit=1\n```\n"
        );
    }

    #[test]
    fn a_guide_changed_since_its_snapshot_is_not_verified() {
        let verified = plan(GUIDE);
        let mut r = recorded("echo hi");
        r.digest = crate::snapshot::digest(&verified);
        assert!(matches!(
            badge(&verified, Some(&r), false),
            Badge::Verified { .. }
        ));
        // Prose edits move lines, not what is checked.
        let moved = plan(&format!("Intro.\n\n{GUIDE}"));
        assert!(matches!(badge(&moved, Some(&r), false), Badge::Verified { .. }));
        let changed = plan(&GUIDE.replace("$ echo hi", "$ echo hi there"));
        assert_eq!(badge(&changed, Some(&r), false), Badge::Changed);
        assert_eq!(Badge::Changed.text(), "⚠️ not verified since it changed");
    }

    #[test]
    fn badges_for_changed_unaccepted_and_missing_snapshots() {
        let p = plan(GUIDE);
        assert_eq!(
            badge(&p, Some(&recorded("echo ho")), false),
            Badge::ChangedSince { step: 1 }
        );
        assert_eq!(badge(&p, Some(&recorded("echo hi")), true), Badge::Unaccepted);
        assert_eq!(badge(&p, None, false), Badge::NotVerified);
    }
}
