//! BTF kinds: the numbers in `info` bits 24..29 (uapi `linux/btf.h`, `BTF_KIND_*`) and the
//! size of what follows each kind's 12-byte `struct btf_type`.

use std::fmt;

/// A BTF kind, numbered as the kernel numbers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Kind {
    /// `BTF_KIND_INT`: integer, followed by a u32 of encoding, bit offset and bits.
    Int = 1,
    /// `BTF_KIND_PTR`: pointer.
    Ptr = 2,
    /// `BTF_KIND_ARRAY`: array, followed by `struct btf_array`.
    Array = 3,
    /// `BTF_KIND_STRUCT`: struct, followed by vlen `struct btf_member`.
    Struct = 4,
    /// `BTF_KIND_UNION`: union, followed by vlen `struct btf_member`.
    Union = 5,
    /// `BTF_KIND_ENUM`: enum of up to 32-bit values, followed by vlen `struct btf_enum`.
    Enum = 6,
    /// `BTF_KIND_FWD`: forward declaration of a struct or union.
    Fwd = 7,
    /// `BTF_KIND_TYPEDEF`.
    Typedef = 8,
    /// `BTF_KIND_VOLATILE`.
    Volatile = 9,
    /// `BTF_KIND_CONST`.
    Const = 10,
    /// `BTF_KIND_RESTRICT`.
    Restrict = 11,
    /// `BTF_KIND_FUNC`: a function (name, linkage, prototype).
    Func = 12,
    /// `BTF_KIND_FUNC_PROTO`: return type and vlen `struct btf_param`.
    FuncProto = 13,
    /// `BTF_KIND_VAR`: a variable, followed by `struct btf_var` (linkage).
    Var = 14,
    /// `BTF_KIND_DATASEC`: a data section, followed by vlen `struct btf_var_secinfo`.
    Datasec = 15,
    /// `BTF_KIND_FLOAT`.
    Float = 16,
    /// `BTF_KIND_DECL_TAG`: a tag on a declaration, followed by `struct btf_decl_tag`.
    DeclTag = 17,
    /// `BTF_KIND_TYPE_TAG`: a tag on a type.
    TypeTag = 18,
    /// `BTF_KIND_ENUM64`: enum of 64-bit values, followed by vlen `struct btf_enum64`.
    Enum64 = 19,
}

impl Kind {
    /// Every kind, in number order.
    pub const ALL: [Kind; 19] = [
        Kind::Int,
        Kind::Ptr,
        Kind::Array,
        Kind::Struct,
        Kind::Union,
        Kind::Enum,
        Kind::Fwd,
        Kind::Typedef,
        Kind::Volatile,
        Kind::Const,
        Kind::Restrict,
        Kind::Func,
        Kind::FuncProto,
        Kind::Var,
        Kind::Datasec,
        Kind::Float,
        Kind::DeclTag,
        Kind::TypeTag,
        Kind::Enum64,
    ];

    /// The kind with this number, if the kernel defines one.
    pub fn from_u8(n: u8) -> Option<Kind> {
        Kind::ALL.get(usize::from(n).checked_sub(1)?).copied()
    }

    /// Bytes after the 12-byte `struct btf_type` for a type of this kind with `vlen` entries.
    pub fn extra_len(self, vlen: u16) -> usize {
        let n = usize::from(vlen);
        match self {
            Kind::Int | Kind::Var | Kind::DeclTag => 4,
            Kind::Array => 12,
            Kind::Struct | Kind::Union | Kind::Datasec | Kind::Enum64 => 12 * n,
            Kind::Enum | Kind::FuncProto => 8 * n,
            _ => 0,
        }
    }

    /// Whether `vlen` counts entries that follow the type (rather than being unused or,
    /// for FUNC, the linkage).
    pub fn has_entries(self) -> bool {
        matches!(
            self,
            Kind::Struct
                | Kind::Union
                | Kind::Enum
                | Kind::Enum64
                | Kind::FuncProto
                | Kind::Datasec
        )
    }

    /// The kernel's name without `BTF_KIND_` (as bpftool prints it): `INT`, `FUNC_PROTO`, ...
    pub fn name(self) -> &'static str {
        match self {
            Kind::Int => "INT",
            Kind::Ptr => "PTR",
            Kind::Array => "ARRAY",
            Kind::Struct => "STRUCT",
            Kind::Union => "UNION",
            Kind::Enum => "ENUM",
            Kind::Fwd => "FWD",
            Kind::Typedef => "TYPEDEF",
            Kind::Volatile => "VOLATILE",
            Kind::Const => "CONST",
            Kind::Restrict => "RESTRICT",
            Kind::Func => "FUNC",
            Kind::FuncProto => "FUNC_PROTO",
            Kind::Var => "VAR",
            Kind::Datasec => "DATASEC",
            Kind::Float => "FLOAT",
            Kind::DeclTag => "DECL_TAG",
            Kind::TypeTag => "TYPE_TAG",
            Kind::Enum64 => "ENUM64",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
