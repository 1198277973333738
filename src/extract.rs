//! Markdown → blocks. The only module that knows pulldown-cmark.
//!
//! Every block keeps byte spans into the guide, so messages point at `guide.md:LINE:COL`
//! and rewrites splice by span without touching anything else.

use crate::span::Span;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd};
use std::borrow::Cow;

mod ahead;
mod blocks;
mod fences;
mod highlight;
mod indented;
mod relined;
pub use ahead::{Ahead, blocks_ahead};
pub use blocks::{Blocks, blocks, parsed_in_pieces};
pub use fences::fences;
pub use highlight::shortcode;

/// A piece of the guide that matters to guidecheck, in document order. Its text is the
/// guide's own (borrowed) wherever the Markdown gives it as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Block<'t> {
    Code(CodeBlock<'t>),
    /// An HTML comment that starts with `guidecheck:`; `body` is what follows it.
    Directive {
        body: String,
        span: Span,
    },
    /// Prose: a heading, paragraph or list item (used for TODO sections).
    Prose(Prose<'t>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct CodeBlock<'t> {
    /// The info string after the fence (empty for indented blocks).
    pub info: Cow<'t, str>,
    pub content: Cow<'t, str>,
    /// The whole block, fences included.
    pub span: Span,
    /// Source span of each content line (without its newline); a short block's are held
    /// inline, with no allocation.
    pub lines: Lines,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Prose<'t> {
    pub kind: ProseKind,
    pub text: Cow<'t, str>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProseKind {
    Heading(u8),
    Paragraph,
    Item { depth: usize },
}

/// A code block's line spans.
pub type Lines = smallvec::SmallVec<[Span; 4]>;

/// Reads a guide's Markdown into its blocks.
pub fn extract(text: &str) -> Vec<Block<'_>> {
    blocks(text).collect()
}

/// The blocks read so far and the ones still open.
#[derive(Default)]
struct Reader<'t> {
    text: &'t str,
    blocks: Vec<Block<'t>>,
    code: Option<CodeBlock<'t>>,
    html: Option<(String, Span)>,
    prose: Vec<Prose<'t>>,
    list_depth: usize,
}

impl<'t> Reader<'t> {
    fn event(&mut self, event: Event<'t>, span: Span) {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(CowStr::Borrowed(info)) => Cow::Borrowed(info),
                    CodeBlockKind::Fenced(info) => Cow::Owned(info.into_string()),
                    CodeBlockKind::Indented => Cow::Borrowed(""),
                };
                // One line per newline in its source.
                let source = &self.text.as_bytes()[span.start..span.end];
                self.code = Some(CodeBlock {
                    info,
                    content: Cow::Borrowed(""),
                    span,
                    lines: Lines::with_capacity(source.iter().filter(|&&b| b == b'\n').count()),
                });
            }
            Event::End(TagEnd::CodeBlock) => self.end_code(),
            Event::Text(t) if self.code.is_some() => {
                let block = self.code.as_mut().expect("inside a code block");
                add_code_text(block, self.text, &t, span);
            }
            Event::Start(Tag::HtmlBlock) => self.html = Some((String::new(), span)),
            Event::Html(t) if self.html.is_some() => self.html.as_mut().expect("in html").0.push_str(&t),
            Event::End(TagEnd::HtmlBlock) => {
                if let Some((body, span)) = self.html.take() {
                    self.blocks.extend(directive(&body, span));
                }
            }
            Event::InlineHtml(t) => self.blocks.extend(directive(&t, span)),
            Event::Start(Tag::List(_)) => self.list_depth += 1,
            Event::End(TagEnd::List(_)) => self.list_depth -= 1,
            Event::Start(tag @ (Tag::Heading { .. } | Tag::Paragraph | Tag::Item)) => {
                self.start_prose(&tag, span)
            }
            Event::End(TagEnd::Heading(_) | TagEnd::Paragraph | TagEnd::Item) => self.end_prose(),
            Event::Text(t) => self.prose_text(&t, Some(span)),
            Event::Code(t) => {
                self.prose_text("`", None);
                self.prose_text(&t, None);
                self.prose_text("`", None);
            }
            Event::SoftBreak | Event::HardBreak => self.prose_text(" ", None),
            _ => {}
        }
    }

    fn end_code(&mut self) {
        if let Some(mut block) = self.code.take() {
            // CRLF: a line's `\r` is not part of it (rewrites keep the line ending).
            for line in &mut block.lines {
                if line.end > line.start && self.text.as_bytes()[line.end - 1] == b'\r' {
                    line.end -= 1;
                }
            }
            self.blocks.push(Block::Code(block));
        }
    }

    fn start_prose(&mut self, tag: &Tag<'_>, span: Span) {
        let kind = match tag {
            Tag::Heading { level, .. } => ProseKind::Heading(*level as u8),
            Tag::Paragraph => ProseKind::Paragraph,
            _ => ProseKind::Item {
                depth: self.list_depth,
            },
        };
        self.prose.push(Prose {
            kind,
            text: Cow::Borrowed(""),
            span,
        });
    }

    fn end_prose(&mut self) {
        if let Some(p) = self.prose.pop() {
            // A list item's own text lives in its (tight) direct text or its first
            // paragraph; an item that only holds a paragraph is reported through it.
            if !p.text.trim().is_empty() {
                self.blocks.push(Block::Prose(p));
            }
        }
    }

    /// Adds text to the innermost prose; `span`: where it is written as it is.
    fn prose_text(&mut self, text: &str, span: Option<Span>) {
        if let Some(p) = self.prose.last_mut() {
            append(&mut p.text, self.text, text, span);
        }
    }
}

/// Where a badge or note goes under a page's title: right after the first heading (of any
/// level, in Markdown's reading, so a `# comment` inside a code block is not one), or at
/// the top when there is none.
pub fn first_heading_end(text: &str) -> usize {
    extract(text)
        .iter()
        .find_map(|b| match b {
            Block::Prose(p) if matches!(p.kind, ProseKind::Heading(_)) => Some(p.span.end),
            _ => None,
        })
        .map_or(0, |end| match text[..end].ends_with('\n') {
            true => end,
            false => text[end..].find('\n').map_or(text.len(), |i| end + i + 1),
        })
}

fn block_start(block: &Block) -> usize {
    match block {
        Block::Code(c) => c.span.start,
        Block::Directive { span, .. } => span.start,
        Block::Prose(p) => p.span.start,
    }
}

/// Appends `piece` (of the source's `span`, when given) to `text`: borrowed from the source
/// while every piece is as written there and comes right after the one before, else copied.
fn append<'t>(text: &mut Cow<'t, str>, source: &'t str, piece: &str, span: Option<Span>) {
    let verbatim = span.filter(|s| source.get(s.start..s.end) == Some(piece));
    append_verbatim(text, source, piece, verbatim);
}

/// `append`, where `verbatim` is the span `piece` is written at as it is, if it is.
fn append_verbatim<'t>(text: &mut Cow<'t, str>, source: &'t str, piece: &str, verbatim: Option<Span>) {
    if let Some(s) = verbatim
        && let Cow::Borrowed(so_far) = text
    {
        // Where what was borrowed so far starts in the source (nothing: here).
        let start = match so_far.is_empty() {
            true => Some(s.start),
            false => source
                .as_bytes()
                .as_ptr_range()
                .contains(&so_far.as_ptr())
                .then(|| so_far.as_ptr() as usize - source.as_ptr() as usize),
        };
        if let Some(start) = start.filter(|&at| at + so_far.len() == s.start) {
            *text = Cow::Borrowed(&source[start..s.end]);
            return;
        }
    }
    text.to_mut().push_str(piece);
}

/// `text.split_inclusive('\n')`, each newline found by `memchr` (most code events are a
/// line each: a char search costs more than the line).
fn lines_inclusive(text: &str) -> impl Iterator<Item = &str> {
    let mut from = 0;
    std::iter::from_fn(move || {
        let rest = text.get(from..).filter(|r| !r.is_empty())?;
        let len = memchr::memchr(b'\n', rest.as_bytes()).map_or(rest.len(), |i| i + 1);
        from += len;
        Some(&rest[..len])
    })
}

/// Appends one text event of a code block, keeping the source span of every line.
fn add_code_text<'t>(block: &mut CodeBlock<'t>, source: &'t str, text: &str, span: Span) {
    let verbatim = source.get(span.start..span.end) == Some(text);
    let mut offset = span.start;
    let mut line_start = block.content.is_empty() || block.content.ends_with('\n');
    for piece in lines_inclusive(text) {
        let line = piece.strip_suffix('\n').unwrap_or(piece);
        let end = if verbatim { offset + line.len() } else { span.end };
        if line_start {
            block.lines.push(Span::new(offset, end));
        } else if let Some(last) = block.lines.last_mut() {
            last.end = end;
        }
        if verbatim {
            offset += piece.len();
        }
        line_start = piece.ends_with('\n');
    }
    append_verbatim(&mut block.content, source, text, verbatim.then_some(span));
}

fn directive(html: &str, span: Span) -> Option<Block<'static>> {
    let inner = html.trim().strip_prefix("<!--")?.trim_start();
    let body = inner.strip_prefix("guidecheck:")?;
    let body = body.trim_end().strip_suffix("-->").unwrap_or(body);
    Some(Block::Directive {
        body: body.trim().to_string(),
        span,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn lines_split_as_split_inclusive_does(
            text in crate::properties::made_of(&["\n", "\r\n", "a", "é", " ", "\n\n"], 8),
        ) {
            let split: Vec<&str> = lines_inclusive(&text).collect();
            proptest::prop_assert_eq!(split, text.split_inclusive('\n').collect::<Vec<_>>());
        }
    }

    pub(super) fn code_blocks(text: &str) -> Vec<CodeBlock<'_>> {
        extract(text)
            .into_iter()
            .filter_map(|b| match b {
                Block::Code(c) => Some(c),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn code_block_lines_point_into_the_source() {
        let text = "intro\n\n```console\n$ echo hi\nhi\n```\n";
        let blocks = code_blocks(text);
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].info, "console");
        assert_eq!(blocks[0].content, "$ echo hi\nhi\n");
        let lines: Vec<&str> = blocks[0].lines.iter().map(|s| &text[s.start..s.end]).collect();
        assert_eq!(lines, ["$ echo hi", "hi"]);
        // A short block's line spans are held in the block, with no allocation.
        assert!(!blocks[0].lines.spilled());
    }

    #[test]
    fn indented_code_in_a_list_keeps_line_spans() {
        let text = "- step\n\n  ```sh\n  echo a\n  echo b\n  ```\n";
        let block = &code_blocks(text)[0];
        assert_eq!(block.content, "echo a\necho b\n");
        let lines: Vec<&str> = block.lines.iter().map(|s| &text[s.start..s.end]).collect();
        assert_eq!(lines, ["echo a", "echo b"]);
    }

    #[test]
    fn crlf_line_spans_leave_out_the_carriage_return() {
        let text = "a\r\n\r\n```console\r\n$ echo hi\r\nhi\r\n```\r\n";
        let block = &code_blocks(text)[0];
        let lines: Vec<&str> = block.lines.iter().map(|s| &text[s.start..s.end]).collect();
        assert_eq!(lines, ["$ echo hi", "hi"]);
    }

    #[test]
    fn a_byte_order_mark_hides_nothing() {
        let text = "\u{FEFF}```console\n$ echo hi\nhi\n```\n";
        let blocks = code_blocks(text);
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].info, "console");
        let lines: Vec<&str> = blocks[0].lines.iter().map(|s| &text[s.start..s.end]).collect();
        assert_eq!(lines, ["$ echo hi", "hi"]);
        assert_eq!(blocks[0].span.start, 3);
    }

    #[test]
    fn the_first_heading_is_markdown_s_not_a_code_comment() {
        let text = "```sh\n# not a heading\n```\n\n## Title\n\ntext\n";
        assert_eq!(&text[first_heading_end(text)..], "\ntext\n");
        assert_eq!(first_heading_end("no heading\n"), 0);
    }

    #[test]
    fn directives_are_guidecheck_comments_only() {
        let text = "<!-- guidecheck: skip -->\n\n<!-- a plain comment -->\n\ntext <!-- guidecheck: exit=1 --> more\n";
        let bodies: Vec<String> = extract(text)
            .into_iter()
            .filter_map(|b| match b {
                Block::Directive { body, .. } => Some(body),
                _ => None,
            })
            .collect();
        assert_eq!(bodies, ["skip", "exit=1"]);
    }

    #[test]
    fn multi_line_hidden_run_directive_keeps_its_body() {
        let text = "<!-- guidecheck: run\nmkdir x\ncd x\n-->\n";
        match &extract(text)[0] {
            Block::Directive { body, .. } => assert_eq!(body, "run\nmkdir x\ncd x"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn blocks_come_in_document_order_as_each_top_level_block_ends() {
        let text =
            "- item <!-- guidecheck: skip -->\n\n  ```sh\n  x\n  ```\n- two\n\nAfter.\n\n```sh\ny\n```\n";
        let starts: Vec<usize> = blocks(text).map(|b| block_start(&b)).collect();
        let mut sorted = starts.clone();
        sorted.sort_unstable();
        assert_eq!(starts, sorted);
        // The item, its directive, its code, the second item, the paragraph, the code.
        assert_eq!(starts.len(), 6, "{starts:?}");
        assert_eq!(blocks(text).collect::<Vec<_>>(), extract(text));
    }

    #[test]
    fn text_written_as_it_is_read_is_borrowed_and_the_rest_copied() {
        let text = "# Title\n\nRun `make` now.\n\n```sh\necho a\necho b\n```\n\n- step\n\n  ```sh\n  echo c\n  echo d\n  ```\n";
        let blocks = extract(text);
        let borrowed = |c: &Cow<'_, str>| matches!(c, Cow::Borrowed(_));
        let code: Vec<&CodeBlock> = blocks
            .iter()
            .filter_map(|b| match b {
                Block::Code(c) => Some(c),
                _ => None,
            })
            .collect();
        assert_eq!(
            (code[0].content.as_ref(), borrowed(&code[0].content)),
            ("echo a\necho b\n", true)
        );
        assert!(borrowed(&code[0].info));
        // Inside a list item the indentation is left out: the lines are not contiguous.
        assert_eq!(
            (code[1].content.as_ref(), borrowed(&code[1].content)),
            ("echo c\necho d\n", false)
        );
        let prose: Vec<(&str, bool)> = blocks
            .iter()
            .filter_map(|b| match b {
                Block::Prose(p) => Some((p.text.as_ref(), borrowed(&p.text))),
                _ => None,
            })
            .collect();
        assert_eq!(prose[..2], [("Title", true), ("Run `make` now.", false)]);
    }

    /// Markdown made of the pieces whose code text is given as written and of those whose
    /// is not (containers, CRLF, tabs, indented blocks).
    fn markdown() -> impl proptest::strategy::Strategy<Value = String> {
        const PARTS: [&str; 14] = [
            "# Title `x`\n",
            "Run `make`\nnow.\n",
            "\n",
            "```sh\necho a\n\necho b\n```\n",
            "```console title=\"t\"\n$ echo c\nc\n```\n",
            "- item\n\n  ```sh\n  echo d\n   echo e\n  ```\n",
            "> ```\n> quoted\n>\n> more\n> ```\n",
            "```sh\r\necho crlf\r\n```\r\n",
            "    indented code\n    more\n",
            "~~~\n\tTab\n~~~\n",
            "1. one\n   ```\n   nested\n   ```\n",
            "```\n",
            "text\n",
            "<!-- guidecheck: skip -->\n",
        ];
        crate::properties::made_of(&PARTS, 10)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2048, ..Default::default() })]

        /// Borrowing changes nothing: each code block's info string and content are what
        /// pulldown-cmark's events give, borrowed or not.
        #[test]
        fn code_text_borrowed_or_copied_is_the_events_text(text in markdown()) {
            let (mut expected, mut open) = (Vec::new(), false);
            for event in pulldown_cmark::Parser::new_ext(&text, pulldown_cmark::Options::all()) {
                match event {
                    Event::Start(Tag::CodeBlock(kind)) => {
                        let info = match kind {
                            CodeBlockKind::Fenced(info) => info.to_string(),
                            CodeBlockKind::Indented => String::new(),
                        };
                        expected.push((info, String::new()));
                        open = true;
                    }
                    Event::Text(t) if open => expected.last_mut().expect("open").1.push_str(&t),
                    Event::End(TagEnd::CodeBlock) => open = false,
                    _ => {}
                }
            }
            let got: Vec<(String, String)> = code_blocks(&text)
                .into_iter()
                .map(|c| (c.info.into_owned(), c.content.into_owned()))
                .collect();
            proptest::prop_assert_eq!(got, expected, "{:?}", text);
        }
    }

    #[test]
    fn headings_paragraphs_and_items_are_prose() {
        let text = "# TODO later\n\nSome text.\n\n* one\n  * two\n";
        let prose: Vec<(ProseKind, String)> = extract(text)
            .into_iter()
            .filter_map(|b| match b {
                Block::Prose(p) => Some((p.kind, p.text.into_owned())),
                _ => None,
            })
            .collect();
        assert_eq!(
            prose,
            [
                (ProseKind::Heading(1), "TODO later".to_string()),
                (ProseKind::Paragraph, "Some text.".to_string()),
                (ProseKind::Item { depth: 1 }, "one".to_string()),
                (ProseKind::Item { depth: 2 }, "two".to_string()),
            ]
        );
    }
}
