//! One command's output, collected until its end token (`TOKEN:SEQ:STATUS:SHELL:PWD\0`), which
//! may arrive split across chunks; what follows it belongs to the next command. The token
//! ends with NUL, the one byte a directory name cannot hold.
//!
//! A command that succeeds prints its token on stdout (see `protocol`): when the shell's
//! stdout was sent elsewhere (`exec >log`), that token is lost. A later command's token, or
//! the batch's closing check (`TOKEN:L<last>:…`, sent past the redirection), then tells it
//! ended, with status 0, the only status whose token takes that way.

use super::capture::Capture;
use std::path::PathBuf;

/// Collects one command's output until its end token.
pub(super) struct Wait<'a> {
    /// `TOKEN:`: what every end token starts with.
    end: &'a [u8],
    /// The command's number (its end token's).
    seq: u64,
    pub(super) capture: Capture,
    sink: &'a dyn Fn(&[u8]),
    /// Bytes that may be the start of the end token, held back until we know.
    carry: Vec<u8>,
    /// Held-back bytes of a later command's token: what comes before the chunk's rest.
    pub(super) unread: Vec<u8>,
    /// Bytes still to come that were shown already (handed over by a command before).
    shown: usize,
}

impl<'a> Wait<'a> {
    pub(super) fn new(end: &'a str, seq: u64, limit: usize, sink: &'a dyn Fn(&[u8])) -> Self {
        Wait {
            end: end.as_bytes(),
            seq,
            capture: Capture::new(limit),
            sink,
            carry: Vec::new(),
            unread: Vec::new(),
            shown: 0,
        }
    }

    fn commit(&mut self, bytes: &[u8]) {
        let shown = self.shown.min(bytes.len());
        self.shown -= shown;
        (self.sink)(&bytes[shown..]);
        self.capture.push(bytes);
    }

    /// The first `n` bytes fed next were shown already (`hand_over`).
    pub(super) fn shown_already(&mut self, n: usize) {
        self.shown = n;
    }

    /// What was collected so far, taken away: on `End::Lost` it is the output of the
    /// command whose token came (mostly its errors, when stdout went elsewhere).
    pub(super) fn hand_over(&mut self) -> Vec<u8> {
        let limit = self.capture.limit();
        std::mem::replace(&mut self.capture, Capture::new(limit)).into_bytes()
    }

    /// Takes a chunk; once the command's end is in, returns it and how many bytes of `chunk`
    /// it took: the rest is the next commands'. Nothing is copied but the command's own
    /// output (into its capture) and, when a read ends inside a token, that token's start.
    pub(super) fn feed(&mut self, chunk: &[u8]) -> Option<(End, usize)> {
        if self.carry.is_empty() {
            return self.feed_joined(chunk, 0);
        }
        let mut joined = std::mem::take(&mut self.carry);
        let carried = joined.len();
        joined.extend_from_slice(chunk);
        self.feed_joined(&joined, carried)
    }

    /// `data` is `carried` bytes held back from before, then the new chunk.
    fn feed_joined(&mut self, data: &[u8], carried: usize) -> Option<(End, usize)> {
        let mut from = 0;
        loop {
            let Some(at) = find(&data[from..], self.end).map(|at| from + at) else {
                let keep = partial_suffix(&data[from..], self.end);
                self.commit(&data[from..data.len() - keep]);
                self.carry = data[data.len() - keep..].to_vec();
                return None;
            };
            let after = &data[at + self.end.len()..];
            let token = memchr::memchr(0, after).and_then(|nul| Some((parse_token(&after[..nul])?, nul)));
            let Some((token, nul)) = token else {
                // The token's line is not all in yet.
                self.commit(&data[from..at]);
                self.carry = data[at..].to_vec();
                return None;
            };
            let past = at + self.end.len() + nul + 1;
            let end = match token {
                Token::End(seq, ended) if seq == self.seq => Some((End::Token(ended), past)),
                // The batch's check, sent because this, its last command's, token was lost.
                Token::Lost(last, ended) if last == self.seq => Some((End::Token(ended), past)),
                // A later command's token, or a later one's check: this one's was lost. The
                // token stays for the command it ends.
                Token::End(seq, _) | Token::Lost(seq, _) if seq > self.seq => Some((End::Lost, at)),
                // An earlier command's, late (its stdout went through a pipe of its own).
                _ => None,
            };
            self.commit(&data[from..at]);
            if let Some((end, used)) = end {
                // What was carried came before this chunk: only the chunk's bytes count, and
                // a token not taken that began in it goes back (`unread`).
                self.unread = data[used.min(carried)..carried].to_vec();
                return Some((end, used.saturating_sub(carried)));
            }
            from = past;
        }
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

/// How a command's end was known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum End {
    /// By its token.
    Token(Ended),
    /// By a later token: its own, printed on a stdout sent elsewhere, was lost. It succeeded;
    /// where it left the shell is not known.
    Lost,
}

/// An end token: a command's (`SEQ:…`), or a batch's closing check (`L<last>:…`).
enum Token {
    End(u64, Ended),
    Lost(u64, Ended),
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

/// `SEQ:STATUS:SHELL:PWD` or `L<last>:STATUS:SHELL:PWD`.
fn parse_token(bytes: &[u8]) -> Option<Token> {
    let colon = memchr::memchr(b':', bytes)?;
    let (id, rest) = (std::str::from_utf8(&bytes[..colon]).ok()?, &bytes[colon + 1..]);
    let ended = parse_end(rest)?;
    match id.strip_prefix('L') {
        Some(last) => Some(Token::Lost(last.parse().ok()?, ended)),
        None => Some(Token::End(id.parse().ok()?, ended)),
    }
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

    /// A wait for command `seq`, whose tokens start `\x1eEND:`.
    fn wait(seq: u64) -> Wait<'static> {
        Wait::new("\x1eEND:", seq, 1024, &|_| {})
    }

    /// The end of a command by its own token, `used` bytes into the chunk.
    fn token(status: i32, cwd: &str, used: usize) -> Option<(End, usize)> {
        Some((End::Token(ended(status, cwd)), used))
    }

    #[test]
    fn end_token_split_across_chunks_is_found() {
        let mut w = wait(1);
        assert_eq!(w.feed(b"hello\n\x1eEN"), None);
        assert_eq!(w.feed(b"D:1"), None);
        assert_eq!(w.feed(b":7:42:/w\0next"), token(7, "/w", 9));
        assert_eq!(w.finish(), "hello\n");
    }

    #[test]
    fn output_without_newline_before_the_token_is_kept_exactly() {
        let mut w = wait(2);
        let chunk = b"no newline\x1eEND:2:0:42:/a:b\nc\0";
        assert_eq!(w.feed(chunk), token(0, "/a:b\nc", chunk.len()));
        assert_eq!(w.finish(), "no newline");
    }

    #[test]
    fn a_token_line_split_after_its_start_is_carried_whole() {
        let mut w = wait(3);
        assert_eq!(w.feed(b"out\n\x1eEND:3:0:4"), None);
        assert_eq!(w.feed(b"2:/w\0\x1eEND:4:"), token(0, "/w", 5));
        assert_eq!(w.finish(), "out\n");
    }

    #[test]
    fn a_later_token_ends_a_command_whose_own_was_lost_and_stays_for_its_command() {
        let mut w = wait(5);
        assert_eq!(w.feed(b"out\n"), None);
        let chunk = b"err\n\x1eEND:7:1:42:/w\0";
        assert_eq!(w.feed(chunk), Some((End::Lost, 4)));
        assert_eq!(w.hand_over(), b"out\nerr\n");
        assert_eq!(w.finish(), "");
        // The same with the later token's start read before: it goes back, unread.
        let mut w = wait(5);
        assert_eq!(w.feed(b"err\n\x1eEND:7:1:4"), None);
        assert_eq!(w.feed(b"2:/w\0"), Some((End::Lost, 0)));
        assert_eq!(w.unread, b"\x1eEND:7:1:4");
    }

    #[test]
    fn the_closing_check_ends_the_last_command_of_its_batch_and_the_ones_before() {
        let check = b"\x1eEND:L9:0:42:/w\0";
        assert_eq!(wait(8).feed(check), Some((End::Lost, 0)));
        assert_eq!(wait(9).feed(check), token(0, "/w", check.len()));
    }

    #[test]
    fn a_late_token_of_an_earlier_command_is_not_output() {
        let mut w = wait(4);
        let chunk = b"a\x1eEND:2:0:42:/w\0b\x1eEND:L3:0:42:/w\0c\x1eEND:4:0:42:/x\0";
        assert_eq!(w.feed(chunk), token(0, "/x", chunk.len()));
        assert_eq!(w.finish(), "abc");
    }

    #[test]
    fn partial_suffix_finds_token_prefixes() {
        assert_eq!(partial_suffix(b"abc\x1eE", b"\x1eEND"), 2);
        assert_eq!(partial_suffix(b"abc", b"\x1eEND"), 0);
    }
}
