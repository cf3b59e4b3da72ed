//! The object format's initial values and names: `pin=name`, `.slot`, `.value`, quoted
//! map names (`.rodata.str1.1`) and `NAME_value_OFF` references, with every error.

use ebpf_asm_core::{assemble, parse_object, ObjectSpec, SlotTarget};

fn ok(text: &str) -> ObjectSpec {
    match parse_object("t.s", text) {
        Ok(o) => o,
        Err(e) => panic!("unexpected errors:\n{e}"),
    }
}

/// The diagnostics of `text`, one string each.
fn errors(text: &str) -> Vec<String> {
    match parse_object("t.s", text) {
        Ok(o) => panic!("expected errors, got {o:#?}"),
        Err(e) => e.diagnostics.iter().map(ToString::to_string).collect(),
    }
}

/// The only diagnostic of `text` after the maps and programs of [`BASE`].
fn error(text: &str) -> String {
    let e = errors(&format!("{BASE}{text}"));
    assert_eq!(e.len(), 1, "{e:#?}");
    e.into_iter().next().unwrap_or_default()
}

/// Six lines: a prog array, a map of maps, its inner map, a hash, a data map, a program.
const BASE: &str = "\
.map jt prog_array key=4 value=4 entries=4
.map outer array_of_maps key=4 value=4 entries=2 inner=inner
.map inner array key=4 value=8 entries=1
.map h hash key=4 value=4 entries=1
.map \".rodata.str1.1\" array key=4 value=5 entries=1 flags=0x80
.section xdp
second:
\tr0 = 42
\texit
";

#[test]
fn slots_values_pins_and_quoted_names_are_read() {
    let o = ok(&format!(
        "{BASE}.slot jt 1 program second\n.slot outer 0 map inner\n\
         .value \".rodata.str1.1\" \"65425046 00\" frozen\n\
         .map .bss array key=4 value=8 entries=1 pin=name\n.value .bss \"\"\n\
         .section socket\nreads:\n\tr1 = \".rodata.str1.1_value_2\" ll\n\
         \tr2 = .bss_value_4 ll\n\tr3 = \".rodata.str1.1\" ll\n\tr0 = 0\n\texit\n"
    ));
    let map = |n: &str| o.maps.iter().find(|m| m.name == n).expect(n);
    let jt = map("jt");
    assert_eq!(jt.slots.len(), 1);
    assert_eq!(
        (jt.slots[0].index, &jt.slots[0].target),
        (1, &SlotTarget::Program("second".into()))
    );
    assert_eq!(jt.slots[0].location.line, 10);
    assert_eq!(
        map("outer").slots[0].target,
        SlotTarget::Map("inner".into())
    );
    let ro = map(".rodata.str1.1");
    let v = ro.value.as_ref().expect("a value");
    assert_eq!((v.bytes.as_slice(), v.frozen), (&b"eBPF\0"[..], true));
    let bss = map(".bss");
    assert!(bss.pin_by_name && !jt.pin_by_name);
    let v = bss.value.as_ref().expect("a value");
    assert_eq!((v.bytes.len(), v.frozen), (0, false));
    // The program prints the names as it reads them, and the printout reads back.
    let text = o.programs[1].program.to_string();
    assert!(
        text.contains("\tr1 = \".rodata.str1.1_value_2\" ll\n\tr2 = .bss_value_4 ll\n\tr3 = \".rodata.str1.1\" ll\n"),
        "{text}"
    );
    let back = assemble(&text).expect("the printout assembles");
    assert_eq!(back.to_string(), text);
}

#[test]
fn pin_errors() {
    assert_eq!(
        error(".map p hash key=4 value=4 entries=1 pin=path\n"),
        "t.s:10:41: error: `pin=` takes `name` (pinned by name in the pin directory, as libbpf's LIBBPF_PIN_BY_NAME) or `none`, found `path`"
    );
    assert_eq!(
        error(".map p hash key=4 value=4 entries=1 pin=name pin=none\n"),
        "t.s:10:46: error: `pin` is given twice for map `p`"
    );
    assert_eq!(
        error(".map p hash key=4 value=4 entries=1 pni=name\n"),
        "t.s:10:37: error: unknown map attribute `pni` (did you mean `pin`?): a map has key, value, entries, flags, inner, extra and pin"
    );
    // `none` is the default, and may be written.
    let o = ok(&format!(
        "{BASE}.map p hash key=4 value=4 entries=1 pin=none\n"
    ));
    assert!(!o.maps[5].pin_by_name);
}

#[test]
fn quoted_name_errors() {
    assert_eq!(
        error(".map \"\" hash key=4 value=4 entries=1\n"),
        "t.s:10:6: error: a quoted name must be non-empty and hold no `\\`, found \"\""
    );
    assert_eq!(
        error(".section socket\n\tr1 = \"a\\\"b\" ll\n\texit\n"),
        "t.s:11:7: error: a quoted symbol must be a non-empty name without `\\`, e.g. `r1 = \".rodata.str1.1\" ll`"
    );
    assert_eq!(
        error(".section socket\n\tr1 = \".rodata.str1\" ll\n\tr0 = 0\n\texit\n"),
        "t.s:11:7: error: `.rodata.str1` is not a declared map (did you mean `.rodata.str1.1`?): declare it with `.map \".rodata.str1\" TYPE key=N value=N entries=N`"
    );
    assert_eq!(
        error(".section socket\n\tw1 = \".rodata.str1.1\" ll\n\tr0 = 0\n\texit\n"),
        "t.s:11:2: error: a 64-bit load needs a 64-bit destination: write `r1`"
    );
    assert_eq!(
        error(".section socket\n\tr1 = nomap_value_0 ll\n\tr0 = 0\n\texit\n"),
        "t.s:11:7: error: `nomap_value_0` is not a declared map: declare it with `.map nomap_value_0 TYPE key=N value=N entries=N`"
    );
}

#[test]
fn slot_errors() {
    let usage = "write `.slot MAP INDEX program NAME` or `.slot MAP INDEX map NAME`";
    assert_eq!(
        error(".slot\n"),
        format!("t.s:10:1: error: a map name is missing after this: {usage}")
    );
    assert_eq!(
        error(".slot jt\n"),
        format!("t.s:10:7: error: an index is missing after this: {usage}")
    );
    assert_eq!(
        error(".slot jt x program second\n"),
        format!("t.s:10:10: error: expected a slot index (a number), found `x`; {usage}")
    );
    assert_eq!(
        error(".slot jt 0x100000000 program second\n"),
        "t.s:10:10: error: slot index `0x100000000` does not fit in 32 bits"
    );
    assert_eq!(
        error(".slot jt 1\n"),
        format!("t.s:10:10: error: `program` or `map` is missing after this: {usage}")
    );
    assert_eq!(
        error(".slot jt 1 progam second\n"),
        format!("t.s:10:12: error: expected `program` or `map`, found `progam` (did you mean `program`?); {usage}")
    );
    assert_eq!(
        error(".slot jt 1 program\n"),
        format!("t.s:10:12: error: a name is missing after this: {usage}")
    );
    assert_eq!(
        error(".slot jt 1 program 7\n"),
        format!("t.s:10:20: error: expected a name, found `7`; {usage}")
    );
    assert_eq!(
        error(".slot jt 1 program second extra\n"),
        "t.s:10:27: error: unexpected `extra` after the slot"
    );
    assert_eq!(
        error(".slot jtt 1 program second\n"),
        "t.s:10:7: error: map `jtt` is not declared (did you mean `jt`?): declare it with `.map` first"
    );
    assert_eq!(
        error(".slot h 0 program second\n"),
        "t.s:10:7: error: map `h` is of type `hash`: `.slot` fills prog arrays (`program NAME`) and array/hash of maps (`map NAME`)"
    );
    assert_eq!(
        error(".slot jt 1 map inner\n"),
        "t.s:10:12: error: map `jt` is of type `prog_array`: its slots hold programs; write `.slot jt 1 program NAME`"
    );
    assert_eq!(
        error(".slot outer 1 program second\n"),
        "t.s:10:15: error: map `outer` is of type `array_of_maps`: its slots hold maps; write `.slot outer 1 map NAME`"
    );
    assert_eq!(
        error(".slot jt 4 program second\n"),
        "t.s:10:10: error: index 4 is past the end of map `jt` (entries=4): use 0 to 3"
    );
    assert_eq!(
        error(".slot jt 1 program second\n.slot jt 1 program second\n"),
        "t.s:11:10: error: slot 1 of map `jt` is already set at line 10"
    );
    assert_eq!(
        error(".slot jt 1 program secnod\n"),
        "t.s:10:20: error: `secnod` is not a program of this file (a program is named by the label before its first instruction, else by its section) (did you mean `second`?)"
    );
    assert_eq!(
        error(".slot outer 1 map innr\n"),
        "t.s:10:19: error: `innr` is not a declared map (did you mean `inner`?)"
    );
}

#[test]
fn value_errors() {
    let usage = "write `.value MAP \"HEX BYTES\" [frozen]`";
    assert_eq!(
        error(".value\n"),
        format!("t.s:10:1: error: a map name is missing after this: {usage}")
    );
    assert_eq!(
        error(".value inner\n"),
        format!("t.s:10:8: error: the value's bytes in hex, quoted is missing after this: {usage}")
    );
    assert_eq!(
        error(".value inner 07\n"),
        format!("t.s:10:14: error: expected the value's bytes as a quoted hex string, found `07`; {usage}")
    );
    assert_eq!(
        error(".value inner \"07 0g\"\n"),
        "t.s:10:19: error: `g` is not a hex digit: write the bytes as pairs of 0-9, a-f"
    );
    assert_eq!(
        error(".value inner \"07 7\"\n"),
        "t.s:10:18: error: an odd hex digit: write bytes as pairs (`07`, not `7`)"
    );
    assert_eq!(
        error(".value inner \"07\" frozn\n"),
        "t.s:10:19: error: expected `frozen` or the end of the line after the value, found `frozn`"
    );
    assert_eq!(
        error(".value inner \"07\" frozen x\n"),
        "t.s:10:26: error: unexpected `x` after `frozen`"
    );
    assert_eq!(
        error(".value h \"07\"\n"),
        "t.s:10:8: error: map `h` is of type `hash`: `.value` gives entry 0 of an `array` map (global data)"
    );
    assert_eq!(
        error(".value inner \"00 11 22 33 44 55 66 77 88\"\n"),
        "t.s:10:14: error: 9 bytes given, but map `inner`'s values are 8 bytes (value=8)"
    );
    assert_eq!(
        error(".value inner \"07\"\n.value inner \"08\"\n"),
        "t.s:11:8: error: the value of map `inner` is already given at line 10"
    );
    assert_eq!(
        error(".value \"nope\" \"07\"\n"),
        "t.s:10:8: error: map `nope` is not declared: declare it with `.map` first"
    );
}

#[test]
fn variables_of_a_value_are_read() {
    let o = ok(&format!(
        "{BASE}.value inner \"07000000\"\n\
         .var answer inner offset=0 size=4 type=\"const volatile __u32\"\n\
         .var \"wide.x\" inner offset=4 size=4\n"
    ));
    let v = o.maps[2].value.as_ref().expect("a value");
    let vars: Vec<_> = v
        .variables
        .iter()
        .map(|v| (v.name.as_str(), v.offset, v.size, v.type_name.as_deref()))
        .collect();
    assert_eq!(
        vars,
        [
            ("answer", 0, 4, Some("const volatile __u32")),
            ("wide.x", 4, 4, None)
        ]
    );
}

#[test]
fn var_errors() {
    let usage = "write `.var NAME MAP offset=N size=N [type=\"C TYPE\"]`";
    let value = ".value inner \"\"\n";
    let error = |text: &str| error(&format!("{value}{text}"));
    assert_eq!(
        error(".var\n"),
        format!("t.s:11:1: error: a variable name is missing after this: {usage}")
    );
    assert_eq!(
        error(".var x\n"),
        format!("t.s:11:6: error: a map name is missing after this: {usage}")
    );
    assert_eq!(
        error(".var 1 inner offset=0 size=4\n"),
        format!("t.s:11:6: error: expected a variable name, found `1`; {usage}")
    );
    assert_eq!(
        error(".var x inner ofset=0 size=4\n"),
        "t.s:11:14: error: expected `offset=N`, `size=N` or `type=\"T\"`, found `ofset` (did you mean `offset`?)"
    );
    assert_eq!(
        error(".var x inner offset 0\n"),
        "t.s:11:21: error: expected `=` after `offset`"
    );
    assert_eq!(
        error(".var x inner offset=\n"),
        "t.s:11:20: error: `offset=` needs a value"
    );
    assert_eq!(
        error(".var x inner offset=0 offset=0 size=4\n"),
        "t.s:11:23: error: `offset` is given twice for variable `x`"
    );
    assert_eq!(
        error(".var x inner offset=0\n"),
        format!("t.s:11:6: error: variable `x` needs `size=N`: {usage}")
    );
    assert_eq!(
        error(".var x inner offset=a size=4\n"),
        "t.s:11:21: error: `offset=` takes a number, found `a`"
    );
    assert_eq!(
        error(".var x inner offset=0 size=4 type=int\n"),
        "t.s:11:35: error: `type=` takes a quoted C type without `\\`, e.g. `type=\"const volatile __u32\"`, found `int`"
    );
    assert_eq!(
        error(".var x inner offset=6 size=4\n"),
        "t.s:11:21: error: variable `x` (4 bytes at 6) runs past the end of map `inner`'s value (8 bytes)"
    );
    assert_eq!(
        error(".var x inner offset=0 size=4\n.var x inner offset=4 size=4\n"),
        "t.s:12:6: error: variable `x` is already declared at line 11"
    );
    assert_eq!(
        error(".var x h offset=0 size=4\n"),
        "t.s:11:8: error: map `h` has no `.value`: variables live in global data; give it one, e.g. `.value h \"\"`"
    );
    assert_eq!(
        error(".var x nope offset=0 size=4\n"),
        "t.s:11:8: error: map `nope` is not declared: declare it with `.map` first"
    );
}

#[test]
fn version_is_read_once() {
    assert_eq!(
        ok(&format!(".version 0x60c00\n{BASE}")).kern_version,
        Some(0x60c00)
    );
    assert_eq!(ok(BASE).kern_version, None);
    assert_eq!(
        error(".version\n"),
        "t.s:10:1: error: `.version` needs a number, e.g. `.version 0x60c00`"
    );
    assert_eq!(
        error(".version \"6.12\"\n"),
        "t.s:10:10: error: `.version` takes a number, found \"6.12\""
    );
    assert_eq!(
        error(".version 0x100000000\n"),
        "t.s:10:10: error: `.version 0x100000000` does not fit in 32 bits"
    );
    assert_eq!(
        error(".version 1 2\n"),
        "t.s:10:12: error: unexpected `2` after the version"
    );
    assert_eq!(
        error(".version 1\n.version 2\n"),
        "t.s:11:10: error: the version is already set at line 10"
    );
}
