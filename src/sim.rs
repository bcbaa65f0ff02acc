//! One run of the model: initialise, step month by month, run the annual events, collect rows.
//!
//! Villages are stepped in parallel (rayon) from their own streams; everything that crosses
//! villages (county shocks, cadre percentiles, budget allocation, aggregation) runs
//! sequentially in village-id order, so results do not depend on the thread count.

use rayon::prelude::*;

use crate::collect::{
    ratio, IncomeHistogram, MonthRow, MonthTotals, VillageMonthSummary, VillageYearRow, YearRow,
};
use crate::model::did::{DidEstimate, DidSums};
use crate::model::exits::{county_exit_decision, plan_exits, update_county_exits, ExitRoute};
use crate::model::funds::{apportion, whole, Source, Use, YearAccount, Yuan};
use crate::model::household::{flag, NEVER};
use crate::model::programmes::ProgrammeCounts;
use crate::model::schedule::{funding_index, poverty_line, Calendar};
use crate::model::village::{Village, YearEndCounts};
use crate::model::world::{step_counties, County};
use crate::params::{AllocationRule, Params};
use crate::rng::{stream, Purpose};

/// Villages stepped between two reductions of their month logs: the logs of one batch are
/// held at once (about 2.4 kB per village), not the logs of every village (300 MB at national
/// scale).
const LOG_BATCH: usize = 4096;

/// Money accounts of a whole run, yuan, for the conservation check
/// `funds_in = funds_spent + funds_misused + funds_returned + funds_held_end` (returned idle
/// money comes back in as `Reallocated`, so it is counted in both `funds_in` and
/// `funds_returned`; the county pools hold the rest, `county_pool_end`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Accounts {
    /// All money that arrived.
    pub funds_in: f64,
    /// All money spent.
    pub funds_spent: f64,
    /// Problem funds: misused + returned idle.
    pub funds_leaked: f64,
    /// Misused money.
    pub funds_misused: f64,
    /// Idle money returned to the county pools.
    pub funds_returned: f64,
    /// Money still held by villages at the end (village fund balances).
    pub funds_held_end: f64,
    /// Money in the county pools at the end (returned, not yet paid out again), yuan.
    pub county_pool_end: Yuan,
    /// Idle money returned to county pools over the run, yuan (exact).
    pub returned_total: Yuan,
    /// Idle money paid out again by counties over the run, yuan (exact).
    pub reallocated_total: Yuan,
    /// Village-years whose account does not balance to the yuan (0 in a correct run).
    pub account_failures: u64,
}

/// One year's account of one village, or of all villages (`village` = `None`), whole yuan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountRow {
    /// Calendar year.
    pub year: u32,
    /// Village id, or `None` for the sum over villages.
    pub village: Option<u32>,
    /// The account.
    pub account: YearAccount,
}

/// What the cost figures of `summary.json` need beyond the annual rows (MODEL.md 0.7), counted
/// at the end of 2020 (all zero if the run ends earlier).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MoneyTotals {
    /// Persons in households ever registered by the end of 2020.
    pub ever_registered_persons: u64,
    /// Households that exited officially at least once by the end of 2020.
    pub exited_households: u64,
    /// Persons in those households.
    pub exited_persons: u64,
}

/// Everything one replicate produces.
#[derive(Debug, Clone)]
pub struct RunOutput {
    /// Replicate index.
    pub replicate: u32,
    /// One row per month.
    pub months: Vec<MonthRow>,
    /// One row per complete year.
    pub years: Vec<YearRow>,
    /// Money accounts.
    pub accounts: Accounts,
    /// The programme's deadline year (`policy.deadline_year`), for deadline-based totals.
    pub deadline_year: u32,
    /// One row per (year, village), only when asked for ([`RunOptions::per_village`]).
    pub villages: Vec<VillageYearRow>,
    /// Accounts by source and use per complete year, summed over villages; with
    /// [`RunOptions::per_village`] also one row per village and year.
    pub ledger: Vec<AccountRow>,
    /// Registered and exited persons at the end of 2020, for cost per person.
    pub money: MoneyTotals,
    /// Difference-in-differences estimate of the secretary effect on the village panel, when
    /// `0 < cadres.coverage < 1` and both groups have villages (MODEL.md 0.8).
    pub did_estimate: Option<DidEstimate>,
    /// Exit year of each village at the end of the run (`None` = not exited), in village order.
    pub village_exit_years: Vec<Option<u32>>,
    /// Exit year of each county at the end of the run (`None` = not exited), in county order.
    pub county_exit_years: Vec<Option<u32>>,
}

/// What a run records beyond the aggregate rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunOptions {
    /// Record one row per village and year (`villages.csv`).
    pub per_village: bool,
}

/// Run every replicate of a scenario in parallel; results come back in replicate order.
pub fn run_all(params: &Params) -> Vec<RunOutput> {
    run_all_with_progress(params, &|| {})
}

/// [`run_all`], calling `progress` once per simulated month of every replicate (for a
/// progress bar; it must be cheap and thread-safe).
pub fn run_all_with_progress(params: &Params, progress: &(dyn Fn() + Sync)) -> Vec<RunOutput> {
    run_all_with(params, progress, RunOptions::default())
}

/// [`run_all_with_progress`] with recording options.
pub fn run_all_with(
    params: &Params,
    progress: &(dyn Fn() + Sync),
    options: RunOptions,
) -> Vec<RunOutput> {
    (0..params.simulation.replicates)
        .into_par_iter()
        .map(|r| run_replicate_with(params, r, progress, options))
        .collect()
}

/// The December income histogram is built in this many village chunks at most, in parallel,
/// and merged in chunk order: a split fixed by the village list, so results do not depend on
/// the thread count.
const HISTOGRAM_CHUNKS: usize = 16;

/// One histogram chunk per this many households (a chunk's 200,000 bins are only worth
/// allocating for large runs).
const HOUSEHOLDS_PER_HISTOGRAM_CHUNK: usize = 1_000_000;

/// Per-year sums built at each December.
#[derive(Debug, Clone, Default)]
struct YearSums {
    row: Option<YearRow>,
    true_exits: u64,
}

/// Run one replicate of a scenario.
pub fn run_replicate(params: &Params, replicate: u32) -> RunOutput {
    run_replicate_with_progress(params, replicate, &|| {})
}

/// [`run_replicate`], calling `progress` after every simulated month.
pub fn run_replicate_with_progress(
    params: &Params,
    replicate: u32,
    progress: &(dyn Fn() + Sync),
) -> RunOutput {
    run_replicate_with(params, replicate, progress, RunOptions::default())
}

/// [`run_replicate_with_progress`] with recording options.
pub fn run_replicate_with(
    params: &Params,
    replicate: u32,
    progress: &(dyn Fn() + Sync),
    options: RunOptions,
) -> RunOutput {
    let mut sim = Simulation::new(params, replicate, options);
    // Villages step a block of months (to the end of the year) on their own, their households
    // staying in cache: the same results as stepping one month at a time.
    while !sim.is_finished() {
        let block = 12 - sim.month() % 12;
        sim.step_block(block, progress);
    }
    sim.finish()
}

/// One replicate in progress: the world, its clock and what has been recorded so far.
///
/// [`run_replicate_with`] steps it a year block at a time; interactive users (the classroom
/// server, household traces) step it one month at a time with [`Simulation::step_month`]. Both
/// give the same results: county shocks are drawn month by month in the same order, and
/// everything crossing villages runs in village order.
#[derive(Debug, Clone)]
pub struct Simulation {
    params: Params,
    replicate: u32,
    options: RunOptions,
    calendar: Calendar,
    villages: Vec<Village>,
    counties: Vec<County>,
    world: crate::rng::Stream,
    /// Next month to simulate (0 = the first).
    month: u32,
    rows: Vec<MonthRow>,
    years: Vec<YearSums>,
    cum: Cumulative,
    accounts: Accounts,
    village_rows: Vec<VillageYearRow>,
    /// Scratch: what each village of one batch of [`LOG_BATCH`] villages contributes to each
    /// month of the block being simulated (reduced into `block_totals` batch by batch, so
    /// the logs of all 128,000 national villages are never held at once).
    logs: Vec<[VillageMonthSummary; 12]>,
    /// The totals of each month of the block being simulated, reduced in village order.
    block_totals: Vec<MonthTotals>,
    /// Each county's pool of returned idle money, yuan.
    county_pools: Vec<Yuan>,
    ledger: Vec<AccountRow>,
    money: MoneyTotals,
    did: DidSums,
}

impl Simulation {
    /// Initialise replicate `replicate` of a scenario (month 0 not yet simulated). The
    /// simulation keeps its own copy of the parameters, so it can live on its own (a classroom
    /// session).
    pub fn new(params: &Params, replicate: u32, options: RunOptions) -> Simulation {
        let seed = params.simulation.seed;
        let calendar = Calendar {
            start_year: params.simulation.start_year,
        };
        let mut villages: Vec<Village> = (0..params.population.villages)
            .into_par_iter()
            .map(|id| Village::new(id, params, seed, replicate, calendar))
            .collect();
        crate::model::relocation::assign_quotas(&mut villages, params);
        let counties = vec![County::new(); params.population.counties.max(1) as usize];
        let world = stream(seed, replicate, u32::MAX, Purpose::World);
        let mut county_pools = vec![0; counties.len()];
        allocate_budget(&mut villages, params, calendar.year(0), &mut county_pools);
        let months = params.simulation.months;
        let n_villages = villages.len();
        Simulation {
            params: params.clone(),
            replicate,
            options,
            calendar,
            villages,
            counties,
            world,
            month: 0,
            rows: Vec::with_capacity(months as usize),
            years: vec![YearSums::default(); months as usize / 12],
            cum: Cumulative::default(),
            accounts: Accounts::default(),
            village_rows: Vec::new(),
            logs: vec![[VillageMonthSummary::default(); 12]; n_villages.min(LOG_BATCH)],
            block_totals: Vec::with_capacity(12),
            county_pools,
            ledger: Vec::new(),
            money: MoneyTotals::default(),
            did: DidSums::default(),
        }
    }

    /// The scenario being run.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// The next month to simulate, counted from 0 (January of the start year); equals the
    /// number of months simulated so far.
    pub fn month(&self) -> u32 {
        self.month
    }

    /// The calendar (month index to year and label).
    pub fn calendar(&self) -> Calendar {
        self.calendar
    }

    /// Whether every month of `simulation.months` has been simulated.
    pub fn is_finished(&self) -> bool {
        self.month >= self.params.simulation.months
    }

    /// The villages, in id order, as they stand after the last simulated month.
    pub fn villages(&self) -> &[Village] {
        &self.villages
    }

    /// The monthly rows recorded so far (one per simulated month).
    pub fn month_rows(&self) -> &[MonthRow] {
        &self.rows
    }

    /// Simulate one month (nothing if the run is finished); returns its row.
    pub fn step_month(&mut self) -> Option<&MonthRow> {
        if self.is_finished() {
            return None;
        }
        self.step_block(1, &|| {});
        self.rows.last()
    }

    /// Simulate `block` months (cut at the end of the year and of the run), calling
    /// `progress` after each.
    pub fn step_block(&mut self, block: u32, progress: &(dyn Fn() + Sync)) {
        let params = &self.params;
        let calendar = self.calendar;
        let start = self.month;
        let block = block
            .min(12 - start % 12)
            .min(params.simulation.months.saturating_sub(start));
        if block == 0 {
            return;
        }
        // The county shocks of the block are drawn first, in the same order as month by
        // month, and each village logs what it contributes to each month's totals. The totals
        // are then reduced month by month in village order.
        if start.is_multiple_of(12) {
            // January: each county plans this year's exits from its register (MODEL.md 0.3).
            plan_exits(
                &mut self.villages,
                &mut self.counties,
                params,
                calendar.year(start),
            );
        }
        let mut county_months = Vec::with_capacity(block as usize);
        for k in 0..block {
            step_counties(&mut self.counties, params, start + k, &mut self.world);
            county_months.push(self.counties.clone());
        }
        // Villages are stepped in batches; after each batch its logs are added to the month
        // totals in village order (the same additions, in the same order, as one pass).
        self.block_totals.clear();
        self.block_totals
            .resize(block as usize, MonthTotals::default());
        for batch in self.villages.chunks_mut(LOG_BATCH) {
            let logs = &mut self.logs[..batch.len()];
            batch
                .par_iter_mut()
                .zip(logs.par_iter_mut())
                .for_each(|(v, log)| {
                    for k in 0..block {
                        let t = start + k;
                        let county = &county_months[k as usize][v.county as usize];
                        v.step_month(params, t, calendar, county);
                        if calendar.is_year_end(t) {
                            v.close_year_before_exits(params, t, calendar);
                        }
                        log[k as usize] = VillageMonthSummary::of(v);
                    }
                });
            for (k, totals) in self.block_totals.iter_mut().enumerate() {
                for log in logs.iter() {
                    totals.add(&log[k]);
                }
            }
        }
        let last = start + block - 1;
        if calendar.is_year_end(last) {
            // The exit decision is the county's (its plan spans villages): sequential, in
            // county and village order, between two parallel village phases.
            county_exit_decision(&mut self.villages, &mut self.counties, params);
            // December's totals are taken from the villages themselves after the cadre
            // assessment (`record_month`), not from the logs.
            self.villages
                .par_iter_mut()
                .for_each(|v| v.close_year_after_exits(params, last, calendar));
            update_county_exits(&mut self.villages, &mut self.counties, calendar.year(last));
            assess_cadres(&mut self.villages, params, self.counties.len());
        }
        for k in 0..block {
            let t = start + k;
            self.record_month(t, k as usize);
            progress();
        }
        self.month = start + block;
    }

    /// Reduce month `t` (slot `k` of the village logs) into its row; at December also the
    /// annual rows and next year's budget.
    fn record_month(&mut self, t: u32, k: usize) {
        let params = &self.params;
        let calendar = self.calendar;
        let villages = &mut self.villages;
        let year_end = calendar.is_year_end(t);
        // December's totals come after the cadre assessment (recalls change who is in post).
        let totals = if year_end {
            MonthTotals::from_villages(villages)
        } else {
            std::mem::take(&mut self.block_totals[k])
        };
        let cum = &mut self.cum;
        cum.add(&totals, villages, year_end);
        let accounts = &mut self.accounts;
        accounts.funds_in += totals.funds_in;
        accounts.funds_spent += totals.funds_spent;
        accounts.funds_leaked += totals.funds_leaked;
        accounts.funds_misused += totals.funds_misused;
        accounts.funds_returned += totals.funds_returned;
        accounts.funds_held_end = totals.funds_held;
        let line = poverty_line(&params.economy, calendar.year(t));
        self.rows.push(month_row(
            self.replicate,
            calendar.label(t),
            &totals,
            cum,
            line,
        ));
        if year_end {
            // One pass over the households per village (in parallel) serves both the annual
            // row and the per-village rows.
            let counts: Vec<YearEndCounts> = villages
                .par_iter()
                .map(|v| v.year_end_counts(params, t, line as f32))
                .collect();
            let year = calendar.year(t);
            if let Some(slot) = self.years.get_mut((t / 12) as usize) {
                *slot = year_row(self.replicate, year, villages, &counts, cum, &self.counties);
            }
            for (v, c) in villages.iter().zip(&counts) {
                let share = f64::from(c.truly_poor) / v.households.len().max(1) as f64;
                self.did.add(year, v.covered, share);
            }
            if self.options.per_village {
                let replicate = self.replicate;
                self.village_rows.extend(
                    villages
                        .iter()
                        .zip(&counts)
                        .map(|(v, c)| village_row(replicate, year, v, c, &self.counties)),
                );
            }
            self.close_accounts(year);
            allocate_budget(
                &mut self.villages,
                &self.params,
                year + 1,
                &mut self.county_pools,
            );
            self.cum.reset_year();
        }
    }

    /// December: book each village's year account (exact identity check), collect returned
    /// idle money into the county pools and take out what they paid again; at the end of 2020
    /// count registered and exited persons for the cost figures.
    fn close_accounts(&mut self, year: u32) {
        let mut total = YearAccount::default();
        for v in &self.villages {
            let a = v.funds.year;
            if !v.funds.consistent() {
                self.accounts.account_failures += 1;
            }
            let returned = a.to_use(Use::ReturnedIdle);
            let reallocated = a.source(Source::Reallocated);
            let pool = &mut self.county_pools[v.county as usize];
            *pool += returned - reallocated;
            if *pool < 0 {
                // A county cannot pay out more than it got back.
                self.accounts.account_failures += 1;
            }
            self.accounts.returned_total += returned;
            self.accounts.reallocated_total += reallocated;
            total.add(&a);
            if self.options.per_village {
                self.ledger.push(AccountRow {
                    year,
                    village: Some(v.id),
                    account: a,
                });
            }
        }
        self.ledger.push(AccountRow {
            year,
            village: None,
            account: total,
        });
        self.accounts.county_pool_end = self.county_pools.iter().sum();
        if year == 2020 {
            let mut m = MoneyTotals::default();
            for v in &self.villages {
                let hh = &v.households;
                for (s, st) in hh.state.iter().enumerate() {
                    let size = u64::from(hh.state[s].size);
                    if st.flags & flag::EVER_REGISTERED != 0 {
                        m.ever_registered_persons += size;
                    }
                    if st.exit_month != NEVER {
                        m.exited_households += 1;
                        m.exited_persons += size;
                    }
                }
            }
            self.money = m;
        }
    }

    /// Close the run: sustained exits and relative registers of the annual rows.
    pub fn finish(self) -> RunOutput {
        let months = self.params.simulation.months;
        let coverage = self.params.cadres.coverage;
        let did_estimate = (self.params.cadres.enabled && coverage > 0.0 && coverage < 1.0)
            .then(|| self.did.estimate())
            .flatten();
        let villages = &self.villages;
        let base = self
            .years
            .first()
            .and_then(|y| y.row.as_ref())
            .map(|r| r.registered_end as f64);
        let year_rows = self
            .years
            .into_iter()
            .enumerate()
            .filter_map(|(y, sums)| {
                let mut row = sums.row?;
                let lost: u64 = villages
                    .iter()
                    .map(|v| u64::from(v.sustained_loss[y]))
                    .sum();
                row.sustained_exits = sums.true_exits.saturating_sub(lost);
                let exit_month = y as u32 * 12 + 11;
                row.sustained_window_months = (months - 1 - exit_month).min(24);
                row.cost_per_sustained_exit = ratio(row.funds_spent, row.sustained_exits as f64);
                row.registered_relative = base.and_then(|b| ratio(row.registered_end as f64, b));
                Some(row)
            })
            .collect();
        RunOutput {
            replicate: self.replicate,
            months: self.rows,
            years: year_rows,
            accounts: self.accounts,
            deadline_year: self.params.policy.deadline_year,
            villages: self.village_rows,
            ledger: self.ledger,
            money: self.money,
            did_estimate,
            village_exit_years: villages.iter().map(|v| v.exit_year).collect(),
            county_exit_years: self.counties.iter().map(|c| c.exit_year).collect(),
        }
    }
}

/// Cumulative counters across the run and flows within the current year.
#[derive(Debug, Clone, Default)]
struct Cumulative {
    exits: u64,
    true_exits: u64,
    fake_exits: u64,
    relapses: u64,
    new_poor: u64,
    year_funds_in: f64,
    year_funds_spent: f64,
    year_funds_leaked: f64,
    year_funds_earmarked: f64,
    year_promotions: u64,
}

impl Cumulative {
    fn add(&mut self, totals: &MonthTotals, villages: &[Village], year_end: bool) {
        self.relapses += totals.relapses;
        self.new_poor += totals.new_poor;
        self.year_funds_in += totals.funds_in;
        self.year_funds_spent += totals.funds_spent;
        self.year_funds_leaked += totals.funds_leaked;
        self.year_funds_earmarked += totals.funds_earmarked;
        self.year_promotions += totals.promotions;
        if year_end {
            for v in villages {
                self.exits += u64::from(v.year.exits);
                self.true_exits += u64::from(v.year.true_exits);
                self.fake_exits += u64::from(v.year.fake_exits);
            }
        }
    }

    fn reset_year(&mut self) {
        self.year_funds_in = 0.0;
        self.year_funds_spent = 0.0;
        self.year_funds_leaked = 0.0;
        self.year_funds_earmarked = 0.0;
        self.year_promotions = 0;
    }
}

fn month_row(
    replicate: u32,
    label: String,
    m: &MonthTotals,
    cum: &Cumulative,
    line: f64,
) -> MonthRow {
    let bg = &m.by_background;
    let mean = |k: usize, sums: &[f64; 5]| ratio(sums[k], bg.count[k] as f64).unwrap_or(0.0);
    let in_post: u64 = bg.count.iter().sum();
    MonthRow {
        replicate,
        month: label,
        households: m.households,
        truly_poor: m.truly_poor,
        registered: m.registered,
        exited: m.exited,
        exited_truly_poor: m.exited_truly_poor,
        monitored: m.monitored,
        dibao: m.dibao,
        exits_cum: cum.exits,
        true_exits_cum: cum.true_exits,
        fake_exits_cum: cum.fake_exits,
        relapses_cum: cum.relapses,
        new_poor_cum: cum.new_poor,
        mean_income_pc: ratio(m.income_pc_sum, m.households as f64).unwrap_or(0.0),
        poverty_line: line,
        mean_enthusiasm: ratio(bg.enthusiasm.iter().sum(), in_post as f64).unwrap_or(0.0),
        mean_knowledge: ratio(bg.knowledge.iter().sum(), in_post as f64).unwrap_or(0.0),
        funds_in: m.funds_in,
        funds_spent: m.funds_spent,
        funds_leaked: m.funds_leaked,
        funds_held: m.funds_held,
        industries_building: m.building,
        industries_producing: m.producing,
        industries_failed: m.failed,
        contacts: m.contacts,
        cadres_young_graduate: bg.count[0],
        cadres_experienced: bg.count[1],
        cadres_economic: bg.count[2],
        cadres_party_building: bg.count[3],
        cadres_social_work: bg.count[4],
        enthusiasm_young_graduate: mean(0, &bg.enthusiasm),
        enthusiasm_experienced: mean(1, &bg.enthusiasm),
        enthusiasm_economic: mean(2, &bg.enthusiasm),
        enthusiasm_party_building: mean(3, &bg.enthusiasm),
        enthusiasm_social_work: mean(4, &bg.enthusiasm),
        knowledge_young_graduate: mean(0, &bg.knowledge),
        knowledge_experienced: mean(1, &bg.knowledge),
        knowledge_economic: mean(2, &bg.knowledge),
        knowledge_party_building: mean(3, &bg.knowledge),
        knowledge_social_work: mean(4, &bg.knowledge),
    }
}

/// The annual row at December of `year` (sustained exits are filled in at the end of the run).
fn year_row(
    replicate: u32,
    year: u32,
    villages: &[Village],
    counts: &[YearEndCounts],
    cum: &Cumulative,
    counties: &[County],
) -> YearSums {
    let mut registered_start = 0u64;
    let mut exited_stock_start = 0u64;
    let mut exits = 0u64;
    let mut true_exits = 0u64;
    let mut fake_exits = 0u64;
    let mut relapses = 0u64;
    let mut new_poor = 0u64;
    let mut re_registrations = 0u64;
    let mut removals = 0u64;
    let mut recalls = 0u64;
    let mut relocated = 0u64;
    let mut labour_track = LabourYearSums::default();
    let mut missed = 0u64;
    let mut wrongly = 0u64;
    let mut inclusion_errors = 0u64;
    let mut registered_end = 0u64;
    let mut truly_poor_end = 0u64;
    let mut registered_ill = 0u64;
    let mut registered_income = 0.0f64;
    let mut by_cause = [0u64; 5];
    let mut cohort_households = 0u64;
    let mut cohort_persons = 0u64;
    let mut cohort_income = 0.0f64;
    let mut planned_exits = 0u64;
    let mut qualified_exits = 0u64;
    let mut exits_reversed = 0u64;
    let mut by_route = [0u64; 6];
    let mut no_fall_line_step = 0u64;
    let mut no_fall_noise = 0u64;
    let mut monthly_crossings = 0u64;
    for v in villages {
        let y = &v.year;
        planned_exits += u64::from(y.planned_exits);
        qualified_exits += u64::from(y.qualified_exits);
        exits_reversed += u64::from(y.exits_reversed);
        for (sum, n) in by_route.iter_mut().zip(y.exits_by_route) {
            *sum += u64::from(n);
        }
        no_fall_line_step += u64::from(y.relapses_no_fall_line_step);
        no_fall_noise += u64::from(y.relapses_no_fall_noise);
        monthly_crossings += u64::from(y.monthly_crossings);
        registered_start += u64::from(y.registered_start);
        exited_stock_start += u64::from(y.exited_stock_start);
        exits += u64::from(y.exits);
        true_exits += u64::from(y.true_exits);
        fake_exits += u64::from(y.fake_exits);
        relapses += u64::from(y.relapses);
        new_poor += u64::from(y.new_poor);
        re_registrations += u64::from(y.re_registrations);
        removals += u64::from(y.removals);
        recalls += u64::from(y.recalls);
        relocated += u64::from(y.relocated);
        labour_track.add(y);
    }
    let households: usize = villages.iter().map(|v| v.households.len()).sum();
    let histogram_chunks = (households / HOUSEHOLDS_PER_HISTOGRAM_CHUNK).clamp(1, HISTOGRAM_CHUNKS);
    let chunk_len = villages.len().div_ceil(histogram_chunks).max(1);
    let mut histogram = villages
        .par_chunks(chunk_len)
        .map(|chunk| {
            let households = chunk.iter().map(|v| v.households.len()).sum();
            let mut h = IncomeHistogram::for_households(households);
            for v in chunk {
                let hh = &v.households;
                for i in 0..hh.len() {
                    h.add(hh.income_pc(i));
                }
            }
            h
        })
        .collect::<Vec<_>>()
        .into_iter()
        .reduce(|mut a, b| {
            a.merge(&b);
            a
        })
        .unwrap_or_default();
    for (v, c) in villages.iter().zip(counts) {
        missed += u64::from(c.missed);
        wrongly += u64::from(c.wrongly);
        inclusion_errors += u64::from(c.inclusion_errors);
        registered_end += v.registered_list.len() as u64;
        registered_ill += u64::from(c.registered_ill);
        truly_poor_end += u64::from(c.truly_poor);
        registered_income += c.registered_income;
        for (sum, n) in by_cause.iter_mut().zip(c.truly_poor_by_cause) {
            *sum += u64::from(n);
        }
        cohort_households += u64::from(c.cohort_households);
        cohort_persons += u64::from(c.cohort_persons);
        cohort_income += c.cohort_income;
    }
    // The audits' problem funds, as the accounts book them (accounts.csv uses `misused` and
    // `returned_idle`).
    let funds_problem: i64 = villages
        .iter()
        .map(|v| v.funds.year.to_use(Use::Misused) + v.funds.year.to_use(Use::ReturnedIdle))
        .sum();
    // One programme count summed over villages.
    let programme_total = |count: fn(&ProgrammeCounts) -> u32| -> u64 {
        villages
            .iter()
            .map(|v| u64::from(count(&v.programme_counts)))
            .sum()
    };
    let (mean, median, gini) = histogram.mean_median_gini();
    YearSums {
        row: Some(YearRow {
            replicate,
            year,
            registered_start,
            exits,
            true_exits,
            fake_exits,
            relapses,
            new_poor,
            exit_rate: ratio(exits as f64, registered_start as f64),
            relapse_rate: ratio(relapses as f64, exited_stock_start as f64).map(|r| r.min(1.0)),
            truly_poor_end,
            registered_end,
            registered_relative: None,
            sustained_exits: 0,
            sustained_window_months: 0,
            exited_stock_start,
            re_registrations,
            removals,
            missed_poor_end: missed,
            wrongly_registered_end: wrongly,
            inclusion_errors_end: inclusion_errors,
            registered_ill_share: ratio(registered_ill as f64, registered_end as f64),
            mean_income_pc: mean,
            median_income_pc: median,
            registered_mean_income_pc: ratio(registered_income, registered_end as f64),
            gini,
            funds_in: cum.year_funds_in,
            funds_spent: cum.year_funds_spent,
            funds_leaked: cum.year_funds_leaked,
            // Problem funds (misused + returned idle) over the money the village funds had to
            // use this year: the opening balances plus the village-fund inflow (line money,
            // which cannot lie idle, excluded).
            leakage_share: ratio(
                cum.year_funds_leaked,
                villages
                    .iter()
                    .map(|v| v.funds.year.opening as f64)
                    .sum::<f64>()
                    + cum.year_funds_in
                    - cum.year_funds_earmarked,
            ),
            collective_income: villages.iter().map(|v| v.collective_income).sum(),
            cost_per_sustained_exit: None,
            promotions: cum.year_promotions,
            recalls,
            relocated,
            planned_exits,
            qualified_exits,
            exits_reversed,
            exits_work: by_route[ExitRoute::Work.index()],
            exits_industry: by_route[ExitRoute::Industry.index()],
            exits_public_job: by_route[ExitRoute::PublicJob.index()],
            exits_dibao: by_route[ExitRoute::Dibao.index()],
            exits_relocation: by_route[ExitRoute::Relocation.index()],
            exits_numbers_only: by_route[ExitRoute::NumbersOnly.index()],
            relapses_no_income_fall: no_fall_line_step + no_fall_noise,
            relapses_no_fall_line_step: no_fall_line_step,
            relapses_no_fall_noise: no_fall_noise,
            relapse_no_fall_share: ratio(
                (no_fall_line_step + no_fall_noise) as f64,
                relapses as f64,
            ),
            monthly_crossings,
            villages_exited: villages.iter().filter(|v| v.exit_year.is_some()).count() as u64,
            counties_exited: counties.iter().filter(|c| c.exit_year.is_some()).count() as u64,
            monitored_unstable: labour_track.monitored_unstable,
            monitored_marginal: labour_track.monitored_marginal,
            monitored_hardship: labour_track.monitored_hardship,
            monitoring_visits: labour_track.monitoring_visits,
            monitoring_spent: labour_track.monitoring_spent,
            aged_out: labour_track.aged_out,
            dibao_households: programme_total(|c| c.dibao_households),
            dibao_paid: villages.iter().map(|v| v.programme_spending.dibao).sum(),
            insurance_lapsed: programme_total(|c| c.insurance_lapsed),
            houses_renovated: programme_total(|c| c.houses_renovated),
            public_posts: programme_total(|c| c.public_posts),
            loans_made: programme_total(|c| c.loans_made),
            loan_defaults: programme_total(|c| c.loan_defaults),
            programme_spending: villages
                .iter()
                .map(|v| v.programme_spending.public_total())
                .sum(),
            cohort_households,
            cohort_mean_income_pc: ratio(cohort_income, cohort_persons as f64),
            households_end: households as u64,
            funds_problem: funds_problem as f64,
            truly_poor_no_labour: by_cause[0],
            truly_poor_ill: by_cause[1],
            truly_poor_aged: by_cause[2],
            truly_poor_low_skill: by_cause[3],
            truly_poor_remote: by_cause[4],
        }),
        true_exits,
    }
}

/// Sums over villages of the labour track's annual counts (monitoring and demography).
#[derive(Debug, Default)]
struct LabourYearSums {
    monitored_unstable: u64,
    monitored_marginal: u64,
    monitored_hardship: u64,
    monitoring_visits: u64,
    monitoring_spent: f64,
    aged_out: u64,
}

impl LabourYearSums {
    fn add(&mut self, y: &crate::model::village::YearStats) {
        self.monitored_unstable += u64::from(y.monitored_unstable);
        self.monitored_marginal += u64::from(y.monitored_marginal);
        self.monitored_hardship += u64::from(y.monitored_hardship);
        self.monitoring_visits += u64::from(y.monitoring_visits);
        self.monitoring_spent +=
            y.monitoring_assistance + y.monitoring_training + y.monitoring_placement;
        self.aged_out += u64::from(y.aged_out);
    }
}

/// One village's row at the end of a year.
fn village_row(
    replicate: u32,
    year: u32,
    v: &Village,
    counts: &YearEndCounts,
    counties: &[County],
) -> VillageYearRow {
    use crate::model::industry::Stage;
    let hh = &v.households;
    let registered_end = v.registered_list.len() as u32;
    let truly_poor_end = counts.truly_poor;
    let count = |stage: Stage| v.industries.iter().filter(|p| p.stage == stage).count() as u32;
    let (weakest, gap) = v.binding_constraint();
    VillageYearRow {
        replicate,
        year,
        village: v.id,
        county: v.county,
        households: hh.len() as u32,
        remoteness: v.remoteness,
        infrastructure: v.infrastructure,
        organisation: v.organisation,
        trust: v.trust,
        industry_base: v.industry_base_now(),
        eco_restricted: v.eco_restricted,
        cadre_background: v
            .cadre
            .as_ref()
            .map_or(String::new(), |c| c.background.key().to_string()),
        cadre_months_in_post: v.cadre.as_ref().map_or(0, |c| c.months_in_post),
        cadre_enthusiasm: v.cadre.as_ref().map(|c| c.enthusiasm),
        cadre_knowledge: v.cadre.as_ref().map(|c| c.knowledge),
        registered_start: v.year.registered_start,
        exits: v.year.exits,
        true_exits: v.year.true_exits,
        fake_exits: v.year.fake_exits,
        relapses: v.year.relapses,
        new_poor: v.year.new_poor,
        registered_end,
        truly_poor_end,
        industries_producing: count(Stage::Producing),
        industries_failed: count(Stage::Failed),
        funds_held: v.money_held(),
        collective_income: v.collective_income,
        village_exit_year: v.exit_year,
        county_exit_year: counties.get(v.county as usize).and_then(|c| c.exit_year),
        covered: v.covered,
        secretary_months: v.year.secretary_months,
        weakest_area: weakest.key().to_string(),
        weakest_gap: gap,
        mean_income_pc: counts.income_persons / f64::from(counts.persons.max(1)),
        truly_poor_no_labour: counts.truly_poor_by_cause[0],
        truly_poor_ill: counts.truly_poor_by_cause[1],
        truly_poor_aged: counts.truly_poor_by_cause[2],
        truly_poor_low_skill: counts.truly_poor_by_cause[3],
        truly_poor_remote: counts.truly_poor_by_cause[4],
    }
}

/// Cadre assessment (annual): percentile of each secretary's score among the county's
/// secretaries; recall below `recall_percentile`.
fn assess_cadres(villages: &mut [Village], params: &Params, n_counties: usize) {
    // Group once (village order within each county), instead of scanning every village per
    // county.
    let mut by_county: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n_counties];
    for (i, v) in villages.iter().enumerate() {
        if v.cadre.is_some() {
            by_county[v.county as usize].push((i, v.score));
        }
    }
    for scores in &by_county {
        let n = scores.len();
        for &(i, score) in scores {
            let below = scores.iter().filter(|(_, s)| *s < score).count() as f64;
            let ties = scores.iter().filter(|(_, s)| *s == score).count() as f64 - 1.0;
            let percentile = if n > 1 {
                (below + 0.5 * ties) / (n as f64 - 1.0)
            } else {
                0.5
            };
            let village = &mut villages[i];
            if let Some(c) = village.cadre.as_mut() {
                c.last_percentile = percentile;
            }
            if params.incentives.recall_percentile > 0.0
                && percentile < params.incentives.recall_percentile
            {
                village.recall_cadre(params);
                village.year.recalls += 1;
            }
        }
    }
}

/// Next year's county allocation to each village (MODEL.md 0.7). A county's special funds for
/// `year` are its villages' envelopes (`funding.spending_per_person x village_fund_share x
/// persons on the 2014 register`, whole yuan) x the funding index of `year` / the index summed
/// over 2014-2020 (so the envelope is what 2014-2020 pays; later years hold the 2020 level).
/// The county also pays out its whole pool of returned idle money. Both are divided by the
/// allocation rule with the largest-remainder method in village order, so the parts sum to the
/// totals exactly: the county creates and deletes nothing.
fn allocate_budget(villages: &mut [Village], params: &Params, year: u32, pools: &mut [Yuan]) {
    let f = &params.funding;
    let index_sum: f64 = (2014..=2020).map(|y| funding_index(f, y)).sum();
    let year_share = if index_sum > 0.0 {
        funding_index(f, year) / index_sum
    } else {
        0.0
    };
    let weight = |v: &Village| match f.allocation_rule {
        AllocationRule::Equal => 1.0,
        AllocationRule::Need => v.registered_list.len() as f64,
        AllocationRule::Remoteness => 0.5 + v.remoteness,
    };
    let n_counties = pools.len();
    let mut envelope: Vec<Yuan> = vec![0; n_counties];
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); n_counties];
    for (k, v) in villages.iter().enumerate() {
        let c = v.county as usize;
        envelope[c] += whole(
            f.spending_per_person * f.village_fund_share * f64::from(v.registered_persons_2014),
        );
        members[c].push(k);
    }
    let mut weights = Vec::new();
    let mut parts = Vec::new();
    for c in 0..n_counties {
        if members[c].is_empty() {
            continue;
        }
        weights.clear();
        weights.extend(members[c].iter().map(|&k| weight(&villages[k])));
        apportion(whole(envelope[c] as f64 * year_share), &weights, &mut parts);
        for (&k, &a) in members[c].iter().zip(&parts) {
            villages[k].allocation = a;
        }
        apportion(pools[c], &weights, &mut parts);
        for (&k, &a) in members[c].iter().zip(&parts) {
            villages[k].reallocation = a;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Params {
        Params::small(6, 60, 40, 1)
    }

    #[test]
    fn stepping_month_by_month_gives_the_same_run_as_year_blocks() {
        let params = small();
        let whole = run_replicate_with(&params, 0, &|| {}, RunOptions { per_village: true });
        let mut sim = Simulation::new(&params, 0, RunOptions { per_village: true });
        let mut steps = 0;
        while sim.step_month().is_some() {
            steps += 1;
        }
        assert_eq!(steps, params.simulation.months);
        assert_eq!(sim.month(), params.simulation.months);
        let stepped = sim.finish();
        assert_eq!(
            format!("{:?}", whole.months),
            format!("{:?}", stepped.months)
        );
        assert_eq!(format!("{:?}", whole.years), format!("{:?}", stepped.years));
        assert_eq!(
            format!("{:?}", whole.villages),
            format!("{:?}", stepped.villages)
        );
        assert_eq!(whole.accounts, stepped.accounts);
    }

    #[test]
    fn a_finished_simulation_does_not_step() {
        let mut params = small();
        params.simulation.months = 2;
        let mut sim = Simulation::new(&params, 0, RunOptions::default());
        assert!(sim.step_month().is_some());
        assert!(sim.step_month().is_some());
        assert!(sim.is_finished());
        assert!(sim.step_month().is_none());
        assert_eq!(sim.month_rows().len(), 2);
    }
}
