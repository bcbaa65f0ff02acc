//! povsim's entry point: parse the command line, run, print the error chain, set the exit code
//! (0 success, 2 user error, 1 internal error or I/O failure).

use std::process::ExitCode;

use clap::Parser;
use povsim::cli::Command;
use povsim::error::UserError;

fn main() -> ExitCode {
    let cli = povsim::cli::Cli::parse();
    if !matches!(cli.command, Command::Serve(_)) {
        end_quietly_on_broken_pipe();
    }
    match povsim::cmd::dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            if error.downcast_ref::<UserError>().is_some() {
                eprintln!("error: {error}");
                ExitCode::from(2)
            } else {
                eprintln!("error: {error:#}");
                ExitCode::from(1)
            }
        }
    }
}

/// Let a closed standard output end the process the way it ends `cat` or `grep`: killed by
/// SIGPIPE, quietly, with the shell's usual status 141 (`povsim check | head -1`). Rust
/// ignores SIGPIPE by default, which turns every later `print!` into a panic. Not for
/// `serve`, whose client sockets must report a closed peer as an error instead.
fn end_quietly_on_broken_pipe() {
    #[cfg(unix)]
    // SAFETY: called once at start-up, before any thread exists; SIG_DFL is a valid action.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
