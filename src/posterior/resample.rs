//! Weighted resampling of particles: which particles the posterior draws use.
//!
//! Systematic resampling (Kitagawa 1996; Douc, Cappé & Moulines 2005): one uniform `u` in
//! [0, 1/n) and the n evenly spaced points `u + j/n`, j = 0..n; draw j takes the particle whose
//! slice of the cumulative weights holds point j. Each particle is drawn either floor(n w) or
//! ceil(n w) times (w its normalised weight), so the draws follow the weights with less noise
//! than n independent draws, and the result is fixed by the one uniform (deterministic given
//! the stream).

use rand::Rng;

use crate::rng::Stream;

/// Indices of `n` particles drawn by systematic resampling from `weights` (non-negative, not
/// all zero; they need not sum to 1), in ascending order. Empty when `n` is 0 or no weight is
/// positive.
pub fn systematic(weights: &[f64], n: usize, rng: &mut Stream) -> Vec<usize> {
    let total: f64 = weights.iter().filter(|w| w.is_finite() && **w > 0.0).sum();
    if n == 0 || total <= 0.0 {
        return Vec::new();
    }
    let u: f64 = rng.random::<f64>();
    let last = weights
        .iter()
        .rposition(|w| w.is_finite() && *w > 0.0)
        .unwrap_or(0);
    let mut drawn = Vec::with_capacity(n);
    let mut k = 0;
    let mut cumulative = positive(weights[0]) / total;
    for j in 0..n {
        let point = (u + j as f64) / n as f64;
        while cumulative <= point && k < last {
            k += 1;
            cumulative += positive(weights[k]) / total;
        }
        drawn.push(k);
    }
    drawn
}

/// The weight, or 0 for a weight that cannot be drawn (negative, NaN).
fn positive(w: f64) -> f64 {
    if w.is_finite() && w > 0.0 {
        w
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{stream, Purpose};

    fn rng(seed: u64) -> Stream {
        stream(seed, 0, 0, Purpose::PosteriorDraws)
    }

    #[test]
    fn each_particle_is_drawn_floor_or_ceil_of_n_times_its_weight() {
        let weights = [0.5, 0.0, 0.2, 0.3, 0.0];
        for seed in 0..200 {
            let drawn = systematic(&weights, 20, &mut rng(seed));
            assert_eq!(drawn.len(), 20);
            assert!(drawn.windows(2).all(|w| w[0] <= w[1]), "ascending");
            for (k, w) in weights.iter().enumerate() {
                let count = drawn.iter().filter(|&&d| d == k).count() as f64;
                let expected = 20.0 * w;
                assert!(
                    count >= expected.floor() && count <= expected.ceil(),
                    "seed {seed}: particle {k} drawn {count} times, weight {w}"
                );
            }
        }
    }

    #[test]
    fn draws_follow_uneven_weights_on_average() {
        // Weight 0.13 with 3 draws: drawn 0 or 1 times, once in 0.39 of the seeds on average.
        let weights = [0.13, 0.6, 0.27];
        let trials = 4000;
        let mut hits = 0;
        for seed in 0..trials {
            hits += systematic(&weights, 3, &mut rng(seed))
                .iter()
                .filter(|&&d| d == 0)
                .count();
        }
        let mean = hits as f64 / trials as f64;
        assert!((mean - 0.39).abs() < 0.03, "mean draws {mean}");
    }

    #[test]
    fn unnormalised_weights_and_degenerate_cases() {
        let a = systematic(&[2.0, 6.0], 4, &mut rng(1));
        let b = systematic(&[0.25, 0.75], 4, &mut rng(1));
        assert_eq!(a, b);
        assert_eq!(a.iter().filter(|&&d| d == 1).count(), 3);
        assert!(systematic(&[0.0, 0.0], 4, &mut rng(1)).is_empty());
        assert!(systematic(&[1.0], 0, &mut rng(1)).is_empty());
        assert_eq!(systematic(&[0.0, 0.0, 1.0], 3, &mut rng(1)), vec![2, 2, 2]);
        // The same stream gives the same draws.
        assert_eq!(
            systematic(&[0.1, 0.2, 0.7], 7, &mut rng(9)),
            systematic(&[0.1, 0.2, 0.7], 7, &mut rng(9))
        );
    }
}
