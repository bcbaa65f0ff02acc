//! The First Secretary model: state and update functions, no I/O.
//!
//! - [`household`]: households as struct of arrays and their monthly step (the hot loop);
//! - [`cadre`]: secretaries, enthusiasm, knowledge, fixed channel weights;
//! - [`channels`]: effort per channel (team and committee, diminishing returns, adaptive);
//! - [`dispatch`]: which villages get a secretary, and when the first arrives;
//! - [`did`]: the difference-in-differences estimate on the village-year panel;
//! - [`assessment`]: the secretaries' annual score and incentive;
//! - [`industry`]: village projects from launch to production or failure;
//! - [`village`]: one village's monthly and annual steps;
//! - [`world`]: county prices and disasters shared by villages;
//! - [`schedule`]: the calendar and year-indexed policy series.

pub mod assessment;
pub mod cadre;
pub mod channels;
pub mod did;
pub mod dispatch;
pub mod household;
pub mod industry;
pub mod schedule;
pub mod village;
pub mod world;
