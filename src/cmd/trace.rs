//! `povsim trace`: replay a scenario and print one household's story (text or JSON). Writes
//! nothing.

use std::io::Write;

use clap::Args;

use crate::cli::ScenarioArgs;
use crate::cmd::common::load_scenario;

/// Options of `povsim trace`.
#[derive(Debug, Clone, Args)]
pub struct TraceArgs {
    /// The scenario.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Village id (0-based, as in villages.csv).
    #[arg(long)]
    pub village: u32,
    /// Household id within the village (0-based).
    #[arg(long)]
    pub household: u32,
    /// Which replicate's luck (0-based).
    #[arg(long, default_value_t = 0)]
    pub replicate: u32,
    /// Print the story as JSON (events and the monthly income path) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `povsim trace`: replay a scenario and print one household's story.
pub fn run(args: &TraceArgs) -> anyhow::Result<()> {
    let loaded = load_scenario(&args.scenario)?;
    let story = crate::story::trace(
        &loaded.params,
        args.replicate,
        args.village,
        args.household,
        None,
    )?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &story)?;
        writeln!(out)?;
    } else {
        write!(out, "{}", crate::story::render_text(&story, &loaded.params))?;
    }
    Ok(())
}
