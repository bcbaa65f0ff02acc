//! The first secretary and the work team (MODEL.md sections 0.8 and 7, "Cadre"): knowledge,
//! enthusiasm, and the fixed strategies' split of effort across channels. Pure state and
//! update functions; no randomness here. Effort per channel with diminishing returns, the
//! committee and the `adaptive` split are in [`super::channels`].

use crate::params::{Background, Params, Strategy, SubsidyScheme};

/// The effort channels, in the order of [`ChannelWeights`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// Finding the truly poor and weeding out the wrongly registered.
    Identification = 0,
    /// Launching and nursing village industries.
    Industry = 1,
    /// Roads, water, power.
    Infrastructure = 2,
    /// Household contacts: training, jobs, guarantees, motivation.
    Household = 3,
    /// Party branch, village committee, trust.
    Organisation = 4,
}

/// Weight of each channel; they average 1, so `balanced` gives every channel the whole
/// effective effort (MODEL.md's channel equations are stated at that level).
pub type ChannelWeights = [f64; 5];

/// A first secretary in post.
#[derive(Debug, Clone, PartialEq)]
pub struct Cadre {
    /// Background (fixed).
    pub background: Background,
    /// Years of grassroots work on arrival.
    pub experience_years: f64,
    /// Knowledge of this village, [0, 1].
    pub knowledge: f64,
    /// Enthusiasm, [0.1, 1].
    pub enthusiasm: f64,
    /// Yuan per year the sending unit gives directly (x enthusiasm).
    pub unit_resources: f64,
    /// Months in this village so far.
    pub months_in_post: u32,
    /// Percentile of the last annual assessment among the county's cadres (0.5 before any).
    pub last_percentile: f64,
}

impl Cadre {
    /// A newly arrived secretary. With a handover, half of the predecessor's knowledge carries
    /// over when that is more than the background's initial knowledge.
    pub fn arrive(
        background: Background,
        params: &Params,
        predecessor_knowledge: Option<f64>,
    ) -> Cadre {
        let profile = params.cadre_types.get(background);
        let inherited = match predecessor_knowledge {
            Some(k) if params.cadres.handover => 0.5 * k,
            _ => 0.0,
        };
        Cadre {
            background,
            experience_years: profile.experience_years,
            knowledge: profile.initial_knowledge.max(inherited),
            enthusiasm: profile.initial_enthusiasm,
            unit_resources: profile.unit_resources,
            months_in_post: 0,
            last_percentile: 0.5,
        }
    }

    /// Experience factor in [0, 1] for project feasibility (20 years = full).
    pub fn experience_factor(&self) -> f64 {
        (self.experience_years / 20.0).min(1.0)
    }

    /// One month in post: learning and the enthusiasm equation of MODEL.md section 7.
    pub fn step_month(&mut self, params: &Params, remoteness: f64) {
        let profile = params.cadre_types.get(self.background);
        let boost = if params.cadres.training {
            params.cadres.training_learning_boost
        } else {
            1.0
        };
        let rate = (profile.learning_rate * boost).min(1.0);
        self.knowledge += rate * (1.0 - self.knowledge);
        let incentive = super::assessment::incentive(params, self.last_percentile);
        let adequacy = subsidy_adequacy(params, remoteness);
        let drain = params.cadres.admin_burden + remoteness * (1.0 - adequacy);
        self.enthusiasm += params.cadres.recover * incentive - profile.fatigue * drain;
        self.enthusiasm = self.enthusiasm.clamp(0.1, 1.0);
        self.months_in_post += 1;
    }

    /// A newcomer sent after a recall (MODEL.md 0.8): no handover, knowledge reset to the
    /// background's initial level, and the newcomer's rush of the first months.
    pub fn newcomer(background: Background, params: &Params) -> Cadre {
        Cadre::arrive(background, params, None)
    }

    /// Raw effort one team member brings to a channel of weight 1: enthusiasm x (1 - admin
    /// burden) (members share the secretary's enthusiasm; Decision, V2_DESIGN 0.8).
    pub fn effort_per_person(&self, params: &Params) -> f64 {
        self.enthusiasm * (1.0 - params.cadres.admin_burden)
    }
}

/// How far the living subsidy covers the cost of living in post, [0, 1].
pub fn subsidy_adequacy(params: &Params, remoteness: f64) -> f64 {
    let inc = &params.incentives;
    let subsidy = match inc.subsidy_scheme {
        SubsidyScheme::Uniform => inc.subsidy,
        SubsidyScheme::RemotenessAdjusted => inc.subsidy * (1.0 + remoteness),
    };
    (subsidy / (inc.base_cost * (1.0 + remoteness))).min(1.0)
}

/// The village's levels the `adaptive` strategy values channels by.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VillageNeeds {
    /// Share of households registered poor, [0, 1].
    pub registered_share: f64,
    /// Industry base, [0, 1].
    pub industry_base: f64,
    /// Infrastructure, [0, 1].
    pub infrastructure: f64,
    /// Organisation, [0, 1].
    pub organisation: f64,
}

/// Channel weights of a fixed strategy (they average 1). `adaptive` is split each month by
/// perceived marginal returns ([`super::channels::adaptive_weights`]); here it reads as
/// balanced.
pub fn channel_weights(strategy: Strategy) -> ChannelWeights {
    match strategy {
        Strategy::Balanced | Strategy::Adaptive => [1.0; 5],
        Strategy::IndustryFirst => [0.6, 2.2, 0.6, 1.0, 0.6],
        Strategy::InfrastructureFirst => [0.6, 0.6, 2.2, 1.0, 0.6],
        Strategy::HouseholdFirst => [0.6, 0.6, 0.6, 2.6, 0.6],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_average_one() {
        for s in [
            Strategy::Balanced,
            Strategy::IndustryFirst,
            Strategy::InfrastructureFirst,
            Strategy::HouseholdFirst,
            Strategy::Adaptive,
        ] {
            let w = channel_weights(s);
            let mean: f64 = w.iter().sum::<f64>() / 5.0;
            assert!((mean - 1.0).abs() < 1e-9, "{s:?} mean {mean}");
        }
    }

    #[test]
    fn experienced_start_with_more_knowledge_young_learn_faster() {
        let p = Params::default();
        let mut young = Cadre::arrive(Background::YoungGraduate, &p, None);
        let mut old = Cadre::arrive(Background::Experienced, &p, None);
        assert!(old.knowledge > young.knowledge);
        let gap0 = old.knowledge - young.knowledge;
        for _ in 0..24 {
            young.step_month(&p, 0.4);
            old.step_month(&p, 0.4);
        }
        assert!(old.knowledge - young.knowledge < gap0);
    }

    #[test]
    fn remoteness_adjusted_subsidy_is_adequate_everywhere() {
        let mut p = Params::default();
        assert!(subsidy_adequacy(&p, 0.9) < 0.7);
        p.incentives.subsidy_scheme = SubsidyScheme::RemotenessAdjusted;
        assert_eq!(subsidy_adequacy(&p, 0.9), 1.0);
    }

    #[test]
    fn handover_carries_half_the_knowledge() {
        let p = Params::default();
        let c = Cadre::arrive(Background::YoungGraduate, &p, Some(0.9));
        assert!((c.knowledge - 0.45).abs() < 1e-12);
    }
}
