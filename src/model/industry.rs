//! Village industries: launch feasibility, the cultivation period, failure, production.

use crate::params::{IndustryKind, IndustrySpec};

/// Life stage of a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// First half of the cultivation period.
    Building,
    /// Second half of the cultivation period.
    Maturing,
    /// Paying wages, dividends and collective income.
    Producing,
    /// Abandoned; its capital is lost and its jobs gone.
    Failed,
}

/// One project in one village.
#[derive(Debug, Clone, PartialEq)]
pub struct Industry {
    /// What it is.
    pub kind: IndustryKind,
    /// Investment, yuan.
    pub capex: f64,
    /// Current stage.
    pub stage: Stage,
    /// Months since launch.
    pub months_since_launch: u32,
    /// Feasibility in [0, 1], fixed at launch.
    pub feasibility: f64,
    /// Local jobs it offers once producing.
    pub jobs: u32,
}

/// Project feasibility at launch (MODEL.md section 7): knowledge x (0.6 + 0.4 experience) x
/// (1 - rush), plus the economic specialist's bonus, with
/// rush = max(pressure, newcomer) x (1 - knowledge).
pub fn feasibility(
    knowledge: f64,
    experience_factor: f64,
    pressure: f64,
    newcomer: bool,
    bonus: f64,
) -> f64 {
    let newcomer_urge = if newcomer { 0.5 } else { 0.0 };
    let rush = pressure.max(newcomer_urge) * (1.0 - knowledge);
    (knowledge * (0.6 + 0.4 * experience_factor) * (1.0 - rush) + bonus).clamp(0.0, 1.0)
}

impl Industry {
    /// A newly launched project.
    pub fn launch(kind: IndustryKind, spec: &IndustrySpec, feasibility: f64) -> Industry {
        Industry {
            kind,
            capex: spec.capex,
            stage: Stage::Building,
            months_since_launch: 0,
            feasibility,
            jobs: (spec.jobs_per_100k * spec.capex / 100_000.0).round() as u32,
        }
    }

    /// Monthly failure hazard: the kind's hazard x (1 + 3 (1 - feasibility)) before producing,
    /// a quarter of the base hazard once producing.
    pub fn failure_hazard(&self, spec: &IndustrySpec) -> f64 {
        match self.stage {
            Stage::Building | Stage::Maturing => {
                spec.failure_hazard * (1.0 + 3.0 * (1.0 - self.feasibility))
            }
            Stage::Producing => spec.failure_hazard * 0.25,
            Stage::Failed => 0.0,
        }
    }

    /// Advance one month given a uniform draw for failure. Returns what happened.
    pub fn advance(&mut self, spec: &IndustrySpec, draw: f64) -> Event {
        if self.stage == Stage::Failed {
            return Event::None;
        }
        if draw < self.failure_hazard(spec) {
            let was_producing = self.stage == Stage::Producing;
            self.stage = Stage::Failed;
            return Event::Failed { was_producing };
        }
        self.months_since_launch += 1;
        let before = self.stage;
        self.stage = if self.months_since_launch >= spec.months_to_income {
            Stage::Producing
        } else if 2 * self.months_since_launch >= spec.months_to_income {
            Stage::Maturing
        } else {
            Stage::Building
        };
        if before != Stage::Producing && self.stage == Stage::Producing {
            Event::StartedProducing
        } else {
            Event::None
        }
    }

    /// Net return this month, yuan: capex x annual return / 12 x price index x market access.
    pub fn monthly_return(&self, spec: &IndustrySpec, price_index: f64, market_access: f64) -> f64 {
        if self.stage == Stage::Producing {
            self.capex * spec.annual_return / 12.0 * price_index * market_access
        } else {
            0.0
        }
    }
}

/// What happened to a project this month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// Nothing notable.
    None,
    /// Reached the end of its cultivation period.
    StartedProducing,
    /// Failed (abandoned project).
    Failed {
        /// Whether it had been producing (its jobs are lost).
        was_producing: bool,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::IndustryTable;

    #[test]
    fn rushed_projects_are_less_feasible() {
        let calm = feasibility(0.3, 0.5, 0.0, false, 0.0);
        let rushed = feasibility(0.3, 0.5, 1.0, false, 0.0);
        let newcomer = feasibility(0.3, 0.5, 0.0, true, 0.0);
        assert!(rushed < newcomer && newcomer < calm);
    }

    #[test]
    fn crops_pay_only_after_cultivation() {
        let table = IndustryTable::default();
        let spec = &table.crop;
        let mut crop = Industry::launch(IndustryKind::Crop, spec, 1.0);
        let mut started = None;
        for month in 1..=40 {
            if crop.advance(spec, 1.0) == Event::StartedProducing {
                started = Some(month);
            }
        }
        assert_eq!(started, Some(spec.months_to_income));
        assert!(crop.monthly_return(spec, 1.0, 1.0) > 0.0);
    }

    #[test]
    fn low_feasibility_raises_the_hazard() {
        let table = IndustryTable::default();
        let good = Industry::launch(IndustryKind::Livestock, &table.livestock, 1.0);
        let bad = Industry::launch(IndustryKind::Livestock, &table.livestock, 0.0);
        assert!(
            (bad.failure_hazard(&table.livestock) / good.failure_hazard(&table.livestock) - 4.0)
                .abs()
                < 1e-9
        );
    }
}
