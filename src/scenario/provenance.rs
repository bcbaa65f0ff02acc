//! Records which key paths the user wrote and where, so that problems found
//! later (serde errors, `Validate` range checks) on the merged value can be
//! pointed back at the file position or `--set` argument responsible.

use super::keypath::KeyPath;
use super::problem::Site;

/// One path the user wrote.
#[derive(Clone, Debug)]
struct Written {
    path: KeyPath,
    site: Site,
    /// False for tables (which only group keys), true for values.
    leaf: bool,
}

/// Paths written in the file and by overrides, in the order they were applied.
#[derive(Clone, Debug, Default)]
pub(crate) struct Provenance {
    file: Vec<Written>,
    overrides: Vec<Written>,
}

/// Which of the two inputs wrote a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Writer {
    /// The scenario file.
    File,
    /// A `--set` override.
    Override,
}

impl Provenance {
    /// Notes that `path` was written at `site`; `leaf` is false for tables.
    pub(crate) fn record(&mut self, writer: Writer, path: &KeyPath, site: Site, leaf: bool) {
        let written = Written {
            path: path.clone(),
            site,
            leaf,
        };
        match writer {
            Writer::File => self.file.push(written),
            Writer::Override => self.overrides.push(written),
        }
    }

    /// Where the value at `path` came from: an override touching it wins,
    /// then the file, else it is a default.
    pub(crate) fn locate(&self, path: &KeyPath) -> Site {
        locate_in(&self.overrides, path)
            .or_else(|| locate_in(&self.file, path))
            .unwrap_or_else(Site::default_value)
    }
}

/// If the user wrote `path` or anything under it, the site of the deepest
/// written prefix of `path`; otherwise, if `path` lies inside a written
/// value (e.g. an element of a written array), that value's site.
/// Later entries win ties, so the last override counts.
fn locate_in(entries: &[Written], path: &KeyPath) -> Option<Site> {
    let touched = entries.iter().any(|w| path.is_prefix_of(&w.path));
    let candidates = entries
        .iter()
        .filter(|w| w.path.is_prefix_of(path) && (touched || w.leaf));
    let mut best: Option<&Written> = None;
    for candidate in candidates {
        if best.is_none_or(|b| candidate.path.depth() >= b.path.depth()) {
            best = Some(candidate);
        }
    }
    best.map(|w| w.site.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(text: &str) -> KeyPath {
        KeyPath::parse(text).unwrap_or_default()
    }

    #[test]
    fn deepest_written_prefix_wins_when_path_was_touched() {
        let mut p = Provenance::default();
        p.record(Writer::File, &path("cadres"), Site::file(1, 1), false);
        p.record(Writer::File, &path("cadres.mix"), Site::file(3, 1), false);
        p.record(Writer::File, &path("cadres.mix.a"), Site::file(4, 5), true);
        assert_eq!(p.locate(&path("cadres.mix")), Site::file(3, 1));
        assert_eq!(p.locate(&path("cadres.mix.a")), Site::file(4, 5));
        // Written table, but nothing under `cadres.other` was written.
        assert_eq!(p.locate(&path("cadres.other")), Site::default_value());
    }

    #[test]
    fn inside_a_written_value_points_at_the_value() {
        let mut p = Provenance::default();
        p.record(Writer::File, &path("weights"), Site::file(2, 11), true);
        assert_eq!(p.locate(&path("weights[3]")), Site::file(2, 11));
    }

    #[test]
    fn overrides_win_and_last_override_counts() {
        let mut p = Provenance::default();
        p.record(Writer::File, &path("a.b"), Site::file(2, 5), true);
        p.record(
            Writer::Override,
            &path("a.b"),
            Site::override_arg(0, "a.b=1"),
            true,
        );
        p.record(
            Writer::Override,
            &path("a.b"),
            Site::override_arg(1, "a.b=2"),
            true,
        );
        assert_eq!(p.locate(&path("a.b")), Site::override_arg(1, "a.b=2"));
        assert_eq!(p.locate(&path("x")), Site::default_value());
    }
}
