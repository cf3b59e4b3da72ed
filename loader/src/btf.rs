//! Type ids by kind and name in the kernel's BTF (`/sys/kernel/btf/vmlinux`): the attach
//! targets of `tp_btf` (`btf_trace_<name>` typedefs), fentry/fexit and iterators
//! (functions). A thin layer over [`ebpf_btf`], which parses the kernel's BTF once per
//! process and indexes names on the first lookup.

use std::sync::Arc;

use ebpf_btf::Kind;

use crate::error::{Error, Result};

/// The BTF type kinds this module looks up by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BtfKind {
    /// `BTF_KIND_STRUCT`.
    Struct,
    /// `BTF_KIND_TYPEDEF` (e.g. `btf_trace_sched_switch`).
    Typedef,
    /// `BTF_KIND_FUNC` (fentry targets, `bpf_iter_<name>`).
    Func,
}

impl From<BtfKind> for Kind {
    fn from(k: BtfKind) -> Kind {
        match k {
            BtfKind::Struct => Kind::Struct,
            BtfKind::Typedef => Kind::Typedef,
            BtfKind::Func => Kind::Func,
        }
    }
}

/// A BTF blob (the kernel's, or any other), searchable by kind and name.
#[derive(Clone, Debug)]
pub struct Btf {
    btf: Arc<ebpf_btf::Btf>,
}

impl Btf {
    /// The running kernel's BTF (`/sys/kernel/btf/vmlinux`, parsed once per process).
    pub fn from_kernel() -> Result<Btf> {
        let btf = ebpf_btf::vmlinux().map_err(|e| Error::Io {
            what: format!(
                "reading {} (the kernel needs CONFIG_DEBUG_INFO_BTF)",
                ebpf_btf::VMLINUX_PATH
            ),
            source: std::io::Error::other(e.to_string()),
        })?;
        Ok(Btf { btf })
    }

    /// Parses a BTF blob (its header and where each type starts).
    pub fn parse(data: impl Into<Arc<[u8]>>) -> Result<Btf> {
        let data: Arc<[u8]> = data.into();
        let btf = ebpf_btf::Btf::parse(data.to_vec())
            .map_err(|e| Error::InvalidArgument(format!("malformed BTF: {e}")))?;
        Ok(Btf { btf: Arc::new(btf) })
    }

    /// The id of the first type of `kind` named `name` (ids start at 1).
    pub fn find_by_name(&self, name: &str, kind: BtfKind) -> Option<u32> {
        self.btf.id_by_name_kind(name, kind.into()).ok().flatten()
    }

    /// The parsed BTF, for every other lookup.
    pub fn types(&self) -> &Arc<ebpf_btf::Btf> {
        &self.btf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAGIC: u16 = 0xeb9f;

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
        let err = Btf::parse(broken).expect_err("unknown kind");
        assert!(err.to_string().contains("malformed BTF"), "{err}");
    }
}
