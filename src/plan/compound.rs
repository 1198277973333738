//! Whether a command typed at a prompt is still open, as bash would see it: the reader's
//! next lines (at the `> ` prompt) belong to it.

/// What keeps a command open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Open {
    /// A trailing `\`, `|`, `&&` or `||`, or an unclosed quote: bash reads on, whatever comes.
    Line,
    /// An unclosed compound command (`for … do` with no `done`, `if` with no `fi`, `{`,
    /// `case`) or parenthesis: the lines up to its end, at the `> ` prompt.
    Compound,
}

/// What keeps `command` open, if anything. Its heredocs' bodies are text, not words.
pub fn open(command: &str) -> Option<Open> {
    let words = super::heredoc::without_bodies(command);
    let command = words.as_ref();
    let trimmed = command.trim_end();
    let operator = ["\\", "|", "&&"].iter().any(|op| trimmed.ends_with(op));
    // Most commands hold no quote, bracket, brace or word that opens a compound command.
    if !may_open(command.as_bytes()) {
        return operator.then_some(Open::Line);
    }
    let scan = Scan::of(command);
    if operator || scan.quoted {
        return Some(Open::Line);
    }
    (scan.parens > 0 || !scan.closers.is_empty()).then_some(Open::Compound)
}

/// False when `command` holds no quote, bracket or brace, and no word that opens a compound
/// command starts a word: one pass over its bytes, for the many commands that are plain.
fn may_open(command: &[u8]) -> bool {
    const OPENERS: [&[u8]; 6] = [b"for", b"while", b"until", b"select", b"if", b"case"];
    command.iter().enumerate().any(|(at, &b)| match b {
        b'\'' | b'"' | b'(' | b'{' => true,
        b'f' | b'w' | b'u' | b's' | b'i' | b'c' => {
            let word_start = at == 0 || matches!(command[at - 1], b' ' | b'\t' | b'\n' | b';' | b'&' | b'|');
            word_start && OPENERS.iter().any(|w| command[at..].starts_with(w))
        }
        _ => false,
    })
}

/// Whether a `(` after `word` opens something bash reads on for: a subshell or a function's
/// `()` where a command starts, a substitution (`$(`, `<(`, `>(`), an array (`a=(`) or an
/// extended glob (`!(`, `@(`, …). Elsewhere (`echo (`) it is a syntax error at once.
fn opens(word: &str, at_command: bool) -> bool {
    at_command || word.ends_with(['$', '<', '>', '=', '!', '@', '*', '+', '?'])
}

/// A pass over the command's words, outside quotes and comments.
#[derive(Default)]
struct Scan {
    /// The words that close the compound commands still open, innermost last.
    closers: Vec<&'static str>,
    parens: usize,
    quoted: bool,
}

impl Scan {
    fn of(command: &str) -> Scan {
        let mut scan = Scan::default();
        // The current word is `command[start..at]`; a quote or `\` in it makes it no keyword.
        let (mut start, mut word_quoted, mut command_start) = (0, false, true);
        let mut chars = command.char_indices().peekable();
        let (mut single, mut double) = (false, false);
        while let Some((at, c)) = chars.next() {
            match c {
                _ if single => single = c != '\'',
                '\\' if double => {
                    chars.next();
                }
                '"' if double => double = false,
                _ if double => {}
                '\\' => {
                    chars.next();
                    word_quoted = true;
                }
                '\'' | '"' => {
                    (single, double) = (c == '\'', c == '"');
                    word_quoted = true;
                }
                '#' if start == at && !word_quoted => while chars.next_if(|&(_, n)| n != '\n').is_some() {},
                ' ' | '\t' | '\n' | ';' | '&' | '|' | '(' | ')' => {
                    let (word, at_command) = (&command[start..at], command_start);
                    command_start = scan.word(word, word_quoted, command_start);
                    (start, word_quoted) = (at + 1, false);
                    match c {
                        '(' if opens(word, at_command) => scan.parens += 1,
                        ')' => scan.parens = scan.parens.saturating_sub(1),
                        _ => {}
                    }
                    command_start |= !matches!(c, ' ' | '\t');
                }
                _ => {}
            }
        }
        scan.word(command.get(start..).unwrap_or(""), word_quoted, command_start);
        scan.quoted = single || double;
        scan
    }

    /// Reads one word; gives whether the next word starts a command.
    fn word(&mut self, word: &str, quoted: bool, command_start: bool) -> bool {
        if word.is_empty() {
            return command_start;
        }
        if quoted || !command_start {
            // `esac` may follow a pattern's `;;` or a last command with none.
            if word == "esac" && self.closers.last() == Some(&"esac") {
                self.closers.pop();
            }
            return false;
        }
        match word {
            "for" | "select" => self.closers.push("done"),
            "while" | "until" => {
                self.closers.push("done");
                return true;
            }
            "if" => {
                self.closers.push("fi");
                return true;
            }
            "case" => self.closers.push("esac"),
            "{" => {
                self.closers.push("}");
                return true;
            }
            "done" | "fi" | "esac" | "}" if self.closers.last() == Some(&word) => {
                self.closers.pop();
            }
            "then" | "do" | "else" | "elif" | "!" | "time" => return true,
            _ => {}
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complete_commands_are_not_open() {
        for command in [
            "echo done",
            "for i in 1 2; do echo $i; done",
            "if true; then echo y; else echo n; fi",
            "{ echo a; echo b; } > f",
            "while read l; do echo \"$l\"; done < f",
            "case $x in a) echo a;; *) echo b;; esac",
            "case $x in a) echo a;; esac",
            "f() { echo f; }",
            "echo $((1 + 2)) $(date)",
            "nix-build -E '(import <nixpkgs> {}).hello'",
            "echo 'if' \"for\" \\{",
            "echo {a,b}  # a comment with for and if",
            "time for i in 1; do :; done",
            // A `(` among a command's arguments is a syntax error, not an opening.
            "echo (",
            "echo ( a",
            "ls -l (x",
        ] {
            assert_eq!(open(command), None, "{command}");
        }
    }

    #[test]
    fn open_commands_say_why() {
        for command in [
            "for i in 1 2; do",
            "for i in 1 2; do\n  echo $i",
            "if [ -e f ]; then",
            "while true",
            "{",
            "f() {",
            "case $x in",
            "echo $(date",
            "(cd sub",
            "true && (cd sub",
            "a=(1 2",
            "diff <(sort a",
            "echo $((1 +",
            "if (true",
        ] {
            assert_eq!(open(command), Some(Open::Compound), "{command}");
        }
        // A heredoc's body is text: `for` or `(` in it opens nothing.
        assert_eq!(open("if true; then cat <<EOF\nbody (with for)\nEOF\nfi"), None);
        assert_eq!(
            open("if true; then cat <<EOF\nbody (with for)\nEOF"),
            Some(Open::Compound)
        );
        for command in ["ls \\", "cat f |", "true &&", "echo 'it", "echo \"a"] {
            assert_eq!(open(command), Some(Open::Line), "{command}");
        }
    }
}
