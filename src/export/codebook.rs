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
];

/// `codebook.csv`: the whole codebook (`file, name, unit, definition`), in the order above.
pub fn codebook_csv() -> anyhow::Result<Vec<u8>> {
    super::tables::to_csv(CODEBOOK.iter())
}

/// The entry for column `name` of table `file`, if documented.
pub fn entry(file: &str, name: &str) -> Option<&'static Column> {
    CODEBOOK.iter().find(|c| c.file == file && c.name == name)
}
