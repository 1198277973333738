//! The throw-away directory a guide runs in.
//!
//! Layout: `work/` is where the reader's terminal starts and files are written, `home/` and
//! `tmp/` are HOME and TMPDIR, `ctl/` holds the session's control files (unless /dev/shm
//! can hold them), `nix/` is the private store of `nix.store = "fresh"`.

use crate::error::{Error, ErrorKind, Result};
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct Workspace {
    dir: tempfile::TempDir,
    /// The session's control files (batches, the FIFO), in memory (tmpfs) when the machine
    /// has one.
    ctl: Option<tempfile::TempDir>,
    /// Removes both if guidecheck is stopped by a signal.
    _registered: Option<crate::cleanup::Registered>,
}

const SHM: &str = "/dev/shm";
/// What the names of workspaces, and of their control folders, start with.
const NAME: &str = "guidecheck-";
const CTL_NAME: &str = "guidecheck-ctl-";

/// Removes the workspaces a crashed run left behind (their names carry the pid and start
/// time of their run), once per run, on a thread of its own. Called as the first guide's
/// commands are done, not before: reading a crowded /tmp takes as long as starting the
/// shell does, and beside the commands it would slow them.
pub fn remove_leftovers_once() {
    static LEFTOVERS: std::sync::Once = std::sync::Once::new();
    LEFTOVERS.call_once(|| {
        crate::cleanup::in_background(|| {
            crate::cleanup::remove_leftovers(&std::env::temp_dir(), NAME);
            crate::cleanup::remove_leftovers(Path::new(SHM), CTL_NAME);
        });
    });
}

/// A control folder in memory (/dev/shm), made before its workspace (`Workspace::with_ctl`)
/// so that a shell can start in it early (`run::start_early`). Removed if guidecheck is
/// stopped by a signal meanwhile.
#[derive(Debug)]
pub struct Ctl {
    dir: tempfile::TempDir,
    _registered: crate::cleanup::Registered,
}

impl Ctl {
    /// None where /dev/shm cannot hold it.
    pub fn create() -> Option<Ctl> {
        let dir = tempfile::Builder::new()
            .prefix(&format!("{CTL_NAME}{}-", crate::cleanup::owner_tag()))
            .tempdir_in(SHM)
            .ok()?;
        let path = dir.path().to_path_buf();
        let registered = crate::cleanup::register("", move || {
            let _ = std::fs::remove_dir_all(&path);
        });
        Some(Ctl {
            dir,
            _registered: registered,
        })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Workspace {
    /// A new workspace. Its names carry our pid and start time (`remove_leftovers_once`).
    pub fn create() -> Result<Workspace> {
        Workspace::with_ctl(Ctl::create())
    }

    /// A new workspace whose control folder is `ctl` (where /dev/shm holds it), or `ctl/`
    /// inside it.
    pub fn with_ctl(ctl: Option<Ctl>) -> Result<Workspace> {
        let tag = crate::cleanup::owner_tag();
        let dir = tempfile::Builder::new()
            .prefix(&format!("{NAME}{tag}-"))
            .tempdir()
            .map_err(|e| Error::new(ErrorKind::Write(e)).with_hint("is TMPDIR writable?"))?;
        // The control folder's own undo goes: this workspace's removes both.
        let ctl = ctl.map(|c| c.dir);
        let paths: Vec<PathBuf> = std::iter::once(dir.path().to_path_buf())
            .chain(ctl.as_ref().map(|c| c.path().to_path_buf()))
            .collect();
        let registered = crate::cleanup::register("", move || {
            paths.iter().for_each(|p| {
                let _ = std::fs::remove_dir_all(p);
            });
        });
        let ws = Workspace {
            dir,
            ctl,
            _registered: Some(registered),
        };
        // `ctl/` only where /dev/shm cannot hold the control files.
        let ctl = ws.ctl.is_none().then_some("ctl");
        // `nix/` (a private store) is made only when a run asks for one (`nix()`).
        for sub in ["work", "home", "tmp"].into_iter().chain(ctl) {
            std::fs::create_dir_all(ws.root().join(sub)).map_err(|e| Error::new(ErrorKind::Write(e)))?;
        }
        Ok(ws)
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn work(&self) -> PathBuf {
        self.root().join("work")
    }

    pub fn home(&self) -> PathBuf {
        self.root().join("home")
    }

    pub fn tmp(&self) -> PathBuf {
        self.root().join("tmp")
    }

    pub fn ctl(&self) -> PathBuf {
        self.ctl
            .as_ref()
            .map_or_else(|| self.root().join("ctl"), |d| d.path().to_path_buf())
    }

    /// The folder for a private store (made by `make_nix`).
    pub fn nix(&self) -> PathBuf {
        self.root().join("nix")
    }

    /// Makes the private store's folder, for a run that uses one.
    pub fn make_nix(&self) -> Result<()> {
        std::fs::create_dir_all(self.nix()).map_err(|e| Error::new(ErrorKind::Write(e)))
    }

    /// Keeps the workspace; returns its `work/` folder, where the guide's files are. A kept
    /// workspace is no crashed run's leftover: its name loses the owner tag the next run's
    /// sweep looks for (`guidecheck-kept-…`), so it stays until the user removes it.
    pub fn keep(mut self) -> PathBuf {
        self._registered = None;
        let dir = self.dir.keep();
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().replacen(NAME, &format!("{NAME}kept-"), 1));
        let kept = name.map(|name| dir.with_file_name(name));
        match kept {
            Some(kept) if std::fs::rename(&dir, &kept).is_ok() => kept.join("work"),
            _ => dir.join("work"),
        }
    }
}
