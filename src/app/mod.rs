//! The top level: command line → settings → stages → output. The only module that prints
//! (`progress` draws on stderr while guides run).

mod mdbook_command;
mod read_only;
mod snapshots;
mod test;
mod watch;

use crate::cli::{Cli, ColorArg, Command};
use crate::error::Error;
use crate::report::Style;
use clap::Parser;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// How a run ends (see the book: Command line), as the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Every guide passed.
    Passed = 0,
    /// A guide drifted from reality.
    Drift = 1,
    /// Bad input or usage: nothing was checked.
    BadInput = 2,
    /// Something could not be verified here (no network, no Nix).
    Blocked = 3,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit as u8)
    }
}

pub fn main() -> ExitCode {
    let caught = crate::cleanup::catch_signals();
    // A run of guides starts its first shell before even the arguments are parsed: bash's
    // start-up then overlaps everything up to the first command. The signals it must be
    // ended on are caught already; the thread that acts on them starts after it.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let mut early = runs_guides(&args).then(crate::run::start_early).flatten();
    crate::cleanup::on_signals(caught);
    let cli = match Cli::of_paths(&args).map_or_else(|| Cli::try_parse_from(&args), Ok) {
        Ok(cli) => cli,
        Err(e) => {
            drop(early);
            e.exit()
        }
    };
    let code = match cli.command {
        Some(Command::Test(args)) => test::test(&args, early.take()),
        Some(Command::Plan(args)) => read_only::plan_command(&args),
        Some(Command::Lint(args)) => read_only::lint_command(&args),
        Some(Command::Todo(args)) => read_only::todo_command(&args),
        Some(Command::Accept(args)) => snapshots::accept_command(&args),
        Some(Command::Snapshots(args)) => snapshots::snapshots_command(&args),
        Some(Command::Mdbook(args)) => mdbook_command::mdbook_command(&args),
        Some(Command::Completions { shell }) => {
            let mut buffer = Vec::new();
            clap_complete::generate(
                shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "guidecheck",
                &mut buffer,
            );
            out(&String::from_utf8_lossy(&buffer));
            Exit::Passed
        }
        Some(Command::Man { dir }) => man(dir.as_deref()),
        None => test::test(&cli.test, early.take()),
    };
    drop(early);
    // Stopped by a signal meanwhile: the signal's exit status is the one to give.
    crate::cleanup::wait_if_stopping();
    crate::cleanup::finish_background();
    code.into()
}

/// Whether the arguments ask for guides to be run (no other subcommand, no help, no
/// version, no `--watch`): a guess made before parsing them, which parsing settles.
fn runs_guides(args: &[std::ffi::OsString]) -> bool {
    let args = args.get(1..).unwrap_or_default();
    let other =
        |a: &std::ffi::OsString| matches!(a.to_str(), Some("-h" | "--help" | "-V" | "--version" | "--watch"));
    let command = args.first().and_then(|a| a.to_str());
    let subcommand = command.is_some_and(|c| crate::cli::SUBCOMMANDS.contains(&c) && c != "test");
    !subcommand && !args.iter().any(other)
}

/// The man page on stdout, or with `dir` every page (the main one and one per subcommand,
/// so the references of the main page exist) written there.
fn man(dir: Option<&std::path::Path>) -> Exit {
    // No `help` page: `guidecheck help X` is `--help`, and the page would be a dead reference.
    let command = <Cli as clap::CommandFactory>::command().disable_help_subcommand(true);
    let written = match dir {
        None => {
            let mut buffer = Vec::new();
            clap_mangen::Man::new(command)
                .render(&mut buffer)
                .map(|()| out(&String::from_utf8_lossy(&buffer)))
        }
        Some(dir) => std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(command, dir)),
    };
    match written {
        Ok(()) => Exit::Passed,
        Err(e) => {
            print_error(&Error::new(crate::error::ErrorKind::Write(e)));
            Exit::BadInput
        }
    }
}

#[allow(clippy::print_stderr)]
pub(super) fn print_error(error: &Error) {
    // What fails while guidecheck stops on a signal is its own undoing, not news.
    if crate::cleanup::stopping() {
        return;
    }
    eprintln!("error: {error}");
}

#[allow(clippy::print_stdout)]
/// Writes to stdout through a buffer, for output too large to build as one string first.
pub(super) fn out_with(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) {
    if crate::cleanup::stopping() {
        return;
    }
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let _ = write(&mut stdout).and_then(|()| stdout.flush());
}

pub(super) fn out(text: &str) {
    if crate::cleanup::stopping() {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

pub(super) fn style(color: ColorArg) -> Style {
    let color = match color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    Style { color }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_run_of_guides_is_told_from_the_other_commands_before_parsing() {
        let runs = |args: &[&str]| {
            let args: Vec<std::ffi::OsString> = std::iter::once("guidecheck")
                .chain(args.iter().copied())
                .map(Into::into)
                .collect();
            super::runs_guides(&args)
        };
        for args in [
            &[][..],
            &["guide.md"],
            &["test", "a.md"],
            &["--jobs", "2", "guides/"],
        ] {
            assert!(runs(args), "{args:?}");
        }
        for args in [
            &["plan", "a.md"][..],
            &["lint"],
            &["mdbook", "supports", "html"],
            &["help"],
            &["--version"],
            &["a.md", "--help"],
            &["--watch", "a.md"],
            &["snapshots"],
        ] {
            assert!(!runs(args), "{args:?}");
        }
    }
}
