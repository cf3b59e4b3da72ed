//! Show the source, destination and protocol of every IPv4 packet arriving on an interface:
//! an XDP program sends them to user space through a ringbuf.
//!
//! ```text
//! sudo cargo run -p ebpf-asm-examples --example show_ip
//! sudo cargo run -p ebpf-asm-examples --example show_ip -- --iface eth0 --no-traffic --seconds 0
//! ```
//!
//! Flags: `--iface NAME` (default `lo`), `--seconds N` (default 3; 0 runs until Ctrl-C),
//! `--no-traffic` (do not send the few UDP datagrams over loopback that make lines appear
//! at once).
//!
//! Read it top to bottom: a ringbuf map is created, the XDP program checks the packet's
//! bounds and ethertype and copies three fields into a 12-byte event on its stack, which
//! `bpf_ringbuf_output` copies into the ring; user space waits on the ring and prints each
//! event as `SRC -> DST proto N (NAME)`.

#[path = "common/mod.rs"]
mod common;

use std::net::Ipv4Addr;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use common::{Mix, Traffic};

use ebpf_loader::link::XdpMode;
use ebpf_loader::ringbuf::RingBuf;
use ebpf_loader::{MapSpec, MapType, ProgramSpec, ProgramType};

/// The event the program writes: source and destination address as they are in the
/// packet (network byte order), then the protocol number widened to a u32.
const EVENT_SIZE: usize = 12;

fn main() -> ExitCode {
    common::exit("show_ip", run())
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = common::net_args("show_ip", 3, true)?;

    // A ring of 64 KiB shared with the kernel (a power-of-two number of pages; key and
    // value sizes are 0 for a ringbuf).
    let events = MapSpec::new(MapType::Ringbuf, 0, 0, 64 * 1024)
        .name("events")
        .create()?;

    // The XDP program. r1 is the context (struct xdp_md): data at offset 0, data_end at 4.
    let mut prog = ebpf_asm::program! {
        r6 = *(u32 *)(r1 + 0)            // r6 = data: the first byte of the frame
        r7 = *(u32 *)(r1 + 4)            // r7 = data_end: one past its last byte
        r1 = r6
        r1 += 34                         // Ethernet header (14) + IPv4 header up to the addresses (20)
        if r1 > r7 goto pass             // too short: without this check the verifier refuses the reads
        r1 = *(u16 *)(r6 + 12)           // the ethertype, in network byte order...
        r1 = be16 r1                     // ...turned into a number
        if r1 != 0x0800 goto pass        // not IPv4 (IPv6, ARP, ...)
        r1 = *(u32 *)(r6 + 26)           // IPv4 source address (14 + 12)
        *(u32 *)(r10 - 12) = r1          // the event is built on the stack at r10 - 12
        r1 = *(u32 *)(r6 + 30)           // destination address (14 + 16)
        *(u32 *)(r10 - 8) = r1
        r1 = *(u8 *)(r6 + 23)            // protocol (14 + 9): 1 ICMP, 6 TCP, 17 UDP
        *(u32 *)(r10 - 4) = r1
        r1 = events ll                   // the ring; the Editor fills in its fd below
        r2 = r10
        r2 += -12                        // r2 = &event
        r3 = {EVENT_SIZE}                // its size
        r4 = 0                           // flags: wake the reader as usual
        call bpf_ringbuf_output          // copy the event into the ring (fails only when full)
    pass:
        r0 = 2                           // XDP_PASS: the packet goes on as if we were not there
        exit
    };
    prog.editor().rewrite_map("events", &events)?;

    // bpf_ringbuf_output is not GPL-only: any license will do.
    let loaded = ProgramSpec::from_program("show_ip", ProgramType::Xdp, &prog)?
        .license("MIT")
        .load()?;
    let _link = loaded.attach_xdp(args.iface.as_str(), XdpMode::Generic)?;
    let mut ring = RingBuf::new(&events)?;
    println!(
        "show_ip: {} instructions loaded and attached to {} (generic XDP){}",
        prog.len(),
        args.iface,
        if args.seconds == 0 {
            String::new()
        } else {
            format!(", showing IPv4 packets for {} s", args.seconds)
        }
    );

    // Five small UDP datagrams a second to a socket of our own, unless turned off.
    let traffic = Traffic::start_if(
        args.traffic,
        b"hello from show_ip",
        Duration::from_millis(200),
        Mix::Udp,
    );

    let deadline = (args.seconds > 0).then(|| Instant::now() + Duration::from_secs(args.seconds));
    let mut shown = 0u64;
    loop {
        // Wait for the next event, at most until the deadline.
        let wait = match deadline {
            Some(d) => match d.checked_duration_since(Instant::now()) {
                Some(left) if !left.is_zero() => Some(left),
                _ => break,
            },
            None => None,
        };
        let Some(record) = ring.next_timeout(wait)? else {
            continue; // timed out: the loop ends at the deadline check
        };
        // The record borrows the ring's memory; its space is given back when it is dropped.
        match parse_event(&record) {
            Some(line) => println!("{line}"),
            None => println!("(an event of {} bytes, not {EVENT_SIZE})", record.len()),
        }
        shown += 1;
    }
    drop(traffic);
    println!("show_ip: {shown} IPv4 packets seen on {}", args.iface);
    // Dropping the link detaches the program; dropping the ring and map closes them.
    Ok(())
}

/// `SRC -> DST proto N (NAME)` from one event.
fn parse_event(event: &[u8]) -> Option<String> {
    let event: &[u8; EVENT_SIZE] = event.try_into().ok()?;
    let src = Ipv4Addr::new(event[0], event[1], event[2], event[3]);
    let dst = Ipv4Addr::new(event[4], event[5], event[6], event[7]);
    let proto = u32::from_ne_bytes([event[8], event[9], event[10], event[11]]);
    let name = match proto {
        1 => "ICMP",
        6 => "TCP",
        17 => "UDP",
        58 => "ICMPv6",
        _ => "?",
    };
    Some(format!("{src} -> {dst} proto {proto} ({name})"))
}
