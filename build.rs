//! Build script: turns the CI switches `POVSIM_REQUIRE_SLURM=1` and `POVSIM_REQUIRE_BROWSER=1`
//! into the cfgs `povsim_require_slurm` and `povsim_require_browser`.
//!
//! Tests that need a running Slurm or a real browser are `#[ignore]`d unless their cfg is set,
//! so a plain `cargo test --release` reports them as *ignored* (never as passed), and the same
//! command under `.ci/run` (which installs and starts both, and sets the variables) runs them
//! and fails if what they need is missing.

fn main() {
    println!("cargo:rustc-check-cfg=cfg(povsim_require_slurm)");
    println!("cargo:rustc-check-cfg=cfg(povsim_require_browser)");
    for (variable, cfg) in [
        ("POVSIM_REQUIRE_SLURM", "povsim_require_slurm"),
        ("POVSIM_REQUIRE_BROWSER", "povsim_require_browser"),
    ] {
        println!("cargo:rerun-if-env-changed={variable}");
        if std::env::var(variable).as_deref() == Ok("1") {
            println!("cargo:rustc-cfg={cfg}");
        }
    }
}
