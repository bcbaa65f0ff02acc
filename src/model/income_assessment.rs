//! How officials observed a household's income (MODEL.md section 7, identification, and
//! docs/MODEL.md decision 144): the log of assessed income is the true log income plus
//! `measurement_noise x z`, where
//!
//! `z = sqrt(noise_persistence) x u + sqrt(1 - noise_persistence) x e`,
//!
//! `u` is the household's own persistent error (income it does not report, the same
//! documents and the same village cadres at every assessment; one standard normal per
//! household, fixed for the run) and `e` a fresh standard normal per assessment. So
//! `noise_persistence` is the correlation between two assessments' errors for the same
//! household. With independent errors (persistence 0, the first v2 build) a household exited on
//! a lucky draw was re-assessed a year later with a fresh draw, and a third of the first years'
//! relapses were households whose income had not fallen (the R10 diagnostic).
//!
//! The persistent part costs no memory: `u` is a hash of the village's key (derived from seed,
//! replicate, village and [`crate::rng::Purpose::Reporting`]) and the household's index, so it
//! depends only on those, never on the order of draws.

use crate::params::{ExitRule, Params};
use crate::rng::mix64;

/// Who assesses a household's income, and with what error: the village (standard rules:
/// `measurement_noise` with the household's persistent part) or the third-party assessors of
/// strict rules (`third_party_noise`, independent of the household). The exit and the relapse
/// assessments use the same assessor, so a household is observed the same way at both.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Assessor {
    /// Standard deviation of the log error of assessed income.
    pub noise: f64,
    /// Share of the error's variance that is the household's persistent part, 0-1.
    pub persistence: f64,
}

impl Assessor {
    /// The assessor of the scenario's exit rule.
    pub fn for_rule(params: &Params) -> Assessor {
        let id = &params.identification;
        if params.policy.exit_rule == ExitRule::Strict {
            Assessor {
                noise: id.third_party_noise,
                persistence: 0.0,
            }
        } else {
            Assessor {
                noise: id.measurement_noise,
                persistence: id.noise_persistence,
            }
        }
    }

    /// The standardised error of household `household` at this assessment, from its fresh
    /// standard-normal draw (the persistent part is hashed only when it counts).
    #[inline]
    pub fn error(&self, village_key: u64, household: usize, fresh: f64) -> f64 {
        if self.persistence > 0.0 {
            assessment_error(
                self.persistence,
                persistent_error(village_key, household),
                fresh,
            )
        } else {
            fresh
        }
    }
}

/// The household's persistent standard-normal reporting error (Box-Muller on two uniforms
/// hashed from the village key and the household index).
pub fn persistent_error(village_key: u64, household: usize) -> f64 {
    let a = mix64(village_key ^ (household as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let b = mix64(a ^ 0xD1B5_4A32_D192_ED03);
    // Uniforms in (0, 1] and [0, 1) from the top 53 bits.
    let u1 = ((a >> 11) as f64 + 1.0) / (1u64 << 53) as f64;
    let u2 = (b >> 11) as f64 / (1u64 << 53) as f64;
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// The standardised assessment error from the household's persistent part and this
/// assessment's fresh draw, both standard normal: standard normal again, with correlation
/// `persistence` between two assessments of the same household.
#[inline]
pub fn assessment_error(persistence: f64, persistent: f64, fresh: f64) -> f64 {
    persistence.sqrt() * persistent + (1.0 - persistence).sqrt() * fresh
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moments(xs: &[f64]) -> (f64, f64) {
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
        (mean, var)
    }

    #[test]
    fn the_persistent_error_is_standard_normal_and_differs_by_household_and_village() {
        let xs: Vec<f64> = (0..20_000).map(|i| persistent_error(12345, i)).collect();
        let (mean, var) = moments(&xs);
        assert!(mean.abs() < 0.03, "mean {mean}");
        assert!((var - 1.0).abs() < 0.05, "variance {var}");
        let below = xs.iter().filter(|&&x| x < -1.645).count() as f64 / xs.len() as f64;
        assert!((below - 0.05).abs() < 0.01, "lower tail {below}");
        assert_eq!(persistent_error(12345, 7), persistent_error(12345, 7));
        assert_ne!(persistent_error(12345, 7), persistent_error(12345, 8));
        assert_ne!(persistent_error(12345, 7), persistent_error(12346, 7));
    }

    #[test]
    fn two_assessments_correlate_by_the_persistence() {
        use rand::SeedableRng;
        use rand_distr::{Distribution, StandardNormal};
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(3);
        for persistence in [0.0, 0.6, 1.0] {
            let mut sum_xy = 0.0;
            let mut first = Vec::new();
            let mut second = Vec::new();
            for i in 0..20_000 {
                let u = persistent_error(99, i);
                let a = assessment_error(persistence, u, StandardNormal.sample(&mut rng));
                let b = assessment_error(persistence, u, StandardNormal.sample(&mut rng));
                sum_xy += a * b;
                first.push(a);
                second.push(b);
            }
            let (_, var_a) = moments(&first);
            let (_, var_b) = moments(&second);
            let corr = sum_xy / 20_000.0 / (var_a * var_b).sqrt();
            assert!((corr - persistence).abs() < 0.03, "{persistence}: {corr}");
            assert!((var_a - 1.0).abs() < 0.05);
        }
    }
}
