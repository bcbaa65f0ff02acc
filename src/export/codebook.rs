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
    // Tables of `povsim run` from model v1 on (timeseries.csv, annual.csv, villages.csv).
    Column { file: "timeseries.csv", name: "replicate", unit: "index (0-based)", definition: "Replicate index." },
    Column { file: "timeseries.csv", name: "month", unit: "YYYY-MM", definition: "YYYY-MM." },
    Column { file: "timeseries.csv", name: "households", unit: "households", definition: "Households (conserved)." },
    Column { file: "timeseries.csv", name: "truly_poor", unit: "households", definition: "Truly poor households: rolling income below the line or a guarantee missing." },
    Column { file: "timeseries.csv", name: "registered", unit: "households", definition: "Households on the poverty register." },
    Column { file: "timeseries.csv", name: "exited", unit: "households", definition: "Officially exited households (not re-registered since)." },
    Column { file: "timeseries.csv", name: "exited_truly_poor", unit: "households", definition: "Officially exited but truly poor now." },
    Column { file: "timeseries.csv", name: "monitored", unit: "households", definition: "Households flagged by relapse-prevention monitoring." },
    Column { file: "timeseries.csv", name: "dibao", unit: "households", definition: "Households enrolled in dibao." },
    Column { file: "timeseries.csv", name: "exits_cum", unit: "households", definition: "Official exits so far." },
    Column { file: "timeseries.csv", name: "true_exits_cum", unit: "households", definition: "Exits of households not truly poor at exit, so far." },
    Column { file: "timeseries.csv", name: "fake_exits_cum", unit: "households", definition: "Exits of households truly poor at exit, so far." },
    Column { file: "timeseries.csv", name: "relapses_cum", unit: "households", definition: "Relapse events so far." },
    Column { file: "timeseries.csv", name: "new_poor_cum", unit: "households", definition: "New-poverty events so far." },
    Column { file: "timeseries.csv", name: "mean_income_pc", unit: "yuan per person-year", definition: "Mean 12-month rolling income per capita, yuan per person-year." },
    Column { file: "timeseries.csv", name: "poverty_line", unit: "yuan per person-year", definition: "Poverty line this year, yuan per person-year." },
    Column { file: "timeseries.csv", name: "mean_enthusiasm", unit: "index (0-1)", definition: "Mean enthusiasm of secretaries in post (0 before they arrive)." },
    Column { file: "timeseries.csv", name: "mean_knowledge", unit: "index (0-1)", definition: "Mean village knowledge of secretaries in post." },
    Column { file: "timeseries.csv", name: "funds_in", unit: "yuan", definition: "Money arriving this month, yuan." },
    Column { file: "timeseries.csv", name: "funds_spent", unit: "yuan", definition: "Money spent this month, yuan." },
    Column { file: "timeseries.csv", name: "funds_leaked", unit: "yuan", definition: "Money leaked this month (idle + misused), yuan." },
    Column { file: "timeseries.csv", name: "funds_held", unit: "yuan", definition: "Money in villages' hands at month end (balance + idle not yet returned), yuan." },
    Column { file: "timeseries.csv", name: "industries_building", unit: "projects", definition: "Projects in their cultivation period." },
    Column { file: "timeseries.csv", name: "industries_producing", unit: "projects", definition: "Producing projects." },
    Column { file: "timeseries.csv", name: "industries_failed", unit: "projects", definition: "Failed projects so far." },
    Column { file: "timeseries.csv", name: "contacts", unit: "count", definition: "Household contacts this month." },
    Column { file: "timeseries.csv", name: "cadres_young_graduate", unit: "secretaries", definition: "Secretaries in post with background young_graduate (0 where none)." },
    Column { file: "timeseries.csv", name: "cadres_experienced", unit: "secretaries", definition: "Secretaries in post with background experienced (0 where none)." },
    Column { file: "timeseries.csv", name: "cadres_economic", unit: "secretaries", definition: "Secretaries in post with background economic (0 where none)." },
    Column { file: "timeseries.csv", name: "cadres_party_building", unit: "secretaries", definition: "Secretaries in post with background party_building (0 where none)." },
    Column { file: "timeseries.csv", name: "cadres_social_work", unit: "secretaries", definition: "Secretaries in post with background social_work (0 where none)." },
    Column { file: "timeseries.csv", name: "enthusiasm_young_graduate", unit: "index (0-1)", definition: "Mean enthusiasm of secretaries with background young_graduate (0 where none)." },
    Column { file: "timeseries.csv", name: "enthusiasm_experienced", unit: "index (0-1)", definition: "Mean enthusiasm of secretaries with background experienced (0 where none)." },
    Column { file: "timeseries.csv", name: "enthusiasm_economic", unit: "index (0-1)", definition: "Mean enthusiasm of secretaries with background economic (0 where none)." },
    Column { file: "timeseries.csv", name: "enthusiasm_party_building", unit: "index (0-1)", definition: "Mean enthusiasm of secretaries with background party_building (0 where none)." },
    Column { file: "timeseries.csv", name: "enthusiasm_social_work", unit: "index (0-1)", definition: "Mean enthusiasm of secretaries with background social_work (0 where none)." },
    Column { file: "timeseries.csv", name: "knowledge_young_graduate", unit: "index (0-1)", definition: "Mean knowledge of secretaries with background young_graduate (0 where none)." },
    Column { file: "timeseries.csv", name: "knowledge_experienced", unit: "index (0-1)", definition: "Mean knowledge of secretaries with background experienced (0 where none)." },
    Column { file: "timeseries.csv", name: "knowledge_economic", unit: "index (0-1)", definition: "Mean knowledge of secretaries with background economic (0 where none)." },
    Column { file: "timeseries.csv", name: "knowledge_party_building", unit: "index (0-1)", definition: "Mean knowledge of secretaries with background party_building (0 where none)." },
    Column { file: "timeseries.csv", name: "knowledge_social_work", unit: "index (0-1)", definition: "Mean knowledge of secretaries with background social_work (0 where none)." },
    Column { file: "annual.csv", name: "replicate", unit: "index (0-based)", definition: "Replicate index." },
    Column { file: "annual.csv", name: "year", unit: "year", definition: "Calendar year." },
    Column { file: "annual.csv", name: "registered_start", unit: "households", definition: "Registered households on 1 January." },
    Column { file: "annual.csv", name: "exits", unit: "households", definition: "Official exits this year." },
    Column { file: "annual.csv", name: "true_exits", unit: "households", definition: "Exits of households not truly poor at exit." },
    Column { file: "annual.csv", name: "fake_exits", unit: "households", definition: "Exits of households truly poor at exit (\"numbers-only\" exits)." },
    Column { file: "annual.csv", name: "relapses", unit: "households", definition: "Relapse events (exited household's income fell below the line)." },
    Column { file: "annual.csv", name: "new_poor", unit: "households", definition: "New-poverty events (never-registered household fell below the line)." },
    Column { file: "annual.csv", name: "exit_rate", unit: "share (0-1)", definition: "exits / registered_start." },
    Column { file: "annual.csv", name: "relapse_rate", unit: "share (0-1)", definition: "relapses / exited_stock_start." },
    Column { file: "annual.csv", name: "truly_poor_end", unit: "households", definition: "Truly poor households on 31 December." },
    Column { file: "annual.csv", name: "registered_end", unit: "households", definition: "Registered households on 31 December." },
    Column { file: "annual.csv", name: "registered_relative", unit: "share (0-1)", definition: "registered_end relative to the first year's registered_end." },
    Column { file: "annual.csv", name: "sustained_exits", unit: "households", definition: "True exits this year not followed by a relapse within 24 months (or within the months observed, see sustained_window_months)." },
    Column { file: "annual.csv", name: "sustained_window_months", unit: "months", definition: "Months after this year's exits that the run observed (24 = complete)." },
    Column { file: "annual.csv", name: "exited_stock_start", unit: "households", definition: "Exited households (not re-registered) on 1 January." },
    Column { file: "annual.csv", name: "re_registrations", unit: "households", definition: "Previously exited households registered again." },
    Column { file: "annual.csv", name: "removals", unit: "households", definition: "Wrongly registered households removed by a re-check." },
    Column { file: "annual.csv", name: "missed_poor_end", unit: "households", definition: "Truly poor households not registered on 31 December (exclusion errors)." },
    Column { file: "annual.csv", name: "wrongly_registered_end", unit: "households", definition: "Registered households not truly poor on 31 December (inclusion errors, plus households that have risen above the line but not yet been exited)." },
    Column { file: "annual.csv", name: "inclusion_errors_end", unit: "households", definition: "Registered households that were not truly poor when registered and have not been found by a re-check (inclusion errors proper)." },
    Column { file: "annual.csv", name: "registered_ill_share", unit: "share (0-1)", definition: "Share of registered households with illness as a cause on 31 December." },
    Column { file: "annual.csv", name: "mean_income_pc", unit: "yuan per person-year", definition: "Mean rolling income per capita on 31 December, yuan per person-year." },
    Column { file: "annual.csv", name: "median_income_pc", unit: "yuan per person-year", definition: "Median rolling income per capita on 31 December, yuan per person-year." },
    Column { file: "annual.csv", name: "registered_mean_income_pc", unit: "yuan per person-year", definition: "Mean rolling income per capita of registered households on 31 December." },
    Column { file: "annual.csv", name: "gini", unit: "share (0-1)", definition: "Gini coefficient of rolling income per capita across households on 31 December." },
    Column { file: "annual.csv", name: "funds_in", unit: "yuan", definition: "Money arriving this year, yuan." },
    Column { file: "annual.csv", name: "funds_spent", unit: "yuan", definition: "Money spent this year, yuan." },
    Column { file: "annual.csv", name: "funds_leaked", unit: "yuan", definition: "Money leaked this year (idle + misused), yuan." },
    Column { file: "annual.csv", name: "leakage_share", unit: "share (0-1)", definition: "Problem funds (misused + returned idle) / (opening balances + village-fund inflow): the audits' problem-fund share (line money, which cannot lie idle, excluded)." },
    Column { file: "annual.csv", name: "collective_income", unit: "yuan", definition: "Village collective income from producing industries this year, yuan." },
    Column { file: "annual.csv", name: "cost_per_sustained_exit", unit: "yuan", definition: "funds_spent / sustained_exits." },
    Column { file: "annual.csv", name: "promotions", unit: "secretaries", definition: "Cadres promoted at the end of their term." },
    Column { file: "annual.csv", name: "recalls", unit: "secretaries", definition: "Cadres recalled after a poor assessment." },
    Column { file: "annual.csv", name: "relocated", unit: "households", definition: "Households relocated." },
    Column { file: "villages.csv", name: "replicate", unit: "index (0-based)", definition: "Replicate index." },
    Column { file: "villages.csv", name: "year", unit: "year", definition: "Calendar year." },
    Column { file: "villages.csv", name: "village", unit: "id (0-based)", definition: "Village id." },
    Column { file: "villages.csv", name: "county", unit: "id (0-based)", definition: "County id." },
    Column { file: "villages.csv", name: "households", unit: "households", definition: "Households." },
    Column { file: "villages.csv", name: "remoteness", unit: "index (0-1)", definition: "Remoteness, 0, 1." },
    Column { file: "villages.csv", name: "infrastructure", unit: "index (0-1)", definition: "Infrastructure, 0, 1." },
    Column { file: "villages.csv", name: "organisation", unit: "index (0-1)", definition: "Organisation, 0, 1." },
    Column { file: "villages.csv", name: "trust", unit: "index (0-1)", definition: "Trust, 0, 1." },
    Column { file: "villages.csv", name: "industry_base", unit: "index (0-1)", definition: "Industry base including producing projects, 0, 1." },
    Column { file: "villages.csv", name: "eco_restricted", unit: "true/false", definition: "In a conservation area." },
    Column { file: "villages.csv", name: "cadre_background", unit: "text", definition: "Background of the secretary in post (\"\" before secretaries arrive)." },
    Column { file: "villages.csv", name: "cadre_months_in_post", unit: "months", definition: "Their months in this village." },
    Column { file: "villages.csv", name: "cadre_enthusiasm", unit: "index (0-1)", definition: "Their enthusiasm." },
    Column { file: "villages.csv", name: "cadre_knowledge", unit: "index (0-1)", definition: "Their local knowledge." },
    Column { file: "villages.csv", name: "registered_start", unit: "households", definition: "Registered on 1 January." },
    Column { file: "villages.csv", name: "exits", unit: "households", definition: "Official exits this year." },
    Column { file: "villages.csv", name: "true_exits", unit: "households", definition: "True exits this year." },
    Column { file: "villages.csv", name: "fake_exits", unit: "households", definition: "Fake exits this year." },
    Column { file: "villages.csv", name: "relapses", unit: "households", definition: "Relapse events this year." },
    Column { file: "villages.csv", name: "new_poor", unit: "households", definition: "New-poverty events this year." },
    Column { file: "villages.csv", name: "registered_end", unit: "households", definition: "Registered on 31 December." },
    Column { file: "villages.csv", name: "truly_poor_end", unit: "households", definition: "Truly poor on 31 December." },
    Column { file: "villages.csv", name: "industries_producing", unit: "projects", definition: "Producing projects." },
    Column { file: "villages.csv", name: "industries_failed", unit: "projects", definition: "Failed projects so far." },
    Column { file: "villages.csv", name: "funds_held", unit: "yuan", definition: "Money held on 31 December (balance and idle), yuan." },
    Column { file: "villages.csv", name: "collective_income", unit: "yuan", definition: "Collective income this year, yuan." },
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
    // Model v2 outputs (MODEL.md section 8 "Added in v2", section 7 calibration targets).
    Column {
        file: "annual.csv",
        name: "cohort_households",
        unit: "households",
        definition: "Households of the start cohort (on the 2014 register after the first identification, 建档立卡) in the world on 31 December, exited or not; households are conserved, so this is the 2014 registered_end in every year.",
    },
    Column {
        file: "annual.csv",
        name: "cohort_mean_income_pc",
        unit: "yuan per person-year",
        definition: "The start cohort's per-capita income this calendar year, person-weighted (sum of household income January-December / sum of household size), exited or not: the official registered households' per-capita income (3,416 yuan in 2015, 10,740 in 2020).",
    },
    Column {
        file: "annual.csv",
        name: "households_end",
        unit: "households",
        definition: "Households on 31 December.",
    },
    Column {
        file: "annual.csv",
        name: "funds_problem",
        unit: "yuan",
        definition: "Problem funds by the audits' definition this year: the accounts' uses misused plus returned_idle (village-fund money idle over projects.idle_months), summed over villages (accounts.csv).",
    },
    Column {
        file: "annual.csv",
        name: "truly_poor_no_labour",
        unit: "households",
        definition: "Truly poor households on 31 December with no able working-age adult in the household (labour 0: only the elderly, the disabled or children; a labourer working away or in a local job counts as labour); causes are not exclusive (docs/MODEL.md 7.22, Causes of the truly poor).",
    },
    Column {
        file: "annual.csv",
        name: "truly_poor_ill",
        unit: "households",
        definition: "Truly poor households on 31 December with illness as a cause: a chronically ill member, or an illness episode within the last 12 months (the rule of registered_ill_share); causes are not exclusive (docs/MODEL.md 7.22, Causes of the truly poor).",
    },
    Column {
        file: "annual.csv",
        name: "truly_poor_aged",
        unit: "households",
        definition: "Truly poor households on 31 December with a member who has left working age (aged or disabled; demography, MODEL.md 0.2); causes are not exclusive (docs/MODEL.md 7.22, Causes of the truly poor).",
    },
    Column {
        file: "annual.csv",
        name: "truly_poor_low_skill",
        unit: "households",
        definition: "Truly poor households on 31 December with skill at or below 0.3, the level at which household support diagnoses training as the fitting measure; causes are not exclusive (docs/MODEL.md 7.22, Causes of the truly poor).",
    },
    Column {
        file: "annual.csv",
        name: "truly_poor_remote",
        unit: "households",
        definition: "Truly poor households on 31 December with living in a remote village (remoteness >= policy.remote_threshold, the village-exit rule's remote villages), not relocated; causes are not exclusive (docs/MODEL.md 7.22, Causes of the truly poor).",
    },
    Column {
        file: "villages.csv",
        name: "truly_poor_no_labour",
        unit: "households",
        definition: "Truly poor households of the village on 31 December with no able working-age adult in the household (as annual.csv truly_poor_no_labour).",
    },
    Column {
        file: "villages.csv",
        name: "truly_poor_ill",
        unit: "households",
        definition: "Truly poor households of the village on 31 December with illness as a cause: a chronically ill member, or an illness episode within the last 12 months (as annual.csv truly_poor_ill).",
    },
    Column {
        file: "villages.csv",
        name: "truly_poor_aged",
        unit: "households",
        definition: "Truly poor households of the village on 31 December with a member who has left working age (as annual.csv truly_poor_aged).",
    },
    Column {
        file: "villages.csv",
        name: "truly_poor_low_skill",
        unit: "households",
        definition: "Truly poor households of the village on 31 December with skill at or below 0.3, the level at which household support diagnoses training as the fitting measure (as annual.csv truly_poor_low_skill).",
    },
    Column {
        file: "villages.csv",
        name: "truly_poor_remote",
        unit: "households",
        definition: "Truly poor households of the village on 31 December with living in a remote village (as annual.csv truly_poor_remote).",
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
