//! Typed views of maps over [`Pod`] keys and values; sizes are checked when the wrapper
//! is made.
//!
//! Keys and values are [`bytemuck::Pod`]: the integers, arrays of them, and your own
//! `#[repr(C)]` structs with `#[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]`,
//! whose derive refuses padding at compile time (add explicit `_pad` fields).

use std::marker::PhantomData;

use bytemuck::{bytes_of, cast_slice as bytes_of_slice, Pod};

use super::{percpu::slot_size, Map, MapType};
use crate::error::{Error, Result};

/// Reads a `V` from the start of `bytes`; `None` if there are too few bytes.
pub(super) fn read_pod<V: Pod>(bytes: &[u8]) -> Option<V> {
    bytes
        .get(..size_of::<V>())
        .map(bytemuck::pod_read_unaligned)
}

fn check_shape(
    map: &Map,
    wrapper: &str,
    types: &[MapType],
    key: Option<usize>,
    value: usize,
) -> Result<()> {
    if !types.contains(&map.map_type()) {
        let names: Vec<&str> = types.iter().map(|t| t.name()).collect();
        return Err(Error::InvalidArgument(format!(
            "map `{}` is a {}; {wrapper} needs {}",
            map.name(),
            map.map_type(),
            names.join(" or ")
        )));
    }
    if let Some(k) = key {
        map.check(
            &format!("key size for {wrapper}"),
            map.key_size() as usize,
            k,
        )?;
    }
    map.check(
        &format!("value size for {wrapper}"),
        map.value_size() as usize,
        value,
    )
}

fn decode<V: Pod>(bytes: &[u8]) -> Result<V> {
    read_pod(bytes).ok_or_else(|| Error::SizeMismatch {
        what: "value from the kernel".into(),
        expected: size_of::<V>(),
        actual: bytes.len(),
    })
}

macro_rules! wrapper_common {
    ($name:ident < $($g:ident),* >) => {
        impl<$($g: Pod),*> $name<$($g),*> {
            /// The untyped map.
            pub fn map(&self) -> &Map {
                &self.map
            }

            /// Unwraps the untyped map.
            pub fn into_inner(self) -> Map {
                self.map
            }
        }
    };
}

/// A hash or LRU hash map with keys `K` and values `V`.
#[derive(Debug)]
pub struct HashMap<K, V> {
    map: Map,
    _types: PhantomData<(K, V)>,
}
wrapper_common!(HashMap<K, V>);

impl<K: Pod, V: Pod> HashMap<K, V> {
    /// Wraps `map`, checking its type and that key/value sizes match `K`/`V`.
    pub fn new(map: Map) -> Result<Self> {
        let types = [MapType::Hash, MapType::LruHash];
        check_shape(
            &map,
            "HashMap",
            &types,
            Some(size_of::<K>()),
            size_of::<V>(),
        )?;
        Ok(HashMap {
            map,
            _types: PhantomData,
        })
    }

    /// The value of `key`.
    pub fn get(&self, key: &K) -> Result<Option<V>> {
        self.map
            .lookup(bytes_of(key))?
            .map(|b| decode(&b))
            .transpose()
    }

    /// Sets `key` to `value` with update flags (`BPF_ANY`, ...).
    pub fn insert(&self, key: &K, value: &V, flags: u64) -> Result<()> {
        self.map.update(bytes_of(key), bytes_of(value), flags)
    }

    /// Removes `key`; `false` if absent.
    pub fn remove(&self, key: &K) -> Result<bool> {
        self.map.delete(bytes_of(key))
    }

    /// Inserts many entries with one `BPF_MAP_UPDATE_BATCH`; returns how many were written.
    pub fn insert_batch(&self, keys: &[K], values: &[V], flags: u64) -> Result<u32> {
        if keys.len() != values.len() {
            return Err(Error::InvalidArgument(format!(
                "insert_batch: {} keys but {} values",
                keys.len(),
                values.len()
            )));
        }
        self.map
            .update_batch(bytes_of_slice(keys), bytes_of_slice(values), flags)
    }

    /// Iterates over the keys.
    pub fn keys(&self) -> impl Iterator<Item = Result<K>> + '_ {
        self.map.keys().map(|k| k.and_then(|b| decode(&b)))
    }

    /// Iterates over `(key, value)` pairs.
    pub fn iter(&self) -> impl Iterator<Item = Result<(K, V)>> + '_ {
        self.map
            .entries()
            .map(|e| e.and_then(|(k, v)| Ok((decode(&k)?, decode(&v)?))))
    }
}

/// An array map of `V` indexed by `u32`.
#[derive(Debug)]
pub struct Array<V> {
    map: Map,
    _types: PhantomData<V>,
}
wrapper_common!(Array<V>);

impl<V: Pod> Array<V> {
    /// Wraps `map`, checking its type and value size.
    pub fn new(map: Map) -> Result<Self> {
        check_shape(&map, "Array", &[MapType::Array], Some(4), size_of::<V>())?;
        Ok(Array {
            map,
            _types: PhantomData,
        })
    }

    /// Element `index` (`None` if out of range).
    pub fn get(&self, index: u32) -> Result<Option<V>> {
        self.map
            .lookup(&index.to_ne_bytes())?
            .map(|b| decode(&b))
            .transpose()
    }

    /// Sets element `index`.
    pub fn set(&self, index: u32, value: &V, flags: u64) -> Result<()> {
        self.map
            .update(&index.to_ne_bytes(), bytes_of(value), flags)
    }

    /// Number of elements.
    pub fn len(&self) -> u32 {
        self.map.max_entries()
    }

    /// Whether the array has no elements.
    pub fn is_empty(&self) -> bool {
        self.map.max_entries() == 0
    }
}

fn split_percpu<V: Pod>(map: &Map, buf: &[u8]) -> Result<Vec<V>> {
    let slot = slot_size(map.value_size()).max(1);
    buf.chunks(slot).map(decode).collect()
}

fn join_percpu<V: Pod>(map: &Map, values: &[V]) -> Result<Vec<u8>> {
    let slots: Vec<&[u8]> = values.iter().map(|v| bytes_of(v)).collect();
    let cpus = super::possible_cpus()?;
    if slots.len() != cpus {
        return Err(Error::InvalidArgument(format!(
            "per-CPU update of map `{}` needs {cpus} values (possible CPUs), got {}",
            map.name(),
            slots.len()
        )));
    }
    let slot = slot_size(map.value_size());
    let mut buf = vec![0u8; slot * cpus];
    for (i, s) in slots.iter().enumerate() {
        buf[i * slot..i * slot + s.len()].copy_from_slice(s);
    }
    Ok(buf)
}

/// A per-CPU array: one `V` per possible CPU for each index.
#[derive(Debug)]
pub struct PerCpuArray<V> {
    map: Map,
    _types: PhantomData<V>,
}
wrapper_common!(PerCpuArray<V>);

impl<V: Pod> PerCpuArray<V> {
    /// Wraps `map`, checking its type and value size.
    pub fn new(map: Map) -> Result<Self> {
        check_shape(
            &map,
            "PerCpuArray",
            &[MapType::PercpuArray],
            Some(4),
            size_of::<V>(),
        )?;
        Ok(PerCpuArray {
            map,
            _types: PhantomData,
        })
    }

    /// The values of element `index`, one per possible CPU.
    pub fn get(&self, index: u32) -> Result<Option<Vec<V>>> {
        match self.map.lookup(&index.to_ne_bytes())? {
            Some(b) => split_percpu(&self.map, &b).map(Some),
            None => Ok(None),
        }
    }

    /// Sets element `index` to one value per possible CPU.
    pub fn set(&self, index: u32, values: &[V], flags: u64) -> Result<()> {
        let buf = join_percpu(&self.map, values)?;
        self.map.update(&index.to_ne_bytes(), &buf, flags)
    }
}

/// A per-CPU (LRU) hash map: one `V` per possible CPU for each key.
#[derive(Debug)]
pub struct PerCpuHashMap<K, V> {
    map: Map,
    _types: PhantomData<(K, V)>,
}
wrapper_common!(PerCpuHashMap<K, V>);

impl<K: Pod, V: Pod> PerCpuHashMap<K, V> {
    /// Wraps `map`, checking its type and sizes.
    pub fn new(map: Map) -> Result<Self> {
        let types = [MapType::PercpuHash, MapType::LruPercpuHash];
        check_shape(
            &map,
            "PerCpuHashMap",
            &types,
            Some(size_of::<K>()),
            size_of::<V>(),
        )?;
        Ok(PerCpuHashMap {
            map,
            _types: PhantomData,
        })
    }

    /// The values of `key`, one per possible CPU.
    pub fn get(&self, key: &K) -> Result<Option<Vec<V>>> {
        match self.map.lookup(bytes_of(key))? {
            Some(b) => split_percpu(&self.map, &b).map(Some),
            None => Ok(None),
        }
    }

    /// Sets `key` to one value per possible CPU.
    pub fn insert(&self, key: &K, values: &[V], flags: u64) -> Result<()> {
        let buf = join_percpu(&self.map, values)?;
        self.map.update(bytes_of(key), &buf, flags)
    }

    /// Removes `key`; `false` if absent.
    pub fn remove(&self, key: &K) -> Result<bool> {
        self.map.delete(bytes_of(key))
    }
}

macro_rules! fifo {
    ($(#[$m:meta])* $name:ident, $ty:expr) => {
        $(#[$m])*
        #[derive(Debug)]
        pub struct $name<V> {
            map: Map,
            _types: PhantomData<V>,
        }
        wrapper_common!($name<V>);

        impl<V: Pod> $name<V> {
            /// Wraps `map`, checking its type and value size.
            pub fn new(map: Map) -> Result<Self> {
                check_shape(&map, stringify!($name), &[$ty], Some(0), size_of::<V>())?;
                Ok($name { map, _types: PhantomData })
            }

            /// Pushes `value`; with `BPF_EXIST` a full map drops its oldest element.
            pub fn push(&self, value: &V, flags: u64) -> Result<()> {
                self.map.push(bytes_of(value), flags)
            }

            /// Removes and returns the next value; `None` when empty.
            pub fn pop(&self) -> Result<Option<V>> {
                self.map.pop()?.map(|b| decode(&b)).transpose()
            }

            /// Returns the next value without removing it; `None` when empty.
            pub fn peek(&self) -> Result<Option<V>> {
                self.map.peek()?.map(|b| decode(&b)).transpose()
            }
        }
    };
}

fifo!(
    /// A FIFO queue map of `V`.
    Queue,
    MapType::Queue
);
fifo!(
    /// A LIFO stack map of `V`.
    Stack,
    MapType::Stack
);

/// A bloom filter map over values `V`.
#[derive(Debug)]
pub struct BloomFilter<V> {
    map: Map,
    _types: PhantomData<V>,
}
wrapper_common!(BloomFilter<V>);

impl<V: Pod> BloomFilter<V> {
    /// Wraps `map`, checking its type and value size.
    pub fn new(map: Map) -> Result<Self> {
        check_shape(
            &map,
            "BloomFilter",
            &[MapType::BloomFilter],
            Some(0),
            size_of::<V>(),
        )?;
        Ok(BloomFilter {
            map,
            _types: PhantomData,
        })
    }

    /// Adds `value` to the set.
    pub fn insert(&self, value: &V) -> Result<()> {
        self.map.push(bytes_of(value), 0)
    }

    /// Whether `value` may be in the set (`false` means surely not).
    pub fn contains(&self, value: &V) -> Result<bool> {
        self.map.bloom_contains(bytes_of(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_from_the_start_of_a_longer_slot() {
        let slot = [5u8, 4, 3, 2, 0xff, 0xff, 0xff, 0xff];
        assert_eq!(
            read_pod::<u32>(&slot),
            Some(u32::from_ne_bytes([5, 4, 3, 2]))
        );
        assert_eq!(read_pod::<u64>(&slot[..7]), None);
        assert_eq!(bytes_of_slice::<u16, u8>(&[1, 2]).len(), 4);
    }
}
