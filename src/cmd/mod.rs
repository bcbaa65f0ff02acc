//! The commands, one file each: its arguments, its `run`, its tests. What they share (loading a
//! scenario, writing a results folder, progress) is in [`common`].

pub mod bench;
pub mod calibrate;
pub mod check;
pub mod common;
pub mod compare;
pub mod compare_posterior;
pub mod merge;
pub mod report;
pub mod run;
pub mod serve;
pub mod sweep;
pub mod trace;
pub mod validate;

use crate::cli::{Cli, Command};

/// Run the parsed command line.
pub fn dispatch(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Compare(args) => compare::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::Trace(args) => trace::run(&args),
        Command::Sweep(args) => sweep::run(&args),
        Command::Merge(args) => merge::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Validate(args) => validate::run(&args),
        Command::Calibrate(args) => calibrate::run(&args),
    }
}
