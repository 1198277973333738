//! guides/hello.md runs for real with Nix, and every mutated copy fails at the right line.

use crate::{Run, line_of, read, root, write_guide};

fn hello() -> String {
    read(&root().join("guides/hello.md"))
}

/// Runs a guide in a private, empty store (isolated from parallel tests).
#[track_caller]
fn run_fresh(guide: &std::path::Path) -> (Option<i32>, String) {
    let run = Run::new(["--offline", "--store", "fresh"]).arg(guide).outcome();
    (run.code, run.all())
}

/// A copy of hello.md with `from` replaced by `to` (which must occur exactly once).
#[track_caller]
fn mutate(from: &str, to: &str) -> String {
    let guide = hello();
    assert_eq!(
        guide.matches(from).count(),
        1,
        "{from:?} must occur once in guides/hello.md"
    );
    guide.replacen(from, to, 1)
}

#[test]
fn hello_passes_twice_in_the_same_store() {
    let guide = root().join("guides/hello.md");
    let before = hello();
    for _ in 1..=2 {
        let stdout = Run::bare().arg(&guide).expect(0).stdout;
        assert!(
            stdout.ends_with("guidecheck: 1 guide, 14 steps: 14 passed, 0 failed, 0 blocked, 0 skipped\n"),
            "{stdout}"
        );
    }
    assert_eq!(hello(), before, "a test run must never write into the guide");
}

#[test]
fn hello_passes_in_a_fresh_store() {
    let (code, out) = run_fresh(&root().join("guides/hello.md"));
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("fresh store (private /nix"), "{out}");
}

#[test]
fn a_one_character_change_in_the_shown_got_hash_fails() {
    let text = mutate(
        "            got:    sha256-sXRYFNp+SZjS0GZbnI8k/h65sBhhKgfLrSRTmmCViHU=",
        "            got:    sha256-sXRYFNp+SZjS0GZbnI8k/h65sBhhKgfLrSRTmmCViHV=",
    );
    let (_dir, guide) = write_guide("hello.md", &text);
    let (code, out) = run_fresh(&guide);
    assert_eq!(code, Some(1), "{out}");
    let step = line_of(&text, "$ nix-build -A hello", 0);
    let got = step + 10;
    assert!(
        out.contains(&format!("FAIL {}:{step}: nix-build -A hello\n", guide.display())),
        "{out}"
    );
    assert!(out.contains(&format!(
        "the got-hash changed: the guide shows sha256-sXRYFNp+SZjS0GZbnI8k/h65sBhhKgfLrSRTmmCViHV= (line {got}), Nix printed sha256-sXRYFNp+SZjS0GZbnI8k/h65sBhhKgfLrSRTmmCViHU="
    )), "{out}");
    assert!(
        out.contains(&format!(
            "{got} - got: sha256-sXRYFNp+SZjS0GZbnI8k/h65sBhhKgfLrSRTmmCViHV="
        )),
        "{out}"
    );
    assert!(
        out.ends_with("14 steps: 13 passed, 1 failed, 0 blocked, 0 skipped\n"),
        "{out}"
    );
}

#[test]
fn a_wrong_error_line_fails() {
    let text = mutate(
        "-generic-builder.sh: 5: make: not found",
        "-generic-builder.sh: 5: gcc: not found",
    );
    let (_dir, guide) = write_guide("hello.md", &text);
    let (code, out) = run_fresh(&guide);
    assert_eq!(code, Some(1), "{out}");
    let step = line_of(&text, "$ nix-build -A hello", 1);
    assert!(
        out.contains(&format!("FAIL {}:{step}: nix-build -A hello\n", guide.display())),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "{} - /nix/store/[HASH]-generic-builder.sh: 5: gcc: not found",
            step + 4
        )),
        "{out}"
    );
    assert!(
        out.contains("+ /nix/store/[HASH]-generic-builder.sh: 5: make: not found"),
        "{out}"
    );
}

#[test]
fn a_shown_output_the_command_does_not_print_fails() {
    let text = mutate("Hello, world!\n```", "Hello, Nix!\n```");
    let (_dir, guide) = write_guide("hello.md", &text);
    let (code, out) = run_fresh(&guide);
    assert_eq!(code, Some(1), "{out}");
    let step = line_of(&text, "$ ./result/bin/hello", 0);
    assert!(
        out.contains(&format!("FAIL {}:{step}: ./result/bin/hello\n", guide.display())),
        "{out}"
    );
    assert!(out.contains(&format!("{} - Hello, Nix!\n", step + 1)), "{out}");
    assert!(out.contains("+ Hello, world!"), "{out}");
}

#[test]
fn a_dropped_file_step_makes_the_next_build_fail_differently() {
    // Drop step 3's revision of hello.nix (the one that adds gnumake).
    let original = hello();
    let start = original.find("## Step 3: give the build make").unwrap();
    let block_start = start + original[start..].find("```nix title=\"hello.nix\"").unwrap();
    let block_end = block_start + original[block_start..].find("}\n```\n").unwrap() + "}\n```\n".len();
    let text = format!("{}{}", &original[..block_start], &original[block_end..]);
    let (_dir, guide) = write_guide("hello.md", &text);
    let (code, out) = run_fresh(&guide);
    assert_eq!(code, Some(1), "{out}");
    let step = line_of(&text, "$ nix-build -A hello", 2);
    assert!(
        out.contains(&format!("FAIL {}:{step}: nix-build -A hello\n", guide.display())),
        "{out}"
    );
    assert!(out.contains("- make: cc: No such file or directory"), "{out}");
    assert!(
        out.contains("+ /nix/store/[HASH]-generic-builder.sh: 5: make: not found"),
        "{out}"
    );
}

#[test]
fn hello_passes_exactly_in_a_fresh_store_and_exact_catches_a_dropped_line() {
    let guide = root().join("guides/hello.md");
    let exact = |path: &std::path::Path| {
        let output = Run::bare()
            .args(["--offline", "--store", "fresh", "--match", "exact"])
            .arg(path)
            .outcome();
        (output.code, output.stdout)
    };
    let (code, out) = exact(&guide);
    assert_eq!(code, Some(0), "{out}");
    // One real line left out of the shown output: fine for a subsequence, not for exact.
    let text = mutate("cc -O2 -o hello hello.c\nmkdir -p", "mkdir -p");
    let (_dir, copy) = write_guide("hello.md", &text);
    assert_eq!(run_fresh(&copy).0, Some(0));
    let (code, out) = exact(&copy);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("the real output differs (match=exact)"), "{out}");
}
