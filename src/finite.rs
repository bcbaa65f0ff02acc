//! Finding a non-finite number (NaN or infinity) in an output row before it is written.
//!
//! Validated scenarios are bounded so that the model cannot produce one; if one appears anyway
//! it is a bug, reported with the row's field name before anything is written (exit code 1).
//! Rows are the flat structs the CSV writer takes, so this serializer accepts exactly those:
//! numbers, booleans, strings, options, unit variants, fields of one struct.

use serde::ser::{self, Impossible, Serialize};

/// The first field of `row` (by name) holding NaN or an infinity, if any.
pub fn first_non_finite<T: Serialize>(row: &T) -> Option<&'static str> {
    let mut finder = Finder {
        field: "value",
        found: None,
    };
    // Only flat rows are expected; anything else is not searched further.
    let _ = row.serialize(&mut finder);
    finder.found
}

/// The serializer: remembers the field it is in and the first non-finite one.
struct Finder {
    field: &'static str,
    found: Option<&'static str>,
}

/// Nested shapes that rows never have.
#[derive(Debug)]
struct NotFlat;

impl std::fmt::Display for NotFlat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a flat row")
    }
}

impl std::error::Error for NotFlat {}

impl ser::Error for NotFlat {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        NotFlat
    }
}

impl Finder {
    fn float(&mut self, value: f64) -> Result<(), NotFlat> {
        if !value.is_finite() && self.found.is_none() {
            self.found = Some(self.field);
        }
        Ok(())
    }
}

/// Serializer methods for values that cannot be non-finite: accepted and skipped.
macro_rules! ignore_values {
    ($($method:ident: $type:ty),* $(,)?) => {
        $(fn $method(self, _: $type) -> Result<(), NotFlat> {
            Ok(())
        })*
    };
}

impl ser::Serializer for &mut Finder {
    type Ok = ();
    type Error = NotFlat;
    type SerializeSeq = Impossible<(), NotFlat>;
    type SerializeTuple = Impossible<(), NotFlat>;
    type SerializeTupleStruct = Impossible<(), NotFlat>;
    type SerializeTupleVariant = Impossible<(), NotFlat>;
    type SerializeMap = Impossible<(), NotFlat>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), NotFlat>;

    fn serialize_f64(self, v: f64) -> Result<(), NotFlat> {
        self.float(v)
    }
    fn serialize_f32(self, v: f32) -> Result<(), NotFlat> {
        self.float(f64::from(v))
    }
    ignore_values! {
        serialize_bool: bool,
        serialize_i8: i8,
        serialize_i16: i16,
        serialize_i32: i32,
        serialize_i64: i64,
        serialize_u8: u8,
        serialize_u16: u16,
        serialize_u32: u32,
        serialize_u64: u64,
        serialize_char: char,
        serialize_str: &str,
        serialize_bytes: &[u8],
    }
    fn serialize_none(self) -> Result<(), NotFlat> {
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), NotFlat> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), NotFlat> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), NotFlat> {
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<(), NotFlat> {
        Ok(())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), NotFlat> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        value: &T,
    ) -> Result<(), NotFlat> {
        value.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, NotFlat> {
        Err(NotFlat)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, NotFlat> {
        Err(NotFlat)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, NotFlat> {
        Err(NotFlat)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, NotFlat> {
        Err(NotFlat)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, NotFlat> {
        Err(NotFlat)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, NotFlat> {
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, NotFlat> {
        Err(NotFlat)
    }
}

impl ser::SerializeStruct for &mut Finder {
    type Ok = ();
    type Error = NotFlat;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), NotFlat> {
        self.field = key;
        value.serialize(&mut **self)
    }

    fn end(self) -> Result<(), NotFlat> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct Row {
        year: u32,
        name: String,
        rate: Option<f64>,
        income: f64,
    }

    #[test]
    fn names_the_first_non_finite_field_and_passes_finite_rows() {
        let row = |rate, income| Row {
            year: 2020,
            name: "inf".into(),
            rate,
            income,
        };
        assert_eq!(first_non_finite(&row(Some(0.5), 1.0)), None);
        assert_eq!(first_non_finite(&row(None, 1.0)), None);
        assert_eq!(first_non_finite(&row(Some(f64::NAN), 1.0)), Some("rate"));
        assert_eq!(first_non_finite(&row(None, f64::INFINITY)), Some("income"));
        assert_eq!(
            first_non_finite(&row(Some(f64::NEG_INFINITY), f64::NAN)),
            Some("rate")
        );
    }
}
