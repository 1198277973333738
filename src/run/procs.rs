//! Process accounting from `/proc`: which processes a session (or one of its commands)
//! started, so a timeout, the end of a guide or a signal leaves none behind.
//!
//! A session is its own Unix session (`setsid`), and every process it starts carries the
//! session's marker in its environment. Processes that leave the session (`setsid cmd &`)
//! keep the marker; processes whose parent died come back to guidecheck, which is a child
//! subreaper (`PR_SET_CHILD_SUBREAPER`).

use rustix::process::{Pid, Signal};
use std::time::Instant;

/// One line of `/proc/PID/stat`, the fields we need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proc {
    pub pid: i32,
    pub ppid: i32,
    pub sid: i32,
    /// Start time in clock ticks since boot.
    pub start: u64,
    /// Ended, waiting to be reaped: nothing left to kill.
    pub zombie: bool,
}

/// Every process this user can see.
pub fn all() -> Vec<Proc> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter_map(|pid| parse_stat(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?))
        .collect()
}

/// Parses `/proc/PID/stat` (the command name may hold spaces and parentheses).
pub fn parse_stat(stat: &str) -> Option<Proc> {
    let pid = stat.split_once(' ')?.0.parse().ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    // After the name: state(3) ppid(4) pgrp(5) session(6) … starttime(22).
    let fields: Vec<&str> = rest.split(' ').collect();
    Some(Proc {
        pid,
        ppid: fields.get(1)?.parse().ok()?,
        sid: fields.get(3)?.parse().ok()?,
        start: fields.get(19)?.parse().ok()?,
        zombie: fields.first() == Some(&"Z"),
    })
}

/// True when the process's environment holds `marker` (`NAME=value`).
fn carries(pid: i32, marker: &str) -> bool {
    std::fs::read(format!("/proc/{pid}/environ"))
        .is_ok_and(|env| env.split(|&b| b == 0).any(|var| var == marker.as_bytes()))
}

/// Clock ticks since boot, `at` (an earlier instant) included.
pub fn ticks_at(at: Instant) -> u64 {
    let hz = rustix::param::clock_ticks_per_second();
    let uptime = std::fs::read_to_string("/proc/uptime")
        .ok()
        .and_then(|u| u.split_whitespace().next()?.parse::<f64>().ok())
        .unwrap_or(0.0);
    let ago = at.elapsed().as_secs_f64();
    // Rounded down and one tick early: a process started at `at` is never missed.
    (((uptime - ago) * hz as f64).max(0.0) as u64).saturating_sub(1)
}

/// `pid` and its ancestors within session `sid`.
pub fn ancestry(pid: i32, sid: i32) -> Vec<i32> {
    let procs = all();
    let mut chain = vec![pid];
    while let Some(parent) = procs
        .iter()
        .find(|p| p.pid == *chain.last().expect("not empty") && p.sid == sid)
        .map(|p| p.ppid)
        .filter(|ppid| !chain.contains(ppid))
    {
        chain.push(parent);
    }
    chain
}

/// Kills the processes of session `sid` started at or after `since` (clock ticks), except
/// `keep`: what one command started. Returns how many were signalled.
pub fn kill_started_since(sid: i32, since: u64, keep: &[i32]) -> usize {
    let victims: Vec<i32> = all()
        .into_iter()
        .filter(|p| !p.zombie && p.sid == sid && p.start >= since && !keep.contains(&p.pid))
        .map(|p| p.pid)
        .collect();
    victims.iter().for_each(|&pid| kill(pid));
    victims.len()
}

/// Kills every process of session `sid` and every process carrying `marker`, until none is
/// left (a process may fork while we look), and reaps those that came back to us. Call it
/// after the session's own shell was waited for. Returns how many were signalled.
pub fn sweep(sid: i32, marker: &str) -> usize {
    let me = rustix::process::getpid().as_raw_nonzero().get();
    let mut adopted = Vec::new();
    let mut total = 0;
    for _ in 0..10 {
        let victims: Vec<Proc> = match descendants(me) {
            // As subreaper, everything the session started is below us: no escapee can
            // have gone elsewhere, so only our own tree is read.
            Some(below) => below
                .into_iter()
                .filter(|p| !p.zombie && (p.sid == sid || carries(p.pid, marker)))
                .collect(),
            // Escapees (`setsid cmd &`) are orphans by now: init's where subreapers are
            // not supported. Only those need their marker read.
            None => all()
                .into_iter()
                .filter(|p| {
                    !p.zombie
                        && p.pid != me
                        && (p.sid == sid || ([me, 1].contains(&p.ppid) && carries(p.pid, marker)))
                })
                .collect(),
        };
        if victims.is_empty() {
            break;
        }
        victims.iter().for_each(|p| kill(p.pid));
        total += victims.len();
        adopted.extend(victims.iter().filter(|p| p.ppid == me).map(|p| p.pid));
    }
    reap(&adopted);
    total
}

/// Every process below `pid` (its children, theirs, …), from `/proc/PID/task/*/children`;
/// `None` when we are not a subreaper or the kernel does not list children.
fn descendants(pid: i32) -> Option<Vec<Proc>> {
    if !SUBREAPER.load(std::sync::atomic::Ordering::Relaxed) {
        return None;
    }
    let mut found = Vec::new();
    let mut queue = children(pid)?;
    while let Some(child) = queue.pop() {
        let Some(proc) = std::fs::read_to_string(format!("/proc/{child}/stat"))
            .ok()
            .and_then(|s| parse_stat(&s))
        else {
            continue; // gone meanwhile
        };
        found.push(proc);
        queue.extend(children(child).unwrap_or_default());
    }
    Some(found)
}

/// The children of every thread of `pid`; `None` when no thread's list can be read (the
/// kernel does not keep them).
fn children(pid: i32) -> Option<Vec<i32>> {
    let mut pids = Vec::new();
    let mut listed = false;
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).ok()?.flatten() {
        // A thread that ended since the folder was read has no list, and no children: our
        // own background threads end while the sweep looks.
        let Ok(list) = std::fs::read_to_string(task.path().join("children")) else {
            continue;
        };
        listed = true;
        pids.extend(list.split_whitespace().filter_map(|p| p.parse::<i32>().ok()));
    }
    listed.then_some(pids)
}

/// Whether `become_subreaper` took effect.
static SUBREAPER: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Waits for killed processes that are our children (orphans we adopted), briefly.
fn reap(pids: &[i32]) {
    for pid in pids.iter().filter_map(|&p| Pid::from_raw(p)) {
        for _ in 0..100 {
            match rustix::process::waitpid(Some(pid), rustix::process::WaitOptions::NOHANG) {
                Ok(None) => std::thread::sleep(std::time::Duration::from_millis(1)),
                _ => break,
            }
        }
    }
}

/// Makes guidecheck the reaper of orphans its sessions leave (so they can be found and
/// killed). Harmless where not supported.
pub fn become_subreaper() {
    let me = rustix::process::getpid();
    let done = rustix::process::set_child_subreaper(Some(me)).is_ok()
        && rustix::process::child_subreaper().is_ok_and(|flag| flag.is_some());
    SUBREAPER.store(done, std::sync::atomic::Ordering::Relaxed);
}

pub fn kill(pid: i32) {
    if let Some(pid) = Pid::from_raw(pid) {
        let _ = rustix::process::kill_process(pid, Signal::KILL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_lines_with_odd_names_parse() {
        let stat = "4242 (a) b (c)) S 1 4242 4242 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 987654 1000 100";
        assert_eq!(
            parse_stat(stat),
            Some(Proc {
                pid: 4242,
                ppid: 1,
                sid: 4242,
                start: 987654,
                zombie: false,
            })
        );
    }

    #[test]
    fn this_process_is_listed_with_its_start_in_the_past() {
        let me = rustix::process::getpid().as_raw_nonzero().get();
        let found = all().into_iter().find(|p| p.pid == me).expect("listed");
        let now = ticks_at(Instant::now());
        // /proc/uptime and start times may disagree by a few ticks.
        assert!(found.start <= now + 10, "{found:?} {now}");
    }
}
