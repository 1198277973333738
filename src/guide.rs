//! Finding guides on disk and reading them (UTF-8 checked, errors at `file:line:col`).

use crate::error::{Error, ErrorKind, Result};
use crate::span::{LineIndex, Location};
use std::path::{Path, PathBuf};

/// The guides named by the command line: files as given, folders searched for `*.md`.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let default = [PathBuf::from("guides")];
    let paths = if paths.is_empty() { &default[..] } else { paths };
    let mut guides = Vec::new();
    for path in paths {
        if !path.exists() {
            return Err(Error::at(Location::file(path), ErrorKind::NotFound)
                .with_hint("pass a Markdown file or a folder of them"));
        }
        // Anything but a folder is a guide: a file, a FIFO, `/dev/stdin`.
        if !path.is_dir() {
            guides.push(path.clone());
            continue;
        }
        let found: Vec<PathBuf> = walkdir::WalkDir::new(path)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
            .filter_map(std::result::Result::ok)
            .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
            .map(walkdir::DirEntry::into_path)
            .collect();
        if found.is_empty() {
            return Err(Error::at(Location::file(path), ErrorKind::NoGuides));
        }
        guides.extend(found);
    }
    Ok(guides)
}

/// True for a guide in a regular file (not a FIFO or `/dev/stdin`): one that can be
/// written back, and have a snapshot beside it.
pub fn is_regular(path: &Path) -> bool {
    let stream = path.starts_with("/dev") || path.starts_with("/proc");
    !stream && std::fs::metadata(path).is_ok_and(|m| m.is_file())
}

/// Reads a guide; a file that is not UTF-8 is an error at its first bad byte.
pub fn read(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::at(Location::file(path), ErrorKind::Read(e)))?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let good = String::from_utf8_lossy(&e.as_bytes()[..at]).into_owned();
        let (line, col) = LineIndex::new(&good).line_col(&good, at);
        Error::at(Location::new(path, line, col), ErrorKind::NotUtf8(at)).with_hint("save the guide as UTF-8")
    })
}

/// Writes a guide's new text atomically (a temp file in the same folder, then a rename),
/// holding a lock on the folder, and only if the guide still holds `expected`.
pub fn write(path: &Path, expected: &str, new: &str) -> Result<()> {
    if !is_regular(path) {
        return Err(Error::at(
            Location::file(path),
            ErrorKind::Guide("not a regular file: nothing to write back into".into()),
        )
        .with_hint("save the guide to a file and bless that"));
    }
    let at = |e: std::io::Error| Error::at(Location::file(path), ErrorKind::Write(e));
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let lock = std::fs::File::open(dir).map_err(at)?;
    lock.lock().map_err(at)?;
    if read(path)? != expected {
        return Err(Error::at(
            Location::file(path),
            ErrorKind::Guide("the guide changed while guidecheck ran; not written".into()),
        )
        .with_hint("run guidecheck --bless again"));
    }
    let permissions = std::fs::metadata(path).map_err(at)?.permissions();
    // Temp files a killed run left here go first; ours is removed if we are stopped.
    let (mut temp, _registered) = crate::cleanup::temp_file_in(dir, None).map_err(at)?;
    std::io::Write::write_all(&mut temp, new.as_bytes()).map_err(at)?;
    temp.as_file().sync_all().map_err(at)?;
    std::fs::set_permissions(temp.path(), permissions).map_err(at)?;
    temp.persist(path).map_err(|e| at(e.error))?;
    Ok(())
}
