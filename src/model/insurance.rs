//! Medical insurance renewal (MODEL.md section 0.1): registered households' premium is paid by
//! the county; enrolment is annual and lapses unless renewed, with take-up
//! `base_takeup + outreach_takeup x outreach` (outreach: the share of the registered reached by
//! a contact in the last 12 months, [`Village::outreach`]).
//!
//! Decision (docs/V2_DESIGN.md R6, revised as docs/MODEL.md decision 143): the renewal draw
//! applies to registered households; exited households within post-exit support stay on the
//! county's paid list and are renewed with it (premium paid, no draw) unless
//! `programmes.insurance.keep_exited_enrolled` is off, when they take the draw too (the first v2
//! build: 30% of them lapsed each year without outreach, and each lapse was assessed as a
//! relapse). Never-registered households keep their enrolment.

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
        let keep_exited = params.programmes.insurance.keep_exited_enrolled;
        let rng = &mut self.streams.programmes;
        let hh = &mut self.households;
        for i in 0..hh.len() {
            let s = hh.state[i];
            let registered = s.flags & flag::REGISTERED != 0;
            if !registered && !s.within_support(t, support_months) {
                continue;
            }
            // One draw per covered household whatever the rule (streams stay aligned).
            let drawn = rng.random::<f64>() < take_up;
            if drawn || (!registered && keep_exited) {
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

    #[test]
    fn exited_households_in_support_stay_enrolled_unless_the_rule_is_off() {
        let mut p = Params::default();
        p.policy.post_exit_support_years = 5;
        let calendar = Calendar { start_year: 2014 };
        let make = |p: &Params| {
            let mut v = Village::new(1, p, 5, 0, calendar);
            // Every registered household exits in December 2015.
            for &i in &v.registered_list.clone() {
                let s = &mut v.households.state[i as usize];
                s.flags = (s.flags & !flag::REGISTERED) | flag::EXITED | flag::MEDICAL_INSURED;
                s.exit_month = 23;
            }
            v.renew_insurance(p, 24);
            v
        };
        let kept = make(&p);
        assert_eq!(kept.programme_counts.insurance_lapsed, 0);
        assert!(kept.programme_counts.insurance_renewed > 30);
        p.programmes.insurance.keep_exited_enrolled = false;
        let drawn = make(&p);
        let n = f64::from(
            drawn.programme_counts.insurance_renewed + drawn.programme_counts.insurance_lapsed,
        );
        let share = f64::from(drawn.programme_counts.insurance_lapsed) / n;
        assert!((0.15..0.45).contains(&share), "lapsed share {share}");
    }
}
