//! Exits and plans (MODEL.md section 0.3, superseding the "Exit (annual)" rule of section 7):
//! county exit plans, the December exit assessment in three phases, third-party checks, exit
//! routes, and village and county exit.
//!
//! The plan is a county quantity while villages step in parallel, so December runs in three
//! phases (docs/V2_DESIGN.md, R8):
//! 1. [`Village::exit_candidates`] (each village, in parallel): one noise draw per registered
//!    household in id order, the assessed income as a ratio to the household's standard;
//! 2. [`county_exit_decision`] (sequential, counties in id order): qualified exits against the
//!    plan, the shortfall share `s`, the bent bar `1 - deadline_pressure x s` (strict: 1), and
//!    the numbers-only quota, apportioned to villages by the largest remainder;
//! 3. [`Village::apply_exits`] (each village, in parallel): exits above the bar, then
//!    numbers-only exits by descending ratio up to the quota, third-party checks, routes.
//!
//! Then [`Village::update_exit_status`] (village exit) and [`update_county_exits`].

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

use super::household::{flag, own_income, Households, MonthContext};
use super::income_assessment::Assessor;
use super::schedule::{dibao_standard, poverty_line, Calendar};
use super::village::Village;
use super::world::County;
use crate::params::{ExitPlan, ExitRule, ExitStandard, Params};

/// The main route of an official exit (MODEL.md section 8, v2): which income source carried the
/// household over the bar, tested in the order below (the first that did wins), so each exit
/// has exactly one route. Stored as `u8` in [`Households::exit_route`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ExitRoute {
    /// Income from work (farming, migrant remittances) and other income carried it.
    Work = 1,
    /// Industry dividends or a local industry job carried it.
    Industry = 2,
    /// A public-welfare job's wage carried it (docs/MODEL.md, section 7.21).
    PublicJob = 3,
    /// Dibao (the bottom line) carried it.
    Dibao = 4,
    /// The household was relocated.
    Relocation = 5,
    /// Exited by the numbers-only quota under pressure, not by income.
    NumbersOnly = 6,
}

impl ExitRoute {
    /// Every route, in the order of [`ExitRoute::index`].
    pub const ALL: [ExitRoute; 6] = [
        ExitRoute::Work,
        ExitRoute::Industry,
        ExitRoute::PublicJob,
        ExitRoute::Dibao,
        ExitRoute::Relocation,
        ExitRoute::NumbersOnly,
    ];

    /// Position in per-route arrays (0-based).
    pub fn index(self) -> usize {
        self as usize - 1
    }
}

/// The income line household `i` must exceed to exit in `year` (before the bar bends): the
/// next year's line under the `forward` standard, except that a household on dibao whose dibao
/// standard is at least this year's line faces this year's line (R4: the standard, reviewed
/// upward each year, is what keeps it above the line); this year's line under `current`.
pub fn exit_standard_line(params: &Params, hh: &Households, i: usize, year: u32) -> f32 {
    let line = poverty_line(&params.economy, year);
    match params.policy.exit_standard {
        ExitStandard::Current => line as f32,
        ExitStandard::Forward => {
            let on_dibao = hh.state[i].flags & flag::DIBAO != 0 && hh.dibao_eligible(i);
            if on_dibao && dibao_standard(&params.economy, year) >= line {
                line as f32
            } else {
                poverty_line(&params.economy, year + 1) as f32
            }
        }
    }
}

/// This year's county exit plan: `registered_start / (deadline_year - year + 1)`, rounded to
/// the nearest household (R7: no plan after the deadline or under `exit_plan = "none"`; no plan
/// in the start year, when no exits are assessed).
pub fn county_plan(params: &Params, registered_start: u32, year: u32, start_year: u32) -> u32 {
    let deadline = params.policy.deadline_year;
    if params.policy.exit_plan == ExitPlan::None || year > deadline || year <= start_year {
        return 0;
    }
    let years_left = deadline - year + 1;
    (f64::from(registered_start) / f64::from(years_left)).round() as u32
}

/// Split `total` into parts proportional to `weights` by the largest-remainder method (ties to
/// the lower index), so the parts sum to `total` exactly (when any weight is positive).
pub fn apportion(total: u32, weights: &[u32]) -> Vec<u32> {
    let sum: u64 = weights.iter().map(|&w| u64::from(w)).sum();
    if sum == 0 {
        return vec![0; weights.len()];
    }
    let mut parts: Vec<u32> = Vec::with_capacity(weights.len());
    let mut remainders: Vec<(u64, usize)> = Vec::with_capacity(weights.len());
    let mut given = 0u64;
    for (k, &w) in weights.iter().enumerate() {
        let exact = u64::from(total) * u64::from(w);
        parts.push((exact / sum) as u32);
        given += exact / sum;
        remainders.push((exact % sum, k));
    }
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let left = u64::from(total) - given;
    for &(_, k) in remainders.iter().take(left as usize) {
        parts[k] += 1;
    }
    parts
}

/// Village indices of each county, in village order (one pass: national runs have 100,000+
/// villages in hundreds of counties).
fn members_by_county(villages: &[Village], n_counties: usize) -> Vec<Vec<usize>> {
    let mut members = vec![Vec::new(); n_counties];
    for (k, v) in villages.iter().enumerate() {
        if let Some(m) = members.get_mut(v.county as usize) {
            m.push(k);
        }
    }
    members
}

/// January: each county's plan for `year` from its villages' registers, apportioned to its
/// villages by registered count (largest remainder, village order) into
/// [`Village::exit_plan`] (copied into `YearStats::planned_exits` when the year opens).
pub fn plan_exits(villages: &mut [Village], counties: &mut [County], params: &Params, year: u32) {
    let start_year = params.simulation.start_year;
    let by_county = members_by_county(villages, counties.len());
    for (county, members) in counties.iter_mut().zip(&by_county) {
        let registered: Vec<u32> = members
            .iter()
            .map(|&k| villages[k].registered_list.len() as u32)
            .collect();
        let total: u32 = registered.iter().sum();
        county.exit_plan = county_plan(params, total, year, start_year);
        for (&k, share) in members.iter().zip(apportion(county.exit_plan, &registered)) {
            villages[k].exit_plan = share;
        }
    }
}

/// December, phase 2 (sequential): per county, the shortfall of qualified exits against the
/// plan, the bar it bends to, and the numbers-only quota of each village.
pub fn county_exit_decision(villages: &mut [Village], counties: &mut [County], params: &Params) {
    let strict = params.policy.exit_rule == ExitRule::Strict;
    let by_county = members_by_county(villages, counties.len());
    for (county, members) in counties.iter_mut().zip(&by_county) {
        let plan = county.exit_plan;
        let qualified: u32 = members
            .iter()
            .map(|&k| villages[k].year.qualified_exits)
            .sum();
        let shortfall = shortfall_share(plan, qualified);
        let bar = if strict {
            1.0
        } else {
            1.0 - params.policy.deadline_pressure * shortfall
        };
        // Exits at the bent bar, and what they leave of the plan.
        let at_bar: u32 = members
            .iter()
            .map(|&k| villages[k].count_at_or_above(bar as f32))
            .sum();
        let remaining = plan.saturating_sub(at_bar);
        // Officials who do not yield to the plan at all (`deadline_pressure = 0`) neither bend
        // the bar nor exit households on paper.
        let quota = if strict || params.policy.deadline_pressure <= 0.0 {
            0
        } else {
            (params.policy.numbers_only_share * f64::from(remaining)).round() as u32
        };
        let below: Vec<u32> = members
            .iter()
            .map(|&k| {
                let v = &villages[k];
                v.exit_candidates.len() as u32 - v.count_at_or_above(bar as f32)
            })
            .collect();
        let available: u32 = below.iter().sum();
        let quotas = apportion(quota.min(available), &below);
        county.shortfall_share = shortfall;
        for (&k, q) in members.iter().zip(quotas) {
            let v = &mut villages[k];
            v.shortfall_share = shortfall;
            v.exit_bar = bar;
            v.numbers_only_quota = q;
        }
    }
}

/// `max(0, plan - qualified) / plan`, 0 without a plan.
pub fn shortfall_share(plan: u32, qualified: u32) -> f64 {
    if plan == 0 {
        0.0
    } else {
        f64::from(plan.saturating_sub(qualified)) / f64::from(plan)
    }
}

/// December, after the villages' exit status: a county exits in the first December all its
/// villages have exited (never revoked); its villages learn it through
/// [`Village::county_exited`].
pub fn update_county_exits(villages: &mut [Village], counties: &mut [County], year: u32) {
    let by_county = members_by_county(villages, counties.len());
    for (county, members) in counties.iter_mut().zip(&by_county) {
        if county.exit_year.is_none()
            && !members.is_empty()
            && members.iter().all(|&k| villages[k].exit_year.is_some())
        {
            county.exit_year = Some(year);
        }
        if county.exit_year.is_some() {
            for &k in members {
                villages[k].county_exited = true;
            }
        }
    }
}

/// The route of household `i`'s exit: the first source in priority order (relocation, dibao,
/// public job, industry) without which its assessed `ratio` (assessed income / standard) would
/// fall below `bar`; otherwise work. Income composition is December's, from `ctx`.
fn exit_route(hh: &Households, i: usize, ctx: &MonthContext, ratio: f32, bar: f32) -> ExitRoute {
    let s = &hh.state[i];
    if s.flags & flag::RELOCATED != 0 {
        return ExitRoute::Relocation;
    }
    let supported = s.within_support(ctx.t, ctx.support_months);
    let wage = f32::from(hh.public_wage[i]);
    let enterprise = f32::from(hh.enterprise_month[i]);
    let own = own_income(s, hh.skill[i], ctx, 0.0, supported, wage, enterprise).max(0.0);
    let dibao = if s.flags & flag::DIBAO != 0 {
        (ctx.dibao_month * f32::from(s.size) - own).max(0.0)
    } else {
        0.0
    };
    let registered = s.flags & flag::REGISTERED != 0;
    let dividend = if registered || supported {
        ctx.dividend_per_household
    } else {
        0.0
    };
    let industry = dividend + ctx.local_wage * f32::from(u8::from(s.job > 0));
    let total = own + dibao;
    if total <= 0.0 {
        return ExitRoute::Work;
    }
    let without = |part: f32| ratio * (total - part) / total < bar;
    if dibao > 0.0 && without(dibao) {
        ExitRoute::Dibao
    } else if wage > 0.0 && without(wage) {
        ExitRoute::PublicJob
    } else if industry > 0.0 && without(industry) {
        ExitRoute::Industry
    } else {
        ExitRoute::Work
    }
}

impl Village {
    /// Candidates at or above `bar` (the candidates are sorted by descending ratio).
    fn count_at_or_above(&self, bar: f32) -> u32 {
        self.exit_candidates.partition_point(|&(r, _)| r >= bar) as u32
    }

    /// December, phase 1: the assessed income of every registered household (registered
    /// before this month) against its standard, as a ratio, into the sorted scratch list
    /// [`Village::exit_candidates`] (households missing a guarantee are assessed but not
    /// listed: they cannot exit). Counts `YearStats::qualified_exits` (ratio >= 1).
    ///
    /// Standard rules: `income_pc x (1 - concealment) x lognormal(0, measurement_noise) /
    /// standard`; strict: `worst month x 12 / size x (1 - concealment / 2) x lognormal(0,
    /// third_party_noise) / (strict_margin x standard)`.
    pub fn exit_candidates(&mut self, params: &Params, t: u32, calendar: Calendar) {
        self.exit_candidates.clear();
        if t < 12 {
            return;
        }
        let year = calendar.year(t);
        let id = &params.identification;
        let strict = params.policy.exit_rule == ExitRule::Strict;
        let assessor = Assessor::for_rule(params);
        let noise = assessor.noise;
        let margin = if strict {
            params.policy.strict_margin as f32
        } else {
            1.0
        };
        let key = self.streams.reporting_key;
        let rng = &mut self.streams.exits;
        let hh = &self.households;
        for i in 0..hh.len() {
            let f = hh.state[i].flags;
            if f & flag::REGISTERED == 0 || u32::from(hh.state[i].registered_month) >= t {
                continue;
            }
            // One draw per assessed household whatever the outcome (streams stay aligned).
            let fresh: f64 = StandardNormal.sample(rng);
            let z = assessor.error(key, i, fresh);
            if f & flag::GUARANTEES != flag::GUARANTEES {
                continue;
            }
            let mut conceal = (id.concealment * (1.0 - f64::from(hh.motivation[i]))) as f32;
            if strict {
                conceal *= 0.5;
            }
            let measured = (1.0 - conceal) * (noise * z).exp() as f32;
            let income = if strict {
                f32::from(hh.worst_month(i)) * 12.0 / f32::from(hh.state[i].size)
            } else {
                hh.income_pc(i)
            };
            let standard = margin * exit_standard_line(params, hh, i, year);
            self.exit_candidates
                .push((income * measured / standard, i as u32));
        }
        self.exit_candidates
            .sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        self.year.qualified_exits = self.count_at_or_above(1.0);
    }

    /// December, phase 3: exit the candidates at or above the bar, then the numbers-only
    /// quota (the highest ratios below the bar); from `policy.check_start_year`, a third-party
    /// check samples each exit with `policy.check_share` and, if the exit fails it (truly poor
    /// against this year's line, R9, or re-measured income below the unbent standard), reverses
    /// it with `policy.check_catch` (`check_catch_strict` under strict rules). Reversed exits
    /// stay on the register and are not official exits; they count in
    /// `YearStats::exits_reversed`.
    pub fn apply_exits(&mut self, params: &Params, t: u32, calendar: Calendar) {
        if self.exit_candidates.is_empty() {
            return;
        }
        let year = calendar.year(t);
        let line = poverty_line(&params.economy, year) as f32;
        let pol = &params.policy;
        let strict = pol.exit_rule == ExitRule::Strict;
        let checks = year >= pol.check_start_year && pol.check_share > 0.0;
        let catch = if strict {
            pol.check_catch_strict
        } else {
            pol.check_catch
        };
        let recheck_noise = params.identification.third_party_noise;
        let bar = self.exit_bar as f32;
        let at_bar = self.count_at_or_above(bar) as usize;
        let quota = self.numbers_only_quota as usize;
        let n_exits = (at_bar + quota).min(self.exit_candidates.len());
        let ctx = &self.exit_context;
        let rng = &mut self.streams.exits;
        let hh = &mut self.households;
        for (k, &(ratio, i)) in self.exit_candidates[..n_exits].iter().enumerate() {
            let i = i as usize;
            let truly_poor = hh.truly_poor(i, line);
            if checks && rng.random::<f64>() < pol.check_share {
                let z: f64 = StandardNormal.sample(rng);
                let standard = exit_standard_line(params, hh, i, year);
                let remeasured = hh.income_pc(i) * (recheck_noise * z).exp() as f32;
                let fails = truly_poor || remeasured < standard;
                if fails && rng.random::<f64>() < catch {
                    self.year.exits_reversed += 1;
                    continue;
                }
            }
            let route = if k >= at_bar {
                ExitRoute::NumbersOnly
            } else {
                exit_route(hh, i, ctx, ratio, bar.min(1.0))
            };
            self.year.exits_by_route[route.index()] += 1;
            hh.exit_route[i] = route as u8;
            let mut f = hh.state[i].flags
                & !(flag::REGISTERED | flag::WRONGLY_REGISTERED | flag::IN_RELAPSE);
            f |= flag::EXITED;
            if truly_poor {
                f &= !flag::TRUE_EXIT;
                self.year.fake_exits += 1;
            } else {
                f |= flag::TRUE_EXIT;
                self.year.true_exits += 1;
            }
            hh.state[i].flags = f;
            hh.state[i].exit_month = t as u16;
            self.year.exits += 1;
        }
    }

    /// December, after the register is rebuilt: the village exits in the first December its
    /// registered households are below `policy.village_exit_incidence` of its registered-ever
    /// households (`village_exit_incidence_remote` if remoteness >= `policy.remote_threshold`);
    /// never revoked. Not before the programme's first exits (the start year).
    pub fn update_exit_status(&mut self, params: &Params, t: u32, calendar: Calendar) {
        if self.exit_year.is_some() || t < 12 {
            return;
        }
        let pol = &params.policy;
        let ever = self
            .households
            .state
            .iter()
            .filter(|s| s.flags & flag::EVER_REGISTERED != 0)
            .count();
        let threshold = if self.remoteness >= pol.remote_threshold {
            pol.village_exit_incidence_remote
        } else {
            pol.village_exit_incidence
        };
        let registered = self.registered_list.len() as f64;
        if ever == 0 || registered / (ever as f64) < threshold {
            self.exit_year = Some(calendar.year(t));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_sums_exactly_and_follows_weights() {
        assert_eq!(apportion(10, &[1, 1, 1]), vec![4, 3, 3]);
        assert_eq!(apportion(7, &[0, 5, 2]), vec![0, 5, 2]);
        assert_eq!(apportion(3, &[0, 0]), vec![0, 0]);
        let parts = apportion(101, &[37, 12, 51, 0, 8]);
        assert_eq!(parts.iter().sum::<u32>(), 101);
        assert_eq!(parts[3], 0);
        assert!(parts[2] > parts[0] && parts[0] > parts[1]);
    }

    #[test]
    fn even_plan_spreads_the_register_over_the_years_left_and_stops_after_the_deadline() {
        let mut p = Params::default();
        assert_eq!(county_plan(&p, 600, 2015, 2014), 100);
        assert_eq!(county_plan(&p, 300, 2018, 2014), 100);
        assert_eq!(county_plan(&p, 50, 2020, 2014), 50);
        assert_eq!(county_plan(&p, 50, 2021, 2014), 0);
        assert_eq!(county_plan(&p, 50, 2014, 2014), 0);
        p.policy.exit_plan = ExitPlan::None;
        assert_eq!(county_plan(&p, 600, 2015, 2014), 0);
    }

    #[test]
    fn shortfall_share_is_zero_without_a_plan_or_when_met() {
        assert_eq!(shortfall_share(0, 5), 0.0);
        assert_eq!(shortfall_share(10, 12), 0.0);
        assert!((shortfall_share(10, 4) - 0.6).abs() < 1e-12);
    }

    fn one_household(flags: u16, labour: u8) -> Households {
        let params = Params::default();
        let mut rng = crate::rng::stream(1, 0, 0, crate::rng::Purpose::HouseholdInit);
        let mut hh = Households::draw(1, &params, &mut rng);
        hh.state[0].flags = flags;
        hh.state[0].labour = labour;
        hh
    }

    #[test]
    fn forward_standard_is_next_years_line_except_for_covered_dibao_households() {
        let mut p = Params::default();
        let plain = one_household(flag::GUARANTEES | flag::REGISTERED, 2);
        // 2019: line 3,218, next 4,000.
        assert_eq!(exit_standard_line(&p, &plain, 0, 2019), 4000.0);
        let dibao = one_household(flag::GUARANTEES | flag::REGISTERED | flag::DIBAO, 0);
        assert!(dibao_standard(&p.economy, 2019) >= poverty_line(&p.economy, 2019));
        assert_eq!(exit_standard_line(&p, &dibao, 0, 2019), 3218.0);
        // Before the standard covers the line (2014), a dibao household faces next year's.
        assert!(dibao_standard(&p.economy, 2014) < poverty_line(&p.economy, 2014));
        assert_eq!(exit_standard_line(&p, &dibao, 0, 2014), 2855.0);
        p.policy.exit_standard = ExitStandard::Current;
        assert_eq!(exit_standard_line(&p, &plain, 0, 2019), 3218.0);
    }

    fn village(params: &Params) -> Village {
        Village::new(0, params, 7, 0, Calendar { start_year: 2014 })
    }

    /// Registered households of `v` (at least `n`), made exit-ready.
    fn registered(v: &mut Village, n: usize) -> Vec<usize> {
        let ids: Vec<usize> = (0..v.households.len())
            .filter(|&i| v.households.state[i].flags & flag::REGISTERED != 0)
            .take(n)
            .collect();
        assert_eq!(ids.len(), n, "not enough registered households");
        for &i in &ids {
            v.households.state[i].flags |= flag::GUARANTEES;
            v.households.state[i].registered_month = 0;
        }
        ids
    }

    #[test]
    fn a_shortfall_bends_the_bar_and_sets_a_numbers_only_quota() {
        let mut p = Params::small(1, 60, 36, 1);
        let decide = |p: &Params| {
            let mut v = village(p);
            v.exit_candidates = vec![(1.2, 0), (1.05, 1), (0.95, 2), (0.9, 3), (0.5, 4)];
            v.year.qualified_exits = 2;
            let mut county = County::new();
            county.exit_plan = 6;
            county_exit_decision(
                std::slice::from_mut(&mut v),
                std::slice::from_mut(&mut county),
                p,
            );
            (v.exit_bar, v.numbers_only_quota, county.shortfall_share)
        };
        // Plan 6, qualified 2: s = 2/3, bar 1 - 0.15 x 2/3 = 0.9 takes 4; 2 short, half filled.
        let (bar, quota, s) = decide(&p);
        assert!((s - 2.0 / 3.0).abs() < 1e-12);
        assert!((bar - 0.9).abs() < 1e-9);
        assert_eq!(quota, 1);
        p.policy.deadline_pressure = 0.0;
        assert_eq!(decide(&p).0, 1.0);
        assert_eq!(decide(&p).1, 0);
        p.policy.deadline_pressure = 0.15;
        p.policy.exit_rule = ExitRule::Strict;
        assert_eq!((decide(&p).0, decide(&p).1), (1.0, 0));
    }

    #[test]
    fn third_party_checks_reverse_caught_fake_exits() {
        let t = 35; // December 2016: checks run.
        let calendar = Calendar { start_year: 2014 };
        let run = |check_share: f64| {
            let mut p = Params::small(1, 80, 36, 1);
            p.policy.check_share = check_share;
            p.policy.check_catch = 1.0;
            let mut v = village(&p);
            let ids = registered(&mut v, 3);
            // The first is truly poor (no income): a fake exit, whatever its assessment said.
            v.households.income_sum[ids[0]] = 0;
            for &i in &ids[1..] {
                v.households.income_sum[i] = 100_000;
            }
            v.exit_candidates = ids.iter().map(|&i| (1.5, i as u32)).collect();
            v.exit_bar = 1.0;
            v.numbers_only_quota = 0;
            v.apply_exits(&p, t, calendar);
            let still = v.households.state[ids[0]].flags & flag::REGISTERED != 0;
            (
                v.year.exits,
                v.year.fake_exits,
                v.year.exits_reversed,
                still,
            )
        };
        assert_eq!(run(0.0), (3, 1, 0, false));
        assert_eq!(run(1.0), (2, 0, 1, true));
    }

    #[test]
    fn numbers_only_exits_take_the_highest_ratios_below_the_bar() {
        let p = Params::small(1, 80, 36, 1);
        let mut v = village(&p);
        let ids = registered(&mut v, 4);
        v.exit_candidates = vec![
            (1.1, ids[0] as u32),
            (0.8, ids[1] as u32),
            (0.7, ids[2] as u32),
            (0.2, ids[3] as u32),
        ];
        v.exit_bar = 1.0;
        v.numbers_only_quota = 2;
        v.apply_exits(&p, 23, Calendar { start_year: 2014 });
        let exited = |i: usize| v.households.state[i].flags & flag::EXITED != 0;
        assert!(exited(ids[0]) && exited(ids[1]) && exited(ids[2]) && !exited(ids[3]));
        assert_eq!(v.year.exits_by_route[ExitRoute::NumbersOnly.index()], 2);
        assert_eq!(
            v.households.exit_route[ids[1]],
            ExitRoute::NumbersOnly as u8
        );
    }

    #[test]
    fn a_village_exits_below_the_incidence_threshold_and_its_county_when_all_have() {
        let p = Params::small(2, 60, 36, 1);
        let calendar = Calendar { start_year: 2014 };
        let mut vs = vec![
            Village::new(0, &p, 7, 0, calendar),
            Village::new(1, &p, 7, 0, calendar),
        ];
        for v in vs.iter_mut() {
            v.county = 0;
        }
        let mut counties = vec![County::new()];
        vs[0].registered_list.clear();
        vs[0].update_exit_status(&p, 23, calendar);
        vs[1].update_exit_status(&p, 23, calendar);
        assert_eq!(vs[0].exit_year, Some(2015));
        assert_eq!(vs[1].exit_year, None, "most of its register is still there");
        update_county_exits(&mut vs, &mut counties, 2015);
        assert_eq!(counties[0].exit_year, None);
        assert!(!vs[0].county_exited);
        vs[1].registered_list.clear();
        vs[1].update_exit_status(&p, 35, calendar);
        update_county_exits(&mut vs, &mut counties, 2016);
        assert_eq!(counties[0].exit_year, Some(2016));
        assert!(vs[0].county_exited && vs[1].county_exited);
    }
}
