//! Dilapidated-housing renovation (MODEL.md section 0.1): a county programme with an annual
//! capacity, `programmes.housing.capacity` of the unsafe registered houses, each costing
//! `programmes.housing.cost` from the county housing line. Households a contact reached in the
//! last 12 months go first, the rest in a random order drawn each year. Renovated houses stay
//! safe.

use rand::Rng;

use super::household::flag;
use super::programmes::contacted_within_year;
use super::village::Village;
use crate::params::Params;

/// Houses renovated this year from a queue of `queue` unsafe houses at `capacity` (a share),
/// rounded up so that a short queue is not starved.
pub fn renovations(queue: usize, capacity: f64) -> usize {
    ((queue as f64 * capacity.clamp(0.0, 1.0)).ceil() as usize).min(queue)
}

impl Village {
    /// December: renovate the first houses of the queue, up to the county's capacity.
    pub fn renovate_housing(&mut self, params: &Params, t: u32) {
        let hh = &mut self.households;
        let rng = &mut self.streams.programmes;
        // (not contacted, random key, household): contacted households first.
        let mut queue: Vec<(bool, u32, u32)> = Vec::new();
        for i in 0..hh.len() {
            let f = hh.state[i].flags;
            if f & flag::REGISTERED != 0 && f & flag::HOUSING_SAFE == 0 {
                let contacted = contacted_within_year(hh.last_contact[i], t);
                queue.push((!contacted, rng.random::<u32>(), i as u32));
            }
        }
        queue.sort_unstable();
        let n = renovations(queue.len(), params.programmes.housing.capacity);
        for &(_, _, i) in &queue[..n] {
            hh.state[i as usize].flags |= flag::HOUSING_SAFE;
        }
        self.programme_counts.housing_queue += queue.len() as u32;
        self.programme_counts.houses_renovated += n as u32;
        self.programme_spending.housing += params.programmes.housing.cost * n as f64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::schedule::Calendar;

    #[test]
    fn capacity_rounds_up_and_never_exceeds_the_queue() {
        assert_eq!(renovations(0, 0.25), 0);
        assert_eq!(renovations(1, 0.25), 1);
        assert_eq!(renovations(8, 0.25), 2);
        assert_eq!(renovations(9, 0.25), 3);
        assert_eq!(renovations(9, 0.0), 0);
        assert_eq!(renovations(9, 1.0), 9);
    }

    #[test]
    fn capacity_binds_and_contacted_households_go_first() {
        let p = Params::default();
        let mut v = Village::new(2, &p, 9, 0, Calendar { start_year: 2014 });
        // Every registered house unsafe; two of them contacted this year.
        let reg: Vec<usize> = v.registered_list.iter().map(|&i| i as usize).collect();
        assert!(reg.len() >= 20);
        for &i in &reg {
            v.households.state[i].flags &= !flag::HOUSING_SAFE;
        }
        let contacted = [reg[reg.len() - 1], reg[reg.len() - 2]];
        for &i in &contacted {
            v.households.last_contact[i] = 5;
        }
        v.renovate_housing(&p, 11);
        let safe = reg
            .iter()
            .filter(|&&i| v.households.state[i].flags & flag::HOUSING_SAFE != 0)
            .count();
        assert_eq!(safe, renovations(reg.len(), 0.25));
        assert!(safe < reg.len(), "the capacity binds");
        for &i in &contacted {
            assert_ne!(v.households.state[i].flags & flag::HOUSING_SAFE, 0);
        }
        assert_eq!(v.programme_spending.housing, 25_000.0 * safe as f64);
    }
}
