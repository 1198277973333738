//! File steps write beneath the workspace and nowhere else: not through `..`, an absolute
//! path, or a symlink a command planted (`ln -s /elsewhere target`, a symlinked file, a
//! `cd` through a symlink). Each part of the path is resolved from the workspace's root
//! with `openat2(RESOLVE_BENEATH)`, or, where the kernel lacks it, opened one by one without
//! following symlinks; the file itself is never opened through a symlink.

use rustix::fs::{Mode, OFlags, ResolveFlags};
use std::os::fd::OwnedFd;
use std::path::{Component, Path, PathBuf};

/// Why a file step was not written.
pub type Refusal = String;

/// Writes `content` to `path` (relative to `cwd`, the shell's directory) beneath `root`.
pub fn write_beneath(root: &Path, cwd: &Path, path: &str, content: &str) -> Result<(), Refusal> {
    let outside = || format!("refusing to write `{path}` outside the workspace");
    let relative = Path::new(path);
    if relative.is_absolute() {
        return Err(outside());
    }
    let name = match relative.components().next_back() {
        Some(Component::Normal(name)) if !path.ends_with('/') => name.to_owned(),
        _ => {
            return Err(format!(
                "refusing to write `{path}`: it names a directory, not a file"
            ));
        }
    };
    let from_root = cwd.strip_prefix(root).map_err(|_| outside())?.join(relative);
    let root_fd = rustix::fs::openat(rustix::fs::CWD, root, DIR, Mode::empty())
        .map_err(|e| format!("cannot open the workspace: {e}"))?;
    let mut dir = None;
    let mut prefix = PathBuf::new();
    for part in from_root.parent().into_iter().flat_map(Path::components) {
        prefix.push(part);
        let parent = dir.as_ref().unwrap_or(&root_fd);
        dir = Some(
            match (beneath(&root_fd, &prefix), part) {
                (Err(rustix::io::Errno::NOENT), Component::Normal(new)) => {
                    rustix::fs::mkdirat(parent, new, Mode::from(0o755)).map_err(|e| refusal(path, e))?;
                    beneath(&root_fd, &prefix)
                }
                (opened, _) => opened,
            }
            .map_err(|e| refusal(path, e))?,
        );
    }
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let dir = dir.as_ref().unwrap_or(&root_fd);
    let file =
        rustix::fs::openat(dir, Path::new(&name), flags, Mode::from(0o644)).map_err(|e| refusal(path, e))?;
    std::io::Write::write_all(&mut std::fs::File::from(file), content.as_bytes()).map_err(|e| e.to_string())
}

const DIR: OFlags = OFlags::RDONLY.union(OFlags::DIRECTORY).union(OFlags::CLOEXEC);

/// Opens the directory `path` beneath `root`, never leaving it: a symlink that points out,
/// or `..` above it, is an error.
fn beneath(root: &OwnedFd, path: &Path) -> rustix::io::Result<OwnedFd> {
    let flags = ResolveFlags::BENEATH | ResolveFlags::NO_MAGICLINKS;
    match rustix::fs::openat2(root, path, DIR, Mode::empty(), flags) {
        Err(rustix::io::Errno::NOSYS) => walk(root, path),
        other => other,
    }
}

/// Without openat2: one part at a time, following no symlink and never going up.
fn walk(root: &OwnedFd, path: &Path) -> rustix::io::Result<OwnedFd> {
    let mut dir = rustix::fs::openat(root, ".", DIR, Mode::empty())?;
    for part in path.components() {
        match part {
            Component::Normal(part) => {
                dir = rustix::fs::openat(&dir, part, DIR | OFlags::NOFOLLOW, Mode::empty())?
            }
            Component::CurDir => {}
            _ => return Err(rustix::io::Errno::XDEV),
        }
    }
    Ok(dir)
}

fn refusal(path: &str, errno: rustix::io::Errno) -> Refusal {
    match errno {
        rustix::io::Errno::XDEV | rustix::io::Errno::LOOP | rustix::io::Errno::NOTDIR => {
            format!("refusing to write `{path}` outside the workspace (a symlink or `..` leads out of it)")
        }
        e => format!("cannot write `{path}`: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_land_beneath_the_root_and_never_through_symlinks() {
        let root = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let r = root.path();
        let work = r.join("work");
        std::fs::create_dir(&work).unwrap();
        std::os::unix::fs::symlink(outside.path(), work.join("target")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("f"), work.join("planted")).unwrap();
        assert_eq!(write_beneath(r, &work, "a/b/c.nix", "x"), Ok(()));
        assert_eq!(std::fs::read_to_string(work.join("a/b/c.nix")).unwrap(), "x");
        assert_eq!(write_beneath(r, &work.join("a"), "../up.nix", "y"), Ok(()));
        assert!(work.join("up.nix").exists());
        for (cwd, path) in [
            (work.clone(), "target/f"),
            (work.clone(), "planted"),
            (work.join("target"), "f"),
            (work.clone(), "../../escaped"),
            (work.clone(), "/tmp/absolute"),
        ] {
            let refused = write_beneath(r, &cwd, path, "no").unwrap_err();
            assert!(refused.contains("outside the workspace"), "{path}: {refused}");
        }
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
        let dot = write_beneath(r, &work, ".", "no").unwrap_err();
        assert!(dot.contains("names a directory"), "{dot}");
    }
}
