//! The source folders import downward only: each stage of asm-core may use the stages
//! listed before it, never one after it, and no two files import each other in a circle.
//! (Issue 11: "files import down, never in a circle — and folders too".)

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use ebpf_asm_test_support::layering::{find_cycle, imports, sources};

/// The stages, lowest first.
const ORDER: &[&str] = &[
    "util", "model", "codec", "print", "program", "syntax", "assemble", "object",
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn stages_import_only_the_stages_below_them() {
    let src_files = sources(&src(), &[]);
    let modules: BTreeSet<String> = src_files.keys().cloned().collect();
    let rank = |m: &str| ORDER.iter().position(|s| m.split("::").next() == Some(*s));
    let mut wrong = Vec::new();
    for (m, text) in src_files.iter().filter(|(m, _)| !m.is_empty()) {
        let Some(from) = rank(m) else {
            wrong.push(format!("{m} is in no stage: place its folder in ORDER"));
            continue;
        };
        for dep in imports(m, text, &modules) {
            match rank(&dep) {
                Some(to) if to > from => wrong.push(format!("{m} uses {dep}")),
                None => wrong.push(format!("{m} uses {dep}, outside the stages")),
                _ => {}
            }
        }
    }
    for entry in fs::read_dir(src()).expect("src is readable") {
        let p = entry.expect("entry").path();
        if p.is_dir() {
            let name = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            assert!(
                ORDER.contains(&name.as_str()),
                "folder {name} is not in ORDER: place it"
            );
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the stage order:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_two_files_import_each_other_in_a_circle() {
    if let Some(cycle) = find_cycle(&sources(&src(), &[])) {
        panic!(
            "files import each other in a circle: {}",
            cycle.join(" -> ")
        );
    }
}
