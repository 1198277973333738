//! Waiting for one command of a session: its output up to its end token, its timeout, and
//! the Ctrl-C a reader gives a command that runs until interrupted.

use super::pipe::Chunk;
use super::session::{Cmd, Finished, Session};
use super::wait::{End, Ended, Follower, Wait};
use std::time::{Duration, Instant};

/// How long an interrupted command may take to end before it counts as timed out.
const AFTER_INTERRUPT: Duration = Duration::from_secs(5);
/// How often Ctrl-C is pressed again while an interrupted command goes on: bash drops a
/// SIGINT that arrives as its foreground child exits on its own (a loop of short commands).
const CTRL_C_AGAIN: Duration = Duration::from_millis(200);
/// How long the shell may take to end a command whose processes were killed; past it, the
/// shell itself is stuck (a loop in the shell) and is replaced.
const AFTER_KILL: Duration = Duration::from_secs(2);
/// Processes started this long before the previous end token arrived may be the running
/// command's (the token travels through the pipe after the command began).
const TOKEN_LAG: Duration = Duration::from_millis(50);

enum Outcome {
    /// The end token came.
    Ended(Ended),
    /// A later token came: this command's was lost (see `wait`), it succeeded.
    Lost,
    /// The command's processes were killed and still the shell did not end it.
    Stuck,
    SessionDied,
}

impl Session {
    /// Waits for command `seq` to end. At its timeout, what it started is killed and the
    /// shell goes on; one that runs until interrupted gets SIGINT once its shown lines
    /// have appeared (or its interval is over). True when the shell had to be replaced.
    pub(super) fn collect(
        &mut self,
        seq: u64,
        command: &Cmd,
        sink: &dyn Fn(&[u8]),
    ) -> std::io::Result<(Finished, bool)> {
        let started = Instant::now();
        let end = format!("{}:", self.token);
        let mut wait = Wait::new(&end, seq, self.launch.output_limit, sink);
        let waited = self.wait_for(&mut wait, command, started);
        let duration = started.elapsed();
        let mut not_run = false;
        let Waited {
            outcome,
            killed,
            interrupted,
            arrived,
        } = waited;
        let (status, timed_out, replaced) = match outcome {
            Outcome::Ended(Ended { status, shell, cwd }) => {
                self.cwd = cwd;
                self.shell = shell;
                self.mark = arrived.checked_sub(TOKEN_LAG).unwrap_or(arrived);
                not_run = status.is_none();
                (status, killed, false)
            }
            Outcome::Lost => {
                // Its stdout is not the pipe: what is sent from now on ends on fd 19. What it
                // collected goes to the command whose token came (see `wait`).
                self.tokens_on_stdout = false;
                self.pending.hand_back(&wait.hand_over());
                (Some(0), killed, false)
            }
            Outcome::Stuck => {
                self.replace()?;
                (None, true, true)
            }
            Outcome::SessionDied => {
                let status = self.child.wait();
                self.replace()?;
                (status, killed, true)
            }
        };
        let truncated = wait.capture.truncated();
        let finished = Finished {
            not_run,
            output: wait.finish(),
            status,
            timed_out,
            shell_replaced: replaced,
            interrupted,
            truncated,
            duration,
        };
        Ok((finished, replaced))
    }
}

impl From<End> for Outcome {
    fn from(end: End) -> Outcome {
        match end {
            End::Token(ended) => Outcome::Ended(ended),
            End::Lost => Outcome::Lost,
        }
    }
}

/// How waiting for a command ended.
struct Waited {
    outcome: Outcome,
    /// Its processes were killed at its timeout.
    killed: bool,
    /// It was sent SIGINT (it runs until interrupted).
    interrupted: bool,
    /// When its end token (or the last output) arrived.
    arrived: Instant,
}

impl Session {
    /// Reads output until the command's end token, killing what it started at its
    /// timeout, and pressing Ctrl-C for a command that runs until interrupted.
    fn wait_for(&mut self, wait: &mut Wait, command: &Cmd, started: Instant) -> Waited {
        let mut deadline = later(started, command.timeout);
        let shown = command.interrupt.as_ref().map_or(&[][..], |i| &i.shown[..]);
        let mut follower = Follower::new(shown);
        let mut interrupt_at = command.interrupt.as_ref().map(|i| later(started, i.after));
        let (mut interrupted, mut killed) = (false, false);
        let mut arrived = Instant::now();
        // Output that came with an earlier command's: taken where it starts, not copied.
        wait.shown_already(self.pending.shown);
        follower.feed(self.pending.rest());
        let ended = wait.feed(self.pending.rest());
        self.pending.took(ended.as_ref().map(|(_, used)| *used));
        let mut outcome = ended.map(|(end, _)| Outcome::from(end));
        while outcome.is_none() {
            let now = Instant::now();
            if interrupt_at.is_some_and(|at| at <= now || (!interrupted && follower.saw_all())) {
                self.signal(rustix::process::Signal::INT);
                if !interrupted {
                    deadline = deadline.min(later(now, AFTER_INTERRUPT));
                }
                interrupted = true;
                interrupt_at = (!killed).then(|| later(now, CTRL_C_AGAIN));
            }
            let wake = interrupt_at.map_or(deadline, |at| at.min(deadline));
            let quiet = match self.output.next(wake.saturating_duration_since(now)) {
                Ok(Chunk::Data(chunk)) => {
                    arrived = Instant::now();
                    follower.feed(chunk);
                    if let Some((end, used)) = wait.feed(chunk) {
                        // The rest of the read is the next commands' output.
                        self.pending.keep(&wait.unread, &chunk[used..]);
                        outcome = Some(Outcome::from(end));
                    }
                    continue;
                }
                Ok(Chunk::Quiet) => true,
                Ok(Chunk::Closed) | Err(_) => false,
            };
            outcome = match quiet {
                false => Some(Outcome::SessionDied),
                true if Instant::now() < deadline => None,
                true if !killed && self.kill_command() => {
                    killed = true;
                    interrupt_at = None;
                    deadline = later(Instant::now(), AFTER_KILL);
                    None
                }
                true => Some(Outcome::Stuck),
            };
        }
        Waited {
            outcome: outcome.expect("loop ends with an outcome"),
            killed,
            interrupted,
            arrived,
        }
    }
}

/// `start + d`, or a time too far away to matter when that does not fit.
pub(super) fn later(start: Instant, d: Duration) -> Instant {
    start
        .checked_add(d)
        .unwrap_or_else(|| start + Duration::from_secs(u64::from(u32::MAX)))
}

/// Output read with an earlier command's that belongs to the next ones.
#[derive(Default)]
pub(super) struct Pending {
    buf: Vec<u8>,
    /// Where the next command's output starts.
    at: usize,
    /// How many bytes from `at` were shown already (handed back by a command).
    shown: usize,
}

impl Pending {
    fn rest(&self) -> &[u8] {
        &self.buf[self.at..]
    }

    /// A command took `used` bytes of the rest and ended; None: it took all and goes on.
    fn took(&mut self, used: Option<usize>) {
        self.shown = 0;
        match used {
            Some(used) => self.at += used,
            None => self.keep(&[], &[]),
        }
    }

    /// Output a command collected and gave up: the next command's first, shown already.
    fn hand_back(&mut self, output: &[u8]) {
        let mut buf = output.to_vec();
        buf.extend_from_slice(self.rest());
        (self.buf, self.at, self.shown) = (buf, 0, output.len());
    }

    /// What is left of a read once a command ended in it (after bytes held back before it).
    fn keep(&mut self, unread: &[u8], rest: &[u8]) {
        self.shown = 0;
        self.buf.clear();
        self.buf.extend_from_slice(unread);
        self.buf.extend_from_slice(rest);
        self.at = 0;
    }
}
