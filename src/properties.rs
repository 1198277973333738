//! Property tests (bounded, part of `cargo test`): the reader, planner, matcher, normaliser
//! and rewriter hold their invariants on arbitrary input. Longer runs: `fuzz/` (cargo-fuzz).

use crate::compare::matcher;
use crate::extract::{Block, extract};
use crate::normalize::Normalizer;
use crate::plan::{build, console::Prompts};
use crate::rewrite;
use proptest::prelude::*;
use std::path::Path;

/// Strings of up to `most - 1` of `parts`, joined: for a fast check held to the pattern
/// it stands in for, on the very pieces the pattern is made of (and what is not one).
pub(crate) fn made_of(parts: &'static [&'static str], most: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(parts), 0..most).prop_map(|parts| parts.concat())
}

/// Markdown-ish text: fences, prompts, directives and TODOs are frequent.
fn markdown() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("```console\n".to_string()),
        Just("```nix title=\"a.nix\"\n".to_string()),
        Just("```\n".to_string()),
        Just("~~~bash\n".to_string()),
        Just("$ echo hi\n".to_string()),
        Just("➜  dir git:(main) ls\n".to_string()),
        Just("<!-- guidecheck: skip -->\n".to_string()),
        Just("<!-- guidecheck: run\nmkdir x\n-->\n".to_string()),
        Just("TODO: later\n".to_string()),
        Just("- item\n  ```sh\n  echo\n  ```\n".to_string()),
        Just("\r\n".to_string()),
        "[a-z é{}=;\\[\\].\"'\\\\`<>#$\t-]{0,12}\n?",
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn the_reader_keeps_every_span_inside_the_text(text in markdown()) {
        for block in extract(&text) {
            if let Block::Code(code) = block {
                prop_assert!(code.span.end <= text.len());
                for line in &code.lines {
                    prop_assert!(line.start <= line.end && line.end <= text.len());
                    prop_assert!(text.is_char_boundary(line.start) && text.is_char_boundary(line.end));
                }
            }
        }
    }

    #[test]
    fn planning_never_panics_and_steps_come_in_order(text in markdown()) {
        if let Ok(plan) = build(Path::new("g.md"), &text, &extract(&text), &Prompts::default()) {
            let lines: Vec<usize> = plan.steps.iter().map(|s| s.line).collect();
            prop_assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{lines:?}");
        }
    }

    #[test]
    fn no_edits_change_no_byte(text in markdown()) {
        prop_assert_eq!(rewrite::apply(&text, Vec::new()), text);
    }

    #[test]
    fn alignment_is_increasing_and_a_text_matches_itself(lines in prop::collection::vec("[a-c .\\[\\]]{0,6}", 0..12)) {
        let aligned = matcher::align(&lines, &lines);
        let found: Vec<usize> = aligned.iter().flatten().copied().collect();
        prop_assert!(found.windows(2).all(|w| w[0] < w[1]));
        let plain: Vec<String> = lines.iter().filter(|l| !l.contains("[..]") && !matcher::is_ellipsis(l)).cloned().collect();
        prop_assert!(matcher::exact(&plain, &vec![false; plain.len()], &plain));
    }

    #[test]
    fn normalising_twice_is_normalising_once(text in "[a-z0-9 \\x1b\\[;m\\r\\n/:'-]{0,80}") {
        let n = Normalizer::default();
        let once = n.text(&text);
        prop_assert_eq!(n.text(&once), once);
    }

    #[test]
    fn directives_durations_and_config_never_panic(
        word in "(timeout|interrupt|exit|file|needs|env)?=?[0-9a-z.=: ]{0,30}",
        config in "(\\[run\\]\n)?(timeout|output-limit) = (\"[0-9a-z]{0,25}\"|[0-9]{0,25})\n",
    ) {
        let _ = crate::plan::directive::parse(&word);
        if let Ok(d) = crate::error::parse_duration(&word) {
            prop_assert!(d <= crate::error::LONGEST);
        }
        let _ = crate::config::parse(std::path::Path::new("guidecheck.toml"), &config);
    }
}
