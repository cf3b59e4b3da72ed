//! The loader's sources import downward: `sys` uses nothing above it; the stage folders
//! (programs, then maps with their readers, then link, then the ELF reader) use only the folders before them
//! and the shared files at the root; the modules on top (collection and its files, probe, memlock) are
//! used by no folder; and no two files import each other in a circle.

use std::collections::BTreeSet;
use std::path::Path;

use ebpf_asm_test_support::layering::{find_cycle, imports, sources};

/// The stage folders, lowest first.
const FOLDERS: &[&str] = &["sys", "programs", "maps", "link", "elf"];

/// Root files that build on the stages; nothing below may use them.
const TOP: &[&str] = &["collection", "probe", "memlock"];

/// The one root file allowed to name a stage: the crate's error type carries the
/// verifier's error (`Error::Verifier(VerifierError)`).
const ERROR_EXCEPTION: (&str, &str) = ("error", "programs::verifier_log");

fn top_of(module: &str) -> &str {
    module.split("::").next().unwrap_or("")
}

#[test]
fn folders_and_files_import_downward() {
    let src = sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &["bin"]);
    let modules: BTreeSet<String> = src.keys().cloned().collect();
    let rank = |m: &str| FOLDERS.iter().position(|f| *f == top_of(m));
    let mut wrong = Vec::new();
    for (m, text) in src.iter().filter(|(m, _)| !m.is_empty()) {
        for dep in imports(m, text, &modules) {
            let ok = match (rank(m), rank(&dep)) {
                // A folder uses folders at or below it and shared root files.
                (Some(from), Some(to)) => to <= from && (from > 0 || to == 0),
                (Some(0), None) => false,
                (Some(_), None) => !TOP.contains(&top_of(&dep)),
                // Shared root files use sys and each other; top files anything.
                (None, to) => {
                    TOP.contains(&top_of(m))
                        || to == Some(0)
                        || (to.is_none() && !TOP.contains(&top_of(&dep)))
                        || (m.as_str(), dep.as_str()) == ERROR_EXCEPTION
                }
            };
            if !ok {
                wrong.push(format!("{m} uses {dep}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layering:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_two_files_import_each_other_in_a_circle() {
    let src = sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &["bin"]);
    assert!(src.contains_key("programs::spec"), "the sources were read");
    if let Some(cycle) = find_cycle(&src) {
        panic!(
            "files import each other in a circle: {}",
            cycle.join(" -> ")
        );
    }
}
