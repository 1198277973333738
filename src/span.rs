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

/// Where line starts are, so byte offsets become 1-based lines and columns.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// 1-based line of a byte offset.
    /// How many lines the text has.
    pub fn lines(&self) -> usize {
        self.starts.len()
    }

    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.line(offset);
        let start = self.starts[line - 1];
        let col = text
            .get(start..offset.min(text.len()))
            .map_or(1, |s| s.chars().count() + 1);
        (line, col)
    }

    /// Byte offset where a 1-based line starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.starts[line.saturating_sub(1).min(self.starts.len() - 1)]
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
