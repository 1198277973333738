//! Plan → runs. The only module that spawns processes.

mod capture;
mod collect;
mod commands;
mod files;
mod pipe;
mod procs;
mod protocol;
mod quote;
mod session;
mod simple;
mod spawn;
mod wait;
mod window;
mod workspace;

use crate::error::{Error, ErrorKind, Result};
use crate::plan::StepKind;
pub use commands::Said;
use serde::Serialize;
pub use session::Finished;
use session::{Launch, Session};
use std::path::{Path, PathBuf};
use std::time::Duration;
pub use window::Window;
pub use workspace::Workspace;

pub use crate::nix::store::StoreMode;

/// How to run a guide.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub timeout: Duration,
    /// Variables the guide's commands see (already filtered by the allow-list).
    pub env: Vec<(String, String)>,
    /// Add `substituters =` to NIX_CONFIG so Nix never waits on the network.
    pub nix_offline: bool,
    pub store: StoreMode,
    pub output_limit: usize,
}

/// What is left of a guide's run once its steps are settled: where it ran, and how.
#[derive(Debug)]
pub struct GuideRun {
    /// The workspace root and work directory, for redaction in output.
    pub root: PathBuf,
    pub work: PathBuf,
    /// How the store was isolated (shown in reports).
    pub store: String,
    workspace: Option<Workspace>,
    /// Ended (`Session::end`); dropped, which waits for it, before the workspace goes.
    session: Option<Session>,
}

impl GuideRun {
    /// Ends the shell and removes the workspace now, on a thread of their own (`Drop`
    /// would, later): for a run whose workspace is not to be kept.
    pub fn release(&mut self) {
        let (session, workspace) = (self.session.take(), self.workspace.take());
        if session.is_some() || workspace.is_some() {
            crate::cleanup::in_background(move || {
                drop(session);
                drop(workspace);
            });
        }
    }

    /// Keeps the workspace on disk; returns its path.
    pub fn keep_workspace(&mut self) -> Option<PathBuf> {
        self.workspace.take().map(Workspace::keep)
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct StepRun {
    pub output: String,
    pub status: Option<i32>,
    pub timed_out: bool,
    /// The shell did not survive this step (it was stuck, or it exited): later steps run in
    /// a new shell in the same directory, without the variables and functions set before.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub shell_replaced: bool,
    /// Stopped with SIGINT (Ctrl-C) once its shown lines appeared, or after its interval:
    /// it runs until interrupted.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
    pub truncated: bool,
    #[serde(serialize_with = "seconds")]
    pub duration: Duration,
    /// Set when the step could not be carried out (e.g. a file outside the workspace).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Kept build logs (by store name) of what the step printed but did not build this
    /// time, for the shown build-log lines.
    #[serde(skip)]
    pub logs: Vec<(String, String)>,
    /// Not run: the step needs this environment (`needs=…`), which is missing here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<String>,
}

fn seconds<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

/// What a run tells as it goes (progress lines, `--verbose` streaming).
pub trait Observer: Sync {
    /// A step (by plan index) starts.
    fn step_started(&self, _index: usize, _step: &crate::plan::Step) {}
    /// The step that ran last is over.
    fn step_finished(&self, _index: usize) {}
    /// Output of the running command, as it arrives.
    fn output(&self, _bytes: &[u8]) {}
}

/// An observer that wants to hear nothing.
pub struct Quiet;

impl Observer for Quiet {}

/// Plan steps whose commands are made and handed to the session at once (the session
/// keeps a few batches in flight; a chunk's end only waits for its last command), and
/// about how many a run holds.
const COMMANDS_AT_ONCE: usize = 1024;

/// A guide's workspace with its shell already started. Made before the guide is planned
/// (`start`): the shell's start-up, a millisecond or more, then overlaps the reading
/// instead of following it.
pub struct Started {
    workspace: Workspace,
    session: Session,
    /// The environment the shell was given (where build logs are looked up).
    launch_env: Vec<(String, String)>,
    /// How the store is isolated (shown in reports).
    store: String,
}

impl Started {
    pub fn workspace(&self) -> &Workspace {
        &self.workspace
    }
}

/// Makes a workspace for the guide at `guide` and starts its shell session.
pub fn start(options: &RunOptions, guide: &Path) -> Result<Started> {
    start_with(options, guide, None)
}

/// A shell started before its guide and settings are known (`start_early`), in a control
/// folder of its own.
#[derive(Debug)]
pub struct Early {
    // The shell ends before its folder goes.
    session: Session,
    ctl: workspace::Ctl,
}

/// Starts a plain bash before the settings and the guide are read, where /dev/shm can hold
/// its control folder: its start-up then overlaps reading them. `start_with` gives it its
/// guide, or ends it when the settings ask for another shell.
pub fn start_early() -> Option<Early> {
    let ctl = workspace::Ctl::create()?;
    procs::become_subreaper();
    let shell = spawn::locate("bash", &[]).ok()?;
    let program = crate::nix::store::isolation(StoreMode::System, Path::new(""), None, false).program;
    let locale = std::env::vars().filter(|(k, _)| is_locale(k) && session::exportable(k));
    let session = Session::start_early(ctl.path(), program, &shell, locale.collect()).ok()?;
    Some(Early { session, ctl })
}

/// A variable that sets the locale (`LANG`, `LC_*`): guide commands get the caller's.
pub fn is_locale(name: &str) -> bool {
    name == "LANG" || name.starts_with("LC_")
}

/// `start`, with the shell started early when there is one and the settings allow it.
pub fn start_with(options: &RunOptions, guide: &Path, early: Option<Early>) -> Result<Started> {
    let (ctl, early) = match early {
        Some(Early { session, ctl }) => (Some(ctl), Some(session)),
        None => (workspace::Ctl::create(), None),
    };
    let workspace = Workspace::with_ctl(ctl)?;
    procs::become_subreaper();
    if options.store == StoreMode::Fresh {
        workspace.make_nix()?;
    }
    let (launch, store) = launch(&workspace, options, guide);
    let launch_env = launch.env.clone();
    let spawn = |e| Error::new(ErrorKind::Spawn(e));
    let session = match early.map(|mut session| session.adopt(launch.clone()).map(|()| session)) {
        Some(Ok(session)) => session,
        // Not adopted: it ends (dropped) before another starts in its folder.
        Some(Err(_)) | None => Session::start(launch).map_err(spawn)?,
    };
    Ok(Started {
        workspace,
        session,
        launch_env,
        store,
    })
}

/// What takes the steps of a run as they end.
pub trait Settle {
    /// Step `index` ended (steps that do not run are never handed over; a step that cannot
    /// run here may come before the commands around it). `steps` holds it.
    fn settle(&mut self, steps: &Window, index: usize, run: StepRun);
    /// Every step handed over so far may be settled now, and released from `steps`.
    fn caught_up(&mut self, steps: &mut Window);
}

/// Runs the steps `steps` gives, in order, in a started workspace and its shell session,
/// handing each that runs to `settle` as it ends. `said` is what the guide's steps say
/// that decides how its commands end (`Said`, over every step).
pub fn run(
    steps: &mut Window,
    said: Said,
    started: Started,
    options: &RunOptions,
    observer: &dyn Observer,
    settle: &mut dyn Settle,
) -> Result<GuideRun> {
    let Started {
        workspace,
        mut session,
        launch_env,
        store,
    } = started;
    // A guide that redirects the shell's own output (`exec >log`) gets its tokens through
    // fd 19 from the start; elsewhere (a script it sources) the batch's check catches it.
    session.tokens_on_stdout = !said.exec;
    session.options_fixed = !said.options;
    session.printf_unnamed = !said.printf;
    let sink = |bytes: &[u8]| observer.output(bytes);
    let spawn = |e| Error::new(ErrorKind::Spawn(e));
    let is_file = |step: &crate::plan::Step| matches!(step.kind, StepKind::File { .. });
    let mut inside = false;
    let mut i = 0;
    loop {
        // A step released already was settled without running: the comparer, which lags
        // the run, may settle a step that does not run (a skipped file block) before the
        // run comes to it.
        i = i.max(steps.first());
        if !steps.reach(i) {
            break;
        }
        let step = steps.get(i).expect("reached");
        if let StepKind::File { path, content, .. } = &step.kind {
            if let Some(need) = commands::missing_need(step) {
                settle.settle(steps, i, StepRun::missing(need));
            } else if step.runs() {
                observer.step_started(i, step);
                let run = write_file(&session.cwd(), &workspace, path, content);
                settle.settle(steps, i, run);
                observer.step_finished(i);
            }
            i += 1;
            settle.caught_up(steps);
            continue;
        }
        // The session steps up to the next file step go to the shell together, in chunks:
        // the commands of a long stretch are not all held at once.
        let mut end = i + 1;
        while end < i + COMMANDS_AT_ONCE && steps.reach(end) && !steps.get(end).is_some_and(is_file) {
            end += 1;
        }
        let steps_now: &Window = steps;
        for k in i..end {
            let step = steps_now.get(k).expect("reached");
            if let Some(need) = commands::missing_need(step) {
                settle.settle(steps_now, k, StepRun::missing(need));
            }
        }
        let (step_of, commands) = commands::session_commands(steps_now, i..end, options.timeout, &mut inside);
        let step = |k: usize| steps_now.get(k).expect("held until settled");
        session
            .run_batch(
                &commands,
                &sink,
                &mut |b| {
                    step_of[b]
                        .into_iter()
                        .for_each(|k| observer.step_started(k, step(k)))
                },
                &mut |b, finished| {
                    if let Some(k) = step_of[b] {
                        let mut run = StepRun::from(finished);
                        read_logs(step(k), &mut run, &launch_env);
                        settle.settle(steps_now, k, run);
                        observer.step_finished(k);
                    }
                },
            )
            .map_err(spawn)?;
        i = end;
        settle.caught_up(steps);
    }
    // The shell and what it started end, and the workspace goes, on a thread of their own
    // while the verdicts are reported (in that order: nothing may write into a folder being
    // removed).
    session.end();
    workspace::remove_leftovers_once(workspace.ctl_in_shm());
    Ok(GuideRun {
        root: workspace.root().to_path_buf(),
        work: workspace.work(),
        store,
        workspace: Some(workspace),
        session: Some(session),
    })
}

impl Drop for GuideRun {
    fn drop(&mut self) {
        self.release();
    }
}

impl From<Finished> for StepRun {
    fn from(f: Finished) -> Self {
        StepRun {
            output: f.output,
            status: f.status,
            timed_out: f.timed_out,
            shell_replaced: f.shell_replaced,
            interrupted: f.interrupted,
            truncated: f.truncated,
            duration: f.duration,
            error: f
                .not_run
                .then(|| "not run: the shell it was typed in did not start, or was killed".to_string()),
            logs: Vec::new(),
            missing: None,
        }
    }
}

impl StepRun {
    fn missing(need: String) -> StepRun {
        StepRun {
            missing: Some(need),
            ..StepRun::default()
        }
    }
}

/// Writes a file step relative to the session's cwd; never outside the workspace.
fn write_file(cwd: &Path, workspace: &Workspace, path: &str, content: &str) -> StepRun {
    let started = std::time::Instant::now();
    let error = files::write_beneath(workspace.root(), cwd, path, content).err();
    StepRun {
        // A refused write ran nothing: no status to compare, only the reason.
        status: error.is_none().then_some(0),
        duration: started.elapsed(),
        error,
        ..StepRun::default()
    }
}

/// The first line Nix's version command prints, or "not installed" (read once).
pub fn nix_version() -> String {
    static VERSION: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let [program, arg] = crate::nix::VERSION_COMMAND;
    VERSION
        .get_or_init(|| {
            std::process::Command::new(program)
                .arg(arg)
                .output()
                .ok()
                .filter(|o| o.status.success())
                .and_then(|o| String::from_utf8(o.stdout).ok())
                .and_then(|s| s.lines().next().map(str::to_string))
                .unwrap_or_else(|| "not installed".to_string())
        })
        .clone()
}

/// For a command whose shown output has build-log lines of derivations this run did not
/// build (they were in the store), the logs Nix kept of what it printed as results.
fn read_logs(step: &crate::plan::Step, run: &mut StepRun, env: &[(String, String)]) {
    let StepKind::Command {
        shown: Some(shown), ..
    } = &step.kind
    else {
        return;
    };
    let shown: Vec<&str> = shown.lines.iter().map(|l| l.text.as_str()).collect();
    if !crate::nix::optional::shows_a_build(&shown) {
        return; // most commands: no build log shown, nothing to look up
    }
    let real: Vec<&str> = run.output.lines().collect();
    if crate::nix::optional::unbuilt_logs(&shown, &real)
        .iter()
        .all(Option::is_none)
    {
        return;
    }
    let [program, arg] = crate::nix::LOG_COMMAND;
    for path in crate::nix::optional::out_paths(&run.output) {
        let log = std::process::Command::new(program)
            .arg(arg)
            .arg(&path)
            .env_clear()
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(std::process::Stdio::null())
            .output();
        if let Ok(out) = log
            && out.status.success()
        {
            let name = crate::nix::optional::store_name(&path);
            run.logs
                .push((name, String::from_utf8_lossy(&out.stdout).into_owned()));
        }
    }
}

/// How the session starts (program, environment, folders), and how the store was isolated.
fn launch(workspace: &Workspace, options: &RunOptions, guide: &Path) -> (Launch, String) {
    let path_var = options
        .env
        .iter()
        .find(|(k, _)| k == "PATH")
        .map_or("", |(_, v)| v.as_str());
    // Only a private store needs to know where `nix-build` lives, and a folder.
    let nix_build = match options.store {
        StoreMode::Fresh => crate::nix::store::locate_nix_build(path_var),
        StoreMode::System => None,
    };
    let isolation =
        crate::nix::store::isolation(options.store, &workspace.nix(), nix_build.as_deref(), is_root());
    let launch = Launch {
        program: isolation.program.clone(),
        env: environment(workspace, options, &isolation),
        cwd: workspace.work(),
        ctl: workspace.ctl(),
        output_limit: options.output_limit,
        label: guide.display().to_string(),
    };
    (launch, isolation.description)
}

/// Whether we run as root (our real user id is 0).
pub(super) fn is_root() -> bool {
    rustix::process::getuid().is_root()
}

/// The environment of guide commands: the allow-listed variables, HOME and TMPDIR in the
/// workspace, SHELL, no colour, and Nix settings.
fn environment(
    workspace: &Workspace,
    options: &RunOptions,
    isolation: &crate::nix::store::Isolation,
) -> Vec<(String, String)> {
    let env: Vec<(String, String)> = options
        .env
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "HOME" | "TMPDIR" | "TERM" | "NO_COLOR" | "PWD"))
        .cloned()
        .collect();
    let mut env = crate::nix::env::session_env(env, options.nix_offline, isolation);
    env.extend([
        ("HOME".to_string(), workspace.home().display().to_string()),
        ("TMPDIR".to_string(), workspace.tmp().display().to_string()),
        ("TERM".to_string(), "dumb".to_string()),
        ("NO_COLOR".to_string(), "1".to_string()),
    ]);
    // The shell the commands run in, as a terminal says; bash also reads the user database
    // at start-up when SHELL is unset.
    if !env.iter().any(|(k, _)| k == "SHELL")
        && let Ok(bash) = spawn::locate("bash", &env)
    {
        env.push(("SHELL".to_string(), bash.display().to_string()));
    }
    env
}
