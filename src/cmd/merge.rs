//! `povsim merge`: join the finished shards of a sweep (the work is in [`crate::sweep`]).

use std::path::PathBuf;

use clap::Args;

/// Options of `povsim merge`.
#[derive(Debug, Clone, Args)]
pub struct MergeArgs {
    /// The results folder of a sharded sweep (holding shards/) or calibration (holding
    /// calibration.json and its journal).
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
    if args
        .dir
        .join(crate::calib::command::IDENTITY_FILE)
        .is_file()
    {
        return crate::calib::command::merge(&args.dir, args.quiet);
    }
    crate::sweep::merge_command(args)
}
