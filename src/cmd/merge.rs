//! `povsim merge`: join the finished shards of a sweep (the work is in [`crate::sweep`]).

use std::path::PathBuf;

use clap::Args;

/// Options of `povsim merge`.
#[derive(Debug, Clone, Args)]
pub struct MergeArgs {
    /// The sweep's results folder, holding shards/.
    pub dir: PathBuf,
    /// Replace earlier merged results.
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Run the command.
pub fn run(args: &MergeArgs) -> anyhow::Result<()> {
    crate::sweep::merge_command(args)
}
