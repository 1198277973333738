//! Which Nix store a guide's session sees, decided here and applied by `run`:
//! - `system`: the user's store, as is;
//! - `fresh`, Nix outside /nix (Debian's nix-bin in /usr): a private, empty /nix
//!   bind-mounted in a mount namespace (`unshare -m`, or `-Urm` when not root);
//! - `fresh`, Nix inside /nix (official installers, NixOS): mounting over /nix would hide
//!   Nix itself, so a chroot store (`NIX_REMOTE=local?root=…`), whose builds are sandboxed
//!   and whose `./result` links point into it.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum StoreMode {
    /// The user's store: fast and warm; output depends on what it already holds.
    #[default]
    System,
    /// A private, empty store per guide run, for byte-stable output.
    Fresh,
}

/// How to start the session for a store mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Isolation {
    /// The command that starts `bash --noprofile --norc` (possibly wrapped).
    pub program: Vec<String>,
    /// Variables to set in the session.
    pub env: Vec<(String, String)>,
    /// Lines for NIX_CONFIG.
    pub nix_config: Vec<String>,
    /// Said in reports: which store was used.
    pub description: String,
}

/// Decides the isolation; `private` is an empty folder of the workspace, `nix_build` where
/// `nix-build` was found on PATH.
pub fn isolation(mode: StoreMode, private: &Path, nix_build: Option<&Path>, root: bool) -> Isolation {
    let bash: Vec<String> = ["bash", "--noprofile", "--norc"].map(String::from).to_vec();
    match mode {
        StoreMode::System => Isolation {
            program: bash,
            env: vec![],
            nix_config: vec![],
            description: "system store".into(),
        },
        StoreMode::Fresh if nix_build.is_some_and(|p| p.starts_with("/nix")) => Isolation {
            program: bash,
            env: vec![("NIX_REMOTE".into(), format!("local?root={}", private.display()))],
            // Chroot stores always sandbox builds: let builders see the host's tools.
            nix_config: vec!["sandbox-paths = /bin /usr /lib /lib64 /etc/alternatives".into()],
            description: format!(
                "fresh store (chroot store at {}; ./result links point into it)",
                private.display()
            ),
        },
        StoreMode::Fresh => {
            let userns = if root { "-m" } else { "-Urm" };
            // The session's own arguments (`-c PRELUDE`) come after the private store's path.
            let script = "mount --bind \"$0\" /nix && exec bash --noprofile --norc \"$@\"";
            let mut program: Vec<String> = ["unshare", userns, "--", "sh", "-c", script]
                .map(String::from)
                .to_vec();
            program.push(private.display().to_string());
            Isolation {
                program,
                env: vec![],
                // A private store has its own build-user lock pool: two runs would take the
                // same nixbld uid and Nix would kill the other run's builder. Build as ourselves.
                nix_config: vec!["build-users-group =".into()],
                description: format!("fresh store (private /nix via unshare {userns})"),
            }
        }
    }
}

/// Where `nix-build` is on a PATH (symlinks resolved), if anywhere.
pub fn locate_nix_build(path_var: &str) -> Option<PathBuf> {
    std::env::split_paths(path_var)
        .map(|dir| dir.join("nix-build"))
        .find(|p| p.is_file())
        .map(|p| std::fs::canonicalize(&p).unwrap_or(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nix_outside_nix_gets_a_mount_namespace() {
        let i = isolation(
            StoreMode::Fresh,
            Path::new("/ws/nix"),
            Some(Path::new("/usr/bin/nix-build")),
            true,
        );
        assert_eq!(i.program[..2], ["unshare".to_string(), "-m".to_string()]);
        assert_eq!(i.program.last().map(String::as_str), Some("/ws/nix"));
        assert_eq!(i.nix_config, ["build-users-group ="]);
        let not_root = isolation(StoreMode::Fresh, Path::new("/ws/nix"), None, false);
        assert_eq!(not_root.program[1], "-Urm");
    }

    #[test]
    fn nix_inside_nix_gets_a_chroot_store() {
        let i = isolation(
            StoreMode::Fresh,
            Path::new("/ws/nix"),
            Some(Path::new("/nix/store/abc-nix/bin/nix-build")),
            true,
        );
        assert_eq!(i.program, ["bash", "--noprofile", "--norc"]);
        assert_eq!(
            i.env,
            [("NIX_REMOTE".to_string(), "local?root=/ws/nix".to_string())]
        );
        assert!(i.description.starts_with("fresh store (chroot store at /ws/nix"));
    }

    #[test]
    fn the_system_store_is_left_alone() {
        let i = isolation(StoreMode::System, Path::new("/ws/nix"), None, true);
        assert!(i.env.is_empty() && i.nix_config.is_empty());
    }
}
