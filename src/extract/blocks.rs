//! A guide's blocks as they are asked for, and, for a large guide, its Markdown parsed in
//! pieces: pulldown-cmark holds the tree of what it parses, several times the size of the
//! text, so a 10 MB guide is parsed a megabyte at a time.
//!
//! A piece ends where the Markdown cannot carry anything across: before a `#` heading or
//! a code fence's opening at the start of a line that follows a blank line (a paragraph,
//! list, quote, table or indented block has ended there). Only a fenced code block without its closing fence,
//! or an HTML block, can run past such a line; when the last block of a piece is one of
//! those, the piece is read again to a later heading. A link whose reference definition
//! is in another piece reads as text.

use super::{Block, Reader, block_start, fences, highlight, indented};
use crate::span::Span;
use pulldown_cmark::{Event, Options, Parser, Tag};
use std::collections::VecDeque;
use std::ops::Range;

/// Guides up to twice this size are parsed whole.
const PIECE: usize = 1 << 18;

/// A guide's blocks in document order, read as they are needed: only the blocks of the
/// top-level Markdown block being read are held (a list item's prose ends after the code
/// blocks inside it, so each top-level block's are put in order before they are given).
pub fn blocks(text: &str) -> Blocks<'_> {
    blocks_in_pieces(text, PIECE)
}

/// Whether `blocks` parses the text in pieces (a large guide) rather than whole.
pub fn parsed_in_pieces(text: &str) -> bool {
    text.len() - bom(text) > 2 * PIECE
}

/// The length of the text's byte-order mark (0 when it has none).
fn bom(text: &str) -> usize {
    match text.starts_with('\u{FEFF}') {
        true => '\u{FEFF}'.len_utf8(),
        false => 0,
    }
}

fn blocks_in_pieces(text: &str, piece: usize) -> Blocks<'_> {
    // A byte-order mark is read as nothing (spans still point into the whole text, so
    // `--bless` keeps it).
    let bom = bom(text);
    let mut blocks = Blocks {
        text,
        piece,
        start: bom,
        end: bom,
        events: None,
        depth: 0,
        last_top: None,
        reader: Reader {
            text,
            ..Reader::default()
        },
        held: Vec::new(),
        ready: VecDeque::new(),
        parses: 0,
    };
    blocks.open(bom, bom);
    blocks
}

/// The iterator `blocks` returns.
pub struct Blocks<'t> {
    text: &'t str,
    piece: usize,
    /// The piece being parsed: `text[start..end]`.
    start: usize,
    end: usize,
    events: Option<Events<'t>>,
    /// How many Markdown blocks (tags) are open.
    depth: usize,
    /// Where the piece's last top-level block starts, and whether it may run past the piece.
    last_top: Option<(usize, bool)>,
    reader: Reader<'t>,
    /// The blocks of the last top-level block: given once the next one starts, or once
    /// the piece is known to end where the Markdown does.
    held: Vec<Block<'t>>,
    ready: VecDeque<Block<'t>>,
    /// How many pieces were parsed (re-reads included).
    parses: usize,
}

/// A piece's events: parsed as they are asked for, or, when the piece was rewritten for
/// the parser (`highlight`, `indented`: same length, so offsets hold), parsed at once from
/// the rewritten copy.
enum Events<'t> {
    Lazy(Box<pulldown_cmark::OffsetIter<'t, pulldown_cmark::DefaultBrokenLinkCallback>>),
    Parsed(std::vec::IntoIter<(Event<'static>, Range<usize>)>),
}

impl<'t> Events<'t> {
    fn new(piece: &'t str) -> Self {
        let fenced = highlight::as_fences(piece);
        let listed = indented::as_list_items(fenced.as_deref().unwrap_or(piece));
        match listed.or(fenced) {
            None => Events::Lazy(Box::new(
                Parser::new_ext(piece, Options::all()).into_offset_iter(),
            )),
            Some(rewritten) => Events::Parsed(
                Parser::new_ext(&rewritten, Options::all())
                    .into_offset_iter()
                    .map(|(event, range)| (event.into_static(), range))
                    .collect::<Vec<_>>()
                    .into_iter(),
            ),
        }
    }

    fn next(&mut self) -> Option<(Event<'t>, Range<usize>)> {
        match self {
            Events::Lazy(events) => events.next(),
            Events::Parsed(events) => events.next(),
        }
    }
}

impl<'t> Iterator for Blocks<'t> {
    type Item = Block<'t>;

    fn next(&mut self) -> Option<Block<'t>> {
        loop {
            if let Some(block) = self.ready.pop_front() {
                return Some(block);
            }
            let events = self.events.as_mut()?;
            let Some((event, range)) = events.next() else {
                self.end_piece();
                continue;
            };
            let span = Span::new(range.start + self.start, range.end + self.start);
            match &event {
                Event::Start(tag) => {
                    if self.depth == 0 {
                        self.release_held();
                        // A fence that runs to the piece's end may have been cut there,
                        // whatever its last line looks like (an indented fence line
                        // inside it does not close it).
                        let open_ended = matches!(tag, Tag::HtmlBlock)
                            || matches!(tag, Tag::CodeBlock(_))
                                && (span.end >= self.end
                                    || fences(self.text, span).is_some_and(|f| f.2.is_none()));
                        self.last_top = Some((span.start, open_ended));
                    }
                    self.depth += 1;
                }
                Event::End(_) => self.depth = self.depth.saturating_sub(1),
                _ => {}
            }
            self.reader.event(event, span);
            if self.depth == 0 {
                // Unclosed blocks end with the piece.
                self.take_read();
            }
        }
    }
}

impl Blocks<'_> {
    /// The blocks the reader finished, held in document order; the reader's list keeps its
    /// room for the next ones.
    fn take_read(&mut self) {
        self.reader.blocks.sort_by_key(block_start);
        match self.held.is_empty() {
            // Most often: the lists trade places, no block is moved.
            true => std::mem::swap(&mut self.held, &mut self.reader.blocks),
            false => self.held.append(&mut self.reader.blocks),
        }
    }

    /// The held blocks become the ones to give. `ready` is empty whenever this is called
    /// (blocks are read only once all ready ones were given): the lists trade places,
    /// keeping their room, and no block is moved.
    fn release_held(&mut self) {
        debug_assert!(self.ready.is_empty());
        let emptied = Vec::from(std::mem::take(&mut self.ready));
        self.ready = VecDeque::from(std::mem::replace(&mut self.held, emptied));
    }

    /// Parses the piece from `start` to the first safe end at or after `at_least`.
    fn open(&mut self, start: usize, at_least: usize) {
        let end = match self.text.len() - start > 2 * self.piece {
            true => piece_end(self.text, at_least.max(start + self.piece)),
            false => self.text.len(),
        };
        self.parses += 1;
        self.start = start;
        self.end = end;
        self.depth = 0;
        self.last_top = None;
        self.reader = Reader {
            text: self.text,
            ..Reader::default()
        };
        self.events = Some(Events::new(&self.text[start..end]));
    }

    /// At the end of a piece: its blocks are given, unless its last top-level block may run
    /// on, which is then read again with the next piece.
    fn end_piece(&mut self) {
        self.take_read();
        match self.last_top {
            _ if self.end == self.text.len() => {
                self.release_held();
                self.events = None;
            }
            Some((top, true)) => {
                // Read again at least twice as far: a fence left open for megabytes is
                // parsed a logarithmic number of times, not once per heading.
                self.held.clear();
                let at_least = self.end + (self.end - top).max(self.piece);
                self.open(top, at_least);
            }
            _ => {
                self.release_held();
                self.open(self.end, self.end);
            }
        }
    }
}

/// The start of the first line at or after `from` that follows a blank line and is a `#`
/// heading or a code fence's opening (```` ``` ```` or `~~~`, at the line's start); the
/// text's end when there is none.
fn piece_end(text: &str, from: usize) -> usize {
    let bytes = text.as_bytes();
    let mut at = from.min(text.len());
    while let Some(found) = memchr::memmem::find(&bytes[at..], b"\n\n") {
        let line = at + found + 2;
        if starts_block(&bytes[line..]) {
            return line;
        }
        at = line - 1;
    }
    text.len()
}

/// Whether a line (and what follows) starts a heading or a code fence.
fn starts_block(line: &[u8]) -> bool {
    match line.first() {
        Some(b'#') => {
            let hashes = line.iter().take_while(|&&b| b == b'#').count();
            hashes <= 6 && matches!(line.get(hashes), None | Some(b' ' | b'\t' | b'\r' | b'\n'))
        }
        Some(&mark @ (b'`' | b'~')) => {
            let run = line.iter().take_while(|&&b| b == mark).count();
            let info = &line[run..memchr::memchr(b'\n', line).unwrap_or(line.len())];
            // A backtick fence's info string holds no backtick (else it is inline code).
            run >= 3 && (mark == b'~' || !info.contains(&b'`'))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(text: &str) -> Vec<Block<'_>> {
        blocks_in_pieces(text, usize::MAX / 4).collect()
    }

    #[test]
    fn pieces_read_as_the_whole_text() {
        let parts = [
            "# Title",
            "## Step",
            "Some prose. TODO: finish",
            "```sh\necho a\n\n# not a heading\n\necho b\n```",
            "```nix\n{ }\n\n# comment in an unclosed fence",
            "<!--\n\n# inside a comment\n\n-->",
            "<div>\n\n# after a div\n</div>",
            "- item\n\n  ```sh\n  x\n  ```\n- two",
            "> quote\n\n> more",
            "<!-- guidecheck: skip -->",
            "```console\n$ echo hi\nhi\n```",
            "    indented code",
            "| a | b |\n|---|---|\n| 1 | 2 |",
            "Term\n: definition",
            "!!! note \"N\"\n    ```sh\n    x\n    ```",
            "=== \"Linux\"\n\n    ```sh\n    y\n    ```",
            "{% highlight sh %}\nz\n\n# not a heading\n{% endhighlight %}",
            "{% highlight sh %}\nz\n\n```\n{% endhighlight %}",
            "````markdown\n```sh\nx\n```\n\n```sh\ny\n```\n````",
            "```\nopen\n\n```\n\n~~~ sh\nx\n~~~",
            "<!--\n\n```sh\nx\n```\n\n-->",
            "- item\n\n```sh\nafter the list\n```",
            "``` not `a` fence\n\ntext",
            "!!! note\n    x\n\n```sh\nafter\n```",
        ];
        let mut seed = 17u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        for _ in 0..300 {
            let n = 3 + next() % 25;
            let text: String = (0..n)
                .map(|_| format!("{}\n\n", parts[next() % parts.len()]))
                .collect();
            for piece in [8, 40, 200] {
                let pieces: Vec<Block> = blocks_in_pieces(&text, piece).collect();
                assert_eq!(pieces, whole(&text), "piece {piece} of:\n{text}");
            }
        }
    }

    #[test]
    fn blocks_are_read_one_top_level_block_ahead_at_most() {
        let text = "- item\n\n  ```sh\n  x\n  ```\n- two\n\nAfter.\n\n```sh\ny\n```\n";
        let mut lazy = blocks(text);
        lazy.by_ref().take(3).for_each(drop);
        // The list's blocks are given; the paragraph after it is held, the code not read.
        assert!(lazy.ready.is_empty());
        assert!(lazy.held.len() <= 1, "{:?}", lazy.held);
    }

    #[test]
    fn a_fence_left_open_over_many_headings_is_read_again_a_few_times_only() {
        let text = format!("```sh\n{}", "line\n\n# x\n".repeat(20_000));
        let mut pieces = blocks_in_pieces(&text, 64);
        let read: Vec<Block> = pieces.by_ref().collect();
        assert_eq!(read, whole(&text));
        assert!(pieces.parses < 20, "{} parses", pieces.parses);
    }

    #[test]
    fn a_piece_ends_before_a_heading_or_fence_after_a_blank_line() {
        let text = "a\n# no\n\n#nope\n\n####### seven\n\n## yes\n";
        assert_eq!(&text[piece_end(text, 0)..], "## yes\n");
        assert_eq!(piece_end("no heading\n", 0), "no heading\n".len());
        let text = "a\n```no\n\n`` two\n\n``` x`y\n\n\n\n~~~ yes\n";
        assert_eq!(&text[piece_end(text, 0)..], "~~~ yes\n");
        let text = "p\n\n```sh\n";
        assert_eq!(&text[piece_end(text, 0)..], "```sh\n");
    }
}
