//! The First Secretary model: state and update functions, no I/O.
//!
//! - [`household`]: households as struct of arrays and their monthly step (the hot loop);
//! - [`cadre`]: secretaries, enthusiasm, knowledge, effort and its channels;
//! - [`industry`]: village projects from launch to production or failure;
//! - [`village`]: one village's monthly and annual steps;
//! - [`world`]: county prices and disasters shared by villages;
//! - [`schedule`]: the calendar and year-indexed policy series;
//! - [`programmes`] and its programme files ([`dibao`], [`insurance`], [`housing`],
//!   [`schooling`], [`water`], [`public_jobs`], [`microcredit`], [`relocation`]): the regular
//!   household programmes of MODEL.md section 0.1.

pub mod cadre;
pub mod dibao;
pub mod household;
pub mod housing;
pub mod industry;
pub mod insurance;
pub mod microcredit;
pub mod programmes;
pub mod public_jobs;
pub mod relocation;
pub mod schedule;
pub mod schooling;
pub mod village;
pub mod water;
pub mod world;
