//! Medical insurance renewal (MODEL.md section 0.1): registered households' premium is paid by
//! the county; enrolment is annual and lapses unless renewed, with take-up
//! `base_takeup + outreach_takeup x outreach` (outreach: the share of the registered reached by
//! a contact in the last 12 months, [`Village::outreach`]).
//!
//! Decision (docs/V2_DESIGN.md R6): the renewal applies to registered households and to exited
//! households within post-exit support; never-registered households keep their enrolment.

use rand::Rng;

use super::household::flag;
use super::village::Village;
use crate::params::Params;

/// Probability that a household's insurance is renewed for next year at `outreach`.
pub fn renewal_probability(params: &Params, outreach: f64) -> f64 {
    let ins = &params.programmes.insurance;
    (ins.base_takeup + ins.outreach_takeup * outreach.clamp(0.0, 1.0)).clamp(0.0, 1.0)
}

impl Village {
    /// Renewal for the year starting at month `t` (January; the December decision for next
    /// year, applied when the year opens so that December's counts describe this year's
    /// enrolment); premiums for the renewed, from the county line.
    pub fn renew_insurance(&mut self, params: &Params, t: u32) {
        let take_up = renewal_probability(params, self.outreach(t));
        let support_months = params.policy.post_exit_support_years.saturating_mul(12);
        let premium = params.programmes.insurance.premium;
        let rng = &mut self.streams.programmes;
        let hh = &mut self.households;
        for i in 0..hh.len() {
            let s = hh.state[i];
            let covered = s.flags & flag::REGISTERED != 0 || s.within_support(t, support_months);
            if !covered {
                continue;
            }
            if rng.random::<f64>() < take_up {
                hh.state[i].flags |= flag::MEDICAL_INSURED;
                self.programme_spending.medical_premium += premium * f64::from(s.size);
                self.programme_counts.insurance_renewed += 1;
            } else {
                hh.state[i].flags &= !flag::MEDICAL_INSURED;
                self.programme_counts.insurance_lapsed += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::schedule::Calendar;

    #[test]
    fn take_up_rises_with_outreach_from_its_base() {
        let p = Params::default();
        assert!((renewal_probability(&p, 0.0) - 0.7).abs() < 1e-12);
        assert!((renewal_probability(&p, 0.5) - 0.85).abs() < 1e-12);
        assert!((renewal_probability(&p, 1.0) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn without_outreach_about_three_in_ten_registered_households_lapse() {
        let p = Params::default();
        let mut v = Village::new(1, &p, 5, 0, Calendar { start_year: 2014 });
        let registered = v.registered_list.len() as f64;
        assert!(registered > 30.0);
        v.renew_insurance(&p, 12);
        let lapsed = f64::from(v.programme_counts.insurance_lapsed);
        let share = lapsed / registered;
        assert!((0.15..0.45).contains(&share), "lapsed share {share}");
        assert!(v.programme_spending.medical_premium > 0.0);
        // Full outreach: nobody lapses.
        for &i in &v.registered_list {
            v.households.last_contact[i as usize] = 20;
        }
        v.programme_counts = Default::default();
        v.renew_insurance(&p, 24);
        assert_eq!(v.programme_counts.insurance_lapsed, 0);
    }
}
