//! [`Btf`]: a parsed blob. Parsing checks the header and walks the type section once,
//! recording where each type starts; types are decoded on access and the name index is
//! built on the first lookup by name.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use crate::error::{Error, Result};
use crate::header::{Endian, Header};
use crate::kind::Kind;
use crate::model::TypeId;
use crate::name_index::NameIndex;

/// Size of `struct btf_type`: name_off, info, size/type.
pub(crate) const TYPE_HEADER: usize = 12;

/// Parsed BTF: a standalone blob, or split BTF on top of a base (a kernel module's BTF on
/// top of vmlinux), whose type ids and string offsets continue the base's.
#[derive(Debug)]
pub struct Btf {
    pub(crate) data: Vec<u8>,
    pub(crate) header: Header,
    /// Start of the type section in `data`.
    pub(crate) types_at: usize,
    /// Start of the string section in `data`.
    pub(crate) strings_at: usize,
    /// Offset of each own type in the type section, in id order.
    pub(crate) offsets: Vec<u32>,
    pub(crate) base: Option<Arc<Btf>>,
    /// Id of the first own type (1, or the base's next id).
    pub(crate) first_id: TypeId,
    /// String offset of the first own string (0, or the base's string length).
    pub(crate) str_base: u32,
    pub(crate) names: OnceLock<Result<NameIndex>>,
}

impl Btf {
    /// Parses a standalone BTF blob (vmlinux, or the `.BTF` section of an object).
    pub fn parse(data: impl Into<Vec<u8>>) -> Result<Btf> {
        Btf::parse_with(data.into(), None)
    }

    /// Parses split BTF (a module's, from `/sys/kernel/btf/<module>`) on top of `base`.
    pub fn parse_split(data: impl Into<Vec<u8>>, base: Arc<Btf>) -> Result<Btf> {
        Btf::parse_with(data.into(), Some(base))
    }

    /// Reads and parses a standalone BTF file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Btf> {
        Btf::parse(read(path.as_ref())?)
    }

    /// Reads and parses a split BTF file on top of `base`.
    pub fn from_file_split(path: impl AsRef<Path>, base: Arc<Btf>) -> Result<Btf> {
        Btf::parse_split(read(path.as_ref())?, base)
    }

    fn parse_with(data: Vec<u8>, base: Option<Arc<Btf>>) -> Result<Btf> {
        let header = Header::parse(&data)?;
        // Both ranges lie inside `data` (checked by Header::parse), so they fit in usize.
        let types_at = header.type_range().0 as usize;
        let strings_at = header.str_range().0 as usize;
        let strings = &data[strings_at..strings_at + header.str_len as usize];
        if base.is_none() && strings.first() != Some(&0) {
            return Err(Error::NoEmptyString { offset: strings_at });
        }
        if let Some(&last) = strings.last() {
            if last != 0 {
                let tail = strings.iter().rposition(|&b| b == 0).map_or(0, |i| i + 1);
                return Err(Error::UnterminatedString {
                    offset: strings_at + tail,
                });
            }
        }
        let (first_id, str_base) = match &base {
            Some(b) => (b.next_id(), b.strings_len()),
            None => (1, 0),
        };
        let types = &data[types_at..types_at + header.type_len as usize];
        let offsets = type_offsets(types, header.endian, types_at, first_id)?;
        Ok(Btf {
            header,
            types_at,
            strings_at,
            offsets,
            base,
            first_id,
            str_base,
            names: OnceLock::new(),
            data,
        })
    }

    /// The header as read.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Byte order of the blob.
    pub fn endian(&self) -> Endian {
        self.header.endian
    }

    /// The base this split BTF builds on, if any.
    pub fn base(&self) -> Option<&Arc<Btf>> {
        self.base.as_ref()
    }

    /// The blob this was parsed from.
    pub fn as_bytes(&self) -> &[u8] {
        &self.data
    }

    /// Id of this BTF's first own type (1 for standalone BTF).
    pub fn first_id(&self) -> TypeId {
        self.first_id
    }

    /// The id the next type would get: one past the last (base types included).
    pub fn next_id(&self) -> TypeId {
        self.first_id + self.offsets.len() as u32
    }

    /// Ids of this BTF's own types (not its base's).
    pub fn ids(&self) -> std::ops::Range<TypeId> {
        self.first_id..self.next_id()
    }

    /// Number of own types.
    pub fn len(&self) -> usize {
        self.offsets.len()
    }

    /// Whether there are no own types.
    pub fn is_empty(&self) -> bool {
        self.offsets.is_empty()
    }

    /// Length of all strings, the base's included: where a split BTF's strings start.
    pub fn strings_len(&self) -> u32 {
        self.str_base + self.header.str_len
    }

    /// The own string section's bytes.
    pub fn string_section(&self) -> &[u8] {
        &self.data[self.strings_at..self.strings_at + self.header.str_len as usize]
    }

    /// The BTF holding `id` (self or a base) and the type's record (header and entries),
    /// with its offset in that BTF's blob.
    pub(crate) fn record(&self, id: TypeId) -> Result<(&Btf, &[u8], usize)> {
        if id == 0 {
            return Err(Error::Void);
        }
        if id < self.first_id {
            return match &self.base {
                Some(b) => b.record(id),
                None => Err(self.out_of_range(0, id)),
            };
        }
        let i = (id - self.first_id) as usize;
        let Some(&start) = self.offsets.get(i) else {
            return Err(self.out_of_range(0, id));
        };
        let start = self.types_at + start as usize;
        let end = self.types_at
            + match self.offsets.get(i + 1) {
                Some(&e) => e as usize,
                None => self.header.type_len as usize,
            };
        Ok((self, &self.data[start..end], start))
    }

    pub(crate) fn out_of_range(&self, id: TypeId, referenced: TypeId) -> Error {
        Error::TypeIdOutOfRange {
            id,
            referenced,
            last: self.next_id() - 1,
        }
    }

    /// The kind of type `id`, without decoding the rest (None for `void`, id 0).
    pub fn kind_of(&self, id: TypeId) -> Result<Option<Kind>> {
        if id == 0 {
            return Ok(None);
        }
        let (btf, rec, _) = self.record(id)?;
        Ok(Kind::from_u8(info_kind(btf.word(rec, 1))))
    }

    /// The name of type `id` ("" when anonymous, and for `void`).
    pub fn name_of(&self, id: TypeId) -> Result<&str> {
        if id == 0 {
            return Ok("");
        }
        let (btf, rec, _) = self.record(id)?;
        btf.str_at(btf.word(rec, 0), id)
    }

    /// Word `i` of a record (records are validated to hold their fixed part).
    pub(crate) fn word(&self, rec: &[u8], i: usize) -> u32 {
        match rec.get(i * 4..i * 4 + 4) {
            Some(w) => self.header.endian.u32([w[0], w[1], w[2], w[3]]),
            None => 0,
        }
    }
}

/// Kind number from a type's `info` word (bits 24..29).
pub(crate) fn info_kind(info: u32) -> u8 {
    ((info >> 24) & 0x1f) as u8
}

/// Walks the type section once: each type's offset in the section, checking that its kind
/// is known and its fixed part and vlen entries fit.
fn type_offsets(types: &[u8], e: Endian, types_at: usize, first_id: TypeId) -> Result<Vec<u32>> {
    // The smallest type is 12 bytes, so this bounds the allocation by the blob's length.
    let mut offsets = Vec::with_capacity(types.len() / TYPE_HEADER);
    let mut at = 0;
    while at < types.len() {
        let id = first_id.saturating_add(offsets.len() as u32);
        let offset = types_at + at;
        let have = types.len() - at;
        let Some(h) = types.get(at..at + TYPE_HEADER) else {
            return Err(Error::TruncatedType {
                id,
                offset,
                need: TYPE_HEADER,
                have,
            });
        };
        let info = e.u32([h[4], h[5], h[6], h[7]]);
        let Some(kind) = Kind::from_u8(info_kind(info)) else {
            return Err(Error::UnknownKind {
                id,
                offset,
                kind: info_kind(info),
            });
        };
        let vlen = (info & 0xffff) as u16;
        let need = TYPE_HEADER + kind.extra_len(vlen);
        if need > have {
            return Err(if kind.has_entries() {
                Error::VlenPastEnd {
                    id,
                    kind,
                    offset,
                    vlen,
                    need,
                    have,
                }
            } else {
                Error::TruncatedType {
                    id,
                    offset,
                    need,
                    have,
                }
            });
        }
        // `at` < type_len, a u32.
        offsets.push(at as u32);
        at += need;
    }
    Ok(offsets)
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::Read {
        path: path.to_owned(),
        source: Arc::new(e),
    })
}
