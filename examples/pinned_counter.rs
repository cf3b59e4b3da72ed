//! Two processes share one map through a pin on a bpf filesystem: this process creates
//! and pins a counter, a child process (this same program, run with `--child PATH`) opens
//! the pin and increments the counter with an eBPF program, and the parent sees the result.
//!
//! ```text
//! sudo cargo run -p ebpf-asm-examples --example pinned_counter
//! sudo cargo run -p ebpf-asm-examples --example pinned_counter -- --count 1000
//! ```
//!
//! Flags: `--count N` (default 100): how many times the child increments the counter.
//!
//! Pins live on bpffs. If `/sys/fs/bpf` is one, the pin goes there; otherwise the example
//! mounts a private bpffs on a temporary directory. Drop guards remove the pin and the
//! mount on every way out, errors included.

#[path = "common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use ebpf_loader::{is_bpffs, unpin, Array, Map, MapSpec, MapType, ProgramSpec, ProgramType};
use ebpf_loader::{TestRun, BPF_ANY};

/// The value the parent starts the counter at, so that the child visibly reads it.
const START: u64 = 1000;

enum Role {
    Parent { count: u32 },
    Child { pin: PathBuf, count: u32 },
}

fn parse_args() -> Result<Role, String> {
    let mut count = 100;
    let mut child = None;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--count" => count = common::number("--count", it.next())?,
            "--child" => child = Some(PathBuf::from(it.next().ok_or("--child needs a path")?)),
            "-h" | "--help" => return Err("usage: pinned_counter [--count N]".into()),
            other => return Err(format!("unknown argument `{other}` (try --help)")),
        }
    }
    Ok(match child {
        Some(pin) => Role::Child { pin, count },
        None => Role::Parent { count },
    })
}

fn main() -> ExitCode {
    let result = match parse_args() {
        Ok(Role::Parent { count }) => parent(count),
        Ok(Role::Child { pin, count }) => child(&pin, count),
        Err(e) => Err(e.into()),
    };
    common::exit("pinned_counter", result)
}

fn parent(count: u32) -> Result<(), Box<dyn std::error::Error>> {
    // Where to pin. Declared first, so it is dropped (unmounted) last.
    let fs = Bpffs::find_or_mount()?;
    let pin_path = fs
        .dir()
        .join(format!("pinned_counter_{}", std::process::id()));

    // One u64 counter in an array map, set to START from user space.
    let counter = Array::<u64>::new(
        MapSpec::new(MapType::Array, 4, 8, 1)
            .name("shared_count")
            .create()?,
    )?;
    counter.set(0, &START, BPF_ANY)?;
    let id = counter.map().info()?.id;

    // Pin it: the file keeps the map alive independently of this process's fd. The guard
    // removes the file again however this function ends.
    counter.map().pin(&pin_path)?;
    let pin = Pin(pin_path.clone());
    println!(
        "parent {}: created map `shared_count` (id {id}), set it to {START}, pinned it at {}",
        std::process::id(),
        pin_path.display()
    );

    // Run this same program as the child, pointing it at the pin.
    let status = Command::new(std::env::current_exe()?)
        .arg("--child")
        .arg(&pin_path)
        .args(["--count", &count.to_string()])
        .status()?;
    if !status.success() {
        return Err(format!("the child process failed ({status})").into());
    }

    let value = counter.get(0)?.unwrap_or(0);
    println!(
        "parent {}: the counter now reads {value} ({START} + {} from the child)",
        std::process::id(),
        value - START.min(value)
    );

    // Unpin: the map itself lives on while `counter` holds its fd.
    drop(pin);
    println!(
        "parent {}: unpinned {} (exists afterwards: {})",
        std::process::id(),
        pin_path.display(),
        pin_path.exists()
    );
    drop(fs);
    Ok(())
}

fn child(pin_path: &Path, count: u32) -> Result<(), Box<dyn std::error::Error>> {
    let me = std::process::id();
    // Open the pinned map: a new fd to the very same kernel object (same id).
    let map = Map::from_pinned(pin_path)?;
    let id = map.info()?.id;
    let counter = Array::<u64>::new(map)?;
    let before = counter.get(0)?.unwrap_or(0);
    println!(
        "child  {me}: opened {} → map `{}` (id {id}), value {before}",
        pin_path.display(),
        counter.map().name()
    );

    // A tiny program that adds 1 to the counter; BPF_PROG_TEST_RUN runs it `count` times.
    let mut prog = ebpf_asm::program! {
        r1 = 0
        *(u32 *)(r10 - 4) = r1           // key = 0, on the stack
        r2 = r10
        r2 += -4                         // r2 = &key
        r1 = shared_count ll             // the pinned map; the Editor fills in its fd
        call bpf_map_lookup_elem
        if r0 == 0 goto out
        r1 = 1
        lock *(u64 *)(r0 + 0) += r1      // atomic add
    out:
        r0 = 2                           // XDP_PASS
        exit
    };
    prog.editor().rewrite_map("shared_count", counter.map())?;
    let loaded = ProgramSpec::from_program("bump", ProgramType::Xdp, &prog)?.load()?;
    if count > 0 {
        loaded.test_run(&TestRun {
            data_in: &[0; 64],
            repeat: count,
            ..Default::default()
        })?;
    }
    let after = counter.get(0)?.unwrap_or(0);
    println!("child  {me}: ran `bump` {count} times, value {after}");
    Ok(())
}

/// A pin on bpffs, removed on drop.
struct Pin(PathBuf);

impl Drop for Pin {
    fn drop(&mut self) {
        if self.0.exists() {
            if let Err(e) = unpin(&self.0) {
                eprintln!("pinned_counter: {}", e.with_causes());
            }
        }
    }
}

/// A bpf filesystem to pin on: `/sys/fs/bpf` when it is one, else a private mount on a
/// temporary directory, unmounted and removed on drop.
struct Bpffs {
    dir: PathBuf,
    mounted_by_us: bool,
}

impl Bpffs {
    fn find_or_mount() -> Result<Bpffs, Box<dyn std::error::Error>> {
        let system = Path::new("/sys/fs/bpf");
        if is_bpffs(system).unwrap_or(false) {
            println!("using the bpffs at {}", system.display());
            return Ok(Bpffs {
                dir: system.into(),
                mounted_by_us: false,
            });
        }
        let dir = std::env::temp_dir().join(format!("pinned_counter-{}", std::process::id()));
        std::fs::create_dir(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        // From here on the guard removes the directory (and the mount, once it exists).
        let mut fs = Bpffs {
            dir,
            mounted_by_us: false,
        };
        let status = Command::new("mount")
            .args(["-t", "bpf", "bpf"])
            .arg(&fs.dir)
            .status()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if !status.success() {
            return Err(format!("mount -t bpf bpf {} failed ({status})", fs.dir.display()).into());
        }
        fs.mounted_by_us = true;
        println!(
            "/sys/fs/bpf is not a bpffs: mounted a private one at {}",
            fs.dir.display()
        );
        Ok(fs)
    }

    fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for Bpffs {
    fn drop(&mut self) {
        if self.mounted_by_us {
            match Command::new("umount").arg(&self.dir).status() {
                Ok(s) if s.success() => println!("unmounted {}", self.dir.display()),
                Ok(s) => eprintln!("pinned_counter: umount {} failed ({s})", self.dir.display()),
                Err(e) => eprintln!("pinned_counter: cannot run umount: {e}"),
            }
        }
        if self.dir != Path::new("/sys/fs/bpf") {
            let _ = std::fs::remove_dir(&self.dir);
        }
    }
}
