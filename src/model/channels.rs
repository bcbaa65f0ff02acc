//! Effort per channel (MODEL.md sections 0.1 and 0.8, "Effort"): the secretary's team and the
//! village committee, diminishing returns within each channel, the `adaptive` split by
//! perceived marginal returns, the knowledge the village's work is done with, and the named
//! channels through which a secretary's background acts.
//!
//! Raw effort of channel c: `raw_c = persons x enthusiasm x (1 - admin_burden) x w_c +
//! base_committee_effort x organisation`, with weights `w_c` averaging 1 (a fixed strategy's
//! weights, or the adaptive split). Effective effort: `g(raw) = (1 - exp(-d raw)) / d`, d =
//! `channels.diminishing` (g(raw) = raw at d = 0): a second person on the same task adds less
//! than the first, and the committee's effort is worth most where the team does little.

use rand_distr::{Distribution, StandardNormal};

use super::cadre::{channel_weights, Channel, ChannelWeights};
use super::village::Village;
use crate::params::{CadreType, Params, Strategy};
use crate::rng::Stream;

/// Number of quanta the `adaptive` strategy hands out (together worth the five channels'
/// total weight of 5), one at a time to the channel with the best perceived marginal return.
pub const ADAPTIVE_QUANTA: usize = 20;

/// Experience factor (0-1, as [`super::cadre::Cadre::experience_factor`]) of the village
/// committee when it launches a project without a secretary (Decision: locals of average
/// experience, half of a fully experienced cadre's).
pub const COMMITTEE_EXPERIENCE: f64 = 0.5;

/// Effective effort of a channel from its raw effort: `(1 - exp(-d x raw)) / d` (raw at d = 0).
pub fn diminishing(raw: f64, d: f64) -> f64 {
    if d <= 1e-12 {
        raw.max(0.0)
    } else {
        (1.0 - (-d * raw.max(0.0)).exp()) / d
    }
}

/// Marginal effective effort of one more unit of raw effort at `raw`: `exp(-d x raw)`.
pub fn marginal(raw: f64, d: f64) -> f64 {
    (-d * raw.max(0.0)).exp()
}

/// The true value of one unit of effective effort in each channel, in [`Channel`] order
/// (Decision: v1's weakness scores as values): identification half the registered share,
/// industry `1 - industry base`, infrastructure `1 - infrastructure`, household contacts twice
/// the registered share, organisation `1 - organisation`.
pub fn channel_values(
    registered_share: f64,
    industry_base: f64,
    infrastructure: f64,
    organisation: f64,
) -> [f64; 5] {
    [
        0.5 * registered_share,
        1.0 - industry_base,
        1.0 - infrastructure,
        2.0 * registered_share,
        1.0 - organisation,
    ]
}

/// The `adaptive` weights: [`ADAPTIVE_QUANTA`] quanta of weight, each to the channel with the
/// highest perceived marginal value `v_c x exp(noise_c) x g'(raw_c)`, where `noise_c` is the
/// team's error about channel c (sd `perception_noise x (1 - knowledge)`, drawn once per call)
/// and `raw_c` the channel's raw effort so far (`per_weight x w_c + committee`). With full
/// knowledge this maximises `sum v_c g(raw_c)`; with little it chases misperceived returns.
pub fn adaptive_weights(
    values: [f64; 5],
    per_weight: f64,
    committee: f64,
    knowledge: f64,
    params: &Params,
    rng: &mut Stream,
) -> ChannelWeights {
    let sd = params.channels.perception_noise * (1.0 - knowledge.clamp(0.0, 1.0));
    let mut perceived = values;
    for v in perceived.iter_mut() {
        let z: f64 = StandardNormal.sample(rng);
        *v *= (sd * z).exp();
    }
    let quantum = 5.0 / ADAPTIVE_QUANTA as f64;
    let d = params.channels.diminishing;
    let mut w = [0.0; 5];
    for _ in 0..ADAPTIVE_QUANTA {
        let mut best = 0;
        let mut best_gain = f64::NEG_INFINITY;
        for (c, v) in perceived.iter().enumerate() {
            let gain = v * marginal(per_weight * w[c] + committee, d);
            if gain > best_gain {
                best_gain = gain;
                best = c;
            }
        }
        w[best] += quantum;
    }
    w
}

/// Total true value of an allocation: `sum_c v_c g(per_weight x w_c + committee)`.
pub fn allocation_value(
    values: [f64; 5],
    weights: ChannelWeights,
    per_weight: f64,
    committee: f64,
    d: f64,
) -> f64 {
    values
        .iter()
        .zip(weights)
        .map(|(v, w)| v * diminishing(per_weight * w + committee, d))
        .sum()
}

impl Village {
    /// Effort of the village committee and party branch in every channel this month, raw
    /// (MODEL.md 0.1): `channels.base_committee_effort x organisation`, with or without a
    /// secretary, not reduced by the secretaries' paperwork (Decision, V2_DESIGN Q5).
    pub fn committee_effort(&self, params: &Params) -> f64 {
        params.channels.base_committee_effort * self.organisation
    }

    /// What the committee knows of its own village (Decision: its organisation, the strength
    /// of the branch that keeps the village's files), in [0, 1].
    pub fn committee_knowledge(&self) -> f64 {
        self.organisation
    }

    /// The profile of the background in post, if a secretary is posted.
    pub fn posted_profile<'p>(&self, params: &'p Params) -> Option<&'p CadreType> {
        self.cadre
            .as_ref()
            .map(|c| params.cadre_types.get(c.background))
    }

    /// A channel gain of the background in post (0 without a secretary), e.g.
    /// `village.background_gain(params, |t| t.feasibility_gain)`.
    pub fn background_gain(&self, params: &Params, gain: impl Fn(&CadreType) -> f64) -> f64 {
        self.posted_profile(params).map_or(0.0, gain)
    }

    /// Experience factor of whoever launches a project: the secretary's, or the committee's
    /// ([`COMMITTEE_EXPERIENCE`]).
    pub fn project_experience(&self) -> f64 {
        self.cadre
            .as_ref()
            .map_or(COMMITTEE_EXPERIENCE, |c| c.experience_factor())
    }

    /// Whether projects are being launched by a secretary in the first six months in post (the
    /// newcomer's rush); never for the committee.
    pub fn newcomer_rush(&self) -> bool {
        self.cadre.as_ref().is_some_and(|c| c.months_in_post <= 6)
    }

    /// Knowledge the identification works with: the village's working knowledge, plus the
    /// background's `targeting_gain` closing part of what it does not know (young graduates).
    pub fn targeting_knowledge(&self, params: &Params) -> f64 {
        let k = self.team_knowledge;
        let gain = self.background_gain(params, |t| t.targeting_gain);
        (k + gain * (1.0 - k)).clamp(0.0, 1.0)
    }

    /// Set this month's effort per channel and the knowledge the work is done with (the top of
    /// the monthly step). Knowledge is the effort-weighted mean of the secretary's and the
    /// committee's: each piece of work is done by one or the other in proportion to their raw
    /// effort (Decision).
    pub fn step_channel_effort(&mut self, params: &Params) {
        let committee = self.committee_effort(params);
        let d = params.channels.diminishing;
        let (per_weight, cadre_knowledge) = match &self.cadre {
            Some(c) => {
                let persons = f64::from(params.cadres.team_size.max(1));
                (
                    persons * c.enthusiasm * (1.0 - params.cadres.admin_burden),
                    c.knowledge,
                )
            }
            None => (0.0, 0.0),
        };
        let own = self.committee_knowledge();
        let total = per_weight + committee;
        self.team_knowledge = if total > 0.0 {
            (per_weight * cadre_knowledge + committee * own) / total
        } else {
            own
        };
        let weights = if per_weight <= 0.0 {
            [1.0; 5]
        } else if params.cadres.strategy == Strategy::Adaptive {
            let needs = self.needs();
            let values = channel_values(
                needs.registered_share,
                needs.industry_base,
                needs.infrastructure,
                needs.organisation,
            );
            adaptive_weights(
                values,
                per_weight,
                committee,
                self.team_knowledge,
                params,
                &mut self.streams.effort,
            )
        } else {
            channel_weights(params.cadres.strategy)
        };
        for (slot, w) in self.channel_effort.iter_mut().zip(weights) {
            *slot = diminishing(per_weight * w + committee, d);
        }
    }

    /// Effort of one channel this month (effective, after diminishing returns).
    pub fn effort(&self, channel: Channel) -> f64 {
        self.channel_effort[channel as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{stream, Purpose};

    #[test]
    fn a_second_person_adds_less_than_the_first() {
        let d = 1.3;
        let one = diminishing(0.4, d);
        let two = diminishing(0.8, d);
        let three = diminishing(1.2, d);
        assert!(one > 0.0 && two - one < one && three - two < two - one);
        assert_eq!(diminishing(0.7, 0.0), 0.7);
    }

    fn mean_advantage(knowledge: f64) -> f64 {
        let params = Params::default();
        let d = params.channels.diminishing;
        let mut rng = stream(1, 0, 0, Purpose::Effort);
        let values = channel_values(0.3, 0.2, 0.7, 0.5);
        let per_weight = 1.2;
        let committee = 0.1;
        let balanced = allocation_value(values, [1.0; 5], per_weight, committee, d);
        let n = 400;
        let mut sum = 0.0;
        for _ in 0..n {
            let w = adaptive_weights(values, per_weight, committee, knowledge, &params, &mut rng);
            assert!((w.iter().sum::<f64>() - 5.0).abs() < 1e-9);
            sum += allocation_value(values, w, per_weight, committee, d) - balanced;
        }
        sum / n as f64 / balanced
    }

    #[test]
    fn adaptive_beats_balanced_with_knowledge_and_loses_without() {
        let informed = mean_advantage(0.95);
        let ignorant = mean_advantage(0.0);
        assert!(informed > 0.01, "informed advantage {informed}");
        assert!(ignorant < -0.01, "ignorant advantage {ignorant}");
    }

    #[test]
    fn without_a_secretary_the_committee_spends_the_fund() {
        let spent = |committee: f64| -> f64 {
            let mut p = Params::small(4, 60, 36, 1);
            p.cadres.coverage = 0.0;
            p.channels.base_committee_effort = committee;
            let out = crate::sim::run_replicate(&p, 0);
            out.years.iter().map(|y| y.funds_spent).sum()
        };
        let idle = spent(0.0);
        let working = spent(0.25);
        assert!(
            working > idle + 100_000.0,
            "committee {working} vs none {idle}"
        );
    }

    #[test]
    fn the_committee_keeps_every_channel_going_without_a_secretary() {
        let params = Params::small(1, 60, 12, 1);
        let mut v = Village::new(
            0,
            &params,
            3,
            0,
            crate::model::schedule::Calendar { start_year: 2014 },
        );
        v.cadre = None;
        v.step_channel_effort(&params);
        for e in v.channel_effort {
            assert!(e > 0.0);
            assert!(
                (e - diminishing(
                    params.channels.base_committee_effort * v.organisation,
                    params.channels.diminishing
                ))
                .abs()
                    < 1e-12
            );
        }
        assert!((v.team_knowledge - v.organisation).abs() < 1e-12);
    }
}
