//! Helpers of the attach and reader tests: counting programs, network namespaces with a
//! veth pair, and cgroups, each cleaned up by a Drop guard even when the test fails.
#![allow(dead_code)]

use std::net::UdpSocket;
use std::os::fd::{AsFd, AsRawFd};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use ebpf_asm::RawInsn;
use ebpf_asm_test_support::skip;
use ebpf_loader::{Map, MapSpec, MapType, ProgramSpec, ProgramType};

/// An array map of 4 u64 counters.
pub fn counter_map() -> Map {
    MapSpec::new(MapType::Array, 4, 8, 4)
        .name("counts")
        .create()
        .expect("create counter map")
}

/// Assembly that adds 1 to counter `slot` of map `counts` and returns `ret`.
pub fn count_source(slot: u32, ret: i64) -> String {
    format!(
        "r1 = {slot}
         *(u32 *)(r10 - 4) = r1
         r2 = r10
         r2 += -4
         r1 = counts ll
         call 1
         if r0 == 0 goto out
         r1 = 1
         lock *(u64 *)(r0 + 0) += r1
         out:
         r0 = {ret}
         exit"
    )
}

/// Instruction bytes of [`count_source`] with `counts` bound to `map`.
pub fn count_insns(map: &Map, slot: u32, ret: i64) -> Vec<RawInsn> {
    insns_with_map(&count_source(slot, ret), "counts", map)
}

/// Assembles `src` and binds the map symbol `name` to `map`.
pub fn insns_with_map(src: &str, name: &str, map: &Map) -> Vec<RawInsn> {
    let mut p = ebpf_asm::assemble(src).expect("assemble");
    p.editor().rewrite_map(name, &map).expect("rewrite map");
    p.to_raw()
}

/// A program of `prog_type` counting into `map` slot 0 and returning `ret`.
pub fn counting_spec(name: &str, prog_type: ProgramType, map: &Map, ret: i64) -> ProgramSpec {
    ProgramSpec::new(name, prog_type, count_insns(map, 0, ret))
}

/// Counter `slot` of `map`.
pub fn count(map: &Map, slot: u32) -> u64 {
    let v = map
        .lookup(&slot.to_ne_bytes())
        .expect("lookup")
        .expect("array slot");
    u64::from_ne_bytes(v.try_into().expect("8 bytes"))
}

/// Runs a command, panicking with its stderr on failure.
pub fn run(cmd: &str, args: &[&str]) {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e}"));
    assert!(
        out.status.success(),
        "{cmd} {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A UDP socket pair on 127.0.0.1: (receiver, sender connected to it).
pub fn udp_pair() -> (UdpSocket, UdpSocket) {
    let rx = UdpSocket::bind("127.0.0.1:0").expect("bind");
    rx.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let tx = UdpSocket::bind("127.0.0.1:0").expect("bind");
    tx.connect(rx.local_addr().unwrap()).expect("connect");
    (rx, tx)
}

/// A network namespace made with `ip netns add`, deleted on drop (which also removes the
/// interfaces inside it).
pub struct Netns {
    pub name: String,
}

impl Netns {
    pub fn new(tag: &str) -> Netns {
        let name = format!("ebpfasm-{tag}-{}", std::process::id());
        let _ = Command::new("ip").args(["netns", "del", &name]).output();
        run("ip", &["netns", "add", &name]);
        Netns { name }
    }

    /// Runs `f` on a new thread that has entered this namespace with setns(2) (the test
    /// process itself stays where it is; `ip netns exec` would remount /sys).
    pub fn run_in<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> T {
        let path = PathBuf::from("/run/netns").join(&self.name);
        std::thread::spawn(move || {
            let ns = std::fs::File::open(&path).expect("open netns");
            // SAFETY: setns on a valid namespace fd only changes this thread's network
            // namespace; the thread ends when `f` returns.
            let r = unsafe { libc::setns(ns.as_fd().as_raw_fd(), libc::CLONE_NEWNET) };
            assert_eq!(r, 0, "setns: {}", std::io::Error::last_os_error());
            f()
        })
        .join()
        .expect("netns thread panicked")
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .output();
    }
}

/// Two namespaces joined by a veth pair: `a` (10.77.0.1) in `ns_a`, `b` (10.77.0.2) in
/// `ns_b`.
pub struct VethPair {
    pub ns_a: Netns,
    pub ns_b: Netns,
}

impl VethPair {
    pub fn new(tag: &str) -> VethPair {
        let ns_a = Netns::new(&format!("{tag}a"));
        let ns_b = Netns::new(&format!("{tag}b"));
        run(
            "ip",
            &[
                "-n", &ns_a.name, "link", "add", "veth_a", "type", "veth", "peer", "name",
                "veth_b", "netns", &ns_b.name,
            ],
        );
        run(
            "ip",
            &[
                "-n",
                &ns_a.name,
                "addr",
                "add",
                "10.77.0.1/24",
                "dev",
                "veth_a",
            ],
        );
        run(
            "ip",
            &[
                "-n",
                &ns_b.name,
                "addr",
                "add",
                "10.77.0.2/24",
                "dev",
                "veth_b",
            ],
        );
        for (ns, dev) in [(&ns_a, "veth_a"), (&ns_b, "veth_b")] {
            run("ip", &["-n", &ns.name, "link", "set", dev, "up"]);
            run("ip", &["-n", &ns.name, "link", "set", "lo", "up"]);
        }
        VethPair { ns_a, ns_b }
    }
}

/// The cgroup v2 mount, if any.
pub fn cgroup2_root() -> Option<PathBuf> {
    ebpf_loader::link::CGROUP2_MOUNTS
        .iter()
        .map(PathBuf::from)
        .find(|p| p.join("cgroup.procs").exists() && p.join("cgroup.controllers").exists())
}

/// A child cgroup, removed on drop (after moving any process left in it back to the
/// root).
pub struct Cgroup {
    pub path: PathBuf,
    root: PathBuf,
}

impl Cgroup {
    pub fn new(root: &Path, tag: &str) -> Cgroup {
        let path = root.join(format!("ebpfasm-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir(&path);
        std::fs::create_dir(&path).expect("create cgroup");
        Cgroup {
            path,
            root: root.to_path_buf(),
        }
    }
}

impl Drop for Cgroup {
    fn drop(&mut self) {
        if let Ok(procs) = std::fs::read_to_string(self.path.join("cgroup.procs")) {
            for pid in procs.lines() {
                let _ = std::fs::write(self.root.join("cgroup.procs"), pid);
            }
        }
        let _ = std::fs::remove_dir(&self.path);
    }
}

/// Whether iproute2's `ip` can be run (it has no `--version`); skips (or fails in CI)
/// when not.
pub fn have_ip() -> bool {
    let ok = Command::new("ip")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        skip("iproute2 (`ip`) is not installed");
    }
    ok
}
