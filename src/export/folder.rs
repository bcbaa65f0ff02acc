//! What lies at a path the user named for results, and whether povsim made it.
//!
//! povsim replaces (with `--force`) only a folder it wrote itself. The marker is the
//! `manifest.json` every results folder ends with (run, compare, sweep, merge): a regular
//! file, not a link, holding a JSON object with a string `povsim_version`. Anything else at
//! the path (a file, a link, a folder of the user's own) is never touched.

use std::fs;
use std::io::Read;
use std::path::Path;

/// The file whose presence (with a `povsim_version`) marks a folder as povsim's own.
pub const MANIFEST: &str = "manifest.json";

/// Largest manifest read when checking the marker (a real one is well below this).
const MANIFEST_LIMIT_BYTES: u64 = 64 * 1024 * 1024;

/// What is at a results path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Nothing: the path is free.
    Nothing,
    /// A folder povsim wrote (it holds povsim's manifest).
    PovsimResults,
    /// An empty folder (safe to fill; nothing of the user's would be lost).
    EmptyFolder,
    /// A folder that is not povsim's (the user's own files).
    OtherFolder,
    /// A regular file.
    File,
    /// A symbolic link (dangling or not): never followed for writing.
    Symlink,
    /// Something else (a socket, a device).
    Other,
}

impl Existing {
    /// A short phrase for messages: "a file", "a folder that povsim did not write", ...
    pub fn describe(self) -> &'static str {
        match self {
            Existing::Nothing => "nothing",
            Existing::PovsimResults => "a povsim results folder",
            Existing::EmptyFolder => "an empty folder",
            Existing::OtherFolder => {
                "a folder that povsim did not write (it has no povsim manifest.json)"
            }
            Existing::File => "a file",
            Existing::Symlink => "a symbolic link",
            Existing::Other => "something that is neither a file nor a folder",
        }
    }
}

/// Look at `path` without following a link at its end.
pub fn inspect(path: &Path) -> std::io::Result<Existing> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Existing::Nothing),
        Err(e) => return Err(e),
    };
    let kind = meta.file_type();
    if kind.is_symlink() {
        return Ok(Existing::Symlink);
    }
    if kind.is_file() {
        return Ok(Existing::File);
    }
    if !kind.is_dir() {
        return Ok(Existing::Other);
    }
    if is_povsim_results(path) {
        return Ok(Existing::PovsimResults);
    }
    if fs::read_dir(path)?.next().is_none() {
        return Ok(Existing::EmptyFolder);
    }
    Ok(Existing::OtherFolder)
}

/// Whether `dir` holds povsim's manifest: a regular `manifest.json` (not a link) whose JSON
/// object has a string `povsim_version`.
pub fn is_povsim_results(dir: &Path) -> bool {
    let path = dir.join(MANIFEST);
    let Ok(meta) = fs::symlink_metadata(&path) else {
        return false;
    };
    if !meta.file_type().is_file() || meta.len() > MANIFEST_LIMIT_BYTES {
        return false;
    }
    let mut text = String::new();
    let Ok(file) = fs::File::open(&path) else {
        return false;
    };
    if file
        .take(MANIFEST_LIMIT_BYTES)
        .read_to_string(&mut text)
        .is_err()
    {
        return false;
    }
    serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v.get("povsim_version").map(|v| v.is_string()))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_povsim_folders_from_everything_else() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path();
        assert_eq!(
            inspect(&root.join("free")).expect("inspect"),
            Existing::Nothing
        );

        fs::write(root.join("file"), "x").expect("write");
        assert_eq!(
            inspect(&root.join("file")).expect("inspect"),
            Existing::File
        );

        fs::create_dir(root.join("empty")).expect("mkdir");
        assert_eq!(
            inspect(&root.join("empty")).expect("inspect"),
            Existing::EmptyFolder
        );

        fs::create_dir(root.join("mine")).expect("mkdir");
        fs::write(root.join("mine/notes.txt"), "my notes").expect("write");
        assert_eq!(
            inspect(&root.join("mine")).expect("inspect"),
            Existing::OtherFolder
        );

        // A manifest that is not povsim's does not make the folder povsim's.
        fs::write(root.join("mine/manifest.json"), "{\"name\": 1}").expect("write");
        assert_eq!(
            inspect(&root.join("mine")).expect("inspect"),
            Existing::OtherFolder
        );

        fs::create_dir(root.join("results")).expect("mkdir");
        fs::write(
            root.join("results/manifest.json"),
            "{\"povsim_version\": \"0.1.0\"}",
        )
        .expect("write");
        assert_eq!(
            inspect(&root.join("results")).expect("inspect"),
            Existing::PovsimResults
        );

        std::os::unix::fs::symlink(root.join("results"), root.join("link")).expect("symlink");
        assert_eq!(
            inspect(&root.join("link")).expect("inspect"),
            Existing::Symlink
        );
        std::os::unix::fs::symlink(root.join("gone"), root.join("dangling")).expect("symlink");
        assert_eq!(
            inspect(&root.join("dangling")).expect("inspect"),
            Existing::Symlink
        );
    }
}
