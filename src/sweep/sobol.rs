//! Sobol' variance-based sensitivity (Sobol' 1967, 2001): the Saltelli design and the
//! first-order and total indices with bootstrap intervals (Saltelli et al. 2010; Jansen 1999).
//! Pure functions of the design, the values and the random streams; no I/O.
//!
//! The design: two N x k matrices A and B whose rows are the first 2k coordinates of the first
//! N points of an Owen-scrambled Sobol' sequence (the `sobol_burley` crate, Burley 2020; its
//! scramble seed drawn from the sweep's seed), A the first k coordinates and B the next k; and
//! for each factor i the matrix A_B^(i): A with its column i taken from B. N (k + 2) points.
//!
//! The estimators, with f the model output and V the variance of f over the rows of A and B
//! pooled: first order S_i = mean_j f(B)_j (f(A_B^(i))_j - f(A)_j) / V (Saltelli et al. 2010,
//! table 2 (b)); total ST_i = mean_j (f(A)_j - f(A_B^(i))_j)^2 / (2 V) (Jansen 1999). f(B) in
//! the first-order estimator is centred on the pooled mean: the expectation is unchanged
//! (f(A_B^(i)) - f(A) has mean zero), but an output far from zero, such as household-years in
//! the thousands, no longer inflates the estimator's variance by its squared mean.

use rand::Rng;
use serde::{Deserialize, Serialize};

use super::bootstrap::{percentile_interval, resample_counts, Interval};
use super::design::Unit;
use crate::rng::{stream, Purpose};

/// Most swept keys of a Sobol design: the sequence has 256 coordinates, 2k are used.
pub const MAX_FACTORS: usize = 128;

/// Most base rows N: the length of the scrambled sequence (2^16).
pub const MAX_ROWS: i64 = 1 << 16;

/// Which matrix of the Saltelli design a point is a row of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Matrix {
    /// The first sample matrix.
    A,
    /// The second sample matrix.
    B,
    /// A with the column of this factor (0-based, file order) taken from B.
    Ab(u32),
}

impl Matrix {
    /// The label in `sweep.csv` and `points.csv`: `A`, `B`, or `AB<i>` with i the 1-based
    /// number of the factor in file order.
    pub fn label(self) -> String {
        match self {
            Matrix::A => "A".into(),
            Matrix::B => "B".into(),
            Matrix::Ab(i) => format!("AB{}", i + 1),
        }
    }
}

/// Where a point sits in the Saltelli design.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaltelliCell {
    /// Base row j (0-based): the points of one row share A's and B's row j.
    pub row: u32,
    /// The matrix it is a row of.
    pub matrix: Matrix,
}

/// The Saltelli design of `rows` base rows over `factors` factors (at most [`MAX_FACTORS`]
/// and [`MAX_ROWS`]), in unit coordinates, row by row: A_j, B_j, then A_B^(1)_j ... A_B^(k)_j.
/// The scramble seed comes from `seed` ([`Purpose::SobolDesign`]).
pub fn saltelli_design(rows: usize, factors: usize, seed: u64) -> Vec<(Vec<Unit>, SaltelliCell)> {
    let scramble: u32 = stream(seed, 0, 0, Purpose::SobolDesign).random();
    let coordinate =
        |j: usize, d: usize| f64::from(sobol_burley::sample(j as u32, d as u32, scramble));
    let mut out = Vec::with_capacity(rows * (factors + 2));
    for j in 0..rows {
        let a: Vec<Unit> = (0..factors).map(|d| coordinate(j, d)).collect();
        let b: Vec<Unit> = (0..factors).map(|d| coordinate(j, factors + d)).collect();
        let cell = |matrix| SaltelliCell {
            row: j as u32,
            matrix,
        };
        let mixed: Vec<Vec<Unit>> = (0..factors)
            .map(|i| {
                let mut ab = a.clone();
                ab[i] = b[i];
                ab
            })
            .collect();
        out.push((a, cell(Matrix::A)));
        out.push((b, cell(Matrix::B)));
        for (i, ab) in mixed.into_iter().enumerate() {
            out.push((ab, cell(Matrix::Ab(i as u32))));
        }
    }
    out
}

/// The model output at every row of the design: `a[j]`, `b[j]`, `ab[i][j]`; only rows where
/// every value is known.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SaltelliValues {
    /// f(A_j).
    pub a: Vec<f64>,
    /// f(B_j).
    pub b: Vec<f64>,
    /// f(A_B^(i)_j), by factor i.
    pub ab: Vec<Vec<f64>>,
}

/// First-order and total index of one factor, with their intervals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SobolIndex {
    /// First-order index S_i: the share of the variance the factor explains alone.
    pub first: f64,
    /// Its bootstrap interval.
    pub first_ci: Option<Interval>,
    /// Total index ST_i: the share that involves the factor (alone or with others).
    pub total: f64,
    /// Its bootstrap interval.
    pub total_ci: Option<Interval>,
}

impl SaltelliValues {
    /// Rows kept (all values known).
    pub fn rows(&self) -> usize {
        self.a.len()
    }

    /// (S_i, ST_i) of every factor over the rows weighted by `weight` (1 each for the estimate
    /// itself, resample counts for a bootstrap replicate); `None` when fewer than two rows
    /// count or the output does not vary.
    fn estimate(&self, weight: &dyn Fn(usize) -> f64) -> Option<Vec<(f64, f64)>> {
        let n: f64 = (0..self.rows()).map(weight).sum();
        if n < 2.0 {
            return None;
        }
        let pooled_mean = (0..self.rows())
            .map(|j| weight(j) * (self.a[j] + self.b[j]))
            .sum::<f64>()
            / (2.0 * n);
        let variance = (0..self.rows())
            .map(|j| {
                weight(j) * ((self.a[j] - pooled_mean).powi(2) + (self.b[j] - pooled_mean).powi(2))
            })
            .sum::<f64>()
            / (2.0 * n);
        // Below this the output is constant up to rounding: no share of nothing.
        let floor = 1e-12 * pooled_mean.abs().max(1.0).powi(2);
        if variance.is_nan() || variance <= floor {
            return None;
        }
        Some(
            self.ab
                .iter()
                .map(|ab| {
                    let (mut first, mut total) = (0.0, 0.0);
                    for (j, ((a, b), ab)) in self.a.iter().zip(&self.b).zip(ab).enumerate() {
                        let w = weight(j);
                        first += w * (b - pooled_mean) * (ab - a);
                        total += w * (a - ab).powi(2);
                    }
                    (first / n / variance, total / n / 2.0 / variance)
                })
                .collect(),
        )
    }

    /// The indices of every factor with `resamples` bootstrap resamples of the rows drawn from
    /// `stream(seed, 0, 0, Purpose::SensitivityBootstrap)`; `None` when the output does not vary
    /// (or fewer than two rows are known).
    pub fn indices(&self, resamples: u32, seed: u64) -> Option<Vec<SobolIndex>> {
        let estimate = self.estimate(&|_| 1.0)?;
        let mut rng = stream(seed, 0, 0, Purpose::SensitivityBootstrap);
        let k = self.ab.len();
        let (mut firsts, mut totals) = (vec![Vec::new(); k], vec![Vec::new(); k]);
        for _ in 0..resamples {
            let counts = resample_counts(self.rows(), &mut rng);
            if let Some(replicate) = self.estimate(&|j| f64::from(counts[j])) {
                for (i, (s, st)) in replicate.into_iter().enumerate() {
                    firsts[i].push(s);
                    totals[i].push(st);
                }
            }
        }
        Some(
            estimate
                .into_iter()
                .enumerate()
                .map(|(i, (first, total))| SobolIndex {
                    first,
                    first_ci: percentile_interval(&firsts[i]),
                    total,
                    total_ci: percentile_interval(&totals[i]),
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    #[test]
    fn the_design_has_a_b_and_one_mixed_matrix_per_factor_in_the_unit_cube() {
        let (n, k) = (16, 3);
        let design = saltelli_design(n, k, 11);
        assert_eq!(design.len(), n * (k + 2));
        for j in 0..n {
            let row = &design[j * (k + 2)..(j + 1) * (k + 2)];
            let (a, b) = (&row[0].0, &row[1].0);
            assert_eq!(row[0].1.matrix, Matrix::A);
            assert_eq!(row[1].1.matrix, Matrix::B);
            for (i, (ab, cell)) in row[2..].iter().enumerate() {
                assert_eq!(cell.matrix, Matrix::Ab(i as u32));
                assert_eq!(cell.row, j as u32);
                for f in 0..k {
                    assert_eq!(ab[f], if f == i { b[f] } else { a[f] });
                }
            }
            assert!(a.iter().chain(b).all(|u| (0.0..1.0).contains(u)));
            assert_ne!(a, b);
        }
        // Low discrepancy: 16 points of a (scrambled) Sobol' sequence put exactly one point in
        // each of the 16 strata of every coordinate.
        for d in 0..k {
            let mut strata: Vec<usize> = (0..n)
                .map(|j| (design[j * (k + 2)].0[d] * n as f64) as usize)
                .collect();
            strata.sort_unstable();
            assert_eq!(strata, (0..n).collect::<Vec<_>>());
        }
        assert_eq!(design, saltelli_design(n, k, 11));
        assert_ne!(design, saltelli_design(n, k, 12));
    }

    /// The Ishigami function (Ishigami and Homma 1990) of unit coordinates mapped to [-pi, pi].
    fn ishigami(u: &[f64]) -> f64 {
        let x: Vec<f64> = u.iter().map(|v| -PI + 2.0 * PI * v).collect();
        let (a, b) = (7.0, 0.1);
        x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin()
    }

    #[test]
    fn the_indices_of_the_ishigami_function_match_the_exact_values() {
        // Exact values for a = 7, b = 0.1; a fourth, inert factor has both indices 0.
        let exact_first = [0.3139, 0.4424, 0.0, 0.0];
        let exact_total = [0.5576, 0.4424, 0.2437, 0.0];
        let (n, k) = (8192, 4);
        let design = saltelli_design(n, k, 2024);
        let mut values = SaltelliValues {
            ab: vec![Vec::new(); k],
            ..SaltelliValues::default()
        };
        for (u, cell) in &design {
            let f = ishigami(&u[..3]);
            match cell.matrix {
                Matrix::A => values.a.push(f),
                Matrix::B => values.b.push(f),
                Matrix::Ab(i) => values.ab[i as usize].push(f),
            }
        }
        let indices = values.indices(1000, 7).expect("indices");
        for i in 0..k {
            let s = indices[i];
            let tolerance = if i == 3 { 0.03 } else { 0.05 };
            assert!(
                (s.first - exact_first[i]).abs() < tolerance,
                "S{} = {} (exact {})",
                i + 1,
                s.first,
                exact_first[i]
            );
            assert!(
                (s.total - exact_total[i]).abs() < tolerance,
                "ST{} = {} (exact {})",
                i + 1,
                s.total,
                exact_total[i]
            );
            let (first_ci, total_ci) = (s.first_ci.expect("ci"), s.total_ci.expect("ci"));
            assert!(
                first_ci.low <= exact_first[i] && exact_first[i] <= first_ci.high,
                "S{} interval {first_ci:?} misses {}",
                i + 1,
                exact_first[i]
            );
            if i < 3 {
                assert!(
                    total_ci.low <= exact_total[i] && exact_total[i] <= total_ci.high,
                    "ST{} interval {total_ci:?} misses {}",
                    i + 1,
                    exact_total[i]
                );
                // The intervals are informative: much narrower than the unit range.
                assert!(total_ci.high - total_ci.low < 0.1, "{total_ci:?}");
            }
        }
        // The inert factor changes nothing: its A_B values equal A's, so both indices and
        // their intervals are exactly 0.
        assert_eq!(indices[3].total, 0.0);
        assert_eq!(indices[3].first, 0.0);
        assert_eq!(
            indices[3].total_ci,
            Some(Interval {
                low: 0.0,
                high: 0.0
            })
        );
    }

    #[test]
    fn a_constant_output_has_no_indices_and_a_linear_one_is_additive() {
        let constant = SaltelliValues {
            a: vec![1.0; 10],
            b: vec![1.0; 10],
            ab: vec![vec![1.0; 10]],
        };
        assert_eq!(constant.indices(100, 1), None);
        // f = 2 x0 + x1 on U(0,1)^2: S = ST = (4/5, 1/5) (no interactions).
        let (n, k) = (4096, 2);
        let mut values = SaltelliValues {
            ab: vec![Vec::new(); k],
            ..SaltelliValues::default()
        };
        for (u, cell) in saltelli_design(n, k, 5) {
            let f = 2.0 * u[0] + u[1];
            match cell.matrix {
                Matrix::A => values.a.push(f),
                Matrix::B => values.b.push(f),
                Matrix::Ab(i) => values.ab[i as usize].push(f),
            }
        }
        let s = values.indices(200, 3).expect("indices");
        for (i, exact) in [0.8, 0.2].into_iter().enumerate() {
            assert!((s[i].first - exact).abs() < 0.03, "{:?}", s[i]);
            assert!((s[i].total - exact).abs() < 0.03, "{:?}", s[i]);
        }
    }
}
