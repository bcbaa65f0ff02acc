//! Safe drinking water, the fourth guarantee (MODEL.md section 0.1, "the 2019 standard"),
//! held at village level. Stand-in until the money track's infrastructure sets the flag with a
//! water project (section 0.6): a village is water-safe once its infrastructure index reaches
//! `programmes.water.infrastructure_threshold`, and stays so. From
//! `programmes.water.standard_year` (Decision R5: 2019) every household of a village without
//! safe water is truly poor.

use super::village::Village;
use crate::params::Params;

/// Whether the water guarantee is missing in `year` for a village with `water_safe`.
pub fn water_missing(params: &Params, water_safe: bool, year: u32) -> bool {
    year >= params.programmes.water.standard_year && !water_safe
}

impl Village {
    /// Update the village's water flag from its infrastructure and apply the standard for
    /// `year` (January, and at initialisation).
    pub fn update_water(&mut self, params: &Params, year: u32) {
        if self.infrastructure >= params.programmes.water.infrastructure_threshold {
            self.water_safe = true;
        }
        self.households.water_missing = water_missing(params, self.water_safe, year);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::schedule::Calendar;

    #[test]
    fn missing_water_makes_everyone_truly_poor_from_the_standard_year() {
        let p = Params::default();
        let mut v = Village::new(0, &p, 1, 0, Calendar { start_year: 2014 });
        v.infrastructure = 0.3;
        v.water_safe = false;
        v.update_water(&p, 2018);
        let line = 1.0; // nobody is income-poor against this line
        let poor = |v: &Village| {
            (0..v.households.len())
                .filter(|&i| v.households.truly_poor(i, line))
                .count()
        };
        let before = poor(&v);
        v.update_water(&p, 2019);
        assert_eq!(poor(&v), v.households.len());
        assert!(before < v.households.len());
        v.infrastructure = 0.65;
        v.update_water(&p, 2019);
        assert_eq!(poor(&v), before);
        // Once safe, stays safe.
        v.infrastructure = 0.1;
        v.update_water(&p, 2020);
        assert!(v.water_safe);
    }
}
