//! Count the bytes sent over an interface per IP protocol with a socket filter: the Linux
//! samples/bpf classic `sockex1`, written with `program!`.
//!
//! ```text
//! sudo cargo run -p ebpf-asm-examples --example sockex1
//! sudo cargo run -p ebpf-asm-examples --example sockex1 -- --iface eth0 --no-traffic --seconds 0
//! ```
//!
//! Flags: `--iface NAME` (default `lo`), `--seconds N` (default 3; 0 runs until Ctrl-C),
//! `--no-traffic` (do not send the little TCP, UDP and ICMP traffic over loopback that
//! makes the counts move at once).
//!
//! Read it top to bottom: an array map of 256 u64 counters is created (index = the IP
//! protocol number), the filter program is attached to a raw packet socket, which sees
//! every frame of every interface (from the Ethernet header on), and user space reads the
//! TCP, UDP and ICMP counters once a second. The filter returns 0, so the socket itself
//! never queues anything: it exists only to run the program.

#[path = "common/mod.rs"]
mod common;

use std::process::ExitCode;
use std::time::Duration;

use common::{Mix, Traffic};

use ebpf_loader::link::Interface;
use ebpf_loader::{Array, MapSpec, MapType, ProgramSpec, ProgramType};
use socket2::{Domain, Protocol, Socket, Type};

/// `ETH_P_ALL` from <linux/if_ether.h>: a packet socket for every protocol.
const ETH_P_ALL: u16 = 0x0003;

/// The protocols printed, by IP protocol number.
const SHOWN: [(u32, &str); 3] = [(6, "TCP"), (17, "UDP"), (1, "ICMP")];

fn main() -> ExitCode {
    common::exit("sockex1", run())
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = common::net_args("sockex1", 3, true)?;
    let ifindex = Interface::from(args.iface.as_str()).index()?;

    // 256 u64 byte counters, one per IP protocol number.
    let bytes = MapSpec::new(MapType::Array, 4, 8, 256)
        .name("proto_bytes")
        .create()?;

    // The socket filter. r1 is the context (struct __sk_buff). The legacy packet loads
    // `*(u8 *)skb[N]` read byte N of the packet through the context in r6, and return
    // multi-byte values in host byte order.
    let mut prog = ebpf_asm::program! {
        r6 = r1                          // legacy loads take the context from r6
        r1 = *(u32 *)(r6 + 40)           // skb->ifindex
        if r1 != {ifindex} goto out      // a packet socket sees all interfaces: keep ours
        r1 = *(u32 *)(r6 + 4)            // skb->pkt_type
        if r1 != 4 goto out              // PACKET_OUTGOING: count each packet once, as it leaves
        r0 = *(u16 *)skb[12]             // the ethertype (Ethernet header: 6 + 6 bytes of MACs)
        if r0 != 0x0800 goto out         // not IPv4
        r0 = *(u8 *)skb[23]              // the IP protocol: Ethernet header (14) + 9
        *(u32 *)(r10 - 4) = r0           // key = protocol, on the stack
        r2 = r10
        r2 += -4                         // r2 = &key
        r1 = proto_bytes ll              // the map; the Editor fills in its fd below
        call bpf_map_lookup_elem
        if r0 == 0 goto out              // never NULL for an index < 256, but the verifier cannot know
        r1 = *(u32 *)(r6 + 0)            // skb->len: the whole frame
        lock *(u64 *)(r0 + 0) += r1      // atomically: several CPUs may run this at once
    out:
        r0 = 0                           // keep 0 bytes: the socket receives nothing
        exit
    };
    prog.editor().rewrite_map("proto_bytes", &bytes)?;

    let loaded = ProgramSpec::from_program("sockex1", ProgramType::SocketFilter, &prog)?
        .license("MIT")
        .load()?;

    // socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL)): every frame, Ethernet header included.
    let socket = Socket::new(
        Domain::PACKET,
        Type::RAW,
        Some(Protocol::from(i32::from(ETH_P_ALL.to_be()))),
    )
    .map_err(|e| format!("cannot open a raw packet socket (root needed): {e}"))?;
    let _link = loaded.attach_socket_filter(&socket)?;
    let bytes = Array::<u64>::new(bytes)?;
    println!(
        "sockex1: {} instructions loaded and attached to a raw socket, counting bytes sent on {} (ifindex {ifindex}){}",
        prog.len(),
        args.iface,
        if args.seconds == 0 {
            String::new()
        } else {
            format!(" for {} s", args.seconds)
        }
    );

    // Ten rounds a second of UDP, ICMP (a datagram to a closed port) and TCP over
    // 127.0.0.1, when asked for.
    let traffic = Traffic::start_if(
        args.traffic,
        b"hello from sockex1",
        Duration::from_millis(100),
        Mix::UdpIcmpTcp,
    );

    common::every_second(args.seconds, |second| {
        let mut line = format!("{:>3} s:", second);
        for (proto, name) in SHOWN {
            let n = bytes.get(proto)?.unwrap_or(0);
            line += &format!("  {name} {n:>8} bytes");
        }
        println!("{line}");
        Ok::<(), ebpf_loader::Error>(())
    })?;
    drop(traffic);
    // Dropping the link detaches the filter; dropping the socket, map and program closes them.
    Ok(())
}
