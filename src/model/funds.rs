//! Village accounts by source and use, in whole yuan (MODEL.md section 0.7), and idle money
//! (section 0.6: money unspent for more than `projects.idle_months` goes back to the county).
//!
//! Every money quantity that enters or leaves a village is an integer number of yuan. The
//! village fund holds money by month of arrival (a ring of cohorts); spending takes the oldest
//! first, and a cohort older than the idle limit leaves the village to its county's pool (use
//! [`Use::ReturnedIdle`]), which the county pays out again the next year (source
//! [`Source::Reallocated`]). County lines, civil-affairs dibao and microcredit lending have no
//! village balance: they are booked in and out in the same month ([`Funds::pass_through`]).
//! The identity `opening + in = out + closing` (out includes misused and returned idle) holds
//! to the yuan for every village-year.

use super::cadre::Channel;
use super::schedule::Calendar;
use super::village::Village;
use crate::params::Params;

/// Whole yuan. Every money quantity in the accounts is an integer number of yuan.
pub type Yuan = i64;

/// Round a yuan amount computed in floating point to whole yuan (half away from zero); NaN and
/// negative amounts give 0.
pub fn whole(amount: f64) -> Yuan {
    if amount.is_finite() && amount > 0.0 {
        amount.round() as Yuan
    } else {
        0
    }
}

/// Where money comes from (MODEL.md section 0.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Central and provincial special poverty funds, through the county (village fund).
    SpecialFunds,
    /// Idle money a county took back and paid out again (village fund).
    Reallocated,
    /// County line programmes (housing, insurance, schooling, public jobs, relocation): no
    /// village balance.
    CountyLines,
    /// The sending unit's direct support (village fund).
    UnitDirect,
    /// Resources the secretary coordinates through the unit's networks (village fund).
    UnitCoordinated,
    /// Dibao from the civil-affairs budget: no village balance.
    CivilAffairsDibao,
    /// Poverty-alleviation microcredit lent by banks: no village balance.
    MicrocreditLending,
}

impl Source {
    /// Every source, in account order.
    pub const ALL: [Source; 7] = [
        Source::SpecialFunds,
        Source::Reallocated,
        Source::CountyLines,
        Source::UnitDirect,
        Source::UnitCoordinated,
        Source::CivilAffairsDibao,
        Source::MicrocreditLending,
    ];

    /// Name in `accounts.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Source::SpecialFunds => "special_funds",
            Source::Reallocated => "reallocated",
            Source::CountyLines => "county_lines",
            Source::UnitDirect => "unit_direct",
            Source::UnitCoordinated => "unit_coordinated",
            Source::CivilAffairsDibao => "civil_affairs_dibao",
            Source::MicrocreditLending => "microcredit_lending",
        }
    }

    /// Whether money from this source enters the village fund (and can lie idle there).
    pub fn into_village_fund(self) -> bool {
        matches!(
            self,
            Source::SpecialFunds
                | Source::Reallocated
                | Source::UnitDirect
                | Source::UnitCoordinated
        )
    }
}

/// What money is used for (MODEL.md section 0.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// Skills training courses (village fund).
    Training,
    /// Job placement: transport, referral (village fund).
    Placement,
    /// Dilapidated-housing renovation (county housing line).
    Housing,
    /// Medical insurance premiums (county line).
    Insurance,
    /// Medical assistance (county line).
    MedicalAssistance,
    /// Compulsory schooling support (county education line).
    Schooling,
    /// Public-welfare and ecological job wages (county line).
    PublicJobs,
    /// Microcredit principal lent.
    MicrocreditLoans,
    /// Microcredit interest paid by the county.
    MicrocreditInterest,
    /// Temporary assistance to households (village fund).
    TemporaryAssistance,
    /// Industry project capital (village fund).
    IndustryCapex,
    /// Road projects (village fund).
    Roads,
    /// Drinking-water projects (village fund).
    Water,
    /// Infrastructure maintenance (village fund).
    Maintenance,
    /// Dibao payments (civil affairs).
    Dibao,
    /// Relocation (county line).
    Relocation,
    /// Misused (audits: fraud, diversion).
    Misused,
    /// Idle over the limit, returned to the county pool.
    ReturnedIdle,
}

impl Use {
    /// Every use, in account order.
    pub const ALL: [Use; 18] = [
        Use::Training,
        Use::Placement,
        Use::Housing,
        Use::Insurance,
        Use::MedicalAssistance,
        Use::Schooling,
        Use::PublicJobs,
        Use::MicrocreditLoans,
        Use::MicrocreditInterest,
        Use::TemporaryAssistance,
        Use::IndustryCapex,
        Use::Roads,
        Use::Water,
        Use::Maintenance,
        Use::Dibao,
        Use::Relocation,
        Use::Misused,
        Use::ReturnedIdle,
    ];

    /// Name in `accounts.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Use::Training => "training",
            Use::Placement => "placement",
            Use::Housing => "housing",
            Use::Insurance => "insurance",
            Use::MedicalAssistance => "medical_assistance",
            Use::Schooling => "schooling",
            Use::PublicJobs => "public_jobs",
            Use::MicrocreditLoans => "microcredit_loans",
            Use::MicrocreditInterest => "microcredit_interest",
            Use::TemporaryAssistance => "temporary_assistance",
            Use::IndustryCapex => "industry_capex",
            Use::Roads => "roads",
            Use::Water => "water",
            Use::Maintenance => "maintenance",
            Use::Dibao => "dibao",
            Use::Relocation => "relocation",
            Use::Misused => "misused",
            Use::ReturnedIdle => "returned_idle",
        }
    }

    /// Whether this use is spending (not misuse, not a return).
    pub fn is_spending(self) -> bool {
        !matches!(self, Use::Misused | Use::ReturnedIdle)
    }
}

/// One village's (or a sum of villages') account for one year, whole yuan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct YearAccount {
    /// Village fund held on 1 January.
    pub opening: Yuan,
    /// Money in by source, indexed like [`Source::ALL`].
    pub inflow: [Yuan; 7],
    /// Money out by use, indexed like [`Use::ALL`].
    pub outflow: [Yuan; 18],
    /// Village fund held at the end of the year (or now, during the year).
    pub closing: Yuan,
}

impl YearAccount {
    /// Money in from all sources.
    pub fn total_in(&self) -> Yuan {
        self.inflow.iter().sum()
    }

    /// Money out to all uses (spending, misuse and returns).
    pub fn total_out(&self) -> Yuan {
        self.outflow.iter().sum()
    }

    /// Money in from one source.
    pub fn source(&self, s: Source) -> Yuan {
        self.inflow[s as usize]
    }

    /// Money out to one use.
    pub fn to_use(&self, u: Use) -> Yuan {
        self.outflow[u as usize]
    }

    /// Money spent (every use but misuse and returned idle).
    pub fn spent(&self) -> Yuan {
        Use::ALL
            .iter()
            .filter(|u| u.is_spending())
            .map(|u| self.outflow[*u as usize])
            .sum()
    }

    /// Whether `opening + in = out + closing` holds exactly.
    pub fn balances(&self) -> bool {
        self.opening + self.total_in() == self.total_out() + self.closing
    }

    /// Add another account (summing villages).
    pub fn add(&mut self, other: &YearAccount) {
        self.opening += other.opening;
        self.closing += other.closing;
        for (a, b) in self.inflow.iter_mut().zip(other.inflow) {
            *a += b;
        }
        for (a, b) in self.outflow.iter_mut().zip(other.outflow) {
            *a += b;
        }
    }
}

/// A village fund: money by month of arrival, and this year's account.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Funds {
    /// Money held by month of arrival: slot `t % len` holds what arrived in month `t` and is
    /// still unspent. `len = idle_months + 1`, sized once.
    cohorts: Vec<Yuan>,
    /// Sum of the cohorts (the village fund balance).
    held: Yuan,
    /// This year's account.
    pub year: YearAccount,
    /// Money returned idle this month (read by the monthly statistics).
    pub returned_this_month: Yuan,
}

impl Funds {
    /// An empty fund whose money becomes idle after `idle_months` months.
    pub fn new(idle_months: u32) -> Funds {
        Funds {
            cohorts: vec![0; idle_months.max(1) as usize + 1],
            ..Funds::default()
        }
    }

    /// The village fund balance, yuan.
    pub fn held(&self) -> Yuan {
        self.held
    }

    /// Start a new year's account (1 January): the opening is last year's closing.
    pub fn start_year(&mut self) {
        self.year = YearAccount {
            opening: self.held,
            closing: self.held,
            ..YearAccount::default()
        };
    }

    /// Start month `t`: the cohort that arrived `idle_months + 1` months ago has been unspent
    /// for more than the idle limit and leaves for the county pool. Returns the amount.
    pub fn start_month(&mut self, t: u32) -> Yuan {
        let slot = t as usize % self.cohorts.len();
        let idle = std::mem::take(&mut self.cohorts[slot]);
        self.held -= idle;
        self.year.outflow[Use::ReturnedIdle as usize] += idle;
        self.year.closing = self.held;
        self.returned_this_month = idle;
        idle
    }

    /// Money arriving in month `t` from a village-fund source; the misused share (whole yuan)
    /// leaves at once. Returns the misused amount.
    pub fn receive(&mut self, t: u32, source: Source, amount: Yuan, misuse_rate: f64) -> Yuan {
        debug_assert!(source.into_village_fund());
        let amount = amount.max(0);
        let misused = whole(amount as f64 * misuse_rate.clamp(0.0, 1.0)).min(amount);
        self.year.inflow[source as usize] += amount;
        self.year.outflow[Use::Misused as usize] += misused;
        let slot = t as usize % self.cohorts.len();
        self.cohorts[slot] += amount - misused;
        self.held += amount - misused;
        self.year.closing = self.held;
        misused
    }

    /// Whether the fund can pay `amount` now.
    pub fn can_pay(&self, amount: Yuan) -> bool {
        amount <= self.held
    }

    /// Pay `amount` for `what` from the oldest money first, if the fund can; returns whether
    /// it paid.
    pub fn spend(&mut self, what: Use, amount: Yuan, t: u32) -> bool {
        if amount < 0 || !self.can_pay(amount) {
            return false;
        }
        let n = self.cohorts.len();
        let mut left = amount;
        // Oldest first: the slot after this month's is the oldest.
        for k in 1..=n {
            if left == 0 {
                break;
            }
            let slot = (t as usize + k) % n;
            let take = self.cohorts[slot].min(left);
            self.cohorts[slot] -= take;
            left -= take;
        }
        debug_assert_eq!(left, 0);
        self.held -= amount;
        self.year.outflow[what as usize] += amount;
        self.year.closing = self.held;
        true
    }

    /// Pay as much of `amount` as the fund holds; returns what was paid.
    pub fn spend_up_to(&mut self, what: Use, amount: Yuan, t: u32) -> Yuan {
        let paid = amount.clamp(0, self.held);
        self.spend(what, paid, t);
        paid
    }

    /// Money from a line without a village balance (county lines, civil affairs, lending),
    /// booked in and out at once.
    pub fn pass_through(&mut self, source: Source, what: Use, amount: Yuan) {
        debug_assert!(!source.into_village_fund());
        let amount = amount.max(0);
        self.year.inflow[source as usize] += amount;
        self.year.outflow[what as usize] += amount;
    }

    /// Whether the cohorts sum to the balance and this year's account balances.
    pub fn consistent(&self) -> bool {
        self.cohorts.iter().sum::<Yuan>() == self.held
            && self.year.closing == self.held
            && self.year.balances()
            && self.cohorts.iter().all(|c| *c >= 0)
    }
}

/// Split `total` into parts proportional to `weights` with the largest-remainder method, ties
/// to the lower index, so that the parts sum to `total` exactly. Zero or non-finite total
/// weight gives equal parts.
pub fn apportion(total: Yuan, weights: &[f64], parts: &mut Vec<Yuan>) {
    parts.clear();
    let n = weights.len();
    if n == 0 {
        return;
    }
    let total = total.max(0);
    let sum: f64 = weights.iter().map(|w| w.max(0.0)).sum();
    let share = |w: f64| {
        if sum > 0.0 && sum.is_finite() {
            w.max(0.0) / sum
        } else {
            1.0 / n as f64
        }
    };
    let mut remainders: Vec<(f64, usize)> = Vec::with_capacity(n);
    let mut given: Yuan = 0;
    for (k, w) in weights.iter().enumerate() {
        let exact = total as f64 * share(*w);
        let floor = (exact.floor() as Yuan).clamp(0, total - given);
        parts.push(floor);
        given += floor;
        remainders.push((exact - floor as f64, k));
    }
    remainders.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut left = total - given;
    let mut k = 0;
    while left > 0 {
        parts[remainders[k % n].1] += 1;
        left -= 1;
        k += 1;
    }
}

impl Village {
    /// The month's money (MODEL.md 0.6, 0.7): idle cohorts leave for the county, then this
    /// month's instalments of special funds and reallocated idle money (`floor(a / 12)` in
    /// January-November, the remainder in December) and the sending unit's direct support and
    /// coordinated resources (x enthusiasm x `funding.unit_scale`) arrive, each less its
    /// misused share `funding.misuse x (1 - organisation)`.
    pub(crate) fn step_funds(&mut self, params: &Params, t: u32, calendar: Calendar) {
        self.funds.start_month(t);
        let december = calendar.month_of_year(t) == 12;
        let instalment = |a: Yuan| if december { a - 11 * (a / 12) } else { a / 12 };
        let rate = params.funding.misuse * (1.0 - self.working_organisation(params));
        self.funds
            .receive(t, Source::SpecialFunds, instalment(self.allocation), rate);
        self.funds
            .receive(t, Source::Reallocated, instalment(self.reallocation), rate);
        if let Some(c) = &self.cadre {
            let profile = params.cadre_types.get(c.background);
            let scale = params.funding.unit_scale * c.enthusiasm / 12.0;
            let direct = whole(c.unit_resources * scale);
            let coordinated = whole(profile.coordination * scale);
            self.funds.receive(t, Source::UnitDirect, direct, rate);
            self.funds
                .receive(t, Source::UnitCoordinated, coordinated, rate);
        }
        self.fund_balance = self.funds.held() as f64;
    }

    /// This month's money statistics from the change in the year's account since `before`
    /// (problem funds = misused + returned idle, the audits' definition).
    pub(crate) fn record_month_money(&mut self, before: &YearAccount) {
        let now = &self.funds.year;
        let d_in = now.total_in() - before.total_in();
        let d_spent = now.spent() - before.spent();
        let d_misused = now.to_use(Use::Misused) - before.to_use(Use::Misused);
        let d_returned = now.to_use(Use::ReturnedIdle) - before.to_use(Use::ReturnedIdle);
        let d_lines: Yuan = Source::ALL
            .iter()
            .filter(|s| !s.into_village_fund())
            .map(|s| now.source(*s) - before.source(*s))
            .sum();
        let m = &mut self.month;
        m.funds_in += d_in as f64;
        m.funds_spent += d_spent as f64;
        m.funds_misused += d_misused as f64;
        m.funds_returned += d_returned as f64;
        m.funds_leaked += (d_misused + d_returned) as f64;
        m.funds_earmarked += d_lines as f64;
    }

    /// Effort of one channel this month (read by the money submodels).
    pub(crate) fn effort_of(&self, channel: Channel) -> f64 {
        self.channel_effort[channel as usize]
    }
}

/// A village's own special-fund allocation for `year` if it were alone in its county under
/// the `equal` rule: its envelope (`spending_per_person x village_fund_share x persons on the
/// 2014 register`) x the year's funding index / the index summed over 2014-2020. For tests and
/// single-village studies; runs divide county totals (`sim::allocate_budget`).
pub fn own_allocation(params: &Params, village: &Village, year: u32) -> Yuan {
    let f = &params.funding;
    let index_sum: f64 = (2014..=2020)
        .map(|y| super::schedule::funding_index(f, y))
        .sum();
    if index_sum <= 0.0 {
        return 0;
    }
    let envelope =
        f.spending_per_person * f.village_fund_share * f64::from(village.registered_persons_2014);
    whole(envelope * super::schedule::funding_index(f, year) / index_sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_unspent_for_more_than_the_limit_is_returned() {
        let mut f = Funds::new(12);
        f.start_year();
        f.receive(0, Source::SpecialFunds, 1_000, 0.0);
        for t in 1..=12 {
            assert_eq!(f.start_month(t), 0, "month {t}");
        }
        assert_eq!(f.start_month(13), 1_000);
        assert_eq!(f.held(), 0);
        assert!(f.consistent());
    }

    #[test]
    fn spending_takes_the_oldest_money_first() {
        let mut f = Funds::new(12);
        f.start_year();
        f.receive(0, Source::SpecialFunds, 1_000, 0.0);
        f.receive(5, Source::UnitDirect, 1_000, 0.0);
        assert!(f.spend(Use::Training, 1_500, 6));
        // Month 0's money is gone; half of month 5's remains and is not idle at month 13.
        assert_eq!(f.start_month(13), 0);
        assert_eq!(f.start_month(18), 500);
        assert!(f.consistent());
    }

    #[test]
    fn a_fund_does_not_pay_what_it_does_not_hold() {
        let mut f = Funds::new(12);
        f.start_year();
        f.receive(0, Source::SpecialFunds, 100, 0.0);
        assert!(!f.spend(Use::Roads, 101, 0));
        assert_eq!(f.held(), 100);
        assert_eq!(f.spend_up_to(Use::TemporaryAssistance, 500, 0), 100);
        assert_eq!(f.held(), 0);
        assert!(f.consistent());
    }

    #[test]
    fn misuse_is_a_use_and_the_year_balances() {
        let mut f = Funds::new(12);
        f.start_year();
        let misused = f.receive(0, Source::SpecialFunds, 10_001, 0.05);
        assert_eq!(misused, 500);
        f.pass_through(Source::CountyLines, Use::Housing, 25_000);
        assert_eq!(f.year.to_use(Use::Misused), 500);
        assert_eq!(f.year.total_in(), 35_001);
        assert_eq!(f.held(), 9_501);
        assert!(f.consistent());
        f.start_year();
        assert_eq!(f.year.opening, 9_501);
        assert!(f.consistent());
    }

    #[test]
    fn a_secretary_brings_direct_and_coordinated_unit_money() {
        use crate::model::cadre::Cadre;
        use crate::model::schedule::Calendar;
        use crate::params::{Background, Params};
        let p = Params::small(1, 40, 24, 1);
        let calendar = Calendar { start_year: 2014 };
        let mut v = crate::model::village::Village::new(0, &p, 1, 0, calendar);
        v.allocation = 0;
        v.step_funds(&p, 0, calendar);
        assert_eq!(
            v.funds.year.source(Source::UnitDirect),
            0,
            "no secretary, no unit money"
        );
        let mut by_background = Vec::new();
        for bg in [Background::SocialWork, Background::Experienced] {
            v.cadre = Some(Cadre::arrive(bg, &p, None));
            v.funds.start_year();
            v.step_funds(&p, 1, calendar);
            let direct = v.funds.year.source(Source::UnitDirect) as f64;
            let coordinated = v.funds.year.source(Source::UnitCoordinated) as f64;
            assert!(direct > 0.0);
            by_background.push(coordinated / direct);
        }
        assert!((by_background[0] - 3.1).abs() < 0.01, "{by_background:?}");
        assert!((by_background[1] - 4.65).abs() < 0.01, "experienced x1.5");
        assert!(v.funds.consistent());
    }

    #[test]
    fn apportioned_parts_sum_to_the_total() {
        let mut parts = Vec::new();
        apportion(1_000_001, &[1.0, 1.0, 1.0], &mut parts);
        assert_eq!(parts.iter().sum::<Yuan>(), 1_000_001);
        assert_eq!(parts, vec![333_334, 333_334, 333_333]);
        apportion(10, &[0.0, 0.0], &mut parts);
        assert_eq!(parts, vec![5, 5]);
        apportion(7, &[3.0, 1.0], &mut parts);
        assert_eq!(parts.iter().sum::<Yuan>(), 7);
        assert!(parts[0] > parts[1]);
    }
}
