//! The JSON the page sends and receives. Counts are households, shares are in [0, 1], months
//! are `YYYY-MM` labels or indices from January of the start year.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::levers::{Lever, LeverError};

/// `POST /api/session` and `POST /api/session/ID/reset`: the world (seed and size, shared by
/// both sides) and the levers of side A and, for A/B mode, side B. Keys left out take their
/// defaults; see `GET /api/levers`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetupRequest {
    /// `simulation.seed`, `population.villages`, `population.households_per_village`.
    #[serde(default)]
    pub world: Map<String, Value>,
    /// Side A's levers (scenario keys to values).
    #[serde(default)]
    pub a: Map<String, Value>,
    /// Side B's levers: present = A/B mode.
    #[serde(default)]
    pub b: Option<Map<String, Value>>,
}

/// `GET /api/levers`: everything the page needs to build its controls.
#[derive(Debug, Clone, Serialize)]
pub struct Catalogue {
    /// Policy levers (each side may set them).
    pub levers: Vec<Lever>,
    /// World levers (shared by both sides).
    pub world: Vec<Lever>,
    /// Default values of every lever, by key.
    pub defaults: Map<String, Value>,
    /// Household status classes in code order (the village grid's digits).
    pub statuses: Vec<StatusInfo>,
    /// The server's limits.
    pub limits: LimitsInfo,
}

/// One household status class.
#[derive(Debug, Clone, Serialize)]
pub struct StatusInfo {
    /// The digit used in [`VillageView::status`].
    pub code: u8,
    /// Stable name (`poor_registered`).
    pub key: String,
    /// Words for the legend.
    pub label: &'static str,
}

/// The limits a page should respect.
#[derive(Debug, Clone, Serialize)]
pub struct LimitsInfo {
    /// Most months one step request may ask for.
    pub max_step_months: u32,
    /// Months in a run (January 2014 to December 2025).
    pub months: u32,
    /// Most sessions the server holds.
    pub max_sessions: usize,
    /// Minutes of inactivity after which a session is closed.
    pub idle_minutes: u64,
}

/// A session's state: what the page draws.
#[derive(Debug, Clone, Serialize)]
pub struct StateView {
    /// The session id (for the URLs that follow).
    pub session: String,
    /// Months simulated so far (0 before the first step).
    pub month: u32,
    /// Label of the last simulated month, or of the first month before any step.
    pub label: String,
    /// Months in the whole run.
    pub months_total: u32,
    /// First calendar year of the run.
    pub start_year: u32,
    /// The programme's deadline year (for a marker on the charts).
    pub deadline_year: u32,
    /// Whether every month has been simulated.
    pub finished: bool,
    /// Index of the first row in each side's `rows` (the page appends them there).
    pub rows_from: u32,
    /// The world levers in use.
    pub world: Map<String, Value>,
    /// Side A, and side B in A/B mode.
    pub sides: Vec<SideView>,
}

/// One side of a session.
#[derive(Debug, Clone, Serialize)]
pub struct SideView {
    /// "A" or "B".
    pub name: &'static str,
    /// The levers in use, by key (defaults filled in).
    pub levers: Map<String, Value>,
    /// Monthly rows from `rows_from` on.
    pub rows: Vec<ChartRow>,
    /// Villages in id order, as they stand now.
    pub villages: Vec<VillageView>,
}

/// The monthly figures the charts draw.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChartRow {
    /// `YYYY-MM`.
    pub month: String,
    /// Households (conserved).
    pub households: u64,
    /// Households on the poverty register.
    pub registered: u64,
    /// Truly poor households (income below the line or a guarantee missing).
    pub truly_poor: u64,
    /// Officially exited households (not re-registered since).
    pub exited: u64,
    /// Official exits so far.
    pub exits_cum: u64,
    /// Exits on paper only (truly poor when exited) so far.
    pub fake_exits_cum: u64,
    /// Relapses so far.
    pub relapses_cum: u64,
    /// Mean enthusiasm of secretaries in post, [0, 1] (0 before they arrive).
    pub mean_enthusiasm: f64,
    /// Mean village knowledge of secretaries in post, [0, 1].
    pub mean_knowledge: f64,
}

/// One village as the village view shows it.
#[derive(Debug, Clone, Serialize)]
pub struct VillageView {
    /// Village id (0-based).
    pub id: u32,
    /// Households in the village.
    pub households: usize,
    /// The first secretary in post, if one has arrived.
    pub secretary: Option<SecretaryView>,
    /// One digit per household (its status code, see [`StatusInfo`]), in household order.
    pub status: String,
}

/// A village's first secretary.
#[derive(Debug, Clone, Serialize)]
pub struct SecretaryView {
    /// Background key (`young_graduate`).
    pub background: &'static str,
    /// Enthusiasm, [0.1, 1].
    pub enthusiasm: f64,
    /// Knowledge of this village, [0, 1].
    pub knowledge: f64,
    /// Months in this village so far.
    pub months_in_post: u32,
}

/// `GET /api/session/ID/story`: one household's story up to the current month.
#[derive(Debug, Clone, Serialize)]
pub struct StoryView {
    /// "A" or "B".
    pub side: &'static str,
    /// Village id.
    pub village: u32,
    /// Household id within the village.
    pub household: u32,
    /// Persons in the household.
    pub size: u8,
    /// Able working-age adults.
    pub labour: u8,
    /// A member is chronically ill.
    pub chronic_illness: bool,
    /// Label of the last month told.
    pub until: String,
    /// Status now (key), or null before the first month.
    pub status: Option<String>,
    /// Status now in words.
    pub status_label: Option<&'static str>,
    /// Events, in month order.
    pub events: Vec<EventView>,
    /// Income and line each month, yuan per person-year.
    pub income: Vec<IncomePoint>,
}

/// One event of a story.
#[derive(Debug, Clone, Serialize)]
pub struct EventView {
    /// `YYYY-MM`.
    pub month: String,
    /// Stable name (`relapse`).
    pub kind: String,
    /// A word or two (`relapse`).
    pub kind_label: &'static str,
    /// A sentence.
    pub detail: String,
}

/// A household's rolling income against the line in one month.
#[derive(Debug, Clone, Serialize)]
pub struct IncomePoint {
    /// `YYYY-MM`.
    pub month: String,
    /// Rolling 12-month income per capita, yuan per person-year.
    pub income: f32,
    /// The poverty line, yuan per person-year.
    pub line: f32,
}

/// The body of every error answer.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorBody {
    /// What went wrong, in a sentence.
    pub error: String,
    /// The parameter concerned (a scenario key), for a refused lever.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// What the parameter allows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<String>,
    /// Which side's levers ("a" or "b"), for a refused lever.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub side: Option<&'static str>,
}

impl ErrorBody {
    /// A plain error.
    pub fn plain(error: impl Into<String>) -> Self {
        ErrorBody {
            error: error.into(),
            parameter: None,
            allowed: None,
            side: None,
        }
    }

    /// A refused lever of `side`.
    pub fn lever(error: &LeverError, side: Option<&'static str>) -> Self {
        ErrorBody {
            error: error.message.clone(),
            parameter: Some(error.parameter.clone()),
            allowed: Some(error.allowed.clone()),
            side,
        }
    }
}
