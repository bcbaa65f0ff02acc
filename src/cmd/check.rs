//! `povsim check`: validate a scenario and print it fully resolved (every parameter, defaults
//! filled in). Writes nothing.

use anyhow::Context;
use clap::Args;

use crate::cli::ScenarioArgs;
use crate::cmd::common::load_scenario;
use crate::scenario;

/// Options of `povsim check`.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// The scenario.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
}

/// Run the command.
pub fn run(args: &CheckArgs) -> anyhow::Result<()> {
    let loaded = load_scenario(&args.scenario)?;
    let text = scenario::to_toml(&loaded.params).context("cannot print the resolved scenario")?;
    println!(
        "# {} is valid. Resolved scenario, every parameter with its value:",
        loaded.source
    );
    print!("{text}");
    Ok(())
}
