//! Normalisation rules for Nix output: every version's wording is brought to one shape
//! (Nix 2.4–2.28's), and what varies from run to run is redacted. Applied to both sides.
//! The hashes a guide teaches (`specified:`/`got:` values) are never touched.
//! The book's Nix chapter lists them; the numbers below are for cross-reference.

use regex::Regex;
use std::borrow::Cow;
use std::sync::LazyLock;

/// An ordered rewrite rule; each one is a comment on why it is safe. Its regex is
/// compiled the first time a text holds one of its `needles` (words any match contains):
/// most outputs hold none, and a guide without Nix never pays for these rules.
pub struct Rule {
    needles: &'static [&'static str],
    pattern: &'static str,
    re: std::sync::OnceLock<Regex>,
    pub replacement: &'static str,
}

const fn rule(needles: &'static [&'static str], pattern: &'static str, replacement: &'static str) -> Rule {
    Rule {
        needles,
        pattern,
        re: std::sync::OnceLock::new(),
        replacement,
    }
}

impl Rule {
    fn re(&self) -> &Regex {
        self.re
            .get_or_init(|| Regex::new(self.pattern).expect("valid Nix normalisation regex"))
    }
}

/// Every rule's needles in one automaton: one pass over a text says which rules may apply.
static NEEDLES: LazyLock<(aho_corasick::AhoCorasick, Vec<usize>)> = LazyLock::new(|| {
    let (words, rules): (Vec<&str>, Vec<usize>) = RULES
        .iter()
        .enumerate()
        .flat_map(|(i, r)| r.needles.iter().map(move |n| (*n, i)))
        .unzip();
    // An NFA: built in microseconds at every start, where a DFA costs a tenth of a millisecond.
    let automaton = aho_corasick::AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
        .build(words)
        .expect("valid needles");
    (automaton, rules)
});

/// The rules whose needles `text` holds, as bits.
fn candidates(text: &str) -> u32 {
    let (automaton, rules) = &*NEEDLES;
    automaton
        .find_overlapping_iter(text)
        .fold(0, |bits, m| bits | 1 << rules[m.pattern().as_usize()])
}

/// The Nix rules, in the order they must be applied. Classes are ASCII (`[0-9]`,
/// `(?-u:\s)`, `(?-u:\b)`): Nix prints ASCII digits and blanks, and the Unicode ones cost
/// up to 1.5 ms each to compile (the version rule, met by any output that says "Nix").
pub static RULES: [Rule; 26] = [
    // 20: noise that depends on the network and Nix settings, not on the guide.
    rule(
        &["unable to download"],
        r"(?m)^warning: (?:error: )?unable to download 'https://cache\.nixos\.org[^\n]*\n?",
        "",
    ),
    rule(
        &["--add-root"],
        r"(?m)^warning: you did not specify '--add-root'[^\n]*\n?",
        "",
    ),
    rule(
        &["unknown setting"],
        r"(?m)^warning: unknown setting [^\n]*\n?",
        "",
    ),
    rule(&["got build log"], r"(?m)^got build log for [^\n]*\n?", ""),
    // 4: `nix build` progress bars on a TTY (`[1/0/1 built] building hello`). A bar holds
    // no `[` of its own: `[0/[DURATION]` (what `[0/0s` reads as) is not one.
    rule(
        &["["],
        r"(?m)^\[[0-9]+(?:/[0-9]+)*(?: built| copied)?[^\[\]\n]*\][^\n]*\n?",
        "",
    ),
    // 7: store path hashes depend on the store dir, system and inputs.
    rule(
        &["/nix/store/"],
        r"/nix/store/[0-9a-df-np-sv-z]{32}-",
        "/nix/store/[HASH]-",
    ),
    // 7b: a guide's placeholder for a store hash (`<hash>`, `HASH`, `[hash]`): never in
    // real output, so only a shown path reads as any.
    rule(
        &["/nix/store/"],
        r"/nix/store/(?:<[^>/ \t\n]*>|\[hash\]|HASH|hash|\$hash|\{hash\})-",
        "/nix/store/[HASH]-",
    ),
    // 10: build directories carry a counter and differ by version and sandboxing
    // (greedy, so the counter is the last `-N`).
    rule(
        &["nix-build-"],
        r"(?:/private)?/tmp/nix-build-([^/ \t\n\r\x0B\x0C']+)-[0-9]+|/nix/var/nix/builds/nix-build-([^/ \t\n\r\x0B\x0C']+)-[0-9]+",
        "[BUILD_TOP]/nix-build-$1$2",
    ),
    // 11: Nix 2.3 said `wanted:` where 2.4+ says `specified:`.
    rule(&["wanted:"], r"(?m)^((?-u:\s)*)wanted:", "${1}specified:"),
    // 12: Lix adds lines around the hash pair.
    rule(
        &["likely URL:", "expected path:", "got path:"],
        r"(?m)^(?-u:\s)*(?:likely URL|expected path|got path):[^\n]*\n?",
        "",
    ),
    // 16: 2.29+ lists the output paths of a failed build.
    rule(
        &["Output paths:"],
        r"(?m)^(?-u:\s)*Output paths:\n(?:(?-u:\s)+/nix/store/\S+\n)+",
        "",
    ),
    // 13: 2.29+ "Cannot build … Reason: builder failed" is 2.4's "builder for … failed".
    rule(
        &["Cannot build"],
        r"Cannot build '([^']+)'\.\n(?-u:\s)*Reason: builder (failed with exit code [0-9]+|[^\n]*?)\.",
        "builder for '$1' $2",
    ),
    // 14: 2.29+ dependency failure wording.
    rule(
        &["Cannot build"],
        r"Cannot build '([^']+)'\.\n(?-u:\s)*Reason: ([0-9]+) dependenc(?:y|ies) failed\.",
        "$2 dependencies of derivation '$1' failed to build",
    ),
    // 15: 2.3 dependency failure wording.
    rule(
        &["cannot build derivation"],
        r"cannot build derivation '([^']+)': ([0-9]+) dependencies couldn't be built",
        "error: $2 dependencies of derivation '$1' failed to build",
    ),
    rule(
        &["error: build of"],
        r"(?m)^error: build of '[^']+' failed\n?",
        "",
    ),
    rule(&["builder for '"], r"(?m)^builder for '", "error: builder for '"),
    // A daemon-built message ends the builder line with `;` before the log tail.
    rule(
        &["failed with exit code"],
        r"(failed with exit code [0-9]+);",
        "$1",
    ),
    // 17: the tail header's count depends on log-lines and the log's length.
    rule(
        &["log lines:", "LOG LINES:", "Log Lines:"],
        r"(?mi)^((?-u:\s)*)last [0-9]+ log lines:",
        "${1}last N log lines:",
    ),
    // 18: "For full logs" has four spellings across versions.
    rule(
        &["For full logs"],
        r"(?m)For full logs, run(?::(?-u:\s)*\n(?-u:\s)*|(?-u:\s)+')(nix log|nix-store -l) (\S+?)'?\.?$",
        "For full logs, run 'nix log $2'.",
    ),
    // 19: 2.3 has no count; 2.4+ counts (and uses the singular).
    rule(
        &[" will be built:"],
        r"(?m)^(?:this derivation|these (?:[0-9]+ )?derivations) will be built:$",
        "these derivations will be built:",
    ),
    rule(
        &[" will be fetched"],
        r"(?m)^(?:this path|these (?:[0-9]+ )?paths) will be fetched[^\n]*:$",
        "these paths will be fetched:",
    ),
    // 23: error positions: newer Nix shows the empty source line after the expression
    // (`   5|`), and older Nix suggests names (`Did you mean one of a or b?`).
    rule(&["|"], r"(?m)^[ \t]*[0-9]+\|[ \t]*\n", ""),
    rule(
        &["Did you mean"],
        r"(?m)^[ \t]*Did you mean (?:one of )?[^\n]*\?[ \t]*\n",
        "",
    ),
    // Links to the Nix manual in messages moved with the manual (2.8:
    // `https://nixos.org/manual/nix/stable/#ss-functions`, later
    // `https://nix.dev/manual/nix/stable/language/constructs.html#functions`).
    rule(
        &["/manual/nix/"],
        r"https?://(?:nixos\.org|nix\.dev)/manual/nix/\S*?(\.?(?:(?-u:\s)|$))",
        "[NIX MANUAL]$1",
    ),
    // NixOS's command-not-found handler says what a plain shell says as
    // `bash: NAME: command not found`, with install hints that depend on the release
    // (`The program ‘cowsay’ is currently not installed. …  nix-env -iA nixos.cowsay`,
    // `The program 'cowsay' is not in your PATH. … nix-shell -p cowsay`).
    rule(
        &["The program "],
        r"(?m)^The program [‘'`](\S+?)[’'`] is (?:currently not installed|not in your PATH)\.[^\n]*(?:\n(?:ephemeral shell|You can make it available|[ \t]+nix(?:-env|-shell| profile| shell)(?-u:\b))[^\n]*)*",
        "bash: $1: command not found",
    ),
    // 22: the version in banners and `--version` lines is the machine's, not the guide's:
    // `Welcome to Nix 2.13.3. Type :? for help.`, `nix (Nix) 2.8.0`, `(Lix, like Nix) 2.91.1`.
    rule(
        &["Nix", "Lix"],
        r"((?-u:\b)Welcome to (?:Nix|Lix)|\((?:Nix|Lix)(?:, like Nix)?\)) [0-9]+\.[0-9]+(?:\.[0-9]+)?(?:(?:pre|rc|-|\+)[A-Za-z0-9_+-]*(?:\.[A-Za-z0-9_+-]+)*)?",
        "$1 [VERSION]",
    ),
];

/// What a machine prints and another does not, for the same guide: cache.nixos.org out of
/// reach (rule 20), and `nix-shell` looking for `(import <nixpkgs> {}).bashInteractive`
/// where there is none, then going on with bash from the environment (where there is one,
/// it says nothing).
static NOISE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?m)^warning: (?:error: )?unable to download 'https://cache\.nixos\.org[^\n]*\n?",
        r"|^error: file '[^'\n]+' was not found in the Nix search path[^\n]*\n(?:(?:[ \t][^\n]*)?\n)*?will use bash from your environment\n?",
    ))
    .expect("valid")
});

/// Drops the lines of `NOISE` (kept out of comparisons, verdicts and what `--bless` writes).
pub fn drop_noise<'a>(text: impl Into<Cow<'a, str>>) -> Cow<'a, str> {
    let text = text.into();
    if !text.contains("unable to download") && !text.contains("will use bash from your environment") {
        return text;
    }
    Cow::Owned(NOISE.replace_all(&text, "").into_owned())
}

/// Applies the Nix rules in order.
pub fn apply<'a>(text: impl Into<Cow<'a, str>>) -> String {
    let mut text = text.into();
    let mut bits = candidates(&text);
    for (i, rule) in RULES.iter().enumerate() {
        if bits & 1 << i == 0 {
            continue;
        }
        if let Cow::Owned(s) = rule.re().replace_all(&text, rule.replacement) {
            text = Cow::Owned(s);
            // A rewrite may bring a later rule's words (`builder for '` from `Cannot build`).
            bits = candidates(&text);
        }
    }
    sort_planned_paths(&text).unwrap_or_else(|| text.into_owned())
}

/// The list under "will be built"/"will be fetched" is sorted by hash, so its order changes
/// with the store dir: sort it by what follows the (redacted) hash. None: there is no list.
fn sort_planned_paths(text: &str) -> Option<String> {
    const HEADS: [&str; 2] = ["these derivations will be built:", "these paths will be fetched:"];
    if !HEADS.iter().any(|head| text.contains(head)) {
        return None;
    }
    let mut out: Vec<&str> = Vec::new();
    let mut lines = text.split_inclusive('\n').peekable();
    while let Some(line) = lines.next() {
        out.push(line);
        if HEADS.iter().any(|head| line.starts_with(head)) {
            let mut list = Vec::new();
            while let Some(next) = lines.next_if(|l| l.trim_start().starts_with("/nix/store/")) {
                list.push(next);
            }
            list.sort_by_key(|l| l.trim());
            out.extend(list);
        }
    }
    Some(out.concat())
}

#[cfg(test)]
mod tests {
    use super::{apply, drop_noise};

    #[test]
    fn error_context_that_varies_by_version_is_dropped() {
        assert_eq!(apply("   4| f x\n    | ^\n   5|\n"), "   4| f x\n    | ^\n");
        assert_eq!(
            apply("error: attribute 'c' missing\nDid you mean one of a or b?\nx\n"),
            "error: attribute 'c' missing\nx\n"
        );
        assert_eq!(apply("   5| x\n"), "   5| x\n");
    }

    #[test]
    fn versions_in_banners_are_normalised() {
        assert_eq!(
            apply("Welcome to Nix 2.13.3. Type :? for help.\n"),
            "Welcome to Nix [VERSION]. Type :? for help.\n"
        );
        assert_eq!(
            apply("Welcome to Nix 2.8.0. Type :? for help."),
            "Welcome to Nix [VERSION]. Type :? for help."
        );
        assert_eq!(
            apply("nix (Nix) 2.18.0pre20230915_abc1234\n"),
            "nix (Nix) [VERSION]\n"
        );
        assert_eq!(apply("nix-build (Nix) 2.8.0"), "nix-build (Nix) [VERSION]");
        assert_eq!(
            apply("nix (Lix, like Nix) 2.91.1"),
            "nix (Lix, like Nix) [VERSION]"
        );
        assert_eq!(apply("hello-2.12.1 (Nix) is fine"), "hello-2.12.1 (Nix) is fine");
    }

    #[test]
    fn links_to_the_nix_manual_are_one_placeholder() {
        for (text, want) in [
            (
                "values. See\n       https://nixos.org/manual/nix/stable/#ss-functions.\n",
                "values. See\n       [NIX MANUAL].\n",
            ),
            (
                "See https://nix.dev/manual/nix/stable/language/constructs.html#functions.",
                "See [NIX MANUAL].",
            ),
            ("https://nix.dev/manual/nix/2.18/command-ref x", "[NIX MANUAL] x"),
        ] {
            assert_eq!(apply(text), want, "{text}");
        }
        assert_eq!(
            apply("https://nix.dev/tutorials/x."),
            "https://nix.dev/tutorials/x."
        );
    }

    #[test]
    fn nixos_command_not_found_reads_as_the_shells() {
        let old = "The program ‘cowsay’ is currently not installed. You can install it by typing:\n  nix-env -iA nixos.cowsay\nnext\n";
        assert_eq!(apply(old), "bash: cowsay: command not found\nnext\n");
        let new = "The program 'lolcat' is not in your PATH. You can make it available in an\nephemeral shell by typing:\n  nix-shell -p lolcat\n";
        assert_eq!(apply(new), "bash: lolcat: command not found\n");
        let short = "The program ‘cowsay’ is currently not installed.\n\n$ next";
        assert_eq!(apply(short), "bash: cowsay: command not found\n\n$ next");
        assert_eq!(apply("The program is fine."), "The program is fine.");
    }

    #[test]
    fn rule_04_progress_bar_lines_are_dropped() {
        assert_eq!(
            apply("[1/0/1 built] building hello-1.0 (buildPhase)\n/nix/store/x\n"),
            "/nix/store/x\n"
        );
        assert_eq!(apply("[0/1 copied] copying\nok\n"), "ok\n");
        assert_eq!(apply("[0/[DURATION]\n"), "[0/[DURATION]\n");
    }

    #[test]
    fn rule_07_store_path_hashes_are_redacted() {
        assert_eq!(
            apply("/nix/store/skpwxhh4vqi11bx9pcl6rdnj88x77l8m-hello-1.0\n"),
            "/nix/store/[HASH]-hello-1.0\n"
        );
        for placeholder in [
            "<hash>",
            "<HASH>",
            "<some-hash>",
            "HASH",
            "hash",
            "[hash]",
            "$hash",
        ] {
            assert_eq!(
                apply(format!("/nix/store/{placeholder}-hello-1.0\n")),
                "/nix/store/[HASH]-hello-1.0\n",
                "{placeholder}"
            );
        }
        assert_eq!(apply("/nix/store/abc123-hello\n"), "/nix/store/abc123-hello\n");
    }

    #[test]
    fn rule_08_09_hashes_a_guide_teaches_are_kept() {
        let text = "         specified: sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n            got:    sha256-sXRYFNp+SZjS0GZbnI8k/h65sBhhKgfLrSRTmmCViHU=\n";
        assert_eq!(apply(text), text);
        let nix32 = "got: sha256:0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73\n";
        assert_eq!(apply(nix32), nix32);
    }

    #[test]
    fn rule_10_build_dirs() {
        assert_eq!(
            apply("note: keeping build directory '/tmp/nix-build-hello-1.0.drv-3'\n"),
            "note: keeping build directory '[BUILD_TOP]/nix-build-hello-1.0.drv'\n"
        );
        assert_eq!(
            apply("/nix/var/nix/builds/nix-build-x.drv-0/src\n"),
            "[BUILD_TOP]/nix-build-x.drv/src\n"
        );
    }

    #[test]
    fn rule_11_nix_2_3_wanted_is_specified() {
        assert_eq!(apply("  wanted: sha256:0000\n"), "  specified: sha256:0000\n");
    }

    #[test]
    fn rule_12_lix_extra_lines_are_dropped() {
        let lix = "error: hash mismatch in fixed-output derivation '/nix/store/x.drv':\n    likely URL: file:///x\n     specified: sha256-A=\n           got: sha256-B=\n expected path: /nix/store/a\n      got path: /nix/store/b\n";
        assert_eq!(
            apply(lix),
            "error: hash mismatch in fixed-output derivation '/nix/store/x.drv':\n     specified: sha256-A=\n           got: sha256-B=\n"
        );
    }

    #[test]
    fn rule_13_16_nix_2_29_builder_failure_reads_as_2_4() {
        let new = "error: Cannot build '/nix/store/a-hello.drv'.\n       Reason: builder failed with exit code 2.\n       Output paths:\n         /nix/store/b-hello\n";
        assert_eq!(
            apply(new),
            "error: builder for '/nix/store/a-hello.drv' failed with exit code 2\n"
        );
    }

    #[test]
    fn rule_14_nix_2_29_dependency_failure() {
        let new = "error: Cannot build '/nix/store/a-hello.drv'.\n       Reason: 1 dependency failed.\n";
        assert_eq!(
            apply(new),
            "error: 1 dependencies of derivation '/nix/store/a-hello.drv' failed to build\n"
        );
    }

    #[test]
    fn rule_15_nix_2_3_dependency_failure_and_builder_prefix() {
        let old = "builder for '/nix/store/a.drv' failed with exit code 1\ncannot build derivation '/nix/store/b.drv': 1 dependencies couldn't be built\nerror: build of '/nix/store/b.drv' failed\n";
        assert_eq!(
            apply(old),
            "error: builder for '/nix/store/a.drv' failed with exit code 1\nerror: 1 dependencies of derivation '/nix/store/b.drv' failed to build\n"
        );
    }

    #[test]
    fn rule_17_tail_header_count() {
        assert_eq!(apply("       last 10 log lines:\n"), "       last N log lines:\n");
        assert_eq!(apply("       Last 25 log lines:\n"), "       last N log lines:\n");
    }

    #[test]
    fn rule_18_for_full_logs_spellings() {
        let want = "For full logs, run 'nix log /nix/store/a.drv'.";
        for text in [
            "For full logs, run 'nix log /nix/store/a.drv'.",
            "For full logs, run 'nix-store -l /nix/store/a.drv'.",
            "For full logs, run:\n         nix log /nix/store/a.drv",
            "For full logs, run:\n\tnix log /nix/store/a.drv",
        ] {
            assert_eq!(apply(text), want, "{text}");
        }
    }

    #[test]
    fn rule_19_will_be_built_header_and_sorted_list() {
        let text =
            "these 2 derivations will be built:\n  /nix/store/zz-b.drv\n  /nix/store/aa-a.drv\nbuilding\n";
        assert_eq!(
            apply(text),
            "these derivations will be built:\n  /nix/store/aa-a.drv\n  /nix/store/zz-b.drv\nbuilding\n"
        );
        assert_eq!(
            apply("this derivation will be built:\n"),
            "these derivations will be built:\n"
        );
        assert_eq!(
            apply("these derivations will be built:\n"),
            "these derivations will be built:\n"
        );
    }

    #[test]
    fn rule_20_noise_warnings_are_dropped() {
        let text = "warning: error: unable to download 'https://cache.nixos.org/nix-cache-info': Couldn't resolve host name (6); retrying in 307 ms\nwarning: you did not specify '--add-root'; the result might be removed\nwarning: unknown setting 'eval-cores'\nreal\n";
        assert_eq!(apply(text), "real\n");
    }

    #[test]
    fn daemon_builder_line_semicolon_is_dropped() {
        assert_eq!(
            apply("error: builder for '/nix/store/a.drv' failed with exit code 2;\n"),
            "error: builder for '/nix/store/a.drv' failed with exit code 2\n"
        );
    }

    #[test]
    fn nix_shell_going_on_without_nixpkgs_bash_is_noise() {
        let out = "error: file 'nixpkgs' was not found in the Nix search path (add it using $NIX_PATH or -I)\n\n       at «string»:1:9:\n\n            1| (import <nixpkgs> {}).bashInteractive\n             |         ^\nwill use bash from your environment\n[]\n";
        assert_eq!(drop_noise(out), "[]\n");
        // Without the fallback, the missing `<nixpkgs>` is what stopped the command.
        let stopped = "error: file 'nixpkgs' was not found in the Nix search path (add it using $NIX_PATH or -I)\n\n       at /w/shell.nix:1:14:\n";
        assert_eq!(drop_noise(stopped), stopped);
    }
}
