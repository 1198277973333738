//! What guidecheck undoes when it is stopped (SIGINT, SIGTERM, SIGHUP): every live
//! session's processes are ended and every workspace, control folder and temp file is
//! removed. The parts that own those things register an undo here for as long as they live;
//! the normal paths clean up by themselves (drop), this is for the signal.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

type Undo = Box<dyn Fn() + Send>;

/// Undos by id, with what they are about.
pub struct Registry {
    undo: Mutex<Vec<(u64, String, Undo)>>,
    next: AtomicU64,
}

static REGISTRY: Registry = Registry::new();

/// Set once a signal is being handled: the process is about to exit.
static STOPPING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// True while guidecheck is stopping on a signal: start nothing, say nothing more.
pub fn stopping() -> bool {
    STOPPING.load(Ordering::SeqCst)
}

/// Called by a thread that finds the world gone under it while guidecheck stops on a
/// signal (its session killed, its workspace removed): wait for the exit, do not report.
pub fn wait_if_stopping() {
    while stopping() {
        std::thread::park();
    }
}

/// An undo that is registered while this lives.
pub struct Registered {
    id: u64,
    registry: &'static Registry,
}

impl std::fmt::Debug for Registered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Registered({})", self.id)
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        if let Ok(mut undo) = self.registry.undo.lock() {
            undo.retain(|(id, _, _)| *id != self.id);
        }
    }
}

impl Default for Registry {
    fn default() -> Self {
        Registry::new()
    }
}

impl Registry {
    pub const fn new() -> Registry {
        Registry {
            undo: Mutex::new(Vec::new()),
            next: AtomicU64::new(0),
        }
    }

    pub fn register(&'static self, what: impl Into<String>, undo: impl Fn() + Send + 'static) -> Registered {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut list) = self.undo.lock() {
            list.push((id, what.into(), Box::new(undo)));
        }
        Registered { id, registry: self }
    }

    /// Runs every registered undo, newest first (processes end before their folders go);
    /// returns what they were about.
    pub fn undo_all(&self) -> Vec<String> {
        let taken = match self.undo.lock() {
            Ok(mut list) => std::mem::take(&mut *list),
            Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
        };
        let mut what = Vec::new();
        for (_, description, undo) in taken.into_iter().rev() {
            undo();
            if !description.is_empty() && !what.contains(&description) {
                what.push(description);
            }
        }
        what
    }
}

/// Registers `undo` (about `what`: "running guides/x.md") to run if guidecheck is stopped
/// by a signal.
pub fn register(what: impl Into<String>, undo: impl Fn() + Send + 'static) -> Registered {
    REGISTRY.register(what, undo)
}

/// A temporary file in `dir`, for a write that ends with a rename over its target: named
/// with our owner tag (those a killed run left in `dir` are removed first), created with
/// `permissions` when given (else tempfile's 0600), and removed if guidecheck is stopped by
/// a signal while the returned `Registered` lives.
pub fn temp_file_in(
    dir: &std::path::Path,
    permissions: Option<std::fs::Permissions>,
) -> std::io::Result<(tempfile::NamedTempFile, Registered)> {
    remove_leftovers(dir, ".guidecheck-");
    let mut builder = tempfile::Builder::new();
    let prefix = format!(".guidecheck-{}-", owner_tag());
    builder.prefix(&prefix);
    if let Some(permissions) = permissions {
        builder.permissions(permissions);
    }
    let temp = builder.tempfile_in(dir)?;
    let temp_path = temp.path().to_path_buf();
    let registered = register("", move || {
        let _ = std::fs::remove_file(&temp_path);
    });
    Ok((temp, registered))
}

/// Who owns a temp file or folder: `PID.START` (START: the process's start time, so a
/// reused pid is not taken for us). Part of every temp name guidecheck makes.
pub fn owner_tag() -> String {
    static TAG: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TAG.get_or_init(|| {
        let pid = std::process::id();
        format!("{pid}.{}", start_of(pid).unwrap_or(0))
    })
    .clone()
}

fn start_of(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.get(stat.rfind(')')? + 2..)?.split(' ').nth(19)?.parse().ok()
}

/// The owner tag in `name` (`PREFIX` `PID.START` `-…`) when it belongs to a process that is
/// gone.
fn stale(name: &str, prefix: &str) -> Option<String> {
    let tag = name.strip_prefix(prefix)?.split('-').next()?;
    let (pid, start) = tag.split_once('.')?;
    let (pid, start) = (pid.parse::<u32>().ok()?, start.parse::<u64>().ok()?);
    (start_of(pid) != Some(start)).then(|| tag.to_string())
}

/// Removes what a crashed earlier run left in `dir` (entries named `prefix` + a dead
/// owner's tag); returns their names.
pub fn remove_leftovers(dir: &std::path::Path, prefix: &str) -> Vec<String> {
    remove_leftovers_with(dir, prefix, |_, _| {})
}

/// `remove_leftovers`, calling `before` with each leftover's path and owner tag before it
/// goes.
pub fn remove_leftovers_with(
    dir: &std::path::Path,
    prefix: &str,
    mut before: impl FnMut(&std::path::Path, &str),
) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(tag) = stale(&name, prefix) else {
            continue;
        };
        let path = entry.path();
        before(&path, &tag);
        let gone = if path.is_dir() && !path.is_symlink() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        if gone.is_ok() {
            removed.push(name);
        }
    }
    removed
}

/// Housekeeping that runs beside the work (`in_background`), joined before exit.
static BACKGROUND: Mutex<Vec<std::thread::JoinHandle<()>>> = Mutex::new(Vec::new());

/// Runs `work` on a thread of its own; `finish_background` waits for it.
pub fn in_background(work: impl FnOnce() + Send + 'static) {
    let handle = std::thread::spawn(work);
    if let Ok(mut list) = BACKGROUND.lock() {
        // What is done needs no waiting for (`--watch` starts some for every run).
        list.retain(|done| !done.is_finished());
        list.push(handle);
    }
}

/// Waits for the housekeeping started with `in_background` (before the process exits, so
/// none of it is cut short).
pub fn finish_background() {
    let handles = match BACKGROUND.lock() {
        Ok(mut list) => std::mem::take(&mut *list),
        Err(_) => return,
    };
    for handle in handles {
        let _ = handle.join();
    }
}

/// The exit status for a signal, as shells report it: 128 + its number.
pub fn exit_status(signal: i32) -> i32 {
    128 + signal
}

/// SIGINT, SIGTERM and SIGHUP caught from now on: one that comes is kept for `on_signals`.
pub struct Caught(signal_hook::iterator::Signals);

/// Catches the signals `on_signals` acts on, at once (a handler each), before anything is
/// started that they must undo; the thread that acts on them can start later, off the
/// path of the first shell's start.
pub fn catch_signals() -> Option<Caught> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
        .ok()
        .map(Caught)
}

/// On SIGINT, SIGTERM or SIGHUP: says what was running, undoes everything registered, and
/// exits with 130, 143 or 129. A second signal while cleaning up is ignored.
pub fn on_signals(caught: Option<Caught>) {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let Some(Caught(mut signals)) = caught else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            STOPPING.store(true, Ordering::SeqCst);
            let name = match signal {
                SIGINT => "SIGINT",
                SIGTERM => "SIGTERM",
                _ => "SIGHUP",
            };
            let what = REGISTRY.undo_all();
            let doing = if what.is_empty() {
                String::new()
            } else {
                format!(" while {}", what.join(", "))
            };
            #[allow(clippy::print_stderr)]
            {
                eprintln!(
                    "\nguidecheck: stopped by {name}{doing}; its processes were ended and its files removed"
                );
            }
            std::process::exit(exit_status(signal));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn leftovers_of_dead_owners_are_removed_and_ours_kept() {
        let dir = tempfile::tempdir().unwrap();
        let ours = format!(".guidecheck-{}-abc", owner_tag());
        let dead = ".guidecheck-999999999.1-abc";
        let reused = format!(".guidecheck-{}.1-abc", std::process::id());
        for name in [ours.as_str(), dead, &reused, ".guidecheck-old", "notes.md"] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        std::fs::create_dir(dir.path().join("guidecheck-999999999.7-ws")).unwrap();
        let mut removed = remove_leftovers(dir.path(), ".guidecheck-");
        removed.extend(remove_leftovers(dir.path(), "guidecheck-"));
        removed.sort();
        let mut expected = [dead.to_string(), reused, "guidecheck-999999999.7-ws".into()];
        expected.sort();
        assert_eq!(removed, expected);
        assert!(dir.path().join(&ours).exists() && dir.path().join(".guidecheck-old").exists());
    }

    #[test]
    fn a_temp_file_for_a_rename_is_ours_and_clears_a_dead_runs_first() {
        let dir = tempfile::tempdir().unwrap();
        let dead = dir.path().join(".guidecheck-999999999.1-old");
        std::fs::write(&dead, "x").unwrap();
        let (temp, _registered) = temp_file_in(dir.path(), None).unwrap();
        let name = temp.path().file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with(&format!(".guidecheck-{}-", owner_tag())),
            "{name}"
        );
        assert!(!dead.exists());
    }

    #[test]
    fn background_work_is_finished_before_exit() {
        let done = Arc::new(AtomicUsize::new(0));
        let flag = done.clone();
        in_background(move || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            flag.fetch_add(1, Ordering::SeqCst);
        });
        finish_background();
        assert_eq!(done.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn undos_run_once_newest_first_and_dropped_ones_not_at_all() {
        let order = Arc::new(Mutex::new(Vec::new()));
        let ran = Arc::new(AtomicUsize::new(0));
        let make = |n: u32| {
            let (order, ran) = (order.clone(), ran.clone());
            move || {
                order.lock().unwrap().push(n);
                ran.fetch_add(1, Ordering::SeqCst);
            }
        };
        static LOCAL: Registry = Registry::new();
        let _a = LOCAL.register("running a.md", make(1));
        let b = LOCAL.register("running b.md", make(2));
        let _c = LOCAL.register("", make(3));
        drop(b);
        assert_eq!(LOCAL.undo_all(), ["running a.md"]);
        assert_eq!(*order.lock().unwrap(), [3, 1]);
        assert_eq!(LOCAL.undo_all(), Vec::<String>::new());
        assert_eq!(ran.load(Ordering::SeqCst), 2);
        assert_eq!(exit_status(2), 130);
        assert_eq!(exit_status(15), 143);
    }
}
