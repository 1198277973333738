//! One command's output, collected until its end token (`TOKEN:SEQ:STATUS:SHELL:PWD\0`), which
//! may arrive split across chunks; what follows it belongs to the next command. The token
//! ends with NUL, the one byte a directory name cannot hold.

use super::capture::Capture;
use std::path::PathBuf;

/// Collects one command's output until its end token.
pub(super) struct Wait<'a> {
    end: &'a [u8],
    /// The command's number (its end token's).
    seq: u64,
    pub(super) capture: Capture,
    sink: &'a dyn Fn(&[u8]),
    /// Bytes that may be the start of the end token, held back until we know.
    carry: Vec<u8>,
}

impl<'a> Wait<'a> {
    pub(super) fn new(end: &'a str, seq: u64, limit: usize, sink: &'a dyn Fn(&[u8])) -> Self {
        Wait {
            end: end.as_bytes(),
            seq,
            capture: Capture::new(limit),
            sink,
            carry: Vec::new(),
        }
    }

    fn commit(&mut self, bytes: &[u8]) {
        (self.sink)(bytes);
        self.capture.push(bytes);
    }

    /// Takes a chunk; once the end token (`TOKEN:SEQ:STATUS:SHELL:PWD\0`) is in, returns
    /// what it tells and how many bytes of `chunk` it took: the rest is the next command's.
    /// Nothing is copied but the command's own output (into its capture) and, when a read
    /// ends inside a token, that token's start.
    pub(super) fn feed(&mut self, chunk: &[u8]) -> Option<(Ended, usize)> {
        if self.carry.is_empty() {
            return self.feed_joined(chunk, 0);
        }
        let mut joined = std::mem::take(&mut self.carry);
        let carried = joined.len();
        joined.extend_from_slice(chunk);
        self.feed_joined(&joined, carried)
    }

    /// `data` is `carried` bytes held back from before, then the new chunk.
    fn feed_joined(&mut self, data: &[u8], carried: usize) -> Option<(Ended, usize)> {
        let Some(at) = find(data, self.end) else {
            let keep = partial_suffix(data, self.end);
            self.commit(&data[..data.len() - keep]);
            self.carry = data[data.len() - keep..].to_vec();
            return None;
        };
        let after = &data[at + self.end.len()..];
        let ended = memchr::memchr(0, after).and_then(|nul| Some((parse_end(&after[..nul])?, nul)));
        let Some((ended, nul)) = ended else {
            // The token's line is not all in yet.
            self.commit(&data[..at]);
            self.carry = data[at..].to_vec();
            return None;
        };
        self.commit(&data[..at]);
        // The NUL came in this chunk (what was carried held none).
        let used = at + self.end.len() + nul + 1 - carried;
        Some((ended, used))
    }

    pub(super) fn finish(mut self) -> String {
        let carry = std::mem::take(&mut self.carry);
        self.commit(&carry);
        let mut output = self.capture.into_string();
        if let Some(at) = super::protocol::own_trace_start(output.as_bytes(), self.seq) {
            output.truncate(at);
        }
        untrace(output)
    }
}

/// `set -x` marks each level of `eval` with one more `+`; every command runs two levels
/// deep (the batch, then the command): a reader's terminal shows one `+` where we see three.
fn untrace(output: String) -> String {
    static DEEP: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"(?m)^\+\+(\++ )").expect("valid regex"));
    if output.contains("+++") {
        DEEP.replace_all(&output, "$1").into_owned()
    } else {
        output
    }
}

/// Watches output for the lines a reader waits to see before pressing Ctrl-C.
pub(super) struct Follower<'a> {
    shown: &'a [String],
    next: usize,
    line: Vec<u8>,
}

/// A line longer than this is not one the guide shows: only its start is kept.
const LONGEST_LINE: usize = 64 * 1024;

impl<'a> Follower<'a> {
    pub(super) fn new(shown: &'a [String]) -> Self {
        Follower {
            shown,
            next: 0,
            line: Vec::new(),
        }
    }

    pub(super) fn feed(&mut self, bytes: &[u8]) {
        if self.next >= self.shown.len() {
            return;
        }
        for &b in bytes {
            if b == b'\n' {
                let line = String::from_utf8_lossy(&self.line);
                if self.shown.get(self.next).is_some_and(|s| s == line.trim()) {
                    self.next += 1;
                }
                self.line.clear();
            } else if self.line.len() < LONGEST_LINE {
                self.line.push(b);
            }
        }
    }

    /// True once every shown line has appeared, in order (never for no shown lines).
    pub(super) fn saw_all(&self) -> bool {
        !self.shown.is_empty() && self.next == self.shown.len()
    }
}

/// What an end token tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Ended {
    /// None: not run (meant for a shell that did not start).
    pub status: Option<i32>,
    /// The pid of the shell that ran the command (`$$`).
    pub shell: i32,
    pub cwd: PathBuf,
}

/// `STATUS:SHELL:PWD` (the directory as bytes: it need not be UTF-8).
fn parse_end(bytes: &[u8]) -> Option<Ended> {
    use std::os::unix::ffi::OsStrExt;
    let mut parts = bytes.splitn(3, |&b| b == b':');
    let status = match std::str::from_utf8(parts.next()?).ok()? {
        "-" => None,
        status => Some(status.parse().ok()?),
    };
    let shell = std::str::from_utf8(parts.next()?).ok()?.parse().ok()?;
    let cwd = PathBuf::from(std::ffi::OsStr::from_bytes(parts.next()?));
    Some(Ended { status, shell, cwd })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// Length of the longest suffix of `data` that is a proper prefix of `token`.
pub(super) fn partial_suffix(data: &[u8], token: &[u8]) -> usize {
    (1..token.len().min(data.len() + 1))
        .rev()
        .find(|&n| data.ends_with(&token[..n]))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the shell 42 ends a command with.
    fn ended(status: i32, cwd: &str) -> Ended {
        Ended {
            status: Some(status),
            shell: 42,
            cwd: PathBuf::from(cwd),
        }
    }

    #[test]
    fn traces_lose_the_two_levels_guidecheck_adds() {
        assert_eq!(
            untrace("+++ echo hi\nhi\n++++ x=1\n+ ok\n".into()),
            "+ echo hi\nhi\n++ x=1\n+ ok\n"
        );
    }

    #[test]
    fn end_token_split_across_chunks_is_found() {
        let mut w = Wait::new("\x1eEND:1:", 1, 1024, &|_| {});
        assert_eq!(w.feed(b"hello\n\x1eEN"), None);
        assert_eq!(w.feed(b"D:1"), None);
        let ended = ended(7, "/w");
        assert_eq!(w.feed(b":7:42:/w\0next"), Some((ended, 9)));
        assert_eq!(w.finish(), "hello\n");
    }

    #[test]
    fn output_without_newline_before_the_token_is_kept_exactly() {
        let mut w = Wait::new("\x1eEND:2:", 2, 1024, &|_| {});
        let ended = ended(0, "/a:b\nc");
        let chunk = b"no newline\x1eEND:2:0:42:/a:b\nc\0";
        assert_eq!(w.feed(chunk), Some((ended, chunk.len())));
        assert_eq!(w.finish(), "no newline");
    }

    #[test]
    fn a_token_line_split_after_its_start_is_carried_whole() {
        let mut w = Wait::new("\x1eEND:3:", 3, 1024, &|_| {});
        assert_eq!(w.feed(b"out\n\x1eEND:3:0:4"), None);
        let ended = ended(0, "/w");
        assert_eq!(w.feed(b"2:/w\0\x1eEND:4:"), Some((ended, 5)));
        assert_eq!(w.finish(), "out\n");
    }

    #[test]
    fn partial_suffix_finds_token_prefixes() {
        assert_eq!(partial_suffix(b"abc\x1eE", b"\x1eEND"), 2);
        assert_eq!(partial_suffix(b"abc", b"\x1eEND"), 0);
    }
}
