//! The session's output pipe, read by the thread that waits for a command: poll with the
//! time left, then one read into a fixed buffer. No reader thread, no queue: memory stays
//! flat (a command that writes faster than we read waits on the full pipe).

use std::io::Read;
use std::time::Duration;

pub(super) struct Output {
    reader: std::io::PipeReader,
    buf: Vec<u8>,
    /// More commands are queued: let output gather a moment before reading it, so one
    /// read (and one wake-up) serves several commands.
    pub(super) gather: bool,
}

/// How long output may gather while more commands are queued.
const GATHER: Duration = Duration::from_micros(100);

/// What one wait on the pipe brought.
pub(super) enum Chunk<'a> {
    Data(&'a [u8]),
    /// Nothing arrived in the time given.
    Quiet,
    /// Every writer is gone: the shell and all it started have ended.
    Closed,
}

impl Output {
    pub(super) fn new(reader: std::io::PipeReader) -> Output {
        Output {
            reader,
            buf: vec![0; 64 * 1024],
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
        loop {
            let mut fds = [PollFd::new(&self.reader, PollFlags::IN)];
            match poll(&mut fds, Some(&timeout)) {
                Ok(0) => return Ok(Chunk::Quiet),
                Ok(_) => break,
                Err(rustix::io::Errno::INTR) => {}
                Err(e) => return Err(e.into()),
            }
        }
        if self.gather {
            std::thread::sleep(GATHER);
        }
        match self.reader.read(&mut self.buf) {
            Ok(0) => Ok(Chunk::Closed),
            Ok(n) => Ok(Chunk::Data(&self.buf[..n])),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Ok(Chunk::Quiet),
            Err(e) => Err(e),
        }
    }
}
