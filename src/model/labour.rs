//! Labour and migration (MODEL.md section 0.2, "Migrant work"; ODD submodel "labour and
//! migration"): the smooth monthly chance that a labourer at home takes a migrant job, the
//! return hazard that ends migrant jobs, and job placement.
//!
//! The chance per labourer at home is `economy.migration_base x skill^1.5 x (0.5 + motivation)
//! x (1 + placement)` (x 1.5 for relocated households, v1's boost), with no threshold: a small
//! skill gain moves the chance a little, never unlocks a job at once. A migrant job ends with the
//! monthly hazard `economy.return_rate`. One uniform draw per household with a labourer at home
//! or away decides a departure or a return, as in v1, so the household stream advances the same
//! way whatever the outcome.

use rand::Rng;

use super::household::{flag, HouseholdState, MonthContext};
use crate::rng::Stream;

/// Monthly chance that one labourer at home takes a migrant job: `base x skill^1.5 x (0.5 +
/// motivation) x (1 + placement)`, with `skill` and `motivation` in [0, 1] and `placement` 1
/// while a job-placement measure is pending (MODEL.md section 0.2).
#[inline(always)]
pub fn migration_chance(base: f32, skill: f32, motivation: f32, placement: u8) -> f32 {
    let skill = skill.max(0.0);
    base * skill * skill.sqrt() * (0.5 + motivation) * (1.0 + f32::from(placement))
}

/// One month of migration for one household: a labourer at home may leave for a migrant job
/// (clearing a pending `placement`), or a migrant job may end (hazard `ctx.return_rate` per
/// migrant, plus the macro shock's share in February 2020). One draw, only for households with
/// a labourer at home or away.
#[inline(always)]
pub fn step_migration(
    s: &mut HouseholdState,
    placement: &mut u8,
    skill: f32,
    motivation: f32,
    ctx: &MonthContext,
    rng: &mut Stream,
) {
    let home = s.at_home();
    let migrants = s.migrants;
    if home == 0 && migrants == 0 {
        return;
    }
    let u: f32 = rng.random();
    let mut leave = 0.0;
    if home > 0 {
        let boost = if s.flags & flag::RELOCATED != 0 {
            ctx.relocated_migration_boost
        } else {
            1.0
        };
        leave = (migration_chance(ctx.migration_base, skill, motivation, *placement)
            * boost
            * f32::from(home))
        .min(1.0);
    }
    let back = ctx.return_rate * f32::from(migrants) + ctx.macro_return_share;
    if u < leave {
        s.migrants += 1;
        *placement = 0;
    } else if migrants > 0 && u > 1.0 - back.min(1.0 - leave) {
        s.migrants -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{stream, Purpose};

    #[test]
    fn migration_chance_rises_smoothly_with_skill_without_a_step() {
        let mut last = 0.0f32;
        let mut largest_jump = 0.0f32;
        for k in 0..=1000 {
            let skill = k as f32 / 1000.0;
            let p = migration_chance(0.04, skill, 0.5, 0);
            assert!(p >= last, "not increasing at skill {skill}");
            largest_jump = largest_jump.max(p - last);
            last = p;
        }
        // skill^1.5: no jump anywhere (a v1-style threshold at 0.3 would jump by 0.02 at once).
        assert!(largest_jump < 0.0001, "jump {largest_jump}");
        assert!(migration_chance(0.04, 0.29, 0.5, 0) > 0.0);
        assert!((migration_chance(0.04, 1.0, 0.5, 0) - 0.04).abs() < 1e-7);
        // A pending placement doubles it; motivation scales it.
        let p = migration_chance(0.04, 0.6, 0.7, 0);
        assert!((migration_chance(0.04, 0.6, 0.7, 1) - 2.0 * p).abs() < 1e-7);
        assert!(migration_chance(0.04, 0.6, 0.9, 0) > p);
    }

    fn context() -> MonthContext {
        MonthContext {
            migration_base: 0.04,
            relocated_migration_boost: 1.5,
            return_rate: 0.003,
            ..MonthContext::default()
        }
    }

    /// Months until the first labourer leaves, averaged over many households.
    fn mean_months_to_leave(skill: f32, placement: u8) -> f64 {
        let ctx = context();
        let mut rng = stream(7, 0, 0, Purpose::Households);
        let runs = 2000;
        let mut total = 0u64;
        for _ in 0..runs {
            let mut s = HouseholdState {
                size: 3,
                labour: 1,
                ..HouseholdState::default()
            };
            let mut pending = placement;
            let mut months = 0;
            while s.migrants == 0 && months < 10_000 {
                step_migration(&mut s, &mut pending, skill, 0.5, &ctx, &mut rng);
                months += 1;
            }
            assert_eq!(
                pending, 0,
                "a placement is cleared when a migrant job is taken"
            );
            total += months;
        }
        total as f64 / f64::from(runs)
    }

    #[test]
    fn skilled_and_placed_labourers_leave_sooner_and_migrants_return() {
        let low = mean_months_to_leave(0.2, 0);
        let high = mean_months_to_leave(0.8, 0);
        let placed = mean_months_to_leave(0.8, 1);
        // Expected 1 / p: 279 months at skill 0.2, 35 at 0.8, 17.5 placed.
        assert!(low > 5.0 * high, "low {low} high {high}");
        assert!(placed < 0.7 * high, "placed {placed} high {high}");
        // Migrant jobs end: with hazard 0.1 a migrant is home within months.
        let ctx = MonthContext {
            return_rate: 0.1,
            ..context()
        };
        let mut rng = stream(7, 0, 0, Purpose::Households);
        let mut s = HouseholdState {
            size: 2,
            labour: 1,
            migrants: 1,
            ..HouseholdState::default()
        };
        let mut pending = 0;
        let mut months = 0;
        while s.migrants == 1 && months < 1000 {
            step_migration(&mut s, &mut pending, 0.0, 0.5, &ctx, &mut rng);
            months += 1;
        }
        assert!(months < 200, "a migrant job never ended");
    }
}

#[cfg(test)]
mod growth_tests {
    use crate::model::schedule::Calendar;
    use crate::model::village::Village;
    use crate::model::world::County;
    use crate::params::Params;

    #[test]
    fn each_income_source_grows_at_its_own_rate() {
        // Distinct rates set here, so that each source is seen to follow its own.
        let mut params = Params::default();
        params.economy.growth.migrant = 0.065;
        params.economy.growth.farm = 0.04;
        params.economy.growth.local_wage = 0.06;
        let cal = Calendar { start_year: 2014 };
        let v = Village::new(0, &params, 3, 0, cal);
        let county = County::new();
        let c2014 = v.month_context(&params, 0, cal, &county);
        let c2020 = v.month_context(&params, 72, cal, &county);
        let ratio = |a: f32, b: f32| f64::from(b) / f64::from(a);
        let close = |x: f64, y: f64| (x - y).abs() < 1e-4;
        assert!(close(
            ratio(c2014.remittance, c2020.remittance),
            1.065f64.powi(6)
        ));
        assert!(close(
            ratio(c2014.farm_per_labourer_month, c2020.farm_per_labourer_month),
            1.04f64.powi(6)
        ));
        assert!(close(
            ratio(c2014.local_wage, c2020.local_wage),
            1.06f64.powi(6)
        ));
        assert!(close(
            ratio(c2014.other_income_pc, c2020.other_income_pc),
            1.04f64.powi(6)
        ));
        // Migrant wages: 2,860 yuan a month in 2014 grow to about 4,170 by 2020 (4,070 observed).
        assert!((2860.0 * 1.065f64.powi(6) - 4070.0).abs() < 150.0);
        // Setting one source's growth moves only that source.
        let mut p = params.clone();
        p.economy.growth.farm = 0.0;
        let d2020 = v.month_context(&p, 72, cal, &county);
        assert_eq!(d2020.farm_per_labourer_month, c2014.farm_per_labourer_month);
        assert_eq!(d2020.remittance, c2020.remittance);
    }
}
