//! The First Secretary model: state and update functions, no I/O.
//!
//! - [`household`]: households as struct of arrays and their monthly step (the hot loop);
//! - [`labour`]: migration and return (MODEL.md section 0.2);
//! - [`demography`]: ageing, new labourers and dependency, annual (MODEL.md section 0.2);
//! - [`monitoring`]: monitoring as visits, outreach (MODEL.md section 0.5);
//! - [`cadre`]: secretaries, enthusiasm, knowledge, effort and its channels;
//! - [`cadre`]: secretaries, enthusiasm, knowledge, fixed channel weights;
//! - [`channels`]: effort per channel (team and committee, diminishing returns, adaptive);
//! - [`dispatch`]: which villages get a secretary, and when the first arrives;
//! - [`did`]: the difference-in-differences estimate on the village-year panel;
//! - [`assessment`]: the secretaries' annual score and incentive;
//! - [`industry`]: village projects from launch to production or failure;
//! - [`village`]: one village's monthly and annual steps;
//! - [`funds`], [`measures`], [`infrastructure`], [`projects`]: money by source and use,
//!   priced household measures, infrastructure to a target, industry launches (MODEL.md 0.2,
//!   0.6, 0.7);
//! - [`world`]: county prices and disasters shared by villages;
//! - [`schedule`]: the calendar and year-indexed policy series;
//! - [`exits`]: county exit plans, the December exit assessment, checks, routes, village and
//!   county exit (MODEL.md 0.3);
//! - [`income_assessment`]: how officials observed income, with a persistent household error;
//! - [`relapse`]: annual relapse and new poverty, the line-step diagnostic (MODEL.md 0.4);
//! - [`programmes`] and its programme files ([`dibao`], [`insurance`], [`housing`],
//!   [`schooling`], [`water`], [`public_jobs`], [`microcredit`], [`relocation`]): the regular
//!   household programmes of MODEL.md section 0.1.

pub mod assessment;
pub mod cadre;
pub mod channels;
pub mod demography;
pub mod dibao;
pub mod did;
pub mod dispatch;
pub mod exits;
pub mod funds;
pub mod household;
pub mod housing;
pub mod income_assessment;
pub mod industry;
pub mod infrastructure;
pub mod insurance;
pub mod labour;
pub mod measures;
pub mod microcredit;
pub mod monitoring;
pub mod programmes;
pub mod projects;
pub mod public_jobs;
pub mod relapse;
pub mod relocation;
pub mod schedule;
pub mod schooling;
pub mod village;
pub mod water;
pub mod world;
