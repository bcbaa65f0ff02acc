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
];

/// The entry for `key`, if model v2 removed it.
pub fn removed(key: &str) -> Option<&'static RemovedKey> {
    REMOVED_KEYS.iter().find(|r| r.key == key)
}
