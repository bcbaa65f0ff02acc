//! povsim's entry point: parse the command line, run, print the error chain, set the exit code
//! (0 success, 2 user error, 1 internal error or I/O failure).

use std::process::ExitCode;

use clap::Parser;
use povsim::error::UserError;

fn main() -> ExitCode {
    let cli = povsim::cli::Cli::parse();
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
