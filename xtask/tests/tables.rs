//! The generated kernel tables are current: the checked-in files equal what the generator
//! makes of the checked-in snapshot (any machine), and the snapshot equals what the
//! running kernel's BTF says (only on the snapshot's kernel release).

use ebpf_asm_test_support::skip;
use xtask::snapshot::Snapshot;
use xtask::{extract, generate, generate_from_tree, read, workspace_root, SNAPSHOT};

#[test]
fn generated_files_match_the_snapshot() {
    let outputs = generate_from_tree().unwrap_or_else(|e| panic!("{e}"));
    let stale = generate::stale(&workspace_root(), &outputs);
    assert!(
        stale.is_empty(),
        "generated files differ from what {SNAPSHOT} gives: {}\n\
         run `cargo run -p xtask -- gen-tables` (or `gen-tables generate` to keep the \
         snapshot) and commit the result",
        stale
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
}

#[test]
fn every_generated_file_says_so() {
    let outputs = generate_from_tree().unwrap_or_else(|e| panic!("{e}"));
    assert!(outputs.len() >= 8, "{outputs:?}");
    for o in &outputs {
        assert!(o.text.starts_with(generate::HEADER), "{}", o.path.display());
    }
}

#[test]
fn snapshot_matches_the_running_kernel() {
    let text = read(SNAPSHOT).unwrap_or_else(|e| panic!("{e}"));
    let snap = Snapshot::parse(&text).unwrap_or_else(|e| panic!("{e}"));
    let Ok(release) = extract::running_release() else {
        return skip("cannot read the running kernel's release");
    };
    let (ours, running) = (
        Snapshot::major_minor(&snap.release),
        Snapshot::major_minor(&release),
    );
    if ours != running {
        // Not a missing capability: another kernel's BTF says nothing about this snapshot.
        eprintln!("skipped: the running kernel is {running}, the snapshot is of {ours}");
        return;
    }
    if !std::path::Path::new(extract::VMLINUX_BTF).exists() {
        return skip("the kernel has no BTF at /sys/kernel/btf/vmlinux");
    }
    let dump = match extract::dump_running_kernel() {
        Ok(d) => d,
        Err(e) => return skip(&e),
    };
    let mut now = extract::extract(&release, &dump).unwrap_or_else(|e| panic!("{e}"));
    // Another build of the same MAJOR.MINOR must agree on everything but the name.
    now.release.clone_from(&snap.release);
    assert!(
        now == snap,
        "the running kernel's BTF differs from {SNAPSHOT}; run `cargo run -p xtask -- \
         gen-tables` and commit the result"
    );
}
