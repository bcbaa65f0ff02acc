//! Scenario keys that model v2 removed, each with what replaced it (MODEL.md section 0).
//!
//! A user's scenario that still sets one of these is refused (exit 2) with the replacement named,
//! rather than the generic "unknown key": the user wrote a key that once meant something.

/// A key that a model version removed: its dotted path and a sentence saying what replaced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemovedKey {
    /// Dotted path as it was written in scenario files, e.g. `"cadres.specialist_floor"`.
    pub key: &'static str,
    /// What replaced it, written to finish "… was removed in model v2: ".
    pub replaced_by: &'static str,
}

/// Every removed key. Append one line per key you remove from [`crate::params::Params`].
pub const REMOVED_KEYS: &[RemovedKey] = &[
    // RemovedKey { key: "section.key", replaced_by: "what replaced it (MODEL.md section 0.x)" },
    RemovedKey {
        key: "economy.migration_threshold",
        replaced_by: "migration is smooth, with no threshold: the monthly chance is \
                      `economy.migration_base` x skill^1.5 x (0.5 + motivation) x (1 + placement) \
                      (MODEL.md section 0.2)",
    },
    RemovedKey {
        key: "economy.migration_rate",
        replaced_by: "now `economy.migration_base`, the chance at skill 1 and motivation 0.5, \
                      x skill^1.5 x (0.5 + motivation) x (1 + placement) (MODEL.md section 0.2)",
    },
    RemovedKey {
        key: "economy.income_growth",
        replaced_by: "income grows by source: `economy.growth.migrant`, `.farm`, `.local_wage`, \
                      `.other` (MODEL.md section 0.2)",
    },
    RemovedKey {
        key: "policy.monitoring_flag_rate",
        replaced_by: "monitoring is monthly visits applying the household-support menu, with \
                      probability `monitoring.visit_base` + `monitoring.visit_outreach` x outreach \
                      (MODEL.md section 0.5)",
    },
    RemovedKey {
        key: "policy.monitoring_success",
        replaced_by: "prevention is what the visits' measures achieve (`[monitoring]`: temporary \
                      assistance, training, placement, referrals), not a drawn probability \
                      (MODEL.md section 0.5)",
    },
    RemovedKey {
        key: "funding.county_allocation",
        replaced_by: "the allocation is derived from `funding.spending_per_person` (yuan per \
                      registered person over 2014-2020, MODEL.md section 0.7) x \
                      `funding.village_fund_share`",
    },
    RemovedKey {
        key: "funding.leakage",
        replaced_by: "misuse is `funding.misuse` x (1 - organisation); idle money is money \
                      unspent for over `projects.idle_months`, returned to the county \
                      (MODEL.md sections 0.6, 0.7)",
    },
    RemovedKey {
        key: "funding.idle_share",
        replaced_by: "idle money is money unspent for over `projects.idle_months`, returned to \
                      the county pool and reallocated (MODEL.md section 0.6)",
    },
    RemovedKey {
        key: "channels.contact_cost",
        replaced_by: "each measure has its price: `measures.training_cost`, \
                      `measures.placement_cost` (MODEL.md section 0.2)",
    },
    RemovedKey {
        key: "channels.industry_launch_rate",
        replaced_by: "launches are decisions by perceived expected return: \
                      `projects.appraisal_noise`, `projects.launch_hurdle` (MODEL.md section 0.6)",
    },
    RemovedKey {
        key: "channels.infrastructure_spend_share",
        replaced_by: "infrastructure is built by priced projects to a target: \
                      `projects.road_cost`, `projects.road_gain`, `projects.infrastructure_target` \
                      (MODEL.md section 0.6)",
    },
    RemovedKey {
        key: "channels.infrastructure_cost_per_point",
        replaced_by: "infrastructure is built by priced projects: `projects.road_cost`, \
                      `projects.road_gain` (MODEL.md section 0.6)",
    },
    RemovedKey {
        key: "identification.dibao_takeup",
        replaced_by: "dibao enrolment is an annual means-tested review at the county standard \
                      with the identification errors (`[programmes.dibao]`, MODEL.md section 0.1)",
    },
    RemovedKey {
        key: "channels.housing_cost",
        replaced_by: "housing is renovated by the county queue, `programmes.housing.capacity` and \
                      `programmes.housing.cost` (MODEL.md section 0.1)",
    },
    RemovedKey {
        key: "policy.relocation_share",
        replaced_by: "relocation is counted at its real scale as a share of the register, \
                      `programmes.relocation.registered_share` (MODEL.md section 0.1)",
    },
    RemovedKey {
        key: "channels.specialist_floor",
        replaced_by: "specialists act through named channels, `cadre_types.<background>.feasibility_gain`, `.organisation_gain`, `.trust_gain`, `.targeting_gain`, `.takeup_gain`, `.market_gain`, `.return_gain` (MODEL.md section 0.8)",
    },
    RemovedKey {
        key: "cadres.experience_knowhow",
        replaced_by: "experience acts through initial knowledge and fatigue (`cadre_types.experienced.initial_knowledge`, `.fatigue`) and project feasibility (`.experience_years`) (MODEL.md section 0.8)",
    },
    RemovedKey {
        key: "channels.specialist_bonus",
        replaced_by: "use `cadre_types.party_building.organisation_gain` and `cadre_types.social_work.trust_gain` (MODEL.md section 0.8)",
    },
    RemovedKey {
        key: "channels.economic_feasibility_bonus",
        replaced_by: "use `cadre_types.economic.feasibility_gain` (and `.return_gain`) (MODEL.md section 0.8)",
    },
];

/// The entry for `key`, if model v2 removed it.
pub fn removed(key: &str) -> Option<&'static RemovedKey> {
    REMOVED_KEYS.iter().find(|r| r.key == key)
}

#[cfg(test)]
mod tests {
    use super::REMOVED_KEYS;

    #[test]
    fn each_removed_key_is_listed_once() {
        let mut keys: Vec<&str> = REMOVED_KEYS.iter().map(|r| r.key).collect();
        keys.sort_unstable();
        let before = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), before, "a removed key is listed twice");
    }
}
