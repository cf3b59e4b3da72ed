//! ProgArray on the real kernel: a tail call goes where the slot says, an empty slot falls
//! through, and the slot reports the program's id.

mod common;

use ebpf_asm::assemble_named;
use ebpf_loader::{MapSpec, MapType, ProgArray, ProgramSpec, ProgramType, TestRun};

fn socket_filter(name: &str, text: &str) -> ebpf_loader::LoadedProgram {
    let p = assemble_named(&format!("{name}.s"), text).expect("assembles");
    ProgramSpec::from_program(name, ProgramType::SocketFilter, &p)
        .expect("resolved")
        .load()
        .expect("loads")
}

#[test]
fn tail_calls_go_through_the_slot_and_fall_through_when_empty() {
    require_root!();
    let slots = ProgArray::new(
        MapSpec::new(MapType::ProgArray, 4, 4, 4)
            .name("jump_table")
            .create()
            .expect("prog array"),
    )
    .expect("a prog array wraps");
    let handler = socket_filter("handler", "r0 = 7\nexit");
    // The entry program tail-calls slot 1 and returns 1 if the call falls through.
    let mut entry = assemble_named(
        "entry.s",
        "r2 = jump_table ll\nr3 = 1\ncall bpf_tail_call\nr0 = 1\nexit",
    )
    .expect("assembles");
    entry
        .editor()
        .rewrite_map("jump_table", slots.map())
        .expect("rewrite");
    let entry = ProgramSpec::from_program("entry", ProgramType::SocketFilter, &entry)
        .expect("resolved")
        .load()
        .expect("loads");
    let run = |p: &ebpf_loader::LoadedProgram| {
        p.test_run(&TestRun {
            data_in: &[0u8; 64],
            ..Default::default()
        })
        .expect("test run")
        .retval
    };

    assert_eq!(slots.program_id(1).expect("lookup"), None);
    assert_eq!(run(&entry), 1, "an empty slot falls through");
    slots.set(1, &handler).expect("set");
    assert_eq!(
        slots.program_id(1).expect("lookup"),
        Some(handler.info().expect("info").id)
    );
    assert_eq!(run(&entry), 7, "the tail call reached the handler");
    assert!(slots.clear(1).expect("clear"));
    assert!(!slots.clear(1).expect("clear again"), "already empty");
    assert_eq!(run(&entry), 1, "falls through again");
}

#[test]
fn prog_array_refuses_other_map_types_and_shapes() {
    require_root!();
    let hash = MapSpec::new(MapType::Hash, 4, 4, 4)
        .name("not_progs")
        .create()
        .expect("hash");
    let e = ProgArray::new(hash).unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid argument: map `not_progs` is a hash; ProgArray needs prog_array"
    );
}
