//! `<!-- guidecheck: ... -->` directives: hidden instructions for the next block or the guide.

use std::time::Duration;

/// One parsed directive.
#[derive(Debug, Clone, PartialEq)]
pub enum Directive {
    /// Do not run the next block.
    Skip,
    /// Do not run anything after this point.
    SkipRest,
    /// The next block is the content of this file.
    File(String),
    /// The next block's commands end with this status.
    Exit(ExitExpectation),
    Timeout(Duration),
    /// The command runs until interrupted: send it SIGINT once its shown output has
    /// appeared, or after this long.
    Interrupt(Duration),
    Exact,
    /// The next block does not depend on the steps before it.
    Independent,
    /// Set an environment variable for the rest of the guide.
    Env(String, String),
    /// The next block needs the network: without it, it is blocked, not drift.
    NeedsNetwork,
    /// The next block (or, before any step, the whole guide) needs this environment:
    /// `nixos`, `docker`, `kvm` or `root`. Where it is missing, its steps are blocked
    /// without running.
    Needs(String),
    /// Run these lines as a hidden script (setup readers do not see).
    Run(String),
    /// The next block (or this place) is where the previous command's output goes.
    Output,
    /// The next block is an expression to evaluate; the block after it, its value.
    Eval,
    /// The reader leaves the shell they entered here (Ctrl-D, not shown).
    Leave,
}

/// What exit status a command is expected to end with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExitExpectation {
    Success,
    Failure,
    Code(i32),
}

const KNOWN: &[&str] = &[
    "skip",
    "skip-rest",
    "file=",
    "exit=",
    "timeout=",
    "interrupt=",
    "match=exact",
    "independent",
    "match=subsequence",
    "env",
    "needs=network",
    "needs=nixos",
    "needs=docker",
    "needs=kvm",
    "needs=root",
    "run",
    "output",
    "eval",
    "leave",
];

/// Parses the body of one directive comment (what follows `guidecheck:`).
/// An unknown word is an error naming the nearest valid spelling.
pub fn parse(body: &str) -> Result<Vec<Directive>, DirectiveError> {
    if let Some(script) = body.strip_prefix("run")
        && (script.is_empty() || script.starts_with(char::is_whitespace))
    {
        return Ok(vec![Directive::Run(script.trim_matches('\n').to_string())]);
    }
    let mut words = body.split_whitespace();
    let mut out = Vec::new();
    while let Some(word) = words.next() {
        out.push(match word.split_once('=') {
            None if word == "skip" => Directive::Skip,
            None if word == "skip-rest" => Directive::SkipRest,
            None if word == "output" => Directive::Output,
            None if word == "eval" => Directive::Eval,
            None if word == "leave" => Directive::Leave,
            None if word == "independent" => Directive::Independent,
            None if word == "env" => {
                let pair = words
                    .next()
                    .ok_or_else(|| DirectiveError::new(word, "env NAME=value"))?;
                let (name, value) = pair
                    .split_once('=')
                    .filter(|(n, _)| valid_env_name(n))
                    .ok_or_else(|| DirectiveError::new(pair, "env NAME=value"))?;
                Directive::Env(name.to_string(), value.to_string())
            }
            Some(("file", name)) if !name.is_empty() => Directive::File(unquote(name)),
            Some(("exit", value)) => Directive::Exit(
                parse_exit(value).ok_or_else(|| DirectiveError::new(word, "exit=N or exit=nonzero"))?,
            ),
            Some(("timeout", value)) => Directive::Timeout(
                crate::error::parse_duration(value).map_err(|e| DirectiveError::bad(word, e))?,
            ),
            Some(("interrupt", value)) => Directive::Interrupt(
                crate::error::parse_duration(value).map_err(|e| DirectiveError::bad(word, e))?,
            ),
            Some(("match", "exact")) => Directive::Exact,
            Some(("match", "subsequence")) => continue,
            Some(("needs", "network")) => Directive::NeedsNetwork,
            Some(("needs", need)) if crate::failure::PROBED_NEEDS.contains(&need) => {
                Directive::Needs(need.to_string())
            }
            _ => return Err(DirectiveError::unknown(word)),
        });
    }
    Ok(out)
}

impl std::fmt::Display for ExitExpectation {
    /// As written in a directive: `exit=1`, `exit=nonzero`, `exit=0`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExitExpectation::Success => write!(f, "exit=0"),
            ExitExpectation::Failure => write!(f, "exit=nonzero"),
            ExitExpectation::Code(c) => write!(f, "exit={c}"),
        }
    }
}

pub fn parse_exit(value: &str) -> Option<ExitExpectation> {
    match value {
        "nonzero" | "failure" => Some(ExitExpectation::Failure),
        "zero" | "success" => Some(ExitExpectation::Success),
        n => n.parse().ok().map(ExitExpectation::Code),
    }
}

fn unquote(value: &str) -> String {
    value.trim_matches(|c| c == '"' || c == '\'').to_string()
}

fn valid_env_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A directive guidecheck does not understand.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectiveError {
    pub word: String,
    pub hint: String,
}

impl DirectiveError {
    fn new(word: &str, expected: &str) -> Self {
        DirectiveError {
            word: word.to_string(),
            hint: format!("write it as `{expected}`"),
        }
    }

    /// A bad value: `why` is the whole hint.
    fn bad(word: &str, why: String) -> Self {
        DirectiveError {
            word: word.to_string(),
            hint: why,
        }
    }

    fn unknown(word: &str) -> Self {
        let key = word.split('=').next().unwrap_or(word);
        let nearest = KNOWN
            .iter()
            .min_by_key(|k| strsim::levenshtein(key, k.trim_end_matches('=')))
            .expect("KNOWN is not empty");
        DirectiveError {
            word: word.to_string(),
            hint: format!("did you mean `{nearest}`? (known: {})", KNOWN.join(", ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_directives_in_one_comment() {
        assert_eq!(
            parse("exit=nonzero timeout=5m match=exact").unwrap(),
            [
                Directive::Exit(ExitExpectation::Failure),
                Directive::Timeout(Duration::from_secs(300)),
                Directive::Exact
            ]
        );
        assert_eq!(
            parse("exit=100").unwrap(),
            [Directive::Exit(ExitExpectation::Code(100))]
        );
        assert_eq!(
            parse("file=\"default.nix\"").unwrap(),
            [Directive::File("default.nix".into())]
        );
        assert_eq!(
            parse("env FOO=a=b").unwrap(),
            [Directive::Env("FOO".into(), "a=b".into())]
        );
    }

    #[test]
    fn run_takes_the_following_lines_as_a_script() {
        assert_eq!(
            parse("run\nmkdir x\ncd x").unwrap(),
            [Directive::Run("mkdir x\ncd x".into())]
        );
    }

    #[test]
    fn unknown_directive_names_the_nearest_spelling() {
        let err = parse("skp").unwrap_err();
        assert_eq!(err.word, "skp");
        assert!(err.hint.starts_with("did you mean `skip`?"), "{}", err.hint);
        let err = parse("timout=3s").unwrap_err();
        assert!(err.hint.starts_with("did you mean `timeout=`?"), "{}", err.hint);
        assert!(parse("exit=maybe").unwrap_err().hint.contains("exit=N"));
        assert!(parse("runner").is_err());
    }
}
