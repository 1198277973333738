//! The least any executor that runs a guide's commands in one bash session can do: the
//! yardstick `benches/run` holds guidecheck's executor to, beside bash running the same
//! commands as a plain script.
//!
//! It reads a script of one command per line, follows each line with an end marker that
//! carries its status (one file; no `eval`, so a syntax error would end the rest; no
//! protocol, timeouts or workspace), runs it with bash, reads bash's output through a pipe,
//! splits it at the markers and counts the pieces. Nothing here is guidecheck: no Markdown,
//! no comparison, no report.

use std::io::Read;
use std::process::{Command, Stdio};

fn main() -> std::io::Result<()> {
    let path = std::env::args().nth(1).expect("usage: session_floor SCRIPT.sh");
    let mut batch = String::new();
    for line in std::fs::read_to_string(path)?.lines() {
        batch.push_str(&format!("{line}\nprintf '\\36:%d\\n' $?\n"));
    }
    let file = tempfile::NamedTempFile::new_in(std::env::temp_dir())?;
    std::fs::write(file.path(), batch)?;
    let mut bash = Command::new("bash")
        .args(["--noprofile", "--norc"])
        .arg(file.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut output = Vec::new();
    if let Some(mut stdout) = bash.stdout.take() {
        stdout.read_to_end(&mut output)?;
    }
    bash.wait()?;
    let ended = output.split(|&b| b == 0x1e).skip(1).count();
    std::io::Write::write_all(&mut std::io::stdout(), format!("{ended} commands\n").as_bytes())
}
