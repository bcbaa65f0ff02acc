//! Tidy CSV tables as bytes: one header line, plain numbers, no index column; missing values
//! (rates with a zero denominator) are empty fields, which pandas, polars and R read as NA.

use serde::Serialize;

use crate::sim::RunOutput;

/// Serialize rows to CSV bytes.
pub fn to_csv<R: Serialize>(rows: impl IntoIterator<Item = R>) -> anyhow::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer.serialize(row)?;
    }
    csv_bytes(writer)
}

/// The bytes of a CSV writer writing to memory (flushes it).
pub fn csv_bytes(writer: csv::Writer<Vec<u8>>) -> anyhow::Result<Vec<u8>> {
    writer
        .into_inner()
        .map_err(|e| anyhow::anyhow!("csv buffer: {e}"))
}

/// `timeseries.csv`: one row per (replicate, month), replicates in order.
pub fn timeseries_csv(runs: &[RunOutput]) -> anyhow::Result<Vec<u8>> {
    to_csv(runs.iter().flat_map(|r| r.months.iter()))
}

/// `annual.csv`: one row per (replicate, year), replicates in order.
pub fn annual_csv(runs: &[RunOutput]) -> anyhow::Result<Vec<u8>> {
    to_csv(runs.iter().flat_map(|r| r.years.iter()))
}

/// One row of `accounts.csv`: one source, use or holding of one year (MODEL.md 0.7).
#[derive(Debug, Clone, Serialize)]
pub struct AccountCsvRow {
    /// Replicate index.
    pub replicate: u32,
    /// Calendar year.
    pub year: u32,
    /// Village id; empty for the sum over villages.
    pub village: Option<u32>,
    /// `source`, `use` or `held`.
    pub kind: &'static str,
    /// The source, use, or `opening` / `closing` for holdings.
    pub item: &'static str,
    /// Whole yuan.
    pub yuan: i64,
}

/// `accounts.csv`: per replicate and complete year (and village, with `--per-village`), the
/// opening holding, money in by source, out by use, and the closing holding, whole yuan:
/// `opening + sources = uses + closing` holds exactly for every group of rows.
pub fn accounts_csv(runs: &[RunOutput]) -> anyhow::Result<Vec<u8>> {
    use crate::model::funds::{Source, Use};
    let mut rows = Vec::new();
    for run in runs {
        for r in &run.ledger {
            let a = &r.account;
            let row = |kind, item, yuan| AccountCsvRow {
                replicate: run.replicate,
                year: r.year,
                village: r.village,
                kind,
                item,
                yuan,
            };
            rows.push(row("held", "opening", a.opening));
            for s in Source::ALL {
                rows.push(row("source", s.name(), a.source(s)));
            }
            for u in Use::ALL {
                rows.push(row("use", u.name(), a.to_use(u)));
            }
            rows.push(row("held", "closing", a.closing));
        }
    }
    to_csv(rows)
}
