//! The documentation of each key, read from a commented scenario (the shipped
//! `scenarios/baseline.toml`, whose every line carries `# meaning and unit;
//! source`), so that the text a user reads in the file and what `povsim check`
//! and `povsim check --explain` print come from one place.
//!
//! Two kinds of comment are read:
//! - the comment after a value on its line: the key's own documentation;
//! - a block of `# name: text` lines (continued by `#   more text`) written
//!   before a group of tables: the meaning of `name` in every table at depth 2
//!   or more that follows it (e.g. `[cadre_types.young_graduate]`).

use std::collections::BTreeMap;

use serde::Serialize;
use toml::de::{DeTable, DeValue};
use toml::{Table, Value};

use super::keypath::KeyPath;
use super::merge::to_value;
use super::schema::lookup;
use super::text::shorten;

/// What a commented scenario says about one key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyDoc {
    /// The comment after the value, without `#` (e.g. `share of cadre effort
    /// lost to paperwork, 0-1; MODEL.md section 7`).
    pub comment: String,
    /// The `name: text` note of the key's table group, if any.
    pub note: Option<String>,
}

impl KeyDoc {
    /// What the key means, with its unit: the note (if any) then the comment
    /// up to its last `; ` (the source follows it).
    pub fn meaning(&self) -> String {
        let own = match self.comment.rsplit_once("; ") {
            Some((meaning, _)) => meaning,
            None => self.comment.as_str(),
        };
        match &self.note {
            Some(note) if own.is_empty() => note.clone(),
            Some(note) => format!("{note} ({own})"),
            None => own.to_owned(),
        }
    }

    /// Where the default comes from: the comment after its last `; `.
    pub fn source(&self) -> String {
        self.comment
            .rsplit_once("; ")
            .map(|(_, source)| source.trim().to_owned())
            .unwrap_or_default()
    }
}

/// The documentation of every key written in `text`, by dotted path. Text
/// that is not valid TOML gives no documentation.
pub fn key_docs(text: &str) -> BTreeMap<String, KeyDoc> {
    let mut docs = BTreeMap::new();
    let Ok(root) = DeTable::parse(text) else {
        return docs;
    };
    let notes = field_notes(text);
    let walk = DocWalk {
        text,
        notes: &notes,
    };
    walk.table(root.get_ref(), &KeyPath::root(), &mut docs);
    docs
}

/// `value` as pretty TOML in which every value that differs from
/// `T::default()` carries a trailing comment `# was D (default); MEANING`
/// (the meaning with its unit, from `docs`); values equal to the default are
/// left bare. The result is valid TOML that resolves to `value`.
pub fn annotated_toml<T: Serialize + Default>(
    value: &T,
    docs: &BTreeMap<String, KeyDoc>,
) -> Result<String, toml::ser::Error> {
    let text = toml::to_string_pretty(value)?;
    let defaults = match Value::try_from(T::default()) {
        Ok(Value::Table(table)) => table,
        _ => Table::new(),
    };
    let Ok(root) = DeTable::parse(&text) else {
        return Ok(text);
    };
    let mut marks = Vec::new();
    collect_changes(
        root.get_ref(),
        &KeyPath::root(),
        &text,
        &defaults,
        docs,
        &mut marks,
    );
    marks.sort_by_key(|(at, _)| *at);
    let mut out = String::with_capacity(text.len() + 64 * marks.len());
    let mut from = 0;
    for (at, comment) in marks {
        out.push_str(&text[from..at]);
        out.push_str("  # ");
        out.push_str(&comment);
        from = at;
    }
    out.push_str(&text[from..]);
    Ok(out)
}

/// For each value under `table` that differs from its default, the byte
/// offset of the end of its line and the comment to put there.
fn collect_changes(
    table: &DeTable<'_>,
    path: &KeyPath,
    text: &str,
    defaults: &Table,
    docs: &BTreeMap<String, KeyDoc>,
    out: &mut Vec<(usize, String)>,
) {
    for (key, value) in table.iter() {
        let child = path.key(key.get_ref());
        if let DeValue::Table(inner) = value.get_ref() {
            collect_changes(inner, &child, text, defaults, docs, out);
            continue;
        }
        let given = to_value(value.get_ref()).ok();
        let default = lookup(defaults, &child);
        if given.as_ref() == default || default.is_none() {
            continue;
        }
        let was = default.map(|d| shorten(&d.to_string())).unwrap_or_default();
        let meaning = docs
            .get(&child.to_string())
            .map(KeyDoc::meaning)
            .unwrap_or_default();
        let comment = if meaning.is_empty() {
            format!("was {was} (default)")
        } else {
            format!("was {was} (default); {meaning}")
        };
        let end = value.span().end;
        let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
        out.push((line_end, comment));
    }
}

/// A `name: text` note and the byte offset where it was written.
struct Note {
    offset: usize,
    name: String,
    text: String,
}

/// Every `# name: text` note in the file, continuation lines (`#   more`
/// right after a note line) joined; a trailing full stop is dropped.
fn field_notes(text: &str) -> Vec<Note> {
    let mut notes: Vec<Note> = Vec::new();
    let mut offset = 0;
    let mut continues = false;
    for line in text.split_inclusive('\n') {
        let here = offset;
        offset += line.len();
        let Some(body) = line.trim_end().strip_prefix('#') else {
            continues = false;
            continue;
        };
        if let (true, Some(more), Some(last)) =
            (continues, body.strip_prefix("   "), notes.last_mut())
        {
            last.text.push(' ');
            last.text.push_str(more.trim());
            continue;
        }
        continues = false;
        let Some((name, rest)) = body.trim().split_once(": ") else {
            continue;
        };
        if !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            continues = true;
            notes.push(Note {
                offset: here,
                name: name.to_owned(),
                text: rest.trim().to_owned(),
            });
        }
    }
    for note in &mut notes {
        if note.text.ends_with('.') {
            note.text.pop();
        }
    }
    notes
}

/// The read-only parts of one walk over the commented file.
struct DocWalk<'a> {
    text: &'a str,
    notes: &'a [Note],
}

impl DocWalk<'_> {
    fn table(&self, table: &DeTable<'_>, path: &KeyPath, out: &mut BTreeMap<String, KeyDoc>) {
        for (key, value) in table.iter() {
            let child = path.key(key.get_ref());
            if let DeValue::Table(inner) = value.get_ref() {
                self.table(inner, &child, out);
                continue;
            }
            let doc = KeyDoc {
                comment: self.comment_after(value.span().end),
                note: self.note_for(key.get_ref(), key.span().start, child.depth()),
            };
            out.insert(child.to_string(), doc);
        }
    }

    /// The comment after byte `end` on the same line, without `#`.
    fn comment_after(&self, end: usize) -> String {
        let rest = self.text.get(end..).unwrap_or("");
        let line = rest.split('\n').next().unwrap_or("");
        line.trim()
            .strip_prefix('#')
            .map(|c| c.trim().to_owned())
            .unwrap_or_default()
    }

    /// The latest note for `name` written before `offset`, for keys at depth 3 or more.
    fn note_for(&self, name: &str, offset: usize, depth: usize) -> Option<String> {
        if depth < 3 {
            return None;
        }
        self.notes
            .iter()
            .rev()
            .find(|n| n.offset < offset && n.name == name)
            .map(|n| n.text.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
name = \"x\"  # results folder; project choice
[a]
rate = 0.5  # share lost, 0-1; MODEL.md section 7, seed 001 (up to 80%)
list = [1.0, 2.0]  # yuan per year; data
# cost: investment, yuan.
# size: how big, in
#   households.
[g.one]
cost = 3.0  # high; seed 002
size = 1  # ; seed 003
[g.two]
cost = 4.0  # low; seed 004
";

    #[test]
    fn trailing_comments_give_meaning_and_source() {
        let docs = key_docs(TEXT);
        let rate = &docs["a.rate"];
        assert_eq!(rate.meaning(), "share lost, 0-1");
        assert_eq!(rate.source(), "MODEL.md section 7, seed 001 (up to 80%)");
        assert_eq!(docs["a.list"].meaning(), "yuan per year");
        assert_eq!(docs["name"].source(), "project choice");
    }

    #[test]
    fn notes_apply_to_every_table_of_their_group() {
        let docs = key_docs(TEXT);
        assert_eq!(docs["g.one.cost"].meaning(), "investment, yuan (high)");
        assert_eq!(docs["g.two.cost"].meaning(), "investment, yuan (low)");
        assert_eq!(docs["g.one.size"].meaning(), "how big, in households");
        assert_eq!(docs["g.one.size"].source(), "seed 003");
        assert_eq!(docs["a.rate"].note, None);
    }

    #[derive(Serialize)]
    struct Small {
        rate: f64,
        list: Vec<f64>,
        mode: String,
    }

    impl Default for Small {
        fn default() -> Self {
            Small {
                rate: 0.5,
                list: vec![1.0, 2.0],
                mode: "a".to_owned(),
            }
        }
    }

    #[test]
    fn changed_values_are_marked_with_their_default_and_meaning() {
        let docs = key_docs("rate = 0.5  # share lost, 0-1; seed 1\nlist = [1.0]  # yuan; x\n");
        let changed = Small {
            rate: 0.8,
            list: vec![1.0, 2.0, 3.0],
            ..Small::default()
        };
        let text = annotated_toml(&changed, &docs).unwrap_or_default();
        assert!(
            text.contains("rate = 0.8  # was 0.5 (default); share lost, 0-1\n"),
            "{text}"
        );
        assert!(
            text.contains("]  # was [1.0, 2.0] (default); yuan"),
            "{text}"
        );
        assert!(text.contains("mode = \"a\"\n"), "{text}");
        let back: Result<Table, _> = text.parse();
        assert!(back.is_ok(), "still valid TOML: {text}");
        let same = annotated_toml(&Small::default(), &docs).unwrap_or_default();
        assert!(!same.contains('#'), "{same}");
    }

    #[test]
    fn invalid_toml_gives_no_docs() {
        assert!(key_docs("a = [").is_empty());
    }
}
