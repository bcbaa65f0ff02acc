//! Typed model parameters: the resolved form of a scenario file.
//!
//! Every field has a default (the built-in baseline), a unit and a source. The serde names here
//! are the public scenario-file contract: `[cadres] admin_burden` in TOML is
//! `Params::cadres.admin_burden` here. Range checks live in [`Params::problems`], which the
//! scenario loader calls so that every problem in a file is reported at once.

use serde::{Deserialize, Serialize};

use crate::model::schedule::SERIES_START_YEAR;
use crate::scenario::{Advice, RangeProblem, Validate};

/// All parameters of one scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Params {
    /// Short name; also the default results folder `outputs/<name>/`.
    pub name: String,
    /// One or two sentences saying what the scenario changes and why.
    pub description: String,
    /// Time, seed and replicates.
    pub simulation: SimulationParams,
    /// Villages, counties and households.
    pub population: PopulationParams,
    /// The first secretaries: who is sent, how, and how hard their job is.
    pub cadres: CadreParams,
    /// Per-background profile of cadres (MODEL.md section 2 table).
    pub cadre_types: CadreTypes,
    /// Money reaching villages.
    pub funding: FundingParams,
    /// Household measures and their prices.
    pub measures: MeasureParams,
    /// Village projects (infrastructure, industry launches) and idle money.
    pub projects: ProjectParams,
    /// Cadres' living subsidy and career incentives.
    pub incentives: IncentiveParams,
    /// Exit rules, monitoring, post-exit support, relocation.
    pub policy: PolicyParams,
    /// Illness, disaster, price and macro shocks.
    pub shocks: ShockParams,
    /// Household economy: incomes, migration, transfers.
    pub economy: EconomyParams,
    /// The five industry kinds (MODEL.md section 2 table).
    pub industries: IndustryTable,
    /// How effort turns into change in each channel.
    pub channels: ChannelParams,
    /// Registration errors, measurement and concealment at the annual assessment.
    pub identification: IdentificationParams,
    /// Ageing out of working age and new labourers (MODEL.md section 0.2).
    pub demography: DemographyParams,
    /// Monitoring of households at risk as a costed service of visits (MODEL.md section 0.5).
    pub monitoring: MonitoringParams,
    /// The regular household programmes: dibao, insurance, housing, schooling, water, public
    /// jobs, microcredit, relocation (MODEL.md section 0.1).
    pub programmes: ProgrammeParams,
}

impl Params {
    /// The baseline shrunk to a small world (for quick tests and the classroom): `villages`
    /// villages of about `households` households (sd a sixth of that), `months` months,
    /// `replicates` replicates.
    pub fn small(villages: u32, households: u32, months: u32, replicates: u32) -> Params {
        let mut p = Params::default();
        p.population.villages = villages;
        p.population.households_per_village = households;
        p.population.households_sd = households / 6;
        p.population.households_min = households.min(10);
        p.simulation.months = months;
        p.simulation.replicates = replicates;
        p
    }
}

impl Default for Params {
    fn default() -> Self {
        Params {
            name: "baseline".into(),
            description:
                "Default First Secretary programme, 2014-2025, calibrated to the national \
                          2014-2016 headcount."
                    .into(),
            simulation: SimulationParams::default(),
            population: PopulationParams::default(),
            cadres: CadreParams::default(),
            cadre_types: CadreTypes::default(),
            funding: FundingParams::default(),
            measures: MeasureParams::default(),
            projects: ProjectParams::default(),
            incentives: IncentiveParams::default(),
            policy: PolicyParams::default(),
            shocks: ShockParams::default(),
            economy: EconomyParams::default(),
            industries: IndustryTable::default(),
            channels: ChannelParams::default(),
            identification: IdentificationParams::default(),
            demography: DemographyParams::default(),
            monitoring: MonitoringParams::default(),
            programmes: ProgrammeParams::default(),
        }
    }
}

/// Time, seed and replicates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SimulationParams {
    /// Master seed; every random stream derives from it (see `rng`).
    pub seed: u64,
    /// Independent replicates (same scenario, different luck).
    pub replicates: u32,
    /// Calendar year of the first month (January). 2014 = registration year.
    pub start_year: u32,
    /// Number of monthly steps. 144 = 2014-2025.
    pub months: u32,
}

impl Default for SimulationParams {
    fn default() -> Self {
        SimulationParams {
            seed: 20150101,
            replicates: 10,
            start_year: 2014,
            months: 144,
        }
    }
}

/// Villages, counties and households.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PopulationParams {
    /// Number of poor villages simulated.
    pub villages: u32,
    /// Number of counties; villages are dealt to counties in turn (village id mod counties).
    pub counties: u32,
    /// Mean households per village (normal, MODEL.md section 5).
    pub households_per_village: u32,
    /// Standard deviation of households per village.
    pub households_sd: u32,
    /// Minimum households per village.
    pub households_min: u32,
    /// Share of villages in ecological conservation areas (some industries barred).
    pub eco_restricted_share: f64,
    /// Share of households with a chronically ill member (who is not counted as an able
    /// labourer when the household has two or more).
    pub chronic_illness_share: f64,
}

impl Default for PopulationParams {
    fn default() -> Self {
        PopulationParams {
            villages: 60,
            counties: 4,
            households_per_village: 300,
            households_sd: 80,
            households_min: 50,
            eco_restricted_share: 0.15,
            chronic_illness_share: 0.22,
        }
    }
}

/// A cadre's background (seeds 001, 002).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Background {
    /// Young university graduate: energy and market skills, no rural knowledge.
    YoungGraduate,
    /// Near-retired cadre with a long career: networks, faster start.
    Experienced,
    /// Economic specialist: industry feasibility.
    Economic,
    /// Party-building specialist: organisation, funds discipline.
    PartyBuilding,
    /// Social-work specialist: trust, conflict, motivation.
    SocialWork,
}

impl Background {
    /// All backgrounds in a fixed order (output columns, charts).
    pub const ALL: [Background; 5] = [
        Background::YoungGraduate,
        Background::Experienced,
        Background::Economic,
        Background::PartyBuilding,
        Background::SocialWork,
    ];

    /// The scenario-file name of this background.
    pub fn key(self) -> &'static str {
        match self {
            Background::YoungGraduate => "young_graduate",
            Background::Experienced => "experienced",
            Background::Economic => "economic",
            Background::PartyBuilding => "party_building",
            Background::SocialWork => "social_work",
        }
    }

    /// Position in [`Background::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Shares of each background among newly sent secretaries (must sum to 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CadreMix {
    /// Share of young graduates.
    pub young_graduate: f64,
    /// Share of experienced, near-retired cadres.
    pub experienced: f64,
    /// Share of economic specialists.
    pub economic: f64,
    /// Share of party-building specialists.
    pub party_building: f64,
    /// Share of social-work specialists.
    pub social_work: f64,
}

impl Default for CadreMix {
    fn default() -> Self {
        CadreMix {
            young_graduate: 0.2,
            experienced: 0.2,
            economic: 0.2,
            party_building: 0.2,
            social_work: 0.2,
        }
    }
}

impl CadreMix {
    /// Shares in [`Background::ALL`] order.
    pub fn shares(&self) -> [f64; 5] {
        [
            self.young_graduate,
            self.experienced,
            self.economic,
            self.party_building,
            self.social_work,
        ]
    }
}

/// How a secretary is chosen for a village.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Assignment {
    /// Background drawn from `cadres.mix`, whatever the village needs.
    Random,
    /// The specialist whose strength fits the village's weakest of organisation, industry base
    /// and trust (seed 002).
    Matched,
}

/// How the team splits its effort across the five channels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// Equal effort on every channel.
    Balanced,
    /// Most effort on launching industries.
    IndustryFirst,
    /// Most effort on roads, water and power.
    InfrastructureFirst,
    /// Most effort on household contacts (training, jobs, guarantees).
    HouseholdFirst,
    /// Effort follows the village's weakest indicator, as well as the cadre's knowledge sees it.
    Adaptive,
}

/// The first-secretary programme's cadre levers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CadreParams {
    /// Whether the First Secretary programme runs at all; false sends no secretary (the
    /// household-and-village core, as in `scenarios/peer_core.toml`).
    pub enabled: bool,
    /// Year the first secretaries arrive (2015 nationally).
    pub start_year: u32,
    /// Background shares for random assignment.
    pub mix: CadreMix,
    /// Random draw from the mix, or matched to the village's weakness.
    pub assignment: Assignment,
    /// Share of effort lost to paperwork, in [0, 1]: 0.5 default, 0.8 "burdened", 0.2
    /// "streamlined" (seed 001: up to 80%).
    pub admin_burden: f64,
    /// Months in post before rotation (2-year terms).
    pub tenure_months: u32,
    /// Team members including the secretary (task force of at least 3, seed 002).
    pub team_size: u32,
    /// Pre-posting training and mentoring: learning rate x `training_learning_boost`.
    pub training: bool,
    /// Multiplier on the monthly learning rate when `training` is on.
    pub training_learning_boost: f64,
    /// How effort is split across channels.
    pub strategy: Strategy,
    /// Monthly enthusiasm recovery rate (MODEL.md section 7).
    pub recover: f64,
    /// Whether a successor inherits half of the predecessor's village knowledge.
    pub handover: bool,
    /// Share of villages that get a first secretary, [0, 1] (97.6% of poor villages had one,
    /// seed 004; MODEL.md 0.8). Drawn per village at setup from its own dispatch stream, the
    /// same draw at every coverage, so the villages covered at 0.5 are among those at 0.976.
    pub coverage: f64,
    /// Months over which covered villages' first secretaries arrive, from January of
    /// `start_year` (uniform; MODEL.md 0.8, default 12 = over 2015).
    pub arrival_spread_months: u32,
}

impl Default for CadreParams {
    fn default() -> Self {
        CadreParams {
            enabled: true,
            start_year: 2015,
            mix: CadreMix::default(),
            assignment: Assignment::Random,
            admin_burden: 0.5,
            tenure_months: 24,
            team_size: 3,
            training: false,
            training_learning_boost: 1.5,
            strategy: Strategy::Balanced,
            recover: 0.02,
            handover: true,
            coverage: 0.976,
            arrival_spread_months: 12,
        }
    }
}

/// Profile of one cadre background (MODEL.md section 2 table).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CadreType {
    /// Knowledge of the village on arrival, in [0, 1].
    pub initial_knowledge: f64,
    /// Share of the remaining knowledge gap closed per month in post.
    pub learning_rate: f64,
    /// Enthusiasm on arrival, in [0.1, 1].
    pub initial_enthusiasm: f64,
    /// Enthusiasm drain per month per unit of burden (MODEL.md enthusiasm equation).
    pub fatigue: f64,
    /// Yuan per year the sending unit gives directly (x enthusiasm x `funding.unit_scale`).
    pub unit_resources: f64,
    /// Yuan per year of resources the secretary coordinates through the unit's networks (x
    /// enthusiasm x `funding.unit_scale`); data/README.md: about 710,000 coordinated against
    /// 230,000 direct a year on average, so 3.1 x `unit_resources` by default, experienced
    /// cadres x1.5 (better connected, MODEL.md 0.8).
    pub coordination: f64,
    /// Years of grassroots work on arrival (feeds project feasibility).
    pub experience_years: f64,
    /// Feasibility added to the team's projects (economic specialists; MODEL.md 0.8).
    pub feasibility_gain: f64,
    /// Relative increase of producing projects' returns (economic specialists: better-run
    /// projects), x (1 + this).
    pub return_gain: f64,
    /// Relative increase of the organisation gained from organisation-channel effort (party
    /// building), x (1 + this); organisation lowers leakage and raises the committee's effort.
    pub organisation_gain: f64,
    /// Relative increase of the trust gained from organisation-channel effort and of the
    /// motivation gained from "endogenous drive" measures (social work), x (1 + this).
    pub trust_gain: f64,
    /// Share of the team's remaining ignorance of who is poor that the secretary closes for
    /// identification (young graduates: targeting, He and Wang 2017), in [0, 1].
    pub targeting_gain: f64,
    /// Added to the take-up of social assistance offered by a contact (dibao, insurance;
    /// young graduates), probability in [0, 1].
    pub takeup_gain: f64,
    /// Relative increase of the price villages get for industry output (e-commerce; young
    /// graduates), x (1 + this).
    pub market_gain: f64,
}

impl CadreType {
    fn new(
        knowledge: f64,
        learning: f64,
        enthusiasm: f64,
        fatigue: f64,
        unit: f64,
        years: f64,
    ) -> Self {
        CadreType {
            initial_knowledge: knowledge,
            learning_rate: learning,
            initial_enthusiasm: enthusiasm,
            fatigue,
            unit_resources: unit,
            coordination: unit * COORDINATED_PER_DIRECT_TENTHS / 10.0,
            experience_years: years,
            feasibility_gain: 0.0,
            return_gain: 0.0,
            organisation_gain: 0.0,
            trust_gain: 0.0,
            targeting_gain: 0.0,
            takeup_gain: 0.0,
            market_gain: 0.0,
        }
    }
}

/// Coordinated resources per yuan of direct unit support, in tenths (data/README.md: 710,000 /
/// 230,000, about 3.1), kept in tenths so that the defaults are exact whole yuan.
pub const COORDINATED_PER_DIRECT_TENTHS: f64 = 31.0;

impl Default for CadreType {
    fn default() -> Self {
        CadreType::new(0.2, 0.06, 0.8, 0.012, 250_000.0, 8.0)
    }
}

/// Profiles of all five backgrounds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CadreTypes {
    /// Young graduates.
    pub young_graduate: CadreType,
    /// Experienced, near-retired cadres.
    pub experienced: CadreType,
    /// Economic specialists.
    pub economic: CadreType,
    /// Party-building specialists.
    pub party_building: CadreType,
    /// Social-work specialists.
    pub social_work: CadreType,
}

impl Default for CadreTypes {
    fn default() -> Self {
        // Channel gains (MODEL.md 0.8; directions from the spec, sizes provisional: v1's
        // specialist bonus 1.5 and feasibility bonus 0.2, e-commerce x1.1).
        CadreTypes {
            young_graduate: CadreType {
                targeting_gain: 0.3,
                takeup_gain: 0.1,
                market_gain: 0.1,
                ..CadreType::new(0.10, 0.08, 0.90, 0.020, 150_000.0, 1.0)
            },
            experienced: CadreType {
                coordination: 1.5 * 300_000.0 * COORDINATED_PER_DIRECT_TENTHS / 10.0,
                ..CadreType::new(0.40, 0.05, 0.70, 0.008, 300_000.0, 25.0)
            },
            economic: CadreType {
                feasibility_gain: 0.2,
                return_gain: 0.1,
                ..CadreType::new(0.20, 0.06, 0.80, 0.012, 250_000.0, 8.0)
            },
            party_building: CadreType {
                organisation_gain: 0.5,
                ..CadreType::new(0.25, 0.06, 0.80, 0.012, 200_000.0, 8.0)
            },
            social_work: CadreType {
                trust_gain: 0.5,
                ..CadreType::new(0.30, 0.06, 0.80, 0.012, 150_000.0, 8.0)
            },
        }
    }
}

impl CadreTypes {
    /// The profile of one background.
    pub fn get(&self, background: Background) -> &CadreType {
        match background {
            Background::YoungGraduate => &self.young_graduate,
            Background::Experienced => &self.experienced,
            Background::Economic => &self.economic,
            Background::PartyBuilding => &self.party_building,
            Background::SocialWork => &self.social_work,
        }
    }
}

/// How the county divides its poverty budget among villages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AllocationRule {
    /// Same amount per village.
    Equal,
    /// In proportion to registered poor households at the annual allocation.
    Need,
    /// In proportion to (0.5 + remoteness).
    Remoteness,
}

/// Money reaching villages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FundingParams {
    /// Public spending per registered person over 2014-2020, all lines, yuan per person
    /// (MODEL.md 0.7: about 1.6 trillion yuan for about 99 million people). Sets each county's
    /// special-fund envelope: `spending_per_person x village_fund_share x persons on the 2014
    /// register`, paid out over the years by `schedule`.
    pub spending_per_person: f64,
    /// Share of `spending_per_person` paid into village funds as special funds; the rest is
    /// spent by county lines and the sending units (provisional, to calibrate: docs/MODEL.md, decision 106).
    pub village_fund_share: f64,
    /// How a county divides its total among its villages.
    pub allocation_rule: AllocationRule,
    /// Misuse coefficient: share of each village-fund inflow misused = misuse x (1 -
    /// organisation) (audits 2017-2018: misuse about 1.1% of funds).
    pub misuse: f64,
    /// Scale on every background's sending-unit money (`unit_resources`, `coordination`), so
    /// that unit money stays inside the national per-person total (V2_DESIGN R3).
    pub unit_scale: f64,
    /// Index of central special poverty funds by year from `schedule_start_year` (2015 = 1);
    /// held at its last value afterwards.
    pub schedule: Vec<f64>,
    /// Year of the first entry of `schedule`.
    pub schedule_start_year: u32,
}

impl Default for FundingParams {
    fn default() -> Self {
        FundingParams {
            spending_per_person: 16_000.0,
            village_fund_share: 0.6,
            allocation_rule: AllocationRule::Equal,
            misuse: 0.0591,
            unit_scale: 0.25,
            schedule: vec![0.9, 1.0, 1.43, 1.87, 2.30, 2.74, 3.17],
            schedule_start_year: 2014,
        }
    }
}

/// Household measures and their prices (MODEL.md section 0.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MeasureParams {
    /// Price of one skills-training course, yuan (village fund).
    pub training_cost: f64,
    /// Price of one job placement (transport, referral), yuan (village fund).
    pub placement_cost: f64,
    /// Households whose diagnosed measure waits for money, at most (oldest served first).
    pub max_waiting: u32,
}

impl Default for MeasureParams {
    fn default() -> Self {
        MeasureParams {
            training_cost: 1_500.0,
            placement_cost: 800.0,
            max_waiting: 64,
        }
    }
}

/// Village projects: infrastructure to a target and industry launches (MODEL.md section 0.6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProjectParams {
    /// Infrastructure index at which road spending stops, [0, 1].
    pub infrastructure_target: f64,
    /// Share of the infrastructure index lost in a year without maintenance.
    pub infrastructure_decay: f64,
    /// Infrastructure index above which a village with a water project has safe water.
    pub water_threshold: f64,
    /// Price of one road project, yuan, x (1 + remoteness).
    pub road_cost: f64,
    /// Infrastructure points one road project adds.
    pub road_gain: f64,
    /// Price of the village's drinking-water project, yuan, x (1 + remoteness).
    pub water_cost: f64,
    /// Yearly maintenance, yuan per point of infrastructure, x (1 + remoteness).
    pub maintenance_cost: f64,
    /// Log-sd of the team's error on a project kind's expected return at knowledge 0 (x (1 -
    /// knowledge)).
    pub appraisal_noise: f64,
    /// Appraisal error multiplier for economic specialists (< 1: they see better).
    pub economic_appraisal_factor: f64,
    /// Perceived expected return per year on capex below which no project is launched.
    pub launch_hurdle: f64,
    /// Months after which unspent village money is idle and returned to the county.
    pub idle_months: u32,
}

impl Default for ProjectParams {
    fn default() -> Self {
        ProjectParams {
            infrastructure_target: 0.9,
            infrastructure_decay: 0.02,
            water_threshold: 0.0,
            road_cost: 100_000.0,
            road_gain: 0.05,
            water_cost: 150_000.0,
            maintenance_cost: 20_000.0,
            appraisal_noise: 0.5,
            economic_appraisal_factor: 0.5,
            launch_hurdle: 0.05,
            idle_months: 12,
        }
    }
}

/// How the cadre's living subsidy is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubsidyScheme {
    /// Same subsidy everywhere.
    Uniform,
    /// Subsidy x (1 + remoteness), matching the cost of living away from town.
    RemotenessAdjusted,
}

/// Cadres' living subsidy and career incentives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IncentiveParams {
    /// Uniform or remoteness-adjusted.
    pub subsidy_scheme: SubsidyScheme,
    /// Living subsidy, yuan per month.
    pub subsidy: f64,
    /// Cost of living in post, yuan per month, before the remoteness markup (1 + remoteness).
    pub base_cost: f64,
    /// Promotion depends on assessed performance (incentive 1.0 x last percentile, else 0.3).
    pub promotion_on_performance: bool,
    /// Share of cadres promoted at the end of their term when promotion is on performance.
    pub promotion_share: f64,
    /// Cadres assessed below this county percentile are recalled; 0 = no recall.
    pub recall_percentile: f64,
    /// Incentive term without career incentives.
    pub incentive_without_promotion: f64,
    /// With promotion on performance, the incentive is `incentive_without_promotion` + this x
    /// (0.5 + 0.5 x last percentile) (MODEL.md 0.8: 0.3 + 0.7 x ...).
    pub promotion_weight: f64,
}

impl Default for IncentiveParams {
    fn default() -> Self {
        IncentiveParams {
            subsidy_scheme: SubsidyScheme::Uniform,
            subsidy: 1500.0,
            base_cost: 1200.0,
            promotion_on_performance: false,
            promotion_share: 0.2,
            recall_percentile: 0.0,
            incentive_without_promotion: 0.3,
            promotion_weight: 0.7,
        }
    }
}

/// How registered households are judged out of poverty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitRule {
    /// Observed income above the (pressure-bent) line and three guarantees.
    Standard,
    /// 12 months above `strict_margin` x line, third-party check, no bending under pressure.
    Strict,
}

/// How a county plans its exits each year (MODEL.md section 0.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitPlan {
    /// The remaining register spread evenly over the years left to the deadline.
    Even,
    /// No plan: no shortfall, no bending of the bar, no numbers-only exits.
    None,
}

/// Which year's line a household's assessed income must exceed to exit (MODEL.md section 0.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitStandard {
    /// The next year's line ("stably above" the line), except dibao households whose standard
    /// covers the current line (they face the current line).
    Forward,
    /// This year's line (model v1).
    Current,
}

/// Exit rules, monitoring, post-exit support, relocation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PolicyParams {
    /// Standard or strict exit assessment.
    pub exit_rule: ExitRule,
    /// Year by which all poverty must be eliminated (2020).
    pub deadline_year: u32,
    /// How far the exit bar bends, as a share of the standard, per unit of the county's shortfall
    /// share against its exit plan (MODEL.md 0.3): bar = 1 - deadline_pressure x shortfall.
    pub deadline_pressure: f64,
    /// Strict rule: income must exceed this multiple of the line in each of the last 12 months.
    pub strict_margin: f64,
    /// Post-2020 relapse-prevention monitoring on or off.
    pub monitoring: bool,
    /// First year of monitoring.
    pub monitoring_start_year: u32,
    /// Years after exit that industry dividends and the enhanced medical package continue ("no
    /// removal of policies"); dibao is means-tested and does not depend on it.
    pub post_exit_support_years: u32,
    /// Villages at or above this remoteness count as "most remote" for relocation.
    pub relocation_remoteness: f64,
    /// Relocation cost, yuan per household, from the county's earmarked budget.
    pub relocation_cost: f64,
    /// Exited and never-registered households whose rolling income per capita is below this
    /// multiple of the line are monitored ("unstable" and "marginal", MODEL.md section 0.5).
    pub monitoring_band: f64,
    /// County exit plans: `even` (the remaining register over the years left) or `none`.
    pub exit_plan: ExitPlan,
    /// Exit standard: `forward` (next year's line) or `current` (this year's line, v1).
    pub exit_standard: ExitStandard,
    /// Share of the shortfall left after the bent bar that numbers-only exits fill (standard
    /// rules only), [0, 1].
    pub numbers_only_share: f64,
    /// First year of third-party checks of the year's exits.
    pub check_start_year: u32,
    /// Share of the year's exits that third-party checks sample, [0, 1].
    pub check_share: f64,
    /// Probability that a check catches a sampled exit that fails it (standard rules).
    pub check_catch: f64,
    /// Probability that a check catches a sampled exit that fails it (strict rules).
    pub check_catch_strict: f64,
    /// A village exits when the registered share of its registered-ever households is below
    /// this, [0, 1].
    pub village_exit_incidence: f64,
    /// The same threshold for remote villages (remoteness >= `remote_threshold`).
    pub village_exit_incidence_remote: f64,
    /// Villages at or above this remoteness are remote for the village-exit threshold, [0, 1].
    pub remote_threshold: f64,
    /// Multiplier on the monthly visit probability once the village's county has exited
    /// (MODEL.md section 0.3: effort halves after county exit; 1 keeps monitoring at full
    /// strength, 0 stops visits).
    pub monitoring_after_exit: f64,
}

impl Default for PolicyParams {
    fn default() -> Self {
        PolicyParams {
            exit_rule: ExitRule::Standard,
            deadline_year: 2020,
            deadline_pressure: 0.15,
            strict_margin: 1.1,
            monitoring: true,
            monitoring_start_year: 2020,
            post_exit_support_years: 5,
            relocation_remoteness: 0.4,
            relocation_cost: 60_000.0,
            exit_plan: ExitPlan::Even,
            exit_standard: ExitStandard::Forward,
            numbers_only_share: 0.5,
            check_start_year: 2016,
            check_share: 0.1,
            check_catch: 0.6,
            check_catch_strict: 0.9,
            village_exit_incidence: 0.02,
            village_exit_incidence_remote: 0.03,
            remote_threshold: 0.7,
            monitoring_band: 1.5,
            monitoring_after_exit: 0.5,
        }
    }
}

/// Illness, disaster, price and macro shocks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ShockParams {
    /// Illness episodes per household-year (no chronic illness).
    pub illness_rate: f64,
    /// Illness episodes per household-year with a chronically ill member.
    pub chronic_illness_rate: f64,
    /// Cost of an illness episode before insurance, yuan.
    pub illness_cost: f64,
    /// Months a labourer is out of work per episode.
    pub illness_months: u32,
    /// Probability per county-year of a disaster hitting its villages' farm income.
    pub disaster_rate: f64,
    /// Share of farm income lost while a disaster lasts.
    pub disaster_loss: f64,
    /// Months a disaster lasts.
    pub disaster_months: u32,
    /// Multiplier on every industry kind's price volatility.
    pub price_volatility: f64,
    /// Monthly mean reversion of log prices.
    pub price_reversion: f64,
    /// February 2020: migrant job losses (share `macro_2020_return_share` come home).
    pub macro_2020: bool,
    /// Share of migrants sent home by the 2020 macro shock.
    pub macro_2020_return_share: f64,
}

impl Default for ShockParams {
    fn default() -> Self {
        ShockParams {
            illness_rate: 0.08,
            chronic_illness_rate: 0.25,
            illness_cost: 8000.0,
            illness_months: 3,
            disaster_rate: 0.05,
            disaster_loss: 0.4,
            disaster_months: 6,
            price_volatility: 1.0,
            price_reversion: 0.1,
            macro_2020: false,
            macro_2020_return_share: 0.3,
        }
    }
}

/// The household economy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EconomyParams {
    /// Farm income per labourer at home, yuan per year, before infrastructure and skill factors.
    pub farm_per_labourer: f64,
    /// Remittance per migrant, yuan per month, x (1 - 0.3 remoteness).
    pub migrant_remittance: f64,
    /// Local industry wage, yuan per month per job.
    pub local_wage: f64,
    /// Pensions, family support and land rents, yuan per person-year (rural basic pension
    /// about 840 yuan a year for the elderly in 2014).
    pub other_income: f64,
    /// Monthly chance that a labourer at home with skill 1, motivation 0.5 and no pending job
    /// placement takes a migrant job: the chance is `migration_base x skill^1.5 x (0.5 +
    /// motivation) x (1 + placement)` (MODEL.md section 0.2, no threshold).
    pub migration_base: f64,
    /// Monthly hazard that a migrant job ends and the migrant returns home (also sets the
    /// initial migrant share, chance / (chance + return_rate), at equilibrium).
    pub return_rate: f64,
    /// Share of monthly income saved into assets.
    pub saving_rate: f64,
    /// Medical cost coverage without the enhanced insurance package.
    pub coverage_uninsured: f64,
    /// Medical cost coverage with it (`medical_insured`).
    pub coverage_insured: f64,
    /// Yearly care cost of a chronically ill member before coverage, yuan.
    pub chronic_care_cost: f64,
    /// Poverty line by year from 2014, yuan per person-year (current prices).
    pub poverty_line: Vec<f64>,
    /// Rural dibao standard by year from 2014, yuan per person-year.
    pub dibao_standard: Vec<f64>,
    /// Yearly indexation of both after their last listed year.
    pub indexation: f64,
    /// Share of a producing industry's return paid as dividends to registered poor households.
    pub dividend_share: f64,
    /// Nominal growth per year from 2014 of each income source (MODEL.md section 0.2); costs
    /// (illness, care, housing, relocation) are not indexed.
    pub growth: IncomeGrowth,
}

/// Nominal growth per year of each income source from 2014 (MODEL.md section 0.2). The faster
/// growth of poor households' incomes is not here: it comes from the programme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IncomeGrowth {
    /// Migrant wages (remittances), share per year (migrant workers' monthly income about
    /// 2,860 yuan in 2014, 4,070 in 2020).
    pub migrant: f64,
    /// Farm income per labourer, share per year.
    pub farm: f64,
    /// Local industry wages, share per year.
    pub local_wage: f64,
    /// Pensions, family support and rents (`economy.other_income`), share per year.
    pub other: f64,
}

impl Default for IncomeGrowth {
    fn default() -> Self {
        IncomeGrowth {
            migrant: 0.106,
            farm: 0.049,
            local_wage: 0.06,
            other: 0.04,
        }
    }
}

impl IncomeGrowth {
    /// Growth factors `(migrant, farm, local_wage, other)` of `year` relative to 2014
    /// (1 in 2014 and before).
    pub fn factors(&self, year: u32) -> [f64; 4] {
        let years = year.saturating_sub(SERIES_START_YEAR) as i32;
        [self.migrant, self.farm, self.local_wage, self.other].map(|g| (1.0 + g).powi(years))
    }
}

/// Ageing out of working age and new labourers, applied each December (MODEL.md section 0.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DemographyParams {
    /// Chance per labourer per year of leaving working age (ageing, disability).
    pub ageing_rate: f64,
    /// Chance per year that a household with more members than labourers gains a labourer
    /// (a child comes of working age).
    pub labour_gain_rate: f64,
}

impl Default for DemographyParams {
    fn default() -> Self {
        DemographyParams {
            ageing_rate: 0.03,
            labour_gain_rate: 0.02,
        }
    }
}

/// Monitoring of households at risk of (re)entering poverty as visits that apply the
/// household-support menu, paid from the village fund (MODEL.md section 0.5). It runs while
/// `policy.monitoring` is on, from `policy.monitoring_start_year`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MonitoringParams {
    /// Monthly visit probability of a monitored household with no outreach.
    pub visit_base: f64,
    /// Added monthly visit probability per unit of village outreach (share of registered
    /// households contacted in the last 12 months); the sum is capped at 1.
    pub visit_outreach: f64,
    /// An illness episode whose out-of-pocket cost exceeds this share of the household's
    /// annual income is a "sudden hardship".
    pub hardship_share: f64,
    /// Temporary assistance per household per calendar year at most, yuan.
    pub assistance_max: f64,
    /// Price of one skills-training course given at a visit, yuan.
    pub training_cost: f64,
    /// Price of one job placement (transport, referral) arranged at a visit, yuan.
    pub placement_cost: f64,
    /// A visit offers training when the household's skill is below this.
    pub training_below_skill: f64,
}

impl Default for MonitoringParams {
    fn default() -> Self {
        MonitoringParams {
            visit_base: 0.3,
            visit_outreach: 0.7,
            hardship_share: 0.5,
            assistance_max: 2000.0,
            training_cost: 1500.0,
            placement_cost: 800.0,
            training_below_skill: 0.5,
        }
    }
}

impl Default for EconomyParams {
    fn default() -> Self {
        EconomyParams {
            farm_per_labourer: 2400.0,
            migrant_remittance: 841.0,
            local_wage: 1200.0,
            other_income: 500.0,
            migration_base: 0.0503,
            return_rate: 0.00384,
            saving_rate: 0.08,
            coverage_uninsured: 0.5,
            coverage_insured: 0.85,
            chronic_care_cost: 5000.0,
            poverty_line: vec![2800.0, 2855.0, 2952.0, 2952.0, 2995.0, 3218.0, 4000.0],
            dibao_standard: vec![2777.0, 3178.0, 3744.0, 4301.0, 4833.0, 5336.0, 5962.0],
            indexation: 0.03,
            dividend_share: 0.4,
            growth: IncomeGrowth::default(),
        }
    }
}

/// Kinds of village industry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndustryKind {
    /// Tea, fruit, chrysanthemum, pepper.
    Crop,
    /// Chicken and pig farms.
    Livestock,
    /// Food processing, drying rooms.
    Processing,
    /// Photovoltaic station.
    Photovoltaic,
    /// Agri-parks and homestays.
    Tourism,
}

impl IndustryKind {
    /// All kinds in a fixed order.
    pub const ALL: [IndustryKind; 5] = [
        IndustryKind::Crop,
        IndustryKind::Livestock,
        IndustryKind::Processing,
        IndustryKind::Photovoltaic,
        IndustryKind::Tourism,
    ];

    /// Position in [`IndustryKind::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// One industry kind's economics (MODEL.md section 2 table; illustrative defaults from 000, 002).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IndustrySpec {
    /// Investment, yuan.
    pub capex: f64,
    /// Months from launch to first income (the cultivation period).
    pub months_to_income: u32,
    /// Net annual return on capex once producing.
    pub annual_return: f64,
    /// Monthly failure hazard before producing (x (1 + 3 (1 - feasibility))).
    pub failure_hazard: f64,
    /// Yearly standard deviation of the innovations of the county log price index for this
    /// kind (sigma / sqrt(12) a month, mean-reverting at `shocks.price_reversion`).
    pub price_volatility: f64,
    /// Local jobs per 100,000 yuan of capex.
    pub jobs_per_100k: f64,
    /// Barred in ecological conservation villages.
    pub eco_barred: bool,
}

impl Default for IndustrySpec {
    fn default() -> Self {
        IndustrySpec {
            capex: 300_000.0,
            months_to_income: 30,
            annual_return: 0.18,
            failure_hazard: 0.010,
            price_volatility: 0.25,
            jobs_per_100k: 1.5,
            eco_barred: false,
        }
    }
}

/// Economics of all five kinds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IndustryTable {
    /// Crops.
    pub crop: IndustrySpec,
    /// Livestock.
    pub livestock: IndustrySpec,
    /// Processing.
    pub processing: IndustrySpec,
    /// Photovoltaic.
    pub photovoltaic: IndustrySpec,
    /// Tourism.
    pub tourism: IndustrySpec,
}

impl Default for IndustryTable {
    fn default() -> Self {
        let spec = |capex, months, ret, hazard, vol, jobs, barred| IndustrySpec {
            capex,
            months_to_income: months,
            annual_return: ret,
            failure_hazard: hazard,
            price_volatility: vol,
            jobs_per_100k: jobs,
            eco_barred: barred,
        };
        IndustryTable {
            crop: spec(300_000.0, 30, 0.18, 0.010, 0.25, 1.5, false),
            livestock: spec(200_000.0, 9, 0.15, 0.015, 0.30, 1.0, true),
            processing: spec(400_000.0, 12, 0.12, 0.012, 0.15, 2.0, false),
            photovoltaic: spec(500_000.0, 6, 0.10, 0.002, 0.03, 0.2, false),
            tourism: spec(800_000.0, 24, 0.14, 0.008, 0.35, 1.2, false),
        }
    }
}

impl IndustryTable {
    /// The spec of one kind.
    pub fn get(&self, kind: IndustryKind) -> &IndustrySpec {
        match kind {
            IndustryKind::Crop => &self.crop,
            IndustryKind::Livestock => &self.livestock,
            IndustryKind::Processing => &self.processing,
            IndustryKind::Photovoltaic => &self.photovoltaic,
            IndustryKind::Tourism => &self.tourism,
        }
    }
}

/// How effort turns into change in each channel (MODEL.md section 7, "Effort").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChannelParams {
    /// Household contacts per month per unit of household-channel effort.
    pub contacts_per_effort: f64,
    /// Organisation (and trust) gained per month per unit of organisation-channel effort, x (1 -
    /// current level): weak villages gain most.
    pub organisation_gain: f64,
    /// Feasibility added per point of industry base above 0.5 (subtracted below it): existing
    /// value chains make projects easier to run.
    pub industry_base_feasibility: f64,
    /// Skill gained from one training measure.
    pub training_gain: f64,
    /// Motivation gained from one motivation ("endogenous drive") measure.
    pub motivation_gain: f64,
    /// Effort the village committee and party branch give every channel, x organisation, with
    /// or without a secretary (MODEL.md 0.1: the regular programme runs without one).
    pub base_committee_effort: f64,
    /// Curvature of diminishing returns within a channel: effective effort = (1 - exp(-d x
    /// raw)) / d, raw = persons x enthusiasm x (1 - admin burden) x channel weight, plus the
    /// committee's effort (MODEL.md 0.8). 0 = linear.
    pub diminishing: f64,
    /// Log-sd of the error in the marginal returns the `adaptive` team perceives, at knowledge
    /// 0; it falls as (1 - knowledge).
    pub perception_noise: f64,
}

impl Default for ChannelParams {
    fn default() -> Self {
        ChannelParams {
            contacts_per_effort: 24.4,
            organisation_gain: 0.01,
            industry_base_feasibility: 0.4,
            training_gain: 0.1,
            motivation_gain: 0.1,
            base_committee_effort: 0.363,
            diminishing: 1.2,
            perception_noise: 1.5,
        }
    }
}

/// Registration errors, measurement and concealment (MODEL.md section 7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IdentificationParams {
    /// Exclusion error scale: exclusion = this x (1 - organisation) x (1 - 0.5 knowledge) x
    /// (1 - 0.5 identification effort).
    pub base_exclusion: f64,
    /// Inclusion error scale: inclusion = this x (1 - organisation) x (1 - 0.5 knowledge) x
    /// (1 - 0.5 identification effort), x `later_inclusion_factor` after the first registration.
    pub base_inclusion: f64,
    /// Non-poor households below this multiple of the line can be wrongly registered.
    pub near_poor_band: f64,
    /// Inclusion error after the first registration year, as a share of the first year's
    /// (new applications are vetted by the annual re-check).
    pub later_inclusion_factor: f64,
    /// Standard deviation of log measurement noise on observed income.
    pub measurement_noise: f64,
    /// Share of the measurement noise's variance that is the household's own persistent
    /// error, the same at every assessment (the correlation of two assessments' errors), 0-1
    /// ([`crate::model::income_assessment`], docs/MODEL.md decision 144).
    pub noise_persistence: f64,
    /// Concealment scale: registered households hide this x (1 - motivation) of income.
    pub concealment: f64,
    /// Measurement noise of the strict rule's third-party check.
    pub third_party_noise: f64,
}

impl Default for IdentificationParams {
    fn default() -> Self {
        IdentificationParams {
            base_exclusion: 0.118,
            base_inclusion: 0.384,
            near_poor_band: 1.5,
            later_inclusion_factor: 0.1,
            measurement_noise: 0.238,
            noise_persistence: 1.0,
            concealment: 0.3,
            third_party_noise: 0.05,
        }
    }
}

/// Last year of the official yearly series povsim ships (poverty line, dibao standard, central
/// funds: 2014-2020). A yearly series must give a value for every year from its first year up
/// to this year or the run's last year, whichever is earlier; after its last value the model
/// extends it (by `economy.indexation` a year, or held for `funding.schedule`).
pub const SERIES_LAST_KNOWN_YEAR: u32 = 2020;

/// Most households in one simulated world (villages x mean households per village): the
/// national run (128,000 villages x 300 = 38.4 million) fits, at about 100 bytes per
/// household (under 4 GB for the national run).
pub const MAX_WORLD_HOUSEHOLDS: u64 = 40_000_000;

/// Most household-replicates in one run (households in the world x replicates): bounds the
/// total work (about 100 national replicates, hours on a small machine: an ensemble for a
/// cluster). Memory is set by the worlds in flight, about one per worker thread, not by this.
pub const MAX_HOUSEHOLD_REPLICATES: u64 = 4_000_000_000;

/// Most village-months in one run (villages x months): bounds the per-village monthly logs and
/// per-village yearly rows (10^6 villages for 100 months, or 10^5 villages for 1,000).
pub const MAX_VILLAGE_MONTHS: u64 = 100_000_000;

/// Largest amount of money any single yuan-valued key may take (10^9 yuan): far above any real
/// village budget, investment or yearly income, and small enough that sums over a national
/// world and a century of monthly steps stay finite in every output.
const MAX_YUAN: f64 = 1e9;

/// Collects range problems with their key paths; in `describe` mode it also records what is
/// allowed for every key it checks (for `povsim check --explain`).
struct Checker {
    problems: Vec<RangeProblem>,
    /// `(path, allowed)` for every key checked, when describing.
    allowed: Option<Vec<(String, String)>>,
}

impl Checker {
    fn new(describe: bool) -> Self {
        Checker {
            problems: Vec::new(),
            allowed: describe.then(Vec::new),
        }
    }

    /// Checks `ok`; `allowed` says what is allowed, `value` echoes the value given.
    fn check(&mut self, path: &str, ok: bool, value: impl FnOnce() -> String, allowed: &str) {
        if let Some(list) = &mut self.allowed {
            list.push((path.to_owned(), allowed.to_owned()));
        }
        if !ok {
            self.problems
                .push(RangeProblem::new(path, value(), allowed));
        }
    }

    fn push(&mut self, problem: RangeProblem) {
        self.problems.push(problem);
    }

    fn unit(&mut self, path: &str, value: f64) {
        self.range(path, value, 0.0, 1.0);
    }

    fn range(&mut self, path: &str, value: f64, low: f64, high: f64) {
        let ok = value >= low && value <= high;
        let allowed = format!("a number in [{}, {}]", number(low), number(high));
        self.check(path, ok, || number(value), &allowed);
    }

    /// An amount of money in yuan, in [0, MAX_YUAN].
    fn yuan(&mut self, path: &str, value: f64) {
        self.range(path, value, 0.0, MAX_YUAN);
    }

    /// An amount of money in yuan that must be above zero (it divides).
    fn positive_yuan(&mut self, path: &str, value: f64) {
        let ok = value > 0.0 && value <= MAX_YUAN;
        let allowed = format!("a number > 0 and <= {}", number(MAX_YUAN));
        self.check(path, ok, || number(value), &allowed);
    }

    fn count(&mut self, path: &str, value: u64, low: u64, high: u64) {
        let ok = value >= low && value <= high;
        let allowed = format!("a whole number in [{low}, {high}]");
        self.check(path, ok, || value.to_string(), &allowed);
    }

    /// Every value of a list in [low, high].
    fn list(&mut self, path: &str, values: &[f64], low: f64, high: f64, unit: &str) {
        let bad = values.iter().position(|v| !(*v >= low && *v <= high));
        let allowed = format!("{unit} in [{}, {}]", number(low), number(high));
        let shown = || match bad {
            Some(i) => format!(
                "{} (value {} is {})",
                short_list(values),
                i + 1,
                number(values[i])
            ),
            None => short_list(values),
        };
        self.check(path, bad.is_none(), shown, &allowed);
    }
}

/// A number as shown in a message: plain, or in exponent form when very large or small
/// (`1e308`, not 309 digits).
fn number(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude >= 1e9 || (magnitude > 0.0 && magnitude < 1e-6) {
        format!("{value:e}")
    } else {
        value.to_string()
    }
}

/// A list shown in a message: its first few values and how many there are.
fn short_list(values: &[f64]) -> String {
    const SHOWN: usize = 8;
    let head: Vec<String> = values.iter().take(SHOWN).map(|v| number(*v)).collect();
    if values.len() <= SHOWN {
        format!("[{}]", head.join(", "))
    } else {
        format!("[{}, ...] ({} values)", head.join(", "), values.len())
    }
}

/// "one value" / "7 values".
fn values_noun(n: usize) -> String {
    if n == 1 {
        "1 value".to_owned()
    } else {
        format!("{n} values")
    }
}

impl Validate for Params {
    /// Every problem, those that matter only when the user wrote the key included: the loader
    /// knows what the user wrote and keeps only those that apply.
    fn validate(&self) -> Vec<RangeProblem> {
        let mut c = Checker::new(false);
        self.check_all(&mut c);
        c.problems
    }

    fn warnings(&self) -> Vec<Advice> {
        self.advice()
    }
}

impl Params {
    /// Every out-of-range or inconsistent value, with its key path. Contradictions that are
    /// problems only when the user wrote the key (a start year after the run's end) are left
    /// out: the loader, which knows what was written, reports them ([`Validate::validate`]).
    pub fn problems(&self) -> Vec<RangeProblem> {
        let mut all = self.validate();
        all.retain(|problem| !problem.only_if_written);
        all
    }

    /// What is allowed for every numeric key, `(dotted path, allowed)`, in check order; the
    /// ranges that depend on another key are shown for the defaults.
    pub fn allowed_ranges() -> Vec<(String, String)> {
        let mut c = Checker::new(true);
        Params::default().check_all(&mut c);
        c.allowed.unwrap_or_default()
    }

    /// Last calendar year the run simulates (its last month's year).
    pub fn last_year(&self) -> u32 {
        let s = &self.simulation;
        s.start_year + s.months.saturating_sub(1) / 12
    }

    fn check_all(&self, c: &mut Checker) {
        self.check_name(c);
        self.check_time_and_size(c);
        self.check_cadres(c);
        self.check_funding(c);
        self.check_policy(c);
        self.check_channels_and_identification(c);
        self.check_shocks_and_economy(c);
        self.check_industries(c);
        self.check_programmes(c);
    }

    fn check_name(&self, c: &mut Checker) {
        let ok = !self.name.trim().is_empty()
            && self
                .name
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-' || ch == '.')
            && !self.name.starts_with('.')
            && self.name.len() <= 100;
        c.check(
            "name",
            ok,
            || format!("{:?}", crate::scenario::shorten(&self.name)),
            "a non-empty name of at most 100 letters, digits, '_', '-' or '.', not starting \
             with '.' (it names the results folder)",
        );
    }

    fn check_time_and_size(&self, c: &mut Checker) {
        let s = &self.simulation;
        c.count("simulation.seed", s.seed, 0, i64::MAX as u64);
        c.count("simulation.replicates", s.replicates.into(), 1, 10_000);
        c.count("simulation.start_year", s.start_year.into(), 2014, 2030);
        c.count("simulation.months", s.months.into(), 1, 1200);

        let p = &self.population;
        c.count("population.villages", p.villages.into(), 1, 1_000_000);
        if p.villages >= 1 {
            let ok = p.counties >= 1 && p.counties <= p.villages;
            let allowed = format!(
                "a whole number in [1, {}]: at most one county per village (`population.villages` = {})",
                p.villages, p.villages
            );
            if let Some(list) = &mut c.allowed {
                let text = "a whole number in [1, population.villages]";
                list.push(("population.counties".into(), text.into()));
            }
            if !ok {
                let problem =
                    RangeProblem::new("population.counties", p.counties.to_string(), allowed)
                        .depending_on("population.villages");
                c.push(problem);
            }
        }
        c.count(
            "population.households_per_village",
            p.households_per_village.into(),
            1,
            10_000,
        );
        c.count(
            "population.households_sd",
            p.households_sd.into(),
            0,
            10_000,
        );
        c.count(
            "population.households_min",
            p.households_min.into(),
            1,
            10_000,
        );
        c.unit("population.eco_restricted_share", p.eco_restricted_share);
        c.unit("population.chronic_illness_share", p.chronic_illness_share);
        if c.problems.is_empty() {
            self.check_world_size(c);
        }
    }

    /// The size of the world and the run against the limits, before anything is allocated;
    /// only the first limit exceeded is reported (the others follow from it).
    fn check_world_size(&self, c: &mut Checker) {
        let p = &self.population;
        let s = &self.simulation;
        let per_village = u64::from(p.households_per_village.max(p.households_min));
        let world = u64::from(p.villages) * per_village;
        let village_months = u64::from(p.villages) * u64::from(s.months);
        let limits = [
            (
                "population.villages",
                &[
                    "population.households_per_village",
                    "population.households_min",
                ][..],
                format!("{} villages x {per_village} households", p.villages),
                world,
                MAX_WORLD_HOUSEHOLDS,
                "households in one world (about 100 bytes each)",
            ),
            (
                "simulation.replicates",
                &["population.villages", "population.households_per_village"][..],
                format!("{} replicates x {world} households", s.replicates),
                world * u64::from(s.replicates),
                MAX_HOUSEHOLD_REPLICATES,
                "household-replicates (households x replicates) in one run",
            ),
            (
                "simulation.months",
                &["population.villages"][..],
                format!("{} villages x {} months", p.villages, s.months),
                village_months,
                MAX_VILLAGE_MONTHS,
                "village-months (villages x months) in one run",
            ),
        ];
        for (path, related, factors, total, limit, what) in limits {
            if total > limit {
                let value = format!("{factors} = {total}");
                let mut problem = RangeProblem::new(path, value, format!("at most {limit} {what}"));
                for other in related {
                    problem = problem.depending_on(*other);
                }
                c.push(problem);
                return;
            }
        }
    }

    fn check_cadres(&self, c: &mut Checker) {
        let k = &self.cadres;
        c.count("cadres.start_year", k.start_year.into(), 2000, 2100);
        let last = self.last_year();
        if k.enabled && k.start_year > last && k.start_year <= 2100 {
            let allowed = format!(
                "a year up to {last}, the run's last year (to run without first secretaries, \
                 set cadres.enabled = false)"
            );
            c.push(
                RangeProblem::new("cadres.start_year", k.start_year.to_string(), allowed)
                    .only_if_written(),
            );
        }
        let shares = k.mix.shares();
        for (bg, share) in Background::ALL.iter().zip(shares) {
            c.unit(&format!("cadres.mix.{}", bg.key()), share);
        }
        let sum: f64 = shares.iter().sum();
        c.check(
            "cadres.mix",
            (sum - 1.0).abs() <= 1e-6,
            || format!("shares summing to {}", (sum * 1e6).round() / 1e6),
            "shares that sum to 1",
        );
        c.unit("cadres.admin_burden", k.admin_burden);
        c.count("cadres.tenure_months", k.tenure_months.into(), 1, 600);
        c.count("cadres.team_size", k.team_size.into(), 1, 20);
        c.range(
            "cadres.training_learning_boost",
            k.training_learning_boost,
            1.0,
            10.0,
        );
        c.unit("cadres.recover", k.recover);
        c.unit("cadres.coverage", k.coverage);
        c.count(
            "cadres.arrival_spread_months",
            k.arrival_spread_months.into(),
            1,
            60,
        );

        for bg in Background::ALL {
            let t = self.cadre_types.get(bg);
            let base = format!("cadre_types.{}", bg.key());
            c.unit(&format!("{base}.initial_knowledge"), t.initial_knowledge);
            c.unit(&format!("{base}.learning_rate"), t.learning_rate);
            c.range(
                &format!("{base}.initial_enthusiasm"),
                t.initial_enthusiasm,
                0.1,
                1.0,
            );
            c.unit(&format!("{base}.fatigue"), t.fatigue);
            c.yuan(&format!("{base}.unit_resources"), t.unit_resources);
            c.yuan(&format!("{base}.coordination"), t.coordination);
            c.range(
                &format!("{base}.experience_years"),
                t.experience_years,
                0.0,
                60.0,
            );
            c.unit(&format!("{base}.feasibility_gain"), t.feasibility_gain);
            c.range(&format!("{base}.return_gain"), t.return_gain, 0.0, 5.0);
            c.range(
                &format!("{base}.organisation_gain"),
                t.organisation_gain,
                0.0,
                5.0,
            );
            c.range(&format!("{base}.trust_gain"), t.trust_gain, 0.0, 5.0);
            c.unit(&format!("{base}.targeting_gain"), t.targeting_gain);
            c.unit(&format!("{base}.takeup_gain"), t.takeup_gain);
            c.range(&format!("{base}.market_gain"), t.market_gain, 0.0, 5.0);
        }
    }

    fn check_funding(&self, c: &mut Checker) {
        let f = &self.funding;
        c.range(
            "funding.spending_per_person",
            f.spending_per_person,
            0.0,
            1_000_000.0,
        );
        c.unit("funding.village_fund_share", f.village_fund_share);
        c.unit("funding.misuse", f.misuse);
        c.range("funding.unit_scale", f.unit_scale, 0.0, 5.0);
        let m = &self.measures;
        c.yuan("measures.training_cost", m.training_cost);
        c.yuan("measures.placement_cost", m.placement_cost);
        c.count("measures.max_waiting", m.max_waiting.into(), 0, 10_000);
        let pr = &self.projects;
        c.unit("projects.infrastructure_target", pr.infrastructure_target);
        c.unit("projects.infrastructure_decay", pr.infrastructure_decay);
        c.unit("projects.water_threshold", pr.water_threshold);
        c.yuan("projects.road_cost", pr.road_cost);
        c.unit("projects.road_gain", pr.road_gain);
        c.yuan("projects.water_cost", pr.water_cost);
        c.yuan("projects.maintenance_cost", pr.maintenance_cost);
        c.range("projects.appraisal_noise", pr.appraisal_noise, 0.0, 5.0);
        c.range(
            "projects.economic_appraisal_factor",
            pr.economic_appraisal_factor,
            0.0,
            5.0,
        );
        c.range("projects.launch_hurdle", pr.launch_hurdle, -1.0, 10.0);
        c.count("projects.idle_months", pr.idle_months.into(), 1, 60);
        c.list(
            "funding.schedule",
            &f.schedule,
            0.0,
            100.0,
            "index values (2015 = 1)",
        );
        c.count(
            "funding.schedule_start_year",
            f.schedule_start_year.into(),
            2000,
            2100,
        );
        let last = self.last_year();
        if f.schedule_start_year > last && f.schedule_start_year <= 2100 {
            let allowed = format!("a year up to {last}, the run's last year");
            c.push(
                RangeProblem::new(
                    "funding.schedule_start_year",
                    f.schedule_start_year.to_string(),
                    allowed,
                )
                .only_if_written(),
            );
        } else if (2000..=2100).contains(&f.schedule_start_year) {
            let note = "held at its last value";
            let problem =
                self.series_length("funding.schedule", &f.schedule, f.schedule_start_year, note);
            if let Some(problem) = problem {
                c.push(problem.depending_on("funding.schedule_start_year"));
            }
        }
    }

    /// A yearly series starting in `first` that stops before the years the run needs; `None`
    /// when it is long enough (or has other problems, reported by the range check).
    fn series_length(
        &self,
        path: &str,
        values: &[f64],
        first: u32,
        after: &str,
    ) -> Option<RangeProblem> {
        let until = self.last_year().min(SERIES_LAST_KNOWN_YEAR).max(first);
        let needed = (until - first + 1) as usize;
        if values.len() >= needed {
            return None;
        }
        let years = if needed == 1 {
            format!("{first}")
        } else {
            format!("{first}-{until}")
        };
        let allowed = format!(
            "{}, one per year {years} (the run ends in {}; after {SERIES_LAST_KNOWN_YEAR} the \
             series is {after})",
            values_noun(needed),
            self.last_year()
        );
        let value = format!("{} ({})", short_list(values), values_noun(values.len()));
        Some(RangeProblem::new(path, value, allowed))
    }

    fn check_policy(&self, c: &mut Checker) {
        let i = &self.incentives;
        c.yuan("incentives.subsidy", i.subsidy);
        c.positive_yuan("incentives.base_cost", i.base_cost);
        c.unit("incentives.promotion_share", i.promotion_share);
        c.range(
            "incentives.recall_percentile",
            i.recall_percentile,
            0.0,
            0.5,
        );
        c.unit(
            "incentives.incentive_without_promotion",
            i.incentive_without_promotion,
        );
        c.unit("incentives.promotion_weight", i.promotion_weight);

        let pol = &self.policy;
        c.count("policy.deadline_year", pol.deadline_year.into(), 2000, 2100);
        c.range("policy.deadline_pressure", pol.deadline_pressure, 0.0, 0.9);
        c.range("policy.strict_margin", pol.strict_margin, 1.0, 3.0);
        c.count(
            "policy.monitoring_start_year",
            pol.monitoring_start_year.into(),
            2000,
            2100,
        );
        let last = self.last_year();
        if pol.monitoring && pol.monitoring_start_year > last && pol.monitoring_start_year <= 2100 {
            let allowed = format!(
                "a year up to {last}, the run's last year (to run without monitoring, set \
                 policy.monitoring = false)"
            );
            c.push(
                RangeProblem::new(
                    "policy.monitoring_start_year",
                    pol.monitoring_start_year.to_string(),
                    allowed,
                )
                .only_if_written(),
            );
        }
        c.count(
            "policy.post_exit_support_years",
            pol.post_exit_support_years.into(),
            0,
            100,
        );
        c.unit("policy.relocation_remoteness", pol.relocation_remoteness);
        c.unit("policy.numbers_only_share", pol.numbers_only_share);
        c.count(
            "policy.check_start_year",
            pol.check_start_year.into(),
            2000,
            2100,
        );
        c.unit("policy.check_share", pol.check_share);
        c.unit("policy.check_catch", pol.check_catch);
        c.unit("policy.check_catch_strict", pol.check_catch_strict);
        c.unit("policy.village_exit_incidence", pol.village_exit_incidence);
        c.unit(
            "policy.village_exit_incidence_remote",
            pol.village_exit_incidence_remote,
        );
        c.unit("policy.remote_threshold", pol.remote_threshold);
        c.yuan("policy.relocation_cost", pol.relocation_cost);
        c.range("policy.monitoring_band", pol.monitoring_band, 1.0, 5.0);
        c.unit("policy.monitoring_after_exit", pol.monitoring_after_exit);
        let m = &self.monitoring;
        c.unit("monitoring.visit_base", m.visit_base);
        // The visit chance `visit_base + visit_outreach x outreach` is capped at 1.
        c.unit("monitoring.visit_outreach", m.visit_outreach);
        c.range("monitoring.hardship_share", m.hardship_share, 0.0, 10.0);
        c.yuan("monitoring.assistance_max", m.assistance_max);
        c.yuan("monitoring.training_cost", m.training_cost);
        c.yuan("monitoring.placement_cost", m.placement_cost);
        c.unit("monitoring.training_below_skill", m.training_below_skill);
    }

    fn check_channels_and_identification(&self, c: &mut Checker) {
        let ch = &self.channels;
        c.range(
            "channels.contacts_per_effort",
            ch.contacts_per_effort,
            0.0,
            1000.0,
        );
        c.unit("channels.organisation_gain", ch.organisation_gain);
        c.unit(
            "channels.industry_base_feasibility",
            ch.industry_base_feasibility,
        );
        c.unit("channels.training_gain", ch.training_gain);
        c.unit("channels.motivation_gain", ch.motivation_gain);
        c.unit("channels.base_committee_effort", ch.base_committee_effort);
        c.range("channels.diminishing", ch.diminishing, 0.0, 10.0);
        c.range("channels.perception_noise", ch.perception_noise, 0.0, 10.0);

        let id = &self.identification;
        c.unit("identification.base_exclusion", id.base_exclusion);
        c.unit("identification.base_inclusion", id.base_inclusion);
        c.range("identification.near_poor_band", id.near_poor_band, 1.0, 5.0);
        c.unit(
            "identification.later_inclusion_factor",
            id.later_inclusion_factor,
        );
        c.range(
            "identification.measurement_noise",
            id.measurement_noise,
            0.0,
            2.0,
        );
        c.unit("identification.noise_persistence", id.noise_persistence);
        c.unit("identification.concealment", id.concealment);
        c.range(
            "identification.third_party_noise",
            id.third_party_noise,
            0.0,
            2.0,
        );
    }

    fn check_shocks_and_economy(&self, c: &mut Checker) {
        let sh = &self.shocks;
        c.range("shocks.illness_rate", sh.illness_rate, 0.0, 12.0);
        c.range(
            "shocks.chronic_illness_rate",
            sh.chronic_illness_rate,
            0.0,
            12.0,
        );
        c.yuan("shocks.illness_cost", sh.illness_cost);
        c.count("shocks.illness_months", sh.illness_months.into(), 0, 60);
        c.unit("shocks.disaster_rate", sh.disaster_rate);
        c.unit("shocks.disaster_loss", sh.disaster_loss);
        c.count("shocks.disaster_months", sh.disaster_months.into(), 0, 60);
        c.range("shocks.price_volatility", sh.price_volatility, 0.0, 3.0);
        c.range("shocks.price_reversion", sh.price_reversion, 0.01, 1.0);
        c.unit("shocks.macro_2020_return_share", sh.macro_2020_return_share);

        let e = &self.economy;
        c.yuan("economy.farm_per_labourer", e.farm_per_labourer);
        c.yuan("economy.migrant_remittance", e.migrant_remittance);
        c.yuan("economy.local_wage", e.local_wage);
        c.yuan("economy.other_income", e.other_income);
        // Doubled by a placement and x1.5 for relocated households, the chance stays below 1.
        c.range("economy.migration_base", e.migration_base, 0.0, 0.2);
        c.unit("economy.return_rate", e.return_rate);
        c.unit("economy.saving_rate", e.saving_rate);
        c.unit("economy.coverage_uninsured", e.coverage_uninsured);
        c.unit("economy.coverage_insured", e.coverage_insured);
        c.yuan("economy.chronic_care_cost", e.chronic_care_cost);
        let lines = [
            ("economy.poverty_line", &e.poverty_line),
            ("economy.dibao_standard", &e.dibao_standard),
        ];
        for (path, values) in lines {
            let before = c.problems.len();
            c.list(path, values, 1.0, 1e6, "yuan per person-year");
            let note = "raised by `economy.indexation` a year";
            if c.problems.len() == before {
                if let Some(problem) = self.series_length(path, values, SERIES_START_YEAR, note) {
                    c.push(problem);
                }
            }
        }
        c.range("economy.indexation", e.indexation, -0.5, 0.5);
        c.unit("economy.dividend_share", e.dividend_share);
        let g = &e.growth;
        c.range("economy.growth.migrant", g.migrant, -0.5, 0.5);
        c.range("economy.growth.farm", g.farm, -0.5, 0.5);
        c.range("economy.growth.local_wage", g.local_wage, -0.5, 0.5);
        c.range("economy.growth.other", g.other, -0.5, 0.5);
        let d = &self.demography;
        c.unit("demography.ageing_rate", d.ageing_rate);
        c.unit("demography.labour_gain_rate", d.labour_gain_rate);
    }

    fn check_industries(&self, c: &mut Checker) {
        for kind in IndustryKind::ALL {
            let spec = self.industries.get(kind);
            let base = format!("industries.{}", kind_key(kind));
            c.positive_yuan(&format!("{base}.capex"), spec.capex);
            c.count(
                &format!("{base}.months_to_income"),
                spec.months_to_income.into(),
                0,
                600,
            );
            c.range(
                &format!("{base}.annual_return"),
                spec.annual_return,
                0.0,
                5.0,
            );
            c.unit(&format!("{base}.failure_hazard"), spec.failure_hazard);
            c.range(
                &format!("{base}.price_volatility"),
                spec.price_volatility,
                0.0,
                1.0,
            );
            c.range(
                &format!("{base}.jobs_per_100k"),
                spec.jobs_per_100k,
                0.0,
                100.0,
            );
        }
    }

    /// Values that are allowed but switched off or overridden by another value, each with what
    /// to do instead. The loader keeps only those about keys the user wrote.
    pub fn advice(&self) -> Vec<Advice> {
        let mut out = Vec::new();
        let k = &self.cadres;
        if !k.enabled {
            for key in CADRE_KEYS.iter().filter(|key| **key != "enabled") {
                out.push(Advice::new(
                    format!("cadres.{key}"),
                    format!("`cadres.{key}` has no effect: `cadres.enabled = false` sends no first secretaries"),
                ));
            }
            out.push(Advice::new(
                "cadre_types",
                "`cadre_types` has no effect: `cadres.enabled = false` sends no first secretaries",
            ));
        } else if k.start_year > self.last_year() {
            out.push(Advice::new(
                "simulation.months",
                format!(
                    "the run ends in {}, before the first secretaries arrive in {} \
                     (`cadres.start_year`): no secretary is ever sent; lengthen the run, or set \
                     cadres.enabled = false to say so",
                    self.last_year(),
                    k.start_year
                ),
            ));
        }
        if k.assignment == Assignment::Matched {
            out.push(Advice::new(
                "cadres.mix",
                "`cadres.mix` is ignored under `cadres.assignment = \"matched\"`: each village \
                 gets the specialist that fits its weakest area, whatever the mix. To send \
                 secretaries in these shares, set `cadres.assignment = \"random\"`",
            ));
        }
        if !k.training {
            out.push(Advice::new(
                "cadres.training_learning_boost",
                "`cadres.training_learning_boost` has no effect while `cadres.training = false`; \
                 set cadres.training = true to use it",
            ));
        }
        let i = &self.incentives;
        if !i.promotion_on_performance {
            out.push(Advice::new(
                "incentives.promotion_share",
                "`incentives.promotion_share` has no effect while \
                 `incentives.promotion_on_performance = false`; set it to true to use it",
            ));
        }
        let pol = &self.policy;
        match pol.exit_rule {
            ExitRule::Standard => {
                for key in ["policy.strict_margin", "identification.third_party_noise"] {
                    out.push(Advice::new(
                        key,
                        format!(
                            "`{key}` has no effect under `policy.exit_rule = \"standard\"`; it \
                             applies to the strict rule (set policy.exit_rule = \"strict\")"
                        ),
                    ));
                }
            }
            ExitRule::Strict => out.push(Advice::new(
                "policy.deadline_pressure",
                "`policy.deadline_pressure` has no effect under `policy.exit_rule = \"strict\"` \
                 (the strict rule does not bend under pressure); set policy.exit_rule = \
                 \"standard\" to use it",
            )),
        }
        if !pol.monitoring {
            for key in MONITORING_KEYS {
                out.push(Advice::new(
                    format!("policy.{key}"),
                    format!(
                        "`policy.{key}` has no effect while `policy.monitoring = false`; set \
                         policy.monitoring = true to use it"
                    ),
                ));
            }
        } else if pol.monitoring_start_year > self.last_year() {
            out.push(Advice::new(
                "simulation.months",
                format!(
                    "the run ends in {}, before monitoring starts in {} \
                     (`policy.monitoring_start_year`): no household is ever monitored",
                    self.last_year(),
                    pol.monitoring_start_year
                ),
            ));
        }
        if self.programmes.relocation.registered_share <= 0.0 {
            for key in ["policy.relocation_remoteness", "policy.relocation_cost"] {
                out.push(Advice::new(
                    key,
                    format!(
                        "`{key}` has no effect while `programmes.relocation.registered_share = 0` (nobody is \
                         relocated)"
                    ),
                ));
            }
        }
        if !self.shocks.macro_2020 {
            out.push(Advice::new(
                "shocks.macro_2020_return_share",
                "`shocks.macro_2020_return_share` has no effect while `shocks.macro_2020 = \
                 false`; set shocks.macro_2020 = true to use it",
            ));
        }
        out
    }
}

/// Keys of `[cadres]` (for the advice when the programme is switched off).
const CADRE_KEYS: [&str; 14] = [
    "enabled",
    "start_year",
    "mix",
    "assignment",
    "admin_burden",
    "tenure_months",
    "team_size",
    "training",
    "training_learning_boost",
    "strategy",
    "recover",
    "handover",
    "coverage",
    "arrival_spread_months",
];

/// Keys of `[policy]` that only matter while monitoring is on.
const MONITORING_KEYS: [&str; 3] = [
    "monitoring_start_year",
    "monitoring_band",
    "monitoring_after_exit",
];

/// The regular household programmes of the county and line ministries (MODEL.md section 0.1):
/// they run whether or not a secretary is posted. Scenario section `[programmes]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct ProgrammeParams {
    /// Minimum living guarantee (dibao) at the county standard.
    pub dibao: DibaoParams,
    /// Medical insurance for registered households, renewed each year.
    pub insurance: InsuranceParams,
    /// Dilapidated-housing renovation queue.
    pub housing: HousingParams,
    /// Compulsory schooling secured by the county.
    pub schooling: SchoolingParams,
    /// Safe drinking water as the fourth guarantee.
    pub water: WaterParams,
    /// Public-welfare and ecological-ranger posts.
    pub public_jobs: PublicJobParams,
    /// Poverty-alleviation microcredit.
    pub microcredit: MicrocreditParams,
    /// Relocation to resettlement sites at its real scale.
    pub relocation: RelocationParams,
}

/// Dibao at the county standard with an annual means-tested review (MODEL.md section 0.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DibaoParams {
    /// Lowest 2014 ratio of a county's dibao standard to the poverty line (drawn uniformly in
    /// [`ratio_low`, `ratio_high`] per county).
    pub ratio_low: f64,
    /// Highest 2014 ratio of a county's dibao standard to the poverty line.
    pub ratio_high: f64,
    /// Year by which every county's standard reaches at least the line; after it the
    /// standard grows as `economy.dibao_standard` (the national-average path).
    pub catch_up_year: u32,
    /// Motivation lost per year by a household on dibao with an able labourer and no work
    /// (dependency, seed 001), applied at the December review.
    pub dependency_decay: f64,
}

impl Default for DibaoParams {
    fn default() -> Self {
        DibaoParams {
            ratio_low: 0.838,
            ratio_high: 1.0,
            catch_up_year: 2017,
            dependency_decay: 0.02,
        }
    }
}

/// Medical insurance renewal (MODEL.md section 0.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InsuranceParams {
    /// Renewal probability of a registered household without any outreach.
    pub base_takeup: f64,
    /// Renewal probability added at full outreach (share of registered households contacted in
    /// the last 12 months): take-up = base + this x outreach.
    pub outreach_takeup: f64,
    /// Premium the county pays per insured person, yuan per person-year.
    pub premium: f64,
    /// Exited households within post-exit support stay on the county's paid list and are
    /// renewed with it, without a take-up draw ("policies kept after exit"); `false` puts them
    /// through the same renewal draw as registered households (docs/MODEL.md, decision 143).
    pub keep_exited_enrolled: bool,
}

impl Default for InsuranceParams {
    fn default() -> Self {
        InsuranceParams {
            base_takeup: 0.7,
            outreach_takeup: 0.3,
            premium: 250.0,
            keep_exited_enrolled: true,
        }
    }
}

/// Dilapidated-housing renovation queue (MODEL.md section 0.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HousingParams {
    /// Share of the unsafe registered houses renovated each year (the county's capacity).
    pub capacity: f64,
    /// Cost of one renovation from the county housing line, yuan per house.
    pub cost: f64,
}

impl Default for HousingParams {
    fn default() -> Self {
        HousingParams {
            capacity: 0.25,
            cost: 25_000.0,
        }
    }
}

/// Compulsory schooling secured by the county education programme (MODEL.md section 0.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SchoolingParams {
    /// Annual probability that a registered household's schooling gap is closed.
    pub base: f64,
    /// The same when a contact reached the household in the last 12 months.
    pub contacted: f64,
}

impl Default for SchoolingParams {
    fn default() -> Self {
        SchoolingParams {
            base: 0.5,
            contacted: 0.8,
        }
    }
}

/// Safe drinking water, the fourth guarantee (MODEL.md section 0.1, the 2019 standard).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WaterParams {
    /// First year the truly-poor test requires safe drinking water.
    pub standard_year: u32,
}

impl Default for WaterParams {
    fn default() -> Self {
        WaterParams {
            standard_year: 2019,
        }
    }
}

/// Public-welfare and ecological-ranger posts (MODEL.md section 0.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PublicJobParams {
    /// First year posts are paid (filled in the December before).
    pub start_year: u32,
    /// Posts per 100 registered households.
    pub per_100_registered: f64,
    /// Wage of a public-welfare post, yuan per post-year.
    pub wage: f64,
    /// Wage of an ecological-ranger post (eco-restricted villages), yuan per post-year.
    pub ranger_wage: f64,
}

impl Default for PublicJobParams {
    fn default() -> Self {
        PublicJobParams {
            start_year: 2016,
            per_100_registered: 3.0,
            wage: 6_000.0,
            ranger_wage: 10_000.0,
        }
    }
}

/// Poverty-alleviation microcredit (MODEL.md section 0.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MicrocreditParams {
    /// First year loans are made.
    pub start_year: u32,
    /// Loan term, months.
    pub term_months: u32,
    /// Largest loan, yuan.
    pub max_loan: f64,
    /// Loan per able labourer (before the cap), yuan.
    pub loan_per_labourer: f64,
    /// Borrowers' skill must exceed this.
    pub min_skill: f64,
    /// Borrowers' motivation must exceed this.
    pub min_motivation: f64,
    /// Lowest yearly return of the financed enterprise on its capital.
    pub return_low: f64,
    /// Highest yearly return of the financed enterprise on its capital.
    pub return_high: f64,
    /// Failure hazard of a financed enterprise, per month (drawn once a year as
    /// 1 - (1 - hazard)^12).
    pub failure_hazard: f64,
    /// Interest rate the county pays on outstanding loans, per year.
    pub interest: f64,
}

impl Default for MicrocreditParams {
    fn default() -> Self {
        MicrocreditParams {
            start_year: 2015,
            term_months: 36,
            max_loan: 50_000.0,
            loan_per_labourer: 25_000.0,
            min_skill: 0.4,
            min_motivation: 0.4,
            return_low: 0.10,
            return_high: 0.25,
            failure_hazard: 0.005,
            interest: 0.0435,
        }
    }
}

/// Relocation at its real scale (MODEL.md section 0.1): about a tenth of the registered poor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RelocationParams {
    /// Share of each county's initial register relocated 2016-2020, from its villages at or
    /// above `policy.relocation_remoteness`, most remote first.
    pub registered_share: f64,
    /// Most of one village's initial register that can be relocated.
    pub max_village_share: f64,
}

impl Default for RelocationParams {
    fn default() -> Self {
        RelocationParams {
            registered_share: 0.10,
            max_village_share: 0.6,
        }
    }
}

impl Params {
    fn check_programmes(&self, c: &mut Checker) {
        let p = &self.programmes;
        let d = &p.dibao;
        c.range("programmes.dibao.ratio_low", d.ratio_low, 0.0, 2.0);
        // The upper end may not lie below the lower end; an invalid lower end (reported
        // above) does not bound it.
        let low = if (0.0..=2.0).contains(&d.ratio_low) {
            d.ratio_low
        } else {
            0.0
        };
        c.range("programmes.dibao.ratio_high", d.ratio_high, low, 2.0);
        c.count(
            "programmes.dibao.catch_up_year",
            d.catch_up_year.into(),
            u64::from(SERIES_START_YEAR) + 1,
            2030,
        );
        c.unit("programmes.dibao.dependency_decay", d.dependency_decay);
        let ins = &p.insurance;
        c.unit("programmes.insurance.base_takeup", ins.base_takeup);
        // The renewal chance base + outreach x this is capped at 1 where it is used.
        c.unit("programmes.insurance.outreach_takeup", ins.outreach_takeup);
        c.yuan("programmes.insurance.premium", ins.premium);
        c.unit("programmes.housing.capacity", p.housing.capacity);
        c.yuan("programmes.housing.cost", p.housing.cost);
        c.unit("programmes.schooling.base", p.schooling.base);
        c.unit("programmes.schooling.contacted", p.schooling.contacted);
        c.count(
            "programmes.water.standard_year",
            p.water.standard_year.into(),
            2000,
            2100,
        );
        let j = &p.public_jobs;
        c.count(
            "programmes.public_jobs.start_year",
            j.start_year.into(),
            2000,
            2100,
        );
        c.range(
            "programmes.public_jobs.per_100_registered",
            j.per_100_registered,
            0.0,
            100.0,
        );
        // A month's wage must fit the household's monthly income record (u16 yuan).
        c.range("programmes.public_jobs.wage", j.wage, 0.0, 60_000.0);
        c.range(
            "programmes.public_jobs.ranger_wage",
            j.ranger_wage,
            0.0,
            60_000.0,
        );
        let m = &p.microcredit;
        c.count(
            "programmes.microcredit.start_year",
            m.start_year.into(),
            2000,
            2100,
        );
        c.count(
            "programmes.microcredit.term_months",
            m.term_months.into(),
            1,
            120,
        );
        c.range(
            "programmes.microcredit.max_loan",
            m.max_loan,
            0.0,
            1_000_000.0,
        );
        c.range(
            "programmes.microcredit.loan_per_labourer",
            m.loan_per_labourer,
            0.0,
            1_000_000.0,
        );
        c.unit("programmes.microcredit.min_skill", m.min_skill);
        c.unit("programmes.microcredit.min_motivation", m.min_motivation);
        c.unit("programmes.microcredit.return_low", m.return_low);
        let low = if (0.0..=1.0).contains(&m.return_low) {
            m.return_low
        } else {
            0.0
        };
        c.range(
            "programmes.microcredit.return_high",
            m.return_high,
            low,
            1.0,
        );
        c.unit("programmes.microcredit.failure_hazard", m.failure_hazard);
        c.unit("programmes.microcredit.interest", m.interest);
        c.unit(
            "programmes.relocation.registered_share",
            p.relocation.registered_share,
        );
        c.unit(
            "programmes.relocation.max_village_share",
            p.relocation.max_village_share,
        );
    }
}

/// The scenario-file name of an industry kind.
pub fn kind_key(kind: IndustryKind) -> &'static str {
    match kind {
        IndustryKind::Crop => "crop",
        IndustryKind::Livestock => "livestock",
        IndustryKind::Processing => "processing",
        IndustryKind::Photovoltaic => "photovoltaic",
        IndustryKind::Tourism => "tourism",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_have_no_problems() {
        assert!(Params::default().problems().is_empty());
    }

    #[test]
    fn mix_not_summing_to_one_is_a_problem_at_the_mix_path() {
        let mut p = Params::default();
        p.cadres.mix.young_graduate = 0.5;
        let problems = p.problems();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, "cadres.mix");
    }

    #[test]
    fn out_of_range_values_name_their_path_and_allowed_range() {
        let mut p = Params::default();
        p.cadres.admin_burden = 1.4;
        p.shocks.disaster_rate = -0.1;
        let problems = p.problems();
        let paths: Vec<_> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, vec!["cadres.admin_burden", "shocks.disaster_rate"]);
        assert!(problems[0].allowed.contains("[0, 1]"));
        assert_eq!(problems[0].value, "1.4");
    }

    #[test]
    fn nan_is_out_of_range() {
        let mut p = Params::default();
        p.funding.misuse = f64::NAN;
        assert_eq!(p.problems().len(), 1);
    }
}
