//! Swept keys that cannot matter: a key whose mechanism a switch of the scenario turns off at
//! every point of the sweep (a training boost with training off). The dependencies are the
//! scenario's own advice ([`Params::advice`], the same that `povsim check` and `run` give), not
//! a second table here.

use crate::params::Params;

/// Whether advice about `path` concerns the swept `key` (the key itself or a key under it).
fn concerns(path: &str, key: &str) -> bool {
    key == path
        || key
            .strip_prefix(path)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// One warning per swept key that the advice calls inert at every point (`points` are the
/// parameters of every point), quoting the advice of the first point, which names the switch.
/// A key that is live at some point (say, the switch is swept too) gets none.
pub fn inert_warnings(keys: &[String], points: &[Params]) -> Vec<String> {
    if points.is_empty() {
        return Vec::new();
    }
    let advice: Vec<_> = points.iter().map(Params::advice).collect();
    keys.iter()
        .filter_map(|key| {
            let about = |list: &Vec<crate::scenario::Advice>| {
                list.iter()
                    .find(|a| concerns(&a.path, key))
                    .map(|a| a.message.clone())
            };
            let first = about(&advice[0])?;
            advice[1..].iter().all(|a| about(a).is_some()).then(|| {
                format!("the sweep varies `{key}`, but at every one of its points: {first}")
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(edit: impl Fn(&mut Params)) -> Params {
        let mut p = Params::default();
        edit(&mut p);
        p
    }

    #[test]
    fn a_key_switched_off_at_every_point_is_named_with_its_switch() {
        let off = |boost: f64| {
            with(|p| {
                p.cadres.training = false;
                p.cadres.training_learning_boost = boost;
            })
        };
        let keys = vec![
            "cadres.training_learning_boost".to_string(),
            "cadres.admin_burden".to_string(),
        ];
        let warnings = inert_warnings(&keys, &[off(1.0), off(2.0)]);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("`cadres.training_learning_boost`"));
        assert!(
            warnings[0].contains("cadres.training = false"),
            "{}",
            warnings[0]
        );
    }

    #[test]
    fn a_key_live_at_some_point_is_not_inert() {
        let point = |training: bool| {
            with(|p| {
                p.cadres.training = training;
            })
        };
        let keys = vec!["cadres.training_learning_boost".to_string()];
        assert!(inert_warnings(&keys, &[point(false), point(true)]).is_empty());
        assert_eq!(inert_warnings(&keys, &[point(false)]).len(), 1);
        assert!(inert_warnings(&keys, &[point(true)]).is_empty());
    }

    #[test]
    fn advice_about_a_section_covers_the_keys_under_it_only() {
        assert!(concerns("cadre_types", "cadre_types.economic.skill"));
        assert!(concerns("cadres.mix", "cadres.mix"));
        assert!(!concerns("cadres.mix", "cadres.mixture"));
    }
}
