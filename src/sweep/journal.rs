//! The journal of a sweep in progress: a CSV file with the header of `sweep.csv` to which each
//! finished point's rows are appended in one write and synced to disk. Every complete line is
//! a finished row, so the file is valid CSV at any moment; a line cut short by a crash (or a
//! point with missing replicates) is dropped when the journal is reopened, and that point runs
//! again. Rerunning the same sweep resumes from the journal.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use csv::StringRecord;

use super::output::Rows;
use crate::export::durable::{sync_folder, write_file_synced};
use crate::export::tables::csv_bytes;

/// An open journal.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
}

impl Journal {
    /// Open the journal at `path` (creating it with `header` if absent) and return the rows of
    /// every point already finished (all `replicates` rows present). Returns `None` if a
    /// journal exists with a different header (it belongs to something else).
    pub fn open(
        path: &Path,
        header: &[String],
        replicates: u32,
    ) -> anyhow::Result<Option<(Journal, Rows)>> {
        let mut rows = Rows::new();
        if path.exists() {
            let bytes =
                fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            let Some(found) = read_rows(&bytes, header, replicates) else {
                return Ok(None);
            };
            rows = found;
            // Keep only what was read cleanly (drops a torn last line or an incomplete point).
            let mut clean = header_bytes(header)?;
            for records in rows.values() {
                clean.extend(records_bytes(records)?);
            }
            if clean != bytes {
                write_synced(path, &clean)?;
            }
        } else {
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
            }
            write_synced(path, &header_bytes(header)?)?;
        }
        let file = OpenOptions::new()
            .append(true)
            .open(path)
            .with_context(|| format!("cannot open {} for appending", path.display()))?;
        Ok(Some((
            Journal {
                path: path.to_path_buf(),
                file,
            },
            rows,
        )))
    }

    /// Append one finished point's rows (CSV bytes, whole lines) and sync them to disk.
    pub fn append(&mut self, rows: &[u8]) -> anyhow::Result<()> {
        self.file
            .write_all(rows)
            .and_then(|()| self.file.sync_data())
            .with_context(|| format!("cannot append to {}", self.path.display()))
    }

    /// Where the journal is.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Read a journal's rows grouped by point; `None` if its header is not `header`.
pub fn read_rows(bytes: &[u8], header: &[String], replicates: u32) -> Option<Rows> {
    // Only whole lines count.
    let end = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(&bytes[..end]);
    let found: Vec<String> = reader.headers().ok()?.iter().map(String::from).collect();
    if found != header {
        return None;
    }
    let mut rows = Rows::new();
    for record in reader.records() {
        let Ok(record) = record else { continue };
        if record.len() != header.len() {
            continue;
        }
        let (Some(Ok(point)), Some(Ok(replicate))) = (
            record.get(0).map(str::parse::<u32>),
            record.get(1).map(str::parse::<u32>),
        ) else {
            continue;
        };
        let entry = rows.entry(point).or_default();
        if entry.len() as u32 == replicate {
            entry.push(record);
        }
    }
    rows.retain(|_, records| records.len() as u32 == replicates);
    Some(rows)
}

fn header_bytes(header: &[String]) -> anyhow::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header)?;
    csv_bytes(writer)
}

fn records_bytes(records: &[StringRecord]) -> anyhow::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for r in records {
        writer.write_record(r)?;
    }
    csv_bytes(writer)
}

/// Write a file completely under a temporary name (`.NAME.tmp-PID`, removed by the next sweep
/// in the folder if this process dies first), sync it, rename it into place and sync the folder.
pub fn write_synced(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    write_file_synced(&tmp, bytes)?;
    fs::rename(&tmp, path).with_context(|| format!("cannot move {} into place", path.display()))?;
    sync_folder(path.parent().unwrap_or(Path::new("")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Vec<String> {
        ["point", "replicate", "x"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    #[test]
    fn a_torn_line_and_an_incomplete_point_are_dropped_on_reopening() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("j.csv");
        {
            let (mut j, rows) = Journal::open(&path, &header(), 2)
                .expect("open")
                .expect("ours");
            assert!(rows.is_empty());
            j.append(b"3,0,1.5\n3,1,2.5\n").expect("append");
            j.append(b"7,0,9\n").expect("append"); // point 7 lacks replicate 1
            j.append(b"5,0,4\n5,1,4.").expect("append"); // torn
        }
        let (_, rows) = Journal::open(&path, &header(), 2)
            .expect("open")
            .expect("ours");
        assert_eq!(rows.keys().copied().collect::<Vec<_>>(), vec![3]);
        assert_eq!(
            fs::read_to_string(&path).expect("read"),
            "point,replicate,x\n3,0,1.5\n3,1,2.5\n"
        );
    }

    #[test]
    fn a_journal_with_another_header_is_not_taken() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("j.csv");
        fs::write(&path, "point,replicate,y\n").expect("write");
        assert!(Journal::open(&path, &header(), 1).expect("open").is_none());
    }
}
