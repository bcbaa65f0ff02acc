//! The codebook: every column of every table `povsim run --per-village` writes is documented in
//! the `codebook.csv` it writes beside them (name, unit, definition), and the codebook documents
//! no column that no table has.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{run_in, stderr, SMALL};

/// (file, column) pairs of a CSV file's header.
fn header(dir: &Path, file: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(dir.join(file)).expect("read table");
    let first = text.lines().next().unwrap_or_default();
    first
        .split(',')
        .map(|c| (file.to_string(), c.to_string()))
        .collect()
}

#[test]
fn every_column_written_is_in_the_codebook_and_every_entry_is_written() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut args = vec!["run", "--per-village", "--quiet", "--out", "r"];
    args.extend(SMALL);
    let out = run_in(tmp.path(), &args);
    assert!(out.status.success(), "run failed: {}", stderr(&out));
    let dir = tmp.path().join("r");

    let mut reader = csv::Reader::from_path(dir.join("codebook.csv")).expect("codebook.csv");
    assert_eq!(
        reader.headers().expect("header").iter().collect::<Vec<_>>(),
        ["file", "name", "unit", "definition"]
    );
    let mut documented = BTreeSet::new();
    for row in reader.records() {
        let row = row.expect("codebook row");
        assert!(
            !row[2].trim().is_empty() && !row[3].trim().is_empty(),
            "codebook entry {}:{} has no unit or no definition",
            &row[0],
            &row[1]
        );
        assert!(
            documented.insert((row[0].to_string(), row[1].to_string())),
            "codebook documents {}:{} twice",
            &row[0],
            &row[1]
        );
    }

    let mut written = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).expect("list results") {
        let name = entry
            .expect("entry")
            .file_name()
            .into_string()
            .expect("utf-8");
        if name.ends_with(".csv") && name != "codebook.csv" {
            written.extend(header(&dir, &name));
        }
    }
    assert!(written.len() > 50, "too few columns written: {written:?}");
    let undocumented: Vec<_> = written.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "columns without a codebook entry: {undocumented:?}"
    );
    let stale: Vec<_> = documented.difference(&written).collect();
    assert!(stale.is_empty(), "codebook entries no table has: {stale:?}");
}
