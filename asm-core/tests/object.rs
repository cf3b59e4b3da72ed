//! The object file format: sections, maps, license, and every error it reports.

use ebpf_asm_core::{
    parse_object, section_def, AttachType, BtfTargetKind, MapType, ObjectSpec, ProgramType,
    SectionTarget, SECTIONS,
};

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

/// The only diagnostic of `text`.
fn error(text: &str) -> String {
    let e = errors(text);
    assert_eq!(e.len(), 1, "{e:#?}");
    e.into_iter().next().unwrap_or_default()
}

const TWO: &str = "\
.license \"Dual MIT/GPL\"
.map counts array key=4 value=8 entries=2
.map flows lru_hash key=8 value=16 entries=0x1000 flags=2
.map outer array_of_maps key=4 value=4 entries=4 inner=counts
.map bloom bloom_filter key=0 value=4 entries=64 extra=3

.section xdp
count:
\tr1 = counts ll
\tcall helper
\tr0 = 2
\texit
helper:
\tr0 = 0
\texit

.section cgroup_skb/ingress
\tr1 = flows ll
\tr0 = 1
\texit
.section tracepoint/syscalls/sys_enter_getpid
\tr0 = 0
\texit
";

#[test]
fn parses_programs_maps_and_license() {
    let o = ok(TWO);
    assert_eq!(o.license, "Dual MIT/GPL");
    let names: Vec<&str> = o.programs.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "count",
            "cgroup_skb/ingress",
            "tracepoint/syscalls/sys_enter_getpid"
        ]
    );
    let xdp = &o.programs[0];
    assert_eq!(xdp.section, "xdp");
    assert_eq!(xdp.kind.prog_type, ProgramType::Xdp);
    assert_eq!(xdp.program.len(), 6);
    assert_eq!(xdp.program.label("helper"), Some(4));
    assert_eq!(xdp.location.to_string(), "t.s:7:10");
    // Instruction locations name the file, line and column.
    assert_eq!(
        xdp.program.location(0).map(|l| l.to_string()).as_deref(),
        Some("t.s:9:2")
    );
    let refs: Vec<_> = xdp
        .program
        .references()
        .map(|(i, l)| (i, l.to_string()))
        .collect();
    assert_eq!(refs, [(0, "counts".to_owned())]);
    let skb = &o.programs[1];
    assert_eq!(skb.kind.attach_type, Some(AttachType::CgroupInetIngress));
    assert_eq!(skb.target, None);
    let tp = &o.programs[2];
    assert_eq!(tp.kind.name, "tracepoint");
    assert_eq!(tp.target.as_deref(), Some("syscalls/sys_enter_getpid"));

    assert_eq!(o.maps.len(), 4);
    let m = &o.maps[1];
    assert_eq!(
        (
            m.name.as_str(),
            m.map_type,
            m.key_size,
            m.value_size,
            m.max_entries,
            m.flags
        ),
        ("flows", MapType::LruHash, 8, 16, 4096, 2)
    );
    assert_eq!(m.location.to_string(), "t.s:3:1");
    assert_eq!(o.maps[2].inner.as_deref(), Some("counts"));
    assert_eq!(o.maps[3].map_extra, 3);
    assert_eq!(o.maps[0].inner, None);
}

#[test]
fn license_defaults_to_gpl_and_sections_may_be_strings() {
    let o = ok(".section \"socket\"\n\tr0 = 0\n\texit\n");
    assert_eq!(o.license, "GPL");
    assert_eq!(o.programs[0].name, "socket");
    assert_eq!(o.programs[0].kind.prog_type, ProgramType::SocketFilter);
    // LLVM's flags after the name are accepted and ignored.
    let o = ok(".section xdp,\"ax\",@progbits\nf:\n\tr0 = 2\n\texit\n");
    assert_eq!(o.programs[0].name, "f");
    assert!(ok(".map m hash key=4 value=4 entries=1\n")
        .programs
        .is_empty());
}

#[test]
fn a_label_after_the_first_instruction_does_not_name_the_program() {
    let o = ok(".section socket\n\tr0 = 0\nlater:\n\texit\n");
    assert_eq!(o.programs[0].name, "socket");
}

#[test]
fn section_table() {
    let (d, t) = section_def("raw_tp/sys_enter").expect("raw_tp");
    assert_eq!(
        (d.prog_type, t),
        (ProgramType::RawTracepoint, Some("sys_enter"))
    );
    let (d, t) = section_def("tp_btf/sched_switch").expect("tp_btf");
    assert_eq!(
        (d.prog_type, d.attach_type, t),
        (
            ProgramType::Tracing,
            Some(AttachType::TraceRawTp),
            Some("sched_switch")
        )
    );
    let (d, _) = section_def("syscall").expect("syscall");
    assert_eq!(d.prog_flags, 1 << 4, "syscall programs are sleepable");
    let (d, _) = section_def("tc").expect("tc");
    assert_eq!(d.prog_type, ProgramType::SchedCls);
    let (d, _) = section_def("tc/ingress").expect("tc/ingress");
    assert_eq!(d.attach_type, Some(AttachType::TcxIngress));
    let (d, t) = section_def("uprobe//usr/lib/libc.so.6:getpid").expect("uprobe");
    assert_eq!((d.name, t), ("uprobe", Some("/usr/lib/libc.so.6:getpid")));
    let (d, _) = section_def("uprobe.s/x").expect("uprobe.s");
    assert_eq!(d.prog_flags, 1 << 4);
    assert_eq!(
        section_def("cgroup/sock").map(|d| d.0.prog_type),
        Ok(ProgramType::CgroupSock)
    );
    assert_eq!(section_def("tracepoint").map(|d| d.1), Ok(None));
    assert!(section_def("xdp/foo").is_err());
    // Every name in the table resolves to its own entry.
    for d in SECTIONS {
        let name = match d.target {
            SectionTarget::Required => format!("{}/x", d.name),
            _ => d.name.to_owned(),
        };
        let got = section_def(&name).map(|(g, _)| g.name);
        assert_eq!(got, Ok(d.name), "{name}");
    }
    // Map types are the kernel's, in kernel order from 1.
    assert_eq!(MapType::ALL.len(), 33);
    assert_eq!(MapType::ALL[0], MapType::Hash);
    assert_eq!(MapType::ALL[26].name(), "ringbuf");
    assert_eq!(MapType::Ringbuf.as_u32(), 27);
}

#[test]
fn sections_that_attach_by_btf_id_name_their_btf_type() {
    let (d, t) = section_def("tp_btf/sched_switch").expect("tp_btf");
    let btf = d.btf_target.expect("tp_btf attaches by BTF id");
    assert_eq!(btf.kind, BtfTargetKind::Typedef);
    assert_eq!(
        btf.type_name(t.unwrap_or_default()),
        "btf_trace_sched_switch"
    );
    let (d, _) = section_def("lsm.s/file_open").expect("lsm.s");
    let btf = d.btf_target.expect("lsm attaches by BTF id");
    assert_eq!(
        (btf.kind, btf.type_name("file_open")),
        (BtfTargetKind::Func, "bpf_lsm_file_open".to_owned())
    );
    assert_eq!(
        section_def("fexit/do_exit").map(|(d, _)| d.btf_target.map(|b| b.type_name("x"))),
        Ok(Some("x".to_owned()))
    );
    assert_eq!(
        section_def("raw_tp/sys_enter").map(|(d, _)| d.btf_target),
        Ok(None)
    );
    // Every section whose target is required attaches by BTF id, except freplace (it
    // attaches to a BPF program's function, found by program fd).
    for d in SECTIONS
        .iter()
        .filter(|d| d.target == SectionTarget::Required)
    {
        assert_eq!(d.btf_target.is_some(), d.name != "freplace", "{}", d.name);
    }
}

#[test]
fn unknown_map_type_with_suggestion() {
    assert_eq!(
        error(".map m hsah key=4 value=4 entries=1\n"),
        "t.s:1:8: error: unknown map type `hsah` (did you mean `hash`?)"
    );
    assert_eq!(
        error(".map m HASH key=4 value=4 entries=1\n"),
        "t.s:1:8: error: unknown map type `HASH` (map types are lower case: `hash`)"
    );
    assert_eq!(
        error(".map m tree key=4 value=4 entries=1\n"),
        "t.s:1:8: error: unknown map type `tree`"
    );
}

#[test]
fn map_syntax_errors() {
    let usage = "write `.map NAME TYPE key=N value=N entries=N [flags=N] [inner=NAME] [extra=N] [pin=name]`";
    assert_eq!(
        error(".map\n"),
        format!("t.s:1:1: error: a map needs a name: {usage}")
    );
    assert_eq!(
        error(".map 7 hash\n"),
        format!("t.s:1:6: error: expected a map name, found `7`; {usage}")
    );
    assert_eq!(
        error(".map m\n"),
        format!("t.s:1:6: error: map `m` needs a type such as `hash` or `array`: {usage}")
    );
    assert_eq!(
        error(".map m \"hash\"\n"),
        "t.s:1:8: error: expected a map type such as `hash` or `array`, found \"hash\""
    );
    assert_eq!(
        error(".map m hash key=4 value=4\n"),
        format!("t.s:1:6: error: map `m` needs `entries=N`: {usage}")
    );
    assert_eq!(
        error(".map m hash key=4 valeu=4 entries=1\n"),
        "t.s:1:19: error: unknown map attribute `valeu` (did you mean `value`?): a map has key, value, entries, flags, inner, extra and pin"
    );
    assert_eq!(
        error(".map m hash key 4\n"),
        "t.s:1:17: error: expected `=` after `key`, found `4`"
    );
    assert_eq!(
        error(".map m hash key=\n"),
        "t.s:1:16: error: `key=` needs a value"
    );
    assert_eq!(
        error(".map m hash key=x value=4 entries=1\n"),
        "t.s:1:17: error: `key=` takes a number, found `x`"
    );
    assert_eq!(
        error(".map m hash key=4 value=4 entries=0x100000000\n"),
        "t.s:1:35: error: `entries=0x100000000` does not fit in 32 bits"
    );
    assert_eq!(
        error(".map m hash key=4 key=4 value=4 entries=1\n"),
        "t.s:1:19: error: `key` is given twice for map `m`"
    );
    assert_eq!(
        error(".map m hash 4\n"),
        "t.s:1:13: error: expected `key=N`, `value=N`, `entries=N`, `flags=N`, `inner=NAME`, `extra=N` or `pin=name`, found `4`"
    );
    assert_eq!(
        error(".map m hash key=4 value=4 entries=017\n"),
        "t.s:1:35: error: `017`: a leading zero is ambiguous (LLVM reads it as octal); write the decimal value without the zero, or use 0x"
    );
}

#[test]
fn map_semantic_errors() {
    assert_eq!(
        error(".map m hash key=4 value=4 entries=1\n.map m array key=4 value=4 entries=1\n"),
        "t.s:2:6: error: map `m` is already declared at line 1, column 6"
    );
    assert_eq!(
        error(".map o array_of_maps key=4 value=4 entries=1\n"),
        "t.s:1:8: error: `array_of_maps` needs `inner=NAME`: the map whose shape its values have"
    );
    assert_eq!(
        error(".map i hash key=4 value=4 entries=1\n.map o hash key=4 value=4 entries=1 inner=i\n"),
        "t.s:2:43: error: `inner=` is only for `array_of_maps` and `hash_of_maps`"
    );
    assert_eq!(
        error(".map o hash_of_maps key=4 value=4 entries=1 inner=o\n"),
        "t.s:1:51: error: map `o` cannot be its own inner map"
    );
    assert_eq!(
        error(".map o hash_of_maps key=4 value=4 entries=1 inner=cuonts\n.map counts array key=4 value=4 entries=1\n"),
        "t.s:1:51: error: inner map `cuonts` is not declared (did you mean `counts`?)"
    );
    assert_eq!(
        error(".map o hash_of_maps key=4 value=4 entries=1 inner=3\n"),
        "t.s:1:51: error: `inner=` takes a map name, found `3`"
    );
    let e = errors(
        ".map a array_of_maps key=4 value=4 entries=1 inner=b\n\
         .map b array_of_maps key=4 value=4 entries=1 inner=a\n",
    );
    assert_eq!(
        e,
        [
            "t.s:1:52: error: inner maps form a cycle through map `a`",
            "t.s:2:52: error: inner maps form a cycle through map `b`"
        ]
    );
}

#[test]
fn section_errors() {
    assert_eq!(
        error(".section xpd\n\tr0 = 0\n\texit\n"),
        "t.s:1:10: error: unknown section `xpd` (did you mean `xdp`?): use a libbpf section name such as `socket`, `xdp`, `tc`, `cgroup_skb/ingress`, `tracepoint/CAT/NAME`, `raw_tp/NAME` or `syscall`"
    );
    assert!(
        error(".section tracepont/syscalls/sys_enter_getpid\n\tr0 = 0\n\texit\n")
            .contains("(did you mean `tracepoint/syscalls/sys_enter_getpid`?)")
    );
    assert_eq!(
        error(".section tp_btf\n\tr0 = 0\n\texit\n"),
        "t.s:1:10: error: section `tp_btf` needs a target: write `tp_btf/NAME` (loading looks NAME up in the kernel's BTF)"
    );
    assert_eq!(
        error(".section raw_tp/\n\tr0 = 0\n\texit\n"),
        "t.s:1:10: error: `raw_tp/` needs a target after `/`"
    );
    assert_eq!(
        error(".section\n"),
        "t.s:1:1: error: `.section` needs a name, e.g. `.section xdp` or `.section tracepoint/CAT/NAME`"
    );
    assert_eq!(
        error(".section cgroup skb\n\tr0 = 0\n\texit\n"),
        "t.s:1:17: error: unexpected `skb` after the section name `cgroup` (a name has no spaces)"
    );
    assert_eq!(
        error(".section xdp\n.section socket\n\tr0 = 0\n\texit\n"),
        "t.s:1:10: error: section `xdp` has no instructions"
    );
    assert_eq!(
        error(".section xdp\n\tr0 = 0\n\texit\n.section xdp\n\tr0 = 1\n\texit\n"),
        "t.s:4:10: error: program `xdp` is already defined at line 1, column 10: name this one with a label before its first instruction"
    );
    // Distinct labels make distinct programs in sections of the same name.
    let o = ok(".section xdp\na:\n\tr0 = 0\n\texit\n.section xdp\nb:\n\tr0 = 1\n\texit\n");
    assert_eq!(o.programs.len(), 2);
}

#[test]
fn instructions_outside_a_section() {
    // Reported once, at the first one.
    assert_eq!(
        error("\tr0 = 0\n\texit\n"),
        "t.s:1:2: error: instructions and labels must follow a `.section NAME` that starts their program (e.g. `.section xdp`)"
    );
}

#[test]
fn directive_errors() {
    assert_eq!(
        error(".sectoin xdp\n"),
        "t.s:1:1: error: unknown directive `.sectoin` (did you mean `section`?): object files know `.section`, `.map`, `.slot`, `.value`, `.var`, `.license` and `.version`"
    );
    assert_eq!(
        error(".globl f\n"),
        "t.s:1:1: error: `.globl` before any `.section`: write it in the section of the function it names"
    );
    assert!(error(".section xdp\n.globl\nf:\nr0 = 0\nexit\n")
        .contains("`.globl` needs the name of a function"));
    assert!(error(".extern f\n").contains("calls across sections are not supported"));
    assert!(error(".text\n").starts_with(
        "t.s:1:1: error: `.text` (subprograms shared by several sections) is not supported"
    ));
}

#[test]
fn license_errors() {
    assert_eq!(
        error(".license\n"),
        "t.s:1:1: error: `.license` needs a string, e.g. `.license \"GPL\"`"
    );
    assert_eq!(
        error(".license GPL\n"),
        "t.s:1:10: error: expected a quoted license string, found `GPL`"
    );
    assert_eq!(
        error(".license \"GPL\" x\n"),
        "t.s:1:16: error: unexpected `x` after the license string"
    );
    assert_eq!(
        error(".license \"GPL\"\n.license \"MIT\"\n"),
        "t.s:2:10: error: the license is already set at line 1, column 10"
    );
    assert_eq!(
        error(".license \"\"\n"),
        "t.s:1:10: error: the license must be a plain non-empty string, e.g. \"GPL\""
    );
}

#[test]
fn references_across_sections_and_to_undeclared_maps() {
    let e = errors(
        ".map counts array key=4 value=8 entries=1\n\
         .section xdp\n\
         a:\n\
         \tr1 = cuonts ll\n\
         \tcall helper\n\
         \tgoto other\n\
         \tcall nowhere\n\
         \tif r1 > 0 goto gone\n\
         \tr0 = 2\n\
         \texit\n\
         .section socket\n\
         helper:\n\
         \tr0 = 0\n\
         other:\n\
         \texit\n",
    );
    assert_eq!(
        e,
        [
            "t.s:4:7: error: `cuonts` is not a declared map (did you mean `counts`?): declare it with `.map cuonts TYPE key=N value=N entries=N`",
            "t.s:5:7: error: `helper` is a label of section `socket` (line 12): calls across sections are not supported; write the subprogram in this section",
            "t.s:6:7: error: `other` is a label of section `socket` (line 14): a jump cannot leave its section",
            // `call nowhere` (line 7) calls a kernel function, looked up at load time.
            "t.s:8:17: error: undefined label `gone`",
        ]
    );
}

#[test]
fn subprograms_later_in_the_same_section_and_function_addresses() {
    let o = ok(".section xdp\n\
         main:\n\
         \tcall sub\n\
         \tr2 = sub ll\n\
         \tr0 = 2\n\
         \texit\n\
         sub:\n\
         \tr0 = 0\n\
         \texit\n");
    let p = &o.programs[0].program;
    assert_eq!(p.references().count(), 0, "`sub` is a function, not a map");
    assert_eq!(p.external_calls().count(), 0);
    assert_eq!(&p.to_bytes()[..8], &[0x85, 0x10, 0, 0, 4, 0, 0, 0]);
}

#[test]
fn every_error_of_the_file_is_reported() {
    let e = errors(
        ".map m hsah key=4 value=4 entries=1\n\
         .section xdp\n\
         \tr0 = \n\
         \tr0 = 1\n\
         \texit\n\
         .section nope\n\
         \texit\n\
         .license \"GPL\" extra\n",
    );
    assert_eq!(e.len(), 4, "{e:#?}");
    assert!(e[0].starts_with("t.s:1:8: "), "{e:#?}");
    assert!(e[1].starts_with("t.s:3:"), "{e:#?}");
    assert!(
        e[2].starts_with("t.s:6:10: error: unknown section `nope`"),
        "{e:#?}"
    );
    assert!(e[3].starts_with("t.s:8:16: "), "{e:#?}");
}

#[test]
fn builder_errors_keep_their_positions() {
    assert_eq!(
        error(".section xdp\na:\n\tr0 = 0\na:\n\texit\n"),
        "t.s:4:1: error: label `a` is already defined at line 2, column 1"
    );
    let e = errors(".section xdp\n\tr0 = \"x\n");
    assert_eq!(
        e.last().map(String::as_str),
        Some("t.s:2:7: error: unterminated string")
    );
    assert!(!e.iter().any(|e| e.contains("no instructions")), "{e:#?}");
}

#[test]
fn globl_marks_a_section_function_global() {
    let obj = ebpf_asm_core::parse_object(
        "g.s",
        ".section socket\nmain:\n\tcall f\n\texit\n.globl f\nf:\n\tr0 = 0\n\texit\n",
    )
    .expect("parses");
    let p = &obj.programs[0].program;
    assert_eq!(p.globals(), [ebpf_asm_core::Label::from("f")]);
    assert!(!p.is_global("main"));
    // The program keeps the text it was written in: loaders show its lines.
    let text = p.source_map().text_of("g.s").expect("text kept");
    assert!(text.contains(".globl f\nf:"));
}

/// Issue 14: numeric labels work per section in the object format, and name no program.
#[test]
fn numeric_labels_resolve_in_each_section_and_name_no_program() {
    let o = ok(
        ".section xdp\n1: r0 = 0\nif r1 == 0 goto 1f\ngoto 1b\n1: exit\n\
                .section socket\n1: r0 = 1\ngoto 1b\n",
    );
    assert_eq!(o.programs[0].name, "xdp");
    assert_eq!(o.programs[1].name, "socket");
    assert_eq!(
        o.programs[0].program.resolved(1).to_string(),
        "if r1 == 0 goto +1"
    );
    assert_eq!(o.programs[0].program.resolved(2).to_string(), "goto -3");
    assert_eq!(o.programs[1].program.resolved(1).to_string(), "goto -2");
    assert!(error(".section xdp\ngoto 1f\nexit\n").contains("t.s:2:6: error: `1f` refers"));
}
