//! Compulsory schooling (MODEL.md section 0.1): the county education programme closes a
//! registered household's schooling gap with annual probability `programmes.schooling.base`,
//! `programmes.schooling.contacted` when a contact reached the household in the last 12
//! months. Decision: no price (recurrent education budget), so nothing is booked.

use rand::Rng;

use super::household::flag;
use super::programmes::contacted_within_year;
use super::village::Village;
use crate::params::Params;

/// Annual probability that the county secures a missing schooling guarantee.
pub fn securing_probability(params: &Params, contacted: bool) -> f64 {
    let s = &params.programmes.schooling;
    if contacted {
        s.contacted
    } else {
        s.base
    }
}

impl Village {
    /// December: close schooling gaps of registered households.
    pub fn secure_schooling(&mut self, params: &Params, t: u32) {
        let hh = &mut self.households;
        let rng = &mut self.streams.programmes;
        for i in 0..hh.len() {
            let f = hh.state[i].flags;
            if f & flag::REGISTERED == 0 || f & flag::SCHOOLING_OK != 0 {
                continue;
            }
            let p = securing_probability(params, contacted_within_year(hh.last_contact[i], t));
            if rng.random::<f64>() < p {
                hh.state[i].flags |= flag::SCHOOLING_OK;
                self.programme_counts.schooling_secured += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::schedule::Calendar;

    #[test]
    fn contacts_raise_the_chance_a_gap_is_closed() {
        let p = Params::default();
        let mut closed = [0u32; 2];
        let mut gaps = [0u32; 2];
        for seed in 0..6 {
            let mut v = Village::new(0, &p, seed, 0, Calendar { start_year: 2014 });
            let reg: Vec<usize> = v.registered_list.iter().map(|&i| i as usize).collect();
            for (k, &i) in reg.iter().enumerate() {
                v.households.state[i].flags &= !flag::SCHOOLING_OK;
                if k % 2 == 0 {
                    v.households.last_contact[i] = 3;
                }
            }
            v.secure_schooling(&p, 11);
            for (k, &i) in reg.iter().enumerate() {
                gaps[k % 2] += 1;
                closed[k % 2] += u32::from(v.households.state[i].flags & flag::SCHOOLING_OK != 0);
            }
        }
        let contacted = f64::from(closed[0]) / f64::from(gaps[0]);
        let other = f64::from(closed[1]) / f64::from(gaps[1]);
        assert!((0.7..0.9).contains(&contacted), "{contacted}");
        assert!((0.4..0.6).contains(&other), "{other}");
    }
}
