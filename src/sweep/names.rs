//! Names a user types that povsim turns into file names, folder names or Slurm job names (a
//! sweep's `name`): checked against a safe set before anything is written, so no name can
//! leave the results folder (`../x`), hide itself (`.x`), or break out of a generated script
//! (a newline, `$(...)`, quotes).

/// Longest name allowed, in bytes: leaves room for `sweep-` and the `outputs/` path within the
/// 255-byte file-name limit of common file systems, and keeps Slurm job names short.
pub const MAX_NAME_BYTES: usize = 100;

/// What a safe name may contain, for messages.
pub const ALLOWED: &str = "1 to 100 characters from A-Z a-z 0-9 . _ -, starting with a letter, a digit or _, without \"..\"";

/// Whether `name` is safe as a file name, folder name and job name; `Err` says what is wrong.
pub fn check_name(name: &str) -> Result<(), String> {
    let shown = format!("{name:?}");
    if name.is_empty() {
        return Err(format!("the name is empty; allowed: {ALLOWED}"));
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(format!(
            "the name is {} bytes long; allowed: {ALLOWED}",
            name.len()
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        return Err(format!(
            "the name {shown} contains {bad:?}, which cannot be part of a file or job name; allowed: {ALLOWED}"
        ));
    }
    if !name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(format!(
            "the name {shown} starts with {:?}; allowed: {ALLOWED}",
            &name[..1]
        ));
    }
    if name.contains("..") {
        return Err(format!(
            "the name {shown} contains \"..\"; allowed: {ALLOWED}"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_names_pass() {
        for name in ["levers_morris", "burden-by-funding", "v1.2", "_x", "A9"] {
            assert_eq!(check_name(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn names_that_could_escape_a_folder_or_a_script_are_refused() {
        for name in [
            "",
            "../escape",
            "a/b",
            "a\\b",
            ".hidden",
            "-option",
            "a..b",
            "x\nsrun evil",
            "$(touch x)",
            "`id`",
            "a;b",
            "it's",
            "a b",
            "名前",
        ] {
            let err = check_name(name).expect_err(name);
            assert!(err.contains("allowed: 1 to 100 characters"), "{err}");
        }
        assert!(check_name(&"a".repeat(MAX_NAME_BYTES)).is_ok());
        assert!(check_name(&"a".repeat(MAX_NAME_BYTES + 1)).is_err());
    }
}
