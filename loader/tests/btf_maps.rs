//! Maps with key/value BTF: `bpftool map dump` prints fields by name, and a value with a
//! `bpf_spin_lock` can be updated under the lock (`BPF_F_LOCK`).

mod common;

use ebpf_btf::{BpfSpinLock, BtfType};
use ebpf_loader::flags::BPF_F_LOCK;
use ebpf_loader::{Error, HashMap, MapBtf, MapSpec, MapType, BPF_ANY};

#[derive(BtfType, Clone, Copy, Debug, PartialEq, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
struct Flow {
    packets: u64,
    bytes: u64,
    proto: u32,
    ports: [u16; 2],
}

#[test]
fn bpftool_prints_values_by_field() {
    require_root!();
    let btf = MapBtf::of::<u32, Flow>().expect("btf");
    let map = MapSpec::new(MapType::Hash, 4, 24, 8)
        .name("flows")
        .btf(btf)
        .create()
        .expect("creates");
    let info = map.info().expect("info");
    assert_ne!(info.btf_id, 0);
    let flows = HashMap::<u32, Flow>::new(map).expect("typed");
    let flow = Flow {
        packets: 3,
        bytes: 180,
        proto: 17,
        ports: [53, 4242],
    };
    flows.insert(&7, &flow, BPF_ANY).expect("insert");
    let out = std::process::Command::new("bpftool")
        .args(["map", "dump", "id", &info.id.to_string()])
        .output();
    let out = match out {
        Ok(o) => o,
        Err(e) => return common::skip(&format!("bpftool not runnable: {e}")),
    };
    let dump = String::from_utf8_lossy(&out.stdout);
    println!("{dump}");
    for field in [
        "\"key\": 7",
        "\"packets\": 3",
        "\"bytes\": 180",
        "\"proto\": 17",
        "\"ports\": [53,4242",
    ] {
        assert!(
            dump.replace(['\n', ' '], "")
                .contains(&field.replace(' ', "")),
            "{field} in {dump}"
        );
    }
}

#[derive(BtfType, Clone, Copy)]
#[repr(C)]
struct Locked {
    lock: BpfSpinLock,
    count: u32,
}

#[test]
fn a_spin_lock_in_the_value_needs_btf() {
    require_root!();
    let value = [0u8, 0, 0, 0, 5, 0, 0, 0];
    // Without BTF the kernel knows of no lock in the value: BPF_F_LOCK is refused.
    let plain = MapSpec::new(MapType::Hash, 4, 8, 4)
        .create()
        .expect("creates");
    let err = plain
        .update(&1u32.to_ne_bytes(), &value, BPF_F_LOCK)
        .expect_err("no lock");
    assert!(
        matches!(
            err,
            Error::Kernel {
                errno: libc::EINVAL,
                ..
            }
        ),
        "{err}"
    );
    let locked = MapSpec::new(MapType::Hash, 4, 8, 4)
        .btf(MapBtf::of::<u32, Locked>().expect("btf"))
        .create()
        .expect("creates with a spin lock");
    locked
        .update(&1u32.to_ne_bytes(), &value, BPF_ANY)
        .expect("insert");
    locked
        .update(&1u32.to_ne_bytes(), &value, BPF_F_LOCK)
        .expect("update under the lock");
    let got = locked
        .lookup(&1u32.to_ne_bytes())
        .expect("lookup")
        .expect("present");
    assert_eq!(got[4..], [5, 0, 0, 0]);
}

#[test]
fn btf_types_must_have_the_map_sizes() {
    let err = MapSpec::new(MapType::Hash, 8, 24, 8)
        .name("wrong")
        .btf(MapBtf::of::<u32, Flow>().expect("btf"))
        .create()
        .expect_err("key is 4 bytes");
    assert_eq!(
        err.to_string(),
        "BTF key type of map `wrong`: expected 8 bytes, got 4"
    );
}
