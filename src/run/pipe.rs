//! The session's output pipe, read by the thread that waits for a command: poll with the
//! time left, then one read into a fixed buffer. No reader thread, no queue: memory stays
//! flat (a command that writes faster than we read waits on the full pipe).

use std::io::Read;
use std::time::Duration;

pub(super) struct Output {
    reader: std::io::PipeReader,
    /// The session shell as a pidfd, readable once it has exited: processes it left in
    /// the background may hold the pipe open, and then only this says it is gone.
    shell: Option<std::os::fd::OwnedFd>,
    buf: Vec<u8>,
    /// More commands are queued: once woken by output, let more gather a moment before
    /// reading it, so one read (and one wake-up) serves several commands.
    pub(super) gather: bool,
}

/// The most one read takes (a pipe holds 64 KiB).
const MAX_READ: usize = 64 * 1024;

/// How long output may gather while more commands are queued.
const GATHER: Duration = Duration::from_micros(100);

/// What one wait on the pipe brought.
pub(super) enum Chunk<'a> {
    Data(&'a [u8]),
    /// Nothing arrived in the time given.
    Quiet,
    /// The shell has ended (every writer is gone, or the shell exited and what it wrote
    /// has been read).
    Closed,
}

impl Output {
    /// Output of the shell `pid` (None where pidfds are not available: then only the
    /// pipe's closing says the shell ended).
    pub(super) fn new(reader: std::io::PipeReader, pid: i32) -> Output {
        let shell = rustix::process::Pid::from_raw(pid)
            .and_then(|pid| rustix::process::pidfd_open(pid, rustix::process::PidfdFlags::empty()).ok());
        Output {
            reader,
            shell,
            // Grown as reads fill it, up to a pipe's size: most guides' outputs are small,
            // and zeroing 64 KiB at once costs 16 page faults at every start.
            buf: vec![0; 4 * 1024],
            gather: false,
        }
    }

    /// Waits at most `wait` for output, and reads what is there.
    pub(super) fn next(&mut self, wait: Duration) -> std::io::Result<Chunk<'_>> {
        use rustix::event::{PollFd, PollFlags, poll};
        let timeout = rustix::time::Timespec {
            tv_sec: i64::try_from(wait.as_secs()).unwrap_or(i64::MAX),
            tv_nsec: i64::from(wait.subsec_nanos()),
        };
        use std::os::fd::AsFd;
        let shell = self.shell.as_ref().map_or(self.reader.as_fd(), |s| s.as_fd());
        let watched = if self.shell.is_some() { 2 } else { 1 };
        // A first look without waiting: output already there is read at once, with no
        // gathering (there is no wake-up to save; we were busy, not asleep).
        let at_once = rustix::time::Timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        let mut slept = false;
        loop {
            let mut both = [
                PollFd::new(&self.reader, PollFlags::IN),
                PollFd::new(&shell, PollFlags::IN),
            ];
            let fds = &mut both[..watched];
            match poll(fds, Some(if slept { &timeout } else { &at_once })) {
                Ok(0) if !slept => slept = true,
                Ok(0) => return Ok(Chunk::Quiet),
                // The pipe first: what the shell wrote before it exited is still to read.
                Ok(_) if !fds[0].revents().is_empty() => break,
                Ok(_) => return Ok(Chunk::Closed),
                Err(rustix::io::Errno::INTR) => {}
                Err(e) => return Err(e.into()),
            }
        }
        if self.gather && slept {
            std::thread::sleep(GATHER);
        }
        match self.reader.read(&mut self.buf) {
            Ok(0) => Ok(Chunk::Closed),
            Ok(n) => {
                if n == self.buf.len() && n < MAX_READ {
                    self.buf.resize(2 * n, 0);
                }
                Ok(Chunk::Data(&self.buf[..n]))
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Ok(Chunk::Quiet),
            Err(e) => Err(e),
        }
    }
}
