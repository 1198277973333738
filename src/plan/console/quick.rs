//! Answers about the built-in prompts that need no regex: most lines of a guide are
//! decided by their first bytes, and a guide whose lines all are never compiles the
//! prompts' pattern (a third of a millisecond at every start).
//!
//! Only for the built-in prompts (`super::DEFAULT_PROMPTS` and Nix's), with none from the
//! settings; `None` means "ask the pattern".

/// `Some(end of the prompt)` or `Some(None)` (no built-in prompt starts the line), when
/// that is plain from its start.
pub(super) fn prompt_end(line: &str) -> Option<Option<usize>> {
    let bytes = line.as_bytes();
    let Some(&first) = bytes.first() else {
        return Some(None);
    };
    if line.starts_with("$ ") {
        // The first prompt of the first alternative: no other is tried.
        return Some(Some(2));
    }
    let may_start = match first {
        b'$' | b'%' | b'(' | b'[' | b'~' => true,
        // `❯`, `➜`: not ASCII.
        _ if !first.is_ascii() => true,
        // `user@host…`, `bash-5.2$ `, or an entered shell's.
        b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'.' | b'-' => {
            bytes.contains(&b'@')
                || line.starts_with("bash-")
                || line.starts_with("sh-")
                || nested(line).is_none()
        }
        _ => false,
    };
    (!may_start).then_some(None)
}

/// `Some(false)` when no entered shell's built-in prompt can start the line.
pub(super) fn nested(line: &str) -> Option<bool> {
    let may = crate::nix::PROMPT_STARTS
        .iter()
        .any(|start| line.starts_with(start));
    (!may).then_some(false)
}

#[cfg(test)]
mod tests {
    use super::super::Prompts;

    /// Lines made of the parts prompts (and what is not one) are made of.
    fn line() -> impl proptest::strategy::Strategy<Value = String> {
        const PARTS: [&str; 34] = [
            "$ ",
            "$",
            "% ",
            "%",
            "❯ ",
            "➜ ",
            "➜",
            "alice",
            "@",
            "host",
            ":",
            "~",
            "/",
            "(venv) ",
            "(",
            ")",
            "[",
            "]",
            "nix-shell",
            "nix",
            "bash-5.2",
            "sh-",
            "# ",
            "#",
            " ",
            "\t",
            "1",
            ".",
            "-",
            "_",
            "> ",
            "git:(main)",
            "✗",
            "é",
        ];
        crate::properties::made_of(&PARTS, 7)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 8192, ..Default::default() })]

        #[test]
        fn quick_answers_agree_with_the_prompt_pattern(line in line()) {
            let prompts = Prompts::default();
            let pattern = prompts.compiled();
            if let Some(end) = super::prompt_end(&line) {
                let real = pattern.any.find(line.as_bytes()).filter(|m| m.start() == 0).map(|m| m.end());
                proptest::prop_assert_eq!(end, real, "{:?}", line);
            }
            if let Some(nested) = super::nested(&line) {
                let real = pattern.nested.find(line.as_bytes()).is_some_and(|m| m.start() == 0);
                proptest::prop_assert_eq!(nested, real, "{:?}", line);
            }
        }
    }

    #[test]
    fn most_lines_are_decided_without_the_pattern() {
        for line in [
            "$ echo hi",
            "hello",
            "  indented",
            "x = 1;",
            "# comment",
            "",
            "error: x",
        ] {
            assert!(super::prompt_end(line).is_some(), "{line:?}");
        }
        for line in [
            "alice@host:~$ ls",
            "(venv) $ ls",
            "[nix-shell:~]$ make",
            "➜ dir ls",
        ] {
            assert!(super::prompt_end(line).is_none(), "{line:?}");
        }
    }
}
