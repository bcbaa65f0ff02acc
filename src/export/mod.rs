//! Writing results. Exporters turn results into bytes and do no I/O ([`tables`], [`manifest`]);
//! [`results_dir::ResultsDir`] writes files into a hidden staging folder beside the target and
//! moves it into place only when everything is written, replacing only what povsim made
//! ([`folder`] tells what is at a path).

pub mod codebook;
pub mod durable;
pub mod folder;
pub mod manifest;
pub mod results_dir;
pub mod tables;

pub use results_dir::ResultsDir;
