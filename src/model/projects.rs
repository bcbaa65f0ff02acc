//! Industry launches as decisions (MODEL.md section 0.6, second bullet).
//!
//! Industry-channel effort accumulates; each full effort-month is one appraisal. The team rates
//! every kind allowed in the village whose capex the village fund covers by its *perceived*
//! expected return: `annual_return x price index x market access x P(reach production)`, times
//! `exp(appraisal_noise x (1 - knowledge) x z)` (x `projects.economic_appraisal_factor` for an
//! economic specialist), and launches the best if it is above `projects.launch_hurdle`.
//! Feasibility and failure are v1's (`industry::feasibility`).

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

use super::cadre::Channel;
use super::funds::{whole, Use};
use super::industry::{feasibility, Industry};
use super::village::Village;
use super::world::County;
use crate::params::{Background, IndustryKind, IndustrySpec, Params};

/// Most projects a village keeps on record.
const MAX_PROJECTS: usize = 250;

/// True expected net return per year on capex of a kind launched with feasibility `feas`: the
/// annual return x price x market access x the chance it survives the cultivation period.
pub fn expected_return(spec: &IndustrySpec, price: f64, market_access: f64, feas: f64) -> f64 {
    let hazard = (spec.failure_hazard * (1.0 + 3.0 * (1.0 - feas))).clamp(0.0, 1.0);
    let survive = (1.0 - hazard).powi(spec.months_to_income as i32);
    spec.annual_return * price * market_access * survive
}

impl Village {
    /// One month of industry decisions.
    pub(crate) fn step_industry_launch(&mut self, params: &Params, county: &County, t: u32) {
        let effort = self.effort_of(Channel::Industry);
        if effort <= 0.0 {
            return;
        }
        self.industry_preparation = (self.industry_preparation + effort).min(2.0);
        if self.industry_preparation < 1.0 || self.industries.len() >= MAX_PROJECTS {
            return;
        }
        // The secretary's team and the committee (without a secretary, the committee alone).
        let knowledge = self.team_knowledge;
        let experience = self.project_experience();
        let newcomer = self.newcomer_rush();
        let economic = self
            .cadre
            .as_ref()
            .is_some_and(|c| c.background == Background::Economic);
        // Economic specialists raise feasibility (`cadre_types.*.feasibility_gain`).
        let specialist = self.background_gain(params, |t| t.feasibility_gain);
        let base =
            params.channels.industry_base_feasibility * (self.working_industry_base(params) - 0.5);
        let feas = feasibility(
            knowledge,
            experience,
            self.shortfall_share,
            newcomer,
            specialist + base,
        );
        let pr = &params.projects;
        let noise = pr.appraisal_noise
            * (1.0 - knowledge)
            * if economic {
                pr.economic_appraisal_factor
            } else {
                1.0
            };
        let market_access = 1.0 - 0.3 * self.remoteness;
        let held = self.funds.held();
        let mut best: Option<(f64, IndustryKind)> = None;
        for kind in IndustryKind::ALL {
            // One draw per kind, affordable or not, so the stream does not depend on money.
            let z: f64 = StandardNormal.sample(&mut self.streams.industries);
            let spec = params.industries.get(kind);
            if (self.eco_restricted && spec.eco_barred) || whole(spec.capex) > held {
                continue;
            }
            let seen =
                expected_return(spec, county.price(kind), market_access, feas) * (noise * z).exp();
            if best.is_none_or(|(b, _)| seen > b) {
                best = Some((seen, kind));
            }
        }
        let _: f64 = self.streams.industries.random();
        let Some((seen, kind)) = best else {
            // Nothing affordable: the appraisal waits for money.
            self.industry_preparation = self.industry_preparation.min(1.0);
            return;
        };
        self.industry_preparation -= 1.0;
        if seen < pr.launch_hurdle {
            return;
        }
        let spec = params.industries.get(kind);
        if self.funds.spend(Use::IndustryCapex, whole(spec.capex), t) {
            self.industries.push(Industry::launch(kind, spec, feas));
            self.month.launches += 1;
        }
        self.fund_balance = self.funds.held() as f64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::funds::Source;
    use crate::model::schedule::Calendar;

    #[test]
    fn better_feasibility_raises_the_expected_return() {
        let spec = IndustrySpec::default();
        assert!(expected_return(&spec, 1.0, 1.0, 1.0) > expected_return(&spec, 1.0, 1.0, 0.0));
        assert!(expected_return(&spec, 1.0, 1.0, 1.0) < spec.annual_return);
    }

    #[test]
    fn a_knowing_team_launches_the_best_kind_when_it_can_pay() {
        let mut p = Params::small(1, 40, 24, 1);
        p.projects.appraisal_noise = 0.0;
        let mut v = Village::new(0, &p, 3, 0, Calendar { start_year: 2014 });
        v.eco_restricted = false;
        v.channel_effort[Channel::Industry as usize] = 1.0;
        let county = County::new();
        v.step_industry_launch(&p, &county, 0);
        assert!(v.industries.is_empty(), "no money, no launch");
        v.funds.receive(0, Source::SpecialFunds, 100_000_000, 0.0);
        v.step_industry_launch(&p, &county, 0);
        assert_eq!(v.industries.len(), 1);
        let market = 1.0 - 0.3 * v.remoteness;
        let f = v.industries[0].feasibility;
        let chosen = expected_return(params_spec(&p, v.industries[0].kind), 1.0, market, f);
        for k in IndustryKind::ALL {
            assert!(chosen >= expected_return(params_spec(&p, k), 1.0, market, f) - 1e-12);
        }
        assert_eq!(
            v.funds.year.to_use(Use::IndustryCapex),
            whole(v.industries[0].capex)
        );
    }

    fn params_spec(p: &Params, k: IndustryKind) -> &IndustrySpec {
        p.industries.get(k)
    }
}
