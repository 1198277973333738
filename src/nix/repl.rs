//! `nix repl` transcripts: `nix-repl> ` inputs and the answers shown under them. All of a
//! block's inputs go to one real REPL, each followed by a marker string, so the real output
//! splits into one answer per input.

/// The REPL's prompt.
pub const PROMPT: &str = "nix-repl> ";

/// How a transcript that starts at the prompt was started.
pub const COMMAND: &str = "nix repl";

/// Does this command start a REPL?
pub fn is_repl(command: &str) -> bool {
    super::subcommand(command) == Some("repl")
}

/// The input after the prompt, when `line` is a REPL prompt line.
pub fn input(line: &str) -> Option<&str> {
    line.strip_prefix(PROMPT)
        .or_else(|| (line == PROMPT.trim_end()).then_some(""))
}

/// Is `line` a continuation of an incomplete `input`? The REPL shows continuation lines
/// indented under the prompt.
pub fn continues(input: &str, line: &str) -> bool {
    let indent = line.len() - line.trim_start().len();
    indent >= PROMPT.len()
        && !input.trim_start().starts_with(':')
        && !super::syntax::analyze(input).errors.is_empty()
}

/// The terminal width the REPL is told it has.
const REPL_COLUMNS: usize = 100_000;

fn marker(i: usize) -> String {
    format!("\"__guidecheck_answer_{i}\"")
}

/// The shell text that runs `command` (`nix repl …`) on the inputs, each followed by its
/// marker. `:q` ends a transcript, so it is not sent.
pub fn script(command: &str, inputs: &[String]) -> String {
    let mut body = String::new();
    for (i, input) in inputs.iter().enumerate() {
        if matches!(input.trim(), ":q" | ":quit") {
            continue;
        }
        body.push_str(input);
        body.push('\n');
        body.push_str(&marker(i));
        body.push('\n');
    }
    // A wide line: on a dumb terminal the line editor shows an input longer than its 80
    // columns scrolled (`\r<…tail`), which hides the echo the answers are cut at.
    format!(
        "COLUMNS={REPL_COLUMNS} {} <<'__GUIDECHECK_REPL__'\n{body}__GUIDECHECK_REPL__",
        command.trim()
    )
}

/// The real answer to each input, from the REPL's (de-ANSI'd) output: what it printed
/// between the echo of the input and the echo of its marker, blank lines dropped.
pub fn answers(output: &str, inputs: &[String]) -> Vec<Vec<String>> {
    let mut answers = Vec::new();
    let mut rest: Vec<&str> = output.lines().collect();
    for (i, input) in inputs.iter().enumerate() {
        let marker = marker(i);
        let end = rest
            .iter()
            .position(|l| l.trim() == marker || input_echo(l) == Some(marker.as_str()))
            .unwrap_or(rest.len());
        let echoed: Vec<&str> = input.lines().map(str::trim).filter(|e| !e.is_empty()).collect();
        // The input lines the REPL echoes bare (all of them, or those after the one at its
        // prompt), each once, before the answer, which may be the same text (`{ a = 1; }`
        // is its own value).
        let mut bare = echoed.clone();
        for at_prompt in rest[..end].iter().filter_map(|l| input_echo(l)) {
            if let Some(k) = bare.iter().position(|e| *e == at_prompt.trim()) {
                bare.remove(k);
            }
        }
        let answer = rest[..end]
            .iter()
            .filter(|l| !l.trim().is_empty())
            .filter(|l| !l.starts_with("Welcome to "))
            .filter(|l| input_echo(l).is_none_or(|e| !e.is_empty() && !echoed.contains(&e.trim())))
            .filter(|l| {
                let bare_echo = bare.first() == Some(&l.trim());
                if bare_echo {
                    bare.remove(0);
                }
                !bare_echo
            })
            .map(|l| l.trim_end().to_string())
            .collect();
        answers.push(answer);
        // Past the marker's echo and its answer.
        let skip = rest[end..]
            .iter()
            .position(|l| l.trim() == marker && input_echo(l).is_none())
            .map_or(rest.len(), |k| end + k + 1);
        rest = rest[skip.min(rest.len())..].to_vec();
    }
    answers
}

/// What a line echoes after the prompt, if it is an echoed prompt line.
fn input_echo(line: &str) -> Option<&str> {
    line.strip_prefix(PROMPT)
        .or_else(|| line.strip_prefix(PROMPT.trim_end()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repl_commands() {
        assert!(is_repl("nix repl"));
        assert!(is_repl(
            "nix --extra-experimental-features nix-command repl -f '<nixpkgs>'"
        ));
        assert!(!is_repl("nix-build repl"));
        assert_eq!(input("nix-repl> 1 + 2"), Some("1 + 2"));
        assert_eq!(input("3"), None);
    }

    #[test]
    fn incomplete_inputs_continue_on_indented_lines() {
        assert!(continues("let", "            x = 1;"));
        assert!(!continues("1 + 2", "            3"));
        assert!(!continues("let", "3"));
    }

    #[test]
    fn answers_split_at_the_markers() {
        let inputs = ["1 + 2", "x = 5", ":p { a.b = 1; }", "let\n  y = 2;\nin y"].map(String::from);
        let output = "Welcome to Nix 2.8.0. Type :? for help.\n\nnix-repl> 1 + 2\n3\n\nnix-repl> \"__guidecheck_answer_0\"\n\"__guidecheck_answer_0\"\n\nnix-repl> x = 5\n\nnix-repl> \"__guidecheck_answer_1\"\n\"__guidecheck_answer_1\"\n\nnix-repl> :p { a.b = 1; }\n{ a = { b = 1; }; }\n\nnix-repl> \"__guidecheck_answer_2\"\n\"__guidecheck_answer_2\"\n\nnix-repl> let\n            y = 2;\n          in y\n2\n\nnix-repl> \"__guidecheck_answer_3\"\n\"__guidecheck_answer_3\"\n\nnix-repl> ";
        let got = answers(output, &inputs);
        assert_eq!(got[0], ["3"]);
        assert!(got[1].is_empty(), "{got:?}");
        assert_eq!(got[2], ["{ a = { b = 1; }; }"]);
        assert_eq!(got[3], ["2"]);
        assert!(script("nix repl", &inputs).ends_with("\"__guidecheck_answer_3\"\n__GUIDECHECK_REPL__"));
    }

    #[test]
    fn an_answer_that_is_its_own_input_is_kept() {
        let inputs = ["{ a = 1; }", "2"].map(String::from);
        let output = "nix-repl> { a = 1; }\n{ a = 1; }\n\nnix-repl> \"__guidecheck_answer_0\"\n\"__guidecheck_answer_0\"\n\nnix-repl> 2\n2\n\nnix-repl> \"__guidecheck_answer_1\"\n\"__guidecheck_answer_1\"\n";
        assert_eq!(
            answers(output, &inputs),
            [vec!["{ a = 1; }".to_string()], vec!["2".to_string()]]
        );
        // Echoed bare, before the answer.
        let output = "{ a = 1; }\n{ a = 1; }\n\"__guidecheck_answer_0\"\n";
        assert_eq!(answers(output, &inputs[..1]), [vec!["{ a = 1; }".to_string()]]);
    }

    #[test]
    fn a_repl_that_does_not_echo_its_input_splits_too() {
        let inputs = ["1 + 2", "2 + 2"].map(String::from);
        let output = "3\n\"__guidecheck_answer_0\"\n4\n\"__guidecheck_answer_1\"\n";
        assert_eq!(
            answers(output, &inputs),
            [vec!["3".to_string()], vec!["4".to_string()]]
        );
    }
}
