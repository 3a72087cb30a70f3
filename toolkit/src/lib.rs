//! libotr 4.1.1's OTR toolkit, over the otr-rs core: `otr_parse`, `otr_sesskeys`,
//! `otr_mackey`, `otr_readforge`, `otr_modify` and `otr_remac`, with the same output,
//! messages and exit statuses as libotr's (`man otr_toolkit`). They show what OTR's
//! deniability means in practice: whoever knows a session's keys can read, forge
//! and alter its messages.
//!
//! - [`input`]: finding `?OTR:...` messages in a transcript;
//! - [`message`]: the toolkit's field-by-field reading and writing of messages;
//! - [`describe`]: what `otr_parse` prints;
//! - [`args`]: hex and decimal arguments as the C tools read them;
//! - [`tools`]: the six tools; `src/bin/` holds one `main` for each.
#![deny(unsafe_code)]

pub mod args;
pub mod describe;
pub mod input;
pub mod message;
pub mod tools;

#[cfg(test)]
mod debian;

use input::Transcript;
use std::io::{BufRead, Write};
use std::os::unix::ffi::OsStringExt;
use std::process::ExitCode;

/// A tool's command line (`argv`).
pub struct Invocation {
    argv: Vec<Vec<u8>>,
}

impl Invocation {
    /// The command line `argv`, the tool's name as run first.
    pub fn new(argv: Vec<Vec<u8>>) -> Self {
        Self { argv }
    }

    /// The name the tool was run as (`argv[0]`), which its usage message shows.
    pub fn progname(&self) -> &[u8] {
        self.argv.first().map_or(&[], Vec::as_slice)
    }

    /// The arguments after the name.
    pub fn args(&self) -> &[Vec<u8>] {
        self.argv.get(1..).unwrap_or_default()
    }
}

/// A tool's standard streams.
pub struct Streams<'a> {
    /// Standard input, where the tools read encoded messages.
    pub stdin: Transcript<&'a mut dyn BufRead>,
    stdout: &'a mut dyn Write,
    stderr: &'a mut dyn Write,
}

impl<'a> Streams<'a> {
    /// The streams a tool reads and writes.
    pub fn new(
        stdin: &'a mut dyn BufRead,
        stdout: &'a mut dyn Write,
        stderr: &'a mut dyn Write,
    ) -> Self {
        Self {
            stdin: Transcript::new(stdin),
            stdout,
            stderr,
        }
    }

    /// Writes `bytes` to stdout at once. Errors are ignored, as the C tools ignore
    /// those of `printf` and `fflush`; a closed pipe ends the process (SIGPIPE).
    pub fn out(&mut self, bytes: &[u8]) {
        let _ = self
            .stdout
            .write_all(bytes)
            .and_then(|()| self.stdout.flush());
    }

    /// Writes `bytes` to stderr (errors ignored, as for [`Streams::out`]).
    pub fn err(&mut self, bytes: &[u8]) {
        let _ = self
            .stderr
            .write_all(bytes)
            .and_then(|()| self.stderr.flush());
    }
}

/// A tool ending early: its complaint (and usage message) for stderr; the exit
/// status is 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exit(pub Vec<u8>);

/// A tool: its command line and streams in, success or an early [`Exit`] out.
pub type Tool = fn(&Invocation, &mut Streams) -> Result<(), Exit>;

/// Runs `tool` as this process: on the process's command line and standard streams,
/// giving its exit status.
pub fn run(tool: Tool) -> ExitCode {
    die_on_broken_pipe();
    let cmd = Invocation::new(std::env::args_os().map(OsStringExt::into_vec).collect());
    let (stdin, stdout, stderr) = (std::io::stdin(), std::io::stdout(), std::io::stderr());
    let (mut stdin, mut stdout, mut stderr) = (stdin.lock(), stdout.lock(), stderr.lock());
    ExitCode::from(run_on(
        tool,
        &cmd,
        &mut Streams::new(&mut stdin, &mut stdout, &mut stderr),
    ))
}

/// Runs `tool` on `cmd` and `io`; gives its exit status, 0 or 1, after writing the
/// complaint of an early exit to stderr.
pub fn run_on(tool: Tool, cmd: &Invocation, io: &mut Streams) -> u8 {
    match tool(cmd, io) {
        Ok(()) => 0,
        Err(Exit(complaint)) => {
            io.err(&complaint);
            1
        }
    }
}

/// Restores the default action of SIGPIPE, which Rust's runtime sets to "ignore"
/// before `main`: like the C tools, a tool writing to a closed pipe (`otr_parse <
/// log | head`) is ended by the signal instead of reading on.
#[allow(unsafe_code)]
fn die_on_broken_pipe() {
    // SAFETY: signal(2) with a valid signal number and SIG_DFL changes only the
    // disposition of SIGPIPE; no handler runs, and no other thread exists yet.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
