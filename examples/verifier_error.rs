//! What a verifier rejection looks like: a program that uses a map value without checking
//! it for NULL is refused by the kernel, and the error names the Rust line that wrote the
//! failing instruction. Then the same program with the check loads, and runs.
//!
//! ```text
//! sudo cargo run -p ebpf-asm-examples --example verifier_error
//! sudo cargo run -p ebpf-asm-examples --example verifier_error -- --full-log
//! ```
//!
//! Flags: `--full-log` (print the whole verifier log, `{:#}`, instead of its last lines).
//!
//! The rejection is the expected outcome: the example exits 0 when the wrong program is
//! refused and the fixed one loads, and 1 otherwise.

#[path = "common/mod.rs"]
mod common;

use std::process::ExitCode;

use ebpf_loader::{Error, HashMap, MapSpec, MapType, ProgramSpec, ProgramType, TestRun, BPF_ANY};

fn main() -> ExitCode {
    let mut full_log = false;
    for a in std::env::args().skip(1) {
        match a.as_str() {
            "--full-log" => full_log = true,
            "-h" | "--help" => {
                eprintln!("usage: verifier_error [--full-log]");
                return ExitCode::FAILURE;
            }
            other => {
                eprintln!("verifier_error: unknown argument `{other}` (try --help)");
                return ExitCode::FAILURE;
            }
        }
    }
    common::exit("verifier_error", run(full_log))
}

fn run(full_log: bool) -> Result<(), Box<dyn std::error::Error>> {
    // A hash map u32 -> u64 with one counter, key 0. A lookup in a hash map may find
    // nothing. (In an array map, a constant key below max_entries is always there, and
    // this kernel knows it: it would accept the wrong program below on an array.)
    let counters = MapSpec::new(MapType::Hash, 4, 8, 1)
        .name("counters")
        .create()?;

    // 1. The wrong program. bpf_map_lookup_elem returns a pointer to the value, or NULL
    //    when there is no such key; the verifier tracks r0 as "map value or NULL" and
    //    refuses any access through it before a NULL check.
    let mut wrong = ebpf_asm::program! {
        r1 = 0
        *(u32 *)(r10 - 4) = r1           // key = 0
        r2 = r10
        r2 += -4                         // r2 = &key
        r1 = counters ll
        call bpf_map_lookup_elem         // r0 = &value, or NULL
        r1 = 1
        lock *(u64 *)(r0 + 0) += r1      // WRONG: r0 may be NULL here
        r0 = 2                           // XDP_PASS
        exit
    };
    println!("== 1. a program that forgets the NULL check after bpf_map_lookup_elem:");
    println!("{wrong}");
    wrong.editor().rewrite_map("counters", &counters)?;
    match ProgramSpec::from_program("wrong", ProgramType::Xdp, &wrong)?.load() {
        Ok(_) => return Err("the kernel accepted the wrong program; it should not have".into()),
        Err(Error::Verifier(e)) => {
            println!("The kernel refuses it (as expected). The error's Display:\n");
            if full_log {
                println!("{e:#}\n");
            } else {
                println!("{e}\n");
            }
            // The same facts, one by one, for programs that want to react to them.
            println!(
                "errno {}, stopped at instruction {}, written at {}\n",
                e.errno().unwrap_or(0),
                e.insn_index()
                    .map_or_else(|| "?".to_string(), |i| i.to_string()),
                e.location().unwrap_or("(unknown)")
            );
        }
        // Not a verifier rejection (no root, say): there is nothing to teach.
        Err(e) => return Err(e.into()),
    }

    // 2. The fix: jump over the access when r0 is NULL. Past the check the verifier knows
    //    r0 points at 8 bytes of map value.
    let mut fixed = ebpf_asm::program! {
        r1 = 0
        *(u32 *)(r10 - 4) = r1           // key = 0
        r2 = r10
        r2 += -4                         // r2 = &key
        r1 = counters ll
        call bpf_map_lookup_elem         // r0 = &value, or NULL
        if r0 == 0 goto out              // THE FIX: no value, nothing to count
        r1 = 1
        lock *(u64 *)(r0 + 0) += r1      // r0 is a valid map value pointer here
    out:
        r0 = 2                           // XDP_PASS
        exit
    };
    println!("== 2. the same program with `if r0 == 0 goto out` after the lookup:");
    println!("{fixed}");
    fixed.editor().rewrite_map("counters", &counters)?;
    let loaded = ProgramSpec::from_program("fixed", ProgramType::Xdp, &fixed)?.load()?;
    println!(
        "The kernel accepts it: program `{}` loaded ({} instructions).",
        loaded.name(),
        fixed.len()
    );

    // Run it on a made-up 64-byte packet (BPF_PROG_TEST_RUN, nothing attached): first with
    // an empty map (the lookup gives NULL and the check skips the count), then with key 0.
    let out = loaded.test_run(&TestRun {
        data_in: &[0; 64],
        ..Default::default()
    })?;
    let counters = HashMap::<u32, u64>::new(counters)?;
    counters.insert(&0, &0, BPF_ANY)?;
    let mut runs = vec![out.retval];
    // Now key 0 exists: the second run finds it and counts.
    runs.push(
        loaded
            .test_run(&TestRun {
                data_in: &[0; 64],
                ..Default::default()
            })?
            .retval,
    );
    let count = counters.get(&0)?.unwrap_or(0);
    println!(
        "Two test runs return {runs:?} (2 = XDP_PASS): the first found no key 0 (NULL, \
         skipped), the second counted; the counter is now {count}."
    );
    Ok(())
}
