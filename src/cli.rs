//! The command line (clap). Only `config` turns it into settings.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Keeps Nix and shell tutorials true: runs a Markdown guide and compares what it shows
/// with what really happens.
#[derive(Debug, Parser)]
#[command(
    name = "guidecheck",
    version,
    args_conflicts_with_subcommands = true,
    after_help = "Exit codes: 0 passed, 1 drift, 2 bad input or usage, 3 blocked (no network, Nix not installed).\n\nEnvironment:\n  CI=true              a missing snapshot fails (no snapshot is written)\n  GUIDECHECK_UPDATE    snapshot policy: auto, always, new, no or off (over guidecheck.toml)\n  GITHUB_ACTIONS=true  also print GitHub annotations\n  NO_COLOR             no colour, even on a terminal"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub test: TestArgs,
}

/// Every subcommand's name, and clap's `help`: an argument that is one is no guide.
pub const SUBCOMMANDS: &[&str] = &[
    "test",
    "plan",
    "lint",
    "todo",
    "accept",
    "snapshots",
    "mdbook",
    "completions",
    "man",
    "help",
];

impl Cli {
    /// `guidecheck GUIDE…`, the everyday command line (arguments that are all paths: none
    /// empty, starting with `-` or naming a subcommand), as clap reads it, without building
    /// clap's parser (0.15 ms, more than starting bash's first command); None for any other,
    /// which `Cli::parse` reads.
    pub fn of_paths(args: &[std::ffi::OsString]) -> Option<Cli> {
        let paths = args.get(1..).filter(|p| !p.is_empty())?;
        let plain = |a: &std::ffi::OsString| {
            !a.is_empty()
                && !a.as_encoded_bytes().starts_with(b"-")
                && !a.to_str().is_some_and(|a| SUBCOMMANDS.contains(&a))
        };
        paths.iter().all(plain).then(|| Cli {
            command: None,
            test: TestArgs {
                paths: paths.iter().map(PathBuf::from).collect(),
                jobs: 1,
                ..TestArgs::default()
            },
        })
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run guides and compare what they show with what happens (the default).
    Test(TestArgs),
    /// Show how a guide is read: every step, its line, file, command and expected output.
    Plan(PlanArgs),
    /// Check guides without running anything: Nix syntax, missing files and attributes,
    /// hash continuity, `cd` targets, TODO sections.
    Lint(PlanArgs),
    /// List the unfinished (TODO) sections of guides.
    Todo(PlanArgs),
    /// Accept new snapshots: move each guide's `.snap.new` over its `.snap`.
    Accept(AcceptArgs),
    /// List the project's snapshots; `--unreferenced` those whose guide is gone.
    Snapshots(SnapshotsArgs),
    /// The mdBook preprocessor (book.toml: `[preprocessor.guidecheck]`).
    Mdbook(MdbookArgs),
    /// Print a shell completion script: `guidecheck completions bash > /etc/bash_completion.d/guidecheck`.
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff): `guidecheck man > guidecheck.1`; `--dir DIR` writes it and
    /// the page of every subcommand it refers to (`guidecheck-test.1`, …).
    Man {
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct MdbookArgs {
    #[command(subcommand)]
    pub action: Option<MdbookAction>,
}

#[derive(Debug, Subcommand)]
pub enum MdbookAction {
    /// Tell mdBook whether a renderer is supported (exit 0: every renderer is).
    Supports { renderer: String },
}

#[derive(Debug, Args)]
pub struct AcceptArgs {
    /// Guides (or folders) whose snapshots to accept [default: guides/]
    pub paths: Vec<PathBuf>,
    /// Use this guidecheck.toml instead of the nearest one.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Only list the pending `.snap.new` files; accept nothing.
    #[arg(long)]
    pub list: bool,
}

#[derive(Debug, Args)]
pub struct SnapshotsArgs {
    /// Guides (or folders) of the project [default: the configured guides, or guides/]
    pub paths: Vec<PathBuf>,
    /// Use this guidecheck.toml instead of the nearest one.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Only snapshots (and pending `.snap.new`) whose guide no longer exists.
    #[arg(long)]
    pub unreferenced: bool,
    /// With --unreferenced: delete them.
    #[arg(long, requires = "unreferenced")]
    pub delete: bool,
}

#[derive(Debug, Args, Default)]
pub struct TestArgs {
    /// Guides (Markdown files) or folders of guides [default: `guides` of guidecheck.toml, or guides/]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Tell Nix not to use substituters (no network waits); also `nix.offline` in config.
    #[arg(long)]
    pub offline: bool,
    /// Where Nix builds: the user's store, or a private empty one per guide.
    #[arg(long, value_enum)]
    pub store: Option<crate::run::StoreMode>,
    /// How shown output is matched: shown lines in order among others (subsequence), or
    /// nothing but the shown lines except at `...` (exact).
    #[arg(long = "match", value_enum)]
    pub match_mode: Option<crate::config::MatchMode>,
    /// Per-command timeout, e.g. 30s, 10m [default: 10m]
    #[arg(long, value_parser = crate::error::parse_duration)]
    pub timeout: Option<std::time::Duration>,
    /// Keep every guide's workspace and print its path.
    #[arg(long)]
    pub keep_workspace: bool,
    /// Keep the workspace of a guide that failed and print its path.
    #[arg(long)]
    pub keep_failed: bool,
    /// Run the guide again each time it (or a file of its folder it names) is saved.
    #[arg(long, conflicts_with_all = ["bless", "check"])]
    pub watch: bool,
    /// Stop after the step at this Markdown line (later steps are skipped; no snapshot is
    /// written): for long guides, while writing them.
    #[arg(long, value_name = "LINE", conflicts_with_all = ["bless", "check"])]
    pub until: Option<usize>,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    /// Read this config file instead of the guidecheck.toml found upward from the guide.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Fail (exit 1) when a guide has TODO sections.
    #[arg(long)]
    pub deny_todo: bool,
    /// Write reality into the guide: real output where it drifted, real hashes where they
    /// are pasted, and empty output blocks filled.
    #[arg(long, conflicts_with = "check")]
    pub bless: bool,
    /// Print the diff `--bless` would write; exit 1 when there is one. Writes nothing.
    #[arg(long)]
    pub check: bool,
    /// Accept every changed or missing snapshot (write `.snap` files).
    #[arg(long)]
    pub update_snapshots: bool,
    /// Run this many guides at once (the steps of one guide stay in order).
    #[arg(long, short = 'j', default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: u16,
    /// Run only share K of N of the guides (for CI matrices), e.g. 2/3.
    #[arg(long, value_parser = parse_shard)]
    pub shard: Option<(usize, usize)>,
    /// Stream every command's output as it runs (stderr).
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Also write a JUnit report to this file (whatever the --format).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
}

/// `K/N` with 1 <= K <= N.
fn parse_shard(value: &str) -> Result<(usize, usize), String> {
    let (k, n) = value.split_once('/').ok_or("expected K/N, e.g. 2/3")?;
    let k: usize = k.parse().map_err(|_| "K must be a number")?;
    let n: usize = n.parse().map_err(|_| "N must be a number")?;
    if k == 0 || n == 0 || k > n {
        return Err(format!("{value}: expected 1 <= K <= N"));
    }
    Ok((k, n))
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Guides or folders to read [default: the `guides` of guidecheck.toml, else guides/]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = PlanFormat::Human)]
    pub format: PlanFormat,
    /// Read this config file instead of the guidecheck.toml found upward from each guide.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Fail (exit 1) when a guide has TODO sections.
    #[arg(long)]
    pub deny_todo: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    #[default]
    Human,
    Json,
    /// JUnit XML (one testsuite per guide, one testcase per step).
    Junit,
    /// GitHub Actions annotations (also added to the human report when GITHUB_ACTIONS=true).
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum PlanFormat {
    #[default]
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorArg {
    #[default]
    Auto,
    Always,
    Never,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn args(line: &[&str]) -> Vec<std::ffi::OsString> {
        std::iter::once("guidecheck")
            .chain(line.iter().copied())
            .map(Into::into)
            .collect()
    }

    #[test]
    fn a_command_line_of_paths_reads_as_clap_reads_it() {
        for line in [
            &["guides/hello.md"][..],
            &["a.md", "docs", "./x y.md", "plna", "tests"],
            &["ünïcode.md"],
        ] {
            let fast = Cli::of_paths(&args(line)).expect("paths only");
            let clap = Cli::try_parse_from(args(line)).unwrap();
            assert_eq!(format!("{fast:?}"), format!("{clap:?}"), "{line:?}");
        }
    }

    #[test]
    fn any_other_command_line_is_left_to_clap() {
        for line in [
            &[][..],
            &["-j2", "a.md"],
            &["a.md", "--bless"],
            &["plan", "a.md"],
            &["a.md", "test"],
            &["help"],
            &["-"],
            &[""],
            &["snapshots"],
        ] {
            assert!(Cli::of_paths(&args(line)).is_none(), "{line:?}");
        }
    }

    #[test]
    fn the_subcommand_list_is_claps() {
        let mut names: Vec<String> = Cli::command()
            .get_subcommands()
            .flat_map(|c| {
                std::iter::once(c.get_name().to_string()).chain(c.get_all_aliases().map(String::from))
            })
            .collect();
        names.push("help".into());
        assert_eq!(names, SUBCOMMANDS);
    }
}
