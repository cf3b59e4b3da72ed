//! No fd leak: 10,000 create/close cycles of maps and load/close cycles of programs leave
//! the number of entries in /proc/self/fd unchanged. Also covers error paths.

mod common;

use ebpf_asm::RawInsn;
use ebpf_loader::{MapSpec, MapType, ProgramSpec, ProgramType, TestRun};

/// r0 = 0
/// exit
const RETURN_0: [RawInsn; 2] = [
    RawInsn::from_bytes([0xb7, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
    RawInsn::from_bytes([0x95, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
];

/// exit (rejected: R0 !read_ok)
const EXIT: [RawInsn; 1] = [RawInsn::from_bytes([
    0x95, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
])];

const CYCLES: usize = 10_000;

// One test function so that no other test in this binary opens fds concurrently.
#[test]
fn no_fd_leak() {
    require_root!();
    // Warm up lazily initialised state (possible-CPU cache, std internals).
    drop(
        MapSpec::new(MapType::PercpuArray, 4, 4, 1)
            .create()
            .expect("warm up"),
    );
    let before = common::open_fds();
    for i in 0..CYCLES {
        let m = MapSpec::new(MapType::Array, 4, 8, 4)
            .name("leak")
            .create()
            .expect("map");
        m.update(&1u32.to_ne_bytes(), &(i as u64).to_ne_bytes(), 0)
            .expect("update");
        drop(m);
        let p = ProgramSpec::new("leak", ProgramType::Xdp, RETURN_0)
            .load()
            .expect("prog");
        if i % 100 == 0 {
            p.test_run(&TestRun {
                data_in: &[0; 64],
                ..Default::default()
            })
            .expect("run");
            p.info().expect("info");
            ProgramSpec::new("leak_bad", ProgramType::Xdp, EXIT.to_vec())
                .load()
                .expect_err("rejected");
        }
        drop(p);
    }
    assert_eq!(
        common::open_fds(),
        before,
        "open fds changed after {CYCLES} cycles"
    );
}
