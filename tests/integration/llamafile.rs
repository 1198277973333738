//! guides/llamafile.md needs the network: without it, every build is blocked, never drift.

use crate::{guidecheck, text};

#[test]
fn llamafile_without_network_is_blocked_not_drift() {
    let output = guidecheck()
        .args(["--offline", "guides/llamafile.md"])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(3), "{stdout}{stderr}");
    assert!(!stdout.contains("FAIL"), "{stdout}");
    assert!(
        stdout.contains("blocked: needs the network, which is unreachable here"),
        "{stdout}"
    );
    assert!(stdout.contains("TODO guides/llamafile.md:"), "{stdout}");
    assert!(
        stdout.ends_with("8 steps: 5 passed, 0 failed, 3 blocked, 0 skipped\n"),
        "{stdout}"
    );
}
