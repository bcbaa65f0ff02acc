//! One student's classroom world: one simulation (side A), or two in A/B mode (sides A and B)
//! built from the same seed and replicate, so they draw the same luck (common random numbers)
//! and differ only by the levers the class changed. The sides are stepped together.

use serde_json::{Map, Value};

use super::api::{
    ChartRow, EventView, IncomePoint, SecretaryView, SetupRequest, SideView, StateView, StoryView,
    VillageView,
};
use super::levers::{self, LeverError};
use crate::collect::MonthRow;
use crate::model::schedule::poverty_line;
use crate::params::Params;
use crate::sim::{RunOptions, Simulation};
use crate::story::{kind_words, status_words, Status};

/// A refused setup: the lever problem and which side's levers it is in (`None` = the world).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{lever}")]
pub struct SetupError {
    /// The problem.
    pub lever: LeverError,
    /// "a" or "b", or `None` for the world levers.
    pub side: Option<&'static str>,
}

/// A story that cannot be told (no such side, village or household).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct StoryError(pub String);

struct Side {
    name: &'static str,
    levers: Map<String, Value>,
    params: Params,
    sim: Simulation,
}

impl Side {
    fn new(name: &'static str, params: Params, levers: Map<String, Value>) -> Side {
        // Replicate 0 on both sides: the same seed and replicate give the same streams.
        let sim = Simulation::new(&params, 0, RunOptions::default());
        Side {
            name,
            levers,
            params,
            sim,
        }
    }
}

/// A session's world(s).
pub struct Classroom {
    world: Map<String, Value>,
    sides: Vec<Side>,
}

impl Classroom {
    /// Build the world(s) a setup asks for, at January of the start year; refuses bad levers.
    pub fn build(request: &SetupRequest) -> Result<Classroom, SetupError> {
        let (params_a, used_a) = levers::resolve(&request.world, &request.a).map_err(|e| {
            // A problem with a world key is the world's, whichever side found it.
            let side = if levers::WORLD.iter().any(|l| l.key == e.parameter) {
                None
            } else {
                Some("a")
            };
            SetupError { lever: e, side }
        })?;
        let mut world = Map::new();
        for lever in levers::WORLD.iter() {
            if let Some(v) = used_a.get(lever.key) {
                world.insert(lever.key.to_owned(), v.clone());
            }
        }
        let only_levers = |used: Map<String, Value>| -> Map<String, Value> {
            used.into_iter()
                .filter(|(k, _)| levers::LEVERS.iter().any(|l| l.key == k.as_str()))
                .collect()
        };
        let mut sides = vec![Side::new("A", params_a, only_levers(used_a))];
        if let Some(b) = &request.b {
            let (params_b, used_b) =
                levers::resolve(&request.world, b).map_err(|e| SetupError {
                    lever: e,
                    side: Some("b"),
                })?;
            sides.push(Side::new("B", params_b, only_levers(used_b)));
        }
        Ok(Classroom { world, sides })
    }

    /// Back to January of the start year with the same levers.
    pub fn reset(&mut self) {
        for side in &mut self.sides {
            side.sim = Simulation::new(&side.params, 0, RunOptions::default());
        }
    }

    /// Months simulated so far (the same on both sides).
    pub fn month(&self) -> u32 {
        self.sides.first().map_or(0, |s| s.sim.month())
    }

    /// Simulate up to `months` more months on every side (fewer at the end of the run);
    /// returns how many were simulated.
    pub fn step(&mut self, months: u32) -> u32 {
        let before = self.month();
        for _ in 0..months {
            let mut stepped = false;
            for side in &mut self.sides {
                stepped |= side.sim.step_month().is_some();
            }
            if !stepped {
                break;
            }
        }
        self.month() - before
    }

    /// The state for the page, with each side's monthly rows from month `rows_from` on.
    pub fn view(&self, session: &str, rows_from: u32) -> StateView {
        let first = &self.sides[0];
        let calendar = first.sim.calendar();
        let month = self.month();
        StateView {
            session: session.to_owned(),
            month,
            label: calendar.label(month.saturating_sub(1)),
            months_total: first.params.simulation.months,
            start_year: first.params.simulation.start_year,
            deadline_year: first.params.policy.deadline_year,
            finished: first.sim.is_finished(),
            rows_from: rows_from.min(month),
            world: self.world.clone(),
            sides: self.sides.iter().map(|s| side_view(s, rows_from)).collect(),
        }
    }

    /// The story of `household` of `village` on side `side` ("a" or "b"), up to now: the run
    /// is replayed from the side's seed (the same months as on screen).
    pub fn story(&self, side: &str, village: u32, household: u32) -> Result<StoryView, StoryError> {
        let s = match side {
            "a" | "A" => self.sides.first(),
            "b" | "B" => self.sides.get(1),
            _ => None,
        }
        .ok_or_else(|| {
            let sides = if self.sides.len() > 1 {
                "\"a\" or \"b\""
            } else {
                "\"a\" (this session has no side B)"
            };
            StoryError(format!("side {side:?} does not exist: allowed {sides}"))
        })?;
        let until = s.sim.month();
        let story = crate::story::trace(&s.params, 0, village, household, Some(until))
            .map_err(|e| StoryError(e.to_string()))?;
        let calendar = s.sim.calendar();
        let now = story.months.last();
        Ok(StoryView {
            side: s.name,
            village,
            household,
            size: story.size,
            labour: story.labour,
            chronic_illness: story.chronic_illness,
            until: calendar.label(until.saturating_sub(1)),
            status: now.map(|m| key_of(&m.status)),
            status_label: now.map(|m| status_words(m.status)),
            events: story
                .events
                .iter()
                .map(|e| EventView {
                    month: e.label.clone(),
                    kind: key_of(&e.kind),
                    kind_label: kind_words(e.kind),
                    detail: e.detail.clone(),
                })
                .collect(),
            income: story
                .months
                .iter()
                .map(|m| IncomePoint {
                    month: calendar.label(m.month),
                    income: m.income_pc,
                    line: m.poverty_line,
                })
                .collect(),
        })
    }
}

/// The serde name of an enum value (`poor_registered`, `relapse`).
pub fn key_of<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

fn side_view(side: &Side, rows_from: u32) -> SideView {
    let sim = &side.sim;
    let rows = sim.month_rows();
    let from = (rows_from as usize).min(rows.len());
    let calendar = sim.calendar();
    // Households are classed against the line of the month last simulated.
    let year = calendar.year(sim.month().saturating_sub(1));
    let line = poverty_line(&side.params.economy, year) as f32;
    SideView {
        name: side.name,
        levers: side.levers.clone(),
        rows: rows[from..].iter().map(chart_row).collect(),
        villages: sim
            .villages()
            .iter()
            .map(|v| {
                let hh = &v.households;
                VillageView {
                    id: v.id,
                    households: hh.len(),
                    secretary: v.cadre.as_ref().map(|c| SecretaryView {
                        background: c.background.key(),
                        enthusiasm: c.enthusiasm,
                        knowledge: c.knowledge,
                        months_in_post: c.months_in_post,
                    }),
                    status: (0..hh.len())
                        .map(|i| char::from(b'0' + Status::of(hh, i, line).code()))
                        .collect(),
                }
            })
            .collect(),
    }
}

fn chart_row(m: &MonthRow) -> ChartRow {
    ChartRow {
        month: m.month.clone(),
        households: m.households,
        registered: m.registered,
        truly_poor: m.truly_poor,
        exited: m.exited,
        exits_cum: m.exits_cum,
        fake_exits_cum: m.fake_exits_cum,
        relapses_cum: m.relapses_cum,
        mean_enthusiasm: m.mean_enthusiasm,
        mean_knowledge: m.mean_knowledge,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn setup(world: Value, a: Value, b: Option<Value>) -> SetupRequest {
        let obj = |v: Value| match v {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        SetupRequest {
            world: obj(world),
            a: obj(a),
            b: b.map(obj),
        }
    }

    fn small() -> Value {
        json!({"population.villages": 4, "population.households_per_village": 40})
    }

    #[test]
    fn stepping_advances_the_month_and_keeps_households() {
        let mut c = Classroom::build(&setup(small(), json!({}), None)).expect("valid");
        assert_eq!(c.month(), 0);
        assert_eq!(c.step(14), 14);
        let view = c.view("s", 0);
        assert_eq!(view.label, "2015-02");
        assert_eq!(view.sides.len(), 1);
        let side = &view.sides[0];
        assert_eq!(side.rows.len(), 14);
        let households: usize = side.villages.iter().map(|v| v.households).sum();
        assert!(side
            .rows
            .iter()
            .all(|r| r.households as usize == households));
        assert!(side.villages.iter().all(|v| v.status.len() == v.households));
        let later = c.view("s", 10);
        assert_eq!(later.rows_from, 10);
        assert_eq!(later.sides[0].rows.len(), 4);
        // Dispatch is staggered over 2015 (MODEL.md 0.8): by 2016 the covered villages (here
        // all four) have their secretary.
        c.step(12);
        let view = c.view("s", 0);
        assert!(view.sides[0].villages.iter().all(|v| v.secretary.is_some()));
    }

    #[test]
    fn the_run_stops_at_its_last_month() {
        let mut c = Classroom::build(&setup(small(), json!({}), None)).expect("valid");
        assert_eq!(c.step(levers::MONTHS + 10), levers::MONTHS);
        assert_eq!(c.step(1), 0);
        let view = c.view("s", levers::MONTHS);
        assert!(view.finished);
        assert_eq!(view.label, "2025-12");
        c.reset();
        assert_eq!(c.month(), 0);
    }

    #[test]
    fn identical_sides_draw_identical_luck() {
        let levers = json!({"cadres.admin_burden": 0.3});
        let mut c = Classroom::build(&setup(small(), levers.clone(), Some(levers))).expect("ok");
        c.step(30);
        let view = c.view("s", 0);
        assert_eq!(view.sides[0].rows, view.sides[1].rows);
        assert_eq!(
            view.sides[0].villages[2].status,
            view.sides[1].villages[2].status
        );
    }

    #[test]
    fn a_refused_lever_names_its_side() {
        let err = Classroom::build(&setup(
            small(),
            json!({}),
            Some(json!({"cadres.admin_burden": 2})),
        ))
        .err()
        .expect("refused");
        assert_eq!(err.side, Some("b"));
        assert_eq!(err.lever.parameter, "cadres.admin_burden");
        let err = Classroom::build(&setup(json!({"population.villages": 0}), json!({}), None))
            .err()
            .expect("refused");
        assert_eq!(err.side, None);
    }

    #[test]
    fn a_story_is_told_up_to_the_current_month() {
        let mut c = Classroom::build(&setup(small(), json!({}), None)).expect("valid");
        c.step(20);
        let story = c.story("a", 1, 3).expect("exists");
        assert_eq!(story.income.len(), 20);
        assert_eq!(story.until, "2015-08");
        assert!(story.events.iter().any(|e| e.kind == "new_secretary"));
        assert!(c.story("b", 1, 3).is_err());
        let err = c.story("a", 9, 0).unwrap_err();
        assert!(err.0.contains("villages 0 to 3"), "{err}");
    }
}
