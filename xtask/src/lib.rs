//! Project tasks. `cargo run -p xtask -- gen-tables` regenerates the kernel tables (helper
//! numbers, map/program/attach types, bpf() commands and struct layouts) in two stages:
//!
//! 1. `extract`: the running kernel's BTF (read with `bpftool btf dump`) → a small text
//!    snapshot in `xtask/kernel/linux-MAJOR.MINOR.txt`;
//! 2. `generate`: the snapshot named by [`SNAPSHOT`] → Rust files under
//!    [`generate::ASM_CORE_DIR`] and [`generate::LOADER_DIR`].
//!
//! The workspace's tests run stage 2 on the checked-in snapshot and fail when a generated
//! file differs, so the tables in the tree always match the snapshot.

pub mod btf;
pub mod extract;
pub mod generate;
pub mod snapshot;

use std::path::PathBuf;

use snapshot::Snapshot;

/// The snapshot the tables are generated from, relative to the workspace root.
pub const SNAPSHOT: &str = "xtask/kernel/linux-6.18.txt";
/// Hand-written doc text for the variants of the generated enums.
pub const DOCS: &str = "xtask/kernel/docs.txt";

/// The workspace root (the parent of this crate).
pub fn workspace_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.parent().map_or(here.clone(), PathBuf::from)
}

/// Reads a file under the workspace root.
pub fn read(relative: &str) -> Result<String, String> {
    let path = workspace_root().join(relative);
    std::fs::read_to_string(&path).map_err(|e| format!("reading {}: {e}", path.display()))
}

/// The generated files, from the checked-in snapshot and doc table.
pub fn generate_from_tree() -> Result<Vec<generate::Output>, String> {
    let snap = Snapshot::parse(&read(SNAPSHOT)?)?;
    generate::generate(&snap, SNAPSHOT, &read(DOCS)?)
}

/// Where the snapshot of a kernel `release` goes (`xtask/kernel/linux-6.18.txt`).
pub fn snapshot_path(release: &str) -> String {
    format!("xtask/kernel/linux-{}.txt", Snapshot::major_minor(release))
}
