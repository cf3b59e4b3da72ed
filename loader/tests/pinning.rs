//! Pinning on a private bpffs mount (created and removed by the test) and bpftool interop.

mod common;

use std::path::Path;
use std::process::Command;

use common::BpffsMount;
use ebpf_asm::RawInsn;
use ebpf_loader::flags::BPF_F_RDONLY;
use ebpf_loader::{
    is_bpffs, unpin, Error, LoadedProgram, Map, MapSpec, MapType, ProgramSpec, ProgramType, BPF_ANY,
};

/// r0 = 0
/// exit
const RETURN_0: [RawInsn; 2] = [
    RawInsn::from_bytes([0xb7, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
    RawInsn::from_bytes([0x95, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
];

#[test]
fn pin_round_trip_on_private_bpffs() {
    require_root!();
    let Some(fs) = BpffsMount::new("pin") else {
        return;
    };
    assert!(is_bpffs(fs.path()).expect("statfs"));
    let map = MapSpec::new(MapType::Hash, 4, 4, 8)
        .name("pinned_map")
        .create()
        .expect("map");
    map.update(&1u32.to_ne_bytes(), &11u32.to_ne_bytes(), BPF_ANY)
        .expect("update");
    let mpath = fs.path().join("m");
    map.pin(&mpath).expect("pin map");
    let e = map.pin(&mpath).expect_err("pin twice");
    assert_eq!(e.errno(), Some(libc::EEXIST));
    let id = map.info().expect("info").id;
    drop(map);

    let again = Map::from_pinned(&mpath).expect("open pinned map");
    assert_eq!(
        again.info().expect("info").id,
        id,
        "same map after the fd was closed"
    );
    assert_eq!(again.name(), "pinned_map");
    assert_eq!(again.key_size(), 4);
    assert_eq!(
        again.lookup(&1u32.to_ne_bytes()).expect("lookup"),
        Some(11u32.to_ne_bytes().to_vec())
    );
    let ro = Map::from_pinned_with_flags(&mpath, BPF_F_RDONLY).expect("read-only");
    let e = ro
        .update(&2u32.to_ne_bytes(), &2u32.to_ne_bytes(), BPF_ANY)
        .expect_err("read-only fd");
    assert_eq!(e.errno(), Some(libc::EPERM));

    let prog = ProgramSpec::new("pinned_prog", ProgramType::Xdp, RETURN_0)
        .load()
        .expect("load");
    let ppath = fs.path().join("p");
    prog.pin(&ppath).expect("pin prog");
    let p2 = LoadedProgram::from_pinned(&ppath).expect("open pinned prog");
    assert_eq!(p2.name(), "pinned_prog");
    assert_eq!(p2.prog_type(), ProgramType::Xdp);
    assert_eq!(p2.info().expect("info").id, prog.info().expect("info").id);

    unpin(&mpath).expect("unpin map");
    unpin(&ppath).expect("unpin prog");
    assert!(!mpath.exists() && !ppath.exists());
    let e = Map::from_pinned(&mpath).expect_err("gone");
    assert_eq!(e.errno(), Some(libc::ENOENT));
}

#[test]
fn not_bpffs_is_explained() {
    require_root!();
    let dir = std::env::temp_dir();
    assert!(!is_bpffs(&dir).expect("statfs"));
    let map = MapSpec::new(MapType::Array, 4, 4, 1).create().expect("map");
    let e = map
        .pin(dir.join("ebpf-loader-not-bpffs"))
        .expect_err("not bpffs");
    assert!(matches!(e, Error::NotBpffs { .. }), "{e}");
    let s = e.to_string();
    assert!(
        s.contains("not on a bpf filesystem") && s.contains("mount -t bpf bpf DIR"),
        "{s}"
    );
}

#[test]
fn bpftool_dumps_a_pinned_map() {
    require_root!();
    if !common::have_tool("bpftool") {
        return;
    }
    let Some(fs) = BpffsMount::new("dump") else {
        return;
    };
    let map = MapSpec::new(MapType::Hash, 4, 4, 8)
        .name("dumped")
        .create()
        .expect("map");
    map.update(&7u32.to_ne_bytes(), &0x2au32.to_ne_bytes(), BPF_ANY)
        .expect("update");
    let path = fs.path().join("dumped");
    map.pin(&path).expect("pin");
    let out = bpftool(&["-j", "map", "dump", "pinned"], &path);
    // Raw dump (no BTF): keys and values as hex byte strings.
    assert!(
        out.contains("\"0x07\"") && out.contains("\"0x2a\""),
        "{out}"
    );
}

#[test]
fn bpftool_lists_a_loaded_program() {
    require_root!();
    if !common::have_tool("bpftool") {
        return;
    }
    let prog = ProgramSpec::new("bpftool_seen", ProgramType::SocketFilter, RETURN_0)
        .load()
        .expect("load");
    let id = prog.info().expect("info").id;
    let out = bpftool(&["-j", "prog", "show", "id"], Path::new(&id.to_string()));
    assert!(out.contains("\"name\":\"bpftool_seen\""), "{out}");
    let all = bpftool(&["-j", "prog", "show"], Path::new(""));
    assert!(all.contains("bpftool_seen"));
}

fn bpftool(args: &[&str], last: &Path) -> String {
    let mut cmd = Command::new("bpftool");
    cmd.args(args);
    if !last.as_os_str().is_empty() {
        cmd.arg(last);
    }
    let out = cmd.output().expect("run bpftool");
    assert!(
        out.status.success(),
        "bpftool failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
