//! One village: its attributes, funds, industries, cadre and households, and its monthly and
//! annual steps. A village draws only from its own streams, so villages can be stepped in
//! parallel and give the same result in any order.

use rand::Rng;
use rand_distr::{Beta, Distribution, Normal};

use super::cadre::{Cadre, Channel, ChannelWeights, VillageNeeds};
use super::funds::{whole, Funds, Source, Use, Yuan};
use super::household::{cause, flag, step_households, HouseholdTally, Households, MonthContext};
use super::industry::{Event, Industry, Stage};
use super::programmes::{ProgrammeCounts, ProgrammeSpending};
use super::schedule::{poverty_line, window_line, Calendar};
use super::world::County;
use crate::params::{Assignment, Background, Params};
use crate::rng::{stream, Purpose, Stream};

/// The village's own random streams, one per purpose.
#[derive(Debug, Clone)]
pub struct VillageStreams {
    /// Household shocks, migration, monitoring.
    pub households: Stream,
    /// Cadre backgrounds.
    pub cadres: Stream,
    /// Industry launches and failures.
    pub industries: Stream,
    /// Identification, exit assessment, measurement noise.
    pub assessment: Stream,
    /// Household-support contacts.
    pub support: Stream,
    /// Relocation choices.
    pub relocation: Stream,
    /// December exit assessment: candidates' noise, third-party checks (MODEL.md 0.3).
    pub exits: Stream,
    /// December relapse and new-poverty assessment (MODEL.md 0.4).
    pub relapse: Stream,
    /// Ageing and new labourers (December).
    pub demography: Stream,
    /// Monitoring visits.
    pub monitoring: Stream,
    /// Household programmes: dibao review, insurance renewal, housing queue, schooling,
    /// microcredit (MODEL.md section 0.1).
    pub programmes: Stream,
    /// The `adaptive` team's perceived marginal returns (drawn only under `adaptive`).
    pub effort: Stream,
    /// Key of the households' persistent income-reporting errors (hashed with the household
    /// index, never drawn from: [`super::income_assessment::persistent_error`]).
    pub reporting_key: u64,
}

/// Flows and stocks of one village in the current month.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MonthStats {
    /// What the households counted.
    pub tally: HouseholdTally,
    /// Money arriving (county allocation, unit resources, earmarked relocation), yuan.
    pub funds_in: f64,
    /// Money spent on projects, infrastructure, measures, assistance, relocation, yuan.
    pub funds_spent: f64,
    /// Problem funds (returned idle + misused), yuan.
    pub funds_leaked: f64,
    /// Misused money, yuan.
    pub funds_misused: f64,
    /// Idle money returned to the county pool (unspent for over `projects.idle_months`), yuan.
    pub funds_returned: f64,
    /// Line money (county lines, civil affairs, lending) that arrives and is spent at once,
    /// yuan.
    pub funds_earmarked: f64,
    /// Projects launched.
    pub launches: u32,
    /// Household contacts made.
    pub contacts: u32,
    /// Contacts whose measure fitted the household's cause and was applied.
    pub measures_applied: u32,
    /// Cadres promoted at the end of their term.
    pub promotions: u32,
}

/// Counts of one village for the current year (annual process results included).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct YearStats {
    /// Registered households on 1 January.
    pub registered_start: u32,
    /// Exited households (not re-registered) on 1 January.
    pub exited_stock_start: u32,
    /// Official exits.
    pub exits: u32,
    /// Exits of households not truly poor at exit.
    pub true_exits: u32,
    /// Exits of households truly poor at exit.
    pub fake_exits: u32,
    /// Relapse events.
    pub relapses: u32,
    /// New-poverty events.
    pub new_poor: u32,
    /// Previously exited households registered again.
    pub re_registrations: u32,
    /// Wrongly registered households removed by a re-check.
    pub removals: u32,
    /// Households relocated.
    pub relocated: u32,
    /// Cadres recalled after a poor assessment.
    pub recalls: u32,
    /// This village's share of its county's exit plan for the year (MODEL.md 0.3).
    pub planned_exits: u32,
    /// Registered households whose assessed income met the unbent standard in December.
    pub qualified_exits: u32,
    /// Exits reversed by third-party checks this year (not counted in `exits`).
    pub exits_reversed: u32,
    /// Official exits by route, in [`crate::model::exits::ExitRoute::ALL`] order.
    pub exits_by_route: [u32; 6],
    /// Relapses whose true income did not fall, with true income between last year's line
    /// and this year's (the line step, R10).
    pub relapses_no_fall_line_step: u32,
    /// Relapses whose true income did not fall, otherwise (measurement noise, R10).
    pub relapses_no_fall_noise: u32,
    /// Diagnostic: monthly crossings below the line by exited households (v1's relapse rule).
    pub monthly_crossings: u32,
    /// Labourers who left working age this year (demography).
    pub aged_out: u32,
    /// Households monitored this year as "unstable" (exited, below the band).
    pub monitored_unstable: u32,
    /// Households monitored this year as "marginal" (never registered, below the band).
    pub monitored_marginal: u32,
    /// Households monitored this year after a "sudden hardship".
    pub monitored_hardship: u32,
    /// Monitoring visits made this year.
    pub monitoring_visits: u32,
    /// Temporary assistance paid at monitoring visits this year, yuan (village fund).
    pub monitoring_assistance: f64,
    /// Training courses given at monitoring visits this year, yuan (village fund).
    pub monitoring_training: f64,
    /// Job placements arranged at monitoring visits this year, yuan (village fund).
    pub monitoring_placement: f64,
    /// Months of the year with a first secretary in post (0-12).
    pub secretary_months: u32,
}

/// One poor village.
#[derive(Debug, Clone)]
pub struct Village {
    /// Village id (0-based, global).
    pub id: u32,
    /// County id.
    pub county: u32,
    /// Distance to markets and towns, [0, 1].
    pub remoteness: f64,
    /// Roads, water, power, [0, 1].
    pub infrastructure: f64,
    /// Strength of the party branch and committees, [0, 1].
    pub organisation: f64,
    /// Villagers' trust in the branch and the team, [0, 1].
    pub trust: f64,
    /// Pre-existing industry base, [0, 1] (projects add to it).
    pub industry_base: f64,
    /// In a conservation area: some industries barred.
    pub eco_restricted: bool,
    /// The households.
    pub households: Households,
    /// Projects launched so far (failed ones kept for the record).
    pub industries: Vec<Industry>,
    /// The first secretary in post, if any.
    pub cadre: Option<Cadre>,
    /// Money available in the village fund, yuan: a read-only mirror of `funds.held()`,
    /// refreshed after every money operation (pay through `funds`, MODEL.md 0.7).
    pub fund_balance: f64,
    /// The village fund by month of arrival and this year's accounts, whole yuan.
    pub funds: Funds,
    /// Special funds the county plans for this village this year, yuan per year (paid in 12
    /// instalments).
    pub allocation: Yuan,
    /// Idle money the county reallocates to this village this year, yuan per year.
    pub reallocation: Yuan,
    /// Persons in households on the 2014 register: sets the village's special-fund envelope
    /// (`funding.spending_per_person`).
    pub registered_persons_2014: u32,
    /// Safe drinking water (MODEL.md 0.1, 0.6): the water project is done and infrastructure
    /// is above `projects.water_threshold`.
    pub water_safe: bool,
    /// The village's drinking-water project has been built.
    pub water_project_done: bool,
    /// Infrastructure maintenance has been paid this year (else it decays in December).
    pub maintained: bool,
    /// Industry-channel effort accumulated towards the next project appraisal (one appraisal
    /// per effort-month).
    pub industry_preparation: f64,
    /// Infrastructure-channel effort accumulated towards the next project (one project per
    /// effort-month).
    pub infrastructure_preparation: f64,
    /// Households whose diagnosed measure waits for money, oldest first (at most
    /// `measures.max_waiting`).
    pub waiting: Vec<(u32, Measure)>,
    /// Collective income this year, yuan.
    pub collective_income: f64,
    /// Households registered at the last annual process (contact targets).
    pub registered_list: Vec<u32>,
    /// Households relocated so far.
    pub relocated_total: u32,
    /// Dividend recipients last month (registered or supported households).
    pub dividend_recipients: u32,
    /// Effort per channel last month.
    pub channel_effort: ChannelWeights,
    /// Assessment score of the cadre this year (exits per registered household).
    pub score: f64,
    /// Streams.
    pub streams: VillageStreams,
    /// This month's flows.
    pub month: MonthStats,
    /// This year's counts.
    pub year: YearStats,
    /// True exits of year index y that relapsed within 24 months.
    pub sustained_loss: Vec<u32>,
    /// This year's share of the county's exit plan, set in January by
    /// [`crate::model::exits::plan_exits`].
    pub exit_plan: u32,
    /// The county's shortfall share at the last exit assessment, [0, 1]: what replaced v1's
    /// time-only deadline pressure (also the "rush" of project launches).
    pub shortfall_share: f64,
    /// The bar of this December's exits, as a share of each household's standard.
    pub exit_bar: f64,
    /// Numbers-only exits this December (the village's part of the county quota).
    pub numbers_only_quota: u32,
    /// Scratch: (assessed income / standard, household) of this December's exit candidates,
    /// by descending ratio (empty outside the December assessment).
    pub exit_candidates: Vec<(f32, u32)>,
    /// December's month context, for the income composition of exit routes.
    pub exit_context: MonthContext,
    /// Year the village exited (registered below 2% of registered-ever, 3% if remote).
    pub exit_year: Option<u32>,
    /// Whether the village's county has exited (set in December; labour halves monitoring).
    pub county_exited: bool,
    /// What the household programmes paid this year, yuan by line (tracks.md: the money track
    /// books it as sources and uses).
    pub programme_spending: ProgrammeSpending,
    /// What the household programmes did this year (take-up and events).
    pub programme_counts: ProgrammeCounts,
    /// The county's 2014 ratio of its dibao standard to the poverty line (drawn per county).
    pub dibao_ratio_2014: f64,
    /// Households of the register to relocate over 2016-2020 (the county's quota share).
    pub relocation_quota: u32,
    /// Whether the village is among those that get a first secretary (`cadres.coverage`).
    pub covered: bool,
    /// Month index of the first secretary's arrival (meaningful when `covered`).
    pub first_arrival: u32,
    /// Knowledge the village's work is done with this month: the effort-weighted mean of the
    /// secretary's and the committee's ([`Village::step_channel_effort`]), [0, 1].
    pub team_knowledge: f64,
}

/// Identification error rates for one annual process.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErrorRates {
    /// Probability a truly poor household is missed.
    pub exclusion: f64,
    /// Probability a near-poor, non-poor household is wrongly registered.
    pub inclusion: f64,
    /// Probability a re-check finds a wrongly registered household.
    pub detection: f64,
}

/// Identification error rates (MODEL.md section 7, "Identification").
pub fn error_rates(
    params: &Params,
    organisation: f64,
    knowledge: f64,
    effort: f64,
    first_year: bool,
) -> ErrorRates {
    let id = &params.identification;
    let effort = effort.clamp(0.0, 1.0);
    let effort_factor = 1.0 - 0.5 * effort;
    let exclusion =
        id.base_exclusion * (1.0 - organisation) * (1.0 - 0.5 * knowledge) * effort_factor;
    let later = if first_year {
        1.0
    } else {
        id.later_inclusion_factor
    };
    let inclusion =
        id.base_inclusion * (1.0 - organisation) * (1.0 - 0.5 * knowledge) * effort_factor * later;
    let detection = 1.0 - (1.0 - organisation) * (1.0 - 0.5 * knowledge) * effort_factor;
    ErrorRates {
        exclusion,
        inclusion,
        detection,
    }
}

/// The measure a household's situation calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Renovate unsafe housing.
    Housing,
    /// Enrol in the enhanced medical insurance.
    Insurance,
    /// Secure children's schooling.
    Schooling,
    /// Enrol in dibao (no labour or chronic illness).
    Dibao,
    /// "Endogenous drive" work against dependency.
    Motivation,
    /// Skills training.
    Training,
    /// Place a labourer in a migrant or local job.
    JobPlacement,
}

/// The measure that fits household `i`'s main cause of poverty, in priority order.
pub fn fitting_measure(hh: &Households, i: usize, threshold: f32) -> Measure {
    let f = hh.state[i].flags;
    if f & flag::HOUSING_SAFE == 0 {
        Measure::Housing
    } else if f & flag::MEDICAL_INSURED == 0 {
        Measure::Insurance
    } else if f & flag::SCHOOLING_OK == 0 {
        Measure::Schooling
    } else if hh.dibao_eligible(i) && f & flag::DIBAO == 0 {
        Measure::Dibao
    } else if hh.motivation[i] <= threshold {
        Measure::Motivation
    } else if hh.skill[i] <= threshold {
        Measure::Training
    } else {
        Measure::JobPlacement
    }
}

fn beta(a: f64, b: f64, rng: &mut Stream) -> f64 {
    Beta::new(a, b)
        .expect("constant Beta parameters are valid")
        .sample(rng)
}

impl Village {
    /// Draw a village and its households (MODEL.md section 5) and run the initial 2014
    /// registration ("building files and cards").
    pub fn new(id: u32, params: &Params, seed: u64, replicate: u32, calendar: Calendar) -> Village {
        let mut init = stream(seed, replicate, id, Purpose::VillageInit);
        let pop = &params.population;
        let remoteness = beta(2.0, 3.0, &mut init);
        let infrastructure = beta(2.0, 5.0, &mut init);
        let organisation = beta(2.0, 3.0, &mut init);
        let trust = beta(2.0, 3.0, &mut init);
        let industry_base = beta(2.0, 3.0, &mut init);
        let eco_restricted = init.random::<f64>() < pop.eco_restricted_share;
        let size_dist = Normal::new(
            f64::from(pop.households_per_village),
            f64::from(pop.households_sd),
        )
        .expect("sd validated as finite and non-negative");
        let n = size_dist
            .sample(&mut init)
            .round()
            .max(f64::from(pop.households_min)) as usize;
        let mut hh_rng = stream(seed, replicate, id, Purpose::HouseholdInit);
        let households = Households::draw(n, params, &mut hh_rng);
        let streams = VillageStreams {
            households: stream(seed, replicate, id, Purpose::Households),
            cadres: stream(seed, replicate, id, Purpose::Cadres),
            industries: stream(seed, replicate, id, Purpose::Industries),
            assessment: stream(seed, replicate, id, Purpose::Assessment),
            support: stream(seed, replicate, id, Purpose::Support),
            relocation: stream(seed, replicate, id, Purpose::Relocation),
            exits: stream(seed, replicate, id, Purpose::Exits),
            relapse: stream(seed, replicate, id, Purpose::Relapse),
            demography: stream(seed, replicate, id, Purpose::Demography),
            monitoring: stream(seed, replicate, id, Purpose::Monitoring),
            programmes: stream(seed, replicate, id, Purpose::Programmes),
            effort: stream(seed, replicate, id, Purpose::Effort),
            reporting_key: crate::rng::derive(seed, replicate, id, Purpose::Reporting) as u64,
        };
        let county = id % params.population.counties.max(1);
        let dibao_ratio_2014 = super::dibao::county_ratio_2014(params, seed, replicate, county);
        let dispatch = super::dispatch::draw(params, seed, replicate, id);
        let years = (params.simulation.months as usize).div_ceil(12);
        let mut village = Village {
            id,
            county,
            remoteness,
            infrastructure,
            organisation,
            trust,
            industry_base,
            eco_restricted,
            households,
            industries: Vec::new(),
            cadre: None,
            fund_balance: 0.0,
            funds: Funds::new(params.projects.idle_months),
            allocation: 0,
            reallocation: 0,
            registered_persons_2014: 0,
            water_safe: false,
            water_project_done: false,
            maintained: false,
            industry_preparation: 0.0,
            infrastructure_preparation: 0.0,
            waiting: Vec::new(),
            collective_income: 0.0,
            registered_list: Vec::new(),
            relocated_total: 0,
            dividend_recipients: 0,
            channel_effort: [0.0; 5],
            score: 0.0,
            streams,
            month: MonthStats::default(),
            year: YearStats::default(),
            sustained_loss: vec![0; years],
            exit_plan: 0,
            shortfall_share: 0.0,
            exit_bar: 1.0,
            numbers_only_quota: 0,
            exit_candidates: Vec::new(),
            exit_context: MonthContext::default(),
            exit_year: None,
            county_exited: false,
            programme_spending: ProgrammeSpending::default(),
            programme_counts: ProgrammeCounts::default(),
            dibao_ratio_2014,
            relocation_quota: 0,
            covered: dispatch.covered,
            first_arrival: dispatch.first_arrival,
            team_knowledge: 0.0,
        };
        village.team_knowledge = village.committee_knowledge();
        let ctx = village.month_context(params, 0, calendar, &County::new());
        village.households.settle_initial_income(&ctx, &mut hh_rng);
        village.update_water(params, calendar.year(0));
        // Dibao predates the programme: the county's first review enrols the eligible
        // (with its errors) before the 2014 registration.
        village.review_dibao(params, 0, calendar, true);
        village.identify(params, 0, calendar, true);
        village.mark_missed_poor(ctx.line);
        village.rebuild_registered_list();
        // The start cohort: the 2014 register as built ("building files and cards").
        for &i in &village.registered_list {
            village.households.cohort[i as usize] = 1;
        }
        village.year.registered_start = village.registered_list.len() as u32;
        village.registered_persons_2014 = village
            .registered_list
            .iter()
            .map(|&i| u32::from(village.households.state[i as usize].size))
            .sum();
        village.funds.start_year();
        village
    }

    /// What the cadre's assessment, matched assignment and adaptive strategy look at.
    pub fn needs(&self) -> VillageNeeds {
        let n = self.households.len().max(1) as f64;
        VillageNeeds {
            registered_share: self.registered_list.len() as f64 / n,
            industry_base: self.industry_base_now(),
            infrastructure: self.infrastructure,
            organisation: self.organisation,
        }
    }

    /// Industry base including producing projects (1 point per 2 million yuan producing).
    pub fn industry_base_now(&self) -> f64 {
        let producing: f64 = self
            .industries
            .iter()
            .filter(|p| p.stage == Stage::Producing)
            .map(|p| p.capex)
            .sum();
        (self.industry_base + producing / 2_000_000.0).min(1.0)
    }

    /// Organisation as the team works with it: the village's true level (v2 has no specialist
    /// floor; party-building specialists raise the level itself, MODEL.md 0.8).
    pub fn working_organisation(&self, _params: &Params) -> f64 {
        self.organisation
    }

    /// Trust as the team works with it: the true level (social-work specialists raise it).
    pub fn working_trust(&self, _params: &Params) -> f64 {
        self.trust
    }

    /// Industry base as projects see it: the true level including producing projects.
    pub fn working_industry_base(&self, _params: &Params) -> f64 {
        self.industry_base_now()
    }

    /// The background of the next secretary: a draw from the mix, or the specialist whose
    /// channel is the village's binding constraint ([`Village::binding_constraint`]).
    fn choose_background(&mut self, params: &Params) -> Background {
        match params.cadres.assignment {
            Assignment::Matched => self.binding_constraint().0,
            Assignment::Random => {
                let shares = params.cadres.mix.shares();
                let mut u: f64 = self.streams.cadres.random();
                for (bg, share) in Background::ALL.iter().zip(shares) {
                    if u < share {
                        return *bg;
                    }
                    u -= share;
                }
                // Shares sum to 1 within 1e-6 (validated); a draw in the rounding gap takes the
                // last background with a positive share.
                *Background::ALL
                    .iter()
                    .zip(shares)
                    .rev()
                    .find(|(_, s)| *s > 0.0)
                    .map(|(b, _)| b)
                    .unwrap_or(&Background::Economic)
            }
        }
    }

    /// Replace the secretary (rotation or recall).
    pub fn replace_cadre(&mut self, params: &Params) {
        let predecessor = self.cadre.as_ref().map(|c| c.knowledge);
        let background = self.choose_background(params);
        self.cadre = Some(Cadre::arrive(background, params, predecessor));
    }

    /// Recall the secretary after a poor assessment (MODEL.md 0.8): the successor is a
    /// newcomer (no handover, knowledge reset, the newcomer's rush).
    pub fn recall_cadre(&mut self, params: &Params) {
        let background = self.choose_background(params);
        self.cadre = Some(Cadre::newcomer(background, params));
    }

    /// Quantities the household step needs this month (public for benchmarks).
    pub fn month_context(
        &self,
        params: &Params,
        t: u32,
        calendar: Calendar,
        county: &County,
    ) -> MonthContext {
        let year = calendar.year(t);
        let e = &params.economy;
        let weather = if t < county.disaster_until {
            1.0 - params.shocks.disaster_loss
        } else {
            1.0
        };
        let monitoring = Village::monitoring_runs(params, year);
        let line = window_line(e, calendar, t);
        let [migrant_growth, farm_growth, wage_growth, other_growth] = e.growth.factors(year);
        MonthContext {
            t,
            line: line as f32,
            dibao_month: (self.dibao_standard(params, year) / 12.0) as f32,
            farm_per_labourer_month: (e.farm_per_labourer / 12.0
                * farm_growth
                * (0.7 + 0.6 * self.infrastructure)
                * weather) as f32,
            remittance: (e.migrant_remittance * migrant_growth * (1.0 - 0.3 * self.remoteness))
                as f32,
            remittance_relocated: (e.migrant_remittance * migrant_growth * (1.0 - 0.3 * 0.2))
                as f32,
            local_wage: (e.local_wage * wage_growth) as f32,
            other_income_pc: (e.other_income / 12.0 * other_growth) as f32,
            dividend_per_household: 0.0,
            coverage_uninsured: e.coverage_uninsured as f32,
            coverage_insured: e.coverage_insured as f32,
            chronic_care_month: (e.chronic_care_cost / 12.0) as f32,
            illness_cost: params.shocks.illness_cost as f32,
            illness_months: params.shocks.illness_months.min(600) as u16,
            illness_rate: params.shocks.illness_rate,
            chronic_illness_rate: params.shocks.chronic_illness_rate,
            migration_base: e.migration_base as f32,
            relocated_migration_boost: 1.5,
            return_rate: e.return_rate as f32,
            saving_rate: e.saving_rate as f32,
            support_months: params.policy.post_exit_support_years.saturating_mul(12),
            monitoring,
            hardship_share: params.monitoring.hardship_share as f32,
            disaster_now: county.disaster_started,
            macro_return_share: 0.0,
        }
    }

    /// One month: cadre, funds, effort, channels, industries, households (MODEL.md section 3).
    pub fn step_month(&mut self, params: &Params, t: u32, calendar: Calendar, county: &County) {
        let year = calendar.year(t);
        if calendar.month_of_year(t) == 1 {
            self.start_year();
            self.open_programme_year(params, t, calendar);
        }
        self.month = MonthStats::default();
        let account_before = self.funds.year;
        self.step_cadre(params, t);
        self.step_funds(params, t, calendar);
        self.step_channel_effort(params);
        self.step_organisation(params);
        self.step_infrastructure(params, t);
        self.step_industry_launch(params, county, t);
        self.step_contacts(params, t);
        let market = self.step_industries(params, county);

        let mut ctx = self.month_context(params, t, calendar, county);
        ctx.dividend_per_household = (market / f64::from(self.dividend_recipients.max(1))) as f32;
        if params.shocks.macro_2020 && year == 2020 && calendar.month_of_year(t) == 2 {
            ctx.macro_return_share = params.shocks.macro_2020_return_share as f32;
        }
        let mut tally = HouseholdTally::default();
        step_households(
            &mut self.households,
            &ctx,
            &mut self.streams.households,
            &mut tally,
        );
        self.dividend_recipients = tally.dividend_recipients;
        self.funds
            .spend_up_to(Use::TemporaryAssistance, whole(tally.assistance_paid), t);
        self.fund_balance = self.funds.held() as f64;
        self.record_month_money(&account_before);
        self.programme_spending.dibao += tally.dibao_paid;
        self.programme_spending.public_jobs += f64::from(tally.public_wages_paid);
        self.book_line(Source::CivilAffairsDibao, Use::Dibao, tally.dibao_paid);
        self.book_line(
            Source::CountyLines,
            Use::PublicJobs,
            f64::from(tally.public_wages_paid),
        );
        self.month.tally = tally;
        self.year.monthly_crossings += tally.crossings;
        if ctx.monitoring {
            self.visit_monitored(params, t, ctx.line);
        }
        if calendar.is_year_end(t) {
            self.exit_context = ctx;
        }
    }

    /// Book money from a line without a village balance (county lines, civil affairs,
    /// lending) as a source and a use of this village-year and of this month's flows
    /// (MODEL.md 0.7), in whole yuan.
    pub(crate) fn book_line(&mut self, source: Source, what: Use, yuan: f64) {
        let amount = whole(yuan);
        if amount <= 0 {
            return;
        }
        self.funds.pass_through(source, what, amount);
        let booked = amount as f64;
        self.month.funds_in += booked;
        self.month.funds_spent += booked;
        self.month.funds_earmarked += booked;
    }

    /// December: book the year's annual household programmes (insurance premiums, housing,
    /// microcredit, schooling) into the accounts, each from its line. Dibao and public-job
    /// wages are booked monthly, relocation when it happens. Decision: premiums paid at the
    /// January renewal are booked with the year's December accounts.
    fn book_programme_year(&mut self) {
        let s = self.programme_spending;
        self.book_line(Source::CountyLines, Use::Insurance, s.medical_premium);
        self.book_line(
            Source::CountyLines,
            Use::MedicalAssistance,
            s.medical_assistance,
        );
        self.book_line(Source::CountyLines, Use::Housing, s.housing);
        self.book_line(Source::CountyLines, Use::Schooling, s.schooling);
        self.book_line(
            Source::MicrocreditLending,
            Use::MicrocreditLoans,
            s.microcredit_lent,
        );
        self.book_line(
            Source::CountyLines,
            Use::MicrocreditInterest,
            s.microcredit_interest,
        );
    }

    fn start_year(&mut self) {
        let hh = &self.households;
        self.year = YearStats {
            registered_start: self.registered_list.len() as u32,
            exited_stock_start: (0..hh.len())
                .filter(|&i| {
                    hh.state[i].flags & flag::EXITED != 0
                        && hh.state[i].flags & flag::REGISTERED == 0
                })
                .count() as u32,
            planned_exits: self.exit_plan,
            ..YearStats::default()
        };
        self.collective_income = 0.0;
        self.funds.start_year();
        self.maintained = false;
        self.programme_spending = ProgrammeSpending::default();
        self.programme_counts = ProgrammeCounts::default();
    }

    /// Dispatch and rotation (MODEL.md 0.8): a covered village's first secretary arrives in
    /// its drawn month; each successor at the end of the predecessor's tenure.
    fn step_cadre(&mut self, params: &Params, t: u32) {
        if !params.cadres.enabled || !self.covered || t < self.first_arrival {
            return;
        }
        if let Some(c) = &self.cadre {
            if c.months_in_post >= params.cadres.tenure_months {
                let promoted = params.incentives.promotion_on_performance
                    && c.last_percentile >= 1.0 - params.incentives.promotion_share;
                self.month.promotions += u32::from(promoted);
                self.replace_cadre(params);
            }
        } else {
            self.replace_cadre(params);
        }
        let remoteness = self.remoteness;
        if let Some(c) = self.cadre.as_mut() {
            c.step_month(params, remoteness);
            self.year.secretary_months += 1;
        }
    }

    fn step_organisation(&mut self, params: &Params) {
        let effort = self.channel_effort[Channel::Organisation as usize];
        let gain = params.channels.organisation_gain * effort;
        // Diminishing returns: a weak branch gains most from the same effort, which is where a
        // matched specialist pays off (seed 002).
        // Party-building specialists raise organisation, social-work specialists trust.
        let organisation_gain = 1.0 + self.background_gain(params, |t| t.organisation_gain);
        let trust_gain = 1.0 + self.background_gain(params, |t| t.trust_gain);
        self.organisation += gain * organisation_gain * (1.0 - self.organisation);
        self.trust += gain * trust_gain * (1.0 - self.trust);
        self.organisation = self.organisation.clamp(0.0, 1.0);
        self.trust = self.trust.clamp(0.0, 1.0);
    }

    /// Advance projects; returns this month's dividend pool for registered households, yuan.
    fn step_industries(&mut self, params: &Params, county: &County) -> f64 {
        let market_access = 1.0 - 0.3 * self.remoteness;
        // Young graduates' e-commerce (`market_gain`), economic specialists' better-run
        // projects (`return_gain`).
        let e_commerce = (1.0 + self.background_gain(params, |t| t.market_gain))
            * (1.0 + self.background_gain(params, |t| t.return_gain));
        let mut dividends = 0.0;
        for slot in 0..self.industries.len() {
            let kind = self.industries[slot].kind;
            let spec = params.industries.get(kind);
            let draw: f64 = self.streams.industries.random();
            match self.industries[slot].advance(spec, draw) {
                Event::StartedProducing => self.hire(slot),
                Event::Failed { was_producing } => {
                    if was_producing {
                        self.release(slot);
                    }
                }
                Event::None => {}
            }
            let ret = self.industries[slot].monthly_return(
                spec,
                county.price(kind),
                market_access * e_commerce,
            );
            dividends += ret * params.economy.dividend_share;
            self.collective_income += ret * (1.0 - params.economy.dividend_share);
        }
        dividends
    }

    /// Fill a producing project's jobs: registered households first, lowest income first.
    fn hire(&mut self, slot: usize) {
        let jobs = self.industries[slot].jobs;
        let tag = (slot + 1).min(255) as u8;
        let hh = &mut self.households;
        for _ in 0..jobs {
            let mut best: Option<(bool, f32, usize)> = None;
            for i in 0..hh.len() {
                if hh.state[i].job != 0 || hh.at_home(i) == 0 {
                    continue;
                }
                let registered = hh.state[i].flags & flag::REGISTERED != 0;
                let key = (registered, hh.income_pc(i), i);
                best = match best {
                    None => Some(key),
                    Some(b) if (key.0 && !b.0) || (key.0 == b.0 && key.1 < b.1) => Some(key),
                    keep => keep,
                };
            }
            match best {
                Some((_, _, i)) => hh.state[i].job = tag,
                None => break,
            }
        }
    }

    fn release(&mut self, slot: usize) {
        let tag = (slot + 1).min(255) as u8;
        for state in self.households.state.iter_mut() {
            if state.job == tag {
                state.job = 0;
            }
        }
    }

    fn rebuild_registered_list(&mut self) {
        self.registered_list.clear();
        for (i, state) in self.households.state.iter().enumerate() {
            if state.flags & flag::REGISTERED != 0 {
                self.registered_list.push(i as u32);
            }
        }
    }

    /// Identification and registration (annual, and at initialisation).
    fn identify(&mut self, params: &Params, t: u32, calendar: Calendar, first_year: bool) {
        let year = calendar.year(t);
        let line = poverty_line(&params.economy, year) as f32;
        let rates = self.error_rates_now(params, first_year);
        let band = params.identification.near_poor_band as f32 * line;
        let rng = &mut self.streams.assessment;
        let hh = &mut self.households;
        for i in 0..hh.len() {
            // Registration is the household's own test: a village without safe water does not
            // put every household on the register.
            let truly_poor = hh.truly_poor_household(i, line);
            let mut f = hh.state[i].flags;
            if f & flag::REGISTERED != 0 {
                if f & flag::WRONGLY_REGISTERED != 0 {
                    if truly_poor {
                        f &= !flag::WRONGLY_REGISTERED;
                    } else if !first_year && rng.random::<f64>() < rates.detection {
                        f &= !(flag::REGISTERED | flag::WRONGLY_REGISTERED);
                        self.year.removals += 1;
                    }
                }
            } else if truly_poor && f & flag::EXITED == 0 {
                // Exited households return through the annual relapse assessment
                // (`assess_relapse`), not here.
                if rng.random::<f64>() >= rates.exclusion {
                    f = flag::registered(f);
                    hh.state[i].registered_month = t as u16;
                }
            } else if f & flag::EVER_REGISTERED == 0
                && hh.income_pc(i) < band
                && rng.random::<f64>() < rates.inclusion
            {
                f |= flag::REGISTERED | flag::EVER_REGISTERED | flag::WRONGLY_REGISTERED;
                hh.state[i].registered_month = t as u16;
            }
            hh.state[i].flags = f;
        }
    }

    /// This year's identification error rates, from the organisation the team works with,
    /// the secretary's knowledge and this month's identification effort.
    pub fn error_rates_now(&self, params: &Params, first_year: bool) -> ErrorRates {
        let knowledge = self.targeting_knowledge(params);
        let effort = self.channel_effort[Channel::Identification as usize];
        error_rates(
            params,
            self.working_organisation(params),
            knowledge,
            effort,
            first_year,
        )
    }

    /// At initialisation: never-registered households below the line are the baseline's
    /// missed poor, not new poverty; their episode is open, so only a later fall counts.
    fn mark_missed_poor(&mut self, line: f32) {
        let hh = &mut self.households;
        for i in 0..hh.len() {
            if hh.state[i].flags & flag::EVER_REGISTERED == 0 && hh.truly_poor(i, line) {
                hh.state[i].flags |= flag::NEW_POOR_EPISODE;
            }
        }
    }

    /// The annual process of a village standing alone (December, after the monthly step):
    /// [`Village::close_year_before_exits`], the exit decision of a county of this village
    /// alone, then [`Village::close_year_after_exits`]. The simulation runs the phases itself,
    /// with the county decision across villages in between (MODEL.md 0.3).
    pub fn step_year(&mut self, params: &Params, t: u32, calendar: Calendar) {
        self.close_year_before_exits(params, t, calendar);
        let mut county = County::new();
        county.exit_plan = self.exit_plan;
        super::exits::county_exit_decision(
            std::slice::from_mut(self),
            std::slice::from_mut(&mut county),
            params,
        );
        self.close_year_after_exits(params, t, calendar);
    }

    /// December, part 1 (each village, in parallel): annual relapse and new poverty
    /// (MODEL.md 0.4), then identification and registration, then the exit candidates.
    pub fn close_year_before_exits(&mut self, params: &Params, t: u32, calendar: Calendar) {
        self.assess_relapse(params, t, calendar);
        // The first year's register is the one built at initialisation ("building files and
        // cards"); re-checks and new registrations start the following year.
        // Exits are assessed from the programme's first year on.
        self.step_demography(params);
        self.enrol_dibao_referrals();
        if t >= 12 {
            self.identify(params, t, calendar, false);
        }
        // The household programmes' December review (MODEL.md section 0.1): dibao, housing,
        // schooling and microcredit before the exit assessment, which sees their results.
        self.review_programmes(params, t, calendar);
        self.exit_candidates(params, t, calendar);
    }

    /// December, part 2 (each village, in parallel, after the county decision): exits,
    /// relocation, end of monitoring for recovered households, the register, the village's
    /// exit status and the cadre's assessment score.
    pub fn close_year_after_exits(&mut self, params: &Params, t: u32, calendar: Calendar) {
        self.apply_exits(params, t, calendar);
        // Freed until next December: a year-long 8 bytes per household is too much at
        // national scale (docs/V2_DESIGN.md R1); one allocation per village-year is not.
        self.exit_candidates = Vec::new();
        self.relocate(params, calendar.year(t));
        self.maintain_infrastructure(params, t);
        let line = poverty_line(&params.economy, calendar.year(t)) as f32;
        self.classify_monitored(params, t, calendar, line);
        self.rebuild_registered_list();
        self.update_exit_status(params, t, calendar);
        // For next year, on the register after exits: public-job posts.
        self.renew_programmes(params, t, calendar);
        self.book_programme_year();
        self.month.tally.recount_stocks(&self.households, line);
        self.score = super::assessment::score(&self.year, calendar.year(t));
    }

    /// Year-end counts of this village's households in one pass (December, after the annual
    /// process): truly poor and their causes, registered poor missed, wrongly registered,
    /// inclusion errors, registered with illness as a cause, registered households' summed
    /// income, and the start cohort's households, persons and calendar-year income.
    pub fn year_end_counts(&self, params: &Params, t: u32, line: f32) -> YearEndCounts {
        let hh = &self.households;
        let remote = self.remoteness >= params.policy.remote_threshold;
        let mut c = YearEndCounts::default();
        for i in 0..hh.len() {
            let f = hh.state[i].flags;
            let registered = f & flag::REGISTERED != 0;
            let poor = hh.truly_poor(i, line);
            c.truly_poor += u32::from(poor);
            if poor {
                let causes = hh.causes(i, t, remote);
                for (n, bit) in c.truly_poor_by_cause.iter_mut().zip(cause::ALL) {
                    *n += u32::from(causes & bit != 0);
                }
            }
            if hh.cohort[i] != 0 {
                c.cohort_households += 1;
                c.cohort_persons += u32::from(hh.state[i].size);
                // At December the 12 months of the rolling sum are the calendar year.
                c.cohort_income += f64::from(hh.income_sum[i]);
            }
            c.missed += u32::from(poor && !registered);
            let size = hh.state[i].size;
            c.income_persons += f64::from(hh.income_pc(i)) * f64::from(size);
            c.persons += u32::from(size);
            c.wrongly += u32::from(registered && !poor);
            if registered {
                c.inclusion_errors += u32::from(f & flag::WRONGLY_REGISTERED != 0);
                c.registered_ill += u32::from(hh.ill_as_cause(i, t));
                c.registered_income += f64::from(hh.income_pc(i));
            }
        }
        c
    }

    /// Money in the village's hands: the village fund balance, yuan.
    pub fn money_held(&self) -> f64 {
        self.funds.held() as f64
    }
}

/// One village's year-end household counts (see [`Village::year_end_counts`]).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct YearEndCounts {
    /// Truly poor households.
    pub truly_poor: u32,
    /// Truly poor but not registered.
    pub missed: u32,
    /// Registered but not truly poor.
    pub wrongly: u32,
    /// Registered while not poor and not yet found.
    pub inclusion_errors: u32,
    /// Registered with illness as a cause.
    pub registered_ill: u32,
    /// Sum of registered households' income per capita, yuan per person-year.
    pub registered_income: f64,
    /// Sum over households of income per capita x household size, yuan per year.
    pub income_persons: f64,
    /// Persons in the village's households.
    pub persons: u32,
    /// Truly poor households with each cause, in [`cause::ALL`] order (not exclusive).
    pub truly_poor_by_cause: [u32; 5],
    /// Households of the start cohort (the 2014 register).
    pub cohort_households: u32,
    /// Persons in them.
    pub cohort_persons: u32,
    /// Their summed calendar-year household income, yuan.
    pub cohort_income: f64,
}
