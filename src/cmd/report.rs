//! `povsim report`: write a self-contained `report.html` for a results folder of `run` or
//! `compare`.

use std::path::PathBuf;

use clap::Args;

use crate::error::UserError;
use crate::export::folder::is_povsim_results;

/// Options of `povsim report`.
#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// A results folder written by `povsim run` or `povsim compare`.
    pub dir: PathBuf,
}

/// Run the command.
pub fn run(args: &ReportArgs) -> anyhow::Result<()> {
    if !is_povsim_results(&args.dir) {
        return Err(UserError::Usage(format!(
            "{} is not a povsim results folder (no manifest.json written by povsim)",
            args.dir.display()
        ))
        .into());
    }
    let path = crate::report::write(&args.dir)?;
    println!("Report: {}", path.display());
    Ok(())
}
