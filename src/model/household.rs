//! Households of one village as a struct of arrays, and their monthly step.
//!
//! Households are the hot loop: each field is its own compact vector so the monthly pass reads
//! only what it needs, and the step allocates nothing. Village-level quantities the step needs
//! (poverty line, farm productivity, wages, dividends) arrive precomputed in [`MonthContext`].

use rand::Rng;
use rand_distr::{Beta, Distribution, Exp1, LogNormal};

use crate::params::Params;
use crate::rng::Stream;

/// Status and attribute bits of a household (one `u16` per household).
pub mod flag {
    /// A member is chronically ill (care costs, frequent episodes).
    pub const CHRONIC: u16 = 1 << 0;
    /// Guarantee: safe housing.
    pub const HOUSING_SAFE: u16 = 1 << 1;
    /// Guarantee: enrolled in the enhanced medical insurance package.
    pub const MEDICAL_INSURED: u16 = 1 << 2;
    /// Guarantee: children's compulsory schooling secured.
    pub const SCHOOLING_OK: u16 = 1 << 3;
    /// On the poverty register now.
    pub const REGISTERED: u16 = 1 << 4;
    /// Officially exited (and not re-registered since).
    pub const EXITED: u16 = 1 << 5;
    /// Registered while not truly poor (inclusion error), not yet found by a re-check.
    pub const WRONGLY_REGISTERED: u16 = 1 << 6;
    /// Enrolled in the minimum living guarantee (dibao).
    pub const DIBAO: u16 = 1 << 7;
    /// Monitored (any kind of [`super::monitored`] in the `monitored` column; kept in step with
    /// it for the stock count and the enhanced medical package).
    pub const MONITORED: u16 = 1 << 8;
    /// Unused since model v2 (monitoring is visits, MODEL.md section 0.5, not a drawn success);
    /// the bit is free for reuse.
    pub const SUPPORT_WORKS: u16 = 1 << 9;
    /// In a relapse episode (counted once until income recovers or re-registration).
    pub const IN_RELAPSE: u16 = 1 << 10;
    /// Has ever been registered.
    pub const EVER_REGISTERED: u16 = 1 << 11;
    /// Rolling income was below the line last month.
    pub const BELOW_LINE: u16 = 1 << 12;
    /// Moved to a resettlement site.
    pub const RELOCATED: u16 = 1 << 13;
    /// In a new-poverty episode (never-registered household fell below the line).
    pub const NEW_POOR_EPISODE: u16 = 1 << 14;
    /// The last exit was a true exit (not truly poor when exited).
    pub const TRUE_EXIT: u16 = 1 << 15;
    /// All three guarantees.
    pub const GUARANTEES: u16 = HOUSING_SAFE | MEDICAL_INSURED | SCHOOLING_OK;

    /// The status bits of a household put on the register (newly or again, month `t` is
    /// stamped by the caller): registered, and no longer exited, in an episode or monitored.
    pub const fn registered(flags: u16) -> u16 {
        (flags | REGISTERED | EVER_REGISTERED)
            & !(EXITED | IN_RELAPSE | TRUE_EXIT | NEW_POOR_EPISODE | MONITORED | SUPPORT_WORKS)
    }
}

/// Kinds of monitored household (bits of [`Households::monitored`], MODEL.md section 0.5).
pub mod monitored {
    /// Exited, rolling income below `policy.monitoring_band` x the line.
    pub const UNSTABLE: u8 = 1 << 0;
    /// Never registered, rolling income below `policy.monitoring_band` x the line.
    pub const MARGINAL: u8 = 1 << 1;
    /// Hit this year by an illness costing over `monitoring.hardship_share` of annual income,
    /// or by a disaster (appended in the month it happens).
    pub const HARDSHIP: u8 = 1 << 2;
    /// Any of the three kinds: the household is visited.
    pub const ANY: u8 = UNSTABLE | MARGINAL | HARDSHIP;
    /// A hardship happened this calendar year (the December rebuild keeps such households as
    /// `HARDSHIP`), whether or not monitoring was running.
    pub const HIT_THIS_YEAR: u8 = 1 << 3;
    /// Trained at a visit this calendar year (at most one course a year from monitoring).
    pub const TRAINED_THIS_YEAR: u8 = 1 << 4;
}

/// Referrals made at monitoring visits (bits of [`Households::referral`]): the programmes'
/// annual reviews read them (MODEL.md section 0.5).
pub mod referral {
    /// Referred to the dibao means test.
    pub const DIBAO: u8 = 1 << 0;
    /// Referred to a public-welfare (or ecological) job post.
    pub const PUBLIC_JOB: u8 = 1 << 1;
}

/// Causes of poverty of a truly poor household at a year end (bits of [`Households::causes`];
/// MODEL.md section 8, "the causes of the truly poor"). Not exclusive: a household may have
/// several, or none of these (poor only by a missing guarantee or a bad year).
pub mod cause {
    /// No able working-age adult in the household (`labour` = 0: only the elderly, the disabled
    /// or children). A labourer working away or in a local job counts as labour.
    pub const NO_LABOUR: u8 = 1 << 0;
    /// Illness as a cause: a chronically ill member, or an illness episode within the last 12
    /// months (the rule of `registered_ill_share`).
    pub const ILL: u8 = 1 << 1;
    /// A member has left working age (aged or disabled, demography, MODEL.md section 0.2).
    pub const AGED: u8 = 1 << 2;
    /// Skill at or below [`LOW_SKILL`]: household support diagnoses training as its measure.
    pub const LOW_SKILL: u8 = 1 << 3;
    /// Lives in a remote village (remoteness at or above `policy.remote_threshold`, the
    /// village-exit rule's remote villages) and has not been relocated.
    pub const REMOTE: u8 = 1 << 4;
    /// Every cause, in column order (`truly_poor_no_labour`, `_ill`, `_aged`, `_low_skill`,
    /// `_remote`).
    pub const ALL: [u8; 5] = [NO_LABOUR, ILL, AGED, LOW_SKILL, REMOTE];
    /// The skill (and motivation) level at or below which the measure that fits a household is
    /// training (motivation work), [0, 1]: household support's diagnosis threshold.
    pub const SKILL_THRESHOLD: f32 = 0.3;
}

/// Marker for "no month" in `u16` month fields.
pub const NEVER: u16 = u16::MAX;

/// The small integer state of one household, packed together (16 bytes): the monthly step
/// reads and writes nearly all of it for every household, so one array of these beats ten
/// separate arrays (fewer pointers live in the hot loop, one cache stream).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HouseholdState {
    /// Status bits, see [`flag`].
    pub flags: u16,
    /// Month of the last official exit, or [`NEVER`].
    pub exit_month: u16,
    /// Month of the last registration, or [`NEVER`].
    pub registered_month: u16,
    /// Month of the next illness episode (a waiting time, not a monthly coin flip).
    pub next_illness: u16,
    /// A labourer is ill and out of work until this month (exclusive).
    pub ill_until: u16,
    /// Persons (1-7).
    pub size: u8,
    /// Able working-age adults (0-4).
    pub labour: u8,
    /// Members working away.
    pub migrants: u8,
    /// Industry slot + 1 of the member with a local industry job; 0 = none.
    pub job: u8,
    /// Relapse episodes so far.
    pub relapsed_count: u8,
}

/// Households of one village: packed integer state plus the float columns, struct of arrays.
/// Index = household id within the village.
#[derive(Debug, Clone, Default)]
pub struct Households {
    /// Small integer state (size, labour, migrants, job, status, month stamps).
    pub state: Vec<HouseholdState>,
    /// Skill in [0, 1].
    pub skill: Vec<f32>,
    /// Motivation ("endogenous drive") in [0, 1]; low = dependency.
    pub motivation: Vec<f32>,
    /// Savings and livestock, yuan (negative = medical debt).
    pub assets: Vec<f32>,
    /// Household income of the last 12 months, whole yuan per month (0-65,535), stored
    /// month-major: `income_by_month[t % 12][i]`. A monthly step touches only the current
    /// month's array (2 bytes per household, not the whole history); whole yuan keep the
    /// rolling sum exact.
    pub income_by_month: [Vec<u16>; 12],
    /// Sum of the 12 months, yuan (kept exactly, updated in O(1) each month).
    pub income_sum: Vec<u32>,
    /// Last December's `income_sum`: the previous calendar year's income, yuan per household
    /// (the relapse line-step diagnostic compares this year's with it, MODEL.md section 0.4).
    pub last_income: Vec<u32>,
    /// Route of the household's last official exit ([`crate::model::exits::ExitRoute`] as
    /// `u8`; 0 = never exited).
    pub exit_route: Vec<u8>,
    /// 1 while a job-placement measure (transport, referral) is pending: it doubles the chance
    /// of taking a migrant job, `x (1 + placement)`, and is cleared when one is taken
    /// (MODEL.md section 0.2; set by household-support measures and monitoring visits).
    pub placement: Vec<u8>,
    /// Month index of the last contact by the secretary's team or the village committee
    /// (household support, monitoring visits), or [`NEVER`]; read by [`crate::model::village::Village::outreach`].
    pub last_contact: Vec<u16>,
    /// Members who have left working age (aged or disabled), persons (MODEL.md section 0.2).
    pub aged: Vec<u8>,
    /// Monitoring kinds and this year's hardship and training marks, bits of [`monitored`].
    pub monitored: Vec<u8>,
    /// Referrals from monitoring visits, bits of [`referral`].
    pub referral: Vec<u8>,
    /// Temporary assistance paid by monitoring visits this calendar year, whole yuan.
    pub assistance_year: Vec<u16>,
    /// Dibao paid since the last December review, whole yuan (the review's income without
    /// dibao is `income_sum - dibao_year`; MODEL.md section 0.1).
    pub dibao_year: Vec<u32>,
    /// Wage of the household's public-welfare or ranger post, whole yuan per month (0 = none;
    /// filled each December, MODEL.md section 0.1).
    pub public_wage: Vec<u16>,
    /// Outstanding microcredit principal, whole yuan (0 = no loan).
    pub loan: Vec<u32>,
    /// Month index the loan falls due, or [`NEVER`].
    pub loan_due: Vec<u16>,
    /// Capital of the household enterprise financed by microcredit, whole yuan (0 = none or
    /// failed).
    pub enterprise: Vec<u32>,
    /// The enterprise's income, whole yuan per month (capital x drawn return / 12).
    pub enterprise_month: Vec<u16>,
    /// 1 if the household is in the start cohort: on the 2014 register after the first year's
    /// identification ("building files and cards", 建档立卡), else 0. Set once at
    /// initialisation and never cleared: the cohort's income is followed whether or not the
    /// household exits (`cohort_*` columns of `annual.csv`).
    pub cohort: Vec<u8>,
    /// The village lacks safe drinking water while the water standard applies: every household
    /// is then truly poor (the fourth guarantee is village-level, MODEL.md section 0.1).
    pub water_missing: bool,
}

impl Households {
    /// Empty households with room for `n` (no reallocation while drawing them).
    pub fn with_capacity(n: usize) -> Households {
        Households {
            state: Vec::with_capacity(n),
            skill: Vec::with_capacity(n),
            motivation: Vec::with_capacity(n),
            assets: Vec::with_capacity(n),
            income_by_month: std::array::from_fn(|_| Vec::with_capacity(n)),
            income_sum: Vec::with_capacity(n),
            last_income: Vec::with_capacity(n),
            exit_route: Vec::with_capacity(n),
            placement: Vec::with_capacity(n),
            last_contact: Vec::with_capacity(n),
            aged: Vec::with_capacity(n),
            monitored: Vec::with_capacity(n),
            referral: Vec::with_capacity(n),
            assistance_year: Vec::with_capacity(n),
            dibao_year: Vec::with_capacity(n),
            public_wage: Vec::with_capacity(n),
            loan: Vec::with_capacity(n),
            loan_due: Vec::with_capacity(n),
            enterprise: Vec::with_capacity(n),
            enterprise_month: Vec::with_capacity(n),
            cohort: Vec::with_capacity(n),
            water_missing: false,
        }
    }

    /// Bytes of state per household (the struct-of-arrays fields), for memory reports.
    pub const BYTES_PER_HOUSEHOLD: usize = std::mem::size_of::<HouseholdState>()
        + 3 * 4 // skill, motivation, assets
        + 24 + 4 // income history, sum
        + 4 + 1 // last year's income, exit route
        + 1 + 2 + 1 + 1 + 1 + 2 // placement, last contact, aged, monitored, referral, assistance
        + 4 + 2 // dibao this year, public wage
        + 4 + 2 + 4 + 2 // loan, due month, enterprise capital and income
        + 1; // start cohort (2014 register)

    /// 12-month rolling income per capita, yuan per person-year (derived from the exact sum).
    #[inline]
    pub fn income_pc(&self, i: usize) -> f32 {
        self.income_sum[i] as f32 / f32::from(self.state[i].size)
    }

    /// The lowest monthly income of the last 12 months, yuan (strict exit rule).
    pub fn worst_month(&self, i: usize) -> u16 {
        self.income_by_month.iter().map(|m| m[i]).min().unwrap_or(0)
    }

    /// Number of households.
    pub fn len(&self) -> usize {
        self.state.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.state.is_empty()
    }

    /// Labourers at home (not migrant, not in a local job).
    pub fn at_home(&self, i: usize) -> u8 {
        self.state[i].at_home()
    }

    /// Whether the household qualifies for dibao: no labour, or a chronic illness.
    pub fn dibao_eligible(&self, i: usize) -> bool {
        self.state[i].dibao_eligible()
    }

    /// Truly poor: rolling income below the line, or a guarantee missing (the three household
    /// guarantees, and the village's safe drinking water once its standard applies).
    pub fn truly_poor(&self, i: usize, line: f32) -> bool {
        self.income_pc(i) < line
            || self.state[i].flags & flag::GUARANTEES != flag::GUARANTEES
            || self.water_missing
    }

    /// Truly poor by the household's own test (income below the line, or one of its three
    /// guarantees missing), leaving out the village's water: what registration looks at
    /// (docs/MODEL.md, decision 93).
    pub fn truly_poor_household(&self, i: usize, line: f32) -> bool {
        self.income_pc(i) < line || self.state[i].flags & flag::GUARANTEES != flag::GUARANTEES
    }

    /// Illness as a cause of poverty at month `t`: a chronically ill member, or an illness
    /// episode that ended or is running within the last 12 months.
    pub fn ill_as_cause(&self, i: usize, t: u32) -> bool {
        let s = &self.state[i];
        s.flags & flag::CHRONIC != 0 || (s.ill_until > 0 && u32::from(s.ill_until) + 12 > t)
    }

    /// Causes of poverty of household `i` at month `t`, bits of [`cause`]; `remote_village` is
    /// whether its village is remote (remoteness at or above `policy.remote_threshold`). The
    /// caller counts them among the truly poor.
    pub fn causes(&self, i: usize, t: u32, remote_village: bool) -> u8 {
        let s = &self.state[i];
        let mut c = 0;
        if s.labour == 0 {
            c |= cause::NO_LABOUR;
        }
        if self.ill_as_cause(i, t) {
            c |= cause::ILL;
        }
        if self.aged[i] > 0 {
            c |= cause::AGED;
        }
        if self.skill[i] <= cause::SKILL_THRESHOLD {
            c |= cause::LOW_SKILL;
        }
        if remote_village && s.flags & flag::RELOCATED == 0 {
            c |= cause::REMOTE;
        }
        c
    }

    /// Income of the last 12 months without dibao, yuan per person-year (at the December
    /// review the 12 months are the calendar year).
    pub fn income_without_dibao_pc(&self, i: usize) -> f32 {
        self.income_sum[i].saturating_sub(self.dibao_year[i]) as f32 / f32::from(self.state[i].size)
    }

    /// Draw `n` households' attributes (MODEL.md section 5). Income is not drawn: it follows
    /// from these attributes, see [`Households::settle_initial_income`].
    pub fn draw(n: usize, params: &Params, rng: &mut Stream) -> Households {
        let mut h = Households::with_capacity(n);
        let skill_dist = Beta::new(3.0f64, 2.5).expect("constant Beta parameters are valid");
        let motivation_dist = Beta::new(5.0f64, 2.0).expect("constant Beta parameters are valid");
        let assets_dist =
            LogNormal::new(6000f64.ln(), 0.8).expect("constant lognormal parameters are valid");
        let economy = &params.economy;
        let base = economy.migration_base as f32;
        let return_rate = economy.return_rate as f32;
        const SIZE_WEIGHTS: [f64; 7] = [0.12, 0.22, 0.25, 0.22, 0.12, 0.05, 0.02];
        for _ in 0..n {
            let mut u: f64 = rng.random();
            let mut size = 7u8;
            for (k, w) in SIZE_WEIGHTS.iter().enumerate() {
                if u < *w {
                    size = k as u8 + 1;
                    break;
                }
                u -= w;
            }
            let no_labour_chance = if size <= 2 { 0.10 } else { 0.02 };
            let labour = if rng.random::<f64>() < no_labour_chance {
                0
            } else {
                let extra = (1..size).filter(|_| rng.random::<f64>() < 0.45).count() as u8;
                (1 + extra).min(4).min(size)
            };
            let chronic = rng.random::<f64>() < params.population.chronic_illness_share;
            // A chronically ill member is not an able labourer (when there are others).
            let labour = if chronic && labour >= 2 {
                labour - 1
            } else {
                labour
            };
            let skill = skill_dist.sample(rng) as f32;
            let motivation = motivation_dist.sample(rng) as f32;
            let assets = assets_dist.sample(rng) as f32;
            // Each labourer away with the equilibrium share of the smooth migration chance.
            let chance = super::labour::migration_chance(base, skill, motivation, 0);
            let stay_share = f64::from(return_rate / (chance + return_rate).max(1e-12));
            let mut migrants = 0u8;
            for _ in 0..labour {
                if rng.random::<f64>() >= stay_share {
                    migrants += 1;
                }
            }
            let mut flags = if chronic { flag::CHRONIC } else { 0 };
            flags |= flag::GUARANTEES;
            let rate = if chronic {
                params.shocks.chronic_illness_rate
            } else {
                params.shocks.illness_rate
            };
            h.state.push(HouseholdState {
                flags,
                exit_month: NEVER,
                registered_month: NEVER,
                next_illness: illness_wait(0, rate, rng),
                ill_until: 0,
                size,
                labour,
                migrants,
                job: 0,
                relapsed_count: 0,
            });
            h.skill.push(skill);
            h.motivation.push(motivation);
            h.assets.push(assets);
            for month in h.income_by_month.iter_mut() {
                month.push(0);
            }
            h.income_sum.push(0);
            h.last_income.push(0);
            h.exit_route.push(0);
            h.placement.push(0);
            h.last_contact.push(NEVER);
            // Small households without an able labourer are the elderly.
            h.aged.push(if labour == 0 && size <= 2 { size } else { 0 });
            h.monitored.push(0);
            h.referral.push(0);
            h.assistance_year.push(0);
            h.dibao_year.push(0);
            h.public_wage.push(0);
            h.loan.push(0);
            h.loan_due.push(NEVER);
            h.enterprise.push(0);
            h.enterprise_month.push(0);
            h.cohort.push(0);
        }
        h
    }

    /// Fill each household's 12-month income history with the steady-state income its
    /// attributes imply, then draw the guarantee gaps of the poorer households.
    pub fn settle_initial_income(&mut self, ctx: &MonthContext, rng: &mut Stream) {
        for i in 0..self.len() {
            let supported = self.state[i].within_support(ctx.t, ctx.support_months);
            let income = whole_yuan(own_income(
                &self.state[i],
                self.skill[i],
                ctx,
                0.0,
                supported,
                0.0,
                0.0,
            ));
            for month in self.income_by_month.iter_mut() {
                month[i] = income;
            }
            self.income_sum[i] = 12 * u32::from(income);
            self.last_income[i] = self.income_sum[i];
            if self.income_pc(i) < ctx.line {
                self.state[i].flags |= flag::BELOW_LINE;
            }
            // Guarantee gaps concentrate among the income-poor; a few near-poor have them too.
            let gaps = if self.income_pc(i) < ctx.line {
                Some((0.20, 0.20, 0.06))
            } else if self.income_pc(i) < 1.5 * ctx.line {
                Some((0.04, 0.04, 0.02))
            } else {
                None
            };
            if let Some((housing, insurance, schooling)) = gaps {
                let mut f = self.state[i].flags;
                if rng.random::<f32>() < housing {
                    f &= !flag::HOUSING_SAFE;
                }
                if rng.random::<f32>() < insurance {
                    f &= !flag::MEDICAL_INSURED;
                }
                if self.state[i].size >= 3 && rng.random::<f32>() < schooling {
                    f &= !flag::SCHOOLING_OK;
                }
                // Dibao enrolment at the start is the county's first review
                // (`Village::review_dibao`), not a draw here.
                self.state[i].flags = f;
            }
        }
    }
}

impl HouseholdState {
    /// Labourers at home (not migrant, not in a local job).
    #[inline(always)]
    pub fn at_home(&self) -> u8 {
        self.labour
            .saturating_sub(self.migrants)
            .saturating_sub(u8::from(self.job > 0))
    }

    /// Whether an exited household is still within its post-exit support period at month `t`.
    #[inline(always)]
    pub fn within_support(&self, t: u32, support_months: u32) -> bool {
        self.flags & flag::EXITED != 0
            && t < u32::from(self.exit_month).saturating_add(support_months)
    }

    /// Whether the household qualifies for dibao: no labour, or a chronic illness.
    #[inline(always)]
    pub fn dibao_eligible(&self) -> bool {
        self.labour == 0 || self.flags & flag::CHRONIC != 0
    }
}

/// A household's own income this month (before dibao and monitoring assistance), yuan per
/// month, from its state `s` and `skill`. `out_of_pocket` is medical cost not covered by
/// assets this month; `within_support` is [`HouseholdState::within_support`], computed once by
/// the caller; `public_wage` is the public-post wage (the post takes one labourer at home off
/// the farm) and `enterprise_income` the microcredit enterprise's income, yuan per month.
#[inline(always)]
pub(crate) fn own_income(
    s: &HouseholdState,
    skill: f32,
    ctx: &MonthContext,
    out_of_pocket: f32,
    within_support: bool,
    public_wage: f32,
    enterprise_income: f32,
) -> f32 {
    let f = s.flags;
    let ill = ctx.t < u32::from(s.ill_until);
    let mut home = s.at_home();
    let mut migrants = s.migrants;
    let mut job = u8::from(s.job > 0);
    if ill {
        if home > 0 {
            home -= 1;
        } else if migrants > 0 {
            migrants -= 1;
        } else {
            job = job.saturating_sub(1);
        }
    }
    if public_wage > 0.0 && home > 0 {
        home -= 1;
    }
    let relocated = f & flag::RELOCATED != 0;
    let farm_factor = if relocated {
        ctx.farm_per_labourer_month * 0.5
    } else {
        ctx.farm_per_labourer_month
    };
    let farm = farm_factor * f32::from(home) * (0.8 + 0.4 * skill);
    let remit = if relocated {
        ctx.remittance_relocated
    } else {
        ctx.remittance
    } * f32::from(migrants);
    let wage = ctx.local_wage * f32::from(job);
    let registered = f & flag::REGISTERED != 0;
    let dividend = if registered || within_support {
        ctx.dividend_per_household
    } else {
        0.0
    };
    let coverage = ctx.coverage(enhanced_cover(f, within_support));
    let chronic = if f & flag::CHRONIC != 0 {
        ctx.chronic_care_month * (1.0 - coverage)
    } else {
        0.0
    };
    ctx.other_income_pc * f32::from(s.size)
        + farm
        + remit
        + wage
        + dividend
        + public_wage
        + enterprise_income
        - chronic
        - out_of_pocket
}

impl HouseholdTally {
    /// Add another tally's counts and sums to this one.
    pub fn merge(&mut self, other: &HouseholdTally) {
        self.truly_poor += other.truly_poor;
        self.registered += other.registered;
        self.monitored += other.monitored;
        self.exited_truly_poor += other.exited_truly_poor;
        self.exited += other.exited;
        self.relapses += other.relapses;
        self.new_poor += other.new_poor;
        self.crossings += other.crossings;
        self.illness_episodes += other.illness_episodes;
        self.migrants += other.migrants;
        self.dibao += other.dibao;
        self.income_pc_sum += other.income_pc_sum;
        self.assistance_paid += other.assistance_paid;
        self.dibao_paid += other.dibao_paid;
        self.dividend_recipients += other.dividend_recipients;
        self.public_wages_paid += other.public_wages_paid;
    }

    /// Recount the stock columns (truly poor, registered, monitored, exited, exited truly poor,
    /// dibao) from the households' current state, keeping this month's flows. Used after the
    /// December annual process so that stocks and cumulative exits describe the same moment.
    pub fn recount_stocks(&mut self, hh: &Households, line: f32) {
        let mut fresh = HouseholdTally {
            relapses: self.relapses,
            new_poor: self.new_poor,
            crossings: self.crossings,
            illness_episodes: self.illness_episodes,
            migrants: self.migrants,
            income_pc_sum: self.income_pc_sum,
            assistance_paid: self.assistance_paid,
            dibao_paid: self.dibao_paid,
            dividend_recipients: self.dividend_recipients,
            public_wages_paid: self.public_wages_paid,
            ..HouseholdTally::default()
        };
        for i in 0..hh.len() {
            fresh.count_stocks(hh.state[i].flags, hh.truly_poor(i, line));
        }
        *self = fresh;
    }

    /// Count one household in the stock columns (the December recount; the monthly step
    /// counts with the same rule, [`stock_lanes`], through [`StockTable`]).
    fn count_stocks(&mut self, flags: u16, truly_poor: bool) {
        self.add_stock_lanes(stock_lanes(flags, truly_poor, false));
    }

    /// Add counts packed by [`stock_lanes`] (summed over at most [`StockTable::CAPACITY`]
    /// households, so that no lane overflows).
    fn add_stock_lanes(&mut self, lanes: u128) {
        let lane = |k: u32| ((lanes >> (16 * k)) & 0xFFFF) as u32;
        self.truly_poor += lane(lane::TRULY_POOR);
        self.registered += lane(lane::REGISTERED);
        self.monitored += lane(lane::MONITORED);
        self.exited += lane(lane::EXITED);
        self.exited_truly_poor += lane(lane::EXITED_TRULY_POOR);
        self.dibao += lane(lane::DIBAO);
        self.dividend_recipients += lane(lane::DIVIDEND_RECIPIENTS);
    }
}

/// Lanes of the packed stock counters: 16 bits each in a `u128`.
mod lane {
    pub const TRULY_POOR: u32 = 0;
    pub const REGISTERED: u32 = 1;
    pub const MONITORED: u32 = 2;
    pub const EXITED: u32 = 3;
    pub const EXITED_TRULY_POOR: u32 = 4;
    pub const DIBAO: u32 = 5;
    pub const DIVIDEND_RECIPIENTS: u32 = 6;
}

/// The stock-counting rule: which counters one household adds to, as ones in 16-bit lanes
/// (see [`lane`]). It reads only REGISTERED, EXITED, DIBAO and MONITORED of the flags
/// (tested), which is what lets [`StockTable`] tabulate it.
const fn stock_lanes(flags: u16, truly_poor: bool, dividend: bool) -> u128 {
    let registered = flags & flag::REGISTERED != 0;
    let exited = flags & flag::EXITED != 0 && !registered;
    one(truly_poor, lane::TRULY_POOR)
        | one(registered, lane::REGISTERED)
        | one(flags & flag::MONITORED != 0, lane::MONITORED)
        | one(exited, lane::EXITED)
        | one(exited && truly_poor, lane::EXITED_TRULY_POOR)
        | one(flags & flag::DIBAO != 0, lane::DIBAO)
        | one(dividend, lane::DIVIDEND_RECIPIENTS)
}

/// A one in lane `k` if `yes`.
const fn one(yes: bool, k: u32) -> u128 {
    (yes as u128) << (16 * k)
}

/// [`stock_lanes`] for every combination of its inputs, so that the monthly step counts a
/// household with one table look-up and one addition instead of seven tests and additions
/// (counting was a tenth of the step's instructions).
struct StockTable;

impl StockTable {
    /// Households summed into one set of lanes before they are unpacked (a lane holds 16 bits).
    const CAPACITY: usize = u16::MAX as usize;

    /// The table, indexed by [`StockTable::index`].
    const LANES: [u128; 64] = {
        let mut table = [0u128; 64];
        let mut index = 0;
        while index < 64 {
            let flags = (if index & 1 != 0 { flag::REGISTERED } else { 0 })
                | (if index & 2 != 0 { flag::EXITED } else { 0 })
                | (if index & 4 != 0 { flag::DIBAO } else { 0 })
                | (if index & 8 != 0 { flag::MONITORED } else { 0 });
            table[index] = stock_lanes(flags, index & 16 != 0, index & 32 != 0);
            index += 1;
        }
        table
    };

    /// The table index of a household: REGISTERED and EXITED (bits 4-5), DIBAO and MONITORED
    /// (bits 7-8), truly poor, dividend.
    #[inline(always)]
    fn index(flags: u16, truly_poor: bool, dividend: bool) -> usize {
        let f = usize::from(flags);
        ((f >> 4) & 0b11)
            | ((f >> 5) & 0b1100)
            | (usize::from(truly_poor) << 4)
            | (usize::from(dividend) << 5)
    }

    /// The lanes of one household.
    #[inline(always)]
    fn lanes(flags: u16, truly_poor: bool, dividend: bool) -> u128 {
        Self::LANES[Self::index(flags, truly_poor, dividend)]
    }
}

/// Whether the enhanced medical package for the poor (basic insurance plus critical-illness
/// insurance and medical assistance: `coverage_insured`) applies: enrolled, and registered,
/// monitored or within post-exit support (`within_support`, see
/// [`HouseholdState::within_support`]). Everyone else has the basic scheme
/// (`coverage_uninsured`).
#[inline(always)]
fn enhanced_cover(flags: u16, within_support: bool) -> bool {
    flags & flag::MEDICAL_INSURED != 0
        && (flags & (flag::REGISTERED | flag::MONITORED) != 0 || within_support)
}

/// A month's household income as whole yuan in the history's range (0-65,535 a month).
#[inline]
pub fn whole_yuan(income: f32) -> u16 {
    // Rounds half up. The float-to-int cast saturates to 0-65,535 (and maps NaN to 0), so it
    // is the clamp to the history's range: no separate clamp needed.
    (income + 0.5) as u16
}

/// Month of the next illness episode after `t`: an exponential waiting time with `rate_per_year`.
pub fn illness_wait(t: u32, rate_per_year: f64, rng: &mut Stream) -> u16 {
    if rate_per_year <= 0.0 {
        return NEVER;
    }
    let e: f64 = Exp1.sample(rng);
    let months = (e / rate_per_year * 12.0).ceil().max(1.0);
    let next = f64::from(t) + months;
    if next >= f64::from(NEVER) {
        NEVER
    } else {
        next as u16
    }
}

impl MonthContext {
    /// Medical cost coverage with or without the enhanced package.
    #[inline]
    pub fn coverage(&self, enhanced: bool) -> f32 {
        if enhanced {
            self.coverage_insured
        } else {
            self.coverage_uninsured
        }
    }
}

/// Village-level quantities the household step needs this month.
#[derive(Debug, Clone, Default)]
pub struct MonthContext {
    /// Month index.
    pub t: u32,
    /// The line this month's 12-month rolling income is compared with, yuan per person-year
    /// ([`super::schedule::window_line`]; this year's line in December).
    pub line: f32,
    /// Dibao standard this year, yuan per person-month.
    pub dibao_month: f32,
    /// Farm income per labourer at home this month before the skill factor (infrastructure
    /// and disasters applied), yuan.
    pub farm_per_labourer_month: f32,
    /// Remittance per migrant this month, yuan (remoteness applied).
    pub remittance: f32,
    /// Remittance per migrant for relocated households.
    pub remittance_relocated: f32,
    /// Local industry wage per job, yuan per month.
    pub local_wage: f32,
    /// Pensions, family support and land rents per person, yuan per month.
    pub other_income_pc: f32,
    /// Dividend per registered (or supported) household this month, yuan.
    pub dividend_per_household: f32,
    /// Medical coverage without / with the enhanced package.
    pub coverage_uninsured: f32,
    /// Medical coverage with the enhanced package.
    pub coverage_insured: f32,
    /// Chronic care cost per month before coverage.
    pub chronic_care_month: f32,
    /// Illness cost per episode before coverage.
    pub illness_cost: f32,
    /// Months a labourer is out per episode.
    pub illness_months: u16,
    /// Episodes per year without / with chronic illness.
    pub illness_rate: f64,
    /// Episodes per year with chronic illness.
    pub chronic_illness_rate: f64,
    /// Migration chance per month at skill 1, motivation 0.5, no placement
    /// (`economy.migration_base`, see [`super::labour::migration_chance`]).
    pub migration_base: f32,
    /// Multiplier on migration for relocated households.
    pub relocated_migration_boost: f32,
    /// Monthly hazard per migrant of the job ending (return home).
    pub return_rate: f32,
    /// Share of income saved.
    pub saving_rate: f32,
    /// Post-exit support duration in months.
    pub support_months: u32,
    /// Whether monitoring runs this month (a hardship then makes a household monitored at once).
    pub monitoring: bool,
    /// An illness whose out-of-pocket cost exceeds this share of the household's 12-month
    /// income is a hardship (`monitoring.hardship_share`).
    pub hardship_share: f32,
    /// Whether the village suffered a disaster this month (a shock for monitoring).
    pub disaster_now: bool,
    /// Share of migrants sent home this month by a macro shock (0 usually).
    pub macro_return_share: f32,
}

/// What the household step counts this month.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct HouseholdTally {
    /// Truly poor households (income below line or a guarantee missing).
    pub truly_poor: u32,
    /// Registered households.
    pub registered: u32,
    /// Flagged by monitoring.
    pub monitored: u32,
    /// Officially exited but truly poor now.
    pub exited_truly_poor: u32,
    /// Officially exited (stock).
    pub exited: u32,
    /// Relapse events this month (counted in December only, by the annual assessment of
    /// MODEL.md section 0.4; the monthly step counts none).
    pub relapses: u32,
    /// New-poverty events this month (December only, as `relapses`).
    pub new_poor: u32,
    /// Diagnostic: exited households whose rolling income crossed below the line this month
    /// (v1's monthly relapse rule, no episode gating; not a relapse count).
    pub crossings: u32,
    /// Illness episodes starting this month.
    pub illness_episodes: u32,
    /// Migrants (persons).
    pub migrants: u32,
    /// Households enrolled in dibao.
    pub dibao: u32,
    /// Sum of rolling income per capita, yuan per person-year.
    pub income_pc_sum: f64,
    /// Temporary assistance paid by monitoring visits, yuan.
    pub assistance_paid: f64,
    /// Dibao top-ups paid (from outside the village funds), yuan.
    pub dibao_paid: f64,
    /// Households entitled to industry dividends.
    pub dividend_recipients: u32,
    /// Public-welfare and ranger wages paid this month, whole yuan (county line).
    pub public_wages_paid: u32,
}

/// Advance every household one month: shocks, migration, income, rolling income, assets,
/// monitoring, and the monthly line-crossing diagnostic. Relapse and new poverty are assessed
/// annually in December ([`crate::model::relapse`]), not here.
pub fn step_households(
    hh: &mut Households,
    ctx: &MonthContext,
    rng: &mut Stream,
    tally: &mut HouseholdTally,
) {
    let slot = (ctx.t % 12) as usize;
    let Households {
        state,
        skill,
        motivation,
        assets,
        income_by_month,
        income_sum,
        placement,
        monitored,
        dibao_year,
        public_wage,
        enterprise_month,
        water_missing,
        ..
    } = hh;
    let columns = Columns {
        state,
        skill,
        motivation,
        assets,
        month_income: &mut income_by_month[slot],
        income_sum,
        placement,
        monitored,
        dibao_year,
        public_wage,
        enterprise_month,
        water_missing: *water_missing,
    };
    step_columns(columns, ctx, rng, tally);
}

/// The columns one monthly step reads and writes, borrowed apart so that the compiler knows
/// they do not overlap (each household's values stay in registers between its loads and its
/// stores, instead of being re-read after every store to another column).
struct Columns<'a> {
    state: &'a mut [HouseholdState],
    skill: &'a [f32],
    motivation: &'a [f32],
    assets: &'a mut [f32],
    /// This calendar month's slot of the income history (it holds the value of 12 months ago).
    month_income: &'a mut [u16],
    income_sum: &'a mut [u32],
    placement: &'a mut [u8],
    monitored: &'a mut [u8],
    /// Dibao paid since the last review, whole yuan.
    dibao_year: &'a mut [u32],
    /// Public-post wage, whole yuan per month.
    public_wage: &'a [u16],
    /// Microcredit enterprise income, whole yuan per month.
    enterprise_month: &'a [u16],
    /// Whether the village's missing water makes every household truly poor.
    water_missing: bool,
}

/// The monthly step over the columns, household by household.
#[inline(never)]
fn step_columns(
    columns: Columns<'_>,
    ctx: &MonthContext,
    rng: &mut Stream,
    tally: &mut HouseholdTally,
) {
    let n = columns.state.len();
    // Equal lengths, stated once, so the loop below runs without bounds checks.
    let state = &mut columns.state[..n];
    let skill = &columns.skill[..n];
    let motivation = &columns.motivation[..n];
    let assets = &mut columns.assets[..n];
    let month_income = &mut columns.month_income[..n];
    let income_sum = &mut columns.income_sum[..n];
    let placement = &mut columns.placement[..n];
    let monitored = &mut columns.monitored[..n];
    let dibao_year = &mut columns.dibao_year[..n];
    let public_wage = &columns.public_wage[..n];
    let enterprise_month = &columns.enterprise_month[..n];
    let water_missing = columns.water_missing;
    // Counters accumulate in a local (kept in registers), merged into `tally` at the end.
    let mut acc = HouseholdTally::default();
    let t = ctx.t;
    // Stock counts in packed lanes, unpacked every `StockTable::CAPACITY` households.
    let mut lanes = 0u128;
    let mut in_lanes = 0usize;
    for i in 0..n {
        if in_lanes == StockTable::CAPACITY {
            acc.add_stock_lanes(lanes);
            (lanes, in_lanes) = (0, 0);
        }
        in_lanes += 1;
        let s = &mut state[i];
        let mut wealth = assets[i];
        let size = f32::from(s.size);
        // Illness: a waiting time, drawn again only when an episode happens.
        let mut hardship = ctx.disaster_now && s.at_home() > 0;
        let mut out_of_pocket = 0.0f32;
        if u32::from(s.next_illness) == t {
            acc.illness_episodes += 1;
            s.ill_until = (t + u32::from(ctx.illness_months)).min(u32::from(NEVER) - 1) as u16;
            let coverage = ctx.coverage(enhanced_cover(
                s.flags,
                s.within_support(t, ctx.support_months),
            ));
            let cost = ctx.illness_cost * (1.0 - coverage);
            hardship |= cost > ctx.hardship_share * income_sum[i] as f32;
            let from_assets = cost.min(wealth.max(0.0));
            wealth -= from_assets;
            out_of_pocket = cost - from_assets;
            let rate = if s.flags & flag::CHRONIC != 0 {
                ctx.chronic_illness_rate
            } else {
                ctx.illness_rate
            };
            s.next_illness = illness_wait(t, rate, rng);
        }
        // Migration: one draw decides a departure or a return (MODEL.md section 0.2).
        super::labour::step_migration(s, &mut placement[i], skill[i], motivation[i], ctx, rng);
        acc.migrants += u32::from(s.migrants);
        if hardship {
            monitored[i] |= if ctx.monitoring {
                monitored::HIT_THIS_YEAR | monitored::HARDSHIP
            } else {
                monitored::HIT_THIS_YEAR
            };
        }

        // Income.
        let within_support = s.within_support(t, ctx.support_months);
        let wage = f32::from(public_wage[i]);
        acc.public_wages_paid += u32::from(public_wage[i]);
        let own = own_income(
            s,
            skill[i],
            ctx,
            out_of_pocket,
            within_support,
            wage,
            f32::from(enterprise_month[i]),
        );
        let mut income = own;
        let f = s.flags;
        // Dibao is means-tested social assistance at the county standard: it tops enrolled
        // households up to the standard whatever their register status ("the last line of
        // defence"); eligibility is decided at the December review (MODEL.md section 0.1).
        if f & flag::DIBAO != 0 {
            let top_up = (ctx.dibao_month * size - own).max(0.0).round();
            income += top_up;
            dibao_year[i] += top_up as u32;
            acc.dibao_paid += f64::from(top_up);
        }
        if income < 0.0 {
            wealth += income;
            income = 0.0;
        }
        let this_month = whole_yuan(income);
        let sum = income_sum[i] - u32::from(month_income[i]) + u32::from(this_month);
        month_income[i] = this_month;
        income_sum[i] = sum;
        assets[i] = wealth + ctx.saving_rate * f32::from(this_month);
        let pc = sum as f32 / size;
        acc.income_pc_sum += f64::from(pc);

        // Status transitions.
        let below = pc < ctx.line;
        let was_below = f & flag::BELOW_LINE != 0;
        let mut f = f;
        if f & flag::REGISTERED == 0 {
            // Diagnostic only: relapse is assessed on the calendar year in December.
            acc.crossings += u32::from(f & flag::EXITED != 0 && below && !was_below);
        }
        if monitored[i] & monitored::ANY != 0 {
            f |= flag::MONITORED;
        }
        if below {
            f |= flag::BELOW_LINE;
        } else {
            f &= !flag::BELOW_LINE;
        }
        s.flags = f;

        // Tallies.
        lanes += StockTable::lanes(
            f,
            below || f & flag::GUARANTEES != flag::GUARANTEES || water_missing,
            f & flag::REGISTERED != 0 || within_support,
        );
    }
    acc.add_stock_lanes(lanes);
    tally.merge(&acc);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stock_table_gives_the_counting_rule_for_every_flag_combination() {
        let read = flag::REGISTERED | flag::EXITED | flag::DIBAO | flag::MONITORED;
        for flags in 0..=u16::MAX {
            for truly_poor in [false, true] {
                for dividend in [false, true] {
                    let rule = stock_lanes(flags, truly_poor, dividend);
                    assert_eq!(StockTable::lanes(flags, truly_poor, dividend), rule);
                    assert_eq!(stock_lanes(flags & read, truly_poor, dividend), rule);
                }
            }
        }
        // One household of each kind lands in the right counters.
        let mut tally = HouseholdTally::default();
        tally.add_stock_lanes(stock_lanes(flag::EXITED | flag::DIBAO, true, true));
        tally.add_stock_lanes(stock_lanes(flag::REGISTERED | flag::EXITED, false, false));
        assert_eq!(
            (
                tally.exited,
                tally.exited_truly_poor,
                tally.truly_poor,
                tally.dibao
            ),
            (1, 1, 1, 1)
        );
        assert_eq!((tally.registered, tally.dividend_recipients), (1, 1));
        assert_eq!(tally.monitored, 0);
    }

    fn one(params: &Params) -> Households {
        let mut rng = crate::rng::stream(3, 0, 0, crate::rng::Purpose::HouseholdInit);
        let mut hh = Households::draw(1, params, &mut rng);
        let s = &mut hh.state[0];
        s.flags = flag::GUARANTEES;
        s.labour = 2;
        s.size = 4;
        s.ill_until = 0;
        hh.aged[0] = 0;
        hh.skill[0] = 0.6;
        hh
    }

    #[test]
    fn each_cause_of_poverty_is_read_from_its_own_household_state() {
        let params = Params::default();
        let t = 60;
        let base = one(&params);
        assert_eq!(
            base.causes(0, t, false),
            0,
            "a household with none of the causes"
        );
        let mut hh = base.clone();
        hh.state[0].labour = 0;
        assert_eq!(hh.causes(0, t, false), cause::NO_LABOUR);
        // Labour working away still counts as labour.
        let mut hh = base.clone();
        hh.state[0].migrants = 2;
        assert_eq!(hh.causes(0, t, false), 0);
        let mut hh = base.clone();
        hh.state[0].flags |= flag::CHRONIC;
        assert_eq!(hh.causes(0, t, false), cause::ILL);
        // An episode counts for 12 months after it ends, then no longer.
        let mut hh = base.clone();
        hh.state[0].ill_until = (t - 11) as u16;
        assert_eq!(hh.causes(0, t, false), cause::ILL);
        hh.state[0].ill_until = (t - 12) as u16;
        assert_eq!(hh.causes(0, t, false), 0);
        let mut hh = base.clone();
        hh.aged[0] = 1;
        assert_eq!(hh.causes(0, t, false), cause::AGED);
        let mut hh = base.clone();
        hh.skill[0] = cause::SKILL_THRESHOLD;
        assert_eq!(hh.causes(0, t, false), cause::LOW_SKILL);
        hh.skill[0] = cause::SKILL_THRESHOLD + 0.01;
        assert_eq!(hh.causes(0, t, false), 0);
        assert_eq!(base.causes(0, t, true), cause::REMOTE);
        // A relocated household has left its remote village.
        let mut hh = base.clone();
        hh.state[0].flags |= flag::RELOCATED;
        assert_eq!(hh.causes(0, t, true), 0);
        // Causes are not exclusive.
        let mut hh = base;
        hh.state[0].labour = 0;
        hh.aged[0] = 2;
        hh.state[0].flags |= flag::CHRONIC;
        assert_eq!(
            hh.causes(0, t, true),
            cause::NO_LABOUR | cause::AGED | cause::ILL | cause::REMOTE
        );
        let all = cause::ALL.iter().fold(0, |a, b| a | b);
        assert_eq!(all.count_ones(), 5, "five distinct bits");
    }

    #[test]
    fn whole_yuan_rounds_half_up_and_saturates_to_the_history_range() {
        let cases = [
            (-1e9, 0),
            (-0.6, 0),
            (-0.4, 0),
            (0.0, 0),
            (0.49, 0),
            (0.5, 1),
            (2.5, 3),
            (1234.4, 1234),
            (65_534.5, 65_535),
            (65_535.0, 65_535),
            (1e12, 65_535),
            (f32::INFINITY, 65_535),
            (f32::NEG_INFINITY, 0),
            (f32::NAN, 0),
        ];
        for (income, expected) in cases {
            assert_eq!(whole_yuan(income), expected, "{income}");
        }
    }

    #[test]
    fn stock_lanes_unpack_at_capacity_without_overflow() {
        let mut lanes = 0u128;
        for _ in 0..StockTable::CAPACITY {
            lanes += stock_lanes(flag::REGISTERED | flag::MONITORED | flag::DIBAO, true, true);
        }
        let mut tally = HouseholdTally::default();
        tally.add_stock_lanes(lanes);
        let full = StockTable::CAPACITY as u32;
        assert_eq!(
            (
                tally.registered,
                tally.monitored,
                tally.dibao,
                tally.truly_poor
            ),
            (full, full, full, full)
        );
        assert_eq!((tally.exited, tally.dividend_recipients), (0, full));
    }
}
