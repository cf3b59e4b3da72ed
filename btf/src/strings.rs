//! Names: NUL-terminated strings at offsets into the string section (split BTF's offsets
//! continue its base's).

use crate::btf::Btf;
use crate::error::{Error, Result};
use crate::model::TypeId;

impl Btf {
    /// The string at `name_off`, for a name of type `id` (the id goes into errors).
    pub(crate) fn str_at(&self, name_off: u32, id: TypeId) -> Result<&str> {
        if name_off < self.str_base {
            if let Some(base) = &self.base {
                return base.str_at(name_off, id);
            }
        }
        let bytes = self.str_bytes(name_off, id)?;
        std::str::from_utf8(bytes).map_err(|_| Error::StringNotUtf8 {
            offset: self.strings_at + name_off.saturating_sub(self.str_base) as usize,
        })
    }

    /// The bytes of the string at `name_off`, without its NUL.
    pub(crate) fn str_bytes(&self, name_off: u32, id: TypeId) -> Result<&[u8]> {
        if name_off < self.str_base {
            if let Some(base) = &self.base {
                return base.str_bytes(name_off, id);
            }
        }
        let local = name_off.saturating_sub(self.str_base) as usize;
        let Some(tail) = self.string_section().get(local..).filter(|t| !t.is_empty()) else {
            return Err(Error::NameOutOfBounds {
                id,
                name_off,
                str_len: self.strings_len(),
            });
        };
        match tail.iter().position(|&b| b == 0) {
            Some(n) => Ok(&tail[..n]),
            None => Err(Error::UnterminatedString {
                offset: self.strings_at + local,
            }),
        }
    }

    /// The string at `offset` in the string sections (base and own), for callers that hold
    /// offsets of their own (line info, CO-RE access strings).
    pub fn string_at(&self, offset: u32) -> Result<&str> {
        self.str_at(offset, 0)
    }
}
