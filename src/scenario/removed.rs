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
