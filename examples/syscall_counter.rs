//! Count the system calls of every process with a raw tracepoint, and print the busiest
//! processes once a second.
//!
//! ```text
//! sudo cargo run -p ebpf-asm-examples --example syscall_counter
//! sudo cargo run -p ebpf-asm-examples --example syscall_counter -- --seconds 0 --top 20
//! ```
//!
//! Flags: `--seconds N` (default 5; 0 runs until Ctrl-C), `--top N` (default 10).
//!
//! Read it top to bottom: a hash map from process id to a u64 count is created, the
//! program is written with `program!` (the raw tracepoint `sys_enter` fires on every
//! system call entry, in the context of the calling task), its two map references are
//! pointed at the map with the Editor, it is loaded and attached, and user space reads the
//! whole map once a second, sorts it and names each process from `/proc/PID/comm`.

#[path = "common/mod.rs"]
mod common;

use std::collections::HashMap as StdHashMap;
use std::path::Path;
use std::process::ExitCode;

use ebpf_loader::{HashMap, MapSpec, MapType, ProgramSpec, ProgramType};

/// How many processes the map can hold; an insert into a full map fails (and that
/// syscall goes uncounted), so user space forgets processes that have exited.
const MAX_PROCESSES: u32 = 16384;

struct Args {
    seconds: u64,
    top: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        seconds: 5,
        top: 10,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seconds" => args.seconds = common::number("--seconds", it.next())?,
            "--top" => args.top = common::number("--top", it.next())?,
            "-h" | "--help" => return Err("usage: syscall_counter [--seconds N] [--top N]".into()),
            other => return Err(format!("unknown argument `{other}` (try --help)")),
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    common::exit("syscall_counter", run())
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = parse_args()?;

    // pid (u32) → number of syscalls (u64).
    let counts = MapSpec::new(MapType::Hash, 4, 8, MAX_PROCESSES)
        .name("syscalls")
        .create()?;

    let mut prog = counting_program();
    prog.editor().rewrite_map("counts", &counts)?;

    let loaded =
        ProgramSpec::from_program("syscall_counter", ProgramType::RawTracepoint, &prog)?.load()?;
    let _link = loaded.attach_raw_tracepoint("sys_enter")?;
    let counts = HashMap::<u32, u64>::new(counts)?;
    println!(
        "syscall_counter: {} instructions loaded and attached to raw tracepoint sys_enter{}",
        prog.len(),
        if args.seconds == 0 {
            String::new()
        } else {
            format!(", counting for {} s", args.seconds)
        }
    );

    let mut previous: StdHashMap<u32, u64> = StdHashMap::new(); // pid → count a second ago
    let mut names: StdHashMap<u32, String> = StdHashMap::new(); // pid → name, once seen
    let mut forgotten = 0u64; // syscalls of exited processes removed from the map
    common::every_second(args.seconds, |second| {
        // Read the whole map: (pid, total, calls in the last second) per process, busiest
        // first, like `top`.
        let mut rows: Vec<(u32, u64, u64)> = Vec::new();
        for entry in counts.iter() {
            let (pid, n) = entry?;
            let last = n - previous.get(&pid).copied().unwrap_or(0).min(n);
            rows.push((pid, n, last));
        }
        rows.sort_by(|a, b| b.2.cmp(&a.2).then(b.1.cmp(&a.1)).then(a.0.cmp(&b.0)));
        let total = forgotten + rows.iter().map(|r| r.1).sum::<u64>();
        println!(
            "\n-- {second} s: {total} syscalls so far, {} processes in the map; top {}:",
            rows.len(),
            args.top.min(rows.len())
        );
        println!(
            "{:>8}  {:<16} {:>8} {:>10}",
            "PID", "COMMAND", "LAST 1s", "TOTAL"
        );
        for &(pid, n, last) in rows.iter().take(args.top) {
            println!("{pid:>8}  {:<16} {last:>8} {n:>10}", comm(pid, &mut names));
        }

        // Remember this second's counts, and forget processes that have exited so the
        // map does not fill up on a long run.
        previous.clear();
        for (pid, n, _) in rows {
            if Path::new(&format!("/proc/{pid}")).exists() {
                previous.insert(pid, n);
            } else if counts.remove(&pid)? {
                forgotten += n;
                names.remove(&pid);
            }
        }
        Ok::<(), ebpf_loader::Error>(())
    })?;
    // Dropping the link detaches the program; dropping the map and program closes them.
    Ok(())
}

/// The raw tracepoint program. Its context (r1) is the tracepoint's arguments as a u64
/// array (for sys_enter: the registers and the syscall number); we only need to know
/// who is calling, which a helper tells us.
fn counting_program() -> ebpf_asm::Program {
    ebpf_asm::program! {
        call bpf_get_current_pid_tgid    // r0 = tgid << 32 | thread id
        r0 >>= 32                        // the process id (tgid), as `ps` shows it
        *(u32 *)(r10 - 4) = r0           // key = pid, on the stack
        r2 = r10
        r2 += -4                         // r2 = &key
        r1 = counts ll                   // the map; the Editor fills in its fd below
        call bpf_map_lookup_elem
        if r0 == 0 goto first            // no entry yet: this is the process's first call
        r1 = 1
        lock *(u64 *)(r0 + 0) += r1      // atomic: other CPUs may count the same process
        goto out
    first:
        r1 = 1
        *(u64 *)(r10 - 16) = r1          // value = 1, on the stack
        r1 = counts ll
        r2 = r10
        r2 += -4                         // r2 = &key
        r3 = r10
        r3 += -16                        // r3 = &value
        r4 = 1                           // BPF_NOEXIST: insert only if still absent
        call bpf_map_update_elem
        if r0 == 0 goto out
        // Another CPU inserted the same pid between our lookup and our insert (EEXIST):
        // look the entry up again and add to it.
        r1 = counts ll
        r2 = r10
        r2 += -4
        call bpf_map_lookup_elem
        if r0 == 0 goto out              // the map is full: give up on this one call
        r1 = 1
        lock *(u64 *)(r0 + 0) += r1
    out:
        r0 = 0
        exit
    }
}

/// The process's command name from `/proc/PID/comm`, remembered in `names` so that a
/// process seen earlier keeps its name after it exits; `?` for one gone before we looked.
fn comm(pid: u32, names: &mut StdHashMap<u32, String>) -> String {
    match std::fs::read_to_string(format!("/proc/{pid}/comm")) {
        Ok(name) => {
            let name = name.trim_end().to_string();
            names.insert(pid, name.clone());
            name
        }
        Err(_) => match names.get(&pid) {
            Some(name) => format!("{name} (exited)"),
            None => "? (exited)".into(),
        },
    }
}
