//! Approximate Bayesian computation by sequential Monte Carlo (ABC-SMC; Beaumont, Cornuet,
//! Marin and Robert 2009, "Adaptive approximate Bayesian computation", Biometrika 96(4)), with
//! tolerances chosen adaptively as a quantile of the previous generation's distances (Del Moral,
//! Doucet and Jasra 2012; Drovandi and Pettitt 2011).
//!
//! Generation 0 draws `particles` parameter vectors from the priors (independent uniforms over
//! the prior ranges) and keeps them all. Generation g > 0 sets its tolerance to the `quantile`
//! of generation g-1's distances, then proposes candidates in batches of `particles`: each picks
//! an ancestor from generation g-1 by weight and moves it by a Gaussian kernel (per parameter,
//! standard deviation sqrt(2 x the weighted variance of generation g-1), redrawn until inside
//! the prior ranges). Candidates whose distance is at most the tolerance are accepted, in
//! candidate order, until `particles` are; their weights are prior / sum_j W_j K(theta | theta_j)
//! with the kernel truncated to the prior box (each ancestor's kernel divided by the mass it
//! puts inside the box), normalised to sum 1.
//!
//! Everything here is a pure function of the settings, the previous generation and the
//! distances returned by the caller: candidate c of generation g draws from the stream
//! (seed, g, c, [`Purpose::Calibration`]), so a generation is the same whether its candidates
//! are evaluated in one process, on many threads or in shards on a cluster.

use rand::Rng;
use rand_distr::StandardNormal;
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal};

use crate::rng::{stream, Purpose};

/// A uniform prior over `[low, high]`; integer parameters are rounded after every draw.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prior {
    /// Dotted scenario key.
    pub key: String,
    /// Low end of the prior range.
    pub low: f64,
    /// High end of the prior range (> low).
    pub high: f64,
    /// The key takes whole numbers.
    pub integer: bool,
}

/// Settings of one ABC-SMC calibration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settings {
    /// Particles per generation.
    pub particles: usize,
    /// Generations, the prior generation 0 included.
    pub generations: u32,
    /// Each tolerance is this quantile of the previous generation's distances (0-1).
    pub quantile: f64,
    /// A generation that needs more than particles / min_acceptance candidates stops the
    /// calibration; the previous generation is then the posterior.
    pub min_acceptance: f64,
    /// Seed of the proposals (and of every model run).
    pub seed: u64,
}

impl Settings {
    /// Most candidate batches one generation may evaluate.
    pub fn max_batches(&self) -> u32 {
        (1.0 / self.min_acceptance).ceil().max(1.0) as u32
    }
}

/// One accepted particle.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Particle {
    /// Index of the candidate it was (within its generation).
    pub candidate: u64,
    /// Parameter values, in the priors' order.
    pub values: Vec<f64>,
    /// Normalised importance weight.
    pub weight: f64,
    /// Its distance to the targets.
    pub distance: f64,
}

/// One finished generation.
#[derive(Debug, Clone, PartialEq)]
pub struct Population {
    /// Generation number (0 = the prior).
    pub generation: u32,
    /// Its tolerance (infinite for generation 0).
    pub tolerance: f64,
    /// Candidates evaluated to fill it.
    pub proposed: u64,
    /// The particles, in candidate order.
    pub particles: Vec<Particle>,
}

impl Population {
    /// Share of candidates accepted.
    pub fn acceptance_rate(&self) -> f64 {
        self.particles.len() as f64 / self.proposed.max(1) as f64
    }

    /// Effective sample size of the weights, 1 / sum w^2.
    pub fn effective_sample_size(&self) -> f64 {
        1.0 / self
            .particles
            .iter()
            .map(|p| p.weight * p.weight)
            .sum::<f64>()
    }

    /// Weighted quantile `q` of parameter `j` (the smallest value whose cumulative weight
    /// reaches q).
    pub fn quantile(&self, j: usize, q: f64) -> f64 {
        let mut pairs: Vec<(f64, f64)> = self
            .particles
            .iter()
            .map(|p| (p.values[j], p.weight))
            .collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let total: f64 = pairs.iter().map(|p| p.1).sum();
        let mut cumulative = 0.0;
        for (value, weight) in &pairs {
            cumulative += weight / total;
            if cumulative >= q - 1e-12 {
                return *value;
            }
        }
        pairs.last().map_or(f64::NAN, |p| p.0)
    }

    /// Weighted mean of parameter `j`.
    pub fn mean(&self, j: usize) -> f64 {
        self.particles.iter().map(|p| p.weight * p.values[j]).sum()
    }

    /// Weighted standard deviation of parameter `j`.
    pub fn sd(&self, j: usize) -> f64 {
        let mean = self.mean(j);
        self.particles
            .iter()
            .map(|p| p.weight * (p.values[j] - mean).powi(2))
            .sum::<f64>()
            .sqrt()
    }
}

/// A candidate to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Index within its generation (batch x particles + k).
    pub index: u64,
    /// Parameter values, in the priors' order.
    pub values: Vec<f64>,
}

/// Most redraws of a kernel move before a candidate is given up (counted as rejected).
const MAX_REDRAWS: u32 = 10_000;

fn round_if(prior: &Prior, x: f64) -> f64 {
    if prior.integer {
        x.round()
    } else {
        x
    }
}

/// Per-parameter standard deviations of the kernel moving generation `previous`'s particles.
pub fn kernel_sd(priors: &[Prior], previous: &Population) -> Vec<f64> {
    (0..priors.len())
        .map(|j| {
            let sd = (2.0f64).sqrt() * previous.sd(j);
            // A collapsed parameter still moves a little (a thousandth of its prior range).
            sd.max(1e-3 * (priors[j].high - priors[j].low))
        })
        .collect()
}

/// The tolerance of the generation after `previous`.
pub fn next_tolerance(previous: &Population, quantile: f64) -> f64 {
    let mut d: Vec<f64> = previous.particles.iter().map(|p| p.distance).collect();
    d.sort_by(f64::total_cmp);
    crate::summary::quantile(&d, quantile)
}

/// Batch `batch` of the candidates of `generation` (proposed from `previous`, or from the
/// priors for generation 0). A candidate whose kernel keeps leaving the prior box has no
/// values (`None`) and counts as rejected.
pub fn propose(
    settings: &Settings,
    priors: &[Prior],
    previous: Option<&Population>,
    generation: u32,
    batch: u32,
) -> Vec<(Candidate, bool)> {
    let n = settings.particles as u64;
    let sds = previous.map(|p| kernel_sd(priors, p));
    (0..n)
        .map(|k| {
            let index = u64::from(batch) * n + k;
            let mut rng = stream(
                settings.seed,
                generation,
                index as u32,
                Purpose::Calibration,
            );
            let values = match (previous, &sds) {
                (Some(previous), Some(sds)) => {
                    let u: f64 = rng.random();
                    let ancestor = pick(previous, u);
                    let mut found = None;
                    for _ in 0..MAX_REDRAWS {
                        let moved: Vec<f64> = priors
                            .iter()
                            .zip(&ancestor.values)
                            .zip(sds)
                            .map(|((prior, &x), &sd)| {
                                let z: f64 = rng.sample(StandardNormal);
                                round_if(prior, x + sd * z)
                            })
                            .collect();
                        let inside = moved
                            .iter()
                            .zip(priors)
                            .all(|(&x, p)| x >= p.low && x <= p.high);
                        if inside {
                            found = Some(moved);
                            break;
                        }
                    }
                    found
                }
                _ => Some(
                    priors
                        .iter()
                        .map(|p| {
                            let u: f64 = rng.random();
                            round_if(p, p.low + u * (p.high - p.low)).clamp(p.low, p.high)
                        })
                        .collect(),
                ),
            };
            match values {
                Some(values) => (Candidate { index, values }, true),
                None => (
                    Candidate {
                        index,
                        values: ancestor_free(priors),
                    },
                    false,
                ),
            }
        })
        .collect()
}

/// Placeholder values of a candidate given up (never evaluated).
fn ancestor_free(priors: &[Prior]) -> Vec<f64> {
    priors.iter().map(|p| p.low).collect()
}

/// The particle whose cumulative weight first reaches `u` (0-1).
fn pick(population: &Population, u: f64) -> &Particle {
    let mut cumulative = 0.0;
    for p in &population.particles {
        cumulative += p.weight;
        if u < cumulative {
            return p;
        }
    }
    population
        .particles
        .last()
        .expect("a population has particles")
}

/// Importance weights of accepted values (normalised to sum 1).
pub fn weights(priors: &[Prior], previous: Option<&Population>, accepted: &[Vec<f64>]) -> Vec<f64> {
    let Some(previous) = previous else {
        return vec![1.0 / accepted.len() as f64; accepted.len()];
    };
    let sds = kernel_sd(priors, previous);
    let normals: Vec<Normal> = sds
        .iter()
        .map(|&sd| Normal::new(0.0, sd).expect("a positive kernel sd"))
        .collect();
    // Mass each ancestor's kernel puts inside the prior box.
    let inside: Vec<f64> = previous
        .particles
        .iter()
        .map(|a| {
            priors
                .iter()
                .zip(&a.values)
                .zip(&normals)
                .map(|((p, &x), n)| (n.cdf(p.high - x) - n.cdf(p.low - x)).max(1e-300))
                .product()
        })
        .collect();
    let raw: Vec<f64> = accepted
        .iter()
        .map(|theta| {
            let density: f64 = previous
                .particles
                .iter()
                .zip(&inside)
                .map(|(a, mass)| {
                    let log_kernel: f64 = theta
                        .iter()
                        .zip(&a.values)
                        .zip(&sds)
                        .map(|((&t, &x), &sd)| {
                            let z = (t - x) / sd;
                            -0.5 * z * z - sd.ln()
                        })
                        .sum();
                    a.weight * log_kernel.exp() / mass
                })
                .sum();
            // Uniform priors: the prior density is the same everywhere inside the box.
            1.0 / density.max(1e-300)
        })
        .collect();
    let total: f64 = raw.iter().sum();
    raw.iter().map(|w| w / total).collect()
}

/// What one generation's evaluation gives back: each candidate's distance (in candidate order;
/// infinite for a candidate given up or a run that failed).
pub type Distances = Vec<f64>;

/// How a generation ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// It filled its particles.
    Done(Population),
    /// It needed more than `max_batches` batches: acceptance fell below `min_acceptance`.
    Exhausted {
        /// Candidates evaluated.
        proposed: u64,
        /// Of which accepted.
        accepted: usize,
        /// The tolerance it tried.
        tolerance: f64,
    },
}

/// Runs generation `generation`: proposes batches and evaluates them with `evaluate` (which
/// returns one distance per candidate, in order) until `particles` are accepted.
pub fn run_generation(
    settings: &Settings,
    priors: &[Prior],
    previous: Option<&Population>,
    generation: u32,
    evaluate: &mut dyn FnMut(u32, &[Candidate]) -> anyhow::Result<Distances>,
) -> anyhow::Result<Outcome> {
    let tolerance = previous.map_or(f64::INFINITY, |p| next_tolerance(p, settings.quantile));
    let mut accepted: Vec<(u64, Vec<f64>, f64)> = Vec::new();
    let mut proposed = 0u64;
    for batch in 0..settings.max_batches() {
        let candidates = propose(settings, priors, previous, generation, batch);
        let distances = evaluate(
            batch,
            &candidates.iter().map(|c| c.0.clone()).collect::<Vec<_>>(),
        )?;
        for ((candidate, valid), distance) in candidates.into_iter().zip(distances) {
            proposed += 1;
            if valid && distance <= tolerance && accepted.len() < settings.particles {
                accepted.push((candidate.index, candidate.values, distance));
            }
        }
        if accepted.len() == settings.particles {
            let values: Vec<Vec<f64>> = accepted.iter().map(|a| a.1.clone()).collect();
            let w = weights(priors, previous, &values);
            let particles = accepted
                .into_iter()
                .zip(w)
                .map(|((candidate, values, distance), weight)| Particle {
                    candidate,
                    values,
                    weight,
                    distance,
                })
                .collect();
            return Ok(Outcome::Done(Population {
                generation,
                tolerance,
                proposed,
                particles,
            }));
        }
    }
    Ok(Outcome::Exhausted {
        proposed,
        accepted: accepted.len(),
        tolerance,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn priors() -> Vec<Prior> {
        vec![
            Prior {
                key: "a".into(),
                low: 0.0,
                high: 1.0,
                integer: false,
            },
            Prior {
                key: "b".into(),
                low: -5.0,
                high: 5.0,
                integer: false,
            },
        ]
    }

    /// A noisy-free synthetic problem with a known answer: distance is the squared
    /// standardised error of two "statistics" that depend on the parameters.
    fn distance(v: &[f64]) -> f64 {
        let (a, b) = (v[0], v[1]);
        ((a - 0.3) / 0.02).powi(2) + ((a + b - 1.3) / 0.05).powi(2)
    }

    fn calibrate(settings: &Settings) -> Vec<Population> {
        let priors = priors();
        let mut generations: Vec<Population> = Vec::new();
        for g in 0..settings.generations {
            let mut eval = |_: u32, c: &[Candidate]| -> anyhow::Result<Distances> {
                Ok(c.iter().map(|c| distance(&c.values)).collect())
            };
            match run_generation(settings, &priors, generations.last(), g, &mut eval).unwrap() {
                Outcome::Done(p) => generations.push(p),
                Outcome::Exhausted { .. } => break,
            }
        }
        generations
    }

    fn settings() -> Settings {
        Settings {
            particles: 200,
            generations: 8,
            quantile: 0.5,
            min_acceptance: 0.01,
            seed: 7,
        }
    }

    #[test]
    fn recovers_known_parameters_and_narrows() {
        let generations = calibrate(&settings());
        assert_eq!(generations.len(), 8);
        let last = generations.last().unwrap();
        let (a5, a95) = (last.quantile(0, 0.05), last.quantile(0, 0.95));
        let (b5, b95) = (last.quantile(1, 0.05), last.quantile(1, 0.95));
        assert!(a5 <= 0.3 && 0.3 <= a95, "a in [{a5}, {a95}]");
        assert!(b5 <= 1.0 && 1.0 <= b95, "b in [{b5}, {b95}]");
        // The posterior narrows as tolerances shrink: the 90% interval of b is at least five
        // times narrower than the prior's (9 of 10 units) and every tolerance is below the last.
        let width = |p: &Population, j| p.quantile(j, 0.95) - p.quantile(j, 0.05);
        assert!(width(last, 1) < 9.0 / 5.0, "{}", width(last, 1));
        assert!(width(last, 0) < width(&generations[1], 0) / 2.0);
        for pair in generations.windows(2).skip(1) {
            assert!(pair[1].tolerance < pair[0].tolerance);
        }
        let total: f64 = last.particles.iter().map(|p| p.weight).sum();
        assert!((total - 1.0).abs() < 1e-12);
        assert!(last.effective_sample_size() > 20.0);
    }

    #[test]
    fn deterministic_and_exhaustion_stops() {
        assert_eq!(calibrate(&settings()), calibrate(&settings()));
        let strict = Settings {
            quantile: 0.01,
            min_acceptance: 0.2,
            ..settings()
        };
        let generations = calibrate(&strict);
        assert!(generations.len() < 8, "{}", generations.len());
    }

    #[test]
    fn proposals_stay_inside_the_priors_and_integers_are_whole() {
        let mut p = priors();
        p[1].integer = true;
        let s = settings();
        let first = propose(&s, &p, None, 0, 0);
        let population = Population {
            generation: 0,
            tolerance: f64::INFINITY,
            proposed: 200,
            particles: first
                .iter()
                .map(|(c, _)| Particle {
                    candidate: c.index,
                    values: c.values.clone(),
                    weight: 1.0 / 200.0,
                    distance: 0.0,
                })
                .collect(),
        };
        for (c, valid) in propose(&s, &p, Some(&population), 1, 3) {
            assert!(valid);
            assert!((0.0..=1.0).contains(&c.values[0]));
            assert!((-5.0..=5.0).contains(&c.values[1]));
            assert_eq!(c.values[1], c.values[1].round());
            assert!(c.index >= 600 && c.index < 800);
        }
    }
}
