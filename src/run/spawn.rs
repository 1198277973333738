//! Starting a session's shell: `posix_spawn` with the child made the leader of a Unix
//! session of its own (`POSIX_SPAWN_SETSID`, glibc 2.26 and later).
//!
//! Why not `std::process::Command`: it can only call `setsid` from a `pre_exec` hook, and
//! with a hook it forks, copying the page tables of a process with threads (half a
//! millisecond to more than one, on the path of every guide). `posix_spawn` shares our
//! memory until the child execs (vfork), and std has no flag for the new session.

use std::ffi::{CString, OsStr};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// A started shell: its pid, and its exit code once it has been waited for.
#[derive(Debug)]
pub(super) struct Shell {
    pid: rustix::process::Pid,
    /// `Some` once reaped: the exit code (None when killed by a signal).
    status: Option<Option<i32>>,
}

/// What the shell is started with.
pub(super) struct Spawn<'a> {
    pub program: &'a [String],
    pub env: &'a [(String, String)],
    pub cwd: &'a Path,
    /// Its stdout and stderr (stdin is /dev/null).
    pub output: OwnedFd,
}

impl Shell {
    pub(super) fn id(&self) -> i32 {
        self.pid.as_raw_nonzero().get()
    }

    /// SIGKILL, unless it has been reaped (its pid may be another process's by now).
    pub(super) fn kill(&self) {
        if self.status.is_none() {
            let _ = rustix::process::kill_process(self.pid, rustix::process::Signal::KILL);
        }
    }

    /// Waits for it to end; its exit code (None after a signal, or when it was reaped
    /// elsewhere).
    pub(super) fn wait(&mut self) -> Option<i32> {
        if let Some(status) = self.status {
            return status;
        }
        let status = loop {
            match rustix::process::waitpid(Some(self.pid), rustix::process::WaitOptions::empty()) {
                Ok(Some((_, status))) => break status.exit_status(),
                Err(rustix::io::Errno::INTR) => {}
                _ => break None,
            }
        };
        self.status = Some(status);
        status
    }
}

/// Starts `spawn.program` (looked up in the PATH of its environment) in a new Unix session.
pub(super) fn in_new_session(spawn: &Spawn<'_>) -> std::io::Result<Shell> {
    let program = locate(&spawn.program[0], spawn.env)?;
    let program = c_string(program.as_os_str())?;
    let args = spawn
        .program
        .iter()
        .map(|a| c_string(OsStr::new(a)))
        .collect::<std::io::Result<Vec<_>>>()?;
    let env = spawn
        .env
        .iter()
        .map(|(k, v)| c_string(OsStr::new(&format!("{k}={v}"))))
        .collect::<std::io::Result<Vec<_>>>()?;
    let cwd = c_string(spawn.cwd.as_os_str())?;
    let pid = posix_spawn(&program, &args, &env, &cwd, spawn.output.as_raw_fd())?;
    let pid = rustix::process::Pid::from_raw(pid).ok_or_else(|| std::io::Error::other("no pid"))?;
    Ok(Shell { pid, status: None })
}

/// `posix_spawn` in a new session, in `cwd`, with stdin from /dev/null and stdout and
/// stderr on `output`; the child's pid.
#[allow(unsafe_code)]
fn posix_spawn(
    program: &CString,
    args: &[CString],
    env: &[CString],
    cwd: &CString,
    output: i32,
) -> std::io::Result<i32> {
    let mut argv: Vec<*mut libc::c_char> = args.iter().map(|a| a.as_ptr().cast_mut()).collect();
    argv.push(std::ptr::null_mut());
    let mut envp: Vec<*mut libc::c_char> = env.iter().map(|e| e.as_ptr().cast_mut()).collect();
    envp.push(std::ptr::null_mut());
    let mut pid: libc::pid_t = 0;
    // SAFETY: the attribute and file-action objects are initialised before use and
    // destroyed after; every pointer handed over (program, argv, envp, paths) outlives the
    // call, and argv and envp end with a null pointer.
    let error = unsafe {
        let mut attr = std::mem::MaybeUninit::<libc::posix_spawnattr_t>::uninit();
        let mut actions = std::mem::MaybeUninit::<libc::posix_spawn_file_actions_t>::uninit();
        libc::posix_spawnattr_init(attr.as_mut_ptr());
        libc::posix_spawn_file_actions_init(actions.as_mut_ptr());
        let (attr_p, actions_p) = (attr.as_mut_ptr(), actions.as_mut_ptr());
        // Rust ignores SIGPIPE, and an ignored signal stays ignored across exec: the shell
        // gets the default back (as std does), and an empty signal mask.
        let mut defaults = std::mem::MaybeUninit::<libc::sigset_t>::uninit();
        libc::sigemptyset(defaults.as_mut_ptr());
        libc::sigaddset(defaults.as_mut_ptr(), libc::SIGPIPE);
        let mut mask = std::mem::MaybeUninit::<libc::sigset_t>::uninit();
        libc::sigemptyset(mask.as_mut_ptr());
        libc::posix_spawnattr_setsigdefault(attr_p, defaults.as_ptr());
        libc::posix_spawnattr_setsigmask(attr_p, mask.as_ptr());
        // libc types SETSID apart from the others (c_short, not c_int).
        let flags =
            i32::from(libc::POSIX_SPAWN_SETSID) | libc::POSIX_SPAWN_SETSIGDEF | libc::POSIX_SPAWN_SETSIGMASK;
        let mut error = libc::posix_spawnattr_setflags(attr_p, flags as libc::c_short);
        for action in [
            libc::posix_spawn_file_actions_addopen(actions_p, 0, c"/dev/null".as_ptr(), libc::O_RDONLY, 0),
            libc::posix_spawn_file_actions_adddup2(actions_p, output, 1),
            libc::posix_spawn_file_actions_adddup2(actions_p, output, 2),
            libc::posix_spawn_file_actions_addchdir_np(actions_p, cwd.as_ptr()),
        ] {
            error = if error == 0 { action } else { error };
        }
        if error == 0 {
            error = libc::posix_spawn(
                &mut pid,
                program.as_ptr(),
                actions_p,
                attr_p,
                argv.as_ptr(),
                envp.as_ptr(),
            );
        }
        libc::posix_spawn_file_actions_destroy(actions_p);
        libc::posix_spawnattr_destroy(attr_p);
        error
    };
    match error {
        0 => Ok(pid),
        e => Err(std::io::Error::from_raw_os_error(e)),
    }
}

/// `name` as found on the PATH of `env` (the caller's PATH when it has none), as `execvp`
/// would; a name with a slash is taken as it is.
pub(super) fn locate(name: &str, env: &[(String, String)]) -> std::io::Result<PathBuf> {
    if name.contains('/') {
        return Ok(PathBuf::from(name));
    }
    let path = env
        .iter()
        .find(|(k, _)| k == "PATH")
        .map(|(_, v)| std::ffi::OsString::from(v))
        .or_else(|| std::env::var_os("PATH"))
        .unwrap_or_else(|| "/usr/bin:/bin".into());
    // Found once per name and PATH: a guide's run looks for bash two or three times, and
    // each look tries the PATH's folders in turn.
    static FOUND: std::sync::Mutex<Vec<(String, std::ffi::OsString, PathBuf)>> =
        std::sync::Mutex::new(Vec::new());
    let known = |found: &Vec<(String, std::ffi::OsString, PathBuf)>| {
        (found.iter())
            .find(|(n, p, _)| n == name && *p == path)
            .map(|(_, _, program)| program.clone())
    };
    if let Some(program) = FOUND.lock().ok().and_then(|found| known(&found)) {
        return Ok(program);
    }
    let program = std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| rustix::fs::access(p, rustix::fs::Access::EXEC_OK).is_ok() && p.is_file())
        .ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::NotFound, format!("{name}: not found on PATH"))
        })?;
    if let Ok(mut found) = FOUND.lock() {
        found.push((name.to_string(), path, program.clone()));
    }
    Ok(program)
}

fn c_string(s: &OsStr) -> std::io::Result<CString> {
    CString::new(s.as_bytes()).map_err(|_| std::io::Error::other("a NUL byte in an argument"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(program: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String) {
        let (reader, writer) = std::io::pipe().unwrap();
        let program: Vec<String> = program.iter().map(|s| (*s).to_string()).collect();
        let env: Vec<(String, String)> = env.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect();
        let cwd = tempfile::tempdir().unwrap();
        let mut shell = in_new_session(&Spawn {
            program: &program,
            env: &env,
            cwd: cwd.path(),
            output: writer.into(),
        })
        .unwrap();
        let mut out = String::new();
        std::io::Read::read_to_string(&mut { reader }, &mut out).unwrap();
        let status = shell.wait();
        assert_eq!(shell.wait(), status, "a second wait gives the same status");
        (status, out.replace(&cwd.path().display().to_string(), "[CWD]"))
    }

    #[test]
    fn the_shell_leads_a_new_session_in_its_folder_with_its_environment_only() {
        let (status, out) = run(
            &[
                "bash",
                "-c",
                r#"ps -o sid= -p $$ | tr -d ' '; echo $$; pwd; echo "$A|$HOME"; read x; echo "read:$?"; exit 3"#,
            ],
            &[("PATH", "/usr/bin:/bin"), ("A", "1")],
        );
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], lines[1], "session id is its pid: {out}");
        assert_eq!(lines[2..], ["[CWD]", "1|", "read:1"]);
        assert_eq!(status, Some(3));
    }

    #[test]
    fn sigpipe_is_back_to_its_default() {
        let (_, out) = run(
            &["bash", "-c", "grep SigIgn /proc/self/status"],
            &[("PATH", "/usr/bin:/bin")],
        );
        let ignored = out.trim().strip_prefix("SigIgn:\t").expect("a SigIgn line");
        let ignored = u64::from_str_radix(ignored, 16).unwrap();
        assert_eq!(ignored & (1 << (libc::SIGPIPE - 1)), 0, "{out}");
    }

    #[test]
    fn a_missing_program_is_an_error() {
        let err = locate("no-such-program-here", &[("PATH".into(), "/usr/bin".into())]).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
        assert_eq!(locate("/bin/sh", &[]).unwrap(), PathBuf::from("/bin/sh"));
    }

    #[test]
    fn a_killed_shell_has_no_exit_code() {
        let (reader, writer) = std::io::pipe().unwrap();
        let program = ["sleep".to_string(), "30".to_string()];
        let env = [("PATH".to_string(), "/usr/bin:/bin".to_string())];
        let mut shell = in_new_session(&Spawn {
            program: &program,
            env: &env,
            cwd: Path::new("/"),
            output: writer.into(),
        })
        .unwrap();
        shell.kill();
        assert_eq!(shell.wait(), None);
        shell.kill();
        drop(reader);
    }
}
