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
];

/// `codebook.csv`: the whole codebook (`file, name, unit, definition`), in the order above.
pub fn codebook_csv() -> anyhow::Result<Vec<u8>> {
    super::tables::to_csv(CODEBOOK.iter())
}

/// The entry for column `name` of table `file`, if documented.
pub fn entry(file: &str, name: &str) -> Option<&'static Column> {
    CODEBOOK.iter().find(|c| c.file == file && c.name == name)
}
