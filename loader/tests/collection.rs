//! Collections on the real kernel: an object file with two programs and two maps, map
//! references resolved by name, unresolved references and bad map types reported with
//! their source positions, maps of maps, BTF attach targets, translated instructions.

mod common;

use ebpf_loader::{CollectionSpec, Error, LoadOptions, MapSpec, MapType, ProgramType, TestRun};

fn asm_path(name: &str) -> String {
    format!("{}/tests/asm/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn two_programs_two_maps_and_a_counter() {
    require_root!();
    let spec = CollectionSpec::from_asm_file(asm_path("counter.s")).expect("parses");
    assert_eq!(spec.programs().len(), 2);
    assert_eq!(spec.maps().len(), 2);
    let coll = spec.load().expect("loads");
    let names: Vec<&str> = coll.programs().map(|(n, _)| n).collect();
    assert_eq!(names, ["count", "filter"]);

    let xdp = coll.program("count").expect("count is loaded");
    assert_eq!(xdp.prog_type(), ProgramType::Xdp);
    let data = [7u8; 64];
    for _ in 0..3 {
        let out = xdp
            .test_run(&TestRun {
                data_in: &data,
                ..Default::default()
            })
            .expect("test run");
        assert_eq!(out.retval, 2);
        assert_eq!(
            out.data_out.as_deref().map(|d| d[0]),
            Some(8),
            "the subprogram ran"
        );
    }
    let counts = coll.map("counts").expect("counts map");
    let v = counts.lookup(&0u32.to_ne_bytes()).expect("lookup");
    assert_eq!(v.as_deref(), Some(&3u64.to_ne_bytes()[..]));

    let filter = coll.program("filter").expect("filter is loaded");
    let out = filter
        .test_run(&TestRun {
            data_in: &[0u8; 40],
            ..Default::default()
        })
        .expect("test run");
    assert_eq!(out.retval, 0);
    let lengths = coll.map("lengths").expect("lengths map");
    assert_eq!(
        lengths.keys().count(),
        1,
        "the socket filter recorded one length"
    );
}

#[test]
fn built_in_rust_and_taken_apart() {
    require_root!();
    let prog = ebpf_asm::assemble_named(
        "inc.s",
        "r1 = 0\n*(u32 *)(r10 - 4) = r1\nr2 = r10\nr2 += -4\nr1 = hits ll\n\
         call bpf_map_lookup_elem\nif r0 == 0 goto +2\nr1 = 5\n*(u64 *)(r0 + 0) = r1\nr0 = 1\nexit",
    )
    .expect("assembles");
    let mut spec = CollectionSpec::new();
    spec.add_map("hits", MapSpec::new(MapType::Array, 4, 8, 1));
    spec.add_program("inc_counter_program", ProgramType::SocketFilter, prog);
    let mut coll = spec.load().expect("loads");
    let p = coll
        .program("inc_counter_program")
        .expect("by its full name");
    assert_eq!(
        p.name(),
        "inc_counter_pro",
        "the kernel name is cut to 15 bytes"
    );
    p.test_run(&TestRun {
        data_in: &[0u8; 20],
        ..Default::default()
    })
    .expect("runs");
    let hits = coll.take_map("hits").expect("take");
    assert!(coll.map("hits").is_none());
    assert_eq!(
        hits.lookup(&0u32.to_ne_bytes()).expect("lookup").as_deref(),
        Some(&5u64.to_ne_bytes()[..])
    );
    assert!(coll.take_program("inc_counter_program").is_some());
    assert_eq!(coll.programs().count(), 0);
}

#[test]
fn unresolved_reference_names_symbol_and_location() {
    require_root!();
    let prog =
        ebpf_asm::assemble_named("refs.s", "r0 = 0\nr1 = missing ll\nexit").expect("assembles");
    let mut spec = CollectionSpec::new();
    spec.add_map("present", MapSpec::new(MapType::Hash, 4, 4, 1));
    spec.add_program("p", ProgramType::SocketFilter, prog);
    let err = spec.load().expect_err("`missing` is not a map");
    match &err {
        Error::UnresolvedReference {
            program,
            name,
            location,
            maps,
        } => {
            assert_eq!(
                (program.as_str(), name.as_str(), location.as_deref()),
                ("p", "missing", Some("refs.s:2:1"))
            );
            assert_eq!(maps, &["present".to_owned()]);
        }
        other => panic!("unexpected error {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "refs.s:2:1: program `p` refers to `missing`, which is not a map of the collection (its maps: present)"
    );
}

#[test]
fn unknown_map_type_is_reported_at_its_position() {
    let path = asm_path("badmap.s");
    let err = CollectionSpec::from_asm_file(&path).expect_err("hsah is not a map type");
    assert!(matches!(err, Error::Asm(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!("{path}:1:13: error: unknown map type `hsah` (did you mean `hash`?)")
    );
    let err = CollectionSpec::from_asm_file("/nonexistent/x.s").expect_err("no such file");
    assert!(
        err.with_causes()
            .to_string()
            .starts_with("reading /nonexistent/x.s: "),
        "{err}"
    );
}

#[test]
fn verifier_errors_name_the_source_line() {
    require_root!();
    let spec = CollectionSpec::from_asm_file(asm_path("rejected.s")).expect("parses");
    for level in [0, 4] {
        let opts = LoadOptions {
            log_level: level,
            log_size: 0,
            ..Default::default()
        };
        let (coll, failures) = spec.load_each(&opts).expect("no map errors");
        assert_eq!(coll.programs().count(), 0);
        assert_eq!(failures.len(), 1);
        let (name, err) = &failures[0];
        assert_eq!(name, "uninit");
        let Error::Verifier(v) = err else {
            panic!("expected a verifier error, got {err:?}")
        };
        let loc = format!("{}:5:2", asm_path("rejected.s"));
        assert_eq!(v.location(), Some(loc.as_str()), "level {level}: {v:#}");
        assert!(v.to_string().contains("R2 !read_ok"), "{v}");
    }
}

#[test]
fn maps_of_maps_create_their_inner_map_first() {
    require_root!();
    let spec = CollectionSpec::from_asm(
        "mim.s",
        ".map outer array_of_maps key=4 value=4 entries=2 inner=inner\n\
         .map inner array key=4 value=8 entries=1\n",
    )
    .expect("parses");
    let coll = spec.load().expect("loads");
    let names: Vec<&str> = coll.maps().map(|(n, _)| n).collect();
    assert_eq!(names, ["outer", "inner"], "source order is kept");
    let outer = coll.map("outer").expect("outer");
    assert_eq!(
        outer.info().expect("info").map_type,
        Some(MapType::ArrayOfMaps)
    );

    let mut cyclic = CollectionSpec::new();
    cyclic.add_map_of_maps("a", MapSpec::new(MapType::ArrayOfMaps, 4, 4, 1), "b");
    cyclic.add_map_of_maps("b", MapSpec::new(MapType::ArrayOfMaps, 4, 4, 1), "a");
    let err = cyclic.load().expect_err("a cycle");
    assert!(err.to_string().starts_with("map `"), "{err}");
    assert!(
        !err.to_string().contains("cycle"),
        "the cause is source(), not repeated"
    );
    assert!(err.with_causes().to_string().contains("cycle"), "{err}");
    let mut missing = CollectionSpec::new();
    missing.add_map_of_maps("a", MapSpec::new(MapType::ArrayOfMaps, 4, 4, 1), "nope");
    let err = missing.load().expect_err("no inner");
    assert_eq!(
        err.with_causes().to_string(),
        "map `a`: the collection has no map named `nope` (maps: a)"
    );
}

#[test]
fn sections_give_types_attach_targets_and_flags() {
    require_root!();
    let spec = CollectionSpec::from_asm(
        "kinds.s",
        ".section tp_btf/sched_switch\nsw:\n\tr0 = 0\n\texit\n\
         .section syscall\nsys:\n\tr0 = 7\n\texit\n\
         .section cgroup_skb/ingress\nskb:\n\tr0 = 1\n\texit\n\
         .section raw_tp/sys_enter\nraw:\n\tr0 = 0\n\texit\n",
    )
    .expect("parses");
    let coll = spec.load().expect("every program loads");
    assert_eq!(
        coll.program("sw").map(|p| p.prog_type()),
        Some(ProgramType::Tracing)
    );
    let sys = coll.program("sys").expect("syscall program");
    let out = sys
        .test_run(&TestRun::default())
        .expect("sleepable syscall runs");
    assert_eq!(out.retval, 7);
    assert_eq!(
        coll.program("skb").map(|p| p.prog_type()),
        Some(ProgramType::CgroupSkb)
    );
    let bad = CollectionSpec::from_asm(
        "t.s",
        ".section tp_btf/no_such_tracepoint_x\n\tr0 = 0\n\texit\n",
    )
    .expect("parses");
    let err = bad.load().expect_err("no such BTF type");
    assert!(
        err.with_causes()
            .to_string()
            .contains("btf_trace_no_such_tracepoint_x"),
        "{err}"
    );
}

#[test]
fn translated_instructions_decode() {
    require_root!();
    let spec = CollectionSpec::from_asm_file(asm_path("pass.s")).expect("parses");
    let coll = spec.load().expect("loads");
    let xlated = coll
        .program("pass")
        .expect("pass")
        .xlated_program()
        .expect("decodes");
    assert_eq!(xlated.to_string(), "\tr0 = 2\n\texit\n");
}
