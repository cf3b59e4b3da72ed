//! Maps: creation from a [`MapSpec`], the untyped byte API on [`Map`], and submodules for
//! batches, per-CPU values, mmap, typed wrappers and the event readers (ring buffer,
//! perf buffer).

mod batch;
mod map_btf;
mod map_ids;
mod map_slots;
mod map_type;
mod mmap;
mod percpu;
pub mod perf_reader;
mod pinning;
mod prog_array;
pub mod ringbuf;
mod typed;

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::Path;

pub use batch::BatchCursor;
pub use map_btf::MapBtf;
pub use map_ids::resolve_map_ids;
pub use map_slots::{set_slot, MapSlot};
pub use map_type::MapType;
pub use mmap::MapMmap;
pub use percpu::{parse_cpu_list, possible_cpus};
pub use pinning::{pin_path, reuse_pinned, Pinning, DEFAULT_PIN_DIR};
pub use prog_array::ProgArray;
pub use typed::{Array, BloomFilter, HashMap, PerCpuArray, PerCpuHashMap, Queue, Stack};

use crate::error::{Error, Result};
use crate::flags::BPF_F_NUMA_NODE;
use crate::ids::{fd_by_id, ObjKind};
use crate::names::{name_bytes, name_from_bytes};
use crate::pin::{open_pinned, pin_fd};
use crate::programs::verifier_log::LogPolicy;
use crate::programs::{BtfCache, BtfObject};
use crate::sys::{self, attr::MapCreateAttr, attr::MapInfoRaw, Cmd, MapLayout};

/// What to create: the arguments of `BPF_MAP_CREATE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapSpec {
    /// Object name (letters, digits, `_`, `.`; at most 15 bytes).
    pub name: String,
    /// The map type.
    pub map_type: MapType,
    /// Key size in bytes (0 for queue, stack, bloom filter, ringbuf).
    pub key_size: u32,
    /// Value size in bytes (0 for ringbuf).
    pub value_size: u32,
    /// Capacity (ringbuf: size in bytes, a power-of-two number of pages).
    pub max_entries: u32,
    /// `BPF_F_*` creation flags.
    pub flags: u32,
    /// Type-specific extra (bloom filter: number of hash functions; arena: address).
    pub map_extra: u64,
    /// NUMA node to allocate on (sets `BPF_F_NUMA_NODE`).
    pub numa_node: Option<u32>,
    /// Key and value types in BTF, when known.
    pub btf: Option<MapBtf>,
}

impl MapSpec {
    /// A spec with no name, no flags and no extras.
    pub fn new(map_type: MapType, key_size: u32, value_size: u32, max_entries: u32) -> Self {
        MapSpec {
            name: String::new(),
            map_type,
            key_size,
            value_size,
            max_entries,
            flags: 0,
            map_extra: 0,
            numa_node: None,
            btf: None,
        }
    }

    /// Sets the name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Sets the creation flags.
    pub fn flags(mut self, flags: u32) -> Self {
        self.flags = flags;
        self
    }

    /// Sets `map_extra`.
    pub fn map_extra(mut self, extra: u64) -> Self {
        self.map_extra = extra;
        self
    }

    /// Sets the NUMA node.
    pub fn numa_node(mut self, node: u32) -> Self {
        self.numa_node = Some(node);
        self
    }

    /// Gives the map key and value types (see [`MapBtf::of`]): `bpftool map dump` prints
    /// values by field, and values may hold a `bpf_spin_lock` or `bpf_timer`.
    pub fn btf(mut self, btf: MapBtf) -> Self {
        self.btf = Some(btf);
        self
    }

    /// Creates the map.
    pub fn create(&self) -> Result<Map> {
        self.create_inner(None, None)
    }

    /// Creates a map of maps whose values have the shape of `inner` (array/hash of maps).
    pub fn create_with_inner(&self, inner: BorrowedFd<'_>) -> Result<Map> {
        self.create_inner(Some(inner), None)
    }

    /// Creates the map (of maps, with `inner`), its BTF object taken from (or added to)
    /// `cache`: a collection loads its object's BTF once.
    pub(crate) fn create_sharing_btf(
        &self,
        inner: Option<BorrowedFd<'_>>,
        cache: &BtfCache,
    ) -> Result<Map> {
        self.create_inner(inner, Some(cache))
    }

    fn create_inner(&self, inner: Option<BorrowedFd<'_>>, cache: Option<&BtfCache>) -> Result<Map> {
        use std::os::fd::AsRawFd;
        let mut flags = self.flags;
        if self.numa_node.is_some() {
            flags |= BPF_F_NUMA_NODE;
        }
        let btf = match &self.btf {
            Some(b) => {
                b.check_sizes(&self.name, self.key_size, self.value_size)?;
                let obj = match cache {
                    Some(c) => c.load(b.blob(), &LogPolicy::default())?,
                    None => BtfObject::load(b.blob())?,
                };
                Some((obj, b))
            }
            None => None,
        };
        let attr = MapCreateAttr {
            map_type: self.map_type.as_u32(),
            key_size: self.key_size,
            value_size: self.value_size,
            max_entries: self.max_entries,
            map_flags: flags,
            inner_map_fd: inner.map_or(0, |fd| fd.as_raw_fd() as u32),
            numa_node: self.numa_node.unwrap_or(0),
            map_name: name_bytes(&self.name)?,
            map_extra: self.map_extra,
            btf_fd: btf
                .as_ref()
                .map_or(0, |(o, _)| o.as_fd().as_raw_fd() as u32),
            btf_key_type_id: btf.as_ref().map_or(0, |(_, b)| b.key_type_id()),
            btf_value_type_id: btf.as_ref().map_or(0, |(_, b)| b.value_type_id()),
            ..Default::default()
        };
        let fd = sys::map_create(&attr).map_err(|e| Error::kernel(Cmd::MapCreate, e))?;
        Map::with_layout(
            fd,
            self.name.clone(),
            self.map_type,
            self.key_size,
            self.value_size,
        )
        .map(|m| Map {
            max_entries: self.max_entries,
            flags,
            ..m
        })
    }
}

/// A map in the kernel, owned through its file descriptor (closed on drop).
#[derive(Debug)]
pub struct Map {
    fd: OwnedFd,
    name: String,
    map_type: MapType,
    key_size: u32,
    value_size: u32,
    max_entries: u32,
    flags: u32,
    layout: MapLayout,
}

/// What the kernel says about a map (`bpf_map_info`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapInfo {
    /// The map type (`None` if this crate does not know it).
    pub map_type: Option<MapType>,
    /// The raw map type value.
    pub map_type_raw: u32,
    /// Kernel-wide id.
    pub id: u32,
    /// Name.
    pub name: String,
    /// Key size.
    pub key_size: u32,
    /// Value size.
    pub value_size: u32,
    /// Capacity.
    pub max_entries: u32,
    /// Creation flags.
    pub flags: u32,
    /// `map_extra`.
    pub map_extra: u64,
    /// BTF object id (0 if none).
    pub btf_id: u32,
}

impl MapInfo {
    pub(crate) fn from_raw(r: &MapInfoRaw) -> Self {
        MapInfo {
            map_type: MapType::from_u32(r.map_type),
            map_type_raw: r.map_type,
            id: r.id,
            name: name_from_bytes(&r.name),
            key_size: r.key_size,
            value_size: r.value_size,
            max_entries: r.max_entries,
            flags: r.map_flags,
            map_extra: r.map_extra,
            btf_id: r.btf_id,
        }
    }
}

/// Queries `bpf_map_info` for a map fd.
pub fn map_info(fd: BorrowedFd<'_>) -> Result<MapInfo> {
    let raw: MapInfoRaw = sys::obj_info(fd).map_err(|e| Error::kernel(Cmd::ObjGetInfoByFd, e))?;
    Ok(MapInfo::from_raw(&raw))
}

impl Map {
    fn with_layout(
        fd: OwnedFd,
        name: String,
        map_type: MapType,
        key_size: u32,
        value_size: u32,
    ) -> Result<Map> {
        let value_buf = if map_type.is_per_cpu() {
            percpu::slot_size(value_size).saturating_mul(possible_cpus()?)
        } else {
            value_size as usize
        };
        Ok(Map {
            fd,
            name,
            map_type,
            key_size,
            value_size,
            max_entries: 0,
            flags: 0,
            layout: MapLayout {
                key_size: key_size as usize,
                value_buf,
            },
        })
    }

    /// Adopts a map fd (from a pin, an id or elsewhere), reading its shape from the kernel.
    pub fn from_fd(fd: OwnedFd) -> Result<Map> {
        let info = map_info(fd.as_fd())?;
        let map_type = info.map_type.ok_or_else(|| Error::UnknownName {
            kind: "map type",
            name: info.map_type_raw.to_string(),
        })?;
        let m = Map::with_layout(fd, info.name, map_type, info.key_size, info.value_size)?;
        Ok(Map {
            max_entries: info.max_entries,
            flags: info.flags,
            ..m
        })
    }

    /// Opens the map with kernel id `id`.
    pub fn from_id(id: u32) -> Result<Map> {
        Map::from_fd(fd_by_id(ObjKind::Map, id)?)
    }

    /// Opens a map pinned at `path` (read-write).
    pub fn from_pinned(path: impl AsRef<Path>) -> Result<Map> {
        Map::from_fd(open_pinned(path.as_ref(), 0)?)
    }

    /// Opens a pinned map with `BPF_F_RDONLY` or `BPF_F_WRONLY`.
    pub fn from_pinned_with_flags(path: impl AsRef<Path>, file_flags: u32) -> Result<Map> {
        Map::from_fd(open_pinned(path.as_ref(), file_flags)?)
    }

    /// Pins the map at `path` on bpffs.
    pub fn pin(&self, path: impl AsRef<Path>) -> Result<()> {
        pin_fd(self.as_fd(), path.as_ref())
    }

    /// The name given at creation.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The map type.
    pub fn map_type(&self) -> MapType {
        self.map_type
    }

    /// Key size in bytes.
    pub fn key_size(&self) -> u32 {
        self.key_size
    }

    /// Value size in bytes (of one CPU's value for per-CPU maps).
    pub fn value_size(&self) -> u32 {
        self.value_size
    }

    /// Size of the user buffer for one value: `value_size`, or for per-CPU maps
    /// `round_up(value_size, 8) × possible CPUs`.
    pub fn value_buf_size(&self) -> usize {
        self.layout.value_buf
    }

    /// Capacity.
    pub fn max_entries(&self) -> u32 {
        self.max_entries
    }

    /// Creation flags.
    pub fn flags(&self) -> u32 {
        self.flags
    }

    /// What the kernel says about this map now.
    pub fn info(&self) -> Result<MapInfo> {
        map_info(self.fd.as_fd())
    }

    /// Gives up ownership of the fd.
    pub fn into_fd(self) -> OwnedFd {
        self.fd
    }

    pub(crate) fn layout(&self) -> &MapLayout {
        &self.layout
    }

    fn check(&self, what: &str, expected: usize, actual: usize) -> Result<()> {
        if expected == actual {
            Ok(())
        } else {
            Err(Error::SizeMismatch {
                what: format!("{what} of map `{}` ({})", self.name, self.map_type),
                expected,
                actual,
            })
        }
    }

    fn check_key(&self, key: &[u8]) -> Result<()> {
        self.check("key size", self.layout.key_size, key.len())
    }

    fn check_value(&self, value: &[u8]) -> Result<()> {
        self.check("value buffer size", self.layout.value_buf, value.len())
    }

    /// Copies the value of `key` into `value` (`value_buf_size()` bytes); `false` if the
    /// key is absent.
    pub fn lookup_into(&self, key: &[u8], value: &mut [u8], flags: u64) -> Result<bool> {
        self.check_key(key)?;
        self.check_value(value)?;
        absent_is_false(
            sys::map_lookup(self.fd.as_fd(), &self.layout, key, value, flags),
            Cmd::MapLookupElem,
        )
    }

    /// The value of `key`, or `None` if absent.
    pub fn lookup(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        let mut v = vec![0; self.layout.value_buf];
        Ok(self.lookup_into(key, &mut v, 0)?.then_some(v))
    }

    /// Sets `key` to `value` (`value_buf_size()` bytes: all CPUs' values for per-CPU maps)
    /// with `BPF_ANY`, `BPF_NOEXIST`, `BPF_EXIST` and/or `BPF_F_LOCK`.
    pub fn update(&self, key: &[u8], value: &[u8], flags: u64) -> Result<()> {
        self.check_key(key)?;
        self.check_value(value)?;
        sys::map_update(self.fd.as_fd(), &self.layout, key, value, flags)
            .map_err(|e| Error::kernel(Cmd::MapUpdateElem, e))
    }

    /// Deletes `key`; `false` if it was absent.
    pub fn delete(&self, key: &[u8]) -> Result<bool> {
        self.check_key(key)?;
        absent_is_false(
            sys::map_delete(self.fd.as_fd(), &self.layout, key),
            Cmd::MapDeleteElem,
        )
    }

    /// The key after `key` (`None` = the first key); `Ok(None)` at the end.
    pub fn next_key(&self, key: Option<&[u8]>) -> Result<Option<Vec<u8>>> {
        if let Some(k) = key {
            self.check_key(k)?;
        }
        let mut next = vec![0; self.layout.key_size];
        let r = sys::map_next_key(self.fd.as_fd(), &self.layout, key, &mut next);
        Ok(absent_is_false(r, Cmd::MapGetNextKey)?.then_some(next))
    }

    /// Looks `key` up and deletes it in one step (hash maps, queue, stack).
    pub fn lookup_and_delete(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.check_key(key)?;
        let mut v = vec![0; self.layout.value_buf];
        let r = sys::map_lookup_and_delete(self.fd.as_fd(), &self.layout, key, &mut v, 0);
        Ok(absent_is_false(r, Cmd::MapLookupAndDeleteElem)?.then_some(v))
    }

    /// Iterates over the keys (`BPF_MAP_GET_NEXT_KEY`).
    pub fn keys(&self) -> Keys<'_> {
        Keys {
            map: self,
            last: None,
            done: false,
        }
    }

    /// Iterates over `(key, value)` pairs; keys deleted meanwhile are skipped.
    pub fn entries(&self) -> impl Iterator<Item = Result<(Vec<u8>, Vec<u8>)>> + '_ {
        self.keys().filter_map(move |k| match k {
            Err(e) => Some(Err(e)),
            Ok(k) => match self.lookup(&k) {
                Ok(Some(v)) => Some(Ok((k, v))),
                Ok(None) => None,
                Err(e) => Some(Err(e)),
            },
        })
    }

    /// Makes the map read-only for user space (`BPF_MAP_FREEZE`).
    pub fn freeze(&self) -> Result<()> {
        sys::map_freeze(self.fd.as_fd()).map_err(|e| Error::kernel(Cmd::MapFreeze, e))
    }

    /// Queue/stack/bloom filter: pushes `value` (`BPF_EXIST` overwrites the oldest when
    /// a queue or stack is full).
    pub fn push(&self, value: &[u8], flags: u64) -> Result<()> {
        self.update(&[], value, flags)
    }

    /// Queue/stack: removes and returns the next value; `None` when empty.
    pub fn pop(&self) -> Result<Option<Vec<u8>>> {
        self.lookup_and_delete(&[])
    }

    /// Queue/stack: returns the next value without removing it; `None` when empty.
    pub fn peek(&self) -> Result<Option<Vec<u8>>> {
        self.lookup(&[])
    }

    /// Bloom filter: whether `value` may be in the set (`false` means surely not).
    pub fn bloom_contains(&self, value: &[u8]) -> Result<bool> {
        let mut v = value.to_vec();
        self.lookup_into(&[], &mut v, 0)
    }
}

impl AsFd for Map {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

/// Maps ENOENT to `Ok(false)` and other errors to [`Error::Kernel`].
fn absent_is_false(r: std::io::Result<()>, op: Cmd) -> Result<bool> {
    match r {
        Ok(()) => Ok(true),
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => Ok(false),
        Err(e) => Err(Error::kernel(op, e)),
    }
}

/// Iterator over a map's keys, from [`Map::keys`].
#[derive(Debug)]
pub struct Keys<'a> {
    map: &'a Map,
    last: Option<Vec<u8>>,
    done: bool,
}

impl Iterator for Keys<'_> {
    type Item = Result<Vec<u8>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.map.next_key(self.last.as_deref()) {
            Ok(Some(k)) => {
                self.last = Some(k.clone());
                Some(Ok(k))
            }
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}
