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
///
/// A run whose control folder is in /dev/shm links it to its workspace (`workspace`): the
/// control folders a crashed run left there name its workspaces, wherever its TMPDIR was,
/// and TMPDIR is read only when one does not (or this run has none there).
pub fn remove_leftovers_once(ctl_in_shm: bool) {
    static LEFTOVERS: std::sync::Once = std::sync::Once::new();
    LEFTOVERS.call_once(|| {
        crate::cleanup::in_background(move || {
            let unlinked = remove_crashed_runs(Path::new(SHM));
            if unlinked || !ctl_in_shm {
                crate::cleanup::remove_leftovers(&std::env::temp_dir(), NAME);
            }
        });
    });
}

/// The link in a control folder to its workspace.
const LINK: &str = "workspace";

/// Removes the control folders in `shm` whose run is gone, and the workspace each links
/// to; true when one had no such link (its workspace, if any, is to be looked for).
fn remove_crashed_runs(shm: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let mut unlinked = false;
    let me = rustix::process::getuid().as_raw();
    crate::cleanup::remove_leftovers_with(shm, CTL_NAME, |ctl, tag| {
        let workspace = std::fs::read_link(ctl.join(LINK)).ok();
        // Only a workspace of the same dead run, linked from a folder of ours: a link
        // planted in the shared /dev/shm removes nothing else.
        let named = |w: &PathBuf| {
            w.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&format!("{NAME}{tag}-")))
        };
        let mine = std::fs::symlink_metadata(ctl).is_ok_and(|m| m.uid() == me);
        match workspace {
            Some(workspace) if mine && named(&workspace) => {
                let _ = std::fs::remove_dir_all(workspace);
            }
            _ => unlinked = true,
        }
    });
    unlinked
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
        if let Some(ctl) = &ctl {
            // Where a crashed run's workspace is (`remove_leftovers_once`).
            let _ = std::os::unix::fs::symlink(dir.path(), ctl.path().join(LINK));
        }
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

    /// Whether its control folder is in /dev/shm (else `ctl/` inside it).
    pub fn ctl_in_shm(&self) -> bool {
        self.ctl.is_some()
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A crashed run's control folder in `shm`, linked to `target` (when given).
    fn crashed_ctl(shm: &Path, tag: &str, target: Option<&Path>) -> PathBuf {
        let ctl = shm.join(format!("{CTL_NAME}{tag}-AbCdEf"));
        std::fs::create_dir(&ctl).unwrap();
        if let Some(target) = target {
            std::os::unix::fs::symlink(target, ctl.join(LINK)).unwrap();
        }
        ctl
    }

    #[test]
    fn a_crashed_runs_control_folder_leads_to_its_workspace() {
        let (shm, tmp) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let workspace = tmp.path().join(format!("{NAME}999999999.1-XyZ"));
        std::fs::create_dir_all(workspace.join("work/sub")).unwrap();
        std::fs::write(workspace.join("work/sub/f"), "x").unwrap();
        let ctl = crashed_ctl(shm.path(), "999999999.1", Some(&workspace));
        // A live run's (ours) stays, with its workspace.
        let live = tmp
            .path()
            .join(format!("{NAME}{}-Live", crate::cleanup::owner_tag()));
        std::fs::create_dir(&live).unwrap();
        let ours = crashed_ctl(shm.path(), &crate::cleanup::owner_tag(), Some(&live));
        assert!(!remove_crashed_runs(shm.path()), "every crashed run was linked");
        assert!(!workspace.exists() && !ctl.exists());
        assert!(live.exists() && ours.exists());
    }

    #[test]
    fn a_control_folder_without_its_workspaces_link_asks_for_tmpdir_to_be_read() {
        let (shm, tmp) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let unlinked = crashed_ctl(shm.path(), "999999999.1", None);
        assert!(remove_crashed_runs(shm.path()));
        assert!(!unlinked.exists());
        // A link to anything but that run's workspace removes nothing but the folder.
        for target in [
            tmp.path().join("precious"),
            tmp.path().join(format!("{NAME}999999998.1-Other")),
        ] {
            std::fs::create_dir(&target).unwrap();
            let planted = crashed_ctl(shm.path(), "999999999.1", Some(&target));
            assert!(remove_crashed_runs(shm.path()));
            assert!(target.exists() && !planted.exists());
        }
    }
}
