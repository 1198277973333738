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
}

#[derive(Debug, Clone)]
enum Starts {
    Narrow(Vec<u32>),
    Wide(Vec<usize>),
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let newlines = memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1);
        let starts = match u32::try_from(text.len()) {
            Ok(_) => Starts::Narrow(
                std::iter::once(0)
                    .chain(newlines.map(|i| u32::try_from(i).expect("within the text")))
                    .collect(),
            ),
            Err(_) => Starts::Wide(std::iter::once(0).chain(newlines).collect()),
        };
        LineIndex { starts }
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
        match &self.starts {
            Starts::Narrow(s) => s.partition_point(|&start| start as usize <= offset),
            Starts::Wide(s) => s.partition_point(|&start| start <= offset),
        }
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
    fn location_display_omits_unknown_parts() {
        let path = Path::new("g.md");
        assert_eq!(Location::new(path, 3, 5).to_string(), "g.md:3:5");
        assert_eq!(Location::new(path, 3, 0).to_string(), "g.md:3");
        assert_eq!(Location::file(path).to_string(), "g.md");
    }
}
