//! Count the packets arriving on a network interface with XDP, and print a count per second.
//!
//! ```text
//! sudo cargo run -p ebpf-asm-examples --example xdp_counter -- --traffic
//! sudo cargo run -p ebpf-asm-examples --example xdp_counter -- --iface eth0 --seconds 0
//! ```
//!
//! Flags: `--iface NAME` (default `lo`), `--seconds N` (default 5; 0 runs until Ctrl-C),
//! `--traffic` (send a little UDP over loopback so the counts move at once).
//!
//! Read it top to bottom: a map is created, the program is written in eBPF assembly with
//! `program!` (checked and encoded at compile time), its map reference is pointed at the
//! map with the Editor, it is loaded (a verifier error would name the line below), attached
//! in generic XDP mode, and the counter is read from user space once a second.

#[path = "common/mod.rs"]
mod common;

use std::process::ExitCode;
use std::time::Duration;

use common::{Mix, Traffic};

use ebpf_loader::link::XdpMode;
use ebpf_loader::{Array, MapSpec, MapType, ProgramSpec, ProgramType};

fn main() -> ExitCode {
    common::exit("xdp_counter", run())
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = common::net_args("xdp_counter", 5, false)?;

    // One u64 counter in an array map.
    let counters = MapSpec::new(MapType::Array, 4, 8, 1)
        .name("counters")
        .create()?;

    // The XDP program: look up element 0, add 1 atomically, let the packet pass.
    let mut prog = ebpf_asm::program! {
        r1 = 0
        *(u32 *)(r10 - 4) = r1          // key = 0, on the stack
        r2 = r10
        r2 += -4                         // r2 = &key
        r1 = counters ll                 // the map; the Editor fills in its fd below
        call bpf_map_lookup_elem
        if r0 == 0 goto out              // the verifier insists on this check
        r1 = 1
        lock *(u64 *)(r0 + 0) += r1
    out:
        r0 = 2                           // XDP_PASS
        exit
    };
    prog.editor().rewrite_map("counters", &counters)?;

    let loaded = ProgramSpec::from_program("xdp_counter", ProgramType::Xdp, &prog)?.load()?;
    let _link = loaded.attach_xdp(args.iface.as_str(), XdpMode::Generic)?;
    let counters = Array::<u64>::new(counters)?;
    println!(
        "xdp_counter: {} instructions loaded and attached to {} (generic XDP){}",
        prog.len(),
        args.iface,
        if args.seconds == 0 {
            String::new()
        } else {
            format!(", counting for {} s", args.seconds)
        }
    );

    // About 200 small UDP datagrams a second to a socket of our own, when asked for.
    let traffic = Traffic::start_if(
        args.traffic,
        b"hello from xdp_counter",
        Duration::from_millis(5),
        Mix::Udp,
    );

    let mut last = 0u64;
    common::every_second(args.seconds, |second| {
        let total = counters.get(0)?.unwrap_or(0);
        println!(
            "{}: {:>3} s: {:>6} packets/s, {:>8} in all",
            args.iface,
            second,
            total - last,
            total
        );
        last = total;
        Ok::<(), ebpf_loader::Error>(())
    })?;
    drop(traffic);
    // Dropping the link detaches the program; dropping the map and program closes them.
    Ok(())
}
