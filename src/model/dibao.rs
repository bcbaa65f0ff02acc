//! Dibao, the minimum living guarantee, at the county standard (MODEL.md section 0.1; the
//! dependency rule of section 0.2).
//!
//! - Standard: each county draws its 2014 ratio of standard to line in
//!   [`ratio_low`, `ratio_high`] from its own stream, reaches the line by `catch_up_year`, then
//!   follows the national-average path's growth ([`county_dibao_standard`]).
//! - Eligibility: income without dibao below the standard *and* (no able labourer, or a
//!   chronic illness).
//! - Enrolment: an annual review in December (and a first one at initialisation) with the
//!   identification errors of section 7: an eligible household is missed with probability
//!   `exclusion`, an ineligible one below the standard is enrolled with probability
//!   `inclusion`, and an enrolled ineligible one is found with probability `detection`. A
//!   household whose income without dibao exceeds the standard leaves.
//! - Payment: the gap to the standard, monthly, in the household step.
//! - Dependency: a household on dibao with an able labourer and no wage work loses
//!   `dependency_decay` motivation a year.

use rand::Rng;

use super::cadre::Channel;
use super::household::flag;
use super::schedule::{county_dibao_standard, Calendar};
use super::village::{error_rates, ErrorRates, Village};
use crate::params::Params;
use crate::rng::{stream, Purpose};

/// The county's 2014 ratio of its dibao standard to the poverty line: uniform in
/// [`programmes.dibao.ratio_low`, `ratio_high`], drawn from the county's own stream (seed,
/// replicate, county), so every village of the county sees the same value.
pub fn county_ratio_2014(params: &Params, seed: u64, replicate: u32, county: u32) -> f64 {
    let d = &params.programmes.dibao;
    let u: f64 = stream(seed, replicate, county, Purpose::CountyProgrammes).random();
    d.ratio_low + (d.ratio_high - d.ratio_low) * u
}

/// Categorical eligibility: no able labourer, or a chronically ill member.
#[inline]
pub fn categorically_eligible(labour: u8, chronic: bool) -> bool {
    labour == 0 || chronic
}

/// Whether a household is enrolled after a review, given whether it was enrolled, its
/// categorical eligibility, whether its income without dibao is below the standard, the
/// review's error rates and one uniform draw `u`.
pub fn review_outcome(
    enrolled: bool,
    categorical: bool,
    below_standard: bool,
    rates: &ErrorRates,
    u: f64,
) -> bool {
    match (enrolled, categorical, below_standard) {
        // Income above the standard at the review: leaves (or is not enrolled).
        (_, _, false) => false,
        (true, true, true) => true,
        // Enrolled without categorical eligibility: stays until a review finds it.
        (true, false, true) => u >= rates.detection,
        (false, true, true) => u >= rates.exclusion,
        (false, false, true) => u < rates.inclusion,
    }
}

impl Village {
    /// The county dibao standard this village's households are paid up to in `year`, yuan per
    /// person-year.
    pub fn dibao_standard(&self, params: &Params, year: u32) -> f64 {
        county_dibao_standard(
            &params.economy,
            self.dibao_ratio_2014,
            params.programmes.dibao.catch_up_year,
            year,
        )
    }

    /// The annual dibao review (December; at initialisation with `initial`): the means test on
    /// the calendar year's income without dibao against this year's county standard, with the
    /// identification errors; then the dependency rule. Resets the year's dibao record.
    pub fn review_dibao(&mut self, params: &Params, t: u32, calendar: Calendar, initial: bool) {
        let year = calendar.year(t);
        let standard = self.dibao_standard(params, year) as f32;
        // Young graduates' targeting gain applies to the dibao review too.
        let knowledge = self.targeting_knowledge(params);
        let effort = self.channel_effort[Channel::Identification as usize];
        // Decision: dibao is an established civil-affairs programme, so its inclusion error is
        // the re-check level (`later_inclusion_factor`), also at the first review.
        let rates = error_rates(
            params,
            self.working_organisation(params),
            knowledge,
            effort,
            false,
        );
        let decay = params.programmes.dibao.dependency_decay as f32;
        let rng = &mut self.streams.programmes;
        let hh = &mut self.households;
        let counts = &mut self.programme_counts;
        counts.dibao_households = 0;
        for i in 0..hh.len() {
            let s = hh.state[i];
            let enrolled = s.flags & flag::DIBAO != 0;
            let categorical = categorically_eligible(s.labour, s.flags & flag::CHRONIC != 0);
            let below = hh.income_without_dibao_pc(i) < standard;
            // One draw per household whatever the case, to keep scenarios paired.
            let u: f64 = rng.random();
            let after = review_outcome(enrolled, categorical, below, &rates, u);
            if after {
                hh.state[i].flags |= flag::DIBAO;
                counts.dibao_households += 1;
            } else {
                hh.state[i].flags &= !flag::DIBAO;
            }
            if !initial {
                counts.dibao_enrolled += u32::from(after && !enrolled);
                counts.dibao_left += u32::from(enrolled && !after);
            }
            let no_work = s.migrants == 0 && s.job == 0 && hh.public_wage[i] == 0;
            if after && !initial && s.labour > 0 && no_work {
                hh.motivation[i] = (hh.motivation[i] - decay).max(0.0);
            }
            hh.dibao_year[i] = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::household::flag;

    const RATES: ErrorRates = ErrorRates {
        exclusion: 0.1,
        inclusion: 0.05,
        detection: 0.5,
    };

    #[test]
    fn a_household_above_the_standard_leaves_whatever_else_holds() {
        for enrolled in [false, true] {
            for categorical in [false, true] {
                for u in [0.0, 0.5, 0.99] {
                    assert!(!review_outcome(enrolled, categorical, false, &RATES, u));
                }
            }
        }
    }

    #[test]
    fn review_errors_miss_eligible_and_enrol_ineligible_households() {
        // Eligible, not enrolled: missed on a low draw, enrolled otherwise.
        assert!(!review_outcome(false, true, true, &RATES, 0.05));
        assert!(review_outcome(false, true, true, &RATES, 0.2));
        // Ineligible below the standard: enrolled on a low draw only.
        assert!(review_outcome(false, false, true, &RATES, 0.01));
        assert!(!review_outcome(false, false, true, &RATES, 0.2));
        // Enrolled ineligible: found by the review with probability `detection`.
        assert!(!review_outcome(true, false, true, &RATES, 0.1));
        assert!(review_outcome(true, false, true, &RATES, 0.9));
        // Enrolled eligible: stays.
        assert!(review_outcome(true, true, true, &RATES, 0.0));
    }

    #[test]
    fn county_ratio_is_in_its_range_and_shared_by_the_county() {
        let mut p = Params::default();
        p.programmes.dibao.ratio_low = 0.7;
        p.programmes.dibao.ratio_high = 1.0;
        let mut seen = Vec::new();
        for county in 0..20 {
            let r = county_ratio_2014(&p, 7, 0, county);
            assert!((0.7..=1.0).contains(&r));
            assert_eq!(r, county_ratio_2014(&p, 7, 0, county));
            seen.push(r);
        }
        assert!(seen.iter().any(|r| *r < 0.8) && seen.iter().any(|r| *r > 0.9));
    }

    fn village() -> Village {
        let mut p = Params::default();
        p.population.households_per_village = 300;
        Village::new(3, &p, 11, 0, Calendar { start_year: 2014 })
    }

    #[test]
    fn the_review_removes_households_whose_income_without_dibao_passes_the_standard() {
        let p = Params::default();
        let cal = Calendar { start_year: 2014 };
        let mut v = village();
        let i = (0..v.households.len())
            .find(|&i| v.households.state[i].flags & flag::DIBAO != 0)
            .expect("some household on dibao at the start");
        // A year of income far above any standard, none of it dibao.
        v.households.income_sum[i] = 100_000;
        v.households.dibao_year[i] = 0;
        v.review_dibao(&p, 11, cal, false);
        assert_eq!(v.households.state[i].flags & flag::DIBAO, 0);
        assert!(v.programme_counts.dibao_left >= 1);
        // The same income made of dibao does not count against the household.
        v.households.state[i].flags |= flag::DIBAO;
        v.households.dibao_year[i] = 100_000;
        v.households.state[i].labour = 0;
        v.review_dibao(&p, 23, cal, false);
        assert_ne!(v.households.state[i].flags & flag::DIBAO, 0);
        assert_eq!(
            v.households.dibao_year[i], 0,
            "the review resets the year's record"
        );
    }

    #[test]
    fn dependency_lowers_motivation_of_idle_able_households_on_dibao() {
        let p = Params::default();
        let cal = Calendar { start_year: 2014 };
        let mut v = village();
        let i = 0;
        let s = &mut v.households.state[i];
        s.flags |= flag::DIBAO | flag::CHRONIC;
        s.labour = 1;
        s.migrants = 0;
        s.job = 0;
        v.households.income_sum[i] = 0;
        v.households.motivation[i] = 0.5;
        v.review_dibao(&p, 11, cal, false);
        assert!((v.households.motivation[i] - 0.48).abs() < 1e-6);
        // With a migrant at work, no loss.
        v.households.state[i].migrants = 1;
        v.review_dibao(&p, 23, cal, false);
        assert!((v.households.motivation[i] - 0.48).abs() < 1e-6);
    }
}
