//! CO-RE relocations written in the assembly: `offsetof(task_struct, tgid)` where an
//! immediate or offset goes. The instruction holds 0 until the loader resolves the
//! relocation against the running kernel's BTF (libbpf's `bpf_core_relo`, in our words).

use std::fmt;

pub use crate::model::patch::FixField;

/// What a CO-RE relocation asks the kernel's BTF for, and how the assembly spells it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum CoreKind {
    /// `offsetof(T, path)`: byte offset of a field (libbpf `BPF_CORE_FIELD_BYTE_OFFSET`).
    FieldOffset,
    /// `fieldsize(T, path)`: byte size of a field (`BPF_CORE_FIELD_BYTE_SIZE`).
    FieldSize,
    /// `field_exists(T, path)`: 1 when the kernel's type has the field, else 0.
    FieldExists,
    /// `field_signed(T, path)`: 1 when the field is a signed integer or signed enum
    /// (`BPF_CORE_FIELD_SIGNED`).
    FieldSigned,
    /// `field_lshift(T, path)`: how far left to shift the `fieldsize` bytes read at
    /// `offsetof`, as a u64, to put the field's top bit at bit 63
    /// (`BPF_CORE_FIELD_LSHIFT_U64`; for bitfields).
    FieldLShift,
    /// `field_rshift(T, path)`: how far right to shift then (`64 - bits`; arithmetic
    /// when `field_signed`) (`BPF_CORE_FIELD_RSHIFT_U64`).
    FieldRShift,
    /// `sizeof(T)`: byte size of a type (`BPF_CORE_TYPE_SIZE`).
    TypeSize,
    /// `type_exists(T)`: 1 when the kernel has the type, else 0.
    TypeExists,
    /// `enumval(E, NAME)`: the value of an enumerator (`BPF_CORE_ENUMVAL_VALUE`).
    EnumValue,
    /// `enumval_exists(E, NAME)`: 1 when the kernel's enum has the enumerator, else 0
    /// (`BPF_CORE_ENUMVAL_EXISTS`).
    EnumExists,
    /// `type_id(T)`: the id of the type in the kernel's BTF (`BPF_CORE_TYPE_ID_TARGET`,
    /// libbpf's `bpf_core_type_id_kernel`); for a type only a module has, its id in the
    /// module's BTF.
    TypeId,
    /// `type_matches(T)`: 1 when a kernel type of T's name matches the program's own
    /// definition of T by libbpf's rules (members by name, with matching types), else
    /// 0 (`BPF_CORE_TYPE_MATCHES`, libbpf's `bpf_core_type_matches`). The program
    /// carries its own types as BTF (`Program::with_local_btf`).
    TypeMatches,
}

impl CoreKind {
    /// Every kind.
    pub const ALL: [CoreKind; 12] = [
        CoreKind::FieldOffset,
        CoreKind::FieldSize,
        CoreKind::FieldExists,
        CoreKind::FieldSigned,
        CoreKind::FieldLShift,
        CoreKind::FieldRShift,
        CoreKind::TypeSize,
        CoreKind::TypeExists,
        CoreKind::EnumValue,
        CoreKind::EnumExists,
        CoreKind::TypeId,
        CoreKind::TypeMatches,
    ];

    /// The assembly spelling (`offsetof`, `sizeof`, ...).
    pub const fn keyword(self) -> &'static str {
        match self {
            CoreKind::FieldOffset => "offsetof",
            CoreKind::FieldSize => "fieldsize",
            CoreKind::FieldExists => "field_exists",
            CoreKind::FieldSigned => "field_signed",
            CoreKind::FieldLShift => "field_lshift",
            CoreKind::FieldRShift => "field_rshift",
            CoreKind::TypeSize => "sizeof",
            CoreKind::TypeExists => "type_exists",
            CoreKind::EnumValue => "enumval",
            CoreKind::EnumExists => "enumval_exists",
            CoreKind::TypeId => "type_id",
            CoreKind::TypeMatches => "type_matches",
        }
    }

    /// The kind spelled `word`, if any.
    pub fn from_keyword(word: &str) -> Option<CoreKind> {
        CoreKind::ALL.into_iter().find(|k| k.keyword() == word)
    }

    /// True for the kinds that take an enum and an enumerator.
    pub const fn takes_enumerator(self) -> bool {
        matches!(self, CoreKind::EnumValue | CoreKind::EnumExists)
    }

    /// True for the kinds that take a member path after the type.
    pub const fn has_path(self) -> bool {
        matches!(
            self,
            CoreKind::FieldOffset
                | CoreKind::FieldSize
                | CoreKind::FieldExists
                | CoreKind::FieldSigned
                | CoreKind::FieldLShift
                | CoreKind::FieldRShift
        )
    }
}

/// One step of a member path: `se`, `vruntime`, `[2]`.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum CoreAccess {
    /// A member by name (found through anonymous structs and unions, as C does).
    Field(String),
    /// An array element.
    Index(u32),
}

/// A CO-RE expression: `offsetof(task_struct, se.vruntime)`.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct CoreExpr {
    /// What is asked.
    pub kind: CoreKind,
    /// The type's name as written, `___flavor` suffix included.
    pub type_name: String,
    /// The member path (fields, indices); for `enumval`, one field: the enumerator.
    pub path: Vec<CoreAccess>,
}

impl fmt::Display for CoreAccess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CoreAccess::Field(n) => f.write_str(n),
            CoreAccess::Index(i) => write!(f, "[{i}]"),
        }
    }
}

/// A member path as written: `se.vruntime`, `args[1]`.
pub struct PathText<'p>(pub &'p [CoreAccess]);

impl fmt::Display for PathText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, a) in self.0.iter().enumerate() {
            if i > 0 && matches!(a, CoreAccess::Field(_)) {
                f.write_str(".")?;
            }
            a.fmt(f)?;
        }
        Ok(())
    }
}

impl fmt::Display for CoreExpr {
    /// The assembly spelling, which parses back to the same expression.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({}", self.kind.keyword(), self.type_name)?;
        if !self.path.is_empty() {
            write!(f, ", {}", PathText(&self.path))?;
        }
        f.write_str(")")
    }
}

/// A CO-RE relocation of one instruction field.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct CoreRelo {
    /// Index of the instruction (not its slot).
    pub insn: usize,
    /// The field the value goes into.
    pub field: FixField,
    /// What the value is.
    pub expr: CoreExpr,
}
