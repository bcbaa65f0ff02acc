//! Staggered dispatch of first secretaries (MODEL.md section 0.8, first bullet): which villages
//! get a secretary (`cadres.coverage`) and the month the first one arrives (uniform over
//! `cadres.arrival_spread_months` from January of `cadres.start_year`). Drawn once per village
//! at setup from the village's own dispatch stream; rotation then follows each tenure, so
//! rotations are not synchronised.

use rand::Rng;

use super::village::Village;
use crate::params::{Background, Params};
use crate::rng::{stream, Purpose};

/// A village's dispatch: whether it is covered and when its first secretary arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dispatch {
    /// The village gets a first secretary (u < coverage).
    pub covered: bool,
    /// Month index (0 = January of the run's first year) of the first arrival.
    pub first_arrival: u32,
}

/// Draw the dispatch of village `village`. Both draws are taken whatever the parameters, so
/// the villages covered at a lower coverage are a subset of those at a higher one and paired
/// runs stay aligned (Decision, V2_DESIGN 0.8). `cadres.enabled = false` is coverage 0.
pub fn draw(params: &Params, seed: u64, replicate: u32, village: u32) -> Dispatch {
    let mut rng = stream(seed, replicate, village, Purpose::Dispatch);
    let u: f64 = rng.random();
    let u_month: f64 = rng.random();
    let k = &params.cadres;
    let covered = k.enabled && u < k.coverage;
    let spread = k.arrival_spread_months.max(1);
    let offset = ((u_month * f64::from(spread)) as u32).min(spread - 1);
    let first_arrival = 12 * k.start_year.saturating_sub(params.simulation.start_year) + offset;
    Dispatch {
        covered,
        first_arrival,
    }
}

impl Village {
    /// The village's binding constraint among the areas a specialist acts on, read from the
    /// true levels (Decision, V2_DESIGN R13: the department knows them, so `matched` is a best
    /// case): the lowest of organisation (party building), industry base including producing
    /// projects (economic) and trust (social work). Returns the specialist and how far the
    /// weakest area lies below the mean of the other two (0-1).
    pub fn binding_constraint(&self) -> (Background, f64) {
        let areas = [
            (Background::PartyBuilding, self.organisation),
            (Background::Economic, self.industry_base_now()),
            (Background::SocialWork, self.trust),
        ];
        let mut weakest = 0;
        for (k, a) in areas.iter().enumerate().skip(1) {
            if a.1 < areas[weakest].1 {
                weakest = k;
            }
        }
        let others: f64 = areas
            .iter()
            .enumerate()
            .filter(|(k, _)| *k != weakest)
            .map(|(_, a)| a.1)
            .sum();
        (areas[weakest].0, others / 2.0 - areas[weakest].1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_is_the_share_covered_and_nested() {
        let mut p = Params::default();
        let n = 4000;
        let at = |p: &Params| -> Vec<bool> { (0..n).map(|v| draw(p, 9, 0, v).covered).collect() };
        let full = at(&p);
        p.cadres.coverage = 0.5;
        let half = at(&p);
        let share = half.iter().filter(|c| **c).count() as f64 / f64::from(n);
        assert!((share - 0.5).abs() < 0.03, "share {share}");
        assert!(half.iter().zip(&full).all(|(h, f)| !*h || *f));
        p.cadres.coverage = 0.0;
        assert!(at(&p).iter().all(|c| !*c));
        p.cadres.coverage = 1.0;
        p.cadres.enabled = false;
        assert!(at(&p).iter().all(|c| !*c));
    }

    #[test]
    fn the_binding_constraint_is_the_weakest_true_level() {
        let p = Params::small(1, 40, 12, 1);
        let calendar = crate::model::schedule::Calendar { start_year: 2014 };
        let mut v = Village::new(0, &p, 1, 0, calendar);
        v.industries.clear();
        v.organisation = 0.6;
        v.trust = 0.1;
        v.industry_base = 0.4;
        let (bg, gap) = v.binding_constraint();
        assert_eq!(bg, Background::SocialWork);
        assert!((gap - 0.4).abs() < 1e-12);
        v.organisation = 0.05;
        assert_eq!(v.binding_constraint().0, Background::PartyBuilding);
    }

    #[test]
    fn arrivals_spread_over_the_dispatch_year() {
        let p = Params::default();
        let mut seen = [0u32; 12];
        for v in 0..1200 {
            let d = draw(&p, 9, 0, v);
            assert!((12..24).contains(&d.first_arrival), "{}", d.first_arrival);
            seen[(d.first_arrival - 12) as usize] += 1;
        }
        assert!(seen.iter().all(|n| *n > 60), "{seen:?}");
    }
}
