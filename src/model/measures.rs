//! Household-support contacts with priced measures (MODEL.md section 0.2, first bullet).
//!
//! A contact reaches a registered household drawn from the register, records the contact
//! (`last_contact`, read by outreach), diagnoses the household's binding cause (right with
//! probability equal to working knowledge, otherwise a cause drawn uniformly) and, if the
//! household takes the measure up (`0.5 + 0.5 x trust`), applies the measure for the diagnosed
//! cause if its fund can pay. A measure the village fund cannot pay waits in a queue
//! (`measures.max_waiting`, oldest first) and is applied when money arrives.

use rand::Rng;

use super::cadre::Channel;
use super::funds::{whole, Use};
use super::household::flag;
use super::village::{fitting_measure, Measure, Village};
use crate::params::Params;

/// Every measure, the set a wrong diagnosis draws from.
pub const ALL_MEASURES: [Measure; 7] = [
    Measure::Housing,
    Measure::Insurance,
    Measure::Schooling,
    Measure::Dibao,
    Measure::Motivation,
    Measure::Training,
    Measure::JobPlacement,
];

/// What happened to a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Applied (and paid where it has a price).
    Applied,
    /// Nothing to do: the household already has what the measure gives.
    NotNeeded,
    /// Its fund cannot pay it now.
    Waits,
}

/// The measure a contact applies: the true binding cause with probability `knowledge`, else one
/// drawn uniformly from [`ALL_MEASURES`] (`u`, `pick` are the two uniform draws).
pub fn diagnose(true_cause: Measure, knowledge: f64, u: f64, pick: usize) -> Measure {
    if u < knowledge {
        true_cause
    } else {
        ALL_MEASURES[pick % ALL_MEASURES.len()]
    }
}

impl Village {
    /// Household-support contacts of the month (MODEL.md 0.2): `household effort x
    /// contacts_per_effort x (0.5 + 0.5 x organisation)` contacts, after the waiting measures.
    pub(crate) fn step_contacts(&mut self, params: &Params, t: u32) {
        self.serve_waiting(params, t);
        if self.registered_list.is_empty() {
            return;
        }
        // The secretary's team and the committee (without a secretary, the committee alone).
        let knowledge = self.team_knowledge;
        // Young graduates raise the take-up of social assistance (He and Wang 2017).
        let takeup_gain = self.background_gain(params, |t| t.takeup_gain);
        let expected = self.effort_of(Channel::Household)
            * params.channels.contacts_per_effort
            * (0.5 + 0.5 * self.working_organisation(params));
        if expected <= 0.0 {
            return;
        }
        let take_up = 0.5 + 0.5 * self.working_trust(params);
        // The skill and motivation level below which the fitting measure is training or
        // motivation work (v1's migration threshold; migration itself is smooth in v2).
        let threshold = super::household::cause::SKILL_THRESHOLD;
        let mut n = expected.floor() as u32;
        if self.streams.support.random::<f64>() < expected.fract() {
            n += 1;
        }
        let max_waiting = params.measures.max_waiting as usize;
        for _ in 0..n {
            let rng = &mut self.streams.support;
            let i = self.registered_list[rng.random_range(0..self.registered_list.len())] as usize;
            if self.households.state[i].flags & flag::REGISTERED == 0 {
                continue;
            }
            let acceptance: f64 = rng.random();
            let u: f64 = rng.random();
            let pick = rng.random_range(0..ALL_MEASURES.len());
            self.month.contacts += 1;
            self.households.last_contact[i] = t.min(u32::from(u16::MAX - 1)) as u16;
            let cause = fitting_measure(&self.households, i, threshold);
            let measure = diagnose(cause, knowledge, u, pick);
            let assistance = matches!(measure, Measure::Insurance | Measure::Dibao);
            let accepted = if assistance {
                (take_up + takeup_gain).min(1.0)
            } else {
                take_up
            };
            if acceptance >= accepted {
                continue;
            }
            match self.apply_measure(params, i, measure, t) {
                Outcome::Applied => self.month.measures_applied += 1,
                Outcome::Waits if self.waiting.len() < max_waiting => {
                    self.waiting.push((i as u32, measure));
                }
                Outcome::Waits | Outcome::NotNeeded => {}
            }
        }
        self.fund_balance = self.funds.held() as f64;
    }

    /// Apply the waiting measures the fund can now pay, oldest first; the rest keep waiting.
    fn serve_waiting(&mut self, params: &Params, t: u32) {
        if self.waiting.is_empty() {
            return;
        }
        let mut waiting = std::mem::take(&mut self.waiting);
        waiting.retain(|&(i, measure)| {
            let i = i as usize;
            if self.households.state[i].flags & flag::REGISTERED == 0 {
                return false;
            }
            match self.apply_measure(params, i, measure, t) {
                Outcome::Applied => {
                    self.month.measures_applied += 1;
                    false
                }
                Outcome::NotNeeded => false,
                Outcome::Waits => true,
            }
        });
        self.waiting = waiting;
        self.fund_balance = self.funds.held() as f64;
    }

    /// Apply one measure to household `i`, paying its price from its fund.
    fn apply_measure(&mut self, params: &Params, i: usize, measure: Measure, t: u32) -> Outcome {
        let ch = &params.channels;
        // Social-work specialists' trust makes motivation work go further.
        let motivation_bonus = 1.0 + self.background_gain(params, |t| t.trust_gain);
        let hh = &mut self.households;
        let f = hh.state[i].flags;
        match measure {
            // Housing and schooling are county programmes (MODEL.md 0.1): the contact
            // (`last_contact`) moves the household up the housing queue and raises its annual
            // schooling chance; the county lines pay when the programme acts.
            Measure::Housing => {
                if f & flag::HOUSING_SAFE != 0 {
                    return Outcome::NotNeeded;
                }
            }
            Measure::Schooling => {
                if f & flag::SCHOOLING_OK != 0 {
                    return Outcome::NotNeeded;
                }
            }
            // Enrolment in insurance, the premium paid by the county line.
            Measure::Insurance => {
                if f & flag::MEDICAL_INSURED != 0 {
                    return Outcome::NotNeeded;
                }
                hh.state[i].flags |= flag::MEDICAL_INSURED;
                self.programme_spending.medical_premium +=
                    params.programmes.insurance.premium * f64::from(hh.state[i].size);
            }
            Measure::Dibao => {
                if f & flag::DIBAO != 0 || !hh.dibao_eligible(i) {
                    return Outcome::NotNeeded;
                }
                hh.state[i].flags |= flag::DIBAO;
            }
            Measure::Motivation => {
                let gain = ch.motivation_gain * motivation_bonus;
                hh.motivation[i] = (hh.motivation[i] + gain as f32).min(1.0);
            }
            Measure::Training => {
                if hh.skill[i] >= 1.0 {
                    return Outcome::NotNeeded;
                }
                if !self
                    .funds
                    .spend(Use::Training, whole(params.measures.training_cost), t)
                {
                    return Outcome::Waits;
                }
                let gain = ch.training_gain;
                hh.skill[i] = (hh.skill[i] + gain as f32).min(1.0);
            }
            Measure::JobPlacement => {
                if hh.at_home(i) == 0 || hh.placement[i] != 0 {
                    return Outcome::NotNeeded;
                }
                if !self
                    .funds
                    .spend(Use::Placement, whole(params.measures.placement_cost), t)
                {
                    return Outcome::Waits;
                }
                hh.placement[i] = 1;
            }
        }
        Outcome::Applied
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::funds::Source;
    use crate::model::schedule::Calendar;

    fn village() -> (Village, Params) {
        let p = Params::small(1, 80, 24, 1);
        let v = Village::new(0, &p, 7, 0, Calendar { start_year: 2014 });
        (v, p)
    }

    #[test]
    fn a_right_diagnosis_needs_knowledge() {
        assert_eq!(diagnose(Measure::Training, 1.0, 0.99, 0), Measure::Training);
        assert_eq!(diagnose(Measure::Training, 0.0, 0.0, 0), Measure::Housing);
    }

    #[test]
    fn training_is_paid_and_waits_without_money() {
        let (mut v, p) = village();
        let i = 0;
        v.households.skill[i] = 0.2;
        assert_eq!(v.apply_measure(&p, i, Measure::Training, 0), Outcome::Waits);
        assert_eq!(v.households.skill[i], 0.2);
        v.funds.receive(0, Source::SpecialFunds, 1_500, 0.0);
        assert_eq!(
            v.apply_measure(&p, i, Measure::Training, 0),
            Outcome::Applied
        );
        assert!((v.households.skill[i] - 0.3).abs() < 1e-6);
        assert_eq!(v.funds.held(), 0);
        assert_eq!(v.funds.year.to_use(Use::Training), 1_500);
    }

    #[test]
    fn placement_sets_the_column_and_costs_its_price() {
        let (mut v, p) = village();
        let i = (0..v.households.len())
            .find(|&i| v.households.at_home(i) > 0)
            .expect("a household with a labourer at home");
        v.funds.receive(0, Source::SpecialFunds, 10_000, 0.0);
        assert_eq!(
            v.apply_measure(&p, i, Measure::JobPlacement, 0),
            Outcome::Applied
        );
        assert_eq!(v.households.placement[i], 1);
        assert_eq!(v.funds.held(), 9_200);
    }

    #[test]
    fn contacts_record_the_month_and_raise_outreach() {
        let (mut v, p) = village();
        assert_eq!(v.outreach(5), 0.0);
        v.channel_effort[Channel::Household as usize] = 5.0;
        v.step_contacts(&p, 5);
        assert!(v.month.contacts > 0);
        assert!(v.outreach(5) > 0.0);
        assert!(v.outreach(16) > 0.0);
        assert_eq!(v.outreach(17), 0.0);
    }
}
