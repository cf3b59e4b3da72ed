//! [`BtfType`]: Rust types that describe themselves in BTF, for map keys and values
//! (`bpftool map dump` then prints fields by name; spin locks and timers in a value need
//! it). Integers, `bool`, arrays of them, [`BpfSpinLock`], [`BpfTimer`], and `#[repr(C)]`
//! structs through `#[derive(BtfType)]`.

use crate::builder::Builder;
use crate::error::Result;
use crate::model::{Array, Composite, Int, IntEncoding, Member, Type, TypeId, TypeKind};

/// A Rust type with a BTF description.
///
/// ```
/// use ebpf_btf::{Btf, BtfType, Builder, Kind};
///
/// #[derive(BtfType, Clone, Copy)]
/// #[repr(C)]
/// struct Flow {
///     packets: u64,
///     bytes: u64,
///     proto: u8,
///     pad: [u8; 7],
/// }
///
/// let mut b = Builder::new();
/// let id = Flow::add_btf(&mut b)?;
/// let btf = Btf::parse(b.encode())?;
/// assert_eq!(btf.id_by_name_kind("Flow", Kind::Struct)?, Some(id));
/// assert_eq!(btf.size_of(id)?, 24);
/// assert_eq!(btf.member_offset(id, "proto")?.bit_offset, 128);
/// # Ok::<(), ebpf_btf::Error>(())
/// ```
pub trait BtfType {
    /// Adds this type (and the types it refers to) to `b`; returns its id.
    fn add_btf(b: &mut Builder) -> Result<TypeId>;
}

fn int(b: &mut Builder, name: &str, size: u32, signed: bool, boolean: bool) -> Result<TypeId> {
    b.add(&Type {
        name,
        kind: TypeKind::Int(Int {
            size,
            encoding: IntEncoding {
                signed,
                boolean,
                ..Default::default()
            },
            offset: 0,
            bits: if boolean { 1 } else { (size * 8) as u8 },
        }),
    })
}

macro_rules! ints {
    ($($t:ty => $name:literal, $signed:literal;)*) => {$(
        impl BtfType for $t {
            fn add_btf(b: &mut Builder) -> Result<TypeId> {
                int(b, $name, size_of::<$t>() as u32, $signed, false)
            }
        }
    )*};
}

ints! {
    u8 => "u8", false;
    u16 => "u16", false;
    u32 => "u32", false;
    u64 => "u64", false;
    i8 => "i8", true;
    i16 => "i16", true;
    i32 => "i32", true;
    i64 => "i64", true;
}

impl BtfType for bool {
    fn add_btf(b: &mut Builder) -> Result<TypeId> {
        int(b, "bool", 1, false, true)
    }
}

impl<T: BtfType, const N: usize> BtfType for [T; N] {
    fn add_btf(b: &mut Builder) -> Result<TypeId> {
        let elem = T::add_btf(b)?;
        // As clang does: the index type is a 4-byte int of this name.
        let index = int(b, "__ARRAY_SIZE_TYPE__", 4, false, false)?;
        let nelems =
            u32::try_from(N).map_err(|_| crate::builder::fits("array length", N as u64))?;
        b.add(&Type {
            name: "",
            kind: TypeKind::Array(Array {
                elem,
                index,
                nelems,
            }),
        })
    }
}

/// Adds a struct named `name` of `size` bytes with `members` (name, type, byte offset):
/// what `#[derive(BtfType)]` calls.
pub fn add_struct(
    b: &mut Builder,
    name: &str,
    size: usize,
    members: &[(&str, TypeId, usize)],
) -> Result<TypeId> {
    let size = u32::try_from(size).map_err(|_| crate::builder::fits("struct size", size as u64))?;
    let members = members
        .iter()
        .map(|&(name, ty, offset)| {
            let bit_offset = u32::try_from(offset * 8)
                .map_err(|_| crate::builder::fits("member offset", offset as u64))?;
            Ok(Member {
                name,
                ty,
                bit_offset,
                bitfield_size: 0,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    b.add(&Type {
        name,
        kind: TypeKind::Struct(Composite {
            size,
            bitfields: false,
            members,
        }),
    })
}

/// The kernel's `struct bpf_spin_lock` (4 bytes): a map value holding one (at most one,
/// at a 4-byte aligned offset) can be locked with `bpf_spin_lock` and updated with
/// `BPF_F_LOCK`; the kernel finds it through the value's BTF.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct BpfSpinLock {
    /// The lock word (the kernel's; zero when unlocked).
    pub val: u32,
}

impl BtfType for BpfSpinLock {
    fn add_btf(b: &mut Builder) -> Result<TypeId> {
        let u32_id = u32::add_btf(b)?;
        add_struct(b, "bpf_spin_lock", 4, &[("val", u32_id, 0)])
    }
}

/// The kernel's `struct bpf_timer` (16 bytes, 8-byte aligned): a map value holding one
/// can arm a timer (`bpf_timer_init`); the kernel finds it through the value's BTF.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C, align(8))]
pub struct BpfTimer {
    /// Opaque to programs and users.
    pub opaque: [u64; 2],
}

impl BtfType for BpfTimer {
    fn add_btf(b: &mut Builder) -> Result<TypeId> {
        let a = <[u64; 2]>::add_btf(b)?;
        add_struct(b, "bpf_timer", 16, &[("__opaque", a, 0)])
    }
}
