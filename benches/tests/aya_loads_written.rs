//! aya 0.13 (`Ebpf::load`, in process) loads the objects ebpf-loader writes
//! (`CollectionSpec::to_elf`, issue 13): maps in `.maps` with BTF, subprograms in `.text`
//! linked through `R_BPF_64_32`, a function address for bpf_loop, `.BTF.ext` line info.
//! Global data written back from clang objects (`.data`, `.rodata` with a constant set
//! before writing, `.rodata.str1.1`, `.bss`) is mapped by aya as well.
//! Each program aya loaded is then test-run through our loader (by its id) and must
//! return what our own load of the same text returns. (aya 0.13 does not know libbpf's
//! `tc` section name: the tc program is written as `classifier`, which both know.)

use std::path::Path;

use aya::programs::Program;
use ebpf_loader::{CollectionSpec, LoadedProgram, TestRun};

fn source(name: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../loader/tests/asm");
    dir.join(name).to_string_lossy().into_owned()
}

fn run(p: &LoadedProgram, data: &[u8]) -> (u32, Option<Vec<u8>>) {
    let r = p
        .test_run(&TestRun {
            data_in: data,
            ..Default::default()
        })
        .expect("test run");
    (r.retval, r.data_out)
}

#[test]
fn aya_loads_written_objects_and_they_run_as_ours() {
    if !ebpf_asm_test_support::have_bpf_privileges() {
        return;
    }
    let packet: Vec<u8> = (0..64u8).map(|i| i.wrapping_mul(7)).collect();
    for name in ["counter.s", "elf_write.s", "elf_callback.s"] {
        let mut spec = CollectionSpec::from_asm_file(source(name)).expect("assembles");
        // aya 0.13 knows tc programs by libbpf's older section name only.
        for p in spec
            .programs()
            .iter()
            .map(|p| p.name.clone())
            .collect::<Vec<_>>()
        {
            let p = spec.program_mut(&p).expect("program");
            if p.section.as_deref() == Some("tc") {
                p.section = Some("classifier".into());
            }
        }
        let elf = spec.to_elf().expect("writes");
        let mut ebpf = aya::Ebpf::load(&elf).unwrap_or_else(|e| panic!("aya reads {name}: {e}"));
        let ours = spec.load().expect("we load the text");
        let mut loaded = 0;
        for (prog_name, prog) in ebpf.programs_mut() {
            let r = match prog {
                Program::Xdp(p) => p.load().and_then(|()| p.info()),
                Program::SocketFilter(p) => p.load().and_then(|()| p.info()),
                Program::SchedClassifier(p) => p.load().and_then(|()| p.info()),
                _ => panic!("{name}: unexpected program type for {prog_name}"),
            };
            let id = r
                .unwrap_or_else(|e| panic!("aya loads {name}: {prog_name}: {e:?}"))
                .id();
            let theirs = LoadedProgram::from_id(id).expect("by id");
            let mine = ours.program(prog_name).expect("same program names");
            assert_eq!(
                run(&theirs, &packet),
                run(mine, &packet),
                "{name}: {prog_name}"
            );
            loaded += 1;
        }
        assert_eq!(loaded, spec.programs().len(), "{name}");
    }
}

/// `loader/tests/elf/NAME.c` compiled by clang-19 as the loader's tests compile it;
/// `None` (after a skip) without clang-19.
fn compiled(name: &str) -> Option<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../loader/tests/elf");
    let out = std::env::temp_dir().join(format!("aya-written-{}-{name}.o", std::process::id()));
    let status = std::process::Command::new("clang-19")
        .args(["-target", "bpf", "-O2", "-g", "-c"])
        .arg("-I/usr/include/x86_64-linux-gnu")
        .arg(format!("-I{}", dir.display()))
        .arg(dir.join(format!("{name}.c")))
        .arg("-o")
        .arg(&out)
        .status();
    let Ok(status) = status else {
        ebpf_asm_test_support::skip("clang-19 is not runnable: cannot compile the C objects");
        return None;
    };
    assert!(status.success(), "clang-19 compiles {name}.c");
    let bytes = std::fs::read(&out).expect("clang wrote the object");
    let _ = std::fs::remove_file(&out);
    Some(bytes)
}

/// Global data written back from clang's objects: aya maps `.data`, `.rodata` (holding
/// the constant set before writing), `.rodata.str1.1` and `.bss`, and the programs it
/// loads return what ours return on clang's object. (aya 0.13 skips `__array(values,
/// ...)`, so maps of maps and prog array slots are for libbpf: see loader/tests/
/// elf_write_clang.)
#[test]
fn aya_loads_global_data_written_back_from_clang_objects() {
    if !ebpf_asm_test_support::have_bpf_privileges() {
        return;
    }
    for (name, progs) in [
        ("data_sections", &["count_hits", "string_byte"][..]),
        ("global_data", &["count_hits"][..]),
    ] {
        let Some(obj) = compiled(name) else {
            return;
        };
        let mut spec = CollectionSpec::from_elf(&obj).expect("reads clang's object");
        if name == "data_sections" {
            spec.set_constant("answer", 40u32).expect("a u32");
        }
        let elf = spec.to_elf().expect("writes");
        let mut ebpf = aya::Ebpf::load(&elf).unwrap_or_else(|e| panic!("aya reads {name}: {e}"));
        let ours = spec.load().expect("we load clang's object");
        for prog_name in progs {
            let id = match ebpf.program_mut(prog_name).expect("aya has it") {
                Program::Xdp(p) => p.load().and_then(|()| p.info()),
                Program::SocketFilter(p) => p.load().and_then(|()| p.info()),
                _ => panic!("{name}: unexpected program type for {prog_name}"),
            }
            .unwrap_or_else(|e| panic!("aya loads {name}: {prog_name}: {e:?}"))
            .id();
            let theirs = LoadedProgram::from_id(id).expect("by id");
            let mine = ours.program(prog_name).expect("same program names");
            let packet = [0u8; 64];
            let (retval, _) = run(&theirs, &packet);
            assert_eq!(retval, run(mine, &packet).0, "{name}: {prog_name}");
            if *prog_name == "count_hits" && name == "data_sections" {
                assert_eq!(retval, 40 + 5, "the constant set before writing");
            }
        }
    }
}
