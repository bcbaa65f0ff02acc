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
