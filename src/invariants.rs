//! The invariants every run must satisfy: households conserved, counts within the
//! population, cumulative counts never falling, rates in [0, 1], money accounted for. A
//! violation is a bug in povsim (exit code 1), never the user's fault.

use crate::error::InternalError;
use crate::sim::RunOutput;

/// The invariants every run must satisfy; a violation is a bug (exit code 1).
pub fn check_invariants(runs: &[RunOutput]) -> Result<(), InternalError> {
    let fail = |what: String| Err(InternalError(what));
    for run in runs {
        let r = run.replicate;
        let Some(first) = run.months.first() else {
            continue;
        };
        let households = first.households;
        let mut last_cum = (0, 0, 0, 0);
        for m in &run.months {
            if m.households != households {
                return fail(format!(
                    "replicate {r} {}: households {} != {households}",
                    m.month, m.households
                ));
            }
            for (name, value) in [
                ("registered", m.registered),
                ("truly_poor", m.truly_poor),
                ("exited", m.exited),
                ("monitored", m.monitored),
            ] {
                if value > households {
                    return fail(format!(
                        "replicate {r} {}: {name} {value} > households {households}",
                        m.month
                    ));
                }
            }
            let cum = (
                m.exits_cum,
                m.relapses_cum,
                m.new_poor_cum,
                m.fake_exits_cum,
            );
            if cum.0 < last_cum.0 || cum.1 < last_cum.1 || cum.2 < last_cum.2 || cum.3 < last_cum.3
            {
                return fail(format!(
                    "replicate {r} {}: a cumulative count decreased",
                    m.month
                ));
            }
            last_cum = cum;
        }
        for y in &run.years {
            for (name, rate) in [("exit_rate", y.exit_rate), ("relapse_rate", y.relapse_rate)] {
                if let Some(v) = rate {
                    if !(0.0..=1.0).contains(&v) {
                        return fail(format!(
                            "replicate {r} {}: {name} {v} outside [0, 1]",
                            y.year
                        ));
                    }
                }
            }
            if y.exits > y.registered_start || y.true_exits + y.fake_exits != y.exits {
                return fail(format!(
                    "replicate {r} {}: exits inconsistent with the register",
                    y.year
                ));
            }
        }
        let a = &run.accounts;
        let accounted = a.funds_spent + a.funds_misused + a.funds_held_end;
        if (a.funds_in - accounted).abs() > 1e-6 * a.funds_in.abs().max(1.0) {
            return fail(format!(
                "replicate {r}: money in {:.0} != spent + misused + held {:.0}",
                a.funds_in, accounted
            ));
        }
    }
    Ok(())
}
