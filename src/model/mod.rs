//! The First Secretary model: state and update functions, no I/O.
//!
//! - [`household`]: households as struct of arrays and their monthly step (the hot loop);
//! - [`cadre`]: secretaries, enthusiasm, knowledge, effort and its channels;
//! - [`industry`]: village projects from launch to production or failure;
//! - [`village`]: one village's monthly and annual steps;
//! - [`funds`], [`measures`], [`infrastructure`], [`projects`]: money by source and use,
//!   priced household measures, infrastructure to a target, industry launches (MODEL.md 0.2,
//!   0.6, 0.7);
//! - [`world`]: county prices and disasters shared by villages;
//! - [`schedule`]: the calendar and year-indexed policy series.

pub mod cadre;
pub mod funds;
pub mod household;
pub mod industry;
pub mod infrastructure;
pub mod measures;
pub mod projects;
pub mod schedule;
pub mod village;
pub mod world;
