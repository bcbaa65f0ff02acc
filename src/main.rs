//! Placeholder entry point until the CLI lands: runs one replicate of the defaults.
fn main() {
    let params = povsim::params::Params::default();
    let out = povsim::sim::run_replicate(&params, 0);
    for year in &out.years {
        println!("{} registered_end={} exits={}", year.year, year.registered_end, year.exits);
    }
}
