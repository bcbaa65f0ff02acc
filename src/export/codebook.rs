//! The codebook: every column povsim writes, with its unit and definition, in one place.
//!
//! `povsim run` writes it beside the CSVs as `codebook.csv`, and a test checks that every
//! column of every table povsim writes has an entry here.

/// One documented column of one output table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Column {
    /// The table's file name, e.g. `"annual.csv"`.
    pub file: &'static str,
    /// The column's header exactly as written.
    pub name: &'static str,
    /// Unit, e.g. `"households"`, `"yuan per person-year"`, `"share (0-1)"`, `"year"`.
    pub unit: &'static str,
    /// What the column measures, in one sentence.
    pub definition: &'static str,
}

/// Every column povsim writes. Add one entry per new output column (tables in any order).
pub const CODEBOOK: &[Column] = &[
    // Column { file: "annual.csv", name: "year", unit: "year", definition: "Calendar year." },
    Column {
        file: "annual.csv",
        name: "monitored_unstable",
        unit: "households",
        definition: "Households monitored this year as unstable: exited, rolling income per \
                     capita below policy.monitoring_band x the line at the last December \
                     (MODEL.md 0.5).",
    },
    Column {
        file: "annual.csv",
        name: "monitored_marginal",
        unit: "households",
        definition: "Households monitored this year as marginal: never registered, rolling \
                     income per capita below policy.monitoring_band x the line at the last \
                     December (MODEL.md 0.5).",
    },
    Column {
        file: "annual.csv",
        name: "monitored_hardship",
        unit: "households",
        definition: "Households monitored this year after a sudden hardship: an illness costing \
                     over monitoring.hardship_share of annual income, or a disaster while \
                     farming (MODEL.md 0.5).",
    },
    Column {
        file: "annual.csv",
        name: "monitoring_visits",
        unit: "visits",
        definition: "Monitoring visits to monitored households this year (MODEL.md 0.5).",
    },
    Column {
        file: "annual.csv",
        name: "monitoring_spent",
        unit: "yuan",
        definition: "Paid from village funds at monitoring visits this year: temporary \
                     assistance, training and job placement (MODEL.md 0.5).",
    },
    Column {
        file: "annual.csv",
        name: "aged_out",
        unit: "persons",
        definition: "Labourers who left working age this year (demography, MODEL.md 0.2).",
    },
    Column {
        file: "accounts.csv",
        name: "replicate",
        unit: "index",
        definition: "Replicate (0-based).",
    },
    Column {
        file: "accounts.csv",
        name: "year",
        unit: "year",
        definition: "Calendar year of the account (complete years only).",
    },
    Column {
        file: "accounts.csv",
        name: "village",
        unit: "id",
        definition: "Village id with --per-village; empty for the sum over all villages.",
    },
    Column {
        file: "accounts.csv",
        name: "kind",
        unit: "category",
        definition: "source (money in), use (money out: spent, misused or returned idle) or \
                     held (the village fund's opening or closing balance).",
    },
    Column {
        file: "accounts.csv",
        name: "item",
        unit: "category",
        definition: "The source (special_funds, reallocated, county_lines, unit_direct, \
                     unit_coordinated, civil_affairs_dibao, microcredit_lending), the use \
                     (training, placement, housing, ..., misused, returned_idle) or \
                     opening / closing; opening + sources = uses + closing for each \
                     replicate, year and village.",
    },
    Column {
        file: "accounts.csv",
        name: "yuan",
        unit: "yuan (whole)",
        definition: "Amount of the item in the year, whole yuan (MODEL.md section 0.7).",
    },
    // Exits and relapse (MODEL.md 0.3, 0.4; track `exits`).
    Column {
        file: "annual.csv",
        name: "planned_exits",
        unit: "households",
        definition: "Exits planned by the counties this year: each county's registered_start / (deadline_year - year + 1), none after the deadline or under policy.exit_plan = \"none\" (MODEL.md 0.3).",
    },
    Column {
        file: "annual.csv",
        name: "qualified_exits",
        unit: "households",
        definition: "Registered households whose assessed income met the unbent exit standard in December (before pressure bends the bar).",
    },
    Column {
        file: "annual.csv",
        name: "exits_reversed",
        unit: "households",
        definition: "Exits reversed by third-party checks this year (back on the register; not counted in exits).",
    },
    Column {
        file: "annual.csv",
        name: "exits_work",
        unit: "households",
        definition: "Official exits carried by work and other income (farming, migrant remittances, pensions).",
    },
    Column {
        file: "annual.csv",
        name: "exits_industry",
        unit: "households",
        definition: "Official exits carried by industry dividends or a local industry job (without them the assessed income would be below the bar).",
    },
    Column {
        file: "annual.csv",
        name: "exits_public_job",
        unit: "households",
        definition: "Official exits carried by a public-welfare job wage (0 until the programmes track adds the jobs).",
    },
    Column {
        file: "annual.csv",
        name: "exits_dibao",
        unit: "households",
        definition: "Official exits carried by dibao, the bottom line (without the dibao top-up the assessed income would be below the bar).",
    },
    Column {
        file: "annual.csv",
        name: "exits_relocation",
        unit: "households",
        definition: "Official exits of relocated households.",
    },
    Column {
        file: "annual.csv",
        name: "exits_numbers_only",
        unit: "households",
        definition: "Official exits by the numbers-only quota under plan pressure, not by income (standard rules only).",
    },
    Column {
        file: "annual.csv",
        name: "relapses_no_income_fall",
        unit: "households",
        definition: "Relapses whose household's true calendar-year income did not fall from the previous year's (relapses_no_fall_line_step + relapses_no_fall_noise).",
    },
    Column {
        file: "annual.csv",
        name: "relapses_no_fall_line_step",
        unit: "households",
        definition: "Relapses without an income fall whose true income per capita is at least last year's line but below this year's: the line stepped over an unchanged income.",
    },
    Column {
        file: "annual.csv",
        name: "relapses_no_fall_noise",
        unit: "households",
        definition: "Relapses without an income fall otherwise: the assessment noise, not the household, moved.",
    },
    Column {
        file: "annual.csv",
        name: "relapse_no_fall_share",
        unit: "share (0-1)",
        definition: "relapses_no_income_fall / relapses; empty when there were no relapses.",
    },
    Column {
        file: "annual.csv",
        name: "monthly_crossings",
        unit: "households",
        definition: "Diagnostic: months in which an exited household's 12-month rolling income crossed below the line (v1's monthly relapse rule, no episodes); not a relapse count.",
    },
    Column {
        file: "annual.csv",
        name: "villages_exited",
        unit: "villages",
        definition: "Villages that have exited by 31 December: registered households below 2% of registered-ever (3% if remoteness >= policy.remote_threshold); never revoked.",
    },
    Column {
        file: "annual.csv",
        name: "counties_exited",
        unit: "counties",
        definition: "Counties all of whose villages have exited, by 31 December.",
    },
    Column {
        file: "villages.csv",
        name: "village_exit_year",
        unit: "year",
        definition: "Year the village exited (empty if not yet).",
    },
    Column {
        file: "villages.csv",
        name: "county_exit_year",
        unit: "year",
        definition: "Year the village's county exited (empty if not yet).",
    },
    Column {
        file: "villages.csv",
        name: "covered",
        unit: "true/false",
        definition: "The village is among those that get a first secretary (cadres.coverage, drawn at setup): the panel's treatment group.",
    },
    Column {
        file: "villages.csv",
        name: "secretary_months",
        unit: "months (0-12)",
        definition: "Months of the year with a first secretary in post.",
    },
    Column {
        file: "villages.csv",
        name: "weakest_area",
        unit: "background key",
        definition: "The specialist whose area is the village's weakest on 31 December (party_building = organisation, economic = industry base, social_work = trust), true levels: the binding constraint matched selection reads.",
    },
    Column {
        file: "villages.csv",
        name: "weakest_gap",
        unit: "index points (0-1)",
        definition: "How far the weakest of organisation, industry base and trust lies below the mean of the other two.",
    },
    Column {
        file: "villages.csv",
        name: "mean_income_pc",
        unit: "yuan per person-year",
        definition: "Village mean income per capita on 31 December: households' income per capita weighted by household size.",
    },
    Column {
        file: "annual.csv",
        name: "dibao_households",
        unit: "households",
        definition: "Households on dibao after the December review, at the county standard (MODEL.md 0.1).",
    },
    Column {
        file: "annual.csv",
        name: "dibao_paid",
        unit: "yuan",
        definition: "Dibao top-ups paid this year from the civil-affairs budget (gap to the county standard, monthly).",
    },
    Column {
        file: "annual.csv",
        name: "insurance_lapsed",
        unit: "households",
        definition: "Registered or post-exit-supported households whose medical insurance was not renewed at this year's January renewal (take-up 0.7 + 0.3 x outreach).",
    },
    Column {
        file: "annual.csv",
        name: "houses_renovated",
        unit: "households",
        definition: "Houses renovated this year by the county housing queue (capacity 0.25 of unsafe registered houses).",
    },
    Column {
        file: "annual.csv",
        name: "public_posts",
        unit: "posts",
        definition: "Public-welfare and ecological-ranger posts filled in December for next year.",
    },
    Column {
        file: "annual.csv",
        name: "loans_made",
        unit: "loans",
        definition: "Poverty-alleviation microcredit loans made this year (December).",
    },
    Column {
        file: "annual.csv",
        name: "loan_defaults",
        unit: "loans",
        definition: "Microcredit loans that defaulted at maturity this year (enterprise failed, assets short).",
    },
    Column {
        file: "annual.csv",
        name: "programme_spending",
        unit: "yuan",
        definition: "Public money the household programmes paid this year: dibao, insurance premiums, housing, public-job wages, microcredit interest, relocation.",
    },
];

/// `codebook.csv`: the whole codebook (`file, name, unit, definition`), in the order above.
pub fn codebook_csv() -> anyhow::Result<Vec<u8>> {
    super::tables::to_csv(CODEBOOK.iter())
}

/// The entry for column `name` of table `file`, if documented.
pub fn entry(file: &str, name: &str) -> Option<&'static Column> {
    CODEBOOK.iter().find(|c| c.file == file && c.name == name)
}
