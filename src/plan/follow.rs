//! Commands that run until the reader interrupts them: `tail -f`, `journalctl -f`,
//! `watch`, a server in the foreground. A reader presses Ctrl-C once the shown lines have
//! appeared; guidecheck does the same (SIGINT), instead of waiting for the timeout.

use std::time::Duration;

/// How long such a command runs when its shown lines never appear.
pub const DEFAULT_INTERRUPT: Duration = Duration::from_secs(5);

/// Programs that follow (or serve) whenever one of these flags is given.
const FOLLOW_FLAGS: &[(&str, &[&str])] = &[
    ("tail", &["-f", "-F", "--follow", "--retry"]),
    ("journalctl", &["-f", "--follow"]),
    ("dmesg", &["-w", "-W", "--follow", "--follow-new"]),
    ("docker", &["-f", "--follow"]),
    ("podman", &["-f", "--follow"]),
    ("kubectl", &["-f", "--follow", "-w", "--watch"]),
    ("less", &["+F"]),
    ("nix", &["--follow"]),
];

/// Programs that run until interrupted whatever their arguments.
const ALWAYS: &[&str] = &[
    "watch",
    "top",
    "htop",
    "btop",
    "nix-serve",
    "uvicorn",
    "gunicorn",
    "caddy",
];

/// Subcommands (or `-m` modules) that start a server or a watcher in the foreground.
const SERVE_WORDS: &[&str] = &["serve", "server", "http.server", "watch", "dev", "port-forward"];

/// Whether `command` has a word one of `segment_follows`'s answers needs: a program it
/// knows, or a word that serves (`npm run start` too). Split wherever a segment or a word
/// may end, so that every word a segment has is one of these (or lies in one of them).
///
/// Split by bytes: at ASCII white space, `|`, `;`, `&`, and at every byte of a character
/// past ASCII (Unicode white space among them). The words are ASCII, so a word the split
/// by characters finds is found here too; an extra word only costs the closer look.
fn names_a_follower(command: &str) -> bool {
    command
        .as_bytes()
        .split(|&b| matches!(b, b' ' | b'\t'..=b'\r' | b'|' | b';' | b'&' | 0x80..))
        .any(|word| {
            let program = word.rsplit(|&b| b == b'/').next().unwrap_or(word);
            follower_word(word) || follower_word(program)
        })
}

/// The words of `FOLLOW_FLAGS`, `ALWAYS`, `SERVE_WORDS`, `ping` and `start` (a test holds
/// them to the lists): a match compiles to a few comparisons, where a search automaton
/// would cost a guide 50-100 µs to build.
fn follower_word(word: &[u8]) -> bool {
    matches!(
        word,
        b"tail"
            | b"journalctl"
            | b"dmesg"
            | b"docker"
            | b"podman"
            | b"kubectl"
            | b"less"
            | b"nix"
            | b"watch"
            | b"top"
            | b"htop"
            | b"btop"
            | b"nix-serve"
            | b"uvicorn"
            | b"gunicorn"
            | b"caddy"
            | b"serve"
            | b"server"
            | b"http.server"
            | b"dev"
            | b"port-forward"
            | b"ping"
            | b"start"
    )
}

/// True when `command` (a line of a guide) does not end until it is interrupted.
pub fn runs_until_interrupted(command: &str) -> bool {
    // Most commands name none of the words a follower needs: they are not split up.
    if !names_a_follower(command) {
        return false;
    }
    command
        .lines()
        .filter(|line| !line.trim_end().ends_with('&'))
        .flat_map(|line| line.split(['|', ';']).chain(line.split("&&")))
        .any(segment_follows)
}

fn segment_follows(segment: &str) -> bool {
    let mut words = segment.split_whitespace().skip_while(|w| {
        w.contains('=') && !w.starts_with('-') || matches!(*w, "sudo" | "exec" | "command" | "env")
    });
    let Some(program) = words.next().map(|w| w.rsplit('/').next().unwrap_or(w)) else {
        return false;
    };
    if ALWAYS.contains(&program) {
        return true;
    }
    if matches!(
        program,
        "echo" | "printf" | "man" | "which" | "type" | "grep" | "cat"
    ) {
        return false;
    }
    let args: Vec<&str> = words.collect();
    if program == "ping" {
        return !args.iter().any(|a| a.starts_with("-c") || a.starts_with("-w"));
    }
    if let Some((_, flags)) = FOLLOW_FLAGS.iter().find(|(p, _)| *p == program) {
        // `docker build -f Dockerfile` is not `docker logs -f`.
        let logs = !matches!(program, "docker" | "podman" | "kubectl") || args.contains(&"logs");
        return logs && args.iter().any(|a| flag_given(a, flags));
    }
    // `mdbook serve`, `hugo server`, `python3 -m http.server`, `npm run dev`.
    let serves = match args.as_slice() {
        [first, ..] if SERVE_WORDS.contains(first) => true,
        ["-m" | "run" | "run-script", second, ..] => SERVE_WORDS.contains(second) || *second == "start",
        _ => false,
    };
    serves && !args.iter().any(|a| matches!(*a, "--help" | "-h" | "--version"))
}

/// `-f` also counts inside a cluster of short flags (`tail -fn 20`, `tail -n20 -f`).
fn flag_given(arg: &str, flags: &[&str]) -> bool {
    if flags.contains(&arg)
        || flags
            .iter()
            .any(|f| f.starts_with("--") && arg.starts_with(&format!("{f}=")))
    {
        return true;
    }
    let Some(cluster) = arg.strip_prefix('-').filter(|c| !c.starts_with('-')) else {
        return false;
    };
    flags
        .iter()
        .filter_map(|f| f.strip_prefix('-').filter(|f| f.len() == 1))
        .any(|f| {
            cluster.starts_with(f)
                || cluster
                    .chars()
                    .take_while(|c| c.is_ascii_alphabetic())
                    .any(|c| f.starts_with(c))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn followers_and_servers_are_recognised() {
        for command in [
            "tail -f /var/log/syslog",
            "tail -fn 20 log",
            "tail -n 5 --follow=name log",
            "sudo journalctl -u nix-daemon -f",
            "dmesg --follow",
            "watch -n1 nix-store -q --roots /nix/store/x",
            "python3 -m http.server 8000",
            "mdbook serve",
            "ping example.org",
            "tail -f log | grep error",
            "cd site && hugo server",
            "PORT=8080 npm run dev",
            "docker logs -f web",
        ] {
            assert!(runs_until_interrupted(command), "{command}");
        }
    }

    #[test]
    fn every_word_a_follower_needs_is_looked_for() {
        let words = (FOLLOW_FLAGS.iter().map(|(program, _)| *program))
            .chain(ALWAYS.iter().copied())
            .chain(SERVE_WORDS.iter().copied())
            .chain(["ping", "start"]);
        for word in words {
            assert!(follower_word(word.as_bytes()), "{word}");
        }
        assert!(!names_a_follower("echo served; make dev-server"));
        assert!(names_a_follower("cd x&&/usr/bin/tail -f log") && names_a_follower("a|ping b"));
    }

    proptest::proptest! {
        /// The split by bytes finds every word the split by characters does.
        #[test]
        fn the_byte_split_misses_no_word(
            command in crate::properties::made_of(&[
                "tail", "-f", "/usr/bin/", "npm run ", "dev", " ", "\u{a0}", "\u{3000}", "é",
                "|", "&&", ";", "\t", "\n", "x", "=",
            ], 8),
        ) {
            let by_chars = command
                .split(|c: char| c.is_whitespace() || matches!(c, '|' | ';' | '&'))
                .any(|word| {
                    let program = word.rsplit_once('/').map_or(word, |(_, p)| p);
                    follower_word(word.as_bytes()) || follower_word(program.as_bytes())
                });
            proptest::prop_assert!(!by_chars || names_a_follower(&command), "{command:?}");
        }
    }

    #[test]
    fn commands_that_end_are_not() {
        for command in [
            "tail -n 5 log",
            "tail log",
            "journalctl -u nix-daemon --no-pager",
            "dmesg | tail",
            "ping -c 3 example.org",
            "python3 -m http.server 8000 &",
            "mdbook serve --help",
            "nix-build -A hello",
            "echo serve",
            "grep -f patterns file",
            "docker build -f Dockerfile .",
        ] {
            assert!(!runs_until_interrupted(command), "{command}");
        }
    }
}
