//! A tour of the eBPF DSL: write a program in Rust source, look at it, fix up its map
//! reference, link a subprogram, and see what an error looks like. Nothing here touches
//! the kernel, so it runs without root:
//!
//! ```text
//! cargo run -p ebpf-asm-examples --example dsl_tour
//! ```

use std::os::fd::AsRawFd;

use ebpf_asm::{assemble, program, Program};

/// How much each packet adds to its counter: a Rust constant used inside the program.
const STEP: i32 = 1;

fn main() {
    let mut prog = write_and_look();
    resolve_the_map(&mut prog);
    let linked = link(&prog);
    show_errors();
    hand_to_the_loader(&prog, &linked);
}

/// 1 and 2: a program written with `program!`, printed, and its bytes and locations.
fn write_and_look() -> Program {
    // 1. Write a program. `program!` takes LLVM's BPF assembly syntax as Rust tokens and
    //    assembles it at compile time: a typo here is a compile error at the typo.
    //    Statements end at a line break or `;`. `{expr}` puts a Rust value in an
    //    immediate. `counters ll` names a map we do not have yet, `count_bytes` a
    //    subprogram that lives in another fragment (declared with `.extern`).
    let prog = program! {
        .extern count_bytes
        r6 = r1                          // keep the context (struct xdp_md *)
        r1 = 0
        *(u32 *)(r10 - 4) = r1           // key = 0, on the stack
        r2 = r10; r2 += -4
        r1 = counters ll                 // the map: resolved below by the Editor
        call bpf_map_lookup_elem
        if r0 == 0 goto out
        r1 = {STEP}
        lock *(u64 *)(r0 + 0) += r1      // atomically count the packet
        r1 = r6
        call count_bytes                 // a bpf-to-bpf call into the linked fragment
    out:
        r0 = 2                           // XDP_PASS
        exit
    };

    // 2. It is an ordinary value: print it (LLVM syntax, one instruction per line)...
    println!("== the program ({} instructions)\n{prog}", prog.len());

    // ...see its bytes, exactly as the kernel will read them (8 bytes per slot)...
    println!("== its bytes");
    print_hex(&prog);

    // ...and ask where each instruction was written: the Rust file and line, so a
    //    verifier error about instruction 7 can point at your source.
    let loc = prog.location(7).expect("program! records every location");
    println!(
        "\ninstruction 7 (`{}`) was written at {loc}\n",
        prog.insns()[7]
    );
    prog
}

/// 3: the references the program leaves open, and the map's rewritten by the Editor.
fn resolve_the_map(prog: &mut Program) {
    // 3. References: names the program uses but does not define. A loader creates the
    //    map, gets its file descriptor, and rewrites the reference with the Editor.
    println!("== references before editing");
    let references = prog.editor().references();
    for r in &references {
        let at = r
            .location
            .as_ref()
            .map(|l| l.to_string())
            .unwrap_or_default();
        println!("  insn {:2}: {:?} `{}` ({at})", r.index, r.kind, r.name);
    }
    // ebpf_loader would give us a map (`Map` is `AsFd`); any open file stands in for one.
    let pretend_map = std::fs::File::open("/dev/null").expect("/dev/null opens");
    let mut editor = prog.editor();
    let changed = editor
        .rewrite_map("counters", &pretend_map)
        .expect("the program refers to `counters`");
    println!(
        "rewrote {changed} reference(s) to `counters` as map fd {}",
        pretend_map.as_raw_fd()
    );
    // `count_bytes` is still unresolved: finish() says which name and where.
    if let Err(e) = editor.finish() {
        println!("still unresolved: {e}\n");
    }
    let map_load = references[0].index;
    println!("the map load now reads: {}\n", prog.insns()[map_load]);
}

/// 4: the fragment that defines `count_bytes` linked in.
fn link(prog: &Program) -> Program {
    // 4. Link: append the fragment that defines `count_bytes`, resolving the call.
    //    Fragments are programs too; here one is assembled from text at run time, with
    //    the same grammar the macro uses.
    let fragment = assemble(
        "count_bytes:
             r2 = *(u32 *)(r1 + 4)       # data_end
             r1 = *(u32 *)(r1 + 0)       # data
             r2 -= r1
             r0 = r2
             exit",
    )
    .expect("the fragment assembles");
    let mut linked = prog.link(&[&fragment]).expect("every call resolves");
    linked
        .editor()
        .finish()
        .expect("nothing is left to resolve after linking");
    println!(
        "== linked: {} instructions, `count_bytes` at {:?}\n{linked}",
        linked.len(),
        linked.label("count_bytes")
    );
    println!("== linked bytes (ready for ebpf_loader)");
    print_hex(&linked);
    linked
}

/// 5: what errors look like.
fn show_errors() {
    // 5. Errors. In `program!` they are compile errors; from text, `assemble` returns
    //    every error of the input, each as FILE:LINE:COL with what to write instead.
    let bad = "r0 = 0\nr1 = r11\nw2 += r3\nexit";
    match assemble(bad) {
        Ok(_) => unreachable!("r11 is not a register"),
        Err(e) => println!("\n== assembling a bad program\n{e}"),
    }
}

/// 6: the loader's spec, refused while a reference is open.
fn hand_to_the_loader(prog: &Program, linked: &Program) {
    // 6. Hand it to the loader. Loading needs root (or CAP_BPF), so the tour stops at the
    //    spec: the instruction slots, and where each was written so a verifier rejection
    //    can name the Rust line of the failing instruction. A program with a reference
    //    left unresolved is refused here, naming the reference and its line.
    use ebpf_loader::{ProgramSpec, ProgramType};
    match ProgramSpec::from_program("dsl_tour", ProgramType::Xdp, prog) {
        Ok(_) => unreachable!("`prog` still calls `count_bytes`, which only `linked` defines"),
        Err(e) => println!("\n== the unlinked program is refused\n{e}"),
    }
    let spec = ProgramSpec::from_program("dsl_tour", ProgramType::Xdp, linked)
        .expect("every reference of `linked` is resolved");
    println!(
        "\n== ready to load: `{}`, {} slots, slot 0 written at {}; `spec.load()` would do it (as root)",
        spec.name,
        spec.insns.len(),
        spec.source_map
            .get(0)
            .map_or_else(|| "?".to_string(), |l| l.to_string())
    );
}

/// Prints one 8-byte slot per line.
fn print_hex(prog: &Program) {
    for (i, slot) in prog.to_bytes().chunks(8).enumerate() {
        let hex: Vec<String> = slot.iter().map(|b| format!("{b:02x}")).collect();
        println!("  {i:3}: {}", hex.join(" "));
    }
}
