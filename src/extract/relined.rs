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
    /// The open fence's character, length and indentation.
    open: Option<(u8, usize, usize)>,
}

impl Fences {
    /// True for a fence's lines, its own fence lines included. A closing fence is
    /// indented at most three columns more than its opening one (`    ```` inside a
    /// ```` ```markdown ```` block is its text).
    pub fn hold(&mut self, line: &Line<'_>) -> bool {
        let trimmed = line.trimmed();
        let indent = line.body.len() - trimmed.len();
        if let Some((c, n, at)) = self.open {
            let closed = indent <= at + 3 && closes(trimmed, (c, n));
            self.open = (!closed).then_some((c, n, at));
            return true;
        }
        self.open = opens(trimmed).map(|(c, n)| (c, n, indent));
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

#[cfg(test)]
#[test]
fn a_fence_shown_indented_inside_a_fence_does_not_close_it() {
    let text = "```markdown\n!!! note\n    ```console\n    $ false\n    ```\n```\nafter\n";
    let mut fences = Fences::default();
    let held: Vec<bool> = lines(text).map(|l| fences.hold(&l)).collect();
    assert_eq!(held, [true, true, true, true, true, true, false]);
}
