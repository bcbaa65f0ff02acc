//! Sweep designs: which points to run and in what order. Pure functions of the design and its
//! random stream; no I/O.
//!
//! - a full factorial **grid** over listed values;
//! - a **Latin hypercube** (`lhs`) of N points over ranges: each range cut into N equal strata,
//!   each stratum used exactly once per parameter, a uniform draw within it;
//! - **Morris** elementary-effects trajectories (Morris 1991; Campolongo et al. 2007): r random
//!   one-at-a-time trajectories on a p-level grid of the unit hypercube, k + 1 points each, each
//!   step moving one parameter by Δ = p / (2 (p - 1)).

use rand::seq::SliceRandom;
use rand::Rng;

use crate::rng::{stream, Purpose};

/// Where a sampled value lies in its range, in [0, 1] (unit hypercube coordinate).
pub type Unit = f64;

/// One Morris step: which factor moved between the previous point and this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MorrisStep {
    /// Trajectory index.
    pub trajectory: u32,
    /// Position in the trajectory (0 = its starting point).
    pub step: u32,
    /// Index of the factor that moved to reach this point (`None` for the starting point).
    pub moved: Option<u32>,
}

/// Cartesian product of `sizes[k]` levels per factor, first factor varying slowest: one index
/// vector per point.
pub fn grid_indices(sizes: &[usize]) -> Vec<Vec<usize>> {
    let total: usize = sizes.iter().product();
    if sizes.is_empty() || total == 0 {
        return Vec::new();
    }
    (0..total)
        .map(|mut n| {
            let mut idx = vec![0; sizes.len()];
            for k in (0..sizes.len()).rev() {
                idx[k] = n % sizes[k];
                n /= sizes[k];
            }
            idx
        })
        .collect()
}

/// A Latin hypercube of `points` points in `factors` dimensions, in unit coordinates.
pub fn latin_hypercube(points: usize, factors: usize, seed: u64) -> Vec<Vec<Unit>> {
    let mut rng = stream(seed, 0, 0, Purpose::SweepDesign);
    let mut out = vec![vec![0.0; factors]; points];
    for k in 0..factors {
        let mut strata: Vec<usize> = (0..points).collect();
        strata.shuffle(&mut rng);
        for (point, stratum) in out.iter_mut().zip(strata) {
            let u: f64 = rng.random();
            point[k] = (stratum as f64 + u) / points as f64;
        }
    }
    out
}

/// The Morris step Δ for `levels` levels: p / (2 (p - 1)).
pub fn morris_delta(levels: u32) -> f64 {
    f64::from(levels) / (2.0 * (f64::from(levels) - 1.0))
}

/// `trajectories` Morris trajectories over `factors` factors on a `levels`-level grid (levels
/// even, at least 2): (unit coordinates, step) for each of the r (k + 1) points, trajectory by
/// trajectory.
pub fn morris_trajectories(
    trajectories: usize,
    factors: usize,
    levels: u32,
    seed: u64,
) -> Vec<(Vec<Unit>, MorrisStep)> {
    // A different stream position from the Latin hypercube's (replicate slot 1).
    let mut rng = stream(seed, 1, 0, Purpose::SweepDesign);
    let delta = morris_delta(levels);
    let lowest_levels = (levels / 2).max(1);
    let mut out = Vec::with_capacity(trajectories * (factors + 1));
    for t in 0..trajectories {
        let mut x = vec![0.0; factors];
        let mut up = vec![true; factors];
        for k in 0..factors {
            let base = f64::from(rng.random_range(0..lowest_levels)) / (f64::from(levels) - 1.0);
            up[k] = rng.random::<bool>();
            x[k] = if up[k] { base } else { base + delta };
        }
        let mut order: Vec<usize> = (0..factors).collect();
        order.shuffle(&mut rng);
        out.push((
            x.clone(),
            MorrisStep {
                trajectory: t as u32,
                step: 0,
                moved: None,
            },
        ));
        for (s, &k) in order.iter().enumerate() {
            x[k] = if up[k] { x[k] + delta } else { x[k] - delta };
            out.push((
                x.clone(),
                MorrisStep {
                    trajectory: t as u32,
                    step: s as u32 + 1,
                    moved: Some(k as u32),
                },
            ));
        }
    }
    out
}

/// The order points run in, so that a partial sweep already covers the space evenly: point
/// ids in bit-reversed (van der Corput) order. On a grid this visits the extremes and middle of
/// the slowest factor first, then fills in between; any prefix is spread over the whole grid.
pub fn interleaved_order(points: usize) -> Vec<usize> {
    if points <= 1 {
        return (0..points).collect();
    }
    let bits = usize::BITS - (points - 1).leading_zeros();
    (0..1usize << bits)
        .map(|i| i.reverse_bits() >> (usize::BITS - bits))
        .filter(|&j| j < points)
        .collect()
}

/// The points of shard `shard` of `shards`, given the run order: every `shards`-th point of the
/// order, starting at position `shard` (so each shard's points also cover the space evenly).
pub fn shard_points(order: &[usize], shard: u32, shards: u32) -> Vec<usize> {
    order
        .iter()
        .enumerate()
        .filter(|(position, _)| *position as u32 % shards == shard)
        .map(|(_, &p)| p)
        .collect()
}

/// Elementary effects of one indicator: for each point that moved one factor, the change of
/// the indicator divided by the change of that factor in unit coordinates (so an effect is the
/// change across the factor's whole range). `values[p]` is the indicator at point p (None = NA);
/// `units[p]` its unit coordinates. Returns the effects of each factor.
pub fn elementary_effects(
    steps: &[MorrisStep],
    units: &[Vec<Unit>],
    values: &[Option<f64>],
    factors: usize,
) -> Vec<Vec<f64>> {
    elementary_effects_by_trajectory(steps, units, values, factors)
        .into_iter()
        .map(|e| e.into_iter().map(|(_, x)| x).collect())
        .collect()
}

/// [`elementary_effects`], each effect with the trajectory it comes from (for resampling
/// trajectories).
pub fn elementary_effects_by_trajectory(
    steps: &[MorrisStep],
    units: &[Vec<Unit>],
    values: &[Option<f64>],
    factors: usize,
) -> Vec<Vec<(u32, f64)>> {
    let mut effects = vec![Vec::new(); factors];
    for p in 1..steps.len() {
        let Some(k) = steps[p].moved else { continue };
        let k = k as usize;
        if steps[p - 1].trajectory != steps[p].trajectory {
            continue;
        }
        let dx = units[p][k] - units[p - 1][k];
        if let (Some(before), Some(after)) = (values[p - 1], values[p]) {
            if dx.abs() > 1e-12 && before.is_finite() && after.is_finite() {
                effects[k].push((steps[p].trajectory, (after - before) / dx));
            }
        }
    }
    effects
}

/// Morris summary of one factor's effects: (mu*, mu, sigma) = mean of |effect|, mean effect,
/// sample standard deviation (NaN with fewer than two effects).
pub fn morris_summary(effects: &[f64]) -> Option<(f64, f64, f64)> {
    if effects.is_empty() {
        return None;
    }
    let n = effects.len() as f64;
    let mu = effects.iter().sum::<f64>() / n;
    let mu_star = effects.iter().map(|e| e.abs()).sum::<f64>() / n;
    let sigma = if effects.len() > 1 {
        (effects.iter().map(|e| (e - mu).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    } else {
        f64::NAN
    };
    Some((mu_star, mu, sigma))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grid_is_the_full_product_with_the_first_factor_slowest() {
        let g = grid_indices(&[3, 2]);
        assert_eq!(g.len(), 6);
        assert_eq!(g[0], vec![0, 0]);
        assert_eq!(g[1], vec![0, 1]);
        assert_eq!(g[2], vec![1, 0]);
        assert_eq!(g[5], vec![2, 1]);
        assert!(grid_indices(&[]).is_empty());
    }

    #[test]
    fn a_latin_hypercube_uses_every_stratum_once_per_factor() {
        let n = 17;
        let lhs = latin_hypercube(n, 3, 42);
        assert_eq!(lhs.len(), n);
        for k in 0..3 {
            let mut strata: Vec<usize> = lhs.iter().map(|p| (p[k] * n as f64) as usize).collect();
            strata.sort_unstable();
            assert_eq!(strata, (0..n).collect::<Vec<_>>());
        }
        assert_eq!(lhs, latin_hypercube(n, 3, 42));
        assert_ne!(lhs, latin_hypercube(n, 3, 43));
    }

    #[test]
    fn morris_trajectories_move_one_factor_by_delta_per_step_within_the_unit_cube() {
        let (r, k, p) = (5, 4, 4);
        let design = morris_trajectories(r, k, p, 7);
        assert_eq!(design.len(), r * (k + 1));
        let delta = morris_delta(p);
        for w in design.windows(2) {
            let ((a, _), (b, step)) = (&w[0], &w[1]);
            for x in b {
                assert!((-1e-12..=1.0 + 1e-12).contains(x));
            }
            if let Some(moved) = step.moved {
                for f in 0..k {
                    let d = (b[f] - a[f]).abs();
                    if f == moved as usize {
                        assert!((d - delta).abs() < 1e-12);
                    } else {
                        assert!(d < 1e-12);
                    }
                }
            }
        }
        // Each trajectory moves every factor exactly once.
        for t in 0..r {
            let mut moved: Vec<u32> = design[t * (k + 1)..(t + 1) * (k + 1)]
                .iter()
                .filter_map(|(_, s)| s.moved)
                .collect();
            moved.sort_unstable();
            assert_eq!(moved, vec![0, 1, 2, 3]);
        }
    }

    #[test]
    fn elementary_effects_recover_a_linear_function() {
        // y = 3 x0 - 2 x1 + 0 x2: effects are exactly the slopes, sigma 0.
        let design = morris_trajectories(6, 3, 4, 1);
        let units: Vec<Vec<f64>> = design.iter().map(|(u, _)| u.clone()).collect();
        let steps: Vec<MorrisStep> = design.iter().map(|(_, s)| *s).collect();
        let values: Vec<Option<f64>> = units
            .iter()
            .map(|u| Some(3.0 * u[0] - 2.0 * u[1]))
            .collect();
        let effects = elementary_effects(&steps, &units, &values, 3);
        let (mu_star, mu, sigma) = morris_summary(&effects[0]).expect("effects");
        assert!((mu_star - 3.0).abs() < 1e-9 && (mu - 3.0).abs() < 1e-9 && sigma < 1e-9);
        let (mu_star, mu, _) = morris_summary(&effects[1]).expect("effects");
        assert!((mu_star - 2.0).abs() < 1e-9 && (mu + 2.0).abs() < 1e-9);
        let (mu_star, _, _) = morris_summary(&effects[2]).expect("effects");
        assert!(mu_star.abs() < 1e-9);
    }

    #[test]
    fn interleaved_order_is_a_permutation_whose_prefix_spreads_out() {
        for n in [1, 2, 5, 6, 16, 37] {
            let mut order = interleaved_order(n);
            assert_eq!(order.len(), n);
            if n >= 4 {
                // The first two points are far apart: the start and the middle.
                assert_eq!(order[0], 0);
                assert!(order[1] >= n / 2 - 1, "{order:?}");
            }
            order.sort_unstable();
            assert_eq!(order, (0..n).collect::<Vec<_>>());
        }
    }

    #[test]
    fn shards_split_the_points_without_overlap_or_loss() {
        let order = interleaved_order(23);
        let mut all: Vec<usize> = (0..4).flat_map(|s| shard_points(&order, s, 4)).collect();
        all.sort_unstable();
        assert_eq!(all, (0..23).collect::<Vec<_>>());
        let sizes: Vec<usize> = (0..4).map(|s| shard_points(&order, s, 4).len()).collect();
        assert!(sizes.iter().max().unwrap_or(&0) - sizes.iter().min().unwrap_or(&0) <= 1);
    }
}
