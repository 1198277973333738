//! One shell session per guide: a bash process whose loop sources batches of commands, so
//! cwd, variables, functions and options persist from block to block as in a reader's
//! terminal. The lines it runs are in `protocol`.
//!
//! stdout and stderr share one pipe, so output keeps its arrival order; the end tokens
//! come on the same pipe through a descriptor of their own, after the command's output.
//! The session is a Unix session of its own (`setsid`: no controlling terminal), and every
//! process it starts carries its marker, so `procs` can account for them: a timed-out
//! command's processes are killed and the shell goes on; only a shell that is itself stuck
//! (a loop in the shell) is replaced, in the same directory, its variables lost.

use super::procs;
use super::protocol::{self, Role};
use super::quote::nonce;
pub use super::quote::shell_quote;
use std::collections::VecDeque;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How to start the shell (directly, or inside a mount namespace for a private store).
#[derive(Debug, Clone)]
pub struct Launch {
    pub program: Vec<String>,
    pub env: Vec<(String, String)>,
    pub cwd: PathBuf,
    /// The control folder: batch files.
    pub ctl: PathBuf,
    pub output_limit: usize,
    /// What it runs (the guide), for the message when guidecheck is stopped.
    pub label: String,
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

/// What one command did.
#[derive(Debug, Clone, Default)]
pub struct Finished {
    /// Not run: meant for an entered shell that did not start, or was killed.
    pub not_run: bool,
    pub output: String,
    /// None when the command did not end by itself (the session died, or was replaced).
    pub status: Option<i32>,
    pub timed_out: bool,
    /// The shell itself did not end the command after its processes were killed: it was
    /// replaced by a new one (same directory, variables and functions gone).
    pub shell_replaced: bool,
    /// Stopped with SIGINT, as a reader presses Ctrl-C (`Cmd::interrupt`).
    pub interrupted: bool,
    pub truncated: bool,
    pub duration: Duration,
}

/// Commands per batch file, and commands in flight: bounds on memory and on what a
/// replaced shell has to be sent again. A batch of 256 keeps the next one sent before bash
/// is done with it (batches of 64 left bash waiting: 2,000 commands took 10% longer).
const BATCH: usize = 256;
const IN_FLIGHT: usize = 256;

pub struct Session {
    pub(super) launch: Launch,
    pub(super) child: super::spawn::Shell,
    /// The FIFO the shell reads batch names from.
    go: std::fs::File,
    pub(super) output: super::pipe::Output,
    pub(super) token: String,
    /// `GUIDECHECK_SESSION=…`: in the environment of everything the session starts.
    pub(super) marker: String,
    /// The Unix session id: the shell's pid (it leads a new session).
    pub(super) sid: i32,
    seq: u64,
    batches: u64,
    /// The working directory after the last command (reported with its end token).
    pub(super) cwd: PathBuf,
    /// Output that arrived after the last end token: the next command's.
    pub(super) pending: super::collect::Pending,
    /// Since when the running command may have started processes.
    pub(super) mark: Instant,
    /// The shell that ran the last command (`$$`): an entered shell, or the session's.
    pub(super) shell: i32,
    /// While inside an entered shell: the outer shell's working directory.
    outer_cwd: Option<PathBuf>,
    /// The entered shell was lost (its shell replaced): what was meant for it is not run.
    lost_shell: bool,
    /// Commands that succeed print their end token on stdout, not through fd 19: cheaper,
    /// and safe unless a command sends the shell's stdout elsewhere (`exec >log`). Then the
    /// batch's closing check says so, and what is sent after goes back to fd 19.
    pub(super) tokens_on_stdout: bool,
    /// No command of the guide can turn `-x`, `-v` or `-e` on: a command that succeeded
    /// needs no look at the options (`protocol::Ending::Plain`).
    pub(super) options_fixed: bool,
    /// No step of the guide says `printf` (see `protocol::Ending::Plain`).
    pub(super) printf_unnamed: bool,
    _registered: crate::cleanup::Registered,
}

/// A variable a shell started early can be given by `export` as if it had started with it:
/// a name bash takes, and none it reads only as it starts.
pub(super) fn exportable(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !matches!(
            name,
            "BASH_ENV" | "ENV" | "SHELLOPTS" | "BASHOPTS" | "POSIXLY_CORRECT"
        )
}

impl Session {
    pub fn start(launch: Launch) -> std::io::Result<Session> {
        let cwd = launch.cwd.clone();
        Session::start_in(launch, cwd)
    }

    /// Starts a plain shell in `ctl` (its control folder) before its guide's workspace and
    /// settings are known, with only `SHELL` and `locale` (the caller's `LANG` and `LC_*`)
    /// in its environment: `adopt` gives it its folder and environment. Its start-up (a
    /// millisecond) then overlaps reading the settings, making the workspace and planning;
    /// the locale, which bash loads from a dozen files, is loaded then too, not after.
    pub fn start_early(
        ctl: &Path,
        program: Vec<String>,
        shell: &Path,
        locale: Vec<(String, String)>,
    ) -> std::io::Result<Session> {
        let mut env = vec![("SHELL".to_string(), shell.display().to_string())];
        env.extend(locale);
        let launch = Launch {
            program,
            env,
            cwd: ctl.to_path_buf(),
            ctl: ctl.to_path_buf(),
            output_limit: usize::MAX,
            label: "a guide".to_string(),
        };
        Session::start_in(launch, ctl.to_path_buf())
    }

    /// Gives a session started early (`start_early`) the folder and environment of
    /// `launch`: its first batch goes there and exports them, before any command. Err
    /// (with the launch back) when the shell would differ from one started with it: another
    /// program or control folder, or a variable bash reads only as it starts or cannot
    /// export.
    pub fn adopt(&mut self, launch: Launch) -> Result<(), Box<Launch>> {
        let program = |l: &Launch| super::spawn::locate(&l.program[0], &l.env).ok();
        if self.batches > 0
            || launch.program != self.launch.program
            || program(&launch) != program(&self.launch)
            || launch.ctl != self.launch.ctl
            || !launch.env.iter().all(|(k, _)| exportable(k))
        {
            return Err(Box::new(launch));
        }
        let mut first = format!(
            "\\builtin cd -- {} && OLDPWD=$PWD\n",
            super::quote::shell_quote(&launch.cwd)
        );
        for (name, value) in &launch.env {
            first.push_str(&format!(
                "\\builtin export {name}={}\n",
                super::quote::ansi_c_quote(value)
            ));
        }
        // What the shell started with and the guide's environment lacks (a locale the
        // settings do not pass on) goes.
        for (name, _) in (self.launch.env.iter()).filter(|(n, _)| !launch.env.iter().any(|(k, _)| k == n)) {
            first.push_str(&format!("\\builtin unset {name}\n"));
        }
        let go = self
            .batch_file(&first, None)
            .map_err(|_| Box::new(launch.clone()))?;
        if self.go.write_all(go.as_bytes()).is_err() {
            return Err(Box::new(launch));
        }
        self.cwd = launch.cwd.clone();
        self._registered = self.register(&launch.label);
        self.launch = launch;
        Ok(())
    }

    /// What ends this session's processes if guidecheck is stopped by a signal.
    fn register(&self, label: &str) -> crate::cleanup::Registered {
        register(label, self.child.id(), self.sid, &self.marker)
    }

    /// Starts a session in `cwd`.
    fn start_in(launch: Launch, cwd: PathBuf) -> std::io::Result<Session> {
        let (reader, writer) = std::io::pipe()?;
        let token = format!("\x1eGCEND{:016x}", nonce());
        let marker = format!("GUIDECHECK_SESSION={:016x}", nonce());
        let (name, value) = marker.split_once('=').expect("NAME=value");
        // The FIFO the batches are named on; we hold it open for reading and writing, so
        // the shell's opening it never waits and what we wrote stays until it is read.
        let go_path = launch.ctl.join("go");
        let _ = std::fs::remove_file(&go_path);
        rustix::fs::mkfifoat(rustix::fs::CWD, &go_path, rustix::fs::Mode::from(0o600))?;
        let go = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&go_path)?;
        let prelude = protocol::prelude(&token, &cwd, &go_path);
        let mut program = launch.program.clone();
        program.extend(["-c".to_string(), prelude]);
        let mut env = launch.env.clone();
        env.push((name.to_string(), value.to_string()));
        // A Unix session of its own, without a controlling terminal (`read </dev/tty` fails
        // at once instead of waiting), whose processes `procs` can find.
        let child = super::spawn::in_new_session(&super::spawn::Spawn {
            program: &program,
            env: &env,
            cwd: &launch.cwd,
            output: writer.into(),
        })?;
        let pid = child.id();
        let sid = pid;
        if crate::cleanup::stopping() {
            // Started while a signal's undoing ran: end it here, and wait for the exit.
            end_processes(pid, sid, &marker);
            crate::cleanup::wait_if_stopping();
        }
        let registered = register(&launch.label, pid, sid, &marker);
        Ok(Session {
            launch,
            child,
            go,
            output: super::pipe::Output::new(reader, pid),
            token,
            marker,
            sid,
            seq: 0,
            batches: 0,
            cwd,
            pending: super::collect::Pending::default(),
            mark: Instant::now(),
            shell: pid,
            outer_cwd: None,
            lost_shell: false,
            tokens_on_stdout: false,
            options_fixed: false,
            printf_unnamed: false,
            _registered: registered,
        })
    }

    /// The session's current working directory (as of the last finished command).
    pub fn cwd(&self) -> PathBuf {
        self.cwd.clone()
    }

    /// Runs commands in order, sending them ahead in batch files instead of waiting between
    /// them. `started(i)` and `finished(i, …)` are called as each command starts and ends.
    /// When the shell is replaced (stuck, or it exited), the commands not yet run are sent
    /// again to the new one.
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
            // (index, seq) of the commands sent to this shell and not yet collected.
            let mut inflight: VecDeque<(usize, u64)> = VecDeque::new();
            let mut to_send = next;
            let mut replaced = false;
            while next < commands.len() && !replaced {
                // Nothing is sent after a command that will be interrupted until it ended: the
                // Ctrl-C pressed for it (again, when a loop swallowed one) reaches no other.
                let barrier = |sent: usize| sent > next && commands[sent - 1].interrupt.is_some();
                while to_send < commands.len() && inflight.len() < IN_FLIGHT && !barrier(to_send) {
                    if inflight.is_empty() {
                        self.mark = Instant::now();
                    }
                    let seqs = self.send(&commands[to_send..])?;
                    inflight.extend(seqs.into_iter().enumerate().map(|(k, seq)| (to_send + k, seq)));
                    to_send = inflight.back().map_or(to_send, |f| f.0 + 1);
                }
                let (index, seq) = inflight.pop_front().expect("sent");
                self.output.gather = !inflight.is_empty();
                started(index);
                // The outer shell's directory, kept while inside a shell this command enters.
                let before = (commands[index].role == Role::Enter).then(|| self.cwd.clone());
                let (done, replace) = self.collect(seq, &commands[index], sink)?;
                self.track_shell(commands[index].role, &done, before);
                finished(index, done);
                next = index + 1;
                replaced = replace;
            }
        }
        Ok(())
    }

    /// Keeps count of the entered shell: entered, left, or lost with a replaced shell.
    fn track_shell(&mut self, role: Role, done: &Finished, before: Option<PathBuf>) {
        match role {
            Role::Enter if done.status == Some(0) => self.outer_cwd = before,
            Role::Leave => self.outer_cwd = None,
            _ => {}
        }
    }

    /// Writes the next batch (from `commands[0]`) and sends its go-lines; returns the
    /// sequence numbers of the commands it holds.
    fn send(&mut self, commands: &[Cmd]) -> std::io::Result<Vec<u64>> {
        let role = commands[0].role;
        let take = match role {
            Role::Enter | Role::Leave => 1,
            Role::Plain | Role::Inside => {
                let same = commands.iter().take(BATCH).take_while(|c| c.role == role);
                // A batch ends with a command that will be interrupted (see `run_batch`).
                let until = same.clone().position(|c| c.interrupt.is_some()).map(|i| i + 1);
                until.unwrap_or_else(|| same.count())
            }
        };
        let seqs: Vec<u64> = (0..take as u64).map(|k| self.seq + 1 + k).collect();
        self.seq += take as u64;
        let ctl = self.launch.ctl.clone();
        let mut go = String::new();
        match role {
            Role::Enter => {
                let (outer, inner) = protocol::enter(&ctl, &self.token, seqs[0], &commands[0].text);
                go.push_str(&self.batch_file(&outer, None)?);
                go.push_str(&self.batch_file(&inner, Some(String::new()))?);
            }
            Role::Leave => {
                let text = protocol::leave(&ctl, seqs[0], &commands[0].text);
                let drained = protocol::drained(&self.token, &seqs, true);
                go.push_str(&self.batch_file(&text, Some(drained))?);
            }
            Role::Plain | Role::Inside => {
                let ending = match (role == Role::Plain && self.tokens_on_stdout, self.options_fixed) {
                    (false, _) => protocol::Ending::Called,
                    (true, false) => protocol::Ending::Checked,
                    (true, true) => protocol::Ending::Plain {
                        bare: self.printf_unnamed,
                    },
                };
                let mut text: String = commands[..take]
                    .iter()
                    .zip(&seqs)
                    .map(|(c, seq)| {
                        protocol::command_line(
                            *seq,
                            &c.text,
                            c.interrupt.is_some(),
                            role == Role::Inside,
                            ending,
                        )
                    })
                    .collect();
                if ending != protocol::Ending::Called {
                    text.push_str(&protocol::closing_check(&self.token, seqs[take - 1]));
                }
                let drained = (role == Role::Inside).then(|| protocol::drained(&self.token, &seqs, false));
                go.push_str(&self.batch_file(&text, drained)?);
            }
        }
        // A shell that died has closed its stdin: what it did not run is collected as its
        // death, and the caller sends it again to a new shell.
        let _ = self.go.write_all(go.as_bytes());
        Ok(seqs)
    }

    /// Writes a batch (and what a draining shell runs instead); returns its go-line.
    fn batch_file(&mut self, text: &str, drained: Option<String>) -> std::io::Result<String> {
        self.batches += 1;
        let path = self.launch.ctl.join(format!("b{}", self.batches));
        std::fs::write(&path, text)?;
        if let Some(drained) = drained {
            std::fs::write(self.launch.ctl.join(format!("b{}.d", self.batches)), drained)?;
        }
        Ok(protocol::go_line(&path))
    }

    /// Kills the shell and everything it started, and starts a new one in the last known
    /// directory (of the outer shell, when inside an entered one).
    pub(super) fn replace(&mut self) -> std::io::Result<()> {
        // Stopping on a signal kills the shell: nothing new may start after the sweep.
        crate::cleanup::wait_if_stopping();
        self.kill();
        let lost_shell = self.outer_cwd.is_some();
        let cwd = self.outer_cwd.take().unwrap_or_else(|| self.cwd.clone());
        let mut fresh = Session::start_in(self.launch.clone(), cwd)?;
        fresh.lost_shell = lost_shell;
        fresh.tokens_on_stdout = self.tokens_on_stdout;
        fresh.options_fixed = self.options_fixed;
        fresh.printf_unnamed = self.printf_unnamed;
        let old = std::mem::replace(self, fresh);
        drop(old);
        Ok(())
    }

    /// Signals the shell's process group (the shell and its foreground commands).
    pub(super) fn signal(&self, signal: rustix::process::Signal) {
        let group = rustix::process::Pid::from_raw(self.child.id());
        if let Some(group) = group {
            let _ = rustix::process::kill_process_group(group, signal);
        }
    }

    /// Kills what the running command started since it began; the shell goes on.
    pub(super) fn kill_command(&self) -> bool {
        let sid = self.sid;
        // The shells the command runs in (an entered one and what started it) stay.
        let shells = procs::ancestry(self.shell, sid);
        procs::kill_started_since(sid, procs::ticks_at(self.mark), &shells);
        true
    }

    /// Sends the shell and its processes SIGKILL; dropping the session then waits for them.
    pub(super) fn end(&self) {
        self.signal(rustix::process::Signal::KILL);
    }

    fn kill(&mut self) {
        self.signal(rustix::process::Signal::KILL);
        self.child.kill();
        self.child.wait();
        let pid = self.child.id();
        end_processes(pid, self.sid, &self.marker);
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("sid", &self.sid)
            .finish_non_exhaustive()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.kill();
    }
}

/// What ends a session's processes if guidecheck is stopped by a signal, while it lives.
fn register(label: &str, pid: i32, sid: i32, marker: &str) -> crate::cleanup::Registered {
    let marker = marker.to_string();
    crate::cleanup::register(format!("running {label}"), move || {
        end_processes(pid, sid, &marker)
    })
}

/// Ends every process of a session: its group, its Unix session, and whatever carries its
/// marker (a `setsid cmd &` that left both).
fn end_processes(pid: i32, sid: i32, marker: &str) {
    if let Some(group) = rustix::process::Pid::from_raw(pid) {
        let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
    }
    procs::sweep(sid, marker);
}

impl Finished {
    fn not_run() -> Finished {
        Finished {
            not_run: true,
            ..Finished::default()
        }
    }
}

#[cfg(test)]
#[path = "session_tests.rs"]
mod tests;
