//! Writing that survives a crash: a file's bytes synced to disk, and a folder synced so that
//! the names created or renamed in it last too. Shared by results folders
//! ([`super::results_dir`]) and sweep journals (`sweep::journal`).

use std::fs::File;
use std::io::Write;
use std::path::Path;

use anyhow::Context;

/// Create (or truncate) `path`, write `bytes` and sync them to disk.
pub fn write_file_synced(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut file =
        File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Sync a folder (`""` is the current one), so a name created or renamed in it survives a
/// crash. A folder that cannot be opened for syncing (some file systems) is left as it is: the
/// files in it are already synced; a failing sync is an error.
pub fn sync_folder(dir: &Path) -> anyhow::Result<()> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    if let Ok(handle) = File::open(dir) {
        handle
            .sync_all()
            .with_context(|| format!("cannot sync {}", dir.display()))?;
    }
    Ok(())
}
