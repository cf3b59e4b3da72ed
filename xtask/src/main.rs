//! `cargo run -p xtask -- gen-tables [extract|generate]`: see the crate docs and
//! xtask/README.md.

use std::process::ExitCode;

use xtask::snapshot::Snapshot;
use xtask::{extract, generate, snapshot_path, workspace_root, SNAPSHOT};

const USAGE: &str = "usage: cargo run -p xtask -- gen-tables [extract|generate]\n\
  extract   write the running kernel's snapshot to xtask/kernel/linux-MAJOR.MINOR.txt\n\
  generate  write the generated Rust files from the snapshot in xtask/src/lib.rs (SNAPSHOT)\n\
  (none)    both";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["gen-tables"] => run_extract().and_then(|()| run_generate()),
        ["gen-tables", "extract"] => run_extract(),
        ["gen-tables", "generate"] => run_generate(),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Stage 1: the running kernel's BTF → its snapshot file.
fn run_extract() -> Result<(), String> {
    let release = extract::running_release()?;
    let snap = extract::extract(&release, &extract::dump_running_kernel()?)?;
    let relative = snapshot_path(&release);
    let path = workspace_root().join(&relative);
    std::fs::write(&path, snap.to_text())
        .map_err(|e| format!("writing {}: {e}", path.display()))?;
    eprintln!("wrote {relative} (kernel {release})");
    if relative != SNAPSHOT {
        eprintln!(
            "note: the tables are generated from {SNAPSHOT}; to move to kernel {}, set \
             SNAPSHOT in xtask/src/lib.rs to {relative}",
            Snapshot::major_minor(&release)
        );
    }
    Ok(())
}

/// Stage 2: the snapshot → the generated Rust files.
fn run_generate() -> Result<(), String> {
    let outputs = xtask::generate_from_tree()?;
    let written = generate::write(&workspace_root(), &outputs)?;
    for p in &written {
        eprintln!("wrote {}", p.display());
    }
    eprintln!(
        "{} generated files, {} changed",
        outputs.len(),
        written.len()
    );
    Ok(())
}
