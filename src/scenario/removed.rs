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
];

/// The entry for `key`, if model v2 removed it.
pub fn removed(key: &str) -> Option<&'static RemovedKey> {
    REMOVED_KEYS.iter().find(|r| r.key == key)
}
