//! The levers a class moves, and how a page's choice of levers becomes validated parameters.
//!
//! Each lever is a real scenario key (`cadres.admin_burden`, `policy.exit_rule`, ...), so what
//! the page sends reads like a `--set` and a class can take a setting to `povsim run`. The
//! values are turned into `--set`-style overrides and checked by the scenario loader itself
//! ([`crate::scenario::load`]), then against the classroom's own bounds (the world's size, a
//! slider's range). Any problem becomes a [`LeverError`] naming the parameter and what is
//! allowed, which the server answers with 400.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::params::Params;
use crate::scenario::{self, Source};

/// What kind of control a lever is, with its allowed values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LeverKind {
    /// A slider (or number box) over `[min, max]` in steps of `step`.
    Number {
        /// Smallest allowed value.
        min: f64,
        /// Largest allowed value.
        max: f64,
        /// Slider step.
        step: f64,
        /// Whether only whole numbers are allowed.
        integer: bool,
    },
    /// One of a few named options: `(value, label)` pairs.
    Choice {
        /// The scenario values and their labels for the page.
        options: &'static [(&'static str, &'static str)],
    },
    /// On or off.
    Switch,
}

/// One lever: a scenario key with a label, help text, unit and allowed values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Lever {
    /// The scenario key it sets (a `--set` key path).
    pub key: &'static str,
    /// Short label for the page.
    pub label: &'static str,
    /// Unit of the value, or "" when it has none.
    pub unit: &'static str,
    /// One sentence on what it changes, for the page.
    pub help: &'static str,
    /// Control and allowed values.
    #[serde(flatten)]
    pub kind: LeverKind,
}

impl Lever {
    /// What is allowed, in words (`a number in [0, 1]`, `one of "standard", "strict"`).
    pub fn allowed(&self) -> String {
        match self.kind {
            LeverKind::Number {
                min, max, integer, ..
            } => {
                let what = if integer {
                    "a whole number"
                } else {
                    "a number"
                };
                format!("{what} in [{}, {}]", plain(min), plain(max))
            }
            LeverKind::Choice { options } => {
                let names: Vec<String> = options.iter().map(|(v, _)| format!("\"{v}\"")).collect();
                format!("one of {}", names.join(", "))
            }
            LeverKind::Switch => "true or false".into(),
        }
    }
}

/// A number without a needless `.0` (`1` rather than `1.0`, `0.9` as it is).
fn plain(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

/// Key of the young-graduate share lever.
pub const YOUNG: &str = "cadres.mix.young_graduate";
/// Key of the experienced-cadre share lever.
pub const EXPERIENCED: &str = "cadres.mix.experienced";
/// The backgrounds that share what young graduates and experienced cadres leave of the mix.
const REST_OF_MIX: [&str; 3] = [
    "cadres.mix.economic",
    "cadres.mix.party_building",
    "cadres.mix.social_work",
];

/// The policy levers, in the order the page shows them. A/B mode may set each differently.
pub const LEVERS: [Lever; 9] = [
    Lever {
        key: YOUNG,
        label: "Young graduates",
        unit: "share of secretaries",
        help: "Share of first secretaries who are young university graduates: energetic, but new to rural work. The other three backgrounds share what young graduates and experienced cadres leave.",
        kind: LeverKind::Number { min: 0.0, max: 1.0, step: 0.05, integer: false },
    },
    Lever {
        key: EXPERIENCED,
        label: "Experienced cadres",
        unit: "share of secretaries",
        help: "Share who are near-retired cadres with long grassroots careers: networks and a faster start.",
        kind: LeverKind::Number { min: 0.0, max: 1.0, step: 0.05, integer: false },
    },
    Lever {
        key: "cadres.admin_burden",
        label: "Admin burden",
        unit: "share of effort on paperwork",
        help: "Share of the work team's effort lost to forms, inspections and assessment paperwork.",
        kind: LeverKind::Number { min: 0.0, max: 1.0, step: 0.05, integer: false },
    },
    Lever {
        key: "funding.spending_per_person",
        label: "Spending per person",
        unit: "yuan per registered person, 2014-2020",
        help: "Public poverty spending per registered person over 2014-2020 (about 16,000 nationally); sets what the county gives each village.",
        kind: LeverKind::Number { min: 0.0, max: 64_000.0, step: 1_000.0, integer: false },
    },
    Lever {
        key: "incentives.subsidy_scheme",
        label: "Living subsidy",
        unit: "",
        help: "The secretary's living subsidy: the same everywhere, or raised with the village's remoteness.",
        kind: LeverKind::Choice {
            options: &[("uniform", "Uniform"), ("remoteness_adjusted", "Remoteness-adjusted")],
        },
    },
    Lever {
        key: "incentives.promotion_on_performance",
        label: "Promotion on performance",
        unit: "",
        help: "Promotion at the end of the term depends on the assessed exits of the secretary's village.",
        kind: LeverKind::Switch,
    },
    Lever {
        key: "policy.exit_rule",
        label: "Exit rule",
        unit: "",
        help: "Standard: income above the (deadline-bent) line and the three guarantees. Strict: 12 months above 1.1 x line, checked by a third party, no bending.",
        kind: LeverKind::Choice {
            options: &[("standard", "Standard"), ("strict", "Strict")],
        },
    },
    Lever {
        key: "policy.deadline_pressure",
        label: "Deadline pressure",
        unit: "share of the line",
        help: "How far the exit bar bends when a county falls short of its exit plan, times the shortfall share (standard rule only).",
        kind: LeverKind::Number { min: 0.0, max: 0.9, step: 0.05, integer: false },
    },
    Lever {
        key: "policy.monitoring",
        label: "Relapse monitoring",
        unit: "",
        help: "From 2020, households near the line are watched and supported before they fall back.",
        kind: LeverKind::Switch,
    },
];

/// Key of the seed (the world's luck).
pub const SEED: &str = "simulation.seed";
/// Key of the number of villages.
pub const VILLAGES: &str = "population.villages";
/// Key of the mean households per village.
pub const HOUSEHOLDS: &str = "population.households_per_village";

/// Most villages in a classroom world (a step of the largest world stays a few milliseconds).
pub const MAX_VILLAGES: u32 = 40;
/// Most mean households per village in a classroom world.
pub const MAX_HOUSEHOLDS: u32 = 300;
/// Months simulated: January 2014 to December 2025.
pub const MONTHS: u32 = 144;

/// The world levers, shared by both sides in A/B mode (the same world and the same luck).
pub const WORLD: [Lever; 3] = [
    Lever {
        key: SEED,
        label: "Seed",
        unit: "",
        help: "The world's luck: who falls ill, which projects fail. Same seed, same luck.",
        kind: LeverKind::Number {
            min: 0.0,
            max: 9_007_199_254_740_991.0,
            step: 1.0,
            integer: true,
        },
    },
    Lever {
        key: VILLAGES,
        label: "Villages",
        unit: "villages",
        help: "Villages in the county.",
        kind: LeverKind::Number {
            min: 1.0,
            max: MAX_VILLAGES as f64,
            step: 1.0,
            integer: true,
        },
    },
    Lever {
        key: HOUSEHOLDS,
        label: "Households per village",
        unit: "households (mean)",
        help: "Mean number of households in a village.",
        kind: LeverKind::Number {
            min: 20.0,
            max: MAX_HOUSEHOLDS as f64,
            step: 10.0,
            integer: true,
        },
    },
];

/// Default world: 20 villages of about 150 households.
pub const DEFAULT_VILLAGES: u32 = 20;
/// Default mean households per village.
pub const DEFAULT_HOUSEHOLDS: u32 = 150;

/// A lever by key, among the policy levers or the world levers.
pub fn find(key: &str) -> Option<&'static Lever> {
    LEVERS.iter().chain(WORLD.iter()).find(|l| l.key == key)
}

/// One problem with a class's choice of levers: the parameter, what is allowed, and a sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct LeverError {
    /// The scenario key concerned (`cadres.admin_burden`), or the part of the request.
    pub parameter: String,
    /// What is allowed (`a number in [0, 1]`).
    pub allowed: String,
    /// The whole sentence, in the words of `povsim run --set`.
    pub message: String,
}

impl LeverError {
    fn new(parameter: &str, allowed: impl Into<String>, message: impl Into<String>) -> Self {
        LeverError {
            parameter: parameter.to_owned(),
            allowed: allowed.into(),
            message: message.into(),
        }
    }
}

/// The levers' default values (from the model's defaults and the classroom world).
pub fn defaults() -> Map<String, Value> {
    let mut out = Map::new();
    let base = toml::Value::try_from(Params::default()).ok();
    for lever in LEVERS.iter() {
        let value = base
            .as_ref()
            .and_then(|b| lookup(b, lever.key))
            .and_then(to_json)
            .unwrap_or(Value::Null);
        out.insert(lever.key.to_owned(), value);
    }
    out.insert(SEED.into(), Value::from(Params::default().simulation.seed));
    out.insert(VILLAGES.into(), Value::from(DEFAULT_VILLAGES));
    out.insert(HOUSEHOLDS.into(), Value::from(DEFAULT_HOUSEHOLDS));
    out
}

fn lookup<'a>(root: &'a toml::Value, key: &str) -> Option<&'a toml::Value> {
    key.split('.').try_fold(root, |v, k| v.get(k))
}

fn to_json(v: &toml::Value) -> Option<Value> {
    match v {
        toml::Value::Boolean(b) => Some(Value::Bool(*b)),
        toml::Value::Integer(i) => Some(Value::from(*i)),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f).map(Value::Number),
        toml::Value::String(s) => Some(Value::String(s.clone())),
        _ => None,
    }
}

/// The parameters of one side of a classroom world: `world` (seed and size, shared by both
/// sides) and `levers` (this side's policy). Keys left out take their defaults.
///
/// The values go through the scenario loader as overrides, so a bad one is refused in the same
/// words as `povsim run --set`; then the classroom's own bounds apply (world size, slider
/// ranges). Returns the parameters with the values used for every lever.
pub fn resolve(
    world: &Map<String, Value>,
    levers: &Map<String, Value>,
) -> Result<(Params, Map<String, Value>), LeverError> {
    check_keys(world, &WORLD, "world")?;
    check_keys(levers, &LEVERS, "levers")?;
    let mut used = defaults();
    for (key, value) in world.iter().chain(levers.iter()) {
        let lever = find(key).ok_or_else(|| unknown(key, "levers"))?;
        check_type(lever, value)?;
        used.insert(key.clone(), value.clone());
    }
    let mut overrides = vec![
        "name=classroom".to_owned(),
        "simulation.replicates=1".to_owned(),
        format!("simulation.months={MONTHS}"),
        "population.counties=1".to_owned(),
    ];
    // The user's levers first (the loader reports problems in override order), then what
    // follows from them.
    for lever in LEVERS.iter().chain(WORLD.iter()) {
        if let Some(value) = used.get(lever.key) {
            overrides.push(format!("{}={}", lever.key, toml_text(value)));
        }
    }
    let households = used
        .get(HOUSEHOLDS)
        .and_then(Value::as_u64)
        .unwrap_or(u64::from(DEFAULT_HOUSEHOLDS));
    overrides.push(format!("population.households_sd={}", households / 6));
    overrides.push(format!("population.households_min={}", households.min(10)));
    overrides.extend(rest_of_mix(&used)?);

    let params: Params =
        scenario::load(&Source::new("classroom", ""), &overrides).map_err(|e| from_scenario(&e))?;
    check_bounds(&used)?;
    Ok((params, used))
}

/// Refuse keys that are not levers of this group, naming the ones that are.
fn check_keys(map: &Map<String, Value>, group: &[Lever], name: &str) -> Result<(), LeverError> {
    match map
        .keys()
        .find(|k| !group.iter().any(|l| l.key == k.as_str()))
    {
        Some(key) => Err(unknown(key, name)),
        None => Ok(()),
    }
}

fn unknown(key: &str, group: &str) -> LeverError {
    let keys: Vec<&str> = if group == "world" {
        WORLD.iter().map(|l| l.key).collect()
    } else {
        LEVERS.iter().map(|l| l.key).collect()
    };
    let allowed = format!("one of {}", keys.join(", "));
    LeverError::new(
        key,
        allowed.clone(),
        format!("unknown {group} key `{key}`; allowed: {allowed}"),
    )
}

/// The JSON type must fit the control: a number for a slider, true/false for a switch, a
/// string for a choice (the loader would read the text "0.3" as a number; the page never
/// sends one, so it is refused here).
fn check_type(lever: &Lever, value: &Value) -> Result<(), LeverError> {
    let fits = match lever.kind {
        LeverKind::Number { .. } => value.is_number(),
        LeverKind::Choice { .. } => value.is_string(),
        LeverKind::Switch => value.is_boolean(),
    };
    if fits {
        Ok(())
    } else {
        Err(LeverError::new(
            lever.key,
            lever.allowed(),
            format!(
                "`{}` = {} has the wrong type: allowed {}",
                lever.key,
                short(value),
                lever.allowed()
            ),
        ))
    }
}

/// A JSON value as TOML override text: numbers as written (floats in Rust's round-trip form,
/// which TOML reads back exactly), booleans, and strings bare (the loader reads a bare word
/// where a string is expected).
fn toml_text(value: &Value) -> String {
    match value {
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => u.to_string(),
            (None, Some(i), _) => i.to_string(),
            (None, None, Some(f)) => format!("{f:?}"),
            _ => n.to_string(),
        },
        Value::Bool(b) => b.to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Overrides setting the three other backgrounds to equal shares of what young graduates and
/// experienced cadres leave, so the mix sums to 1. Refuses two shares over 1 together.
fn rest_of_mix(used: &Map<String, Value>) -> Result<Vec<String>, LeverError> {
    let share = |key: &str| used.get(key).and_then(Value::as_f64).unwrap_or(0.2);
    let (young, experienced) = (share(YOUNG), share(EXPERIENCED));
    if !(0.0..=1.0).contains(&young) || !(0.0..=1.0).contains(&experienced) {
        // Out of range on its own: the loader names that lever.
        return Ok(Vec::new());
    }
    if young + experienced > 1.0 + 1e-9 {
        return Err(LeverError::new(
            "cadres.mix",
            format!("{YOUNG} + {EXPERIENCED} <= 1"),
            format!(
                "`{YOUNG}` + `{EXPERIENCED}` = {} is out of range: allowed shares summing to at most 1 (the other three backgrounds share the rest)",
                ((young + experienced) * 1e6).round() / 1e6
            ),
        ));
    }
    // Rounded to 12 decimals, so that the default 0.2 and 0.2 leave exactly the baseline 0.2
    // (not 0.20000000000000004) to each of the others.
    let rest = (((1.0 - young - experienced) / 3.0).max(0.0) * 1e12).round() / 1e12;
    Ok(REST_OF_MIX
        .iter()
        .map(|k| format!("{k}={rest:?}"))
        .collect())
}

/// The classroom's bounds on top of the model's (world size, slider ranges).
fn check_bounds(used: &Map<String, Value>) -> Result<(), LeverError> {
    for lever in LEVERS.iter().chain(WORLD.iter()) {
        let LeverKind::Number {
            min, max, integer, ..
        } = lever.kind
        else {
            continue;
        };
        let Some(value) = used.get(lever.key) else {
            continue;
        };
        let number = value.as_f64().unwrap_or(f64::NAN);
        let whole = !integer || value.is_u64();
        if !(whole && number >= min && number <= max) {
            return Err(LeverError::new(
                lever.key,
                lever.allowed(),
                format!(
                    "`{}` = {} is out of the classroom's range: allowed {}",
                    lever.key,
                    short(value),
                    lever.allowed()
                ),
            ));
        }
    }
    Ok(())
}

/// The first of the loader's problems as a lever error (the page shows one at a time; the
/// message lists them all).
fn from_scenario(error: &scenario::ScenarioError) -> LeverError {
    let problems = error.problems();
    let Some(first) = problems.first() else {
        return LeverError::new("", "", error.to_string());
    };
    let parameter = if REST_OF_MIX.contains(&first.path()) {
        "cadres.mix"
    } else {
        first.path()
    };
    // A lever's own range is what the page allows (within the model's); for anything else,
    // what the loader says is allowed.
    let allowed = find(parameter)
        .map(Lever::allowed)
        .or_else(|| allowed_in(first.message()))
        .unwrap_or_default();
    let message: Vec<&str> = problems.iter().map(|p| p.message()).collect();
    LeverError::new(parameter, allowed, message.join("; "))
}

/// The "what is allowed" part of a loader message: after `allowed ` (ranges) or `expected `
/// (types and choices), up to `, found`.
fn allowed_in(message: &str) -> Option<String> {
    let start = ["is out of range: allowed ", "expected "]
        .iter()
        .find_map(|marker| message.find(marker).map(|i| i + marker.len()))?;
    let rest = &message[start..];
    let end = rest.find(", found").unwrap_or(rest.len());
    Some(rest[..end].trim().to_owned())
}

/// A JSON value as shown in a message (long ones cut).
fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 40 {
        let cut: String = text.chars().take(37).collect();
        format!("{cut}...")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    fn refused(world: Value, levers: Value) -> LeverError {
        resolve(&map(world), &map(levers)).expect_err("refused")
    }

    #[test]
    fn no_levers_give_the_default_classroom_world() {
        let (params, used) = resolve(&Map::new(), &Map::new()).expect("defaults are valid");
        assert_eq!(params.population.villages, DEFAULT_VILLAGES);
        assert_eq!(params.population.counties, 1);
        assert_eq!(params.population.households_per_village, DEFAULT_HOUSEHOLDS);
        assert_eq!(params.simulation.months, MONTHS);
        assert_eq!(params.simulation.replicates, 1);
        assert_eq!(params.cadres, Params::default().cadres);
        assert_eq!(params.policy, Params::default().policy);
        assert_eq!(used["cadres.admin_burden"], json!(0.5));
        assert_eq!(used["policy.exit_rule"], json!("standard"));
        assert_eq!(used["policy.monitoring"], json!(true));
    }

    #[test]
    fn every_lever_reaches_its_parameter() {
        let (p, _) = resolve(
            &map(json!({"simulation.seed": 7, "population.villages": 5, "population.households_per_village": 60})),
            &map(json!({
                "cadres.mix.young_graduate": 0.7,
                "cadres.mix.experienced": 0.0,
                "cadres.admin_burden": 0.2,
                "funding.spending_per_person": 8000,
                "incentives.subsidy_scheme": "remoteness_adjusted",
                "incentives.promotion_on_performance": true,
                "policy.exit_rule": "strict",
                "policy.deadline_pressure": 0.4,
                "policy.monitoring": false,
            })),
        )
        .expect("valid");
        assert_eq!(p.simulation.seed, 7);
        assert_eq!(p.population.villages, 5);
        assert_eq!(p.population.households_per_village, 60);
        assert_eq!(p.population.households_sd, 10);
        assert_eq!(p.cadres.mix.young_graduate, 0.7);
        assert_eq!(p.cadres.mix.experienced, 0.0);
        assert!((p.cadres.mix.economic - 0.1).abs() < 1e-12);
        assert!((p.cadres.mix.shares().iter().sum::<f64>() - 1.0).abs() < 1e-9);
        assert_eq!(p.cadres.admin_burden, 0.2);
        assert_eq!(p.funding.spending_per_person, 8_000.0);
        assert_eq!(
            p.incentives.subsidy_scheme,
            crate::params::SubsidyScheme::RemotenessAdjusted
        );
        assert!(p.incentives.promotion_on_performance);
        assert_eq!(p.policy.exit_rule, crate::params::ExitRule::Strict);
        assert_eq!(p.policy.deadline_pressure, 0.4);
        assert!(!p.policy.monitoring);
    }

    #[test]
    fn both_ends_of_every_slider_are_valid_model_values() {
        for lever in LEVERS.iter().chain(WORLD.iter()) {
            if let LeverKind::Number { min, max, .. } = lever.kind {
                for v in [min, max] {
                    let value = if v.fract() == 0.0 {
                        json!(v as u64)
                    } else {
                        json!(v)
                    };
                    let (world, levers) = if WORLD.contains(lever) {
                        (map(json!({ lever.key: value })), Map::new())
                    } else {
                        (Map::new(), map(json!({ lever.key: value })))
                    };
                    // The mix levers at 1 need the other at 0.
                    let mut levers = levers;
                    if lever.key == YOUNG {
                        levers.insert(EXPERIENCED.into(), json!(0.0));
                    }
                    if lever.key == EXPERIENCED {
                        levers.insert(YOUNG.into(), json!(0.0));
                    }
                    resolve(&world, &levers).unwrap_or_else(|e| panic!("{} = {v}: {e}", lever.key));
                }
            }
        }
    }

    #[test]
    fn an_out_of_range_lever_is_refused_naming_the_parameter_and_its_range() {
        let e = refused(json!({}), json!({"cadres.admin_burden": 1.4}));
        assert_eq!(e.parameter, "cadres.admin_burden");
        assert_eq!(e.allowed, "a number in [0, 1]");
        assert!(e.message.contains("1.4"), "{e}");
        let e = refused(json!({}), json!({"policy.deadline_pressure": -0.2}));
        assert_eq!(e.parameter, "policy.deadline_pressure");
        assert_eq!(e.allowed, "a number in [0, 0.9]");
    }

    #[test]
    fn an_unknown_choice_is_refused_with_the_options() {
        let e = refused(json!({}), json!({"policy.exit_rule": "lax"}));
        assert_eq!(e.parameter, "policy.exit_rule");
        assert_eq!(e.allowed, "one of \"standard\", \"strict\"");
    }

    #[test]
    fn a_value_of_the_wrong_type_is_refused() {
        let e = refused(json!({}), json!({"policy.monitoring": "yes"}));
        assert_eq!(e.parameter, "policy.monitoring");
        assert_eq!(e.allowed, "true or false");
        let e = refused(json!({}), json!({"cadres.admin_burden": "0.3"}));
        assert_eq!(e.parameter, "cadres.admin_burden");
        let e = refused(json!({"population.villages": 2.5}), json!({}));
        assert_eq!(e.parameter, "population.villages");
    }

    #[test]
    fn a_world_larger_than_the_classroom_allows_is_refused() {
        let e = refused(json!({"population.villages": 41}), json!({}));
        assert_eq!(e.parameter, "population.villages");
        assert_eq!(e.allowed, "a whole number in [1, 40]");
        let e = refused(
            json!({"population.households_per_village": 5000}),
            json!({}),
        );
        assert_eq!(e.parameter, "population.households_per_village");
        assert_eq!(e.allowed, "a whole number in [20, 300]");
        let e = refused(json!({}), json!({"funding.spending_per_person": 1e9}));
        assert_eq!(e.parameter, "funding.spending_per_person");
        assert_eq!(e.allowed, "a number in [0, 64000]");
    }

    #[test]
    fn mix_shares_over_one_are_refused_as_the_mix() {
        let e = refused(
            json!({}),
            json!({"cadres.mix.young_graduate": 0.7, "cadres.mix.experienced": 0.5}),
        );
        assert_eq!(e.parameter, "cadres.mix");
        assert!(e.message.contains("1.2"), "{e}");
        let e = refused(json!({}), json!({"cadres.mix.young_graduate": 1.5}));
        assert_eq!(e.parameter, YOUNG);
        assert_eq!(e.allowed, "a number in [0, 1]");
    }

    #[test]
    fn unknown_keys_and_levers_in_the_wrong_group_are_refused() {
        let e = refused(json!({}), json!({"cadres.admin_burdn": 0.3}));
        assert_eq!(e.parameter, "cadres.admin_burdn");
        assert!(e.allowed.contains("cadres.admin_burden"), "{e:?}");
        let e = refused(json!({}), json!({"simulation.seed": 3}));
        assert_eq!(e.parameter, "simulation.seed");
        let e = refused(json!({"cadres.admin_burden": 0.3}), json!({}));
        assert_eq!(e.parameter, "cadres.admin_burden");
    }

    #[test]
    fn the_allowed_part_is_read_off_the_loader_messages() {
        assert_eq!(
            allowed_in("`a.b` = 2 is out of range: allowed a number in [0, 1]").as_deref(),
            Some("a number in [0, 1]")
        );
        assert_eq!(
            allowed_in("`a.b` = \"x\" is not allowed: expected one of \"p\", \"q\"").as_deref(),
            Some("one of \"p\", \"q\"")
        );
        assert_eq!(
            allowed_in("`a.b` = 1.5 has the wrong type: expected integer, found float").as_deref(),
            Some("integer")
        );
        assert_eq!(allowed_in("something else"), None);
    }
}
