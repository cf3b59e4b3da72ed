//! Just enough of a BTF reader to find a type id by kind and name in the kernel's
//! `/sys/kernel/btf/vmlinux`: the attach targets of `tp_btf` (`btf_trace_<name>`
//! typedefs), fentry/fexit and iterators (functions). Pure parsing over bytes; the kernel's
//! file is read once per process.

use std::sync::{Arc, OnceLock};

use crate::error::{Error, Result};

const MAGIC: u16 = 0xeb9f;
const VMLINUX: &str = "/sys/kernel/btf/vmlinux";

/// The BTF type kinds this reader looks up by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BtfKind {
    /// `BTF_KIND_STRUCT`.
    Struct,
    /// `BTF_KIND_TYPEDEF` (e.g. `btf_trace_sched_switch`).
    Typedef,
    /// `BTF_KIND_FUNC` (fentry targets, `bpf_iter_<name>`).
    Func,
}

impl BtfKind {
    fn raw(self) -> u32 {
        match self {
            BtfKind::Struct => 4,
            BtfKind::Typedef => 8,
            BtfKind::Func => 12,
        }
    }
}

/// A BTF blob (the kernel's, or any other), searchable by kind and name.
#[derive(Clone, Debug)]
pub struct Btf {
    data: Arc<[u8]>,
}

impl Btf {
    /// The running kernel's BTF (`/sys/kernel/btf/vmlinux`, read once per process).
    pub fn from_kernel() -> Result<Btf> {
        static VMLINUX_BTF: OnceLock<std::result::Result<Arc<[u8]>, String>> = OnceLock::new();
        let data = VMLINUX_BTF
            .get_or_init(|| {
                std::fs::read(VMLINUX)
                    .map(Arc::from)
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(|e| Error::Io {
                what: format!("reading {VMLINUX} (the kernel needs CONFIG_DEBUG_INFO_BTF)"),
                source: std::io::Error::other(e.clone()),
            })?;
        Btf::parse(data.clone())
    }

    /// Checks the header of a BTF blob.
    pub fn parse(data: impl Into<Arc<[u8]>>) -> Result<Btf> {
        let btf = Btf { data: data.into() };
        btf.sections()
            .map_err(|m| Error::InvalidArgument(format!("malformed BTF: {m}")))?;
        Ok(btf)
    }

    /// The id of the first type of `kind` named `name` (ids start at 1).
    pub fn find_by_name(&self, name: &str, kind: BtfKind) -> Option<u32> {
        find_type_id(&self.data, kind.raw(), name).ok().flatten()
    }

    fn sections(&self) -> std::result::Result<(&[u8], &[u8]), String> {
        sections(&self.data)
    }
}

/// The bytes of a type's data after its 12-byte header, by kind, given `vlen`.
fn extra_len(kind: u32, vlen: usize) -> Option<usize> {
    Some(match kind {
        1 => 4,                                      // INT
        2 | 7 | 8 | 9 | 10 | 11 | 12 | 16 | 18 => 0, // PTR FWD TYPEDEF VOLATILE CONST RESTRICT FUNC FLOAT TYPE_TAG
        3 => 12,                                     // ARRAY
        4 | 5 => 12 * vlen,                          // STRUCT UNION
        6 => 8 * vlen,                               // ENUM
        13 => 8 * vlen,                              // FUNC_PROTO
        14 => 4,                                     // VAR
        15 => 12 * vlen,                             // DATASEC
        17 => 4,                                     // DECL_TAG
        19 => 12 * vlen,                             // ENUM64
        _ => return None,
    })
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The type and string sections of a blob.
fn sections(btf: &[u8]) -> std::result::Result<(&[u8], &[u8]), String> {
    if btf.len() < 24 || u16::from_ne_bytes([btf[0], btf[1]]) != MAGIC {
        return Err("no BTF header (magic 0xeb9f)".into());
    }
    let field = |i: usize| u32_at(btf, 4 + 4 * i).map(|v| v as usize);
    let (Some(hdr_len), Some(type_off), Some(type_len), Some(str_off), Some(str_len)) =
        (field(0), field(1), field(2), field(3), field(4))
    else {
        return Err("short header".into());
    };
    let part = |off: usize, len: usize| {
        let start = hdr_len.checked_add(off)?;
        btf.get(start..start.checked_add(len)?)
    };
    match (part(type_off, type_len), part(str_off, str_len)) {
        (Some(t), Some(s)) => Ok((t, s)),
        _ => Err("sections out of bounds".into()),
    }
}

/// The id of the first type of raw kind `kind` named `name` in the blob `btf`.
/// `Err` describes a malformed blob.
fn find_type_id(btf: &[u8], kind: u32, name: &str) -> std::result::Result<Option<u32>, String> {
    let (types, strings) = sections(btf)?;
    let name_at = |off: usize| -> Option<&[u8]> {
        let s = strings.get(off..)?;
        Some(&s[..s.iter().position(|&b| b == 0)?])
    };
    let (mut at, mut id) = (0usize, 1u32);
    while at + 12 <= types.len() {
        let (Some(name_off), Some(info)) = (u32_at(types, at), u32_at(types, at + 4)) else {
            return Err("truncated type".into());
        };
        let k = (info >> 24) & 0x1f;
        let vlen = (info & 0xffff) as usize;
        let Some(extra) = extra_len(k, vlen) else {
            return Err(format!("unknown kind {k} at type {id}"));
        };
        if k == kind && name_at(name_off as usize) == Some(name.as_bytes()) {
            return Ok(Some(id));
        }
        at += 12 + extra;
        id += 1;
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A BTF blob with: 1 INT "int", 2 STRUCT "s" with 1 member, 3 TYPEDEF "btf_trace_x".
    fn blob() -> Vec<u8> {
        let strings = b"\0int\0s\0m\0btf_trace_x\0";
        let mut types = Vec::new();
        let mut ty = |words: &[u32]| {
            for w in words {
                types.extend_from_slice(&w.to_ne_bytes());
            }
        };
        ty(&[1, 1 << 24, 4, 32]); // INT "int", size 4, encoding word
        ty(&[5, (4 << 24) | 1, 4, 7, 1, 0]); // STRUCT "s", 1 member "m" of type 1
        ty(&[9, 8 << 24, 2]); // TYPEDEF "btf_trace_x" -> 2
        let mut b = Vec::new();
        b.extend_from_slice(&MAGIC.to_ne_bytes());
        b.extend_from_slice(&[1, 0]);
        for v in [
            24u32,
            0,
            types.len() as u32,
            types.len() as u32,
            strings.len() as u32,
        ] {
            b.extend_from_slice(&v.to_ne_bytes());
        }
        b.extend_from_slice(&types);
        b.extend_from_slice(strings);
        b
    }

    #[test]
    fn finds_types_by_kind_and_name() {
        let b = blob();
        let btf = Btf::parse(b.clone()).expect("valid blob");
        assert_eq!(btf.find_by_name("btf_trace_x", BtfKind::Typedef), Some(3));
        assert_eq!(btf.find_by_name("s", BtfKind::Struct), Some(2));
        assert_eq!(btf.find_by_name("btf_trace_x", BtfKind::Func), None);
        assert_eq!(btf.find_by_name("btf_trace_y", BtfKind::Typedef), None);
        assert!(Btf::parse(b[..10].to_vec()).is_err());
        let mut broken = b.clone();
        broken[24 + 7] = 30; // kind 30 does not exist
        assert!(find_type_id(&broken, 12, "x").is_err());
    }
}
