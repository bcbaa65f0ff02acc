//! Relocation to resettlement sites at its real scale (MODEL.md sections 0.1 and 7): about
//! 9.6 million registered poor, about a tenth of the register, moved 2016-2020.
//!
//! Each county's quota is `programmes.relocation.registered_share` of its initial (2014)
//! register, filled from its villages at or above `policy.relocation_remoteness`, most remote
//! first, each giving at most `programmes.relocation.max_village_share` of its own register
//! ([`assign_quotas`], once at initialisation, in village id order). A village moves its quota
//! evenly over 2016-2020, in December, registered households only; each move costs
//! `policy.relocation_cost` from the county line. A relocated household's remoteness drops to
//! 0.2, its farm income halves and its migration chance rises (as in v1).

use super::funds::{Source, Use};
use rand::Rng;

use super::household::flag;
use super::village::Village;
use crate::params::Params;

/// First and last year of the relocation programme.
pub const RELOCATION_YEARS: (u32, u32) = (2016, 2020);

/// Set every village's `relocation_quota` from its county's quota (see the module docs).
pub fn assign_quotas(villages: &mut [Village], params: &Params) {
    let counties = params.population.counties.max(1) as usize;
    let share = params.programmes.relocation.registered_share;
    let max_share = params.programmes.relocation.max_village_share;
    let threshold = params.policy.relocation_remoteness;
    let mut by_county: Vec<Vec<usize>> = vec![Vec::new(); counties];
    let mut register = vec![0usize; counties];
    for (k, v) in villages.iter_mut().enumerate() {
        v.relocation_quota = 0;
        let c = v.county as usize % counties;
        register[c] += v.registered_list.len();
        if v.remoteness >= threshold {
            by_county[c].push(k);
        }
    }
    for (c, mut members) in by_county.into_iter().enumerate() {
        let mut remaining = (share * register[c] as f64).round() as usize;
        members.sort_by(|&a, &b| {
            villages[b]
                .remoteness
                .total_cmp(&villages[a].remoteness)
                .then(a.cmp(&b))
        });
        for k in members {
            if remaining == 0 {
                break;
            }
            let room = (max_share * villages[k].registered_list.len() as f64).floor() as usize;
            let take = room.min(remaining);
            villages[k].relocation_quota = take as u32;
            remaining -= take;
        }
    }
}

/// Households to move in `year` when `remaining` of the quota are left: the rest spread evenly
/// over the programme's remaining years.
pub fn moves_this_year(remaining: u32, year: u32) -> u32 {
    let (first, last) = RELOCATION_YEARS;
    if !(first..=last).contains(&year) {
        return 0;
    }
    remaining.div_ceil(last - year + 1)
}

impl Village {
    /// December relocation (2016-2020): this year's share of the quota, registered households
    /// not yet relocated, drawn at random.
    pub fn relocate(&mut self, params: &Params, year: u32) {
        let remaining = self.relocation_quota.saturating_sub(self.relocated_total);
        let this_year = moves_this_year(remaining, year);
        if this_year == 0 || self.registered_list.is_empty() {
            return;
        }
        let cost = params.policy.relocation_cost;
        for _ in 0..this_year {
            let mut chosen = None;
            for _attempt in 0..32 {
                let k = self
                    .streams
                    .relocation
                    .random_range(0..self.registered_list.len());
                let i = self.registered_list[k] as usize;
                if self.households.state[i].flags & flag::RELOCATED == 0 {
                    chosen = Some(i);
                    break;
                }
            }
            let Some(i) = chosen else { break };
            self.households.state[i].flags |= flag::RELOCATED;
            self.relocated_total += 1;
            self.year.relocated += 1;
            self.programme_spending.relocation += cost;
            // Earmarked county money: arrives and is spent at once (a county line).
            self.book_line(Source::CountyLines, Use::Relocation, cost);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::schedule::Calendar;

    #[test]
    fn moves_spread_the_quota_over_2016_to_2020() {
        assert_eq!(moves_this_year(10, 2015), 0);
        assert_eq!(moves_this_year(10, 2016), 2);
        assert_eq!(moves_this_year(8, 2017), 2);
        assert_eq!(moves_this_year(3, 2020), 3);
        assert_eq!(moves_this_year(3, 2021), 0);
    }

    #[test]
    fn quotas_are_a_tenth_of_each_county_register_from_its_most_remote_villages() {
        // Every village remote enough to host moves, so the rule's tenth is reachable (with
        // the default remoteness cut the remote villages' registers can fall short of it:
        // 8.9% in this sample after model v2's integration).
        let mut p = Params::default();
        p.policy.relocation_remoteness = 0.0;
        let cal = Calendar { start_year: 2014 };
        let mut villages: Vec<Village> =
            (0..40).map(|id| Village::new(id, &p, 8, 0, cal)).collect();
        assign_quotas(&mut villages, &p);
        let register: usize = villages.iter().map(|v| v.registered_list.len()).sum();
        let quota: u32 = villages.iter().map(|v| v.relocation_quota).sum();
        let share = f64::from(quota) / register as f64;
        assert!((0.09..=0.101).contains(&share), "quota share {share}");
        for v in &villages {
            if v.relocation_quota > 0 {
                assert!(v.remoteness >= p.policy.relocation_remoteness);
                assert!(f64::from(v.relocation_quota) <= 0.6 * v.registered_list.len() as f64);
            }
        }
        // Moving the whole quota relocates registered households only.
        let mut v = villages
            .into_iter()
            .find(|v| v.relocation_quota > 0)
            .expect("a remote village");
        for year in 2016..=2020 {
            v.relocate(&p, year);
        }
        assert_eq!(v.relocated_total, v.relocation_quota);
        assert_eq!(
            v.programme_spending.relocation,
            60_000.0 * f64::from(v.relocation_quota)
        );
    }
}
