//! The prose right before a console block without prompt lines that asks the reader to
//! type it: "Make the script executable:", "Run the script with:", "From your machine,
//! deploy the configuration:". nix.dev and many blogs leave the `$ ` out; such a block is
//! one command of its lines, whose output an output block after it may show. A block after
//! prose about what something prints ("The output is:", "Run it and you should see:")
//! stays shown text.

/// Words that ask the reader to do something at the terminal.
const DOING: &[&str] = &[
    "run",
    "execute",
    "type",
    "enter",
    "invoke",
    "launch",
    "make",
    "build",
    "rebuild",
    "install",
    "start",
    "check",
    "deploy",
    "copy",
    "generate",
    "create",
    "clone",
    "evaluate",
    "test",
    "verify",
    "try",
    "update",
    "apply",
    "enable",
    "remove",
    "delete",
    "set",
    "switch",
    "initialize",
    "init",
    "fetch",
    "download",
    "upload",
    "push",
    "pull",
    "commit",
    "compile",
    "format",
    "activate",
    "go",
    "navigate",
    "change",
    "command",
    "commands",
    "add",
    "import",
];

/// Words about what a block shows rather than what to type.
const SHOWING: &[&str] = &[
    "output", "outputs", "print", "prints", "printed", "show", "shows", "shown", "see", "result", "results",
    "return", "returns", "display", "displays", "looks", "look", "produce", "produces", "says", "respond",
    "responds", "response", "error", "errors", "like", "get", "message",
];

/// Whether the last sentence of `text` ends with `:` and asks to type what follows.
pub(super) fn asks_to_run(text: &str) -> bool {
    let Some(body) = text.trim_end().strip_suffix(':') else {
        return false;
    };
    // A sentence ends at `. `, not at the dot of `./run.sh` or `v1.2`.
    let start = [". ", "? ", "! ", ".\n"]
        .iter()
        .filter_map(|end| body.rfind(end).map(|at| at + end.len()))
        .max()
        .unwrap_or(0);
    let words: Vec<String> = body[start..]
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    // "Open a new terminal and run:": not this session's shell.
    let elsewhere =
        has(&["terminal", "window", "tab"]) && has(&["new", "another", "second", "separate", "other"]);
    has(DOING) && !has(SHOWING) && !elsewhere
}

/// Whether a block's lines can be shell commands: not another program's prompt
/// (`>>> machine.start()`, `mysql> select 1;`), whose first word ends with `>`.
pub(super) fn shell_lines(content: &str) -> bool {
    !content
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .any(|first| first.ends_with('>'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_that_asks_to_type_the_block() {
        for text in [
            "Make the script executable:",
            "Run the script:",
            "Run the script with:",
            "From your local machine, deploy the new configuration:",
            "It is ready. Now build it with `./build.sh`:",
            "To generate a key pair, replace the example hostname `cache.example.com` with yours:",
            "Check that it now works correctly:",
            "If you have a project using `niv`, you can import its sources into `npins`:",
        ] {
            assert!(asks_to_run(text), "{text}");
        }
    }

    #[test]
    fn prose_about_output_or_not_ending_in_a_colon() {
        for text in [
            "The output is:",
            "Run it and you should see:",
            "This will result in an error.",
            "Run the script.",
            "It prints:",
            "Build it. The result looks like this:",
            "Here is the file:",
            "To iterate more quickly, open a new terminal and run:",
        ] {
            assert!(!asks_to_run(text), "{text}");
        }
        assert!(shell_lines("chmod +x run.sh\n./run.sh > log\n"));
        assert!(!shell_lines(">>> machine.start()\n"));
        assert!(!shell_lines("sqlite> select 1;\n"));
    }
}
