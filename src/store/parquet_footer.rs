//! A structural check of a Parquet file's footer (Thrift compact protocol) before the parquet
//! crate reads it. That crate skips an unknown field holding a list of booleans without reading
//! a byte per element, so a 67-byte file declaring a list of two billion of them spins for
//! seconds, and a few such lists for minutes (found by `fuzz/` `store_parquet`). Here every list
//! must fit in the bytes left, and a list of booleans (which no footer field holds) is refused;
//! then the crate's own walk over the same bytes is linear in the footer's size.

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
    Walker { bytes: &footer }.value(STRUCT, MAX_DEPTH)
}

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
            LIST | SET => self.list(depth),
            MAP => self.map(depth),
            STRUCT => self.structure(depth),
            other => Err(format!("its footer holds an unknown type code {other}")),
        }
    }

    fn structure(&mut self, depth: usize) -> Result<(), Refusal> {
        loop {
            let header = self.byte()?;
            if header == 0 {
                return Ok(());
            }
            if header >> 4 == 0 {
                self.varint()?; // a field id written in full
            }
            self.value(header & 0x0F, depth)?;
        }
    }

    fn list(&mut self, depth: usize) -> Result<(), Refusal> {
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
        (0..size).try_for_each(|_| self.value(kind, depth))
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
        // field 1: i32 7; field 2: binary "ab"; field 3: list of two i64; stop.
        let footer = [
            0x15, 0x0E, 0x18, 0x02, b'a', b'b', 0x19, 0x26, 0x02, 0x04, 0x00,
        ];
        assert_eq!(check(&mut file(&footer)), Ok(()));
    }

    #[test]
    fn a_list_of_two_billion_booleans_is_refused_at_once() {
        // field 1: a list (size in a varint) of booleans, 2^31 of them.
        let footer = [0x19, 0xF1, 0x80, 0x80, 0x80, 0x80, 0x08, 0x00];
        let err = check(&mut file(&footer)).unwrap_err();
        assert!(err.contains("list of booleans"), "{err}");
    }

    #[test]
    fn a_list_longer_than_the_bytes_left_is_refused() {
        let footer = [0x19, 0xF5, 0xFF, 0xFF, 0x03, 0x00];
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
