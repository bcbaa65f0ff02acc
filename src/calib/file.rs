//! Calibration files: which parameters `povsim calibrate` fits (with prior ranges), to which
//! targets, from which base scenario, with what ABC-SMC settings. Parsed with positions; every
//! problem reported at once (file, line, key, what is allowed), exit 2, before any run.

use std::path::Path;

use serde::Serialize;
use toml::de::DeValue;
use toml::Value;

use super::abc::{Prior, Settings};
use super::targets::TargetSet;
use super::toml_read::{read_input, FileError, Reader};
use crate::cmd::common::BASELINE_TEXT;
use crate::params::Params;
use crate::scenario::{self, Source, BASELINE_LABEL};

/// The kind of file named in messages.
pub const KIND: &str = "calibration file";

/// Keys allowed at the top of a calibration file.
const TOP_KEYS: [&str; 9] = [
    "name",
    "description",
    "base",
    "targets",
    "seed",
    "replicates",
    "set",
    "abc",
    "parameters",
];

/// Keys allowed in `[abc]`.
const ABC_KEYS: [&str; 4] = ["particles", "generations", "quantile", "min_acceptance"];

/// A resolved calibration: everything needed to run it, resume it and merge its shards. Its
/// hash identifies the calibration (a folder of another calibration is never resumed).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    /// povsim version that resolved it.
    pub povsim_version: String,
    /// The calibration file as given.
    pub source: String,
    /// Name (default: the file name), names the default results folder.
    pub name: String,
    /// Free text.
    pub description: String,
    /// The base scenario as given (file or built-in baseline).
    pub base: String,
    /// The base scenario resolved with `[set]`, seed and replicates, as TOML.
    pub base_resolved: String,
    /// Overrides applied to the base (`[set]`, seed, replicates), `key=value`.
    pub overrides: Vec<String>,
    /// The targets file as given.
    pub targets_label: String,
    /// Its text.
    pub targets_text: String,
    /// Replicates per particle (common random numbers: the same seed for every particle).
    pub replicates: u32,
    /// ABC-SMC settings.
    pub settings: Settings,
    /// The fitted parameters and their priors, in file order.
    pub priors: Vec<Prior>,
}

impl Calibration {
    /// The hash identifying the calibration (version, base, targets, settings, priors).
    pub fn identity_hash(&self) -> String {
        let identity = serde_json::json!({
            "povsim_version": self.povsim_version,
            "base_resolved": self.base_resolved,
            "targets_text": self.targets_text,
            "replicates": self.replicates,
            "settings": self.settings,
            "priors": self.priors,
        });
        crate::export::manifest::hash_text(&identity.to_string())
    }

    /// The targets (checked when the file was resolved).
    pub fn targets(&self) -> TargetSet {
        TargetSet::parse(&self.targets_label, &self.targets_text)
            .expect("targets checked at resolution")
    }

    /// The overrides that set the parameters to `values` (integers written whole, floats with
    /// a decimal point).
    pub fn overrides_for(&self, values: &[f64]) -> Vec<String> {
        self.priors
            .iter()
            .zip(values)
            .map(|(p, &x)| format!("{}={}", p.key, value_text(p, x)))
            .collect()
    }

    /// The parameters of the base with the prior keys set to `values`.
    pub fn params_for(&self, values: &[f64]) -> anyhow::Result<Params> {
        let source = Source::new(self.base.clone(), self.base_resolved.clone());
        Ok(scenario::load(&source, &self.overrides_for(values))?)
    }
}

/// A parameter value as written in an override or a CSV cell.
pub fn value_text(prior: &Prior, x: f64) -> String {
    if prior.integer {
        format!("{}", x.round() as i64)
    } else {
        let s = format!("{x}");
        if s.contains('.') || s.contains('e') || s.contains("inf") || s.contains("NaN") {
            s
        } else {
            format!("{s}.0")
        }
    }
}

/// Reads and resolves a calibration file.
pub fn resolve(path: &Path) -> Result<Calibration, FileError> {
    let text = read_input(KIND, path)?;
    let label = path.display().to_string();
    let dir = path.parent().unwrap_or(Path::new("."));
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| "calibration".into());
    resolve_text(&label, &text, dir, &stem)
}

/// Resolves the text of a calibration file whose relative paths start at `dir`.
pub fn resolve_text(
    label: &str,
    text: &str,
    dir: &Path,
    default_name: &str,
) -> Result<Calibration, FileError> {
    let mut reader = Reader::new(text);
    let root = reader.parse();
    let mut name = None;
    let mut description = String::new();
    let mut base: Option<(String, std::ops::Range<usize>)> = None;
    let mut targets: Option<(String, std::ops::Range<usize>)> = None;
    let mut seed = None;
    let mut replicates = None;
    let mut set: Vec<(String, String, std::ops::Range<usize>)> = Vec::new();
    let mut settings = Settings {
        particles: 100,
        generations: 5,
        quantile: 0.5,
        min_acceptance: 0.02,
        seed: 0,
    };
    let mut parameters: Vec<(String, f64, f64, std::ops::Range<usize>)> = Vec::new();
    let mut parameters_at = None;
    for (key, value) in root.get_ref().iter() {
        let k = key.get_ref().as_ref();
        match k {
            "name" => {
                name = reader.string(k, value).and_then(|n| {
                    match crate::sweep::names::check_name(&n) {
                        Ok(()) => Some(n),
                        Err(why) => {
                            reader.push(&value.span(), k, why);
                            None
                        }
                    }
                })
            }
            "description" => description = reader.string(k, value).unwrap_or_default(),
            "base" => base = reader.string(k, value).map(|s| (s, value.span())),
            "targets" => targets = reader.string(k, value).map(|s| (s, value.span())),
            "seed" => seed = reader.integer(k, value, 0, i64::MAX),
            "replicates" => replicates = reader.integer(k, value, 1, 1000),
            "set" => match value.get_ref() {
                DeValue::Table(table) => {
                    let mut entries = Vec::new();
                    dotted("", table, &mut entries);
                    for (dotted_key, v) in entries {
                        let span = v.span();
                        let shown = text.get(span.clone()).unwrap_or("").trim().to_string();
                        set.push((dotted_key, shown, span));
                    }
                }
                _ => reader.push(&value.span(), k, "expected a table of scenario keys"),
            },
            "abc" => match value.get_ref() {
                DeValue::Table(table) => {
                    for (akey, avalue) in table.iter() {
                        let a = akey.get_ref().as_ref();
                        let path = format!("abc.{a}");
                        match a {
                            "particles" => {
                                if let Some(n) = reader.integer(&path, avalue, 10, 100_000) {
                                    settings.particles = n as usize;
                                }
                            }
                            "generations" => {
                                if let Some(n) = reader.integer(&path, avalue, 1, 100) {
                                    settings.generations = n as u32;
                                }
                            }
                            "quantile" => {
                                if let Some(q) = fraction(&mut reader, &path, avalue) {
                                    settings.quantile = q;
                                }
                            }
                            "min_acceptance" => {
                                if let Some(q) = fraction(&mut reader, &path, avalue) {
                                    settings.min_acceptance = q;
                                }
                            }
                            _ => reader.unknown(&akey.span(), &path, &ABC_KEYS),
                        }
                    }
                }
                _ => reader.push(&value.span(), k, "expected a table"),
            },
            "parameters" => match value.get_ref() {
                DeValue::Table(table) => {
                    parameters_at = Some(key.span());
                    let mut entries = Vec::new();
                    dotted("", table, &mut entries);
                    for (dotted_key, v) in entries {
                        if let Some((low, high)) =
                            reader.pair(&format!("parameters.{dotted_key}"), v)
                        {
                            parameters.push((dotted_key, low, high, v.span()));
                        }
                    }
                }
                _ => reader.push(&value.span(), k, "expected a table: \"key\" = [low, high]"),
            },
            _ => reader.unknown(&key.span(), k, &TOP_KEYS),
        }
    }
    if parameters.is_empty() && reader.problems.is_empty() {
        let at = parameters_at.unwrap_or(0..0);
        reader.push(
            &at,
            "parameters",
            "no parameters to fit; write [parameters] with \"dotted.key\" = [low, high]",
        );
    }

    // The base scenario with [set], seed and replicates.
    let (base_source, base_label) = match &base {
        None => (
            Source::new(BASELINE_LABEL, BASELINE_TEXT),
            BASELINE_LABEL.to_string(),
        ),
        Some((b, _)) if b == "baseline" => (
            Source::new(BASELINE_LABEL, BASELINE_TEXT),
            BASELINE_LABEL.to_string(),
        ),
        Some((b, span)) => {
            let path = dir.join(b);
            match std::fs::read_to_string(&path) {
                Ok(t) => (
                    Source::new(path.display().to_string(), t),
                    path.display().to_string(),
                ),
                Err(e) => {
                    reader.push(
                        span,
                        "base",
                        format!(
                            "cannot read {}: {e}; `base` is a path relative to the calibration file, or \"baseline\"",
                            path.display()
                        ),
                    );
                    return Err(reader.finish(KIND, label).unwrap_err());
                }
            }
        }
    };
    let target_set = match &targets {
        None => Some(TargetSet::shipped()),
        Some((t, span)) => match TargetSet::load(&dir.join(t)) {
            Ok(set) => Some(set),
            Err(e) => {
                reader.push(
                    span,
                    "targets",
                    format!("the targets file is refused:\n{e}"),
                );
                None
            }
        },
    };
    if let Some(set) = &target_set {
        if set.fitting().is_empty() {
            let span = targets.as_ref().map_or(0..0, |t| t.1.clone());
            reader.push(
                &span,
                "targets",
                "the targets file has no fitting targets (use = \"fit\")",
            );
        }
    }
    let mut overrides: Vec<String> = set.iter().map(|(k, v, _)| format!("{k}={v}")).collect();
    let seed = seed.unwrap_or(2014) as u64;
    let replicates = replicates.unwrap_or(4) as u32;
    overrides.push(format!("simulation.seed={seed}"));
    overrides.push(format!("simulation.replicates={replicates}"));
    let base_params: Option<Params> = match scenario::load::<Params>(&base_source, &overrides) {
        Ok(p) => Some(p),
        Err(e) => {
            for problem in e.problems() {
                // Place the problem at the [set] entry it concerns, else at the base.
                let span = set
                    .iter()
                    .find(|(k, _, _)| k == problem.path())
                    .map(|s| s.2.clone())
                    .or_else(|| base.as_ref().map(|b| b.1.clone()))
                    .unwrap_or(0..0);
                let key = if set.iter().any(|(k, _, _)| k == problem.path()) {
                    format!("set.{}", problem.path())
                } else {
                    "base".to_string()
                };
                reader.push(&span, &key, problem.render(&base_label));
            }
            None
        }
    };
    let schema = Value::try_from(Params::default())
        .ok()
        .and_then(|v| v.as_table().map(scenario::leaves));
    let mut priors = Vec::new();
    if let (Some(base_params), Some(schema)) = (&base_params, &schema) {
        let resolved = scenario::to_toml(base_params).unwrap_or_default();
        let source = Source::new(base_label.clone(), resolved);
        let mut seen = std::collections::BTreeSet::new();
        for (key, low, high, span) in &parameters {
            let path = format!("parameters.{key}");
            if !seen.insert(key.clone()) {
                reader.push(span, &path, "this parameter is listed twice");
                continue;
            }
            let integer = match schema.get(key) {
                Some(Value::Integer(_)) => true,
                Some(Value::Float(_)) => false,
                Some(_) => {
                    reader.push(
                        span,
                        &path,
                        format!("`{key}` is not a number-valued scenario key; only numbers can be fitted"),
                    );
                    continue;
                }
                None => {
                    reader.push(
                        span,
                        &path,
                        format!("`{key}` is not a scenario key (see `povsim check --explain KEY`)"),
                    );
                    continue;
                }
            };
            if key == "simulation.seed" || key == "simulation.replicates" {
                reader.push(span, &path, "the seed and the replicates cannot be fitted");
                continue;
            }
            let prior = Prior {
                key: key.clone(),
                low: *low,
                high: *high,
                integer,
            };
            for end in [*low, *high] {
                let o = format!("{key}={}", value_text(&prior, end));
                if let Err(e) = scenario::load::<Params>(&source, &[o]) {
                    let why: Vec<String> = e
                        .problems()
                        .iter()
                        .map(|p| p.message().to_string())
                        .collect();
                    reader.push(
                        span,
                        &path,
                        format!(
                            "the prior range reaches {end}, which the scenario refuses: {}",
                            why.join("; ")
                        ),
                    );
                }
            }
            priors.push(prior);
        }
    }
    if let (Some(set), Some(params)) = (&target_set, &base_params) {
        let (first, last) = crate::cmd::validate::covered_years(params);
        if let Err(why) = set.check_covers(first, last) {
            reader.push(
                &targets.as_ref().map_or(0..0, |t| t.1.clone()),
                "targets",
                why,
            );
        }
    }
    reader.finish(KIND, label)?;
    let base_params = base_params.expect("no problems: the base loaded");
    let target_set = target_set.expect("no problems: the targets loaded");
    settings.seed = seed;
    Ok(Calibration {
        povsim_version: env!("CARGO_PKG_VERSION").to_string(),
        source: label.to_string(),
        name: name.unwrap_or_else(|| default_name.to_string()),
        description,
        base: base_label,
        base_resolved: scenario::to_toml(&base_params).unwrap_or_default(),
        overrides,
        targets_label: target_set.label.clone(),
        targets_text: target_set.text.clone(),
        replicates,
        settings,
        priors,
    })
}

/// A number strictly between 0 and 1.
fn fraction(reader: &mut Reader<'_>, key: &str, value: &toml::Spanned<DeValue<'_>>) -> Option<f64> {
    let x = reader.number(key, value)?;
    if x > 0.0 && x < 1.0 {
        Some(x)
    } else {
        reader.push(
            &value.span(),
            key,
            format!("{x} is out of range; allowed: above 0 and below 1"),
        );
        None
    }
}

/// The leaves of a table of dotted scenario keys (quoted `"a.b" = ...` or nested tables), with
/// the span of each value, in file order.
fn dotted<'a, 'i>(
    prefix: &str,
    table: &'a toml::de::DeTable<'i>,
    out: &mut Vec<(String, &'a toml::Spanned<DeValue<'i>>)>,
) {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(_, v)| v.span().start);
    for (key, value) in entries {
        let k = if prefix.is_empty() {
            key.get_ref().to_string()
        } else {
            format!("{prefix}.{}", key.get_ref())
        };
        match value.get_ref() {
            DeValue::Table(inner) => dotted(&k, inner, out),
            _ => out.push((k, value)),
        }
    }
}
