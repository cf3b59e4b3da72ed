//! Feature probes against this kernel (6.18 facts from KERNEL.md), and their memoisation.

mod common;

use ebpf_loader::probe::{helper_supported, map_type_supported, program_type_supported};
use ebpf_loader::{MapType, ProgramType};

#[test]
fn program_types() {
    require_root!();
    for t in [
        ProgramType::SocketFilter,
        ProgramType::Xdp,
        ProgramType::SchedCls,
        ProgramType::Syscall,
        ProgramType::Netfilter,
    ] {
        assert_eq!(program_type_supported(t).ok(), Some(true), "{t}");
    }
    assert!(
        program_type_supported(ProgramType::Tracing).is_err(),
        "needs a BTF target"
    );
}

#[test]
fn map_types() {
    require_root!();
    for t in [
        MapType::Hash,
        MapType::Ringbuf,
        MapType::BloomFilter,
        MapType::ArrayOfMaps,
        MapType::LpmTrie,
    ] {
        assert_eq!(map_type_supported(t).ok(), Some(true), "{t}");
    }
    assert!(map_type_supported(MapType::SkStorage).is_err(), "needs BTF");
}

#[test]
fn helpers() {
    require_root!();
    // 1 = bpf_map_lookup_elem, 5 = bpf_ktime_get_ns: everywhere.
    assert_eq!(helper_supported(ProgramType::Xdp, 1).ok(), Some(true));
    assert_eq!(helper_supported(ProgramType::Xdp, 5).ok(), Some(true));
    // 9 = bpf_skb_store_bytes: not for XDP ("program of this type cannot use helper").
    assert_eq!(helper_supported(ProgramType::Xdp, 9).ok(), Some(false));
    assert_eq!(helper_supported(ProgramType::SchedCls, 9).ok(), Some(true));
    // No such helper.
    assert_eq!(
        helper_supported(ProgramType::Xdp, 100_000).ok(),
        Some(false)
    );
    // Memoised: the second answer is the same (and does not reload).
    let t = std::time::Instant::now();
    assert_eq!(helper_supported(ProgramType::Xdp, 9).ok(), Some(false));
    assert!(t.elapsed() < std::time::Duration::from_millis(5));
}
