//! The typed model of one BTF type. Names borrow from the BTF they were read from (or
//! from the caller, when building); type ids refer to the BTF they belong to.

use crate::kind::Kind;

/// A type id: 0 is `void`, 1.. are the types in order (split BTF continues its base's ids).
pub type TypeId = u32;

/// One BTF type: its name ("" when anonymous) and what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Type<'a> {
    /// The name; "" for anonymous types (and kinds that have none, like PTR).
    pub name: &'a str,
    /// The kind and its fields.
    pub kind: TypeKind<'a>,
}

/// What a type is, with the fields of its kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeKind<'a> {
    /// An integer.
    Int(Int),
    /// A pointer to a type.
    Ptr(TypeId),
    /// An array.
    Array(Array),
    /// A struct.
    Struct(Composite<'a>),
    /// A union.
    Union(Composite<'a>),
    /// An enum with values of up to 32 bits.
    Enum(Enum<'a>),
    /// An enum with 64-bit values.
    Enum64(Enum<'a>),
    /// A forward declaration.
    Fwd(FwdKind),
    /// A typedef of a type.
    Typedef(TypeId),
    /// `volatile` of a type.
    Volatile(TypeId),
    /// `const` of a type.
    Const(TypeId),
    /// `restrict` of a type.
    Restrict(TypeId),
    /// A function: its prototype and linkage.
    Func(Func),
    /// A function prototype.
    FuncProto(FuncProto<'a>),
    /// A variable.
    Var(Var),
    /// A data section and the variables in it.
    Datasec(Datasec),
    /// A floating-point type of `size` bytes.
    Float(u32),
    /// A tag on a declaration (or one of its members/parameters).
    DeclTag(DeclTag),
    /// A tag on a type.
    TypeTag(TypeTag),
}

/// An integer type: size in bytes, encoding, and the bits it uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Int {
    /// Size in bytes.
    pub size: u32,
    /// Signed / char / bool.
    pub encoding: IntEncoding,
    /// Bit offset of the value inside the storage (0 in all modern BTF).
    pub offset: u8,
    /// Bits used by the value.
    pub bits: u8,
}

impl Int {
    /// A whole integer of `size` bytes (`int` is `Int::new(4, true)`), as C compilers
    /// write them: every bit used, no offset.
    pub const fn new(size: u32, signed: bool) -> Int {
        Int {
            size,
            encoding: IntEncoding {
                signed,
                char: false,
                boolean: false,
            },
            offset: 0,
            bits: (size * 8) as u8,
        }
    }
}

/// `BTF_INT_ENCODING`: at most one of these is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct IntEncoding {
    /// `BTF_INT_SIGNED`.
    pub signed: bool,
    /// `BTF_INT_CHAR`.
    pub char: bool,
    /// `BTF_INT_BOOL`.
    pub boolean: bool,
}

/// An array: element type, index type and element count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Array {
    /// Element type.
    pub elem: TypeId,
    /// Index type (an int).
    pub index: TypeId,
    /// Number of elements.
    pub nelems: u32,
}

/// A struct or union.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Composite<'a> {
    /// Size in bytes.
    pub size: u32,
    /// `kind_flag`: members carry a bitfield size (top 8 bits of their offset).
    pub bitfields: bool,
    /// The members, in order.
    pub members: Vec<Member<'a>>,
}

/// A struct or union member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Member<'a> {
    /// Name ("" for an anonymous struct/union member).
    pub name: &'a str,
    /// Its type.
    pub ty: TypeId,
    /// Offset from the start of the struct, in bits.
    pub bit_offset: u32,
    /// Bitfield width in bits (0 when not a bitfield, and always 0 without `bitfields`).
    pub bitfield_size: u8,
}

/// An enum (ENUM or ENUM64).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enum<'a> {
    /// Size in bytes.
    pub size: u32,
    /// `kind_flag`: the values are signed.
    pub signed: bool,
    /// The enumerators, in order.
    pub values: Vec<Enumerator<'a>>,
}

/// One enumerator. `value` holds the bits: a 32-bit signed value is sign-extended, an
/// unsigned one zero-extended, so `value as i64` is right whenever the enum is signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Enumerator<'a> {
    /// Its name.
    pub name: &'a str,
    /// Its value's bits (see the type's doc).
    pub value: u64,
}

/// What a FWD declares (`kind_flag`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FwdKind {
    /// `struct name;`
    Struct,
    /// `union name;`
    Union,
}

/// Linkage of a FUNC or VAR.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Linkage {
    /// `static`: 0.
    Static,
    /// Global (defined here): 1.
    Global,
    /// `extern`: 2.
    Extern,
}

impl Linkage {
    /// The linkage with this number, if defined.
    pub fn from_u32(n: u32) -> Option<Linkage> {
        match n {
            0 => Some(Linkage::Static),
            1 => Some(Linkage::Global),
            2 => Some(Linkage::Extern),
            _ => None,
        }
    }

    /// Its number in BTF.
    pub fn to_u32(self) -> u32 {
        match self {
            Linkage::Static => 0,
            Linkage::Global => 1,
            Linkage::Extern => 2,
        }
    }
}

/// A function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Func {
    /// Its FUNC_PROTO.
    pub proto: TypeId,
    /// Its linkage (the type's vlen).
    pub linkage: Linkage,
}

/// A function prototype.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FuncProto<'a> {
    /// Return type (0 for void).
    pub ret: TypeId,
    /// Parameters; a last one with type 0 and no name means `...`.
    pub params: Vec<Param<'a>>,
}

/// A function parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Param<'a> {
    /// Its name ("" when unnamed).
    pub name: &'a str,
    /// Its type.
    pub ty: TypeId,
}

/// A variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Var {
    /// Its type.
    pub ty: TypeId,
    /// Its linkage.
    pub linkage: Linkage,
}

/// A data section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Datasec {
    /// Section size in bytes.
    pub size: u32,
    /// The variables in it.
    pub vars: Vec<VarSecInfo>,
}

/// A variable's place in a data section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VarSecInfo {
    /// The VAR (or FUNC, for `.ksyms`).
    pub ty: TypeId,
    /// Offset in the section.
    pub offset: u32,
    /// Size in bytes.
    pub size: u32,
}

/// A declaration tag: `name` is the tag's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeclTag {
    /// The tagged declaration.
    pub ty: TypeId,
    /// -1 for the declaration itself, else the member or parameter index.
    pub component_idx: i32,
    /// `kind_flag`: the tag is an `__attribute__` to emit as such.
    pub attr: bool,
}

/// A type tag: `name` is the tag's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TypeTag {
    /// The tagged type.
    pub ty: TypeId,
    /// `kind_flag`: the tag is an `__attribute__`.
    pub attr: bool,
}

impl Type<'_> {
    /// This type's kind.
    pub fn kind(&self) -> Kind {
        match &self.kind {
            TypeKind::Int(_) => Kind::Int,
            TypeKind::Ptr(_) => Kind::Ptr,
            TypeKind::Array(_) => Kind::Array,
            TypeKind::Struct(_) => Kind::Struct,
            TypeKind::Union(_) => Kind::Union,
            TypeKind::Enum(_) => Kind::Enum,
            TypeKind::Enum64(_) => Kind::Enum64,
            TypeKind::Fwd(_) => Kind::Fwd,
            TypeKind::Typedef(_) => Kind::Typedef,
            TypeKind::Volatile(_) => Kind::Volatile,
            TypeKind::Const(_) => Kind::Const,
            TypeKind::Restrict(_) => Kind::Restrict,
            TypeKind::Func(_) => Kind::Func,
            TypeKind::FuncProto(_) => Kind::FuncProto,
            TypeKind::Var(_) => Kind::Var,
            TypeKind::Datasec(_) => Kind::Datasec,
            TypeKind::Float(_) => Kind::Float,
            TypeKind::DeclTag(_) => Kind::DeclTag,
            TypeKind::TypeTag(_) => Kind::TypeTag,
        }
    }

    /// Calls `f` with every type id this type refers to, in encoding order.
    pub fn for_each_ref(&self, mut f: impl FnMut(TypeId)) {
        match &self.kind {
            TypeKind::Ptr(t)
            | TypeKind::Typedef(t)
            | TypeKind::Volatile(t)
            | TypeKind::Const(t)
            | TypeKind::Restrict(t) => f(*t),
            TypeKind::Array(a) => {
                f(a.elem);
                f(a.index)
            }
            TypeKind::Struct(c) | TypeKind::Union(c) => c.members.iter().for_each(|m| f(m.ty)),
            TypeKind::Func(func) => f(func.proto),
            TypeKind::FuncProto(p) => {
                f(p.ret);
                p.params.iter().for_each(|p| f(p.ty))
            }
            TypeKind::Var(v) => f(v.ty),
            TypeKind::Datasec(d) => d.vars.iter().for_each(|v| f(v.ty)),
            TypeKind::DeclTag(t) => f(t.ty),
            TypeKind::TypeTag(t) => f(t.ty),
            TypeKind::Int(_)
            | TypeKind::Enum(_)
            | TypeKind::Enum64(_)
            | TypeKind::Fwd(_)
            | TypeKind::Float(_) => {}
        }
    }

    /// The type this one names or qualifies, for TYPEDEF, VOLATILE, CONST, RESTRICT and
    /// TYPE_TAG (what [`Btf::resolve`](crate::Btf::resolve) skips).
    pub fn alias_of(&self) -> Option<TypeId> {
        match &self.kind {
            TypeKind::Typedef(t)
            | TypeKind::Volatile(t)
            | TypeKind::Const(t)
            | TypeKind::Restrict(t) => Some(*t),
            TypeKind::TypeTag(t) => Some(t.ty),
            _ => None,
        }
    }
}
