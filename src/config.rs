//! Settings: the command line, `guidecheck.toml` (found upward from the guide) and the
//! environment, resolved once into what each stage needs.

use crate::error::{Error, ErrorKind, Result};
use crate::normalize::Redaction;
use crate::run::StoreMode;
use crate::span::{LineIndex, Location};
use regex::Regex;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const CONFIG_FILE: &str = "guidecheck.toml";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);
const DEFAULT_OUTPUT_LIMIT: usize = 1024 * 1024;

/// Variables a guide's commands see from the caller's environment (and the locale's,
/// `run::is_locale`).
const ENV_ALLOW: &[&str] = &[
    "PATH",
    "USER",
    "LOGNAME",
    "TZ",
    "SSL_CERT_FILE",
    "http_proxy",
    "https_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "no_proxy",
    "NO_PROXY",
    "all_proxy",
    "ALL_PROXY",
];

/// `guidecheck.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FileConfig {
    #[serde(default)]
    pub run: RunSection,
    #[serde(default)]
    pub nix: NixSection,
    #[serde(default)]
    pub snapshots: SnapshotSection,
    /// "subsequence" (default) or "exact".
    #[serde(rename = "match")]
    pub match_mode: Option<MatchMode>,
    /// Where guides are when none are named (relative to this file): ["guides"].
    pub guides: Option<Vec<PathBuf>>,
    #[serde(default)]
    pub prompts: Vec<String>,
    #[serde(default)]
    pub redact: Vec<RedactEntry>,
    #[serde(default)]
    pub shells: ShellsSection,
    #[serde(default)]
    pub errors: ErrorsSection,
}

/// `[errors]`: which real lines count as errors a guide must show.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ErrorsSection {
    /// More regexes of error lines.
    #[serde(default)]
    pub extra: Vec<String>,
    /// Regexes of lines that are never errors.
    #[serde(default)]
    pub allow: Vec<String>,
}

/// `[shells]`: interactive shells a guide enters, beyond `nix-shell`, `nix develop` and
/// `nix shell`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ShellsSection {
    /// First words of commands that enter a shell reading commands from its stdin.
    #[serde(default)]
    pub enter: Vec<String>,
    /// Regexes of the prompts shown inside such shells.
    #[serde(default)]
    pub prompts: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum MatchMode {
    Subsequence,
    Exact,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RunSection {
    /// Per-command timeout, e.g. "10m".
    pub timeout: Option<String>,
    /// More variables to pass through from the caller's environment.
    #[serde(default)]
    pub env: Vec<String>,
    /// Bytes of output kept per command.
    pub output_limit: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct NixSection {
    pub offline: Option<bool>,
    pub store: Option<StoreMode>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SnapshotSection {
    /// Folder of snapshot files, relative to the config file ("snapshots").
    pub dir: Option<PathBuf>,
    /// auto | always | new | no | off.
    pub update: Option<crate::snapshot::Policy>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedactEntry {
    pub pattern: String,
    pub replace: String,
}

/// What one guide runs with.
#[derive(Debug, Clone)]
pub struct Settings {
    pub run: crate::run::RunOptions,
    pub prompts: crate::plan::console::Prompts,
    /// Commands (first words) that enter an interactive shell, beyond Nix's.
    pub shells: Vec<String>,
    /// Which real lines are errors a guide must show.
    pub errors: crate::failure::ErrorLines,
    pub redactions: Vec<Redaction>,
    /// Every command is matched exactly (as if each had `match=exact`).
    pub exact: bool,
    pub config_path: Option<PathBuf>,
    /// Where this guide's snapshot lives, and what to do with it.
    pub snapshot_path: PathBuf,
    /// The folder all of this project's snapshots live in.
    pub snapshot_dir: PathBuf,
    pub snapshot_policy: crate::snapshot::Policy,
    /// `CI=true`: a missing snapshot fails (insta's convention).
    pub ci: bool,
}

/// The command-line overrides that apply to every guide.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub offline: bool,
    pub store: Option<StoreMode>,
    pub timeout: Option<Duration>,
    pub match_mode: Option<MatchMode>,
    pub config: Option<PathBuf>,
    /// `--update-snapshots`.
    pub update_snapshots: bool,
    /// `--check`: write nothing.
    pub read_only: bool,
    /// `--bless`: the guide now shows reality, so its facts are accepted too.
    pub bless: bool,
}

/// Settings for a guide: flags over its config file over defaults.
pub fn settings(guide: &Path, overrides: &Overrides) -> Result<Settings> {
    let config_path = match &overrides.config {
        Some(p) => Some(p.clone()),
        None => find_upward(guide),
    };
    let file = match &config_path {
        Some(p) => load(p)?,
        None => FileConfig::default(),
    };
    let at = |key: &str| config_path.as_deref().map(|p| (p.to_path_buf(), key.to_string()));
    let timeout = match (&overrides.timeout, &file.run.timeout) {
        (Some(t), _) => *t,
        (None, Some(t)) => {
            crate::error::parse_duration(t).map_err(|e| bad_value(at("run.timeout"), t, &e))?
        }
        (None, None) => DEFAULT_TIMEOUT,
    };
    let (prompts, redactions) = patterns(&file, &at)?;
    let nested_prompts = file
        .shells
        .prompts
        .iter()
        .map(|p| Regex::new(p).map_err(|e| bad_value(at("shells.prompts"), p, &e.to_string())))
        .collect::<Result<Vec<_>>>()?;
    let (snapshot_path, snapshot_dir) = snapshot_path(guide, config_path.as_deref(), &file);
    let snapshot_policy = crate::snapshot::Policy::resolve_all(
        overrides.update_snapshots || overrides.bless,
        overrides.read_only,
        std::env::var("GUIDECHECK_UPDATE").ok().as_deref(),
        file.snapshots.update,
    )
    .map_err(|e| Error::new(ErrorKind::Usage(e)))?;
    let env = allowed_env(&file);
    Ok(Settings {
        run: crate::run::RunOptions {
            timeout,
            env,
            nix_offline: overrides.offline || file.nix.offline.unwrap_or(false),
            store: overrides.store.or(file.nix.store).unwrap_or_default(),
            output_limit: file.run.output_limit.unwrap_or(DEFAULT_OUTPUT_LIMIT),
        },
        prompts: crate::plan::console::Prompts::with_extra(&prompts, &nested_prompts),
        shells: file.shells.enter.clone(),
        errors: crate::failure::ErrorLines::new(&file.errors.extra, &file.errors.allow)
            .map_err(|e| bad_value(at("errors"), "", &e.to_string()))?,
        redactions,
        exact: overrides.match_mode.or(file.match_mode) == Some(MatchMode::Exact),
        config_path,
        snapshot_path,
        snapshot_dir,
        snapshot_policy,
        ci: std::env::var("CI").is_ok_and(|v| v == "true" || v == "1"),
    })
}

/// Where a guide's snapshot lives: under the project root, the folder of the nearest
/// guidecheck.toml, else the guide's folder (never the working directory, so snapshots are
/// found from anywhere).
fn snapshot_path(guide: &Path, config_path: Option<&Path>, file: &FileConfig) -> (PathBuf, PathBuf) {
    let root = match config_path {
        Some(p) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
        None => std::path::absolute(guide)
            .ok()
            .and_then(|g| g.parent().map(Path::to_path_buf))
            .unwrap_or_default(),
    };
    let dir = file
        .snapshots
        .dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("snapshots"));
    let path = relative_to_cwd(crate::snapshot::path_for(guide, &root, &dir));
    (path, relative_to_cwd(root.join(dir)))
}

/// The caller's variables guide commands may see: the allow-list, Nix's, and `run.env`.
fn allowed_env(file: &FileConfig) -> Vec<(String, String)> {
    std::env::vars().filter(|(k, _)| allowed(k, file)).collect()
}

fn allowed(name: &str, file: &FileConfig) -> bool {
    ENV_ALLOW.contains(&name)
        || crate::nix::ENV.contains(&name)
        || crate::run::is_locale(name)
        || file.run.env.iter().any(|n| n == name)
}

type At<'a> = dyn Fn(&str) -> Option<(PathBuf, String)> + 'a;

/// The config's extra prompts and redactions, compiled.
fn patterns(file: &FileConfig, at: &At<'_>) -> Result<(Vec<Regex>, Vec<Redaction>)> {
    let prompts = file
        .prompts
        .iter()
        .map(|p| Regex::new(p).map_err(|e| bad_value(at("prompts"), p, &e.to_string())))
        .collect::<Result<Vec<_>>>()?;
    let redactions = file
        .redact
        .iter()
        .map(|r| {
            Regex::new(&r.pattern)
                .map(|pattern| Redaction {
                    pattern,
                    replace: r.replace.clone(),
                })
                .map_err(|e| bad_value(at("redact.pattern"), &r.pattern, &e.to_string()))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((prompts, redactions))
}

fn relative_to_cwd(path: PathBuf) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&cwd).map(Path::to_path_buf).unwrap_or(path)
}

/// A bad `value` of `key` in the config file at `path`: at its `file:line:col`, its line
/// shown.
fn bad_value(at: Option<(PathBuf, String)>, value: &str, message: &str) -> Error {
    let Some((path, key)) = at else {
        return Error::new(ErrorKind::Config(message.to_string()));
    };
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let error = match value_offset(&text, &key, value) {
        Some(offset) => {
            let (line, col) = LineIndex::new(&text).line_col(&text, offset);
            Error::at(
                Location::new(&path, line, col),
                ErrorKind::Config(format!("bad value for `{key}`: {message}")),
            )
            .with_source(&text)
        }
        None => Error::at(
            Location::file(&path),
            ErrorKind::Config(format!("bad value for `{key}`: {message}")),
        ),
    };
    error.with_hint(format!(
        "see `{key}` in the configuration reference (book/config.md)"
    ))
}

/// Where the value of a dotted `key` (`run.timeout`) starts in a config file's text: the
/// string equal to `value` there (in an array, or an array of tables such as `[[redact]]`),
/// else the key's first value.
fn value_offset(text: &str, key: &str, value: &str) -> Option<usize> {
    use toml::de::{DeTable, DeValue};
    type Value<'a, 'i> = &'a toml::Spanned<DeValue<'i>>;
    fn values<'a, 'i>(table: &'a DeTable<'i>, keys: &[&str], found: &mut Vec<Value<'a, 'i>>) {
        let Some((first, rest)) = keys.split_first() else {
            return;
        };
        for (_, v) in table.iter().filter(|(k, _)| k.get_ref() == first) {
            within(v, rest, found);
        }
    }
    fn within<'a, 'i>(v: Value<'a, 'i>, rest: &[&str], found: &mut Vec<Value<'a, 'i>>) {
        match v.get_ref() {
            DeValue::Table(t) if !rest.is_empty() => values(t, rest, found),
            DeValue::Array(items) => items.iter().for_each(|item| within(item, rest, found)),
            _ if rest.is_empty() => found.push(v),
            _ => {}
        }
    }
    let table = DeTable::parse(text).ok()?;
    let keys: Vec<&str> = key.split('.').collect();
    let mut found = Vec::new();
    values(table.get_ref(), &keys, &mut found);
    let same = found
        .iter()
        .find(|v| matches!(v.get_ref(), DeValue::String(s) if s == value));
    same.or(found.first()).map(|v| v.span().start)
}

/// The nearest `guidecheck.toml` in the guide's directory or above it.
fn find_upward(guide: &Path) -> Option<PathBuf> {
    let start = std::path::absolute(guide).ok()?;
    start
        .ancestors()
        .skip(1)
        .map(|d| d.join(CONFIG_FILE))
        .find(|p| p.is_file())
}

/// Reads and validates a config file; errors point at `file:line:col`.
pub fn load(path: &Path) -> Result<FileConfig> {
    let text =
        std::fs::read_to_string(path).map_err(|e| Error::at(Location::file(path), ErrorKind::Read(e)))?;
    parse(path, &text)
}

/// Parses a config file's text (read from `path`).
pub fn parse(path: &Path, text: &str) -> Result<FileConfig> {
    toml::from_str(text).map_err(|e| {
        let (line, col) = e
            .span()
            .map_or((0, 0), |s| LineIndex::new(text).line_col(text, s.start));
        let hint = nearest_key(e.message()).map_or_else(
            || "see the configuration reference (book/config.md)".to_string(),
            |k| format!("did you mean `{k}`?"),
        );
        Error::at(
            Location::new(path, line, col),
            ErrorKind::Config(e.message().to_string()),
        )
        .with_hint(hint)
        .with_source(text)
    })
}

/// For serde's "unknown field `x`, expected `a`, `b`": the expected name nearest to `x`.
fn nearest_key(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (unknown, expected) = rest.split_once('`')?;
    expected
        .split('`')
        .skip(1)
        .step_by(2)
        .min_by_key(|k| strsim::levenshtein(unknown, k))
        .map(str::to_string)
}

/// The guides to run when none are named: `guides` of the guidecheck.toml found upward
/// from the current folder, or `guides/`.
pub fn default_guides() -> Result<Vec<PathBuf>> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let Some(path) = cwd.ancestors().map(|d| d.join(CONFIG_FILE)).find(|p| p.is_file()) else {
        return Ok(vec![PathBuf::from("guides")]);
    };
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    Ok(match load(&path)?.guides {
        Some(list) => list.into_iter().map(|g| relative_to_cwd(dir.join(g))).collect(),
        None => vec![PathBuf::from("guides")],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_allow_list_passes_the_locale_path_and_nix_and_what_the_settings_name() {
        let mut file = FileConfig::default();
        file.run.env.push("MY_TOKEN".into());
        for name in ["PATH", "LANG", "LC_ALL", "LC_TIME", "NIX_PATH", "MY_TOKEN"] {
            assert!(allowed(name, &file), "{name}");
        }
        for name in ["HOME", "LANGUAGE", "AWS_SECRET_ACCESS_KEY", "OTHER_TOKEN"] {
            assert!(!allowed(name, &file), "{name}");
        }
    }

    #[test]
    fn unknown_keys_are_errors_with_a_location() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CONFIG_FILE);
        std::fs::write(&path, "[nix]\noffline = true\nstroe = \"fresh\"\n").unwrap();
        let err = load(&path).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("guidecheck.toml:3:1"), "{text}");
        assert!(text.contains("unknown field `stroe`"), "{text}");
        assert!(text.contains("hint: did you mean `store`?"), "{text}");
    }

    #[test]
    fn flags_win_over_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(CONFIG_FILE),
            "[nix]\nstore = \"fresh\"\n[run]\ntimeout = \"5s\"\n",
        )
        .unwrap();
        let guide = dir.path().join("g.md");
        let s = settings(&guide, &Overrides::default()).unwrap();
        assert_eq!(
            (s.run.store, s.run.timeout),
            (StoreMode::Fresh, Duration::from_secs(5))
        );
        let o = Overrides {
            store: Some(StoreMode::System),
            ..Overrides::default()
        };
        assert_eq!(settings(&guide, &o).unwrap().run.store, StoreMode::System);
    }
}
