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
