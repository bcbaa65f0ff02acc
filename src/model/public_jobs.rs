//! Public-welfare and ecological jobs (MODEL.md section 0.1), from `start_year`: each
//! December the village's posts for next year, `per_100_registered` per 100 registered
//! households (counted with the exited households within post-exit support), go to registered
//! households with an able labourer but no migrant and no local job, lowest income first. A post pays `wage` a year (`ranger_wage` in eco-restricted
//! villages: ecological rangers), a twelfth each month in the household step, and takes that
//! labourer off the farm.
//!
//! Decisions: a holder keeps its post while registered or within post-exit support ("no
//! removal of policies"), so an exit does not take the wage away; the posts are counted on the
//! registered plus supported households, so they do not vanish as the register empties in 2020.

use super::household::flag;
use super::village::Village;
use crate::params::Params;

/// Posts for a register of `registered` households.
pub fn posts(per_100_registered: f64, registered: usize) -> usize {
    (per_100_registered / 100.0 * registered as f64).round() as usize
}

/// Whether a household can hold a post: an able labourer at home, no migrant, no local job.
fn can_hold(s: &super::household::HouseholdState) -> bool {
    s.labour > 0 && s.migrants == 0 && s.job == 0
}

impl Village {
    /// December: next year's posts (`year` is next year). Posts are counted on the programme's
    /// population (registered households and exited households within post-exit support);
    /// holders in it who can still hold a post keep it ("no removal of policies"), the richest
    /// going first if posts shrink; vacancies go to registered households, lowest income first,
    /// then to supported exited households.
    pub fn fill_public_jobs(&mut self, params: &Params, year: u32) {
        let j = &params.programmes.public_jobs;
        let support_months = params.policy.post_exit_support_years.saturating_mul(12);
        let t_next = (year.saturating_sub(params.simulation.start_year)) * 12;
        let hh = &mut self.households;
        if year < j.start_year {
            hh.public_wage.iter_mut().for_each(|w| *w = 0);
            return;
        }
        let yearly = if self.eco_restricted {
            j.ranger_wage
        } else {
            j.wage
        };
        let monthly = (yearly / 12.0).round().clamp(1.0, f64::from(u16::MAX)) as u16;
        // (holder first, not registered, income, household) over the programme population.
        let mut population = 0usize;
        let mut ranked: Vec<(bool, bool, f32, u32)> = Vec::new();
        for i in 0..hh.len() {
            let s = &hh.state[i];
            let registered = s.flags & flag::REGISTERED != 0;
            let in_programme = registered || s.within_support(t_next, support_months);
            let holder = hh.public_wage[i] > 0;
            hh.public_wage[i] = 0;
            if !in_programme {
                continue;
            }
            population += 1;
            if can_hold(s) {
                ranked.push((!holder, !registered, hh.income_pc(i), i as u32));
            }
        }
        let n = posts(j.per_100_registered, population);
        ranked.sort_unstable_by(|a, b| {
            (a.0, a.1)
                .cmp(&(b.0, b.1))
                .then(a.2.total_cmp(&b.2))
                .then(a.3.cmp(&b.3))
        });
        let filled = n.min(ranked.len());
        for &(_, _, _, i) in &ranked[..filled] {
            hh.public_wage[i as usize] = monthly;
        }
        self.programme_counts.public_posts += filled as u32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::schedule::Calendar;

    #[test]
    fn posts_go_to_the_poorest_able_registered_households_and_the_count_binds() {
        let p = Params::default();
        let mut v = Village::new(4, &p, 3, 0, Calendar { start_year: 2014 });
        v.eco_restricted = false;
        v.fill_public_jobs(&p, 2015);
        assert!(
            v.households.public_wage.iter().all(|w| *w == 0),
            "none before 2016"
        );
        v.fill_public_jobs(&p, 2016);
        let holders: Vec<usize> = (0..v.households.len())
            .filter(|&i| v.households.public_wage[i] > 0)
            .collect();
        let n = posts(3.0, v.registered_list.len());
        assert!(n > 0);
        assert_eq!(holders.len(), n);
        assert!(holders.iter().all(|&i| v.households.public_wage[i] == 500));
        let worst_holder = holders
            .iter()
            .map(|&i| v.households.income_pc(i))
            .fold(f32::MIN, f32::max);
        // No eligible non-holder is poorer than the richest holder.
        for &i in &v.registered_list {
            let i = i as usize;
            let s = &v.households.state[i];
            if s.labour > 0 && s.migrants == 0 && s.job == 0 && v.households.public_wage[i] == 0 {
                assert!(v.households.income_pc(i) >= worst_holder);
            }
            if s.labour == 0 {
                assert_eq!(v.households.public_wage[i], 0);
            }
        }
        // A holder that exits keeps its post within post-exit support.
        let exiting = holders[0];
        let s = &mut v.households.state[exiting];
        s.flags = (s.flags & !flag::REGISTERED) | flag::EXITED;
        s.exit_month = 23;
        v.fill_public_jobs(&p, 2016);
        assert_eq!(v.households.public_wage[exiting], 500);
        v.eco_restricted = true;
        v.fill_public_jobs(&p, 2017);
        assert!(v.households.public_wage.contains(&833));
    }
}
