//! A child process measured with `wait4`: wall time, exit, and the peak resident memory
//! of the child and the descendants it waited for (cargo's `rustc`s). Shared by `bench`
//! (cargo check of generated crates) and the hostile-input tests (the xtask binary).

#![allow(unsafe_code)]

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a run gave.
pub struct Run {
    /// Wall time until the child was reaped.
    pub elapsed: Duration,
    /// Peak resident set of the child (and the descendants it waited for), KiB; 0 where
    /// the platform does not say.
    pub peak_kib: u64,
    /// False when the child was killed at the time limit.
    pub finished: bool,
    /// Exit code, when the child exited.
    pub code: Option<i32>,
    /// The signal that ended the child, when one did.
    pub signal: Option<i32>,
    /// Standard output (empty unless `capture_stdout`).
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Whether the child exited with status 0.
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }
}

/// Runs `command` (already configured by the caller: arguments, environment, limits set
/// with `pre_exec`) in its own process group; the whole group is killed after `limit`.
#[cfg(unix)]
// The child is reaped by `wait4`, which also gives its resource usage.
#[allow(clippy::zombie_processes)]
pub fn run(command: &mut Command, limit: Duration, capture_stdout: bool) -> std::io::Result<Run> {
    use std::os::unix::process::CommandExt;
    command
        .stdin(Stdio::null())
        .stdout(if capture_stdout {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stderr(Stdio::piped())
        .process_group(0);
    let started = Instant::now();
    let mut child = command.spawn()?;
    let out = read_in_background(child.stdout.take());
    let err = read_in_background(child.stderr.take());
    let pid = child.id() as libc::pid_t;
    let mut killed = false;
    let (status, usage) = loop {
        let mut status = 0;
        // SAFETY: `rusage` is plain data; zeroed is a valid value.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: a plain syscall on our own child with valid out-pointers.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            break (status, usage);
        }
        if r < 0 {
            return Err(std::io::Error::last_os_error());
        }
        if !killed && started.elapsed() > limit {
            // SAFETY: a signal to the process group this function created.
            unsafe { libc::kill(-pid, libc::SIGKILL) };
            killed = true;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Ok(Run {
        elapsed: started.elapsed(),
        peak_kib: usage.ru_maxrss as u64,
        finished: !killed,
        code: libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)),
        signal: libc::WIFSIGNALED(status).then(|| libc::WTERMSIG(status)),
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    })
}

/// Elsewhere: wall time and exit only, no time limit.
#[cfg(not(unix))]
pub fn run(command: &mut Command, _limit: Duration, capture_stdout: bool) -> std::io::Result<Run> {
    let started = Instant::now();
    let output = command.stdin(Stdio::null()).output()?;
    Ok(Run {
        elapsed: started.elapsed(),
        peak_kib: 0,
        finished: true,
        code: output.status.code(),
        signal: None,
        stdout: if capture_stdout {
            String::from_utf8_lossy(&output.stdout).into_owned()
        } else {
            String::new()
        },
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

/// Reads a pipe to its end on a thread of its own, so that a full pipe never blocks the
/// child while it is waited for.
#[cfg(unix)]
fn read_in_background<R: Read + Send + 'static>(
    pipe: Option<R>,
) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            pipe.read_to_end(&mut bytes).ok();
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}
