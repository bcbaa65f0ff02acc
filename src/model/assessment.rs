//! The annual assessment of first secretaries (MODEL.md section 0.8, "Incentives"): the score
//! compares a village's exits with its plan and, from the year third-party checks start,
//! subtracts exits the checks reversed. Only what the checks verify counts, never the true
//! state. Percentiles among a county's secretaries, promotion prospects and recall are in
//! `sim.rs` (`assess_cadres`), recall through [`super::village::Village::recall_cadre`].

use super::village::YearStats;
use crate::params::Params;

/// First year in which exits reversed by third-party checks are subtracted (MODEL.md 0.8).
pub const CHECKS_COUNT_FROM: u32 = 2016;

/// Stand-in for the exits track's plan: the village's registered households on 1 January
/// spread evenly over the years to the deadline, `registered_start / (deadline - year + 1)`
/// (rounded up), 0 after the deadline (no plan, V2_DESIGN R7).
pub fn stand_in_plan(registered_start: u32, deadline_year: u32, year: u32) -> u32 {
    if year > deadline_year {
        return 0;
    }
    registered_start.div_ceil(deadline_year - year + 1)
}

/// Assessment score of the secretary for `year`: verified exits (official exits less those
/// reversed by checks, from [`CHECKS_COUNT_FROM`]) per planned exit; without a plan (after the
/// deadline), per household registered on 1 January. 1 = plan met.
pub fn score(year_stats: &YearStats, year: u32) -> f64 {
    let reversed = if year >= CHECKS_COUNT_FROM {
        year_stats.exits_reversed
    } else {
        0
    };
    let verified = f64::from(year_stats.exits) - f64::from(reversed);
    let per = if year_stats.planned_exits > 0 {
        year_stats.planned_exits
    } else {
        year_stats.registered_start.max(1)
    };
    verified / f64::from(per)
}

/// Incentive term of the enthusiasm equation (MODEL.md 0.8): `incentive_without_promotion`
/// (0.3) without career incentives; with promotion on performance `0.3 + promotion_weight
/// (0.7) x (0.5 + 0.5 x last_percentile)`: the prospect motivates everyone, most those doing
/// well.
pub fn incentive(params: &Params, last_percentile: f64) -> f64 {
    let inc = &params.incentives;
    if inc.promotion_on_performance {
        inc.incentive_without_promotion
            + inc.promotion_weight * (0.5 + 0.5 * last_percentile.clamp(0.0, 1.0))
    } else {
        inc.incentive_without_promotion
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_spreads_the_register_to_the_deadline() {
        assert_eq!(stand_in_plan(60, 2020, 2015), 10);
        assert_eq!(stand_in_plan(60, 2020, 2020), 60);
        assert_eq!(stand_in_plan(60, 2020, 2021), 0);
    }

    #[test]
    fn reversed_exits_count_against_the_score_from_2016() {
        let y = YearStats {
            registered_start: 60,
            exits: 12,
            planned_exits: 10,
            exits_reversed: 4,
            ..YearStats::default()
        };
        assert!((score(&y, 2015) - 1.2).abs() < 1e-12);
        assert!((score(&y, 2016) - 0.8).abs() < 1e-12);
        let no_plan = YearStats {
            planned_exits: 0,
            ..y
        };
        assert!((score(&no_plan, 2021) - 8.0 / 60.0).abs() < 1e-12);
    }

    #[test]
    fn promotion_motivates_everyone_most_the_best() {
        let mut p = Params::default();
        assert_eq!(incentive(&p, 0.9), 0.3);
        p.incentives.promotion_on_performance = true;
        assert!((incentive(&p, 0.0) - 0.65).abs() < 1e-12);
        assert!((incentive(&p, 1.0) - 1.0).abs() < 1e-12);
    }
}
