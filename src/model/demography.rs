//! Demography and dependency, annual in December (MODEL.md section 0.2, "Demography" and
//! "Skill gains ... motivation falls"; ODD submodel "labour and migration").
//!
//! - Ageing: each labourer leaves working age with probability `demography.ageing_rate` (0.03 a
//!   year). The one who leaves is a labourer at home if there is one, else a migrant (who
//!   comes home for good), else the local job holder (the post is vacated). The member stays in
//!   the household as `aged`. Households become old and labour-less over the horizon, as the
//!   real hard core did.
//! - New labour: a household with a member who is neither a labourer nor aged (a child) gains a
//!   labourer with probability `demography.labour_gain_rate` (0.02 a year), up to 4.
//! - Dependency (a household on dibao with an able labourer and no work loses motivation) is
//!   applied once a year in the dibao review (`dibao.rs`, `programmes.dibao.dependency_decay`).
//!
//! Household size is fixed (no deaths or births): the horizon is 12 years.

use rand::Rng;

use super::village::Village;
use crate::params::Params;

impl Village {
    /// Ageing and new labourers (December). Draws one number per labourer and one per
    /// household from the demography stream, whatever the outcome.
    pub fn step_demography(&mut self, params: &Params) {
        let d = &params.demography;
        let ageing = d.ageing_rate;
        let gain = d.labour_gain_rate;
        let rng = &mut self.streams.demography;
        let hh = &mut self.households;
        for i in 0..hh.len() {
            let s = &mut hh.state[i];
            let mut leaving = 0u8;
            for _ in 0..s.labour {
                leaving += u8::from(rng.random::<f64>() < ageing);
            }
            for _ in 0..leaving {
                if s.at_home() == 0 {
                    if s.migrants > 0 {
                        s.migrants -= 1;
                    } else {
                        s.job = 0;
                    }
                }
                s.labour -= 1;
                hh.aged[i] = hh.aged[i].saturating_add(1).min(s.size);
            }
            let child = s.size > s.labour + hh.aged[i];
            if rng.random::<f64>() < gain && child && s.labour < 4 {
                s.labour += 1;
            }
            self.year.aged_out += u32::from(leaving);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::schedule::Calendar;
    use crate::model::village::Village;
    use crate::params::Params;

    fn village(params: &Params) -> Village {
        Village::new(0, params, 11, 0, Calendar { start_year: 2014 })
    }

    #[test]
    fn demography_ages_households_over_the_horizon() {
        let params = Params::default();
        let mut v = village(&params);
        let labour = |v: &Village| {
            v.households
                .state
                .iter()
                .map(|s| u32::from(s.labour))
                .sum::<u32>()
        };
        let no_labour = |v: &Village| v.households.state.iter().filter(|s| s.labour == 0).count();
        let (labour_0, none_0) = (labour(&v), no_labour(&v));
        for _ in 0..12 {
            v.step_demography(&params);
        }
        // Net loss: 3% of labourers a year against 2% of the households with a child.
        assert!(labour(&v) < labour_0, "{} -> {}", labour_0, labour(&v));
        assert!(no_labour(&v) > none_0, "{none_0} -> {}", no_labour(&v));
        assert!(v.year.aged_out > 0);
        let hh = &v.households;
        for i in 0..hh.len() {
            let s = &hh.state[i];
            assert!(s.labour + hh.aged[i] <= s.size);
            assert!(s.migrants <= s.labour && s.labour <= 4);
        }
        // Without ageing and gains nothing changes.
        let mut still = params.clone();
        still.demography.ageing_rate = 0.0;
        still.demography.labour_gain_rate = 0.0;
        let mut w = village(&still);
        let before = labour(&w);
        w.step_demography(&still);
        assert_eq!(labour(&w), before);
    }
}
