//! Infrastructure built to a target, with decay and a water project (MODEL.md section 0.6,
//! first bullet; drinking-water safety of section 0.1).
//!
//! Infrastructure-channel effort accumulates; each full effort-month is one project when the
//! village fund can pay it (otherwise the project waits for money). The first project is the
//! drinking-water project (`projects.water_cost x (1 + remoteness)`), then roads
//! (`projects.road_cost x (1 + remoteness)` for `projects.road_gain` points) while the index is
//! below `projects.infrastructure_target`; spending stops at the target. In December the
//! village pays maintenance (`projects.maintenance_cost x index x (1 + remoteness)`) if it
//! can; otherwise the index decays by `projects.infrastructure_decay`, and road spending
//! restarts below the target. Safe water = water project done and index above
//! `projects.water_threshold`.

use super::cadre::Channel;
use super::funds::{whole, Source, Use};
use super::village::Village;
use crate::params::Params;

impl Village {
    /// One month of infrastructure projects.
    pub(crate) fn step_infrastructure(&mut self, params: &Params, t: u32) {
        let pr = &params.projects;
        let effort = self.effort_of(Channel::Infrastructure);
        if effort > 0.0 {
            self.infrastructure_preparation = (self.infrastructure_preparation + effort).min(2.0);
        }
        let markup = 1.0 + self.remoteness;
        while self.infrastructure_preparation >= 1.0 {
            let (what, cost) = if !self.water_project_done {
                (Use::Water, whole(pr.water_cost * markup))
            } else if self.infrastructure < pr.infrastructure_target {
                (Use::Roads, whole(pr.road_cost * markup))
            } else {
                // At the target: nothing to build, effort is not stored up.
                self.infrastructure_preparation = self.infrastructure_preparation.min(1.0);
                break;
            };
            // Decision (docs/MODEL.md 63): the drinking-water project is the county's
            // line-ministry programme (rural drinking-water safety), booked on the county line;
            // roads are paid from the village fund.
            if what == Use::Water {
                self.funds
                    .pass_through(Source::CountyLines, Use::Water, cost);
            } else if !self.funds.spend(what, cost, t) {
                break;
            }
            self.infrastructure_preparation -= 1.0;
            if what == Use::Water {
                self.water_project_done = true;
            } else {
                self.infrastructure = (self.infrastructure + pr.road_gain).min(1.0);
            }
        }
        self.water_safe = self.water_project_done && self.infrastructure >= pr.water_threshold;
        self.fund_balance = self.funds.held() as f64;
    }

    /// December: maintenance if the fund can pay it, else decay.
    pub(crate) fn maintain_infrastructure(&mut self, params: &Params, t: u32) {
        let pr = &params.projects;
        let cost = whole(pr.maintenance_cost * self.infrastructure * (1.0 + self.remoteness));
        if self.funds.spend(Use::Maintenance, cost, t) {
            self.month.funds_spent += cost as f64;
        } else {
            self.infrastructure *= 1.0 - pr.infrastructure_decay;
        }
        self.water_safe = self.water_project_done && self.infrastructure >= pr.water_threshold;
        self.fund_balance = self.funds.held() as f64;
    }
}

#[cfg(test)]
mod tests {
    use crate::model::cadre::Channel;
    use crate::model::funds::{Source, Use};
    use crate::model::schedule::Calendar;
    use crate::model::village::Village;
    use crate::params::Params;

    fn village() -> (Village, Params) {
        let p = Params::small(1, 40, 24, 1);
        let v = Village::new(0, &p, 3, 0, Calendar { start_year: 2014 });
        (v, p)
    }

    #[test]
    fn spending_stops_at_the_target_and_water_comes_first() {
        let (mut v, p) = village();
        v.infrastructure = 0.5;
        v.funds.receive(0, Source::SpecialFunds, 100_000_000, 0.0);
        v.channel_effort[Channel::Infrastructure as usize] = 1.0;
        for t in 0..40 {
            v.step_infrastructure(&p, t);
        }
        assert!(v.water_project_done && v.water_safe);
        assert!((v.infrastructure - 0.9).abs() < 0.05 + 1e-9);
        let roads = v.funds.year.to_use(Use::Roads);
        let per_road = (p.projects.road_cost * (1.0 + v.remoteness)).round() as i64;
        assert_eq!(roads % per_road, 0);
        assert_eq!(roads / per_road, 8, "0.5 to 0.9 in 0.05 steps");
    }

    #[test]
    fn without_money_nothing_is_built_and_the_index_decays() {
        let (mut v, p) = village();
        v.infrastructure = 0.5;
        v.channel_effort[Channel::Infrastructure as usize] = 1.0;
        v.step_infrastructure(&p, 0);
        // The water project is the county's line (decision 63): built without village money;
        // roads are not.
        assert!(v.water_project_done);
        assert!((v.infrastructure - 0.5).abs() < 1e-12);
        v.maintain_infrastructure(&p, 11);
        assert!((v.infrastructure - 0.49).abs() < 1e-9);
        v.funds.receive(12, Source::SpecialFunds, 1_000_000, 0.0);
        v.maintain_infrastructure(&p, 23);
        assert!(
            (v.infrastructure - 0.49).abs() < 1e-9,
            "maintained: no decay"
        );
        assert!(v.funds.year.to_use(Use::Maintenance) > 0);
    }
}
