//! aya 0.13 (`Ebpf::load`, in process) loads the objects ebpf-loader writes
//! (`CollectionSpec::to_elf`, issue 13): maps in `.maps` with BTF, subprograms in `.text`
//! linked through `R_BPF_64_32`, a function address for bpf_loop, `.BTF.ext` line info.
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
