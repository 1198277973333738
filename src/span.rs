//! Byte spans in a Markdown file and the `file:line:col` locations derived from them.

use std::fmt;
use std::path::{Path, PathBuf};

/// A half-open byte range `start..end` in a guide's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
}

impl From<std::ops::Range<usize>> for Span {
    fn from(range: std::ops::Range<usize>) -> Self {
        Span::new(range.start, range.end)
    }
}

/// Where line starts are, so byte offsets become 1-based lines and columns. Offsets are
/// kept in 32 bits when the text allows it (half the memory of a large guide's index).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Starts,
    /// The line of the last offset looked up: a guide's offsets are mostly looked up in
    /// order, a line or a few after the last, and found there without a search.
    last: std::cell::Cell<usize>,
}

#[derive(Debug, Clone)]
enum Starts {
    Narrow(Vec<u32>),
    Wide(Vec<usize>),
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        // Counted first, so the index is allocated once; then filled by a plain loop,
        // which beats a search per line when lines are short.
        let bytes = text.as_bytes();
        let lines = line_count(text);
        let starts = match u32::try_from(text.len()) {
            Ok(_) => Starts::Narrow(line_starts(bytes, lines, |i| i as u32)),
            Err(_) => Starts::Wide(line_starts(bytes, lines, |i| i)),
        };
        LineIndex {
            starts,
            last: std::cell::Cell::new(1),
        }
    }

    /// How many lines the text has.
    pub fn lines(&self) -> usize {
        match &self.starts {
            Starts::Narrow(s) => s.len(),
            Starts::Wide(s) => s.len(),
        }
    }

    /// 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> usize {
        let line = match &self.starts {
            Starts::Narrow(s) => line_of(s, offset, self.last.get(), |&start| start as usize),
            Starts::Wide(s) => line_of(s, offset, self.last.get(), |&start| start),
        };
        self.last.set(line);
        line
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.line(offset);
        let start = self.line_start(line);
        let col = text
            .get(start..offset.min(text.len()))
            .map_or(1, |s| s.chars().count() + 1);
        (line, col)
    }

    /// Byte offset where a 1-based line starts.
    pub fn line_start(&self, line: usize) -> usize {
        let at = line.saturating_sub(1).min(self.lines() - 1);
        match &self.starts {
            Starts::Narrow(s) => s[at] as usize,
            Starts::Wide(s) => s[at],
        }
    }
}

/// Where each of the text's `lines` starts, as `offset` writes an offset.
fn line_starts<T>(bytes: &[u8], lines: usize, offset: impl Fn(usize) -> T) -> Vec<T> {
    let mut starts = Vec::with_capacity(lines);
    starts.push(offset(0));
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' {
            starts.push(offset(i + 1));
        }
    }
    starts
}

/// The 1-based line of `offset` given the lines' `starts`: looked for from `near` on in
/// steps that double (a guide's lookups mostly move forward a few lines at a time), else
/// searched for in the lines before.
fn line_of<T>(starts: &[T], offset: usize, near: usize, start: impl Fn(&T) -> usize) -> usize {
    if near == 0 || starts.get(near - 1).is_none_or(|s| start(s) > offset) {
        return starts[..near.min(starts.len())].partition_point(|s| start(s) <= offset);
    }
    // `starts[near - 1] <= offset`: the line is `near` or after it.
    let (mut low, mut step) = (near, 1);
    while low + step <= starts.len() && start(&starts[low + step - 1]) <= offset {
        low += step;
        step *= 2;
    }
    let high = (low + step).min(starts.len());
    low + starts[low..high].partition_point(|s| start(s) <= offset)
}

/// The 1-based lines of a text's offsets when they are looked up mostly in order, as a
/// guide's steps are while it is read: each is counted from the one looked up before, so
/// no index of every line is built (for a large guide, building one costs more than all
/// the counting). An offset far before the last one is found in a `LineIndex`, built then.
#[derive(Debug)]
pub struct LineCounter<'t> {
    text: &'t str,
    /// The last offset looked up, and its line.
    last: std::cell::Cell<(usize, usize)>,
    /// How far back an offset is counted to rather than looked up in the index.
    far: usize,
    index: std::cell::OnceCell<LineIndex>,
}

impl<'t> LineCounter<'t> {
    pub fn new(text: &'t str) -> Self {
        Self::with_reach(text, 1 << 16)
    }

    fn with_reach(text: &'t str, far: usize) -> Self {
        LineCounter {
            text,
            last: std::cell::Cell::new((0, 1)),
            far,
            index: std::cell::OnceCell::new(),
        }
    }

    /// 1-based line of a byte offset (the last line for one past the text's end).
    pub fn line(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        let bytes = self.text.as_bytes();
        let (at, line) = self.last.get();
        let line = if offset >= at {
            line + newlines(&bytes[at..offset])
        } else if at - offset <= self.far {
            line - newlines(&bytes[offset..at])
        } else {
            return self.index.get_or_init(|| LineIndex::new(self.text)).line(offset);
        };
        self.last.set((offset, line));
        line
    }

    /// How many lines the text has.
    pub fn lines(&self) -> usize {
        line_count(self.text)
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.line(offset);
        let offset = offset.min(self.text.len());
        let start = memchr::memrchr(b'\n', &self.text.as_bytes()[..offset]).map_or(0, |i| i + 1);
        let col = self.text.get(start..offset).map_or(1, |s| s.chars().count() + 1);
        (line, col)
    }
}

/// How many lines `text` has (one more than its newlines).
pub fn line_count(text: &str) -> usize {
    1 + newlines(text.as_bytes())
}

/// How many newlines `bytes` holds: counted in bytes, 255 at a time, a loop the compiler
/// vectorises (a count in `usize` it does not).
fn newlines(bytes: &[u8]) -> usize {
    bytes
        .chunks(255)
        .map(|chunk| usize::from(chunk.iter().fold(0u8, |n, &b| n + u8::from(b == b'\n'))))
        .sum()
}

/// A place in a file, shown as `path:line:col`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    pub line: usize,
    pub col: usize,
}

impl Location {
    pub fn new(path: &Path, line: usize, col: usize) -> Self {
        Location {
            path: path.to_path_buf(),
            line,
            col,
        }
    }

    /// A location for a whole file (no line known).
    pub fn file(path: &Path) -> Self {
        Location::new(path, 0, 0)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.col) {
            (0, _) => write!(f, "{}", self.path.display()),
            (line, 0) => write!(f, "{}:{line}", self.path.display()),
            (line, col) => write!(f, "{}:{line}:{col}", self.path.display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_one_based_lines_and_columns() {
        let text = "ab\ncdé\n\nx";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 0), (1, 1));
        assert_eq!(index.line_col(text, 4), (2, 2));
        assert_eq!(index.line_col(text, 7), (2, 4));
        assert_eq!(index.line_col(text, 8), (3, 1));
        assert_eq!(index.line_col(text, 9), (4, 1));
        assert_eq!(index.line_start(4), 9);
    }

    #[test]
    fn lines_looked_up_in_any_order_are_found() {
        let text = "a\n\nbb\nccc\n\n\n\n\n\n\n\n\n\nend";
        let index = LineIndex::new(text);
        let line = |offset: usize| text[..offset].matches('\n').count() + 1;
        let mut offsets: Vec<usize> = (0..=text.len()).collect();
        offsets.extend((0..=text.len()).rev());
        offsets.extend((0..=text.len()).step_by(7).chain([3, 0, text.len(), 1, 20]));
        offsets.extend(
            (0..=text.len())
                .step_by(3)
                .chain((0..=text.len()).rev().step_by(5)),
        );
        for offset in offsets {
            assert_eq!(index.line(offset), line(offset), "offset {offset}");
        }
        assert_eq!(index.line(text.len() + 5), index.lines());
    }

    #[test]
    fn lines_far_ahead_and_far_behind_are_found() {
        let text: String = (0..1000).map(|i| "x".repeat(i % 7) + "\n").collect();
        let index = LineIndex::new(&text);
        let line = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        // Jumps of every size, forward and back (a linear congruential walk).
        let mut offset = 0usize;
        for step in 0..5000usize {
            offset = (offset * 1103 + step * 7919 + 12345) % (text.len() + 3);
            assert_eq!(
                index.line(offset),
                line(offset).min(index.lines()),
                "offset {offset}"
            );
        }
    }

    proptest::proptest! {
        /// Counted from the offset before, or looked up in the index when far behind it,
        /// a line is the index's, whatever order the offsets come in.
        #[test]
        fn a_line_counted_is_the_line_looked_up(
            text in crate::properties::made_of(&["a", "\n", "é", "\r\n", "xyz", "\n\n"], 60),
            offsets in proptest::collection::vec(0usize..400, 0..40),
            far in 0usize..50,
        ) {
            let index = LineIndex::new(&text);
            let counter = LineCounter::with_reach(&text, far);
            proptest::prop_assert_eq!(counter.lines(), index.lines());
            for offset in offsets {
                proptest::prop_assert_eq!(counter.line(offset), index.line(offset), "offset {}", offset);
                let at = offset.min(text.len());
                proptest::prop_assert_eq!(counter.line_col(at), index.line_col(&text, at), "offset {}", at);
            }
        }
    }

    #[test]
    fn location_display_omits_unknown_parts() {
        let path = Path::new("g.md");
        assert_eq!(Location::new(path, 3, 5).to_string(), "g.md:3:5");
        assert_eq!(Location::new(path, 3, 0).to_string(), "g.md:3");
        assert_eq!(Location::file(path).to_string(), "g.md");
    }
}
