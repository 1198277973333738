//! Commands bash can run as written in a batch line, without an `eval` of their own: one
//! simple command on one line, with nothing that could reach past its end (a quote left
//! open, a comment, a backslash, an operator, a redirection, a group, a substitution, a
//! keyword). Everything else keeps its `eval` (`protocol::command_line`), which holds any
//! text, broken or not, to itself.

/// Words bash reads as its grammar at the start of a command.
const KEYWORDS: [&str; 20] = [
    "if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while", "until", "do", "done",
    "in", "function", "time", "coproc", "!", "[[", "]]",
];

/// Whether `text` is one simple command that can stand in a batch line as it is.
pub fn is_simple(text: &str) -> bool {
    let first = text.split([' ', '\t']).find(|w| !w.is_empty()).unwrap_or("");
    !first.is_empty() && !KEYWORDS.contains(&first) && words_are_plain(text.as_bytes())
}

/// Every byte is a plain word character, a blank, or inside a closed quote that holds no
/// substitution; `$` only starts a variable (`$NAME`, `${NAME}`, `$?`, `$1`, …).
fn words_are_plain(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        i = match bytes[i] {
            b'\'' => match bytes[i + 1..].iter().position(|&b| b == b'\'') {
                Some(end) if !bytes[i + 1..i + 1 + end].contains(&b'\n') => i + end + 2,
                _ => return false,
            },
            b'"' => {
                let mut k = i + 1;
                loop {
                    match bytes.get(k) {
                        Some(b'"') => break k + 1,
                        Some(b'$') => match variable(&bytes[k..]) {
                            Some(n) => k += n,
                            None => return false,
                        },
                        Some(b'\\' | b'`' | b'\n' | b'!') | None => return false,
                        Some(_) => k += 1,
                    }
                }
            }
            b'$' => match variable(&bytes[i..]) {
                Some(n) => i + n,
                None => return false,
            },
            b if b.is_ascii_alphanumeric() || b" \t-_./=:,+@%^~*?[]".contains(&b) || b >= 0x80 => i + 1,
            _ => return false,
        };
    }
    true
}

/// The length of the variable reference `$…` at the start of `bytes`, if it is one.
fn variable(bytes: &[u8]) -> Option<usize> {
    let name = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    match bytes.get(1)? {
        b'?' | b'$' | b'#' | b'@' | b'*' | b'0'..=b'9' => Some(2),
        b'{' => {
            let len = bytes[2..].iter().take_while(|b| name(b)).count();
            (len > 0 && bytes.get(2 + len) == Some(&b'}')).then_some(3 + len)
        }
        b if b.is_ascii_alphabetic() || *b == b'_' => {
            Some(1 + bytes[1..].iter().take_while(|b| name(b)).count())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_commands_stand_as_they_are() {
        for text in [
            "echo line 1",
            "cd sub/dir",
            "export GREETING=hello",
            "nix-build -A hello",
            "echo \"$HOME\" \"${TMPDIR}\" $? $1",
            "echo 'a ; & | > # $(x) `y` \\ \"'",
            "ls -la *.nix [ab]",
            "X=1 env",
            "echo héllo",
        ] {
            assert!(is_simple(text), "{text}");
        }
    }

    #[test]
    fn anything_that_could_reach_past_the_line_keeps_its_eval() {
        for text in [
            "",
            "   ",
            "echo \"open",
            "echo 'open",
            "echo a # comment",
            "echo a\\",
            "echo a; echo b",
            "echo a && echo b",
            "echo a | wc",
            "sleep 1 &",
            "echo a > f",
            "cat < f",
            "(cd x)",
            "{ echo; }",
            "echo $(date)",
            "echo `date`",
            "echo \"$(date)\"",
            "echo $((1+2))",
            "echo $'x'",
            "echo ${x:-y}",
            "echo \"${x:-y}\"",
            "if true",
            "fi",
            "! false",
            "[[ -f x ]]",
            "time ls",
            "for x in a",
            "echo a\necho b",
            "echo \"a\nb\"",
            "echo \"hi!\"",
            "f() { :; }",
        ] {
            assert!(!is_simple(text), "{text:?}");
        }
    }
}
