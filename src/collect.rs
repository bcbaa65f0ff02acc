//! Output rows: one per (replicate, month) and one per (replicate, year), built from village
//! statistics reduced in village-id order. Stocks are plain names (`registered`), flows within
//! the period plain too (`exits`), cumulative flows end in `_cum`.

use serde::Serialize;

use crate::model::village::{MonthStats, Village};

/// One row of `timeseries.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthRow {
    /// Replicate index.
    pub replicate: u32,
    /// `YYYY-MM`.
    pub month: String,
    /// Households (conserved).
    pub households: u64,
    /// Truly poor households: rolling income below the line or a guarantee missing.
    pub truly_poor: u64,
    /// Households on the poverty register.
    pub registered: u64,
    /// Officially exited households (not re-registered since).
    pub exited: u64,
    /// Officially exited but truly poor now.
    pub exited_truly_poor: u64,
    /// Households flagged by relapse-prevention monitoring.
    pub monitored: u64,
    /// Households enrolled in dibao.
    pub dibao: u64,
    /// Official exits so far.
    pub exits_cum: u64,
    /// Exits of households not truly poor at exit, so far.
    pub true_exits_cum: u64,
    /// Exits of households truly poor at exit, so far.
    pub fake_exits_cum: u64,
    /// Relapse events so far.
    pub relapses_cum: u64,
    /// New-poverty events so far.
    pub new_poor_cum: u64,
    /// Mean 12-month rolling income per capita, yuan per person-year.
    pub mean_income_pc: f64,
    /// Poverty line this year, yuan per person-year.
    pub poverty_line: f64,
    /// Mean enthusiasm of secretaries in post (0 before they arrive).
    pub mean_enthusiasm: f64,
    /// Mean village knowledge of secretaries in post.
    pub mean_knowledge: f64,
    /// Money arriving this month, yuan.
    pub funds_in: f64,
    /// Money spent this month, yuan.
    pub funds_spent: f64,
    /// Money leaked this month (idle + misused), yuan.
    pub funds_leaked: f64,
    /// Money in villages' hands at month end (balance + idle not yet returned), yuan.
    pub funds_held: f64,
    /// Projects in their cultivation period.
    pub industries_building: u64,
    /// Producing projects.
    pub industries_producing: u64,
    /// Failed projects so far.
    pub industries_failed: u64,
    /// Household contacts this month.
    pub contacts: u64,
    /// Secretaries in post with background `young_graduate` (0 where none).
    pub cadres_young_graduate: u64,
    /// Secretaries in post with background `experienced` (0 where none).
    pub cadres_experienced: u64,
    /// Secretaries in post with background `economic` (0 where none).
    pub cadres_economic: u64,
    /// Secretaries in post with background `party_building` (0 where none).
    pub cadres_party_building: u64,
    /// Secretaries in post with background `social_work` (0 where none).
    pub cadres_social_work: u64,
    /// Mean enthusiasm of secretaries with background `young_graduate` (0 where none).
    pub enthusiasm_young_graduate: f64,
    /// Mean enthusiasm of secretaries with background `experienced` (0 where none).
    pub enthusiasm_experienced: f64,
    /// Mean enthusiasm of secretaries with background `economic` (0 where none).
    pub enthusiasm_economic: f64,
    /// Mean enthusiasm of secretaries with background `party_building` (0 where none).
    pub enthusiasm_party_building: f64,
    /// Mean enthusiasm of secretaries with background `social_work` (0 where none).
    pub enthusiasm_social_work: f64,
    /// Mean knowledge of secretaries with background `young_graduate` (0 where none).
    pub knowledge_young_graduate: f64,
    /// Mean knowledge of secretaries with background `experienced` (0 where none).
    pub knowledge_experienced: f64,
    /// Mean knowledge of secretaries with background `economic` (0 where none).
    pub knowledge_economic: f64,
    /// Mean knowledge of secretaries with background `party_building` (0 where none).
    pub knowledge_party_building: f64,
    /// Mean knowledge of secretaries with background `social_work` (0 where none).
    pub knowledge_social_work: f64,
}

/// Per-background cadre sums, reduced into the `cadres_*`, `enthusiasm_*`, `knowledge_*` columns.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BackgroundColumns {
    /// Secretaries in post per background.
    pub count: [u64; 5],
    /// Sum of enthusiasm per background.
    pub enthusiasm: [f64; 5],
    /// Sum of knowledge per background.
    pub knowledge: [f64; 5],
}

/// One row of `villages.csv` (with `--per-village`): one village at the end of one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VillageYearRow {
    /// Replicate index.
    pub replicate: u32,
    /// Calendar year.
    pub year: u32,
    /// Village id.
    pub village: u32,
    /// County id.
    pub county: u32,
    /// Households.
    pub households: u32,
    /// Remoteness, [0, 1].
    pub remoteness: f64,
    /// Infrastructure, [0, 1].
    pub infrastructure: f64,
    /// Organisation, [0, 1].
    pub organisation: f64,
    /// Trust, [0, 1].
    pub trust: f64,
    /// Industry base including producing projects, [0, 1].
    pub industry_base: f64,
    /// In a conservation area.
    pub eco_restricted: bool,
    /// Background of the secretary in post ("" before secretaries arrive).
    pub cadre_background: String,
    /// Their months in this village.
    pub cadre_months_in_post: u32,
    /// Their enthusiasm.
    pub cadre_enthusiasm: Option<f64>,
    /// Their local knowledge.
    pub cadre_knowledge: Option<f64>,
    /// Registered on 1 January.
    pub registered_start: u32,
    /// Official exits this year.
    pub exits: u32,
    /// True exits this year.
    pub true_exits: u32,
    /// Fake exits this year.
    pub fake_exits: u32,
    /// Relapse events this year.
    pub relapses: u32,
    /// New-poverty events this year.
    pub new_poor: u32,
    /// Registered on 31 December.
    pub registered_end: u32,
    /// Truly poor on 31 December.
    pub truly_poor_end: u32,
    /// Producing projects.
    pub industries_producing: u32,
    /// Failed projects so far.
    pub industries_failed: u32,
    /// Money held on 31 December (balance and idle), yuan.
    pub funds_held: f64,
    /// Collective income this year, yuan.
    pub collective_income: f64,
    /// Year the village exited (registered below 2% of registered-ever, 3% if remote), if it
    /// has by this year.
    pub village_exit_year: Option<u32>,
    /// Year the village's county exited (all its villages had), if it has by this year.
    pub county_exit_year: Option<u32>,
    /// Among the villages that get a first secretary (`cadres.coverage`): the panel's
    /// treatment group.
    pub covered: bool,
    /// Months of the year with a first secretary in post (0-12).
    pub secretary_months: u32,
    /// The specialist whose area is the village's weakest (binding constraint: party_building
    /// = organisation, economic = industry base, social_work = trust), true levels.
    pub weakest_area: String,
    /// How far the weakest area lies below the mean of the other two, 0-1.
    pub weakest_gap: f64,
    /// Village mean income per capita (household income per capita weighted by household
    /// size), yuan per person-year.
    pub mean_income_pc: f64,
    /// Truly poor on 31 December with no able working-age adult (see `annual.csv`).
    pub truly_poor_no_labour: u32,
    /// Truly poor on 31 December with illness as a cause.
    pub truly_poor_ill: u32,
    /// Truly poor on 31 December with a member who has left working age.
    pub truly_poor_aged: u32,
    /// Truly poor on 31 December with skill at or below the training threshold.
    pub truly_poor_low_skill: u32,
    /// Truly poor on 31 December in a remote village, not relocated.
    pub truly_poor_remote: u32,
}

/// One row of `annual.csv`. Rates with a zero denominator are empty (NA).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearRow {
    /// Replicate index.
    pub replicate: u32,
    /// Calendar year.
    pub year: u32,
    /// Registered households on 1 January.
    pub registered_start: u64,
    /// Official exits this year.
    pub exits: u64,
    /// Exits of households not truly poor at exit.
    pub true_exits: u64,
    /// Exits of households truly poor at exit ("numbers-only" exits).
    pub fake_exits: u64,
    /// Relapse events (exited household's income fell below the line).
    pub relapses: u64,
    /// New-poverty events (never-registered household fell below the line).
    pub new_poor: u64,
    /// exits / registered_start.
    pub exit_rate: Option<f64>,
    /// relapses / exited_stock_start.
    pub relapse_rate: Option<f64>,
    /// Truly poor households on 31 December.
    pub truly_poor_end: u64,
    /// Registered households on 31 December.
    pub registered_end: u64,
    /// registered_end relative to the first year's registered_end.
    pub registered_relative: Option<f64>,
    /// True exits this year not followed by a relapse within 24 months (or within the months
    /// observed, see `sustained_window_months`).
    pub sustained_exits: u64,
    /// Months after this year's exits that the run observed (24 = complete).
    pub sustained_window_months: u32,
    /// Exited households (not re-registered) on 1 January.
    pub exited_stock_start: u64,
    /// Previously exited households registered again.
    pub re_registrations: u64,
    /// Wrongly registered households removed by a re-check.
    pub removals: u64,
    /// Truly poor households not registered on 31 December (exclusion errors).
    pub missed_poor_end: u64,
    /// Registered households not truly poor on 31 December (inclusion errors, plus households
    /// that have risen above the line but not yet been exited).
    pub wrongly_registered_end: u64,
    /// Registered households that were not truly poor when registered and have not been found
    /// by a re-check (inclusion errors proper).
    pub inclusion_errors_end: u64,
    /// Share of registered households with illness as a cause on 31 December.
    pub registered_ill_share: Option<f64>,
    /// Mean rolling income per capita on 31 December, yuan per person-year.
    pub mean_income_pc: f64,
    /// Median rolling income per capita on 31 December, yuan per person-year.
    pub median_income_pc: f64,
    /// Mean rolling income per capita of registered households on 31 December.
    pub registered_mean_income_pc: Option<f64>,
    /// Gini coefficient of rolling income per capita across households on 31 December.
    pub gini: f64,
    /// Money arriving this year, yuan.
    pub funds_in: f64,
    /// Money spent this year, yuan.
    pub funds_spent: f64,
    /// Money leaked this year (idle + misused), yuan.
    pub funds_leaked: f64,
    /// Problem funds (misused + returned idle) / (opening balances + village-fund inflow): the
    /// audits' problem-fund share (line money, which cannot lie idle, excluded).
    pub leakage_share: Option<f64>,
    /// Village collective income from producing industries this year, yuan.
    pub collective_income: f64,
    /// funds_spent / sustained_exits.
    pub cost_per_sustained_exit: Option<f64>,
    /// Cadres promoted at the end of their term.
    pub promotions: u64,
    /// Cadres recalled after a poor assessment.
    pub recalls: u64,
    /// Households relocated.
    pub relocated: u64,
    /// Exits planned by the counties this year (MODEL.md 0.3).
    pub planned_exits: u64,
    /// Registered households whose assessed income met the unbent standard.
    pub qualified_exits: u64,
    /// Exits reversed by third-party checks (not counted in `exits`).
    pub exits_reversed: u64,
    /// Exits carried by work income (farming, migrant remittances, other income).
    pub exits_work: u64,
    /// Exits carried by industry dividends or a local industry job.
    pub exits_industry: u64,
    /// Exits carried by a public-welfare job.
    pub exits_public_job: u64,
    /// Exits carried by dibao (the bottom line).
    pub exits_dibao: u64,
    /// Exits of relocated households.
    pub exits_relocation: u64,
    /// Numbers-only exits (by the quota under pressure, not by income).
    pub exits_numbers_only: u64,
    /// Relapses whose household's true calendar income did not fall from last year's.
    pub relapses_no_income_fall: u64,
    /// Of those, true income per capita at least last year's line but below this year's.
    pub relapses_no_fall_line_step: u64,
    /// Of those, the rest (measurement noise).
    pub relapses_no_fall_noise: u64,
    /// relapses_no_income_fall / relapses.
    pub relapse_no_fall_share: Option<f64>,
    /// Diagnostic: monthly crossings below the line by exited households (v1's relapse rule).
    pub monthly_crossings: u64,
    /// Villages that have exited (stock on 31 December).
    pub villages_exited: u64,
    /// Counties that have exited (stock on 31 December).
    pub counties_exited: u64,
    /// Households monitored this year as "unstable": exited, rolling income below
    /// `policy.monitoring_band` x the line at the last December (MODEL.md section 0.5).
    pub monitored_unstable: u64,
    /// Households monitored this year as "marginal": never registered, below the band.
    pub monitored_marginal: u64,
    /// Households monitored this year after a "sudden hardship" (costly illness, disaster).
    pub monitored_hardship: u64,
    /// Monitoring visits this year.
    pub monitoring_visits: u64,
    /// Paid at monitoring visits this year (temporary assistance, training, placement), yuan.
    pub monitoring_spent: f64,
    /// Labourers who left working age this year (demography, MODEL.md section 0.2).
    pub aged_out: u64,
    /// Households on dibao after the December review (MODEL.md section 0.1).
    pub dibao_households: u64,
    /// Dibao top-ups paid this year (civil-affairs budget), yuan.
    pub dibao_paid: f64,
    /// Registered or supported households whose medical insurance lapsed at this year's
    /// renewal.
    pub insurance_lapsed: u64,
    /// Houses renovated by the county housing queue this year.
    pub houses_renovated: u64,
    /// Public-welfare and ranger posts filled for next year.
    pub public_posts: u64,
    /// Microcredit loans made this year.
    pub loans_made: u64,
    /// Microcredit loans that defaulted at maturity this year.
    pub loan_defaults: u64,
    /// Public money the household programmes paid this year (dibao, insurance premiums,
    /// housing, public-job wages, microcredit interest, relocation), yuan.
    pub programme_spending: f64,
    /// Households of the start cohort (on the 2014 register after the first identification,
    /// 建档立卡) in the world on 31 December, exited or not.
    pub cohort_households: u64,
    /// The start cohort's mean per-capita income this calendar year, person-weighted (sum of
    /// household income / sum of household size), exited or not, yuan per person-year.
    pub cohort_mean_income_pc: Option<f64>,
    /// Households on 31 December.
    pub households_end: u64,
    /// Problem funds by the audits' definition this year, yuan: the accounts' uses `misused`
    /// plus `returned_idle` (village-fund money idle over `projects.idle_months`).
    pub funds_problem: f64,
    /// Truly poor households on 31 December with no able working-age adult (labour 0).
    pub truly_poor_no_labour: u64,
    /// Truly poor households on 31 December with illness as a cause (chronic, or an episode
    /// within 12 months).
    pub truly_poor_ill: u64,
    /// Truly poor households on 31 December with a member who has left working age.
    pub truly_poor_aged: u64,
    /// Truly poor households on 31 December with skill at or below the training threshold.
    pub truly_poor_low_skill: u64,
    /// Truly poor households on 31 December in a remote village, not relocated.
    pub truly_poor_remote: u64,
}

/// Ratio, or `None` when the denominator is zero.
pub fn ratio(numerator: f64, denominator: f64) -> Option<f64> {
    (denominator > 0.0).then(|| numerator / denominator)
}

/// Sum of the month's village statistics, in village order.
#[derive(Debug, Clone, Default)]
pub struct MonthTotals {
    /// Households.
    pub households: u64,
    /// Truly poor.
    pub truly_poor: u64,
    /// Registered.
    pub registered: u64,
    /// Exited stock.
    pub exited: u64,
    /// Exited and truly poor.
    pub exited_truly_poor: u64,
    /// Monitored.
    pub monitored: u64,
    /// Dibao.
    pub dibao: u64,
    /// Relapses this month.
    pub relapses: u64,
    /// New poor this month.
    pub new_poor: u64,
    /// Sum of income per capita.
    pub income_pc_sum: f64,
    /// Funds in.
    pub funds_in: f64,
    /// Funds spent.
    pub funds_spent: f64,
    /// Funds leaked.
    pub funds_leaked: f64,
    /// Funds misused (lost).
    pub funds_misused: f64,
    /// Idle funds returned to the county pools.
    pub funds_returned: f64,
    /// Earmarked (relocation) funds.
    pub funds_earmarked: f64,
    /// Funds held at month end.
    pub funds_held: f64,
    /// Building or maturing projects.
    pub building: u64,
    /// Producing projects.
    pub producing: u64,
    /// Failed projects.
    pub failed: u64,
    /// Contacts.
    pub contacts: u64,
    /// Promotions.
    pub promotions: u64,
    /// Per-background sums (count, enthusiasm sum, knowledge sum).
    pub by_background: BackgroundColumns,
}

/// What one village contributes to a month's totals, taken right after its monthly step. A
/// village can then step a whole year on its own (its households stay in cache) and the months
/// are reduced afterwards, in village order, exactly as if they had been taken month by month.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct VillageMonthSummary {
    /// Households.
    pub households: u32,
    /// The village's month statistics.
    pub month: MonthStats,
    /// Money held at month end (balance and idle), yuan.
    pub funds_held: f64,
    /// Projects building or maturing.
    pub building: u32,
    /// Projects producing.
    pub producing: u32,
    /// Projects failed so far.
    pub failed: u32,
    /// The secretary in post: background index, enthusiasm, knowledge.
    pub cadre: Option<(usize, f64, f64)>,
}

impl VillageMonthSummary {
    /// Summarise a village's current month.
    pub fn of(v: &Village) -> VillageMonthSummary {
        use crate::model::industry::Stage;
        let mut s = VillageMonthSummary {
            households: v.households.len() as u32,
            month: v.month,
            funds_held: v.money_held(),
            cadre: v
                .cadre
                .as_ref()
                .map(|c| (c.background.index(), c.enthusiasm, c.knowledge)),
            ..VillageMonthSummary::default()
        };
        for p in &v.industries {
            match p.stage {
                Stage::Building | Stage::Maturing => s.building += 1,
                Stage::Producing => s.producing += 1,
                Stage::Failed => s.failed += 1,
            }
        }
        s
    }
}

impl MonthTotals {
    /// Reduce the villages' month statistics in id order.
    pub fn from_villages(villages: &[Village]) -> MonthTotals {
        MonthTotals::from_summaries(villages.iter().map(VillageMonthSummary::of))
    }

    /// Reduce village summaries, in the order given (village id order).
    pub fn from_summaries(summaries: impl IntoIterator<Item = VillageMonthSummary>) -> MonthTotals {
        let mut m = MonthTotals::default();
        for s in summaries {
            m.add(&s);
        }
        m
    }

    /// Add one village's summary (the next village in id order). Reducing villages in
    /// consecutive batches with `add` gives exactly the totals of one pass over all of them:
    /// the same additions in the same order.
    pub fn add(&mut self, s: &VillageMonthSummary) {
        let m = self;
        {
            let t = &s.month.tally;
            m.households += u64::from(s.households);
            m.truly_poor += u64::from(t.truly_poor);
            m.registered += u64::from(t.registered);
            m.exited += u64::from(t.exited);
            m.exited_truly_poor += u64::from(t.exited_truly_poor);
            m.monitored += u64::from(t.monitored);
            m.dibao += u64::from(t.dibao);
            m.relapses += u64::from(t.relapses);
            m.new_poor += u64::from(t.new_poor);
            m.income_pc_sum += t.income_pc_sum;
            m.funds_in += s.month.funds_in;
            m.funds_spent += s.month.funds_spent;
            m.funds_leaked += s.month.funds_leaked;
            m.funds_misused += s.month.funds_misused;
            m.funds_returned += s.month.funds_returned;
            m.funds_earmarked += s.month.funds_earmarked;
            m.funds_held += s.funds_held;
            m.contacts += u64::from(s.month.contacts);
            m.promotions += u64::from(s.month.promotions);
            m.building += u64::from(s.building);
            m.producing += u64::from(s.producing);
            m.failed += u64::from(s.failed);
            if let Some((k, enthusiasm, knowledge)) = s.cadre {
                m.by_background.count[k] += 1;
                m.by_background.enthusiasm[k] += enthusiasm;
                m.by_background.knowledge[k] += knowledge;
            }
        }
    }
}

/// Distribution of income per capita across all households, in 1-yuan bins up to
/// [`IncomeHistogram::CAP`] yuan per person-year (exact values kept above it). Gives the mean
/// exactly, and the median and Gini to within a yuan of bin width in O(n), without sorting
/// every household (38 million at national scale).
///
/// Large populations use dense bins (one counter per yuan); small ones (a classroom world, a
/// sweep point) keep their values and sort them by bin at the end, which is cheaper than
/// clearing and scanning 200,000 bins. Both give exactly the same statistics: a bin's sum
/// is added up in the order values arrived either way.
#[derive(Debug, Clone)]
pub struct IncomeHistogram {
    bins: Bins,
    above: Vec<f32>,
    n: u64,
    total: f64,
}

/// The binned part of an [`IncomeHistogram`].
#[derive(Debug, Clone)]
enum Bins {
    /// Count and sum per 1-yuan bin.
    Dense { counts: Vec<u32>, sums: Vec<f64> },
    /// Values below the cap in arrival order.
    Sparse(Vec<f32>),
}

impl Default for IncomeHistogram {
    fn default() -> Self {
        IncomeHistogram::dense()
    }
}

impl IncomeHistogram {
    /// Upper end of the binned range, yuan per person-year.
    pub const CAP: u32 = 200_000;

    /// Below this many households, [`IncomeHistogram::for_households`] keeps values instead
    /// of dense bins.
    pub const SPARSE_BELOW: usize = 50_000;

    fn dense() -> Self {
        IncomeHistogram {
            bins: Bins::Dense {
                counts: vec![0; Self::CAP as usize],
                sums: vec![0.0; Self::CAP as usize],
            },
            above: Vec::new(),
            n: 0,
            total: 0.0,
        }
    }

    /// An empty histogram sized for about `households` values.
    pub fn for_households(households: usize) -> Self {
        if households < Self::SPARSE_BELOW {
            IncomeHistogram {
                bins: Bins::Sparse(Vec::with_capacity(households)),
                above: Vec::new(),
                n: 0,
                total: 0.0,
            }
        } else {
            Self::dense()
        }
    }

    /// Add incomes (negative values count as 0).
    pub fn add_all(&mut self, incomes: &[f32]) {
        for &x in incomes {
            self.add(x);
        }
    }

    /// Add one income (a negative value counts as 0).
    #[inline]
    pub fn add(&mut self, x: f32) {
        let x = x.max(0.0);
        self.n += 1;
        self.total += f64::from(x);
        if x < Self::CAP as f32 {
            match &mut self.bins {
                Bins::Dense { counts, sums } => {
                    let bin = x as usize;
                    counts[bin] += 1;
                    sums[bin] += f64::from(x);
                }
                Bins::Sparse(values) => values.push(x),
            }
        } else {
            self.above.push(x);
        }
    }

    /// Add another histogram's values after this one's (used to merge chunks built in
    /// parallel, in order).
    pub fn merge(&mut self, other: &IncomeHistogram) {
        if let (Bins::Sparse(_), Bins::Dense { .. }) = (&self.bins, &other.bins) {
            self.densify();
        }
        match (&mut self.bins, &other.bins) {
            (Bins::Sparse(a), Bins::Sparse(b)) => a.extend_from_slice(b),
            (
                Bins::Dense { counts, sums },
                Bins::Dense {
                    counts: oc,
                    sums: os,
                },
            ) => {
                for (a, b) in counts.iter_mut().zip(oc) {
                    *a += b;
                }
                for (a, b) in sums.iter_mut().zip(os) {
                    *a += b;
                }
            }
            (Bins::Dense { counts, sums }, Bins::Sparse(values)) => bin_into(counts, sums, values),
            // Made dense just above.
            (Bins::Sparse(_), Bins::Dense { .. }) => {}
        }
        self.above.extend_from_slice(&other.above);
        self.n += other.n;
        self.total += other.total;
    }

    /// Switch to dense bins, keeping the values added so far.
    fn densify(&mut self) {
        if let Bins::Sparse(values) = &self.bins {
            let mut counts = vec![0; Self::CAP as usize];
            let mut sums = vec![0.0; Self::CAP as usize];
            bin_into(&mut counts, &mut sums, values);
            self.bins = Bins::Dense { counts, sums };
        }
    }

    /// Each non-empty bin in ascending order as (bin, count, sum of its values).
    fn occupied_bins(&mut self, mut visit: impl FnMut(u64, u64, f64)) {
        match &mut self.bins {
            Bins::Dense { counts, sums } => {
                for (bin, (&count, &sum)) in counts.iter().zip(sums.iter()).enumerate() {
                    if count > 0 {
                        visit(bin as u64, u64::from(count), sum);
                    }
                }
            }
            Bins::Sparse(values) => {
                // A stable sort by bin keeps arrival order within a bin, so each bin's sum is
                // added in the same order as the dense bins add it. Radix sort: the keys are
                // small integers, and a comparison sort here cost a tenth of a small run.
                radsort::sort_by_key(values, |&x| x as u32);
                let mut i = 0;
                while i < values.len() {
                    let bin = values[i] as u32;
                    let mut count = 0u64;
                    let mut sum = 0.0f64;
                    while i < values.len() && values[i] as u32 == bin {
                        count += 1;
                        sum += f64::from(values[i]);
                        i += 1;
                    }
                    visit(u64::from(bin), count, sum);
                }
            }
        }
    }

    /// Mean, median and Gini coefficient. Within a bin, values are taken in rank order at their
    /// exact mean (exact when a bin holds one value or equal values).
    pub fn mean_median_gini(&mut self) -> (f64, f64, f64) {
        if self.n == 0 {
            return (0.0, 0.0, 0.0);
        }
        self.above.sort_by(|a, b| a.total_cmp(b));
        let n = self.n as f64;
        let mean = self.total / n;
        // Ranks are 1-based; the median is the mean of the values at ranks floor and ceil of
        // (n + 1) / 2.
        let lo_rank = self.n.div_ceil(2);
        let hi_rank = self.n / 2 + 1;
        let mut lo_value = None;
        let mut hi_value = None;
        let mut before = 0u64;
        let mut weighted = 0.0;
        let locate = |rank: u64, before: u64, count: u64, bin_low: f64, sum: f64| -> Option<f64> {
            (rank > before && rank <= before + count).then(|| {
                if count == 1 || sum == bin_low * count as f64 {
                    sum / count as f64
                } else {
                    bin_low + (rank - before) as f64 / (count + 1) as f64
                }
            })
        };
        self.occupied_bins(|bin, count, sum| {
            let low = bin as f64;
            lo_value = lo_value.or_else(|| locate(lo_rank, before, count, low, sum));
            hi_value = hi_value.or_else(|| locate(hi_rank, before, count, low, sum));
            weighted += sum * (before as f64 + (count as f64 + 1.0) / 2.0);
            before += count;
        });
        for &x in &self.above {
            before += 1;
            lo_value =
                lo_value.or_else(|| locate(lo_rank, before - 1, 1, f64::from(x), f64::from(x)));
            hi_value =
                hi_value.or_else(|| locate(hi_rank, before - 1, 1, f64::from(x), f64::from(x)));
            weighted += f64::from(x) * before as f64;
        }
        let median = (lo_value.unwrap_or(0.0) + hi_value.unwrap_or(0.0)) / 2.0;
        let gini = if self.total > 0.0 {
            (2.0 * weighted / (n * self.total) - (n + 1.0) / n).clamp(0.0, 1.0)
        } else {
            0.0
        };
        (mean, median, gini)
    }
}

/// Add values (all below the cap) to dense bins, in order.
fn bin_into(counts: &mut [u32], sums: &mut [f64], values: &[f32]) {
    for &x in values {
        counts[x as usize] += 1;
        sums[x as usize] += f64::from(x);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(values: &[f32]) -> (f64, f64, f64) {
        let mut h = IncomeHistogram::default();
        h.add_all(values);
        h.mean_median_gini()
    }

    #[test]
    fn median_of_distinct_values_is_exact() {
        assert_eq!(stats(&[1.0, 3.0, 2.0, 4.0]).1, 2.5);
        assert_eq!(stats(&[5.0, 1.0, 9.0]).1, 5.0);
        assert_eq!(stats(&[250_000.0, 1.0, 300_000.0]).1, 250_000.0);
    }

    #[test]
    fn gini_of_equal_incomes_is_zero_and_of_one_rich_household_is_high() {
        assert!(stats(&[100.0; 10]).2.abs() < 1e-12);
        let mut skewed = vec![0.0f32; 99];
        skewed.push(1000.0);
        assert!(stats(&skewed).2 > 0.95);
    }

    #[test]
    fn histogram_matches_exact_statistics_on_a_spread_of_incomes() {
        // Exact median and Gini from sorting, against the histogram.
        let values: Vec<f32> = (0..20_001)
            .map(|i| ((i * 7919) % 20_001) as f32 * 1.37 + 0.25)
            .collect();
        let mut sorted = values.clone();
        sorted.sort_by(|a, b| a.total_cmp(b));
        let n = sorted.len() as f64;
        let total: f64 = sorted.iter().map(|x| f64::from(*x)).sum();
        let exact_median = f64::from(sorted[sorted.len() / 2]);
        let weighted: f64 = sorted
            .iter()
            .enumerate()
            .map(|(i, x)| (i as f64 + 1.0) * f64::from(*x))
            .sum();
        let exact_gini = 2.0 * weighted / (n * total) - (n + 1.0) / n;
        let (mean, median, gini) = stats(&values);
        // Small populations keep their values instead of dense bins: the same statistics,
        // to the bit.
        let mut sparse = IncomeHistogram::for_households(values.len());
        sparse.add_all(&values[..7_000]);
        let mut rest = IncomeHistogram::for_households(values.len());
        rest.add_all(&values[7_000..]);
        sparse.merge(&rest);
        assert_eq!(sparse.mean_median_gini(), (mean, median, gini));
        // A sparse histogram merged with a dense one agrees too.
        let mut mixed = IncomeHistogram::for_households(10);
        mixed.add_all(&values);
        mixed.merge(&IncomeHistogram::default());
        assert_eq!(mixed.mean_median_gini(), (mean, median, gini));
        assert!((mean - total / n).abs() < 1e-9);
        assert!(
            (median - exact_median).abs() <= 1.0,
            "{median} vs {exact_median}"
        );
        assert!((gini - exact_gini).abs() < 1e-4, "{gini} vs {exact_gini}");
    }
}
