//! Dispatch packets to sub-programs with a prog array and `bpf_tail_call`, driven by
//! BPF_PROG_TEST_RUN on hand-made packets (nothing is attached to a real interface).
//!
//! ```text
//! sudo cargo run -p ebpf-asm-examples --example tail_calls
//! ```
//!
//! Read it top to bottom: three small XDP programs each count into their own slot of an
//! array map; a prog array (the jump table) holds them at the index of the IP protocol
//! they handle; the entry program reads the protocol byte of the packet and tail-calls
//! `jump_table[protocol]`. A tail call replaces the running program (it never returns),
//! so the instructions after `call bpf_tail_call` run only when the slot is empty: the
//! fall-through, counted in slot 0.

#[path = "common/mod.rs"]
mod common;

use std::process::ExitCode;

use ebpf_asm::Program;
use ebpf_loader::{Array, MapSpec, MapType, ProgArray, ProgramSpec, ProgramType, TestRun};

/// IP protocol numbers: the index of each handler in the jump table.
const ICMP: u8 = 1;
const TCP: u8 = 6;
const UDP: u8 = 17;
const SCTP: u8 = 132;

/// Counter slots: 0 for the fall-through, then one per handler.
const FALL_THROUGH: u32 = 0;
const HANDLERS: [(&str, u8, u32); 3] = [
    ("handle_icmp", ICMP, 1),
    ("handle_tcp", TCP, 2),
    ("handle_udp", UDP, 3),
];

/// XDP return codes.
const XDP_DROP: i32 = 1;
const XDP_PASS: i32 = 2;

fn main() -> ExitCode {
    if let Some(a) = std::env::args().nth(1) {
        eprintln!(
            "tail_calls: takes no arguments (got `{a}`); usage: tail_calls (runs in a moment)"
        );
        return ExitCode::FAILURE;
    }
    common::exit("tail_calls", run())
}

/// Adds 1 to `counters[slot]` and returns `action`: the body of every handler and of the
/// fall-through. `{slot}` and `{action}` are Rust values put into the instructions.
fn count_and_return(slot: u32, action: i32) -> Program {
    ebpf_asm::program! {
        r1 = {slot}
        *(u32 *)(r10 - 4) = r1           // key = slot, on the stack
        r2 = r10
        r2 += -4                         // r2 = &key
        r1 = counters ll                 // the counter array, filled in by the Editor
        call bpf_map_lookup_elem
        if r0 == 0 goto out
        r1 = 1
        lock *(u64 *)(r0 + 0) += r1
    out:
        r0 = {action}
        exit
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    // counters[slot]: how many packets each program handled.
    let counters = MapSpec::new(MapType::Array, 4, 8, 4)
        .name("counters")
        .create()?;
    // The jump table: index = IP protocol, value = a program fd (the kernel keeps a
    // reference to the program). Its entries are cleared when the last user-space fd of
    // the map is closed, so `jump_table` lives until the end of `run`.
    let jump_table = ProgArray::new(
        MapSpec::new(MapType::ProgArray, 4, 4, 256)
            .name("jump_table")
            .create()?,
    )?;

    // The handlers: one small program each, loaded and put into its slot of the table.
    for (name, protocol, slot) in HANDLERS {
        let mut prog = count_and_return(slot, XDP_PASS);
        prog.editor().rewrite_map("counters", &counters)?;
        let loaded = ProgramSpec::from_program(name, ProgramType::Xdp, &prog)?.load()?;
        jump_table.set(u32::from(protocol), &loaded)?;
        println!(
            "jump_table[{protocol:>3}] = {name} ({} instructions)",
            prog.len()
        );
        // `loaded` is dropped here: the table holds its own reference to the program.
    }

    let mut entry = dispatch_program();
    let mut editor = entry.editor();
    editor.rewrite_map("jump_table", jump_table.map())?;
    editor.rewrite_map("counters", &counters)?;
    let entry_loaded = ProgramSpec::from_program("dispatch", ProgramType::Xdp, &entry)?.load()?;
    println!(
        "dispatch: {} instructions, tail-calls jump_table[protocol]; slot {SCTP} is empty\n",
        entry.len()
    );

    let counters = Array::<u64>::new(counters)?;
    let slot_name = |slot: u32| -> &str {
        HANDLERS
            .iter()
            .find(|h| h.2 == slot)
            .map_or("fall-through (empty slot)", |h| h.0)
    };

    // Run the entry program on a packet of `protocol`, and see whose counter moved.
    let send = |what: &str, protocol: u8| -> Result<(), ebpf_loader::Error> {
        let before = read_all(&counters)?;
        let result = entry_loaded.test_run(&TestRun {
            data_in: &ipv4_packet(protocol),
            ..Default::default()
        })?;
        let after = read_all(&counters)?;
        let moved: Vec<&str> = (0..after.len())
            .filter(|&i| after[i] != before[i])
            .map(|i| slot_name(i as u32))
            .collect();
        println!(
            "{what:<4} packet (protocol {protocol:>3}): handled by {:<25} returned {}",
            moved.join(", "),
            action_name(result.retval)
        );
        Ok(())
    };
    for (what, protocol) in [("ICMP", ICMP), ("TCP", TCP), ("UDP", UDP), ("SCTP", SCTP)] {
        send(what, protocol)?;
    }

    // The table can change while `dispatch` stays loaded: empty the UDP slot, and UDP
    // packets fall through too.
    jump_table.clear(u32::from(UDP))?;
    println!("\ndeleted jump_table[{UDP}]; dispatch is not reloaded");
    send("UDP", UDP)?;

    println!("\ncounters:");
    for (slot, n) in read_all(&counters)?.into_iter().enumerate() {
        println!("  slot {slot} {:<25} {n}", slot_name(slot as u32));
    }
    // Dropping the maps and programs closes them; the kernel frees them with the last
    // reference (the prog array's entries are cleared when its last fd closes).
    Ok(())
}

/// The entry program: check the packet is long enough and is IPv4, then tail-call
/// into the handler for its protocol.
fn dispatch_program() -> ebpf_asm::Program {
    ebpf_asm::program! {
        r6 = r1                          // keep the context: the tail call needs it
        r2 = *(u32 *)(r1 + 4)            // data_end
        r1 = *(u32 *)(r1 + 0)            // data
        r3 = r1
        r3 += 34                         // Ethernet (14 bytes) + IPv4 header (20 bytes)
        if r3 > r2 goto pass             // too short: the verifier insists on this check
        r3 = *(u16 *)(r1 + 12)           // EtherType, in network byte order
        if r3 != 0x0008 goto pass        // not 0x0800 (IPv4) read as a little-endian u16
        r3 = *(u8 *)(r1 + 23)            // r3 = IPv4 protocol: the index
        r1 = r6                          // r1 = the context
        r2 = jump_table ll               // r2 = the prog array
        call bpf_tail_call               // jumps away if jump_table[r3] holds a program
        // Only reached when jump_table[r3] is empty (or the index is out of range):
        // count the fall-through in slot 0 and drop the packet.
        r1 = {FALL_THROUGH}
        *(u32 *)(r10 - 4) = r1
        r2 = r10
        r2 += -4
        r1 = counters ll
        call bpf_map_lookup_elem
        if r0 == 0 goto drop
        r1 = 1
        lock *(u64 *)(r0 + 0) += r1
    drop:
        r0 = {XDP_DROP}
        exit
    pass:
        r0 = {XDP_PASS}
        exit
    }
}

/// All counters, in slot order.
fn read_all(counters: &Array<u64>) -> Result<Vec<u64>, ebpf_loader::Error> {
    (0..counters.len())
        .map(|i| Ok(counters.get(i)?.unwrap_or(0)))
        .collect()
}

/// An Ethernet + IPv4 packet (10.0.0.1 → 10.0.0.2) carrying 8 zero bytes of `protocol`.
fn ipv4_packet(protocol: u8) -> Vec<u8> {
    let mut p = Vec::with_capacity(42);
    p.extend_from_slice(&[0x02, 0, 0, 0, 0, 0x02]); // destination MAC
    p.extend_from_slice(&[0x02, 0, 0, 0, 0, 0x01]); // source MAC
    p.extend_from_slice(&[0x08, 0x00]); // EtherType IPv4
    p.extend_from_slice(&[0x45, 0, 0, 28]); // version 4, 20-byte header; total length 28
    p.extend_from_slice(&[0, 0, 0, 0]); // id, flags, fragment offset
    p.extend_from_slice(&[64, protocol, 0, 0]); // TTL, protocol, checksum (unchecked here)
    p.extend_from_slice(&[10, 0, 0, 1, 10, 0, 0, 2]); // source, destination
    p.extend_from_slice(&[0; 8]); // payload
    p
}

fn action_name(retval: u32) -> String {
    match retval as i32 {
        XDP_DROP => "XDP_DROP".into(),
        XDP_PASS => "XDP_PASS".into(),
        other => format!("{other}"),
    }
}
