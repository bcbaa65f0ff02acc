//! Dotted key paths (`cadres.mix.young_graduate`, `weights[2]`): the one
//! representation shared by the file walker, `--set` overrides, serde error
//! paths and `Validate` problems, so that all of them can be compared.

use std::fmt;

/// One step of a [`KeyPath`]: a table key or an array index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Segment {
    /// A key inside a table.
    Key(String),
    /// An element of an array.
    Index(usize),
}

/// A path from the document root to a value; the empty path is the root.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct KeyPath {
    segments: Vec<Segment>,
}

impl KeyPath {
    /// The path to the document root.
    pub(crate) fn root() -> Self {
        Self::default()
    }

    /// Builds a path from its segments.
    pub(crate) fn from_segments(segments: Vec<Segment>) -> Self {
        Self { segments }
    }

    /// This path extended by a table key.
    pub(crate) fn key(&self, key: &str) -> Self {
        self.with(Segment::Key(key.to_owned()))
    }

    /// This path extended by an array index.
    pub(crate) fn index(&self, index: usize) -> Self {
        self.with(Segment::Index(index))
    }

    fn with(&self, segment: Segment) -> Self {
        let mut segments = self.segments.clone();
        segments.push(segment);
        Self { segments }
    }

    /// The segments from the root down.
    pub(crate) fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Number of segments (0 for the root).
    pub(crate) fn depth(&self) -> usize {
        self.segments.len()
    }

    /// True for the root path.
    pub(crate) fn is_root(&self) -> bool {
        self.segments.is_empty()
    }

    /// True when `self` equals `other` or is one of its ancestors.
    pub(crate) fn is_prefix_of(&self, other: &KeyPath) -> bool {
        other.segments.starts_with(&self.segments)
    }

    /// The path without its last segment (the root stays the root).
    pub(crate) fn parent(&self) -> KeyPath {
        let keep = self.segments.len().saturating_sub(1);
        Self::from_segments(self.segments[..keep].to_vec())
    }

    /// Parses `a.b."quoted key"[3].c`; bare keys may hold `A-Za-z0-9_-`.
    pub(crate) fn parse(text: &str) -> Result<KeyPath, String> {
        let mut parser = PathParser {
            chars: text.trim().chars().peekable(),
            segments: Vec::new(),
        };
        parser.run()?;
        Ok(Self::from_segments(parser.segments))
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.segments.iter().enumerate() {
            match segment {
                Segment::Index(index) => write!(f, "[{index}]")?,
                Segment::Key(key) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    write_key(f, key)?;
                }
            }
        }
        Ok(())
    }
}

/// Writes a key bare when TOML allows it, quoted otherwise.
fn write_key(f: &mut fmt::Formatter<'_>, key: &str) -> fmt::Result {
    if !key.is_empty() && key.chars().all(is_bare_key_char) {
        f.write_str(key)
    } else {
        write!(f, "{key:?}")
    }
}

/// Characters allowed in a bare (unquoted) TOML key.
pub(crate) fn is_bare_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Small hand-written parser behind [`KeyPath::parse`].
struct PathParser<I: Iterator<Item = char>> {
    chars: std::iter::Peekable<I>,
    segments: Vec<Segment>,
}

impl<I: Iterator<Item = char>> PathParser<I> {
    fn run(&mut self) -> Result<(), String> {
        if self.chars.peek().is_none() {
            return Err("the key is empty".to_owned());
        }
        self.key()?;
        while let Some(c) = self.chars.next() {
            match c {
                '.' => self.key()?,
                '[' => self.index()?,
                other => return Err(format!("unexpected `{other}` in key")),
            }
        }
        Ok(())
    }

    fn key(&mut self) -> Result<(), String> {
        let key = match self.chars.peek() {
            Some('"') => self.quoted()?,
            _ => self.bare(),
        };
        if key.is_empty() {
            return Err("a key part is empty (check for `..` or a trailing `.`)".to_owned());
        }
        self.segments.push(Segment::Key(key));
        while self.chars.peek() == Some(&'[') {
            self.chars.next();
            self.index()?;
        }
        Ok(())
    }

    fn bare(&mut self) -> String {
        let mut key = String::new();
        while let Some(&c) = self.chars.peek() {
            if !is_bare_key_char(c) {
                break;
            }
            key.push(c);
            self.chars.next();
        }
        key
    }

    fn quoted(&mut self) -> Result<String, String> {
        self.chars.next();
        let mut key = String::new();
        for c in self.chars.by_ref() {
            if c == '"' {
                return Ok(key);
            }
            key.push(c);
        }
        Err("a quoted key is missing its closing `\"`".to_owned())
    }

    fn index(&mut self) -> Result<(), String> {
        let mut digits = String::new();
        for c in self.chars.by_ref() {
            if c == ']' {
                let index = digits
                    .parse::<usize>()
                    .map_err(|_| format!("`[{digits}]` is not an array index"))?;
                self.segments.push(Segment::Index(index));
                return Ok(());
            }
            digits.push(c);
        }
        Err("an array index is missing its closing `]`".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_displays_round_trip() {
        for text in ["a", "a.b.c", "weights[2]", "a.\"b c\".d", "m[0][1].x"] {
            let path = KeyPath::parse(text);
            assert_eq!(path.map(|p| p.to_string()), Ok(text.to_owned()));
        }
    }

    #[test]
    fn rejects_malformed_paths() {
        for text in ["", "a..b", "a.", "a[x]", "a[1", "a b", "\"a"] {
            assert!(KeyPath::parse(text).is_err(), "{text:?} should be rejected");
        }
    }

    #[test]
    fn prefix_relation() {
        let parent = KeyPath::root().key("cadres");
        let child = parent.key("mix");
        assert!(parent.is_prefix_of(&child));
        assert!(child.is_prefix_of(&child));
        assert!(!child.is_prefix_of(&parent));
        assert_eq!(child.parent(), parent);
    }
}
