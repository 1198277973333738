//! A guide rewritten line by line for the parser (`highlight`, `indented`): each rewritten
//! line keeps its length, so every offset the parser reports still points into the guide
//! as written. The text is copied on its first change only.

/// A line of the text: where it starts and ends (after its newline), and its body
/// (without `\n` or `\r`).
pub(super) struct Line<'t> {
    pub start: usize,
    pub end: usize,
    pub body: &'t str,
}

impl Line<'_> {
    /// The body without its leading spaces and tabs.
    pub fn trimmed(&self) -> &str {
        self.body.trim_start_matches([' ', '\t'])
    }
}

pub(super) fn lines(text: &str) -> impl Iterator<Item = Line<'_>> {
    let mut at = 0;
    text.split_inclusive('\n').map(move |line| {
        let start = at;
        at += line.len();
        Line {
            start,
            end: at,
            body: line.trim_end_matches(['\n', '\r']),
        }
    })
}

/// Which lines a fenced code block holds: a rewrite leaves them alone (a guide about
/// MkDocs or Jekyll shows their syntax in one).
#[derive(Default)]
pub(super) struct Fences {
    open: Option<(u8, usize)>,
}

impl Fences {
    /// True for a fence's lines, its own fence lines included.
    pub fn hold(&mut self, line: &Line<'_>) -> bool {
        let trimmed = line.trimmed();
        if let Some(open) = self.open {
            self.open = (!closes(trimmed, open)).then_some(open);
            return true;
        }
        self.open = opens(trimmed);
        self.open.is_some()
    }
}

/// The fence a line opens: its character and length.
fn opens(trimmed: &str) -> Option<(u8, usize)> {
    let c = *trimmed.as_bytes().first()?;
    if c != b'`' && c != b'~' {
        return None;
    }
    let n = trimmed.bytes().take_while(|&b| b == c).count();
    let backtick_in_info = c == b'`' && trimmed[n..].contains('`');
    (n >= 3 && !backtick_in_info).then_some((c, n))
}

fn closes(trimmed: &str, (c, n): (u8, usize)) -> bool {
    let run = trimmed.bytes().take_while(|&b| b == c).count();
    run >= n && trimmed[run..].trim().is_empty()
}

/// The rewritten copy, made on the first change.
pub(super) struct Copy<'t> {
    text: &'t str,
    out: Option<Vec<u8>>,
}

impl<'t> Copy<'t> {
    pub fn new(text: &'t str) -> Self {
        Copy { text, out: None }
    }

    /// The bytes `start..end` of the copy, to overwrite with ASCII of the same length.
    pub fn bytes(&mut self, start: usize, end: usize) -> &mut [u8] {
        let text = self.text;
        &mut self.out.get_or_insert_with(|| text.as_bytes().to_vec())[start..end]
    }

    /// The rewritten text, or None when nothing changed.
    pub fn finish(self) -> Option<String> {
        // Only ASCII was written over whole ASCII runs: still UTF-8.
        let text = self.text;
        self.out
            .map(|bytes| String::from_utf8(bytes).unwrap_or_else(|_| text.to_string()))
    }
}
