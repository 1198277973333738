//! One shell session per guide: a bash process that reads commands from a pipe, so cwd,
//! variables and functions persist from block to block as in a reader's terminal.
//!
//! Each command travels inline, ANSI-C quoted, as `eval $'…' </dev/null` (so it can never
//! read the guide's next lines, and a syntax error cannot desynchronise the session); the
//! line first restores `$?` to the previous command's status. stdout and stderr share one
//! pipe, so output keeps its arrival order. After each command the session saves its
//! exported variables (`export -p` to a control file) and prints an end token with the
//! exit status and `$PWD`. Commands are sent ahead in batches. A timed-out command is
//! killed with the whole process group; the session is then restarted from the saved cwd
//! and variables.

use super::nested::{self, Role};
pub use super::quote::shell_quote;
use super::quote::{ansi_c_quote, nonce};
#[cfg(test)]
use super::wait::partial_suffix;
use super::wait::{Follower, Wait};
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// How to start the shell (directly, or inside a mount namespace for a private store).
#[derive(Debug, Clone)]
pub struct Launch {
    pub program: Vec<String>,
    pub env: Vec<(String, String)>,
    pub cwd: PathBuf,
    pub ctl: PathBuf,
    pub output_limit: usize,
}

/// One command for the session.
#[derive(Debug, Clone)]
pub struct Cmd {
    pub text: String,
    pub timeout: Duration,
    pub role: Role,
    /// The command runs until interrupted: stop it like a reader would.
    pub interrupt: Option<Interrupt>,
}

/// When to press Ctrl-C: once these lines (trimmed) have appeared in order, or `after`.
#[derive(Debug, Clone)]
pub struct Interrupt {
    pub after: Duration,
    pub shown: Vec<String>,
}

/// How long an interrupted command may take to end before it is killed.
const AFTER_INTERRUPT: Duration = Duration::from_secs(5);

/// What one command did.
#[derive(Debug, Clone)]
pub struct Finished {
    /// Not run: meant for an entered shell that did not start, or was killed.
    pub not_run: bool,
    pub output: String,
    /// None when the command did not end by itself (timed out, or the session died).
    pub status: Option<i32>,
    pub timed_out: bool,
    /// Stopped with SIGINT, as a reader presses Ctrl-C (`Cmd::interrupt`).
    pub interrupted: bool,
    pub truncated: bool,
    pub duration: Duration,
}

pub struct Session {
    launch: Launch,
    child: Child,
    stdin: ChildStdin,
    chunks: Receiver<Vec<u8>>,
    token: String,
    seq: u64,
    /// The working directory after the last command (reported with its end token).
    cwd: PathBuf,
    /// Output that arrived after the last end token: the next command's.
    pending: Vec<u8>,
    /// While inside an entered shell: the outer shell's working directory.
    outer_cwd: Option<PathBuf>,
    /// The entered shell was killed (a timeout): what was meant for it is not run.
    lost_shell: bool,
}

/// Bytes of commands sent ahead of the one running: well under a pipe's buffer.
const WINDOW: usize = 32 * 1024;

impl Session {
    pub fn start(launch: Launch) -> std::io::Result<Session> {
        let cwd = launch.cwd.clone();
        Session::start_in(launch, cwd)
    }

    /// Starts a session that continues in `cwd` (and restores the saved exports).
    fn start_in(launch: Launch, cwd: PathBuf) -> std::io::Result<Session> {
        let (reader, writer) = std::io::pipe()?;
        let token = format!("\x1eGCEND{:016x}", nonce());
        let mut child = Command::new(&launch.program[0])
            .args(&launch.program[1..])
            .env_clear()
            .envs(launch.env.iter().map(|(k, v)| (k, v)))
            .current_dir(&launch.cwd)
            .stdin(Stdio::piped())
            .stdout(writer.try_clone()?)
            .stderr(writer)
            .process_group(0)
            .spawn()?;
        let stdin = child.stdin.take().expect("piped stdin");
        let (tx, chunks) = channel();
        std::thread::spawn(move || forward(reader, &tx));
        let mut session = Session {
            launch,
            child,
            stdin,
            chunks,
            token,
            seq: 0,
            cwd,
            pending: Vec::new(),
            outer_cwd: None,
            lost_shell: false,
        };
        session.prelude()?;
        Ok(session)
    }

    /// Defines the end-of-command function and restores any saved state.
    fn prelude(&mut self) -> std::io::Result<()> {
        let ctl = shell_quote(&self.launch.ctl);
        let token = &self.token;
        let cwd = shell_quote(&self.cwd);
        let script = format!(
            "trap : INT\n__gc_ret() {{ return \"$1\"; }}\n__gc_end() {{ __gc_st=$?; export -p > {ctl}/env; \
             printf '{token}:%s:%s:%s\\n' \"$1\" \"$__gc_st\" \"$PWD\"; }}\n\
             if [ -f {ctl}/env ]; then . {ctl}/env; fi 2>/dev/null; cd {cwd} 2>/dev/null\n{}",
            nested::drain_function(token)
        );
        self.stdin.write_all(script.as_bytes())
    }

    /// The session's current working directory (as of the last finished command).
    pub fn cwd(&self) -> PathBuf {
        self.cwd.clone()
    }

    /// Runs commands in order, sending them ahead (up to `WINDOW` bytes in flight, so a
    /// write never blocks and every timeout holds) instead of waiting between them.
    /// `started(i)` and `finished(i, …)` are called as each command starts and ends. A
    /// timeout or a dead session restarts it, and the commands not yet run are sent again.
    pub fn run_batch(
        &mut self,
        commands: &[Cmd],
        sink: &dyn Fn(&[u8]),
        started: &mut dyn FnMut(usize),
        finished: &mut dyn FnMut(usize, Finished),
    ) -> std::io::Result<()> {
        let mut next = 0;
        while next < commands.len() {
            if self.lost_shell && matches!(commands[next].role, Role::Inside | Role::Leave) {
                self.lost_shell = commands[next].role != Role::Leave;
                finished(next, Finished::not_run());
                next += 1;
                continue;
            }
            // (index, seq, bytes) of the commands sent to this session and not yet collected.
            let mut inflight: std::collections::VecDeque<(usize, u64, usize)> =
                std::collections::VecDeque::new();
            let mut to_send = next;
            let mut restarted = false;
            while next < commands.len() && !restarted {
                let mut bytes: usize = inflight.iter().map(|f| f.2).sum();
                while to_send < commands.len()
                    && (inflight.is_empty() || bytes + commands[to_send].text.len() < WINDOW)
                {
                    let (seq, len) = self.send(&commands[to_send])?;
                    inflight.push_back((to_send, seq, len));
                    bytes += len;
                    to_send += 1;
                }
                let (index, seq, _) = inflight.pop_front().expect("sent");
                started(index);
                let before = self.cwd.clone();
                let (done, restart) = self.collect(seq, &commands[index], sink)?;
                self.track_shell(commands[index].role, &done, before);
                finished(index, done);
                next = index + 1;
                restarted = restart;
            }
        }
        Ok(())
    }

    /// Keeps count of the entered shell: entered, left, or lost with a restart.
    fn track_shell(&mut self, role: Role, done: &Finished, before: PathBuf) {
        match role {
            Role::Enter if done.status == Some(0) => self.outer_cwd = Some(before),
            Role::Leave => self.outer_cwd = None,
            _ => {}
        }
    }

    /// Writes one command to the session; returns its sequence number and size.
    fn send(&mut self, command: &Cmd) -> std::io::Result<(u64, usize)> {
        self.seq += 1;
        let seq = self.seq;
        let ctl = &self.launch.ctl;
        let line = match command.role {
            Role::Enter => nested::enter_lines(ctl, &self.token, seq, &command.text),
            Role::Leave => nested::leave_line(ctl, seq, &command.text),
            // The command travels inline, ANSI-C quoted: no file to read, no subshell.
            // A command that runs until interrupted runs in a subshell, whose SIGINT is not
            // trapped: Ctrl-C ends it (and any loop it is in) and the session goes on.
            Role::Plain | Role::Inside if command.interrupt.is_some() => format!(
                "__gc_ret \"${{__gc_st:-0}}\"; (eval {}) </dev/null; __gc_end {seq}\n",
                ansi_c_quote(&command.text)
            ),
            Role::Plain | Role::Inside => format!(
                "__gc_ret \"${{__gc_st:-0}}\"; eval {} </dev/null; __gc_end {seq}\n",
                ansi_c_quote(&command.text)
            ),
        };
        // A session that died has closed its stdin: what it did not run is collected as
        // its death, and the caller sends it again to a new session.
        let _ = self.stdin.write_all(line.as_bytes());
        Ok((seq, line.len()))
    }

    /// Waits for command `seq` to end, at most its timeout; one that runs until interrupted
    /// gets SIGINT once its shown lines have appeared (or its interval is over). True when
    /// the session had to be restarted (a timeout, or the session died).
    fn collect(
        &mut self,
        seq: u64,
        command: &Cmd,
        sink: &dyn Fn(&[u8]),
    ) -> std::io::Result<(Finished, bool)> {
        let started = Instant::now();
        let end = format!("{}:{}:", self.token, seq);
        let mut wait = Wait::new(&end, self.launch.output_limit, sink);
        let mut deadline = later(started, command.timeout);
        let shown = command.interrupt.as_ref().map_or(&[][..], |i| &i.shown[..]);
        let mut follower = Follower::new(shown);
        let mut interrupt_at = command.interrupt.as_ref().map(|i| later(started, i.after));
        let mut interrupted = false;
        let pending = std::mem::take(&mut self.pending);
        follower.feed(&pending);
        let mut outcome = wait
            .feed(&pending)
            .map(|(status, cwd)| Outcome::Ended(status, cwd));
        while outcome.is_none() {
            let now = Instant::now();
            if interrupt_at.is_some_and(|at| at <= now) || (interrupt_at.is_some() && follower.saw_all()) {
                interrupt_at = None;
                interrupted = true;
                self.signal(rustix::process::Signal::INT);
                deadline = deadline.min(later(now, AFTER_INTERRUPT));
            }
            let wake = interrupt_at.map_or(deadline, |at| at.min(deadline));
            outcome = match self.chunks.recv_timeout(wake.saturating_duration_since(now)) {
                Ok(chunk) => {
                    follower.feed(&chunk);
                    wait.feed(&chunk).map(|(status, cwd)| Outcome::Ended(status, cwd))
                }
                Err(RecvTimeoutError::Timeout) if Instant::now() < deadline => None,
                Err(RecvTimeoutError::Timeout) => Some(Outcome::TimedOut),
                Err(RecvTimeoutError::Disconnected) => Some(Outcome::SessionDied),
            };
        }
        let duration = started.elapsed();
        let mut not_run = false;
        let (status, timed_out, restarted) = match outcome.expect("loop ends with an outcome") {
            Outcome::Ended(status, cwd) => {
                self.cwd = cwd;
                self.pending = std::mem::take(&mut wait.rest);
                not_run = status.is_none();
                (status, false, false)
            }
            Outcome::TimedOut => {
                self.restart()?;
                (None, true, true)
            }
            Outcome::SessionDied => {
                let status = self.child.wait().ok().and_then(|s| s.code());
                self.restart()?;
                (status, false, true)
            }
        };
        let truncated = wait.capture.truncated();
        let finished = Finished {
            not_run,
            output: wait.finish(),
            status,
            timed_out,
            interrupted,
            truncated,
            duration,
        };
        Ok((finished, restarted))
    }

    /// Kills the session with its whole process group and starts a new one from the
    /// saved cwd and exported variables (of the outer shell, when inside an entered one).
    fn restart(&mut self) -> std::io::Result<()> {
        self.kill();
        let lost_shell = self.outer_cwd.is_some();
        let cwd = self.outer_cwd.take().unwrap_or_else(|| self.cwd.clone());
        let mut fresh = Session::start_in(self.launch.clone(), cwd)?;
        fresh.lost_shell = lost_shell;
        let old = std::mem::replace(self, fresh);
        drop(old);
        Ok(())
    }

    /// Signals the session's whole process group.
    fn signal(&self, signal: rustix::process::Signal) {
        let group = i32::try_from(self.child.id())
            .ok()
            .and_then(rustix::process::Pid::from_raw);
        if let Some(group) = group {
            let _ = rustix::process::kill_process_group(group, signal);
        }
    }

    fn kill(&mut self) {
        // The session leads its own process group (`process_group(0)`): this also ends what
        // the guide's commands left running in the background.
        self.signal(rustix::process::Signal::KILL);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.kill();
    }
}

impl Finished {
    fn not_run() -> Finished {
        Finished {
            not_run: true,
            output: String::new(),
            status: None,
            timed_out: false,
            interrupted: false,
            truncated: false,
            duration: Duration::ZERO,
        }
    }
}

enum Outcome {
    /// The end token came: the exit status (None: not run), and the working directory.
    Ended(Option<i32>, PathBuf),
    TimedOut,
    SessionDied,
}

/// `start + d`, or a time too far away to matter when that does not fit.
fn later(start: Instant, d: Duration) -> Instant {
    start
        .checked_add(d)
        .unwrap_or_else(|| start + Duration::from_secs(u64::from(u32::MAX)))
}

fn forward(mut reader: std::io::PipeReader, tx: &std::sync::mpsc::Sender<Vec<u8>>) {
    let mut buf = vec![0; 64 * 1024];
    while let Ok(n) = reader.read(&mut buf) {
        if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn end_token_split_across_chunks_is_found() {
        let mut w = Wait::new("\x1eEND:1:", 1024, &|_| {});
        assert_eq!(w.feed(b"hello\n\x1eEN"), None);
        assert_eq!(w.feed(b"D:1"), None);
        assert_eq!(w.feed(b":7:/w\n"), Some((Some(7), PathBuf::from("/w"))));
        assert_eq!(w.finish(), "hello\n");
    }

    #[test]
    fn output_without_newline_before_the_token_is_kept_exactly() {
        let mut w = Wait::new("\x1eEND:2:", 1024, &|_| {});
        assert_eq!(
            w.feed(b"no newline\x1eEND:2:0:/a:b\n"),
            Some((Some(0), PathBuf::from("/a:b")))
        );
        assert_eq!(w.finish(), "no newline");
    }

    fn launch(dir: &Path) -> Launch {
        std::fs::create_dir_all(dir.join("ctl")).unwrap();
        Launch {
            program: ["bash", "--noprofile", "--norc"].map(String::from).to_vec(),
            env: vec![("PATH".into(), std::env::var("PATH").unwrap_or_default())],
            cwd: dir.to_path_buf(),
            ctl: dir.join("ctl"),
            output_limit: 1 << 20,
        }
    }

    fn batch(session: &mut Session, commands: &[(&str, u64)]) -> Vec<Finished> {
        let commands: Vec<Cmd> = commands
            .iter()
            .map(|(c, ms)| Cmd {
                text: (*c).to_string(),
                timeout: Duration::from_millis(*ms),
                role: Role::Plain,
                interrupt: None,
            })
            .collect();
        let mut results = Vec::new();
        session
            .run_batch(&commands, &|_| {}, &mut |_| {}, &mut |_, f| results.push(f))
            .unwrap();
        results
    }

    #[test]
    fn a_batch_keeps_each_commands_output_apart() {
        let dir = tempfile::tempdir().unwrap();
        let mut session = Session::start(launch(dir.path())).unwrap();
        let results = batch(
            &mut session,
            &[
                ("printf a", 5000),
                ("echo b; false", 5000),
                ("echo \"c$?\"", 5000),
            ],
        );
        let seen: Vec<(&str, Option<i32>)> = results.iter().map(|f| (f.output.as_str(), f.status)).collect();
        assert_eq!(seen, [("a", Some(0)), ("b\n", Some(1)), ("c1\n", Some(0))]);
    }

    #[test]
    fn a_timeout_in_a_batch_restarts_the_session_and_runs_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let mut session = Session::start(launch(dir.path())).unwrap();
        let results = batch(
            &mut session,
            &[
                ("cd sub; export KEPT=yes", 5000),
                ("sleep 20", 300),
                ("echo \"$KEPT $(basename \"$PWD\")\"", 5000),
            ],
        );
        assert!(results[1].timed_out);
        assert_eq!(
            (results[2].output.as_str(), results[2].status),
            ("yes sub\n", Some(0))
        );
    }

    #[test]
    fn partial_suffix_finds_token_prefixes() {
        assert_eq!(partial_suffix(b"abc\x1eE", b"\x1eEND"), 2);
        assert_eq!(partial_suffix(b"abc", b"\x1eEND"), 0);
    }
}
