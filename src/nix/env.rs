//! The Nix part of a guide session's environment: `NIX_CONFIG` gains `substituters =` when
//! offline and the store isolation's settings; the isolation's variables replace the
//! caller's.

use super::store::Isolation;

/// `env` (the allow-listed variables) with Nix's settings merged in.
pub fn session_env(
    mut env: Vec<(String, String)>,
    offline: bool,
    isolation: &Isolation,
) -> Vec<(String, String)> {
    let mut nix_config: Vec<String> = env
        .iter()
        .filter(|(k, _)| k == "NIX_CONFIG")
        .map(|(_, v)| v.clone())
        .collect();
    env.retain(|(k, _)| k != "NIX_CONFIG");
    if offline {
        nix_config.push("substituters =".into());
    }
    nix_config.extend(isolation.nix_config.iter().cloned());
    env.retain(|(k, _)| !isolation.env.iter().any(|(name, _)| name == k));
    env.extend(isolation.env.iter().cloned());
    if !nix_config.is_empty() {
        env.push(("NIX_CONFIG".into(), nix_config.join("\n")));
    }
    env
}
