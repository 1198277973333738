//! guides/llamafile.md needs the network: without it, every build is blocked, never drift.

use crate::Run;

#[test]
fn llamafile_without_network_is_blocked_not_drift() {
    let run = Run::bare().args(["--offline", "guides/llamafile.md"]).expect(3);
    let (stdout, _stderr) = (run.stdout.clone(), run.stderr.clone());
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
