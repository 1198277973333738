//! Reads terminal transcripts: prompt lines start commands, the lines up to the next prompt
//! are what the command printed. `\` line ends, `> ` continuation lines and heredocs are
//! part of the command.

mod commands;
mod quick;

pub use commands::{Commands, parse};

/// A transcript's lines by index: a block's lines read through their spans in the guide
/// (a block of 100,000 lines is not copied into a list), or a list of them.
pub trait LineSource {
    fn line_count(&self) -> usize;
    fn line(&self, i: usize) -> &str;
}

impl LineSource for [&str] {
    fn line_count(&self) -> usize {
        self.len()
    }

    fn line(&self, i: usize) -> &str {
        self[i]
    }
}

use regex::Regex;
use std::ops::Range;
use std::sync::{Arc, LazyLock, OnceLock};

/// One command of a transcript, as indices into the block's lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedCommand {
    pub command: super::Str,
    /// Typed at the prompt of a shell entered from the guide (`[nix-shell:~]$ `).
    pub nested: bool,
    /// Lines holding the command (prompt line and continuations).
    pub command_lines: Range<usize>,
    /// Lines holding its shown output.
    pub output_lines: Range<usize>,
    /// `# guidecheck: …` directives for this command only: (line index, body). Written on
    /// the line before the command, or after it on its prompt line.
    pub directives: Vec<(usize, String)>,
}

/// A directive inside a transcript: `# guidecheck: exit=1` on a line of its own.
static DIRECTIVE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[ \t]*(?:#|//)[ \t]*guidecheck:[ \t]*(.*?)[ \t\r]*$").expect("valid regex")
});
/// The same, ending a prompt line: `$ nix-build  # guidecheck: exit=1`.
static TRAILING_DIRECTIVE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[ \t]+#[ \t]*guidecheck:[ \t]*(.*?)[ \t\r]*$").expect("valid regex"));

/// True when `line` ends with `  # guidecheck: …`.
pub fn trailing_directive(line: &str) -> bool {
    mentions_directive(line) && TRAILING_DIRECTIVE.is_match(line)
}

/// The cheap test before the regexes: most lines never compile them.
fn mentions_directive(line: &str) -> bool {
    super::holds(line, "guidecheck:")
}

/// The body of an in-transcript directive line, if `line` is one.
pub fn directive_line(line: &str) -> Option<&str> {
    if !mentions_directive(line) {
        return None;
    }
    DIRECTIVE_LINE
        .captures(line)
        .map(|c| c.get(1).map_or("", |m| m.as_str()))
}

/// The prompts a transcript may use, as one regex (one pass per line).
#[derive(Debug, Clone)]
pub struct Prompts {
    /// The configured prompts: for the outer shell, and for shells entered from the guide.
    extra: Arc<(Vec<String>, Vec<String>)>,
    /// Compiled on first use and shared by clones: settings are read before the guide's
    /// shell starts, the prompts are needed only once it is starting.
    compiled: Arc<OnceLock<Compiled>>,
}

#[derive(Debug)]
struct Compiled {
    // Byte regexes: the prompts' "anything but" classes then compile as byte sets, not as
    // Unicode automata (a tenth of the start-up cost). Matches end at ASCII delimiters.
    any: regex::bytes::Regex,
    /// The prompts of shells entered from the guide (a subset of `any`).
    nested: regex::bytes::Regex,
}

/// The language of another program's REPL that a command starts, by the program and the
/// prompt its shown lines are at (`$ python3`, then `>>> 1 + 1`): guidecheck feeds
/// `nix repl` only, and such a session run without its inputs would read as drift.
pub fn other_repl<'a>(command: &str, mut shown: impl Iterator<Item = &'a str>) -> Option<&'static str> {
    let mut words = command.split_whitespace();
    let name = words.next()?.rsplit('/').next()?;
    let version = |rest: &str| rest.chars().all(|c| c.is_ascii_digit() || c == '.');
    let python = name.strip_prefix("python").is_some_and(version)
        || name.strip_prefix("pypy").is_some_and(version)
        || name == "ipython";
    let (language, prompt): (&'static str, &[&str]) = match name {
        _ if python => ("Python", &[">>> ", "In ["]),
        "node" => ("Node.js", &["> "]),
        "irb" => ("Ruby", &["irb("]),
        _ => return None,
    };
    // Options only: a script, `-c` or `-m` runs no session, `--version` none either.
    let no_session = |w: &str| {
        !w.starts_with('-')
            || matches!(w, "-c" | "-m" | "-e" | "-p" | "-V" | "-v" | "-h")
            || w.starts_with("--version")
            || w.starts_with("--help")
    };
    if words.any(no_session) {
        return None;
    }
    shown
        .any(|l| prompt.iter().any(|p| l.trim_start().starts_with(p)))
        .then_some(language)
}

// ASCII classes where a prompt is ASCII (user and host names): Unicode `\w` costs
// milliseconds to compile at every start; `(?-u:[^…])` is a byte set (see `Prompts`).
const DEFAULT_PROMPTS: &[&str] = &[
    r"^\$ ",
    r"^% ",
    // pure, starship and spaceship (zsh), and fish's `user@host ~>`, with its branch in a
    // repository (`user@host ~/src (main)>`).
    r"^❯ ",
    r"^[A-Za-z0-9_.-]+@[A-Za-z0-9_.-]+ (?-u:[^ \t>])*(?: \((?-u:[^ \t)])+\))?> ",
    // macOS's zsh (`alice@laptop ~/code % `), and bash or sh without a prompt of their
    // own (`bash-5.2$ `).
    r"^[A-Za-z0-9_.-]+@[A-Za-z0-9_.-]+ (?-u:[^ \t%#$>])+ [%#] ",
    r"^(?:bash|sh)-[0-9]+(?:\.[0-9]+)*[$#] ",
    r"^➜[ \t]+(?-u:[^ \t])+(?:[ \t]+git:\((?-u:[^)])*\)(?:[ \t]+✗)?)?[ \t]+",
    r"^[A-Za-z0-9_.-]+@[A-Za-z0-9_.-]+:(?-u:[^$# \t])*[$#] ",
    r"^\[[A-Za-z0-9_.-]+@[A-Za-z0-9_.-]+:(?-u:[^\]])*\][$#] ",
    // Fedora's and RHEL's `[alice@host ~]$ `.
    r"^\[[A-Za-z0-9_.-]+@[A-Za-z0-9_.-]+ (?-u:[^\]])*\][$#] ",
    // A path with no user (`~/project $ `).
    r"^~(?-u:[^ \t$#%])* ?[$%] ",
];

/// The generic prompts of an outer shell, as one pattern: each may come after the name of
/// an activated environment (`(venv) $ `, `(.venv) alice@host:~$ `).
fn builtin() -> impl Iterator<Item = String> {
    let alternatives: Vec<&str> = DEFAULT_PROMPTS.iter().map(|p| &p[1..]).collect();
    let one = format!(r"^(?:\((?-u:[^() \t])+\) )?(?:{})", alternatives.join("|"));
    std::iter::once(one)
}

fn combine(patterns: impl Iterator<Item = String>) -> regex::bytes::Regex {
    let alternatives: Vec<String> = patterns.map(|p| format!("(?:{p})")).collect();
    regex::bytes::Regex::new(&alternatives.join("|")).expect("valid prompt regexes")
}

/// Root's prompt, in console-like blocks only.
const ROOT_PROMPT: &str = "# ";
static DEFAULT: LazyLock<Prompts> = LazyLock::new(|| Prompts {
    extra: Arc::default(),
    compiled: Arc::default(),
});

impl Default for Prompts {
    fn default() -> Self {
        DEFAULT.clone()
    }
}

impl Prompts {
    /// The default prompts plus extra regexes (from config): `extra` for the outer
    /// shell, `nested` for shells entered from the guide.
    pub fn with_extra(extra: &[Regex], nested: &[Regex]) -> Self {
        if extra.is_empty() && nested.is_empty() {
            // Compiled once: most guides configure no prompts of their own.
            return DEFAULT.clone();
        }
        let own = |r: &[Regex]| r.iter().map(|r| r.as_str().to_string()).collect::<Vec<_>>();
        Prompts {
            extra: Arc::new((own(extra), own(nested))),
            compiled: Arc::default(),
        }
    }

    fn compiled(&self) -> &Compiled {
        self.compiled.get_or_init(|| {
            let (extra, nested) = &*self.extra;
            let nested: Vec<String> = crate::nix::PROMPTS
                .iter()
                .map(|p| (*p).to_string())
                .chain(nested.iter().cloned())
                .collect();
            let all = builtin()
                .chain(extra.iter().cloned())
                .chain(nested.iter().cloned());
            Compiled {
                any: combine(all),
                nested: combine(nested.into_iter()),
            }
        })
    }

    /// Only the built-in prompts: answers from a line's start may do (`quick`).
    fn built_in_only(&self) -> bool {
        let (extra, nested) = &*self.extra;
        extra.is_empty() && nested.is_empty()
    }

    /// True when `line` starts at a nested shell's prompt.
    pub fn is_nested(&self, line: &str) -> bool {
        if let Some(nested) = self.built_in_only().then(|| quick::nested(line)).flatten() {
            return nested;
        }
        self.compiled()
            .nested
            .find(line.as_bytes())
            .is_some_and(|m| m.start() == 0)
    }

    /// The command after the prompt, if `line` is a prompt line.
    /// `# ` counts as a prompt only in console-like blocks (elsewhere it is a comment).
    pub fn strip<'a>(&self, line: &'a str, hash_prompt: bool) -> Option<&'a str> {
        let any = match self.built_in_only().then(|| quick::prompt_end(line)).flatten() {
            Some(end) => end,
            None => self
                .compiled()
                .any
                .find(line.as_bytes())
                .and_then(|m| (m.start() == 0).then_some(m.end())),
        };
        let end = match any {
            Some(end) => end,
            None => (hash_prompt && line.starts_with(ROOT_PROMPT)).then_some(ROOT_PROMPT.len())?,
        };
        line.get(end..)
    }
}

/// `exit`, `exit 0`, `logout`: leaves the shell it is typed in.
pub fn is_exit(command: &str) -> bool {
    let mut words = command.split_whitespace();
    matches!(words.next(), Some("exit" | "logout")) && words.clone().count() <= 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commands(text: &str, hash_prompt: bool) -> Vec<(String, Vec<String>)> {
        let lines: Vec<&str> = text.lines().collect();
        parse(lines.as_slice(), &Prompts::default(), hash_prompt)
            .into_iter()
            .map(|c| {
                let output = lines[c.output_lines].iter().map(|s| s.to_string()).collect();
                (c.command.into(), output)
            })
            .collect()
    }

    #[test]
    fn remarks_before_a_prompt_are_not_output() {
        let text = "# first\n$ cat f\n# f\nx\n# then\n#\n$ ls\ny\n# end\n";
        let parsed = commands(text, false);
        assert_eq!(parsed[0].1, ["# f", "x"]);
        assert_eq!(parsed[1].1, ["y", "# end"]);
    }

    #[test]
    fn directive_lines_belong_to_one_command_and_are_not_output() {
        let text = "$ true\nok\n# guidecheck: exit=1\n$ false\n$ nix-build  # guidecheck: exit=2\nerr\n# guidecheck: timeout=5s";
        let lines: Vec<&str> = text.lines().collect();
        let parsed = parse(lines.as_slice(), &Prompts::default(), true);
        let shape: Vec<_> = parsed
            .iter()
            .map(|c| (c.command.as_str(), c.output_lines.clone(), c.directives.clone()))
            .collect();
        assert_eq!(
            shape,
            vec![
                ("true", 1..2, vec![]),
                ("false", 4..4, vec![(2, "exit=1".to_string())]),
                (
                    "nix-build",
                    5..6,
                    vec![(4, "exit=2".into()), (6, "timeout=5s".into())]
                ),
            ]
        );
    }

    #[test]
    fn prompts_split_commands_and_output() {
        let got = commands("$ echo a\na\n$ true\n$ ls\nx\ny\n", false);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0], ("echo a".into(), vec!["a".into()]));
        assert_eq!(got[1], ("true".into(), vec![]));
        assert_eq!(got[2].1, ["x", "y"]);
    }

    #[test]
    fn zsh_and_user_host_prompts() {
        let got = commands(
            "➜ llamafile git:(master) nix-build -A llamafile\nout\nuser@host:~/x$ ls\n[nix-shell:~/src]$ make\n",
            false,
        );
        let cmds: Vec<&str> = got.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(cmds, ["nix-build -A llamafile", "ls", "make"]);
        assert_eq!(commands("➜  dir git:(main) ✗ ls\n", false)[0].0, "ls");
        // The prompts are byte patterns: a folder with non-ASCII letters is still read.
        assert_eq!(commands("ana@box:~/projé$ ls\n", false)[0].0, "ls");
        assert_eq!(commands("➜ café ls\n", false)[0].0, "ls");
    }

    #[test]
    fn hash_is_a_prompt_only_when_asked() {
        assert_eq!(commands("# id\nuid=0\n", true)[0].0, "id");
        assert!(commands("# id\nuid=0\n", false).is_empty());
    }

    #[test]
    fn backslash_pipe_and_open_quote_continue_a_command() {
        let got = commands("$ echo a \\\n  b\na b\n$ echo 'x\n> y'\nx\ny\n", false);
        assert_eq!(got[0], ("echo a \\\n  b".into(), vec!["a b".into()]));
        assert_eq!(got[1], ("echo 'x\ny'".into(), vec!["x".into(), "y".into()]));
    }

    #[test]
    fn a_quoted_heredoc_delimiter_may_be_any_word() {
        let got = commands("$ cat <<'END:1'\n$ body\nEND:1\n$ true\n", false);
        assert_eq!(got[0].0, "cat <<'END:1'\n$ body\nEND:1");
        assert_eq!(got[1].0, "true");
    }

    #[test]
    fn heredoc_body_is_part_of_the_command() {
        let got = commands(
            "$ cat > f <<'EOF'\n$ not a prompt\nEOF\n$ cat f\n$ not a prompt\n",
            false,
        );
        assert_eq!(got[0].0, "cat > f <<'EOF'\n$ not a prompt\nEOF");
        assert_eq!(got[1].0, "cat f");
    }

    #[test]
    fn a_heredoc_at_the_secondary_prompt_ends_at_its_delimiter() {
        let got = commands(
            "$ mkdir -p g\n$ cat > g/greet.c <<'EOF'\n> #include <stdio.h>\n>\n> int main(void) { puts(\"hi\"); }\n> EOF\n$ printf 'x' > g/Makefile\n$ tar -czf g.tar.gz g\n",
            false,
        );
        let cmds: Vec<&str> = got.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(
            cmds,
            [
                "mkdir -p g",
                "cat > g/greet.c <<'EOF'\n#include <stdio.h>\n\nint main(void) { puts(\"hi\"); }\nEOF",
                "printf 'x' > g/Makefile",
                "tar -czf g.tar.gz g",
            ]
        );
        assert!(got.iter().all(|(_, out)| out.is_empty()));
    }

    #[test]
    fn every_heredoc_a_line_opens_takes_its_body_in_order() {
        let text = "$ cat <<'X' > b; cat <<-Y >> b\n$HOME\nX\n\tsecond\n\tY\n$ cat b\n$HOME\nsecond\n";
        let got = commands(text, false);
        assert_eq!(got[0].0, "cat <<'X' > b; cat <<-Y >> b\n$HOME\nX\n\tsecond\n\tY");
        assert_eq!(got[1], ("cat b".into(), vec!["$HOME".into(), "second".into()]));
        // At the secondary prompt, and with a body line that looks like an operator.
        let text = "$ cat <<A; cat <<B\n> x <<C\n> A\n> y\n> B\n$ true\n";
        let got = commands(text, false);
        assert_eq!(got[0].0, "cat <<A; cat <<B\nx <<C\nA\ny\nB");
        assert_eq!(got[1].0, "true");
    }

    #[test]
    fn hash_is_roots_prompt_in_a_root_transcript_or_after_becoming_root() {
        let got = commands("# whoami\nroot\n# echo a\na\n", true);
        assert_eq!(
            got,
            [
                ("whoami".into(), vec!["root".into()]),
                ("echo a".into(), vec!["a".into()])
            ]
        );
        // In a `$ ` transcript, a `# ` line is output (or a remark), not a command ...
        let got = commands("# set up\n$ cat default.nix\n# default.nix\n{ }\n$ true\n", true);
        assert_eq!(
            got[0],
            (
                "cat default.nix".into(),
                vec!["# default.nix".into(), "{ }".into()]
            )
        );
        assert_eq!(got.len(), 2);
        // ... until a command makes the shell root's, and after it exits.
        let text = "$ sudo -i\n# nixos-rebuild switch\nok\n# exit\n$ echo back\n# back\n";
        let got: Vec<String> = commands(text, true).into_iter().map(|c| c.0).collect();
        assert_eq!(got, ["sudo -i", "nixos-rebuild switch", "exit", "echo back"]);
        for becomes in ["sudo su -", "sudo -s", "su", "sudo -E bash", "sudo -iu root"] {
            let text = format!("$ {becomes}\n# id -u\n0\n");
            assert_eq!(commands(&text, true).len(), 2, "{becomes}");
        }
        assert_eq!(commands("$ sudo ls\n# x\n", true).len(), 1);
    }

    #[test]
    fn pure_starship_fish_macos_zsh_and_bare_bash_prompts() {
        let got = commands(
            "❯ echo a\na\nme@box ~/src> echo b\nb\nme@box ~/src (main)> echo f\nf\n",
            false,
        );
        assert_eq!(
            got,
            [
                ("echo a".into(), vec!["a".into()]),
                ("echo b".into(), vec!["b".into()]),
                ("echo f".into(), vec!["f".into()])
            ]
        );
        let got = commands(
            "alice@laptop ~/code % echo c\nc\nbash-5.2$ echo d\nd\nsh-5.1# echo e\n",
            false,
        );
        let got: Vec<&str> = got.iter().map(|c| c.0.as_str()).collect();
        assert_eq!(got, ["echo c", "echo d", "echo e"]);
    }

    #[test]
    fn tab_stripping_heredocs_and_here_strings() {
        let got = commands("$ cat <<-END\n> \tbody\n> \tEND\n$ echo next\n", false);
        assert_eq!(got[0].0, "cat <<-END\n\tbody\n\tEND");
        assert_eq!(got[1].0, "echo next");
        let got = commands("$ cat <<< 'word'\nword\n$ echo b\n", false);
        assert_eq!(got[0], ("cat <<< 'word'".into(), vec!["word".into()]));
        let got = commands("$ cat <<EOF > f\n> a\n> EOF\n$ cat f\na\n", false);
        assert_eq!(got[1], ("cat f".into(), vec!["a".into()]));
    }

    #[test]
    fn another_programs_repl_is_known_by_its_prompt() {
        let repl = |command: &str, shown: &str| other_repl(command, shown.lines());
        assert_eq!(repl("python3", "Python 3.12.1\n>>> 1 + 1\n2"), Some("Python"));
        assert_eq!(repl("/usr/bin/python3.11 -q", ">>> x"), Some("Python"));
        assert_eq!(repl("ipython", "In [1]: 1"), Some("Python"));
        assert_eq!(repl("node", "Welcome to Node.js\n> 1 + 1\n2"), Some("Node.js"));
        assert_eq!(repl("irb", "irb(main):001:0> 1"), Some("Ruby"));
        for (command, shown) in [
            ("python --version", "Python 3.10.11"),
            ("python3 script.py", ">>> printed by the script"),
            ("python3 -c 'print(1)'", ">>> x"),
            ("python3", "no prompt here"),
            ("node -e 1", "> 1"),
            ("cat", ">>> quoted"),
        ] {
            assert_eq!(repl(command, shown), None, "{command}");
        }
    }

    #[test]
    fn no_prompt_means_no_commands() {
        assert!(commands("just text\nmore\n", false).is_empty());
    }
}
