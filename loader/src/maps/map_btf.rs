//! [`MapBtf`]: a map's key and value types in BTF, so `bpftool map dump` prints values
//! field by field, and the kernel finds special fields (`bpf_spin_lock`, `bpf_timer`)
//! in values.

use ebpf_btf::{BtfType, Builder, TypeId};

use crate::error::{Error, Result};

/// A map's key and value types, encoded as BTF (create the map with
/// [`MapSpec::btf`](crate::MapSpec::btf)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapBtf {
    blob: Vec<u8>,
    key: TypeId,
    value: TypeId,
    key_size: usize,
    value_size: usize,
}

impl MapBtf {
    /// The BTF of key type `K` and value type `V` (integers, arrays, `#[repr(C)]` structs
    /// with `#[derive(BtfType)]`).
    pub fn of<K: BtfType, V: BtfType>() -> Result<MapBtf> {
        let mut b = Builder::new();
        let err = |e: ebpf_btf::Error| Error::InvalidArgument(format!("map BTF: {e}"));
        let key = K::add_btf(&mut b).map_err(err)?;
        let value = V::add_btf(&mut b).map_err(err)?;
        Ok(MapBtf {
            blob: b.encode(),
            key,
            value,
            key_size: size_of::<K>(),
            value_size: size_of::<V>(),
        })
    }

    /// Types `key` and `value` (id and size in bytes) of an object's BTF `blob` (a
    /// clang object's `.BTF`, for its BTF-defined maps).
    pub fn from_object(blob: Vec<u8>, key: (TypeId, usize), value: (TypeId, usize)) -> MapBtf {
        MapBtf {
            blob,
            key: key.0,
            value: value.0,
            key_size: key.1,
            value_size: value.1,
        }
    }

    /// The BTF blob.
    pub fn blob(&self) -> &[u8] {
        &self.blob
    }

    /// The key's type id.
    pub fn key_type_id(&self) -> TypeId {
        self.key
    }

    /// The value's type id.
    pub fn value_type_id(&self) -> TypeId {
        self.value
    }

    /// Checks that the types have the map's key and value sizes.
    pub(crate) fn check_sizes(&self, name: &str, key_size: u32, value_size: u32) -> Result<()> {
        for (what, expected, actual) in [
            ("key", key_size as usize, self.key_size),
            ("value", value_size as usize, self.value_size),
        ] {
            if expected != actual {
                return Err(Error::SizeMismatch {
                    what: format!("BTF {what} type of map `{name}`"),
                    expected,
                    actual,
                });
            }
        }
        Ok(())
    }
}
