//! Every map type against the real kernel: creation, the byte API, typed wrappers,
//! per-CPU values, LRU, LPM, queue/stack, bloom, maps of maps, prog array, ringbuf,
//! batches, mmap and freeze.

mod common;

use std::os::fd::{AsFd, AsRawFd};

use ebpf_asm::RawInsn;
use ebpf_loader::flags::{BPF_F_MMAPABLE, BPF_F_NO_PREALLOC};
use ebpf_loader::{
    possible_cpus, Array, BloomFilter, Error, HashMap, Map, MapSpec, MapType, PerCpuArray,
    PerCpuHashMap, ProgramSpec, ProgramType, Queue, Stack, BPF_ANY, BPF_EXIST, BPF_NOEXIST,
};

/// r0 = 0; exit
const RETURN_0: [RawInsn; 2] = [
    RawInsn::from_bytes([0xb7, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
    RawInsn::from_bytes([0x95, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
];

fn k(i: u32) -> [u8; 4] {
    i.to_ne_bytes()
}

/// A spec that the kernel accepts for `t` (without BTF), or `None` for types needing BTF.
fn spec_for(t: MapType) -> Option<MapSpec> {
    use MapType::*;
    let cpus = possible_cpus().ok()? as u32;
    Some(match t {
        LpmTrie => MapSpec::new(t, 8, 4, 16).flags(BPF_F_NO_PREALLOC),
        StackTrace => MapSpec::new(t, 4, 8 * 8, 16),
        PerfEventArray => MapSpec::new(t, 4, 4, cpus),
        CgroupStorage | PercpuCgroupStorage => MapSpec::new(t, 16, 8, 0),
        Queue | Stack | BloomFilter => MapSpec::new(t, 0, 4, 16),
        Ringbuf | UserRingbuf => MapSpec::new(t, 0, 0, 4 * 4096),
        Arena => MapSpec::new(t, 0, 0, 1).flags(BPF_F_MMAPABLE),
        SkStorage | InodeStorage | TaskStorage | CgrpStorage | StructOps => return None,
        _ => MapSpec::new(t, 4, 4, 16),
    })
}

#[test]
fn every_map_type_is_created() {
    require_root!();
    let inner = MapSpec::new(MapType::Array, 4, 4, 1)
        .create()
        .expect("inner array");
    let mut created = Vec::new();
    for &t in MapType::ALL {
        let Some(spec) = spec_for(t) else {
            // These need BTF for their key/value types: without it the kernel says EINVAL.
            let e = MapSpec::new(t, 4, 4, 1)
                .create()
                .expect_err("BTF-only type without BTF");
            assert_eq!(e.errno(), Some(libc::EINVAL), "{t}: {e}");
            continue;
        };
        let spec = spec.name(format!("t_{}", t.as_u32()));
        let map = match t {
            MapType::ArrayOfMaps | MapType::HashOfMaps => spec.create_with_inner(inner.as_fd()),
            _ => spec.create(),
        }
        .unwrap_or_else(|e| panic!("creating a {t} map: {e}"));
        let info = map.info().expect("info");
        assert_eq!(info.map_type, Some(t));
        assert_eq!(info.name, format!("t_{}", t.as_u32()));
        assert_eq!(Map::from_id(info.id).expect("from id").map_type(), t);
        created.push(t);
    }
    assert_eq!(created.len(), MapType::ALL.len() - 5, "{created:?}");
}

#[test]
fn hash_byte_api() {
    require_root!();
    let m = MapSpec::new(MapType::Hash, 4, 8, 16)
        .name("h")
        .create()
        .expect("create");
    assert_eq!(m.lookup(&k(1)).expect("lookup"), None);
    m.update(&k(1), &10u64.to_ne_bytes(), BPF_NOEXIST)
        .expect("insert");
    let e = m
        .update(&k(1), &11u64.to_ne_bytes(), BPF_NOEXIST)
        .expect_err("exists");
    assert_eq!(e.errno(), Some(libc::EEXIST));
    let e = m
        .update(&k(2), &11u64.to_ne_bytes(), BPF_EXIST)
        .expect_err("missing");
    assert_eq!(e.errno(), Some(libc::ENOENT));
    m.update(&k(1), &12u64.to_ne_bytes(), BPF_EXIST)
        .expect("replace");
    assert_eq!(
        m.lookup(&k(1)).expect("lookup"),
        Some(12u64.to_ne_bytes().to_vec())
    );
    for i in 2..6 {
        m.update(&k(i), &u64::from(i).to_ne_bytes(), BPF_ANY)
            .expect("insert");
    }
    let mut keys: Vec<Vec<u8>> = m.keys().collect::<Result<_, _>>().expect("keys");
    keys.sort();
    assert_eq!(keys.len(), 5);
    assert_eq!(m.entries().count(), 5);
    assert_eq!(m.next_key(None).expect("first").map(|k| k.len()), Some(4));
    assert!(m.delete(&k(3)).expect("delete"));
    assert!(!m.delete(&k(3)).expect("delete again"));
    let v = m.lookup_and_delete(&k(4)).expect("lookup_and_delete");
    assert_eq!(v, Some(4u64.to_ne_bytes().to_vec()));
    assert_eq!(m.lookup(&k(4)).expect("gone"), None);
    // Wrong buffer sizes are caught before the kernel with a clear message.
    let e = m.update(&[1, 2], &[0; 8], BPF_ANY).expect_err("short key");
    assert!(
        matches!(
            e,
            Error::SizeMismatch {
                expected: 4,
                actual: 2,
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("key size of map `h`"), "{e}");
}

#[test]
fn full_hash_gives_e2big() {
    require_root!();
    let m = MapSpec::new(MapType::Hash, 4, 4, 2)
        .create()
        .expect("create");
    m.update(&k(1), &k(1), BPF_ANY).expect("1");
    m.update(&k(2), &k(2), BPF_ANY).expect("2");
    let e = m.update(&k(3), &k(3), BPF_ANY).expect_err("full");
    assert_eq!(e.errno(), Some(libc::E2BIG));
    assert!(e.to_string().contains("full"), "{e}");
}

#[test]
fn typed_wrappers_check_sizes() {
    require_root!();
    let m = MapSpec::new(MapType::Hash, 4, 8, 16)
        .name("typed")
        .create()
        .expect("create");
    let e = HashMap::<u64, u64>::new(m).expect_err("key is 4 bytes");
    assert!(
        e.to_string()
            .contains("key size for HashMap of map `typed`"),
        "{e}"
    );
    let m = MapSpec::new(MapType::Array, 4, 8, 4)
        .create()
        .expect("create");
    let e = HashMap::<u32, u64>::new(m).expect_err("wrong type");
    assert!(
        e.to_string()
            .contains("is a array; HashMap needs hash or lru_hash"),
        "{e}"
    );

    let h = HashMap::<u32, u64>::new(MapSpec::new(MapType::Hash, 4, 8, 16).create().expect("c"))
        .expect("typed");
    h.insert(&7, &70, BPF_ANY).expect("insert");
    assert_eq!(h.get(&7).expect("get"), Some(70));
    assert_eq!(
        h.insert_batch(&[1, 2, 3], &[10, 20, 30], 0).expect("batch"),
        3
    );
    let mut all: Vec<(u32, u64)> = h.iter().collect::<Result<_, _>>().expect("iter");
    all.sort();
    assert_eq!(all, vec![(1, 10), (2, 20), (3, 30), (7, 70)]);
    assert!(h.remove(&7).expect("remove"));

    let a = Array::<[u16; 3]>::new(MapSpec::new(MapType::Array, 4, 6, 4).create().expect("c"))
        .expect("array");
    a.set(2, &[1, 2, 3], BPF_ANY).expect("set");
    assert_eq!(a.get(2).expect("get"), Some([1, 2, 3]));
    assert_eq!(a.get(0).expect("get"), Some([0, 0, 0]));
    assert_eq!(a.get(4).expect("out of range"), None);
    assert_eq!(a.len(), 4);
}

/// A user struct: deriving `Pod` checks at compile time that it has no padding.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, bytemuck::Pod, bytemuck::Zeroable)]
struct Point {
    x: u32,
    y: u32,
}

#[test]
fn user_struct_values() {
    require_root!();
    let h = HashMap::<u32, Point>::new(MapSpec::new(MapType::Hash, 4, 8, 4).create().expect("c"))
        .expect("typed");
    h.insert(&1, &Point { x: 3, y: 4 }, BPF_ANY)
        .expect("insert");
    assert_eq!(h.get(&1).expect("get"), Some(Point { x: 3, y: 4 }));
}

#[test]
fn per_cpu_values() {
    require_root!();
    let cpus = possible_cpus().expect("cpus");
    assert!(cpus >= 1);
    // value_size 4 is rounded up to 8 per CPU in the user buffer.
    let m = MapSpec::new(MapType::PercpuArray, 4, 4, 2)
        .create()
        .expect("create");
    assert_eq!(m.value_buf_size(), 8 * cpus);
    let a = PerCpuArray::<u32>::new(m).expect("typed");
    let vals: Vec<u32> = (0..cpus as u32).map(|c| 100 + c).collect();
    a.set(1, &vals, BPF_ANY).expect("set");
    assert_eq!(a.get(1).expect("get"), Some(vals.clone()));
    assert_eq!(a.get(0).expect("get"), Some(vec![0; cpus]));
    assert!(a.set(1, &[1], BPF_ANY).is_err() || cpus == 1);

    for t in [MapType::PercpuHash, MapType::LruPercpuHash] {
        let h = PerCpuHashMap::<u32, u64>::new(MapSpec::new(t, 4, 8, 8).create().expect("c"))
            .expect("typed");
        let vals: Vec<u64> = (0..cpus as u64).map(|c| c * 1000 + 1).collect();
        h.insert(&5, &vals, BPF_ANY).expect("insert");
        assert_eq!(h.get(&5).expect("get"), Some(vals.clone()));
        let raw = h
            .map()
            .lookup_percpu(&5u32.to_ne_bytes())
            .expect("raw")
            .expect("present");
        assert_eq!(raw.len(), cpus);
        assert_eq!(raw[0], 1u64.to_ne_bytes().to_vec());
    }
}

#[test]
fn lru_evicts() {
    require_root!();
    let m = MapSpec::new(MapType::LruHash, 4, 4, 16)
        .create()
        .expect("create");
    for i in 0..1000u32 {
        m.update(&k(i), &k(i), BPF_ANY)
            .expect("LRU insert never fails for space");
    }
    let n = m.keys().count();
    assert!(
        n <= 16 + 2 * possible_cpus().expect("cpus"),
        "{n} entries left"
    );
    assert!(n < 1000);
    assert_eq!(
        m.lookup(&k(999)).expect("lookup"),
        Some(k(999).to_vec()),
        "newest kept"
    );
    assert_eq!(m.lookup(&k(0)).expect("lookup"), None, "oldest evicted");
}

#[test]
fn lpm_trie_longest_prefix() {
    require_root!();
    let m = MapSpec::new(MapType::LpmTrie, 8, 4, 16)
        .flags(BPF_F_NO_PREALLOC)
        .create()
        .expect("create");
    let key = |len: u32, a: [u8; 4]| {
        let mut v = len.to_ne_bytes().to_vec();
        v.extend_from_slice(&a);
        v
    };
    m.update(&key(8, [10, 0, 0, 0]), &k(1), BPF_ANY)
        .expect("/8");
    m.update(&key(16, [10, 1, 0, 0]), &k(2), BPF_ANY)
        .expect("/16");
    assert_eq!(
        m.lookup(&key(32, [10, 1, 2, 3])).expect("l"),
        Some(k(2).to_vec())
    );
    assert_eq!(
        m.lookup(&key(32, [10, 2, 0, 1])).expect("l"),
        Some(k(1).to_vec())
    );
    assert_eq!(m.lookup(&key(32, [11, 0, 0, 1])).expect("l"), None);
    // Without BPF_F_NO_PREALLOC the kernel refuses an LPM trie.
    let e = MapSpec::new(MapType::LpmTrie, 8, 4, 16)
        .create()
        .expect_err("prealloc");
    assert_eq!(e.errno(), Some(libc::EINVAL));
}

#[test]
fn queue_and_stack() {
    require_root!();
    let q = Queue::<u32>::new(MapSpec::new(MapType::Queue, 0, 4, 3).create().expect("c"))
        .expect("queue");
    let s = Stack::<u32>::new(MapSpec::new(MapType::Stack, 0, 4, 3).create().expect("c"))
        .expect("stack");
    assert_eq!(q.pop().expect("empty"), None);
    for v in 1..=3 {
        q.push(&v, BPF_ANY).expect("push");
        s.push(&v, BPF_ANY).expect("push");
    }
    let e = q.push(&4, BPF_ANY).expect_err("full");
    assert_eq!(e.errno(), Some(libc::E2BIG));
    q.push(&4, BPF_EXIST).expect("BPF_EXIST drops the oldest");
    assert_eq!(q.peek().expect("peek"), Some(2));
    assert_eq!(q.pop().expect("pop"), Some(2));
    assert_eq!(s.peek().expect("peek"), Some(3));
    assert_eq!(s.pop().expect("pop"), Some(3));
    assert_eq!(s.pop().expect("pop"), Some(2));
    assert_eq!(s.pop().expect("pop"), Some(1));
    assert_eq!(s.pop().expect("empty"), None);
}

#[test]
fn bloom_filter() {
    require_root!();
    let m = MapSpec::new(MapType::BloomFilter, 0, 4, 100)
        .map_extra(3)
        .create()
        .expect("c");
    assert_eq!(m.info().expect("info").map_extra, 3);
    let b = BloomFilter::<u32>::new(m).expect("bloom");
    for v in [42u32, 7, 1000] {
        b.insert(&v).expect("insert");
    }
    for v in [42u32, 7, 1000] {
        assert!(b.contains(&v).expect("contains"), "{v} was inserted");
    }
    let absent = (5000..5100u32)
        .filter(|v| !b.contains(v).unwrap_or(true))
        .count();
    assert!(
        absent > 50,
        "only {absent} of 100 absent values reported absent"
    );
}

#[test]
fn maps_of_maps() {
    require_root!();
    let inner = MapSpec::new(MapType::Array, 4, 4, 2)
        .create()
        .expect("inner");
    let inner_id = inner.info().expect("info").id;
    let fd = (inner.as_fd().as_raw_fd() as u32).to_ne_bytes();
    for t in [MapType::ArrayOfMaps, MapType::HashOfMaps] {
        let outer = MapSpec::new(t, 4, 4, 4)
            .create_with_inner(inner.as_fd())
            .expect("outer");
        outer.update(&k(1), &fd, BPF_ANY).expect("store inner fd");
        // User space writes an fd and reads back an id.
        assert_eq!(
            outer.lookup(&k(1)).expect("lookup"),
            Some(inner_id.to_ne_bytes().to_vec())
        );
    }
}

#[test]
fn prog_array_holds_program_ids() {
    require_root!();
    let prog = ProgramSpec::new("tail", ProgramType::SocketFilter, RETURN_0)
        .load()
        .expect("load");
    let id = prog.info().expect("info").id;
    let pa = MapSpec::new(MapType::ProgArray, 4, 4, 4)
        .create()
        .expect("prog array");
    let fd = (prog.as_fd().as_raw_fd() as u32).to_ne_bytes();
    pa.update(&k(0), &fd, BPF_ANY).expect("store prog fd");
    assert_eq!(
        pa.lookup(&k(0)).expect("lookup"),
        Some(id.to_ne_bytes().to_vec())
    );
    assert!(pa.delete(&k(0)).expect("delete"));
}

#[test]
fn ringbuf_and_perf_event_array() {
    require_root!();
    let rb = MapSpec::new(MapType::Ringbuf, 0, 0, 8 * 4096)
        .create()
        .expect("ringbuf");
    assert_eq!(rb.info().expect("info").max_entries, 8 * 4096);
    let e = MapSpec::new(MapType::Ringbuf, 0, 0, 3 * 4096)
        .create()
        .expect_err("not pow2");
    assert_eq!(e.errno(), Some(libc::EINVAL));
    let cpus = possible_cpus().expect("cpus") as u32;
    let pe = MapSpec::new(MapType::PerfEventArray, 4, 4, cpus)
        .create()
        .expect("perf");
    assert_eq!(pe.map_type(), MapType::PerfEventArray);
}

#[test]
fn batch_ops() {
    require_root!();
    let m = MapSpec::new(MapType::Hash, 4, 8, 2000)
        .create()
        .expect("create");
    let keys: Vec<u8> = (0..1000u32).flat_map(|i| i.to_ne_bytes()).collect();
    let vals: Vec<u8> = (0..1000u64).flat_map(|i| (i * 3).to_ne_bytes()).collect();
    assert_eq!(m.update_batch(&keys, &vals, 0).expect("update batch"), 1000);
    let (ks, vs) = m.lookup_all_batched(64).expect("lookup batch");
    assert_eq!(ks.len(), 1000 * 4);
    assert_eq!(vs.len(), 1000 * 8);
    for (kc, vc) in ks.chunks(4).zip(vs.chunks(8)) {
        let k = u32::from_ne_bytes(kc.try_into().expect("4"));
        let v = u64::from_ne_bytes(vc.try_into().expect("8"));
        assert_eq!(v, u64::from(k) * 3);
    }
    // Delete half in one batch; lookup-and-delete the rest.
    assert_eq!(m.delete_batch(&keys[..500 * 4]).expect("delete batch"), 500);
    let mut cursor = ebpf_loader::BatchCursor::new();
    let (mut k2, mut v2) = (Vec::new(), Vec::new());
    while !cursor.done() {
        m.lookup_batch(&mut cursor, 128, true, &mut k2, &mut v2)
            .expect("lookup and delete");
    }
    assert_eq!(k2.len(), 500 * 4);
    assert_eq!(m.keys().count(), 0);

    // Arrays batch too; the last batch ends with ENOENT and a partial count.
    let a = MapSpec::new(MapType::Array, 4, 4, 10)
        .create()
        .expect("array");
    let (ks, _) = a.lookup_all_batched(4).expect("array batch");
    assert_eq!(ks.len(), 10 * 4);
}

#[test]
fn mmap_is_coherent_with_syscalls() {
    require_root!();
    let m = MapSpec::new(MapType::Array, 4, 8, 16)
        .flags(BPF_F_MMAPABLE)
        .create()
        .expect("c");
    let mut view = m.mmap(true).expect("mmap");
    assert_eq!(view.len(), 16);
    m.update(&k(3), &33u64.to_ne_bytes(), BPF_ANY)
        .expect("update");
    assert_eq!(view.get::<u64>(3), Some(33));
    view.set(5, &55u64).expect("write through mmap");
    assert_eq!(
        m.lookup(&k(5)).expect("lookup"),
        Some(55u64.to_ne_bytes().to_vec())
    );
    assert!(view.set_bytes(16, &[0; 8]).is_err(), "out of range");
    assert_eq!(view.get::<u64>(16), None);
    // A non-mmapable map is refused with a clear error.
    let plain = MapSpec::new(MapType::Array, 4, 8, 16).create().expect("c");
    assert!(plain.mmap(false).is_err());
}

#[test]
fn freeze() {
    require_root!();
    let m = MapSpec::new(MapType::Array, 4, 8, 4)
        .flags(BPF_F_MMAPABLE)
        .create()
        .expect("c");
    let view = m.mmap(true).expect("mmap");
    let e = m.freeze().expect_err("writable mmap blocks freeze");
    assert_eq!(e.errno(), Some(libc::EBUSY));
    assert!(e.to_string().contains("EBUSY"), "{e}");
    drop(view);
    m.update(&k(1), &7u64.to_ne_bytes(), BPF_ANY)
        .expect("update before freeze");
    m.freeze().expect("freeze");
    let e = m
        .update(&k(1), &8u64.to_ne_bytes(), BPF_ANY)
        .expect_err("frozen");
    assert_eq!(e.errno(), Some(libc::EPERM));
    assert_eq!(
        m.lookup(&k(1)).expect("still readable"),
        Some(7u64.to_ne_bytes().to_vec())
    );
    let ro = m.mmap(false).expect("read-only mmap of a frozen map");
    assert_eq!(ro.get::<u64>(1), Some(7));
    assert!(m.mmap(true).is_err(), "writable mmap of a frozen map");
}

#[test]
fn invalid_map_names_are_rejected_before_the_kernel() {
    let e = MapSpec::new(MapType::Hash, 4, 4, 1)
        .name("bad-name")
        .create()
        .expect_err("dash");
    assert!(matches!(e, Error::InvalidName { .. }), "{e}");
}

#[test]
fn map_ids_and_fd_by_id() {
    require_root!();
    let m = MapSpec::new(MapType::Array, 4, 4, 2)
        .name("by_id")
        .create()
        .expect("create");
    let id = m.info().expect("info").id;
    let all: Vec<u32> = ebpf_loader::ids(ebpf_loader::ObjKind::Map)
        .collect::<Result<_, _>>()
        .expect("ids");
    assert!(all.contains(&id));
    let fd = ebpf_loader::fd_by_id(ebpf_loader::ObjKind::Map, id).expect("fd by id");
    let info = ebpf_loader::map_info(fd.as_fd()).expect("info");
    assert_eq!(
        (info.name.as_str(), info.key_size, info.max_entries),
        ("by_id", 4, 2)
    );
    let e = Map::from_id(u32::MAX).expect_err("no such id");
    assert_eq!(e.errno(), Some(libc::ENOENT));
}
