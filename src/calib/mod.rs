//! Calibration and validation against data: targets files ([`targets`]), the comparison of
//! runs with targets ([`validation`]), approximate Bayesian computation by sequential Monte
//! Carlo ([`abc`]) and the `calibrate` command's file and folder ([`file`], [`command`]).

pub mod abc;
pub mod command;
pub mod file;
pub mod targets;
pub mod toml_read;
pub mod validation;
