//! Poverty-alleviation microcredit (MODEL.md section 0.1), from `start_year`: loans of up to
//! `max_loan` yuan (`loan_per_labourer` per able labourer) for `term_months`, no collateral,
//! interest paid by the county, to registered households with skill and motivation above
//! `min_skill` / `min_motivation` that a contact reached in the last 12 months. The loan
//! finances a household enterprise (livestock, crops) returning a yearly share of its capital
//! drawn in [`return_low`, `return_high`], paid monthly in the household step; it fails with
//! `failure_hazard` a month (drawn once a year). At maturity the household repays from its
//! assets; what they cannot cover is extended for another term while the enterprise survives
//! and defaults when it has failed ("default when assets go negative").
//!
//! Decisions: lending, failures and maturity are handled at the December review (annual work
//! stays annual); a household holds one loan at a time.

use rand::Rng;

use super::household::{flag, NEVER};
use super::programmes::contacted_within_year;
use super::schedule::Calendar;
use super::village::Village;
use crate::params::Params;

/// What happens to a loan at maturity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settlement {
    /// Principal repaid from the household's assets, yuan.
    pub repaid: f64,
    /// Principal extended for another term (the enterprise survives), yuan.
    pub extended: f64,
    /// Principal defaulted (the enterprise failed and assets do not cover it), yuan.
    pub defaulted: f64,
    /// The household's assets afterwards, yuan.
    pub assets: f64,
}

/// Settle a loan of `loan` yuan at maturity: repaid from positive `assets`; what they do not
/// cover is extended for another term while the enterprise survives (`enterprise_alive`; the
/// renewal and extension rules of 2017-2020), and defaults otherwise.
pub fn settle(loan: f64, enterprise_alive: bool, assets: f64) -> Settlement {
    let repaid = loan.min(assets.max(0.0));
    let rest = loan - repaid;
    let (extended, defaulted) = if enterprise_alive {
        (rest, 0.0)
    } else {
        (0.0, rest)
    };
    Settlement {
        repaid,
        extended,
        defaulted,
        assets: assets - repaid,
    }
}

/// Yearly failure probability from the monthly hazard.
pub fn yearly_failure(hazard: f64) -> f64 {
    1.0 - (1.0 - hazard.clamp(0.0, 1.0)).powi(12)
}

impl Village {
    /// December: interest, failures, maturity, then new loans.
    pub fn step_microcredit(&mut self, params: &Params, t: u32, calendar: Calendar) {
        let m = &params.programmes.microcredit;
        let fail = yearly_failure(m.failure_hazard);
        let rng = &mut self.streams.programmes;
        let hh = &mut self.households;
        let spend = &mut self.programme_spending;
        let counts = &mut self.programme_counts;
        for i in 0..hh.len() {
            if hh.loan[i] == 0 {
                continue;
            }
            spend.microcredit_interest += f64::from(hh.loan[i]) * m.interest;
            if hh.enterprise[i] > 0 && rng.random::<f64>() < fail {
                hh.enterprise[i] = 0;
                hh.enterprise_month[i] = 0;
                counts.enterprise_failures += 1;
            }
            if u32::from(hh.loan_due[i]) <= t {
                let settled = settle(
                    f64::from(hh.loan[i]),
                    hh.enterprise[i] > 0,
                    f64::from(hh.assets[i]),
                );
                hh.assets[i] = settled.assets as f32;
                spend.microcredit_repaid += settled.repaid;
                spend.microcredit_defaults += settled.defaulted;
                counts.loan_defaults += u32::from(settled.defaulted > 0.0);
                if settled.extended > 0.0 {
                    hh.loan[i] = settled.extended.round() as u32;
                    hh.loan_due[i] = (t + m.term_months).min(u32::from(NEVER) - 1) as u16;
                } else {
                    // Repaid or defaulted; a surviving enterprise stays the household's own.
                    hh.loan[i] = 0;
                    hh.loan_due[i] = NEVER;
                }
            }
        }
        if calendar.year(t) < m.start_year {
            return;
        }
        let (min_skill, min_motivation) = (m.min_skill as f32, m.min_motivation as f32);
        let due = (t + m.term_months).min(u32::from(NEVER) - 1) as u16;
        for i in 0..hh.len() {
            let s = &hh.state[i];
            let eligible = s.flags & flag::REGISTERED != 0
                && hh.loan[i] == 0
                && s.labour > 0
                && hh.skill[i] > min_skill
                && hh.motivation[i] > min_motivation
                && contacted_within_year(hh.last_contact[i], t);
            if !eligible {
                continue;
            }
            let amount = (m.loan_per_labourer * f64::from(s.labour))
                .min(m.max_loan)
                .round();
            if amount < 1.0 {
                continue;
            }
            let r = m.return_low + (m.return_high - m.return_low) * rng.random::<f64>();
            hh.loan[i] = amount as u32;
            hh.loan_due[i] = due;
            hh.enterprise[i] = amount as u32;
            hh.enterprise_month[i] = (amount * r / 12.0).round().min(f64::from(u16::MAX)) as u16;
            spend.microcredit_lent += amount;
            counts.loans_made += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settlement_repays_from_assets_extends_a_live_enterprise_and_defaults_a_failed_one() {
        let s = settle(50_000.0, true, 60_000.0);
        assert_eq!(
            (s.repaid, s.extended, s.defaulted, s.assets),
            (50_000.0, 0.0, 0.0, 10_000.0)
        );
        let s = settle(50_000.0, true, 8_000.0);
        assert_eq!(
            (s.repaid, s.extended, s.defaulted, s.assets),
            (8_000.0, 42_000.0, 0.0, 0.0)
        );
        // The enterprise failed: assets cover part, the rest defaults.
        let s = settle(50_000.0, false, 8_000.0);
        assert_eq!(
            (s.repaid, s.extended, s.defaulted),
            (8_000.0, 0.0, 42_000.0)
        );
        // Medical debt: nothing repaid, assets stay negative.
        let s = settle(25_000.0, false, -3_000.0);
        assert_eq!((s.repaid, s.defaulted, s.assets), (0.0, 25_000.0, -3_000.0));
    }

    #[test]
    fn loans_are_made_to_contacted_able_households_and_failed_ones_default() {
        let mut p = Params::default();
        p.programmes.microcredit.failure_hazard = 1.0;
        let cal = Calendar { start_year: 2014 };
        let mut v = Village::new(5, &p, 2, 0, cal);
        for &i in &v.registered_list.clone() {
            let i = i as usize;
            v.households.last_contact[i] = 20;
            v.households.skill[i] = 0.6;
            v.households.motivation[i] = 0.6;
            v.households.assets[i] = 0.0;
        }
        v.step_microcredit(&p, 11, cal);
        assert_eq!(v.programme_counts.loans_made, 0, "no loans before 2015");
        v.step_microcredit(&p, 23, cal);
        let made = v.programme_counts.loans_made;
        assert!(made > 10);
        assert!(v.programme_spending.microcredit_lent >= 25_000.0 * f64::from(made));
        let i = (0..v.households.len())
            .find(|&i| v.households.loan[i] > 0)
            .expect("a loan");
        assert!(
            v.households.enterprise_month[i] >= 208 && v.households.enterprise_month[i] <= 1042
        );
        // Every enterprise fails within a year at hazard 1; at maturity the loans default.
        v.step_microcredit(&p, 35, cal);
        assert!(v.programme_counts.enterprise_failures >= made);
        v.step_microcredit(&p, 47, cal);
        v.step_microcredit(&p, 59, cal);
        assert!(v.programme_counts.loan_defaults > 0);
        assert!(v.programme_spending.microcredit_defaults > 0.0);
    }
}
