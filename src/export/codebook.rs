//! The codebook: every column povsim writes, with its unit and definition, in one place.
//!
//! `povsim run` writes it beside the CSVs as `codebook.csv`, and a test checks that every
//! column of every table povsim writes has an entry here.

/// One documented column of one output table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
];
