//! The invariants every run must satisfy: households conserved, counts within the
//! population, cumulative counts never falling, rates in [0, 1], money accounted for, every
//! number finite. A violation is a bug in povsim (exit code 1, nothing written), never the
//! user's fault.

use crate::error::InternalError;
use crate::finite::first_non_finite;
use crate::sim::RunOutput;

/// The invariants every run must satisfy; a violation is a bug (exit code 1).
pub fn check_invariants(runs: &[RunOutput]) -> Result<(), InternalError> {
    let fail = |what: String| Err(InternalError(what));
    for run in runs {
        let r = run.replicate;
        check_finite(run)?;
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
        let accounted = a.funds_spent + a.funds_misused + a.funds_returned + a.funds_held_end;
        if (a.funds_in - accounted).abs() > 1e-6 * a.funds_in.abs().max(1.0) {
            return fail(format!(
                "replicate {r}: money in {:.0} != spent + misused + returned + held {:.0}",
                a.funds_in, accounted
            ));
        }
        // Whole yuan (MODEL.md 0.7): every village-year balances exactly, and the counties
        // pay out no more than came back to them.
        if a.account_failures > 0 || a.returned_total != a.reallocated_total + a.county_pool_end {
            return fail(format!(
                "replicate {r}: {} village-year accounts do not balance to the yuan, or the \
                 county pools do not (returned {}, reallocated {}, pools {})",
                a.account_failures, a.returned_total, a.reallocated_total, a.county_pool_end
            ));
        }
    }
    Ok(())
}

/// Every number a replicate writes is finite: a NaN or an infinity is a bug, named by its row
/// and field.
fn check_finite(run: &RunOutput) -> Result<(), InternalError> {
    let r = run.replicate;
    let fail = |row: String, field: &str| {
        Err(InternalError(format!(
            "replicate {r} {row}: `{field}` is not a finite number"
        )))
    };
    for m in &run.months {
        if let Some(field) = first_non_finite(m) {
            return fail(format!("month {}", m.month), field);
        }
    }
    for y in &run.years {
        if let Some(field) = first_non_finite(y) {
            return fail(format!("year {}", y.year), field);
        }
    }
    for v in &run.villages {
        if let Some(field) = first_non_finite(v) {
            return fail(format!("year {} village {}", v.year, v.village), field);
        }
    }
    let a = &run.accounts;
    for (field, value) in [
        ("funds_in", a.funds_in),
        ("funds_spent", a.funds_spent),
        ("funds_leaked", a.funds_leaked),
        ("funds_misused", a.funds_misused),
        ("funds_returned", a.funds_returned),
        ("funds_held_end", a.funds_held_end),
    ] {
        if !value.is_finite() {
            return fail("accounts".into(), field);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Params;
    use crate::sim::run_all;

    #[test]
    fn a_non_finite_number_anywhere_is_a_bug_named_by_its_field() {
        let runs = run_all(&Params::small(4, 40, 24, 1));
        assert!(check_invariants(&runs).is_ok());

        let mut poisoned = runs.clone();
        poisoned[0].months[5].mean_income_pc = f64::NAN;
        let error = check_invariants(&poisoned).expect_err("NaN is caught");
        assert!(error.0.contains("mean_income_pc"), "{}", error.0);

        let mut poisoned = runs.clone();
        poisoned[0].accounts.funds_spent = f64::INFINITY;
        let error = check_invariants(&poisoned).expect_err("infinity is caught");
        assert!(error.0.contains("funds_spent"), "{}", error.0);
    }
}
