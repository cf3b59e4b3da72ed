//! The 24-byte `struct btf_header` and the byte order it announces.
//!
//! ```text
//! 0      2        3      4        8         12        16       20        24
//! | magic | version | flags | hdr_len | type_off | type_len | str_off | str_len |
//! ```
//! `type_off` and `str_off` count from the end of the header (`hdr_len`).

use crate::error::{Error, Result};

/// `BTF_MAGIC`.
pub const MAGIC: u16 = 0xeb9f;
/// `BTF_VERSION`.
pub const VERSION: u8 = 1;
/// Size of the header this crate writes (and the smallest the kernel accepts).
pub const HEADER_LEN: u32 = 24;

/// Byte order of a BTF blob, told by how its magic reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endian {
    /// Least significant byte first (x86, arm64, ...).
    Little,
    /// Most significant byte first (s390x, ...).
    Big,
}

impl Endian {
    /// This machine's byte order (the one the kernel here wants).
    pub const NATIVE: Endian = if cfg!(target_endian = "little") {
        Endian::Little
    } else {
        Endian::Big
    };

    pub(crate) fn u32(self, b: [u8; 4]) -> u32 {
        match self {
            Endian::Little => u32::from_le_bytes(b),
            Endian::Big => u32::from_be_bytes(b),
        }
    }

    pub(crate) fn put_u32(self, out: &mut Vec<u8>, v: u32) {
        out.extend_from_slice(&match self {
            Endian::Little => v.to_le_bytes(),
            Endian::Big => v.to_be_bytes(),
        });
    }

    pub(crate) fn put_u16(self, out: &mut Vec<u8>, v: u16) {
        out.extend_from_slice(&match self {
            Endian::Little => v.to_le_bytes(),
            Endian::Big => v.to_be_bytes(),
        });
    }
}

/// The header's fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// Byte order of the whole blob.
    pub endian: Endian,
    /// Header length in bytes (24, or more from a newer writer).
    pub hdr_len: u32,
    /// Type section offset from the end of the header.
    pub type_off: u32,
    /// Type section length.
    pub type_len: u32,
    /// String section offset from the end of the header.
    pub str_off: u32,
    /// String section length.
    pub str_len: u32,
}

impl Header {
    /// Reads and checks the header of `data`: magic, version, flags, lengths, and that both
    /// sections lie inside the blob, after the header, without overlapping.
    pub fn parse(data: &[u8]) -> Result<Header> {
        let fixed = data.get(..HEADER_LEN as usize);
        let magic = data.get(..2).map(|m| [m[0], m[1]]);
        let endian = match magic {
            Some(m) if u16::from_le_bytes(m) == MAGIC => Endian::Little,
            Some(m) if u16::from_be_bytes(m) == MAGIC => Endian::Big,
            Some(m) => {
                return Err(Error::BadMagic {
                    found: u16::from_le_bytes(m),
                })
            }
            None => return Err(truncated(data)),
        };
        let Some(h) = fixed else {
            return Err(truncated(data));
        };
        if h[2] != VERSION {
            return Err(Error::BadVersion { version: h[2] });
        }
        if h[3] != 0 {
            return Err(Error::BadFlags { flags: h[3] });
        }
        let word = |i: usize| endian.u32([h[i], h[i + 1], h[i + 2], h[i + 3]]);
        let header = Header {
            endian,
            hdr_len: word(4),
            type_off: word(8),
            type_len: word(12),
            str_off: word(16),
            str_len: word(20),
        };
        header.check(data.len())?;
        Ok(header)
    }

    fn check(&self, blob_len: usize) -> Result<()> {
        if self.hdr_len < HEADER_LEN || self.hdr_len as usize > blob_len {
            return Err(Error::BadHeaderLen {
                hdr_len: self.hdr_len,
                blob_len,
            });
        }
        let types = self.type_range();
        let strings = self.str_range();
        let bad = |section, (start, end): (u64, u64), why| Error::BadSection {
            section,
            start,
            end,
            why,
            blob_len,
        };
        for (section, range) in [("type", types), ("string", strings)] {
            if range.1 > blob_len as u64 {
                return Err(bad(section, range, "it ends past the end of the blob"));
            }
        }
        if !self.type_off.is_multiple_of(4) {
            return Err(bad("type", types, "it is not 4-byte aligned"));
        }
        let empty = types.0 == types.1 || strings.0 == strings.1;
        if !empty && types.0 < strings.1 && strings.0 < types.1 {
            return Err(bad("string", strings, "it overlaps the type section"));
        }
        Ok(())
    }

    /// Byte range of the type section in the blob.
    pub fn type_range(&self) -> (u64, u64) {
        let start = u64::from(self.hdr_len) + u64::from(self.type_off);
        (start, start + u64::from(self.type_len))
    }

    /// Byte range of the string section in the blob.
    pub fn str_range(&self) -> (u64, u64) {
        let start = u64::from(self.hdr_len) + u64::from(self.str_off);
        (start, start + u64::from(self.str_len))
    }
}

fn truncated(data: &[u8]) -> Error {
    Error::Truncated {
        what: "header",
        offset: 0,
        need: HEADER_LEN as usize,
        have: data.len(),
    }
}
