//! Relapse and new poverty, assessed as officials assessed them (MODEL.md section 0.4,
//! superseding the monthly "Relapse and new poverty" rule of section 7): once a year, in
//! December, on the calendar year's income observed with the assessment noise, against that
//! year's line plus the three guarantees.
//!
//! - The observation carries the household's persistent reporting error
//!   ([`super::income_assessment`]), the same one its exit assessment saw; under strict rules
//!   the third-party assessors observe instead, with `third_party_noise` and no persistence.
//! - An exited household observed below is a relapse, counted once per episode (the episode
//!   ends at a December observed above); each December it is observed below it is registered
//!   again with probability `1 - exclusion`.
//! - A never-registered household observed below is newly poor, once per episode.
//! - The line-step diagnostic (R10): a relapse whose household's true calendar income did not
//!   fall from last year's is split into `line step` (true income per capita at least last
//!   year's line but below this year's) and `noise` (the rest: the observation, not the
//!   household, moved).
//!
//! In December the month-major income ring holds exactly January to December, so the calendar
//! year's income is `income_sum`; last year's is kept in [`Households::last_income`].

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

use super::household::{flag, Households};
use super::income_assessment::Assessor;
use super::schedule::{poverty_line, Calendar};
use super::village::Village;
use crate::params::Params;

/// What the annual relapse assessment found in one village.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RelapseCounts {
    /// Relapse episodes that started this year.
    pub relapses: u32,
    /// New-poverty episodes that started this year.
    pub new_poor: u32,
    /// Relapses without an income fall, true income between last year's and this year's line.
    pub no_fall_line_step: u32,
    /// Relapses without an income fall otherwise (measurement noise).
    pub no_fall_noise: u32,
    /// Exited households registered again.
    pub re_registered: u32,
}

/// Why a relapse happened without the household's income falling (R10), if it did not fall:
/// `Some(true)` = the line stepped over its unchanged income, `Some(false)` = noise, `None` =
/// its income fell (or a guarantee was lost).
pub fn no_fall_kind(
    income_now: u32,
    income_last: u32,
    size: u8,
    line_now: f32,
    line_last: f32,
    guarantees_held: bool,
) -> Option<bool> {
    if !guarantees_held || income_now < income_last {
        return None;
    }
    let pc = income_now as f32 / f32::from(size);
    Some(pc >= line_last && pc < line_now)
}

impl Village {
    /// The annual relapse and new-poverty assessment (December, before identification, so
    /// that a household re-registered here is not drawn for again). One noise draw per
    /// household, whatever its status, keeps the stream aligned across scenarios; the
    /// re-registration draw follows only for exited households observed below.
    pub fn assess_relapse(&mut self, params: &Params, t: u32, calendar: Calendar) {
        let year = calendar.year(t);
        let line = poverty_line(&params.economy, year) as f32;
        let line_last = poverty_line(&params.economy, year.saturating_sub(1)) as f32;
        // Under strict rules the third-party assessors who verify exits also verify relapses
        // (their noise, independent of the household's reporting error); otherwise the village
        // assesses, with the household's persistent error (docs/MODEL.md decision 144).
        let assessor = Assessor::for_rule(params);
        let noise = assessor.noise;
        let exclusion = self.error_rates_now(params, false).exclusion;
        let key = self.streams.reporting_key;
        let rng = &mut self.streams.relapse;
        let hh: &mut Households = &mut self.households;
        let mut c = RelapseCounts::default();
        for i in 0..hh.len() {
            let fresh: f64 = StandardNormal.sample(rng);
            let z = assessor.error(key, i, fresh);
            let s = hh.state[i];
            let mut f = s.flags;
            let guarantees_held = f & flag::GUARANTEES == flag::GUARANTEES;
            let observed = hh.income_pc(i) * (noise * z).exp() as f32;
            let below = observed < line || !guarantees_held;
            if f & flag::REGISTERED == 0 {
                if f & flag::EXITED != 0 {
                    if below {
                        if f & flag::IN_RELAPSE == 0 {
                            c.relapses += 1;
                            f |= flag::IN_RELAPSE;
                            hh.state[i].relapsed_count = s.relapsed_count.saturating_add(1);
                            match no_fall_kind(
                                hh.income_sum[i],
                                hh.last_income[i],
                                s.size,
                                line,
                                line_last,
                                guarantees_held,
                            ) {
                                Some(true) => c.no_fall_line_step += 1,
                                Some(false) => c.no_fall_noise += 1,
                                None => {}
                            }
                            let exit = u32::from(s.exit_month);
                            if f & flag::TRUE_EXIT != 0 && t <= exit + 24 {
                                // Counted once per exit: a second relapse of the same exit is
                                // not a second lost sustained exit.
                                f &= !flag::TRUE_EXIT;
                                if let Some(loss) =
                                    self.sustained_loss.get_mut((exit / 12) as usize)
                                {
                                    *loss += 1;
                                }
                            }
                        }
                        if rng.random::<f64>() >= exclusion {
                            c.re_registered += 1;
                            f = flag::registered(f);
                            hh.state[i].registered_month = t as u16;
                        }
                    } else {
                        f &= !flag::IN_RELAPSE;
                    }
                } else if f & flag::EVER_REGISTERED == 0 {
                    if below && f & flag::NEW_POOR_EPISODE == 0 {
                        c.new_poor += 1;
                        f |= flag::NEW_POOR_EPISODE;
                    } else if !below {
                        f &= !flag::NEW_POOR_EPISODE;
                    }
                }
            }
            hh.state[i].flags = f;
            hh.last_income[i] = hh.income_sum[i];
        }
        self.year.relapses += c.relapses;
        self.year.new_poor += c.new_poor;
        self.year.relapses_no_fall_line_step += c.no_fall_line_step;
        self.year.relapses_no_fall_noise += c.no_fall_noise;
        self.year.re_registrations += c.re_registered;
        self.month.tally.relapses += c.relapses;
        self.month.tally.new_poor += c.new_poor;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relapse_over_an_unchanged_income_is_a_line_step_or_noise() {
        // 2020: line 4,000, last year's 3,218; a household of 2 with 7,000 yuan both years.
        assert_eq!(
            no_fall_kind(7_000, 7_000, 2, 4000.0, 3218.0, true),
            Some(true)
        );
        // Above this year's line: only noise can have made it a relapse.
        assert_eq!(
            no_fall_kind(9_000, 8_000, 2, 4000.0, 3218.0, true),
            Some(false)
        );
        // Below last year's line too: noise (the exit or this observation).
        assert_eq!(
            no_fall_kind(6_000, 6_000, 2, 4000.0, 3218.0, true),
            Some(false)
        );
        // Income fell: a real relapse.
        assert_eq!(no_fall_kind(6_999, 7_000, 2, 4000.0, 3218.0, true), None);
        // A lost guarantee is a real change too.
        assert_eq!(no_fall_kind(7_000, 7_000, 2, 4000.0, 3218.0, false), None);
    }

    #[test]
    fn an_exited_household_below_the_line_relapses_once_per_episode() {
        let mut p = Params::small(1, 80, 60, 1);
        // Nobody is re-registered, so the episode can continue.
        p.identification.base_exclusion = 1.0;
        p.identification.measurement_noise = 0.0;
        let calendar = Calendar { start_year: 2014 };
        let mut v = Village::new(0, &p, 7, 0, calendar);
        // No organisation, no secretary, no effort: exclusion = base_exclusion = 1.
        v.organisation = 0.0;
        let i = (0..v.households.len())
            .find(|&i| v.households.state[i].flags & flag::REGISTERED != 0)
            .expect("a registered household");
        let s = &mut v.households.state[i];
        s.flags = (s.flags & !flag::REGISTERED) | flag::EXITED | flag::GUARANTEES;
        s.exit_month = 23;
        v.households.last_income[i] = 100_000;
        v.households.income_sum[i] = 0;
        v.assess_relapse(&p, 35, calendar);
        assert_eq!(v.year.relapses, 1);
        assert_eq!(v.households.state[i].relapsed_count, 1);
        // Its income fell: not a no-fall relapse.
        assert_eq!(
            v.year.relapses_no_fall_line_step + v.year.relapses_no_fall_noise,
            0
        );
        v.assess_relapse(&p, 47, calendar);
        assert_eq!(v.year.relapses, 1, "the same episode counts once");
        // Above the line the episode ends; the next fall is a new relapse.
        v.households.income_sum[i] = 100_000;
        v.assess_relapse(&p, 59, calendar);
        v.households.income_sum[i] = 0;
        v.assess_relapse(&p, 71, calendar);
        assert_eq!(v.year.relapses, 2);
    }

    #[test]
    fn relapsed_households_are_registered_again_unless_excluded() {
        let mut p = Params::small(1, 80, 60, 1);
        p.identification.base_exclusion = 0.0;
        let calendar = Calendar { start_year: 2014 };
        let mut v = Village::new(0, &p, 7, 0, calendar);
        let i = (0..v.households.len())
            .find(|&i| v.households.state[i].flags & flag::REGISTERED != 0)
            .expect("a registered household");
        let s = &mut v.households.state[i];
        s.flags = (s.flags & !flag::REGISTERED) | flag::EXITED | flag::GUARANTEES;
        v.households.income_sum[i] = 0;
        v.assess_relapse(&p, 35, calendar);
        assert_eq!(v.year.re_registrations, 1);
        assert!(v.households.state[i].flags & flag::REGISTERED != 0);
        assert!(v.households.state[i].flags & flag::EXITED == 0);
    }
}
