//! Live progress while guides run (stderr): a spinner per running step on a terminal; off a
//! terminal, a plain line for a step still running every 30 s (CI logs show that a
//! minutes-long Nix build is alive); `--verbose` streams command output as it comes.

use crate::run::Observer;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DEFAULT_INTERVAL: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct Progress {
    mode: Mode,
    verbose: bool,
    running: Arc<Mutex<Vec<Running>>>,
    /// The thread that tells of steps still running starts with the first step, not
    /// before: a run that fails early, or has nothing to run, never starts it.
    ticker: Arc<std::sync::Once>,
}

#[derive(Clone)]
enum Mode {
    Spinners(MultiProgress),
    /// A line every `interval` for a step still running.
    Lines(Duration),
    Off,
}

struct Running {
    id: usize,
    what: String,
    started: Instant,
    told: Instant,
}

impl Progress {
    /// Spinners when stderr is a terminal (and `live`), lines otherwise.
    pub fn new(live: bool, verbose: bool) -> Progress {
        use std::io::IsTerminal;
        let mode = if !live {
            Mode::Off
        } else if std::io::stderr().is_terminal() && !verbose {
            Mode::Spinners(MultiProgress::new())
        } else {
            let interval = std::env::var("GUIDECHECK_PROGRESS_INTERVAL")
                .ok()
                .and_then(|v| crate::error::parse_duration(&v).ok())
                .unwrap_or(DEFAULT_INTERVAL);
            Mode::Lines(interval)
        };
        Progress {
            mode,
            verbose,
            running: Arc::new(Mutex::new(Vec::new())),
            ticker: Arc::new(std::sync::Once::new()),
        }
    }

    /// Starts the thread that tells of steps still running, once, when lines are wanted.
    fn start_ticker(&self) {
        if let Mode::Lines(interval) = self.mode {
            self.ticker.call_once(|| {
                let running = Arc::clone(&self.running);
                std::thread::spawn(move || tell_still_running(&running, interval));
            });
        }
    }

    /// The observer for one guide's run. It keeps what it says of each step, not the steps
    /// (a plan can be large; the run owns it).
    pub fn guide<'a>(&'a self, id: usize, guide: &std::path::Path) -> GuideProgress<'a> {
        let bar = match &self.mode {
            Mode::Spinners(multi) => {
                let bar = multi.add(ProgressBar::new_spinner());
                bar.set_style(
                    ProgressStyle::with_template("{spinner} {msg} ({elapsed})").expect("valid template"),
                );
                bar.set_message(format!("{}: starting", guide.display()));
                bar.enable_steady_tick(Duration::from_millis(120));
                Some(bar)
            }
            _ => None,
        };
        let name = guide.file_name().map_or_else(
            || guide.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        GuideProgress {
            progress: self,
            id,
            name,
            bar,
        }
    }
}

pub struct GuideProgress<'a> {
    progress: &'a Progress,
    id: usize,
    /// The guide's file name.
    name: String,
    bar: Option<ProgressBar>,
}

impl GuideProgress<'_> {
    fn what(&self, index: usize, step: &crate::plan::Step) -> String {
        format!("step {} of {}: {}", index + 1, self.name, step.summary())
    }
}

impl Observer for GuideProgress<'_> {
    fn step_started(&self, index: usize, step: &crate::plan::Step) {
        self.progress.start_ticker();
        let what = self.what(index, step);
        if let Some(bar) = &self.bar {
            bar.reset_elapsed();
            bar.set_message(what.clone());
        }
        if self.progress.verbose {
            eprintln_locked(&format!("--- {what}"));
        }
        let now = Instant::now();
        let mut running = self.progress.running.lock().expect("progress lock");
        running.retain(|r| r.id != self.id);
        running.push(Running {
            id: self.id,
            what,
            started: now,
            told: now,
        });
    }

    fn step_finished(&self, _index: usize) {
        self.progress
            .running
            .lock()
            .expect("progress lock")
            .retain(|r| r.id != self.id);
    }

    fn output(&self, bytes: &[u8]) {
        if self.progress.verbose {
            let mut err = std::io::stderr().lock();
            let _ = err.write_all(bytes);
            let _ = err.flush();
        }
    }
}

impl Drop for GuideProgress<'_> {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        self.progress
            .running
            .lock()
            .expect("progress lock")
            .retain(|r| r.id != self.id);
    }
}

fn tell_still_running(running: &Mutex<Vec<Running>>, interval: Duration) {
    loop {
        std::thread::sleep(interval.min(Duration::from_secs(1)) / 2);
        let mut running = running.lock().expect("progress lock");
        for r in running.iter_mut().filter(|r| r.told.elapsed() >= interval) {
            r.told = Instant::now();
            eprintln_locked(&format!(
                "still running {} ({})",
                r.what,
                elapsed(r.started.elapsed())
            ));
        }
    }
}

/// `2m30s`, `45s`, `1h2m`.
pub fn elapsed(d: Duration) -> String {
    let s = d.as_secs();
    match (s / 3600, s % 3600 / 60, s % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, s) => format!("{m}m{s}s"),
        (h, m, _) => format!("{h}h{m}m"),
    }
}

#[allow(clippy::print_stderr)]
fn eprintln_locked(line: &str) {
    eprintln!("{line}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elapsed_reads_like_a_clock() {
        assert_eq!(elapsed(Duration::from_secs(45)), "45s");
        assert_eq!(elapsed(Duration::from_secs(150)), "2m30s");
        assert_eq!(elapsed(Duration::from_secs(3720)), "1h2m");
    }
}
