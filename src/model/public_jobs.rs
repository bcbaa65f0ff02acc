//! Public-welfare and ecological jobs (MODEL.md section 0.1), from `start_year`: each
//! December the village's posts for next year, `per_100_registered` per 100 registered
//! households, go to registered households with an able labourer but no migrant and no local
//! job, lowest income first. A post pays `wage` a year (`ranger_wage` in eco-restricted
//! villages: ecological rangers), a twelfth each month in the household step, and takes that
//! labourer off the farm.
//!
//! Decision: posts are refilled every December from the register, so a holder that exits keeps
//! its post to the next fill (post-exit support) and then gives it up to a registered household.

use super::household::flag;
use super::village::Village;
use crate::params::Params;

/// Posts for a register of `registered` households.
pub fn posts(per_100_registered: f64, registered: usize) -> usize {
    (per_100_registered / 100.0 * registered as f64).round() as usize
}

impl Village {
    /// December: clear this year's posts and fill next year's (`year` is next year).
    pub fn fill_public_jobs(&mut self, params: &Params, year: u32) {
        let j = &params.programmes.public_jobs;
        let hh = &mut self.households;
        hh.public_wage.iter_mut().for_each(|w| *w = 0);
        if year < j.start_year {
            return;
        }
        let yearly = if self.eco_restricted {
            j.ranger_wage
        } else {
            j.wage
        };
        let monthly = (yearly / 12.0).round().clamp(0.0, f64::from(u16::MAX)) as u16;
        let n = posts(j.per_100_registered, self.registered_list.len());
        let mut candidates: Vec<(f32, u32)> = self
            .registered_list
            .iter()
            .filter(|&&i| {
                let s = &hh.state[i as usize];
                s.flags & flag::REGISTERED != 0 && s.labour > 0 && s.migrants == 0 && s.job == 0
            })
            .map(|&i| (hh.income_pc(i as usize), i))
            .collect();
        candidates.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let filled = n.min(candidates.len());
        for &(_, i) in &candidates[..filled] {
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
        v.eco_restricted = true;
        v.fill_public_jobs(&p, 2017);
        assert!(v.households.public_wage.iter().any(|w| *w == 833));
    }
}
