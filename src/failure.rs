//! What failure looks like in any tool's output, Nix or not: the lines that say something
//! failed (`ErrorLines`), and failures that come from the machine (no network) rather than the guide.
//! Nix's own rules live in `nix::blocked`; the two are asked in turn by `compare`.

use regex::Regex;
use std::sync::LazyLock;

/// Lines a reader would see as an error, whatever tool printed them: if a guide neither
/// shows such a line nor covers it with `...` or `[..]`, the step fails. Extended and
/// allowed by config (`[errors]`).
pub const ERROR_LINES: &[&str] = &[
    r"^error:",
    r"^fatal:",
    r": command not found$",
    r"No such file or directory",
    r"^Traceback \(most recent call last\):",
    r"^[A-Za-z0-9_][A-Za-z0-9_.-]*: cannot (?:access|open|stat|remove|create)",
    r"^panic(?:ked)?[: ]",
    r"^Segmentation fault",
];

/// The error-line rules: the built-in ones plus `extra`, minus lines matching `allow`.
#[derive(Debug, Clone, Default)]
pub struct ErrorLines {
    /// None: the built-in rules only, compiled on first use (once per process).
    custom: Option<std::sync::Arc<(regex::RegexSet, Option<regex::RegexSet>)>>,
}

static BUILTIN: LazyLock<regex::RegexSet> =
    LazyLock::new(|| regex::RegexSet::new(ERROR_LINES).expect("valid error patterns"));

/// Whether a line holds what one of `ERROR_LINES` needs (its first or last words, or a
/// phrase it holds): most output lines do not, and they need no regex, which costs a
/// quarter of a millisecond to compile (once per process, but nearly every guide's).
fn may_be_error(line: &str) -> bool {
    const STARTS: [&str; 5] = [
        "error:",
        "fatal:",
        "Traceback (most recent call last):",
        "panic",
        "Segmentation fault",
    ];
    STARTS.iter().any(|s| line.starts_with(s))
        || line.ends_with(": command not found")
        || line.contains("No such file or directory")
        || line.contains(": cannot ")
}

impl ErrorLines {
    /// Compiles `extra` and `allow` at once: a bad pattern is the config's error.
    pub fn new(extra: &[String], allow: &[String]) -> Result<ErrorLines, regex::Error> {
        if extra.is_empty() && allow.is_empty() {
            return Ok(ErrorLines::default());
        }
        let patterns = ERROR_LINES
            .iter()
            .map(|p| (*p).to_string())
            .chain(extra.iter().cloned());
        let any = regex::RegexSet::new(patterns)?;
        let allow = (!allow.is_empty())
            .then(|| regex::RegexSet::new(allow))
            .transpose()?;
        Ok(ErrorLines {
            custom: Some(std::sync::Arc::new((any, allow))),
        })
    }

    /// Is this (normalised) real line an error a reader would notice?
    pub fn is_error(&self, line: &str) -> bool {
        let line = line.trim_start();
        match &self.custom {
            None => may_be_error(line) && BUILTIN.is_match(line),
            Some(custom) => {
                let (any, allow) = &**custom;
                any.is_match(line) && !allow.as_ref().is_some_and(|a| a.is_match(line))
            }
        }
    }
}

/// The program bash's `NAME: command not found` names (after `bash: `, `line N: `), when
/// it was looked up on PATH, not a path of the guide's own (`./result/bin/hello`).
pub fn missing_program(line: &str) -> Option<&str> {
    let rest = line.trim().strip_suffix(": command not found")?;
    let name = rest.rsplit(": ").next().unwrap_or(rest);
    let plain = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'+');
    (!name.is_empty() && name.bytes().all(plain)).then_some(name)
}

/// Why a failed step could not be verified here, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocked {
    pub reason: String,
    pub hint: String,
    /// The output line that shows it.
    pub evidence: String,
}

/// The whole line of `output` that a match is on.
pub fn evidence(output: &str, m: regex::Match<'_>) -> String {
    let start = output[..m.start()].rfind('\n').map_or(0, |i| i + 1);
    let end = output[m.end()..].find('\n').map_or(output.len(), |i| m.end() + i);
    output[start..end].trim().to_string()
}

/// Needs a directive may declare that a run can check before running anything.
pub const PROBED_NEEDS: &[&str] = &["nixos", "docker", "kvm", "root"];

/// An environment need that any tool's output may reveal: its name, how it shows in a
/// failed step's output, and what to do about it.
pub struct Need {
    pub name: &'static str,
    pub output: &'static str,
    /// Words every match of `output` holds: a text without any never compiles the regex.
    pub needles: &'static [&'static str],
    pub hint: &'static str,
}

/// The generic needs (Nix's own are in `nix::blocked`), in the order they are tried.
pub const NEEDS: &[Need] = &[
    Need {
        name: "root or sudo",
        output: r"(?m)(?:^(?:bash: )?(?:line [0-9]+: )?sudo: command not found|must be run as root|requires root|are you root\?|Operation not permitted \(are you root)",
        needles: &[
            "sudo: command not found",
            "must be run as root",
            "requires root",
            "are you root",
        ],
        hint: "run as root, or where sudo works (a VM or container of your own)",
    },
    Need {
        name: "Docker or Podman",
        output: r"(?m)(?:Cannot connect to the Docker daemon|^(?:bash: )?(?:line [0-9]+: )?(?:docker|podman): command not found|docker: Error response from daemon)",
        needles: &["Docker daemon", ": command not found", "docker: Error response"],
        hint: "run where a Docker (or Podman) daemon is available",
    },
    Need {
        name: "NixOS (systemd)",
        output: r"(?m)(?:System has not been booted with systemd|^(?:bash: )?(?:line [0-9]+: )?(?:systemctl|journalctl|launchctl|nixos-[A-Za-z0-9_-]+): command not found|Failed to connect to bus)",
        needles: &[
            "booted with systemd",
            ": command not found",
            "Failed to connect to bus",
        ],
        hint: "run on NixOS, or mark the guide `<!-- guidecheck: needs=nixos -->`",
    },
    Need {
        name: "SSH access",
        output: r"(?m)(?:Permission denied \(publickey|Host key verification failed|ssh: Could not resolve hostname|ssh: connect to host)",
        needles: &[
            "Permission denied (publickey",
            "Host key verification failed",
            "ssh: ",
        ],
        hint: "run where the SSH keys and hosts the guide uses exist",
    },
    Need {
        name: "a terminal",
        output: r"(?m)(?:the input device is not a TTY|a terminal is required|no tty present|stdin is not a (?:tty|terminal)|(?:cannot open|open) '?/dev/tty'?|/dev/tty: No such device|Inappropriate ioctl for device)",
        needles: &[
            "not a TTY",
            "terminal is required",
            "no tty present",
            "stdin is not a",
            "/dev/tty",
            "Inappropriate ioctl",
        ],
        hint: "guidecheck runs commands without a terminal, as CI does: run the step without `-it`/`-t` if it need not be interactive, or mark its block `skip`",
    },
    Need {
        name: "a VM (KVM)",
        output: r"(?m)(?:/dev/kvm|KVM (?:is )?not available|Could not access KVM kernel module)",
        needles: &["/dev/kvm", "KVM"],
        hint: "run where /dev/kvm is available",
    },
    Need {
        name: "the network",
        output: r"(?m)(?:^(?:error|fatal|[ \t]*>)[^\n]*|curl: \([0-9]+\)[^\n]*)(?:Couldn't resolve host|Could not resolve host|Temporary failure in name resolution|Network is unreachable|Failed to connect to)",
        needles: &[
            "resolve host",
            "Temporary failure in name resolution",
            "Network is unreachable",
            "Failed to connect to",
        ],
        hint: "run where the network is reachable, or mark the step `<!-- guidecheck: needs=network -->`",
    },
];

/// Each need's regex, compiled the first time a text holds one of its needles.
static COMPILED: LazyLock<Vec<std::sync::OnceLock<Regex>>> =
    LazyLock::new(|| NEEDS.iter().map(|_| std::sync::OnceLock::new()).collect());

/// Causes outside the guide that any tool may print (the generic needs table).
pub fn blocked(output: &str) -> Option<Blocked> {
    NEEDS.iter().zip(COMPILED.iter()).find_map(|(need, re)| {
        if !need.needles.iter().any(|n| output.contains(n)) {
            return None;
        }
        let re = re.get_or_init(|| Regex::new(need.output).expect("valid need"));
        re.find(output).map(|m| Blocked {
            reason: if need.name == "the network" {
                "needs the network, which is unreachable here".into()
            } else {
                format!("needs {}, which this machine does not have", need.name)
            },
            hint: need.hint.into(),
            evidence: evidence(output, m),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_program_not_found_on_path_is_named() {
        assert_eq!(missing_program("bash: direnv: command not found"), Some("direnv"));
        assert_eq!(
            missing_program("bash: line 3: cowsay: command not found"),
            Some("cowsay")
        );
        assert_eq!(
            missing_program("bash: ./result/bin/hello: command not found"),
            None
        );
        assert_eq!(
            missing_program("ls: cannot access 'x': No such file or directory"),
            None
        );
    }

    #[test]
    fn every_way_a_need_shows_holds_one_of_its_needles() {
        // One output for each alternative of each need's pattern: where the regex finds
        // it, a needle must be there too, or the regex would never be asked.
        let outputs = [
            "bash: sudo: command not found",
            "bash: line 3: sudo: command not found",
            "this must be run as root",
            "it requires root privileges",
            "are you root?",
            "Operation not permitted (are you root?)",
            "Cannot connect to the Docker daemon at unix:///var/run/docker.sock.",
            "bash: podman: command not found",
            "docker: Error response from daemon: x",
            "System has not been booted with systemd as init system (PID 1).",
            "bash: line 1: nixos-rebuild: command not found",
            "Failed to connect to bus: No such file or directory",
            "git@github.com: Permission denied (publickey).",
            "Host key verification failed.",
            "ssh: Could not resolve hostname example: Name or service not known",
            "ssh: connect to host example port 22: Connection refused",
            "the input device is not a TTY",
            "sudo: a terminal is required to read the password",
            "sudo: no tty present and no askpass program specified",
            "stdin is not a terminal",
            "bash: cannot open '/dev/tty'",
            "/dev/tty: No such device or address",
            "Inappropriate ioctl for device",
            "Could not access KVM kernel module: No such file or directory",
            "qemu: /dev/kvm missing",
            "KVM is not available",
            "error: unable to download: Couldn't resolve host name",
            "curl: (6) Could not resolve host: example.org",
            "fatal: unable to access: Temporary failure in name resolution",
            "   > error: Network is unreachable",
            "error: Failed to connect to example.org port 443",
        ];
        let mut matched = 0;
        for output in outputs {
            for need in NEEDS {
                if Regex::new(need.output).unwrap().is_match(output) {
                    matched += 1;
                    assert!(
                        need.needles.iter().any(|n| output.contains(n)),
                        "{}: {output}",
                        need.name
                    );
                }
            }
        }
        assert!(matched >= outputs.len(), "every output is some need's");
    }

    /// Lines made of the parts the error rules are made of, and of what is not.
    fn line() -> impl proptest::strategy::Strategy<Value = String> {
        const PARTS: [&str; 22] = [
            "error:",
            "error",
            "fatal:",
            ": command not found",
            "No such file or directory",
            "Traceback (most recent call last):",
            "ls",
            ": cannot ",
            "access",
            "open",
            "stat",
            "panic",
            "ked",
            ": ",
            " ",
            "Segmentation fault",
            "x",
            ".",
            "-",
            "é",
            "\r",
            ":",
        ];
        crate::properties::made_of(&PARTS, 6)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 4096, ..Default::default() })]

        /// The look for the rules' words answers no only where no rule matches.
        #[test]
        fn error_lines_need_no_regex_where_no_rule_can_match(line in line()) {
            let line = line.trim_start();
            proptest::prop_assert_eq!(may_be_error(line) && BUILTIN.is_match(line), BUILTIN.is_match(line), "{:?}", line);
        }
    }

    /// A rule added to `ERROR_LINES` needs its words in `may_be_error` too, or its lines
    /// never reach it: one example per rule, in order, must pass both.
    #[test]
    fn every_error_rule_s_lines_get_past_the_look_for_its_words() {
        let examples = [
            "error: builder for '/nix/store/x.drv' failed",
            "fatal: not a git repository",
            "bash: line 1: gcc: command not found",
            "cat: x: No such file or directory",
            "Traceback (most recent call last):",
            "ls: cannot access 'x'",
            "panicked at src/main.rs:1:1:",
            "Segmentation fault (core dumped)",
        ];
        assert_eq!(examples.len(), ERROR_LINES.len(), "one example per rule");
        for (rule, example) in ERROR_LINES.iter().zip(examples) {
            assert!(Regex::new(rule).unwrap().is_match(example), "{rule}: {example}");
            assert!(may_be_error(example), "{rule}: {example}");
        }
    }

    #[test]
    fn error_lines_a_reader_would_notice() {
        let rules = ErrorLines::default();
        for line in [
            "ls: cannot access 'x': No such file or directory",
            "error: attribute 'x' missing",
            "fatal: not a git repository",
            "bash: line 1: gcc: command not found",
            "Traceback (most recent call last):",
        ] {
            assert!(rules.is_error(line), "{line}");
        }
        assert!(!rules.is_error("no errors here"));
        let allowed = ErrorLines::new(&["^oops".into()], &["^error: expected".into()]).unwrap();
        assert!(allowed.is_error("oops, that failed"));
        assert!(!allowed.is_error("error: expected and fine"));
    }

    #[test]
    fn each_need_is_recognised_by_its_output() {
        for (output, name) in [
            ("bash: sudo: command not found\n", "root or sudo"),
            (
                "docker: Cannot connect to the Docker daemon at unix:///var/run/docker.sock.\n",
                "Docker or Podman",
            ),
            (
                "System has not been booted with systemd as init system (PID 1). Can't operate.\n",
                "NixOS (systemd)",
            ),
            ("bash: nixos-rebuild: command not found\n", "NixOS (systemd)"),
            ("root@host: Permission denied (publickey).\n", "SSH access"),
            (
                "Could not access KVM kernel module: No such file or directory\n",
                "a VM (KVM)",
            ),
            ("the input device is not a TTY\n", "a terminal"),
            (
                "sudo: a terminal is required to read the password; either use the -S option\n",
                "a terminal",
            ),
            (
                "gpg: cannot open '/dev/tty': No such device or address\n",
                "a terminal",
            ),
        ] {
            let b = blocked(output).unwrap_or_else(|| panic!("{output}"));
            assert_eq!(
                b.reason,
                format!("needs {name}, which this machine does not have")
            );
        }
        // A wrong output of a command that runs is drift, not a need.
        assert_eq!(blocked("hello: wrong greeting\n"), None);
    }

    #[test]
    fn unreachable_network_is_blocked() {
        assert!(blocked("curl: (6) Could not resolve host: github.com\n").is_some());
        let out = "error: unable to download 'https://github.com/NixOS/nixpkgs/tarball/nixos-unstable': Couldn't resolve host name (6)\n";
        assert_eq!(
            blocked(out).unwrap().reason,
            "needs the network, which is unreachable here"
        );
        let cache = "warning: error: unable to download 'https://cache.nixos.org/nix-cache-info': Couldn't resolve host name (6); retrying in 307 ms\nerror: hash mismatch\n";
        assert_eq!(blocked(cache), None);
        assert_eq!(blocked("make: cc: No such file or directory\n"), None);
    }
}
