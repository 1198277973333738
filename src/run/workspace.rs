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
    /// The session's control files, in memory (tmpfs) when the machine has one: the
    /// session saves its exported variables after every command.
    ctl: Option<tempfile::TempDir>,
}

impl Workspace {
    pub fn create() -> Result<Workspace> {
        let dir = tempfile::Builder::new()
            .prefix("guidecheck-")
            .tempdir()
            .map_err(|e| Error::new(ErrorKind::Write(e)).with_hint("is TMPDIR writable?"))?;
        let ctl = tempfile::Builder::new()
            .prefix("guidecheck-ctl-")
            .tempdir_in("/dev/shm")
            .ok();
        let ws = Workspace { dir, ctl };
        for sub in ["work", "home", "tmp", "ctl", "nix"] {
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

    pub fn nix(&self) -> PathBuf {
        self.root().join("nix")
    }

    /// Keeps the directory on disk and returns its path.
    /// Keeps the workspace; returns its `work/` folder, where the guide's files are.
    pub fn keep(self) -> PathBuf {
        self.dir.keep().join("work")
    }
}
