//! BTF, the BPF Type Format: parse the kernel's and objects' BTF into a typed model, look
//! types up, and build new BTF. Pure functions over bytes; loading BTF into the kernel
//! (`BPF_BTF_LOAD`) belongs to the loader.
//!
//! ```
//! use ebpf_btf::{Btf, Builder, Int, IntEncoding, Kind, Type, TypeKind};
//!
//! // Build: an int and a typedef of it.
//! let mut b = Builder::new();
//! let int = Type {
//!     name: "int",
//!     kind: TypeKind::Int(Int { size: 4, encoding: IntEncoding { signed: true, ..Default::default() }, offset: 0, bits: 32 }),
//! };
//! let int_id = b.add(&int)?;
//! b.add(&Type { name: "pid_t", kind: TypeKind::Typedef(int_id) })?;
//!
//! // Parse what was encoded, look up by name and kind, resolve and size.
//! let btf = Btf::parse(b.encode())?;
//! let pid_t = btf.id_by_name_kind("pid_t", Kind::Typedef)?.expect("added above");
//! assert_eq!(btf.resolve(pid_t)?, int_id);
//! assert_eq!(btf.size_of(pid_t)?, 4);
//! assert_eq!(btf.type_by_id(int_id)?, int);
//! # Ok::<(), ebpf_btf::Error>(())
//! ```
//!
//! The running kernel's types: [`vmlinux()`] parses `/sys/kernel/btf/vmlinux` once per
//! process; [`module()`] reads a module's split BTF on top of it.
//!
//! # How it is read
//! [`Btf::parse`] checks the header and walks the type section once, recording where each
//! type starts (for vmlinux, ~150k types in ~5.5 MB, this is the whole parse). A type is
//! decoded into the model ([`Type`]) when asked for, and checked then: its names, and that
//! the ids it refers to exist ([`Btf::validate`] does all of them). The name index is built
//! on the first lookup by name. Errors name the byte offset or the type id; a header field
//! is checked against the blob's length before anything is sized by it. Both byte orders
//! are read (the magic tells which); the [`Builder`] writes this machine's order unless told.
//!
//! # Why our own code, not a crate
//! Chosen on the merits, after reading the public APIs (`cargo info`, docs.rs):
//! - **aya-obj**'s `btf` module (MIT/Apache; in 0.2.1 ~5,300 lines with relocations and
//!   ext info)
//!   can parse and build (`Btf::parse(data, endianness)`, `add_string`, `add_type`,
//!   `to_bytes`), but it is part of an ELF-object crate (it pulls `object`, `bytes`, `log`,
//!   `hashbrown`), decodes every type eagerly into a `Vec`, uses `unsafe` (12 sites in its
//!   `btf.rs`), its `parse` takes no base BTF (so no module BTF), and its types are shaped for aya's own fix-ups of
//!   object BTF rather than as a model; 0.x releases change it together with aya.
//! - **btf-rs** (LGPL-2.1-or-later) parses well, with split BTF and a lazy mmap backend,
//!   but cannot build or encode BTF at all (and brings `memmap2`, `fallible-iterator`
//!   and a licence the rest of this MIT/Apache workspace does not use).
//! - Neither fits both halves we need: the ELF, func/line-info, kfunc and CO-RE work
//!   parses object and kernel BTF *and* encodes program BTF; and the house rules ask for
//!   a safe, fuzzable, dependency-light object layer. The format is small (19 kinds, a
//!   24-byte header, two sections; `Documentation/bpf/btf.rst`, uapi `linux/btf.h`), so
//!   our crate is ~2,100 lines with its docs, `#![forbid(unsafe_code)]`, depends on
//!   `thiserror` only,
//!   and faster on vmlinux than bpftool/libbpf (see `benches/vmlinux.rs`).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod btf;
mod builder;
mod decode;
mod display;
mod encode;
mod error;
mod header;
mod kind;
mod lookup;
mod model;
mod name_index;
mod rust_types;
mod strings;
mod vmlinux;

pub use btf::Btf;
pub use builder::Builder;
pub use ebpf_btf_derive::BtfType;
pub use error::{Error, Result};
pub use header::{Endian, Header, HEADER_LEN, MAGIC, VERSION};
pub use kind::Kind;
pub use lookup::{MemberOffset, MAX_CHAIN};
pub use model::{
    Array, Composite, Datasec, DeclTag, Enum, Enumerator, Func, FuncProto, FwdKind, Int,
    IntEncoding, Linkage, Member, Param, Type, TypeId, TypeKind, TypeTag, Var, VarSecInfo,
};
pub use rust_types::{add_struct, BpfSpinLock, BpfTimer, BtfType};
pub use vmlinux::{module, vmlinux, SYSFS_BTF_DIR, VMLINUX_PATH};
