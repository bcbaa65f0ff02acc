//! `povsim sweep --slurm`: write `DIR/sweep.sbatch`, a Slurm job array with one task per shard.
//!
//! Nothing a user typed can run as a command in the script: the sweep's name is from a safe set
//! (checked with the sweep file), every path in the shell part is quoted with `shlex`, paths
//! with control characters (a newline would end a comment line) are refused, and each
//! `--sbatch` option is one `#SBATCH` line of one word without whitespace, quotes, `#` or
//! control characters (a comment to bash; one option to sbatch).

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::command::prepare_folder;
use super::folder::{SBATCH_FILE, SBATCH_HEADER};
use super::journal::write_synced;
use super::SweepPlan;
use crate::cli::SweepArgs;
use crate::error::UserError;
use crate::export::manifest::now_rfc3339;

/// Write `DIR/sweep.sbatch` for `plan` (nothing runs).
pub fn write_sbatch(args: &SweepArgs, plan: &SweepPlan, dir: &Path) -> anyhow::Result<()> {
    let points = u32::try_from(plan.points.len()).unwrap_or(u32::MAX);
    if let Some(n) = args.shards {
        if n == 0 || n > points {
            return Err(UserError::Usage(format!(
                "--shards {n}: allowed 1 to {points} (the sweep has {points} points)"
            ))
            .into());
        }
    }
    let shards = args
        .shards
        .unwrap_or(points.min(32))
        .clamp(1, points.max(1));
    let extra: Vec<&str> = args.sbatch.iter().map(|s| s.trim()).collect();
    for option in &extra {
        check_sbatch_option(option)?;
    }
    let absolute = |p: &Path| -> anyhow::Result<PathBuf> {
        Ok(if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir()?.join(p)
        })
    };
    let dir_abs = absolute(dir)?;
    let sweep_abs = absolute(&args.sweep)?;
    let exe = std::env::current_exe().context("cannot find the povsim executable")?;
    let dir_text = script_path(&dir_abs, "--out")?;
    let sweep_text = script_path(&sweep_abs, "the sweep file")?;
    let exe_text = script_path(&exe, "the povsim executable")?;
    let log = format!("{dir_text}/slurm/%x-%A_%a.out");
    if let Some(bad) = log.chars().find(|c| !is_sbatch_word_char(*c)) {
        return Err(UserError::Usage(format!(
            "--out {}: with --slurm the folder's path goes into an #SBATCH line, which cannot carry {bad:?} (no whitespace, quotes, backslashes or #); choose a plainer path",
            dir.display()
        ))
        .into());
    }
    prepare_folder(dir, plan, args.force)?;
    fs::create_dir_all(dir_abs.join("slurm"))?;
    let script_file = format!("{dir_text}/{SBATCH_FILE}");
    let (q_script, q_exe, q_dir, q_sweep) = (
        quote(&script_file)?,
        quote(&exe_text)?,
        quote(&dir_text)?,
        quote(&sweep_text)?,
    );
    let merge = format!("{q_exe} merge {q_dir}");
    let cpus = args.cpus_per_task.unwrap_or(2);
    let mut script = String::new();
    script.push_str(SBATCH_HEADER);
    script.push_str(&format!(
        "{}: {} points x {} replicates = {} runs, in {shards} shards (one Slurm\n\
         # array task each). Written by povsim {} on {}; sweep hash {}.\n\
         #\n\
         # Submit:                sbatch {q_script}\n\
         # When every task is done: {merge}\n\
         # Or chain the merge:    jid=$(sbatch --parsable {q_script}) && sbatch --dependency=afterok:$jid --wrap {}\n\
         # A task that fails or is preempted can simply run again: it resumes its shard.\n\
         # Edit the #SBATCH lines for your cluster (partition, account, time), or pass --sbatch.\n",
        plan.name,
        points,
        plan.replicates,
        plan.runs(),
        env!("CARGO_PKG_VERSION"),
        now_rfc3339(),
        plan.hash,
        quote(&merge)?,
    ));
    script.push_str(&format!("#SBATCH --job-name=povsim-{}\n", plan.name));
    script.push_str(&format!("#SBATCH --array=0-{}\n", shards - 1));
    script.push_str(&format!("#SBATCH --cpus-per-task={cpus}\n"));
    script.push_str(&format!("#SBATCH --output={log}\n"));
    for option in &extra {
        script.push_str(&format!("#SBATCH {option}\n"));
    }
    script.push_str("\nset -euo pipefail\n");
    script.push_str(&format!(
        "exec {q_exe} sweep {q_sweep} --out {q_dir} --shard \"${{SLURM_ARRAY_TASK_ID}}/{shards}\" --threads \"${{SLURM_CPUS_PER_TASK:-1}}\" --quiet\n"
    ));
    let path = dir.join(SBATCH_FILE);
    write_synced(&path, script.as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755))?;
    }
    if !args.work.quiet {
        println!(
            "Wrote {} ({} points x {} replicates in {shards} array tasks).\nSubmit: sbatch {}\nThen:   povsim merge {}",
            path.display(),
            points,
            plan.replicates,
            path.display(),
            dir.display()
        );
    }
    Ok(())
}

/// A character an `#SBATCH` word may hold: printable, not whitespace, not a quote, a backslash
/// or `#` (which sbatch reads as quoting, escapes or a comment).
pub(crate) fn is_sbatch_word_char(c: char) -> bool {
    !c.is_control() && !c.is_whitespace() && !matches!(c, '"' | '\'' | '\\' | '#' | '`')
}

/// One `--sbatch` option: a single word starting with `-`, of [`is_sbatch_word_char`]s.
pub(crate) fn check_sbatch_option(option: &str) -> Result<(), UserError> {
    let allowed = "one sbatch option per --sbatch, such as --sbatch=--partition=short, starting with - and without whitespace, quotes, backslashes, backticks, # or control characters (edit sweep.sbatch by hand for anything else)";
    if !option.starts_with('-') || !option.chars().all(is_sbatch_word_char) {
        return Err(UserError::Usage(format!(
            "--sbatch {option:?} is refused: allowed {allowed}"
        )));
    }
    Ok(())
}

/// A path as script text: UTF-8 and without control characters (a newline would end the
/// comment line it is shown on), else refused.
pub(crate) fn script_path(path: &Path, what: &str) -> Result<String, UserError> {
    let text = path.to_str().ok_or_else(|| {
        UserError::Usage(format!(
            "{what} {}: the path is not UTF-8 text and cannot be written into a script",
            path.display()
        ))
    })?;
    if text.chars().any(char::is_control) {
        return Err(UserError::Usage(format!(
            "{what} {text:?}: the path contains a control character (such as a newline) and cannot be written into a script safely"
        )));
    }
    Ok(text.to_string())
}

/// `text` quoted for bash with `shlex` (refused only for a NUL byte, which
/// [`script_path`] has already excluded).
pub(crate) fn quote(text: &str) -> Result<String, UserError> {
    shlex::try_quote(text)
        .map(|q| q.into_owned())
        .map_err(|e| UserError::Usage(format!("{text:?} cannot be quoted for a script: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sbatch_options_are_single_plain_words() {
        for ok in [
            "--partition=short",
            "--time=01:00:00",
            "-A",
            "--mem=4G",
            "--constraint=a&b|c",
        ] {
            assert!(check_sbatch_option(ok).is_ok(), "{ok}");
        }
        for bad in [
            "--partition=short\nrm -rf ~",
            "--comment=a b",
            "--x=$(id)`id`",
            "--x=\"q\"",
            "--x='q'",
            "--x=#",
            "partition=short",
            "--x=\r",
        ] {
            assert!(check_sbatch_option(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn quoted_paths_are_single_inert_words_for_bash() {
        let q = quote("/tmp/a b/$(touch x);`id`'q'").expect("quotes");
        assert_eq!(
            shlex::split(&q),
            Some(vec!["/tmp/a b/$(touch x);`id`'q'".to_string()])
        );
        assert!(script_path(Path::new("/tmp/a\nb"), "--out").is_err());
    }
}
