//! Safe drinking water, the fourth guarantee (MODEL.md section 0.1, "the 2019 standard"),
//! held at village level: `Village::water_safe` is set by the village's drinking-water project
//! (`infrastructure.rs`, section 0.6; with `projects.water_threshold` > 0 the infrastructure
//! index must also reach it). From
//! `programmes.water.standard_year` (Decision R5: 2019) every household of a village without
//! safe water is truly poor.

use super::village::Village;
use crate::params::Params;

/// Whether the water guarantee is missing in `year` for a village with `water_safe`.
pub fn water_missing(params: &Params, water_safe: bool, year: u32) -> bool {
    year >= params.programmes.water.standard_year && !water_safe
}

impl Village {
    /// Apply the water standard for `year` to the village's households (January, and at
    /// initialisation).
    pub fn update_water(&mut self, params: &Params, year: u32) {
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
        v.water_safe = true;
        v.update_water(&p, 2019);
        assert_eq!(poor(&v), before);
    }
}
