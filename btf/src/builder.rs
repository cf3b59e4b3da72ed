//! [`Builder`]: collects strings (deduplicated) and types, and encodes a blob the kernel's
//! `BPF_BTF_LOAD` accepts: header, type section, string section.

use std::collections::HashMap;

use crate::btf::Btf;
use crate::error::{Error, Result};
use crate::header::{Endian, HEADER_LEN, MAGIC, VERSION};
use crate::model::{Type, TypeId};

/// Builds BTF. Types get ids in the order they are added; ids inside a type are written as
/// given (add types in an order where they are known, or fix them up before adding).
#[derive(Debug, Clone)]
pub struct Builder {
    pub(crate) endian: Endian,
    pub(crate) types: Vec<u8>,
    strings: Vec<u8>,
    dedup: HashMap<Box<[u8]>, u32>,
    first_id: TypeId,
    pub(crate) count: u32,
    str_base: u32,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

impl Builder {
    /// An empty standalone BTF in this machine's byte order; the first type gets id 1.
    pub fn new() -> Builder {
        Builder {
            endian: Endian::NATIVE,
            types: Vec::new(),
            strings: vec![0],
            dedup: HashMap::new(),
            first_id: 1,
            count: 0,
            str_base: 0,
        }
    }

    /// Split BTF on top of `base`: ids and string offsets continue the base's.
    pub fn split(base: &Btf) -> Builder {
        Builder {
            strings: Vec::new(),
            first_id: base.next_id(),
            str_base: base.strings_len(),
            ..Builder::new()
        }
    }

    /// A standalone builder whose string section starts as a copy of `btf`'s own (so that
    /// re-adding all of `btf`'s types in order encodes the same bytes).
    pub fn with_strings_of(btf: &Btf) -> Builder {
        let mut b = Builder::new();
        b.strings = btf.string_section().to_vec();
        let mut at = 0;
        for s in b.strings.split(|&c| c == 0) {
            b.dedup.entry(s.into()).or_insert(at as u32);
            at += s.len() + 1;
        }
        b
    }

    /// Writes the blob in byte order `endian` instead of this machine's.
    pub fn with_endian(mut self, endian: Endian) -> Builder {
        self.endian = endian;
        self
    }

    /// The id the next added type gets.
    pub fn next_id(&self) -> TypeId {
        self.first_id + self.count
    }

    /// Adds a string (once: the same text gives the same offset) and returns its offset.
    pub fn add_str(&mut self, s: &str) -> Result<u32> {
        if s.is_empty() {
            return Ok(0);
        }
        if s.contains('\0') {
            return Err(Error::NulInString(s.to_owned()));
        }
        if let Some(&off) = self.dedup.get(s.as_bytes()) {
            return Ok(off);
        }
        let off = self.str_base as usize + self.strings.len();
        let off = u32::try_from(off).map_err(|_| fits("string offset", off as u64))?;
        self.strings.extend_from_slice(s.as_bytes());
        self.strings.push(0);
        self.dedup.insert(s.as_bytes().into(), off);
        Ok(off)
    }

    /// Adds a type and returns its id. A type read from a [`Btf`] can be added as is.
    pub fn add(&mut self, t: &Type<'_>) -> Result<TypeId> {
        let before = self.types.len();
        if let Err(e) = self.encode_type(t) {
            self.types.truncate(before);
            return Err(e);
        }
        let id = self.next_id();
        self.count += 1;
        Ok(id)
    }

    /// The encoded blob: 24-byte header, type section, string section.
    pub fn encode(&self) -> Vec<u8> {
        let e = self.endian;
        let mut out =
            Vec::with_capacity(HEADER_LEN as usize + self.types.len() + self.strings.len());
        e.put_u16(&mut out, MAGIC);
        out.extend_from_slice(&[VERSION, 0]);
        let type_len = self.types.len() as u32;
        for word in [HEADER_LEN, 0, type_len, type_len, self.strings.len() as u32] {
            e.put_u32(&mut out, word);
        }
        out.extend_from_slice(&self.types);
        out.extend_from_slice(&self.strings);
        out
    }
}

pub(crate) fn fits(what: &'static str, value: u64) -> Error {
    Error::DoesNotFit { what, value }
}
