//! Normalisation of both sides before comparing: terminal escapes, redraws, the workspace
//! path, Nix's varying output (see `nix::normalize`), user redactions, and whitespace.

use regex::Regex;
use std::borrow::Cow;
use std::path::Path;
use std::sync::LazyLock;

/// A user redaction from config: `[[redact]] pattern = "…" replace = "…"`.
#[derive(Debug, Clone)]
pub struct Redaction {
    pub pattern: Regex,
    pub replace: String,
}

/// Normalises text the same way on both sides.
#[derive(Debug, Clone, Default)]
pub struct Normalizer {
    /// Literal paths to redact, longest first, with their placeholder.
    paths: Vec<(String, &'static str)>,
    /// On the shown side: any absolute path before one of these file names is the author's
    /// workspace (`/home/alice/hello/hello.nix` → `[WORKSPACE]/hello.nix`).
    author_paths: Option<Regex>,
    redactions: Vec<Redaction>,
    /// Which real lines are errors a reader would notice.
    errors: crate::failure::ErrorLines,
}

static OSC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\x1b\][^\x1b\x07]*(?:\x1b\\|\x07)").expect("valid"));
static CSI: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\x1b\[[0-9;?]*[A-Za-z]").expect("valid"));
static REDRAW: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?m)^[^\n]*\r([^\r\n])").expect("valid"));
static CONTROL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]").expect("valid"));
/// The session's bash numbers the lines it read (`bash: line 13: x: command not found`,
/// `bash: eval: line 13: syntax error …`); a reader's interactive shell does not.
static SESSION_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^bash: (?:eval: )?line [0-9]+: ").expect("valid"));
/// After a syntax error, a non-interactive bash quotes the line it could not read
/// (``bash: eval: line 13: `echo ('``); an interactive one does not.
static QUOTED_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^(bash: (?:eval: )?line ([0-9]+): syntax error[^\n]*\n)bash: (?:eval: )?line ([0-9]+): `[^\n]*'$\n?")
        .expect("valid")
});
/// Shells and distributions word "no such command" their own way; a guide written on one
/// shows what a reader elsewhere sees as bash's `bash: NAME: command not found` (NixOS's
/// handler is a Nix rule). Ubuntu's install hints that follow are dropped with it.
static NOT_FOUND: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?m)^(?:(?:zsh|bash|sh): command not found: (\S+)",
        r"|-bash: (\S+): command not found",
        r"|(?:sh|dash): [0-9]+: (\S+): not found",
        r"|fish: Unknown command:? '?([^ \t\n\r\x0B\x0C']+)'?",
        r"|Command '(\S+)' not found[^\n]*",
        r"(?:\n(?:[ \t]*|(?:sudo )?(?:apt|apt-get|snap) install [^\n]*|[ \t]+command '[^\n]*|Try: [^\n]*|See 'snap info[^\n]*))*",
        r")[ \t]*$"
    ))
    .expect("valid")
});
/// A home folder as a guide's author or a reader has it (`/home/alice`, `/Users/bob`,
/// root's `/root`): whose it is varies by machine, as the session's `[HOME]` does (which
/// `--bless` wrote as `[ROOT]/home` before it had a name).
static HOME_PATH: LazyLock<Regex> = LazyLock::new(|| {
    // A name ends where its characters do; `/root` and `[ROOT]/home` at a word's end.
    // ASCII classes, here and in `NOT_FOUND`: Unicode `\s`, `\d` and `\b` cost a fifth of
    // a millisecond or more to compile, on the path of every output that holds the word.
    Regex::new(
        r#"(?m)(^|[ \t\n\r\x0B\x0C'"=:(\[,])(?:/home/[A-Za-z0-9._-]+|/Users/[A-Za-z0-9._-]+|/root(?-u:\b)|\[ROOT\]/home(?-u:\b))"#,
    )
    .expect("valid")
});

/// The units a duration may have, longest first (`ms` before `s`).
const UNITS: [&str; 16] = [
    "minutes", "seconds", "minute", "second", "hours", "mins", "secs", "hour", "hrs", "min", "sec", "hr",
    "ms", "ns", "us", "µs",
];

/// Replaces each duration, which varies from run to run, with `[DURATION]`: `4.2s`,
/// `0m4.884s` (bash's `time`), `1h 2m 3s`, `120 ms`, `3 seconds`, `2 min`; also one whose
/// number a guide covers with `[..]` (`took [..]s`). By hand: as a regex it cost a third of
/// a millisecond to compile, on most outputs with a number in them.
fn durations(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let word = |i: usize| {
        bytes
            .get(i)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
    };
    let mut out = String::new();
    let (mut copied, mut at) = (0, 0);
    while at < bytes.len() {
        let starts =
            (bytes[at].is_ascii_digit() && (at == 0 || !word(at - 1))) || text[at..].starts_with("[..]");
        match starts.then(|| duration_end(text, at)).flatten() {
            Some(end) if !word(end) => {
                out.push_str(&text[copied..at]);
                out.push_str("[DURATION]");
                (copied, at) = (end, end);
            }
            _ => at += text[at..].chars().next().map_or(1, char::len_utf8),
        }
    }
    if copied == 0 {
        return std::borrow::Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    std::borrow::Cow::Owned(out)
}

/// Where a duration that starts at `at` ends: `[Nh ][Nm ]N(.N)?s`, `N(.N)? ?UNIT`, or
/// `[..]` in place of the last number.
fn duration_end(text: &str, at: usize) -> Option<usize> {
    let number = |from: usize| -> Option<usize> {
        if text[from..].starts_with("[..]") {
            return Some(from + 4);
        }
        let digits = |i: usize| i + text[i..].bytes().take_while(u8::is_ascii_digit).count();
        let end = digits(from);
        (end > from).then(|| match text[end..].strip_prefix('.') {
            Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => digits(end + 1),
            _ => end,
        })
    };
    let space = |i: usize| i + usize::from(text[i..].starts_with(' '));
    // Hours and minutes before seconds: `1h 2m 3s`, `0m4.884s`.
    let mut from = at;
    let whole = |i: usize| i + text[i..].bytes().take_while(u8::is_ascii_digit).count();
    for part in ['h', 'm'] {
        if let Some(end) = Some(whole(from)).filter(|&e| e > from && text[e..].starts_with(part)) {
            let next = space(end + 1);
            if number(next).is_some() {
                from = next;
            }
        }
    }
    let end = number(from)?;
    if from > at {
        return text[end..].starts_with('s').then_some(end + 1);
    }
    let unit_at = space(end);
    let unit = UNITS
        .iter()
        .chain(&["s"])
        .find(|u| text[unit_at..].starts_with(*u))?;
    Some(unit_at + unit.len())
}

impl Normalizer {
    /// A normaliser that also redacts a run's workspace (`[WORKSPACE]` for the directory the
    /// guide runs in, `[ROOT]` for the rest of it).
    pub fn new(workspace: Option<(&Path, &Path)>, redactions: Vec<Redaction>) -> Self {
        let mut paths = Vec::new();
        if let Some((root, work)) = workspace {
            paths.push((work.display().to_string(), "[WORKSPACE]"));
            // The session's HOME (`run::workspace` puts it beside `work`).
            paths.push((root.join("home").display().to_string(), "[HOME]"));
            paths.push((root.display().to_string(), "[ROOT]"));
        }
        Normalizer {
            paths,
            redactions,
            author_paths: None,
            errors: crate::failure::ErrorLines::default(),
        }
    }

    /// The same, with these error-line rules (config `[errors]`).
    pub fn with_errors(mut self, errors: crate::failure::ErrorLines) -> Self {
        self.errors = errors;
        self
    }

    pub fn errors(&self) -> &crate::failure::ErrorLines {
        &self.errors
    }

    /// Also treats an absolute path before a file the guide writes as the workspace.
    pub fn with_guide_files(mut self, files: &[String]) -> Self {
        let names: Vec<String> = files
            .iter()
            .filter(|f| !f.is_empty())
            .map(|f| regex::escape(f))
            .collect();
        if !names.is_empty() {
            // From a path's start only: not inside `[WORKSPACE]/sub/file`.
            let pattern = format!(
                r#"(?m)(^|[\s'"=(,:])(?:/[^\s:'"\[\]]+)+/((?:{})\b)"#,
                names.join("|")
            );
            self.author_paths = Regex::new(&pattern).ok();
        }
        self
    }

    /// Normalises the guide's side: `text` plus the author's workspace paths.
    pub fn shown_lines(&self, text: &str) -> Vec<String> {
        let Some(re) = &self.author_paths else {
            return self.lines(text);
        };
        // A path under a home folder is left to the comparison, which reads the author's
        // folder there as the reader's with what follows it kept (`compare::matcher`).
        let replaced = re.replace_all(text, |caps: &regex::Captures| {
            let path = &caps[0][caps[1].len()..];
            match HOME_PATH.is_match(path) {
                true => caps[0].to_string(),
                false => format!("{}[WORKSPACE]/{}", &caps[1], &caps[2]),
            }
        });
        self.lines(&replaced)
    }

    /// Whether shown text is read with author folders (`shown_lines` differs from `lines`).
    pub fn reads_author_folders(&self) -> bool {
        self.author_paths.is_some()
    }

    /// Normalises a whole output (multi-line rules need it whole), then splits it into lines.
    pub fn lines(&self, text: &str) -> Vec<String> {
        self.text(text).lines().map(String::from).collect()
    }

    pub fn text(&self, text: &str) -> String {
        let mut text = crate::nix::normalize::apply(self.display(text));
        if text.contains("not found") || text.contains("Unknown command") {
            text = NOT_FOUND
                .replace_all(&text, "bash: $1$2$3$4$5: command not found")
                .into_owned();
        }
        if text.contains("/home") || text.contains("/Users/") || text.contains("/root") {
            text = HOME_PATH.replace_all(&text, "${1}[HOME]").into_owned();
        }
        if text.contains(['\u{2018}', '\u{2019}']) {
            // GNU tools quote a name ‘so’ in a UTF-8 locale and 'so' in the C locale: that
            // is the reader's locale, not the guide.
            text = text.replace(['\u{2018}', '\u{2019}'], "'");
        }
        for r in &self.redactions {
            text = r.pattern.replace_all(&text, r.replace.as_str()).into_owned();
        }
        // Alignment differs between versions and terminals: compare words, not columns.
        let mut out = String::with_capacity(text.len());
        for line in text.lines() {
            let line = line.trim();
            if line.contains("  ") || line.contains('\t') {
                collapse_runs(line, &mut out);
            } else {
                out.push_str(line);
            }
            out.push('\n');
        }
        // After the user's redactions, which may name durations their own way, and after
        // the columns (`0  s` is `0 s`, a duration).
        if let std::borrow::Cow::Owned(replaced) = durations(&out) {
            out = replaced;
        }
        // Trailing blank lines carry nothing (and `lines()` would not keep them stable).
        out.truncate(out.trim_end_matches('\n').len());
        out
    }

    /// Real output as a reader would see it in a guide: terminal escapes and redraws
    /// resolved, the workspace path as `[WORKSPACE]`, Nix's network noise dropped.
    /// This is what `--bless` writes.
    pub fn display(&self, text: &str) -> String {
        // Each rule only where it can apply: most outputs are plain lines.
        let mut text = if text.contains('\x1b') {
            Cow::Owned(CSI.replace_all(&OSC.replace_all(text, ""), "").into_owned())
        } else {
            Cow::Borrowed(text)
        };
        if text.contains('\r') {
            // A `\r` not followed by a newline is a terminal redraw: keep what was drawn last.
            text = Cow::Owned(text.replace("\r\n", "\n"));
            while REDRAW.is_match(&text) {
                text = Cow::Owned(REDRAW.replace_all(&text, "$1").into_owned());
            }
            text = Cow::Owned(text.replace('\r', ""));
        }
        if text
            .bytes()
            .any(|b| (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f)
        {
            text = Cow::Owned(CONTROL.replace_all(&text, "").into_owned());
        }
        for (path, placeholder) in &self.paths {
            if text.contains(path.as_str()) {
                text = Cow::Owned(text.replace(path.as_str(), placeholder));
            }
        }
        if text.contains("bash: line ") || text.contains("bash: eval: line ") {
            if text.contains(": syntax error") {
                let unquoted = QUOTED_LINE.replace_all(&text, |c: &regex::Captures| match c[2] == c[3] {
                    true => c[1].to_string(),
                    false => c[0].to_string(),
                });
                text = Cow::Owned(unquoted.into_owned());
            }
            text = Cow::Owned(SESSION_LINE.replace_all(&text, "bash: ").into_owned());
        }
        crate::nix::normalize::drop_noise(text).into_owned()
    }
}

/// Pushes `line` with each run of two or more blanks (spaces, tabs) after a character that
/// is not whitespace cut to one space: alignment, not words. (A regex, `(\S)[ \t]{2,}`,
/// cost a third of a millisecond to compile, on most outputs.)
fn collapse_runs(line: &str, out: &mut String) {
    let mut chars = line.char_indices().peekable();
    let mut after_word = false;
    while let Some((at, c)) = chars.next() {
        if after_word && (c == ' ' || c == '\t') {
            let mut end = at + c.len_utf8();
            while let Some(&(next_at, next)) = chars.peek() {
                if next != ' ' && next != '\t' {
                    break;
                }
                end = next_at + next.len_utf8();
                chars.next();
            }
            let run = &line[at..end];
            out.push_str(if run.len() >= 2 { " " } else { run });
            after_word = false;
            continue;
        }
        out.push(c);
        after_word = !c.is_whitespace();
    }
}

#[cfg(test)]
#[path = "normalize/tests.rs"]
mod tests;
