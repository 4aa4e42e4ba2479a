//! A structural check of a Parquet file's footer (Thrift compact protocol) before the parquet
//! crate reads it. That crate skips an unknown field holding a list of booleans without reading
//! a byte per element, so a 67-byte file declaring a list of two billion of them spins for
//! seconds, and a few such lists for minutes (found by `fuzz/` `store_parquet`). It also reads a
//! known field by its id whatever type the file declares for it, so a field declared as a number
//! where a list belongs has its bytes read as a list header, and a 146-byte file asked for a
//! 37 GB allocation (found the same way). Here the fields of the footer's structures must have
//! the types the Parquet format gives them, every list must fit in the bytes left, and a list of
//! booleans (which no footer field holds) is refused; then the crate reads the same bytes the same
//! way, and its work and allocations stay linear in the footer's size.

use std::io::{Read, Seek, SeekFrom};

/// How deep structures may nest (the parquet crate allows 64 too).
const MAX_DEPTH: usize = 64;

/// Why a footer was refused.
pub(crate) type Refusal = String;

/// Reads the footer of `file` and checks its structure.
pub(crate) fn check(file: &mut (impl Read + Seek)) -> Result<(), Refusal> {
    let len = file.seek(SeekFrom::End(0)).map_err(|e| e.to_string())?;
    if len < 12 {
        return Err(format!("{len} bytes is too short for a Parquet file"));
    }
    let mut tail = [0u8; 8];
    file.seek(SeekFrom::End(-8)).map_err(|e| e.to_string())?;
    file.read_exact(&mut tail).map_err(|e| e.to_string())?;
    if &tail[4..] != b"PAR1" {
        return Err("it does not end with the Parquet magic bytes".into());
    }
    let footer_len = u64::from(u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]));
    if footer_len + 8 > len {
        return Err(format!(
            "its footer claims {footer_len} bytes, more than the file holds"
        ));
    }
    let mut footer = vec![0u8; footer_len as usize];
    file.seek(SeekFrom::End(-8 - footer_len as i64))
        .map_err(|e| e.to_string())?;
    file.read_exact(&mut footer).map_err(|e| e.to_string())?;
    file.seek(SeekFrom::Start(0)).map_err(|e| e.to_string())?;
    Walker { bytes: &footer }.structure(FILE_META_DATA, MAX_DEPTH)
}

/// What a field holds, as the Parquet format (`parquet.thrift`) declares it.
#[derive(Clone, Copy)]
enum Shape {
    I16,
    I32,
    I64,
    Binary,
    Bool,
    List(&'static Shape),
    Struct(Fields),
    /// A structure or union this check does not follow field by field (walked by its types).
    AnyStruct,
}

type Fields = &'static [(i16, Shape)];

impl Shape {
    /// The compact type code a field of this shape must be declared with.
    fn code_fits(self, code: u8) -> bool {
        match self {
            Shape::I16 => code == I16,
            Shape::I32 => code == I32,
            Shape::I64 => code == I64,
            Shape::Binary => code == BINARY,
            Shape::Bool => code == BOOL_TRUE || code == BOOL_FALSE,
            Shape::List(_) => code == LIST,
            Shape::Struct(_) | Shape::AnyStruct => code == STRUCT,
        }
    }
}

const KEY_VALUE: Fields = &[(1, Shape::Binary), (2, Shape::Binary)];
const SCHEMA_ELEMENT: Fields = &[
    (1, Shape::I32),
    (2, Shape::I32),
    (3, Shape::I32),
    (4, Shape::Binary),
    (5, Shape::I32),
    (6, Shape::I32),
    (7, Shape::I32),
    (8, Shape::I32),
    (9, Shape::I32),
    (10, Shape::AnyStruct),
];
const STATISTICS: Fields = &[
    (1, Shape::Binary),
    (2, Shape::Binary),
    (3, Shape::I64),
    (4, Shape::I64),
    (5, Shape::Binary),
    (6, Shape::Binary),
    (7, Shape::Bool),
    (8, Shape::Bool),
];
const PAGE_ENCODING_STATS: Fields = &[(1, Shape::I32), (2, Shape::I32), (3, Shape::I32)];
const SIZE_STATISTICS: Fields = &[
    (1, Shape::I64),
    (2, Shape::List(&Shape::I64)),
    (3, Shape::List(&Shape::I64)),
];
const COLUMN_META_DATA: Fields = &[
    (1, Shape::I32),
    (2, Shape::List(&Shape::I32)),
    (3, Shape::List(&Shape::Binary)),
    (4, Shape::I32),
    (5, Shape::I64),
    (6, Shape::I64),
    (7, Shape::I64),
    (8, Shape::List(&Shape::Struct(KEY_VALUE))),
    (9, Shape::I64),
    (10, Shape::I64),
    (11, Shape::I64),
    (12, Shape::Struct(STATISTICS)),
    (13, Shape::List(&Shape::Struct(PAGE_ENCODING_STATS))),
    (14, Shape::I64),
    (15, Shape::I32),
    (16, Shape::Struct(SIZE_STATISTICS)),
    (17, Shape::AnyStruct),
];
const COLUMN_CHUNK: Fields = &[
    (1, Shape::Binary),
    (2, Shape::I64),
    (3, Shape::Struct(COLUMN_META_DATA)),
    (4, Shape::I64),
    (5, Shape::I32),
    (6, Shape::I64),
    (7, Shape::I32),
    (8, Shape::AnyStruct),
    (9, Shape::Binary),
];
const SORTING_COLUMN: Fields = &[(1, Shape::I32), (2, Shape::Bool), (3, Shape::Bool)];
const ROW_GROUP: Fields = &[
    (1, Shape::List(&Shape::Struct(COLUMN_CHUNK))),
    (2, Shape::I64),
    (3, Shape::I64),
    (4, Shape::List(&Shape::Struct(SORTING_COLUMN))),
    (5, Shape::I64),
    (6, Shape::I64),
    (7, Shape::I16),
];
const FILE_META_DATA: Fields = &[
    (1, Shape::I32),
    (2, Shape::List(&Shape::Struct(SCHEMA_ELEMENT))),
    (3, Shape::I64),
    (4, Shape::List(&Shape::Struct(ROW_GROUP))),
    (5, Shape::List(&Shape::Struct(KEY_VALUE))),
    (6, Shape::Binary),
    (7, Shape::List(&Shape::AnyStruct)),
    (8, Shape::AnyStruct),
    (9, Shape::Binary),
];

// Compact protocol type codes.
const BOOL_TRUE: u8 = 1;
const BOOL_FALSE: u8 = 2;
const BYTE: u8 = 3;
const I16: u8 = 4;
const I32: u8 = 5;
const I64: u8 = 6;
const DOUBLE: u8 = 7;
const BINARY: u8 = 8;
const LIST: u8 = 9;
const SET: u8 = 10;
const MAP: u8 = 11;
const STRUCT: u8 = 12;

struct Walker<'a> {
    bytes: &'a [u8],
}

impl Walker<'_> {
    fn byte(&mut self) -> Result<u8, Refusal> {
        let (&first, rest) = self.bytes.split_first().ok_or("its footer ends too soon")?;
        self.bytes = rest;
        Ok(first)
    }

    fn varint(&mut self) -> Result<u64, Refusal> {
        let mut value = 0u64;
        for shift in (0..70).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7F).checked_shl(shift).unwrap_or(0);
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("its footer holds an over-long number".into())
    }

    fn skip(&mut self, n: u64) -> Result<(), Refusal> {
        if n > self.bytes.len() as u64 {
            return Err("its footer ends inside a value".into());
        }
        self.bytes = &self.bytes[n as usize..];
        Ok(())
    }

    /// Walks a value the format declares as `shape`, declared in the file as type `code`.
    fn shaped(&mut self, shape: Shape, code: u8, depth: usize) -> Result<(), Refusal> {
        if !shape.code_fits(code) {
            return Err(format!(
                "its footer declares a field as type {code}, not the type the format gives it"
            ));
        }
        match shape {
            Shape::List(element) => self.list(Some(*element), depth),
            Shape::Struct(fields) => self.structure(fields, depth),
            _ => self.value(code, depth),
        }
    }

    /// Walks one value of compact type `kind`.
    fn value(&mut self, kind: u8, depth: usize) -> Result<(), Refusal> {
        let depth = depth.checked_sub(1).ok_or("its footer nests too deep")?;
        match kind {
            BOOL_TRUE | BOOL_FALSE => Ok(()),
            BYTE => self.skip(1),
            I16 | I32 | I64 => self.varint().map(|_| ()),
            DOUBLE => self.skip(8),
            BINARY => {
                let n = self.varint()?;
                self.skip(n)
            }
            LIST | SET => self.list(None, depth),
            MAP => self.map(depth),
            STRUCT => self.structure(&[], depth),
            other => Err(format!("its footer holds an unknown type code {other}")),
        }
    }

    /// A structure whose known fields are `fields`; other fields are walked by their types, as
    /// the parquet crate skips them.
    fn structure(&mut self, fields: Fields, depth: usize) -> Result<(), Refusal> {
        let depth = depth.checked_sub(1).ok_or("its footer nests too deep")?;
        let mut last_id = 0i16;
        loop {
            let header = self.byte()?;
            if header == 0 {
                return Ok(());
            }
            let id = match header >> 4 {
                0 => {
                    let zigzag = self.varint()?;
                    ((zigzag >> 1) as i64 ^ -((zigzag & 1) as i64)) as i16
                }
                delta => last_id.wrapping_add(i16::from(delta)),
            };
            last_id = id;
            let code = header & 0x0F;
            match fields.iter().find(|(known, _)| *known == id) {
                Some(&(_, shape)) => self.shaped(shape, code, depth)?,
                None => self.value(code, depth)?,
            }
        }
    }

    /// A list (its elements of `element`'s shape when the format says what they hold).
    fn list(&mut self, element: Option<Shape>, depth: usize) -> Result<(), Refusal> {
        let header = self.byte()?;
        let size = match header >> 4 {
            15 => self.varint()?,
            short => u64::from(short),
        };
        let kind = header & 0x0F;
        if size > 0 && (kind == BOOL_TRUE || kind == BOOL_FALSE) {
            return Err("its footer holds a list of booleans, which no Parquet footer has".into());
        }
        // Every element takes a byte at least.
        if size > self.bytes.len() as u64 {
            return Err(format!(
                "its footer declares a list of {size} items in fewer bytes"
            ));
        }
        match element {
            Some(shape) => (0..size).try_for_each(|_| self.shaped(shape, kind, depth)),
            None => (0..size).try_for_each(|_| self.value(kind, depth)),
        }
    }

    fn map(&mut self, depth: usize) -> Result<(), Refusal> {
        let size = self.varint()?;
        if size == 0 {
            return Ok(());
        }
        if size > self.bytes.len() as u64 {
            return Err(format!(
                "its footer declares a map of {size} entries in fewer bytes"
            ));
        }
        let kinds = self.byte()?;
        (0..size).try_for_each(|_| {
            self.value(kinds >> 4, depth)?;
            self.value(kinds & 0x0F, depth)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn file(footer: &[u8]) -> Cursor<Vec<u8>> {
        let mut bytes = b"PAR1".to_vec();
        bytes.extend_from_slice(footer);
        bytes.extend_from_slice(&(footer.len() as u32).to_le_bytes());
        bytes.extend_from_slice(b"PAR1");
        Cursor::new(bytes)
    }

    #[test]
    fn a_plain_struct_passes() {
        // version (1): i32 7; num_rows (3): i64 1; key_value_metadata (5): [{k: v}];
        // created_by (6): "ab"; an unknown field 15: a list of two i64; stop.
        let footer = [
            0x15, 0x0E, 0x26, 0x02, 0x29, 0x1C, 0x18, 0x01, b'k', 0x18, 0x01, b'v', 0x00, 0x18,
            0x02, b'a', b'b', 0x99, 0x26, 0x02, 0x04, 0x00,
        ];
        assert_eq!(check(&mut file(&footer)), Ok(()));
    }

    #[test]
    fn a_field_of_another_type_than_the_format_gives_it_is_refused() {
        // key_value_metadata (5) declared as an i16: the parquet crate would read a list header
        // from the bytes that follow.
        let footer = [0x54, 0xF2, 0xF2, 0xF2, 0xF2, 0x8B, 0x03, 0x00];
        let err = check(&mut file(&footer)).unwrap_err();
        assert!(err.contains("not the type the format gives it"), "{err}");
        // A row group list whose elements are declared as numbers, not structures.
        let footer = [0x49, 0x15, 0x02, 0x00];
        let err = check(&mut file(&footer)).unwrap_err();
        assert!(err.contains("not the type the format gives it"), "{err}");
    }

    #[test]
    fn a_list_of_two_billion_booleans_is_refused_at_once() {
        // an unknown field 15: a list (size in a varint) of booleans, 2^31 of them.
        let footer = [0xF9, 0xF1, 0x80, 0x80, 0x80, 0x80, 0x08, 0x00];
        let err = check(&mut file(&footer)).unwrap_err();
        assert!(err.contains("list of booleans"), "{err}");
    }

    #[test]
    fn a_list_longer_than_the_bytes_left_is_refused() {
        let footer = [0xF9, 0xF5, 0xFF, 0xFF, 0x03, 0x00];
        let err = check(&mut file(&footer)).unwrap_err();
        assert!(err.contains("fewer bytes"), "{err}");
    }

    #[test]
    fn bad_ends_and_lengths_are_refused() {
        let mut short = file(&[0x15]);
        assert!(check(&mut short).unwrap_err().contains("ends too soon"));
        let mut no_magic = Cursor::new(b"PAR1\x00\x00\x00\x00\x00\x00\x00\x00XXXX".to_vec());
        assert!(check(&mut no_magic).unwrap_err().contains("magic"));
        let mut bytes = file(&[0x00]).into_inner();
        let n = bytes.len();
        bytes[n - 8..n - 4].copy_from_slice(&1000u32.to_le_bytes());
        assert!(check(&mut Cursor::new(bytes))
            .unwrap_err()
            .contains("more than the file holds"));
    }
}
