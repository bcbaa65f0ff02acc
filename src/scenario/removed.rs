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
];

/// The entry for `key`, if model v2 removed it.
pub fn removed(key: &str) -> Option<&'static RemovedKey> {
    REMOVED_KEYS.iter().find(|r| r.key == key)
}
