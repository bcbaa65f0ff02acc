//! Monitoring to prevent a return to poverty, as a costed service (MODEL.md section 0.5; ODD
//! submodel "relapse and monitoring"). It replaces v1's perfectly targeted top-up.
//!
//! From `policy.monitoring_start_year` (2020) the village monitors three kinds of household,
//! rebuilt each December ([`Village::classify_monitored`]) and appended in the month of a
//! hardship (in the household step):
//! - "unstable": exited, rolling income per capita below `policy.monitoring_band` (1.5) x line;
//! - "marginal": never registered, below the same band;
//! - "sudden hardship": hit this year by an illness whose out-of-pocket cost exceeds
//!   `monitoring.hardship_share` (0.5) of its 12-month income, or by a disaster while farming.
//!
//! Registered households are not excluded (a hardship makes any household monitored). Each
//! month a monitored household is visited with probability `(visit_base + visit_outreach x
//! outreach) x m`, `m = policy.monitoring_after_exit` (0.5) once the county has exited, else 1
//! ([`Village::visit_monitored`]). A visit is a contact (`last_contact`) and applies the
//! household-support menu under the money constraint of the village fund:
//! 1. medical assistance: enrolment in the medical insurance package (premium on the insurance
//!    line), and the enhanced package while monitored (`flag::MONITORED`);
//! 2. a dibao referral if the household is eligible and not enrolled, a public-welfare job
//!    referral if a labourer is at home without work (the `referral` column, read by the
//!    programmes' reviews);
//! 3. temporary assistance: the gap between its rolling income and the band, at most
//!    `monitoring.assistance_max` (2,000 yuan) a household-year, from the village fund;
//! 4. for a household below the band with a labourer at home: a training course (+
//!    `channels.training_gain` skill, `monitoring.training_cost` 1,500 yuan, once a year, when
//!    skill is below `monitoring.training_below_skill`) and a job placement
//!    (`monitoring.placement_cost` 800 yuan, doubling the migration chance until a job is taken).
//!
//! A measure the fund cannot pay is not given. Prevention is what these measures achieve; no
//! success is drawn.

use super::funds::{whole, Use};
use rand::Rng;

use super::household::{flag, monitored, referral, NEVER};
use super::schedule::Calendar;
use super::village::Village;
use crate::params::Params;

/// Months within which a contact counts towards outreach.
pub const OUTREACH_MONTHS: u32 = 12;

impl Village {
    /// Outreach (MODEL.md section 0.1): share of the village's registered households whose last
    /// contact by the secretary's team or the committee was within the last 12 months, at
    /// month `t`; 0 with nobody registered.
    pub fn outreach(&self, t: u32) -> f64 {
        if self.registered_list.is_empty() {
            return 0.0;
        }
        let hh = &self.households;
        let reached = self
            .registered_list
            .iter()
            .filter(|&&i| {
                let last = hh.last_contact[i as usize];
                last != NEVER && t < u32::from(last) + OUTREACH_MONTHS
            })
            .count();
        reached as f64 / self.registered_list.len() as f64
    }

    /// Whether monitoring runs in `year`.
    pub fn monitoring_runs(params: &Params, year: u32) -> bool {
        params.policy.monitoring && year >= params.policy.monitoring_start_year
    }

    /// This month's visits to monitored households (after the household step, so assistance
    /// counts in this month's income). `line` is this year's line, yuan per person-year.
    pub fn visit_monitored(&mut self, params: &Params, t: u32, line: f32) {
        let m = &params.monitoring;
        let after_exit = if self.county_exited {
            params.policy.monitoring_after_exit
        } else {
            1.0
        };
        let chance =
            ((m.visit_base + m.visit_outreach * self.outreach(t)) * after_exit).clamp(0.0, 1.0);
        let band = line * params.policy.monitoring_band as f32;
        let assistance_max = m.assistance_max.min(f64::from(u16::MAX)) as u32;
        let training_gain = params.channels.training_gain as f32;
        let train_below = m.training_below_skill as f32;
        let slot = (t % 12) as usize;
        let rng = &mut self.streams.monitoring;
        let hh = &mut self.households;
        for i in 0..hh.len() {
            if hh.monitored[i] & monitored::ANY == 0 || rng.random::<f64>() >= chance {
                continue;
            }
            self.year.monitoring_visits += 1;
            hh.last_contact[i] = t.min(u32::from(NEVER) - 1) as u16;
            let s = &mut hh.state[i];
            s.flags |= flag::MEDICAL_INSURED;
            let idle = s.at_home() > 0 && s.migrants == 0 && s.job == 0;
            if s.dibao_eligible() && s.flags & flag::DIBAO == 0 {
                hh.referral[i] |= referral::DIBAO;
            }
            if idle {
                hh.referral[i] |= referral::PUBLIC_JOB;
            }
            let size = f32::from(s.size);
            let target = (band * size).ceil() as i64;
            let gap = target - i64::from(hh.income_sum[i]);
            if gap <= 0 {
                continue;
            }
            // Temporary assistance, whole yuan, into this month's income.
            let room = i64::from(assistance_max.saturating_sub(u32::from(hh.assistance_year[i])));
            let month_room = i64::from(u16::MAX - hh.income_by_month[slot][i]);
            let affordable = self.funds.held().max(0);
            let pay = gap.min(room).min(month_room).min(affordable).max(0);
            if pay > 0 {
                let pay_u16 = pay as u16;
                hh.income_by_month[slot][i] += pay_u16;
                hh.income_sum[i] += u32::from(pay_u16);
                hh.assistance_year[i] += pay_u16;
                let yuan = pay as f64;
                self.funds.spend(Use::TemporaryAssistance, pay, t);
                self.fund_balance = self.funds.held() as f64;
                self.month.funds_spent += yuan;
                self.month.tally.assistance_paid += yuan;
                self.year.monitoring_assistance += yuan;
            }
            if s.at_home() == 0 {
                continue;
            }
            if hh.skill[i] < train_below
                && hh.monitored[i] & monitored::TRAINED_THIS_YEAR == 0
                && self.funds.can_pay(whole(m.training_cost))
            {
                hh.skill[i] = (hh.skill[i] + training_gain).min(1.0);
                hh.monitored[i] |= monitored::TRAINED_THIS_YEAR;
                self.funds.spend(Use::Training, whole(m.training_cost), t);
                self.fund_balance = self.funds.held() as f64;
                self.month.funds_spent += whole(m.training_cost) as f64;
                self.year.monitoring_training += m.training_cost;
            }
            if hh.placement[i] == 0 && self.funds.can_pay(whole(m.placement_cost)) {
                hh.placement[i] = 1;
                self.funds.spend(Use::Placement, whole(m.placement_cost), t);
                self.fund_balance = self.funds.held() as f64;
                self.month.funds_spent += whole(m.placement_cost) as f64;
                self.year.monitoring_placement += m.placement_cost;
            }
        }
    }

    /// December: count this year's monitored households by kind, then rebuild the monitored
    /// set for next year from this year's rolling incomes less this year's assistance (run after the exit assessment, so
    /// this year's exits can be "unstable"), clear the year's hardship, training and assistance
    /// marks. The set is built from the December before `monitoring_start_year`.
    pub fn classify_monitored(&mut self, params: &Params, t: u32, calendar: Calendar, line: f32) {
        let year = calendar.year(t);
        let runs_next = params.policy.monitoring && year + 1 >= params.policy.monitoring_start_year;
        let band = line * params.policy.monitoring_band as f32;
        let hh = &mut self.households;
        for i in 0..hh.len() {
            let kinds = hh.monitored[i];
            self.year.monitored_unstable += u32::from(kinds & monitored::UNSTABLE != 0);
            self.year.monitored_marginal += u32::from(kinds & monitored::MARGINAL != 0);
            self.year.monitored_hardship += u32::from(kinds & monitored::HARDSHIP != 0);
            let f = hh.state[i].flags;
            let mut next = 0;
            if runs_next {
                // Judged on income without this year's temporary assistance (the December ring
                // holds exactly this calendar year): a household kept above the band only by
                // assistance stays monitored.
                let own = hh.income_sum[i].saturating_sub(u32::from(hh.assistance_year[i]));
                let below = (own as f32) < band * f32::from(hh.state[i].size);
                let exited = f & flag::EXITED != 0 && f & flag::REGISTERED == 0;
                if exited && below {
                    next |= monitored::UNSTABLE;
                }
                if f & flag::EVER_REGISTERED == 0 && below {
                    next |= monitored::MARGINAL;
                }
                if kinds & monitored::HIT_THIS_YEAR != 0 {
                    next |= monitored::HARDSHIP;
                }
            }
            hh.monitored[i] = next;
            hh.assistance_year[i] = 0;
            hh.state[i].flags = if next != 0 {
                f | flag::MONITORED
            } else {
                f & !(flag::MONITORED | flag::SUPPORT_WORKS)
            };
        }
    }

    /// Stand-in until the programmes track's annual dibao review reads `referral::DIBAO`:
    /// referred households that are eligible (no labour, or chronic illness) are enrolled in
    /// December, and the referral is cleared. The integrator replaces this by the review.
    pub fn enrol_dibao_referrals(&mut self) {
        let hh = &mut self.households;
        for i in 0..hh.len() {
            if hh.referral[i] & referral::DIBAO != 0 {
                if hh.state[i].dibao_eligible() {
                    hh.state[i].flags |= flag::DIBAO;
                }
                hh.referral[i] &= !referral::DIBAO;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::household::{flag, monitored, NEVER};
    use crate::model::schedule::Calendar;
    use crate::model::village::Village;
    use crate::params::Params;

    const CAL: Calendar = Calendar { start_year: 2014 };

    fn village(params: &Params) -> Village {
        Village::new(0, params, 5, 0, CAL)
    }

    #[test]
    fn december_classifies_unstable_marginal_and_hardship_households() {
        let params = Params::default();
        let mut v = village(&params);
        let line = 3000.0f32;
        let hh = &mut v.households;
        // 0: exited and poor-ish; 1: never registered and poor-ish; 2: registered, hit by a
        // hardship; 3: never registered and well off.
        let set_income = |hh: &mut crate::model::household::Households, i: usize, pc: f32| {
            hh.income_sum[i] = (pc * f32::from(hh.state[i].size)) as u32;
        };
        hh.state[0].flags =
            (hh.state[0].flags | flag::EXITED | flag::EVER_REGISTERED) & !flag::REGISTERED;
        set_income(hh, 0, 4000.0);
        hh.state[1].flags &= !(flag::EVER_REGISTERED | flag::REGISTERED | flag::EXITED);
        set_income(hh, 1, 3500.0);
        hh.state[2].flags |= flag::REGISTERED | flag::EVER_REGISTERED;
        hh.monitored[2] = monitored::HIT_THIS_YEAR;
        set_income(hh, 2, 9000.0);
        hh.state[3].flags &= !(flag::EVER_REGISTERED | flag::REGISTERED | flag::EXITED);
        set_income(hh, 3, 9000.0);
        // December 2019 (t = 71): builds the 2020 set.
        v.classify_monitored(&params, 71, CAL, line);
        let hh = &v.households;
        assert_eq!(hh.monitored[0], monitored::UNSTABLE);
        assert_eq!(hh.monitored[1], monitored::MARGINAL);
        assert_eq!(hh.monitored[2], monitored::HARDSHIP);
        assert_eq!(hh.monitored[3], 0);
        assert!(hh.state[2].flags & flag::MONITORED != 0);
        assert!(hh.state[3].flags & flag::MONITORED == 0);
        // Before the year ahead of the start year nothing is monitored.
        let mut w = village(&params);
        w.households.monitored[2] = monitored::HIT_THIS_YEAR;
        w.classify_monitored(&params, 59, CAL, line);
        assert!(w.households.monitored.iter().all(|&k| k == 0));
    }

    #[test]
    fn a_visit_pays_assistance_from_the_fund_up_to_the_cap_and_records_it() {
        let params = Params::default();
        let mut v = village(&params);
        let line = 3000.0f32;
        let t = 72;
        v.funds
            .receive(t, crate::model::funds::Source::SpecialFunds, 100_000, 0.0);
        v.fund_balance = v.funds.held() as f64;
        let hh = &mut v.households;
        for i in 0..hh.len() {
            hh.monitored[i] = 0;
        }
        let i = 0;
        hh.monitored[i] = monitored::MARGINAL;
        hh.state[i].size = 2;
        hh.income_sum[i] = 4000; // 2,000 per capita, band 4,500: gap 5,000
        hh.income_by_month[0][i] = 300;
        let mut p = params.clone();
        p.monitoring.visit_base = 1.0;
        p.monitoring.visit_outreach = 0.0;
        v.visit_monitored(&p, t, line);
        let hh = &v.households;
        assert_eq!(v.year.monitoring_visits, 1);
        assert_eq!(hh.last_contact[i], t as u16);
        assert_eq!(hh.assistance_year[i], 2000);
        assert_eq!(hh.income_sum[i], 6000);
        assert_eq!(hh.income_by_month[0][i], 2300);
        assert_eq!(v.year.monitoring_assistance, 2000.0);
        let spent = 2000.0 + v.year.monitoring_training + v.year.monitoring_placement;
        assert!((v.fund_balance - (100_000.0 - spent)).abs() < 1e-9);
        assert!((v.month.funds_spent - spent).abs() < 1e-9);
        // The cap is per year: a second visit pays no more assistance.
        v.visit_monitored(&p, t, line);
        assert_eq!(v.households.assistance_year[i], 2000);
        // Without money nothing is paid.
        let mut w = village(&params);
        w.fund_balance = 0.0;
        for k in 0..w.households.len() {
            w.households.monitored[k] = 0;
        }
        w.households.monitored[i] = monitored::MARGINAL;
        w.households.income_sum[i] = 10;
        w.visit_monitored(&p, t, line);
        assert_eq!(w.households.assistance_year[i], 0);
        assert_eq!(w.year.monitoring_visits, 1);
    }

    #[test]
    fn outreach_counts_registered_households_contacted_within_a_year() {
        let params = Params::default();
        let mut v = village(&params);
        assert!(!v.registered_list.is_empty());
        assert_eq!(v.outreach(30), 0.0);
        let first = v.registered_list[0] as usize;
        v.households.last_contact[first] = 20;
        let n = v.registered_list.len() as f64;
        assert!((v.outreach(30) - 1.0 / n).abs() < 1e-12);
        assert_eq!(v.outreach(32), 0.0);
        v.households.last_contact[first] = NEVER;
        assert_eq!(v.outreach(30), 0.0);
    }
}
