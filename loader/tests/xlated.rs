//! Issue 14: a loaded program's translated instructions decode, and print as
//! `bpftool prog dump xlated id N` prints them, line by line (its lines from BTF, the
//! function signatures and `; source` lines, aside), for a program with a
//! subprogram, helpers, maps (a hash lookup the kernel inlines into a call of
//! `__htab_map_lookup_elem`, an array lookup it inlines into arithmetic, a map value
//! address) and a tail call through a prog array.
//!
//! Deliberate differences (see asm-core/src/print/kernel.rs): bpftool 7.1's copy of the
//! kernel's printer predates the per-CPU address move of an inlined
//! `bpf_get_smp_processor_id` and prints it `r0 = r0`, and predates signed division
//! (cpu v4), which it prints `/=` and `%=`; we print what Linux 6.18's own printer does,
//! `r0 = &(void __percpu *)(r0)` and `s/=`, `s%=`.

mod common;

use std::process::Command;

use ebpf_asm::{assemble_named, Insn};
use ebpf_loader::{LoadedProgram, Map, MapSpec, MapType, ProgramSpec, ProgramType};

const SOURCE: &str = "\
    r6 = r1
    r1 = 0
    *(u32 *)(r10 - 4) = r1
    *(u64 *)(r10 - 16) = r1
    r2 = r10
    r2 += -4
    r1 = counts ll
    call bpf_map_lookup_elem        # hash: the kernel inlines part of it
    if r0 == 0 goto array
    r1 = 1
    lock *(u64 *)(r0 + 0) += r1
array:
    r2 = r10
    r2 += -4
    r1 = slots ll
    call bpf_map_lookup_elem        # array: inlined into arithmetic
    if r0 == 0 goto value
    r1 = *(u64 *)(r0 + 0)
value:
    r1 = second ll                  # the address of the value of `globals`, + 8
    r1 = *(u64 *)(r1 + 0)
    call bpf_get_smp_processor_id   # inlined: a per-CPU load
    r1 = counts ll
    r2 = r10
    r2 += -4
    r3 = r10
    r3 += -16
    r4 = 0
    call bpf_map_update_elem        # becomes a call of htab_map_update_elem
    r1 = r6
    r2 = jump_table ll
    r3 = 0
    call bpf_tail_call
    r1 = 3
    call sub
    r0 = 2
    exit
sub:
    r6 = r1
    call bpf_ktime_get_ns
    r0 = r6
    exit
";

struct Loaded {
    program: LoadedProgram,
    maps: Vec<Map>,
}

fn load() -> Loaded {
    let counts = MapSpec::new(MapType::Hash, 4, 8, 16)
        .name("counts")
        .create();
    let slots = MapSpec::new(MapType::Array, 4, 16, 4)
        .name("slots")
        .create();
    let table = MapSpec::new(MapType::ProgArray, 4, 4, 4)
        .name("jump_table")
        .create();
    // A map value's address is taken only in a one-element array (as for globals).
    let globals = MapSpec::new(MapType::Array, 4, 16, 1)
        .name("globals")
        .create();
    let (counts, slots) = (counts.unwrap(), slots.unwrap());
    let (table, globals) = (table.unwrap(), globals.unwrap());
    let mut p = assemble_named("xlated.s", SOURCE).expect("assembles");
    let mut e = p.editor();
    e.rewrite_map("counts", &counts).unwrap();
    e.rewrite_map("slots", &slots).unwrap();
    e.rewrite_map_value("second", &globals, 8).unwrap();
    e.rewrite_map("jump_table", &table).unwrap();
    let program = ProgramSpec::from_program("xlated_golden", ProgramType::Xdp, &p)
        .expect("resolved")
        .load()
        .expect("loads");
    Loaded {
        program,
        maps: vec![counts, slots, table, globals],
    }
}

/// `bpftool prog dump xlated id ID [opcodes]`, or `None` (after a skip) without bpftool.
fn bpftool_dump(id: u32, opcodes: bool) -> Option<String> {
    let mut cmd = Command::new("bpftool");
    cmd.args(["prog", "dump", "xlated", "id", &id.to_string()]);
    if opcodes {
        cmd.arg("opcodes");
    }
    match cmd.output() {
        Ok(out) if out.status.success() => Some(String::from_utf8_lossy(&out.stdout).into()),
        Ok(out) => panic!("bpftool failed: {}", String::from_utf8_lossy(&out.stderr)),
        Err(e) => {
            common::skip(&format!("needs bpftool (apt-get install bpftool): {e}"));
            None
        }
    }
}

/// Whether two kernel symbol names share an address (bpftool picks any alias).
fn aliases(a: &str, b: &str) -> bool {
    let text = std::fs::read_to_string("/proc/kallsyms").unwrap_or_default();
    let address = |name: &str| {
        text.lines()
            .find(|l| l.split_whitespace().nth(2) == Some(name))
            .and_then(|l| l.split_whitespace().next().map(str::to_string))
    };
    address(a).is_some() && address(a) == address(b)
}

/// Whether `ours` and `theirs` (bpftool's) differ only as documented at the top.
fn documented_difference(ours: &str, theirs: &str) -> bool {
    // `(bf) r0 = &(void __percpu *)(r0)` against `(bf) r0 = r0`.
    if let Some((head, reg)) = ours.split_once(" = &(void __percpu *)(") {
        let reg = reg.trim_end_matches(')');
        return theirs == format!("{head} = {reg}");
    }
    // `r6 s/= r7` against `r6 /= r7` (and `s%=`).
    for (signed, plain) in [(" s/= ", " /= "), (" s%= ", " %= ")] {
        if ours.contains(signed) {
            return theirs == ours.replace(signed, plain);
        }
    }
    // `call NAME#imm` where bpftool found another name at the same address.
    match (ours.split_once("call "), theirs.split_once("call ")) {
        (Some((h1, a)), Some((h2, b))) if h1 == h2 => {
            let (a, ai) = a.rsplit_once('#').unwrap_or((a, ""));
            let (b, bi) = b.rsplit_once('#').unwrap_or((b, ""));
            ai == bi && aliases(a, b)
        }
        _ => false,
    }
}

/// bpftool's instruction lines (and `opcodes` rows): the lines it prints from BTF, a
/// function's signature (`long xlated_golden():`) and its `; source` lines, start
/// without a space, and we do not print them.
fn instruction_lines(dump: &str) -> Vec<&str> {
    dump.lines().filter(|l| l.starts_with(' ')).collect()
}

fn compare(ours: &str, theirs: &str) {
    let (o, t): (Vec<&str>, Vec<&str>) = (ours.lines().collect(), instruction_lines(theirs));
    assert!(!t.is_empty(), "bpftool printed no instructions:\n{theirs}");
    assert_eq!(o.len(), t.len(), "ours:\n{ours}\nbpftool:\n{theirs}");
    for (a, b) in o.iter().zip(&t) {
        assert!(
            a == b || documented_difference(a, b),
            "ours:    {a}\nbpftool: {b}\n\nours:\n{ours}\nbpftool:\n{theirs}"
        );
    }
}

#[test]
fn translated_programs_print_as_bpftool_dumps_them() {
    require_root!();
    let loaded = load();
    let id = loaded.program.info().expect("info").id;
    let Some(theirs) = bpftool_dump(id, false) else {
        return;
    };
    let xlated = loaded.program.xlated().expect("decodes");
    let ours = xlated.to_string();
    compare(&ours, &theirs);
    // What the test is about is there: the kernel's rewrites, named as bpftool names them.
    for needle in [
        "call __htab_map_lookup_elem#",
        "call htab_map_update_elem#",
        "call bpf_tail_call#12",
        "call pc+",
        "#bpf_prog_",
        "call bpf_ktime_get_ns#",
        "][0]+8",
        "&(void __percpu *)",
    ] {
        assert!(ours.contains(needle), "{needle} in:\n{ours}");
    }
    for map in &loaded.maps {
        let map_id = map.info().expect("map info").id;
        assert!(
            ours.contains(&format!("map[id:{map_id}]")),
            "{map_id}:\n{ours}"
        );
    }
    // With `opcodes`, each line's bytes too.
    let Some(theirs) = bpftool_dump(id, true) else {
        return;
    };
    compare(&xlated.dump_with_opcodes(), &theirs);
}

/// The bug of issue 14: "off must be 0 for opcode 0x85" on any program with a
/// subprogram. Read as a Program, the call names its subprogram by a label.
#[test]
fn xlated_program_reads_a_program_with_a_subprogram() {
    require_root!();
    let loaded = load();
    let bytes = loaded.program.xlated_insns().expect("xlated");
    assert!(
        ebpf_asm::decode(&bytes).is_err(),
        "the strict decoder refuses it"
    );
    let p = loaded.program.xlated_program().expect("decodes");
    let text = p.to_string();
    let call = p
        .insns()
        .iter()
        .find_map(|i| match i {
            Insn::Call(ebpf_asm::Call::Local(ebpf_asm::Target::Label(l))) => Some(l.clone()),
            _ => None,
        })
        .expect("a call of the subprogram, by label");
    // The label is on the subprogram's first instruction: `r6 = r1` then the helper call.
    let at = p.label(call.as_str()).expect("defined");
    assert_eq!(p.insns()[at].to_string(), "r6 = r1", "{text}");
    assert_eq!(p.insns().last(), Some(&Insn::Exit), "{text}");
}

/// The kernel's own words: `may_goto` and signed division are rewritten with the hidden
/// auxiliary register r11 (and `may_goto` with a call of `arch_bpf_timed_may_goto`),
/// which we print as bpftool does.
#[test]
fn rewrites_with_the_auxiliary_register_print_as_bpftool_dumps_them() {
    require_root!();
    let p = assemble_named(
        "ax.s",
        "r6 = 10
         r7 = 3
    top:
         may_goto out
         r6 s/= r7
         r6 s%= r7
         w6 s/= w7
         if r6 != 0 goto top
    out:
         r0 = 2
         exit",
    )
    .expect("assembles");
    let loaded = ProgramSpec::from_program("xlated_ax", ProgramType::Xdp, &p)
        .expect("resolved")
        .load()
        .expect("loads");
    let id = loaded.info().expect("info").id;
    let Some(theirs) = bpftool_dump(id, true) else {
        return;
    };
    let xlated = loaded.xlated().expect("decodes");
    let ours = xlated.dump_with_opcodes();
    compare(&ours, &theirs);
    assert!(ours.contains("(79) r11 = *(u64 *)(r10 -16)"), "{ours}");
    assert!(ours.contains("call arch_bpf_timed_may_goto#"), "{ours}");
    assert!(ours.contains("w11 += 1"), "{ours}");
    loaded.xlated_program().expect("reads as a Program");
}
