//! asm-core's helper table: `enum bpf_func_id` as names by number and numbers by name.

use std::fmt::Write as _;

use super::kernel_enums::variants;
use crate::snapshot::Snapshot;

/// `helpers.rs`: `HELPER_NAMES`, `helper_id` and `helper_name`.
pub fn helpers(snap: &Snapshot) -> Result<String, String> {
    let funcs = variants(snap, "bpf_func_id", "BPF_FUNC_")?;
    for (i, f) in funcs.iter().enumerate() {
        if f.value != i as i64 {
            return Err(format!(
                "`{}` is {}, expected {i}: helper numbers must count up from 0",
                f.kernel, f.value
            ));
        }
    }
    let mut out = format!(
        "//! Kernel helper functions by number, as `enum bpf_func_id` of Linux {} lists them:\n\
         //! `BPF_FUNC_<name>` spelled `bpf_<name>`. Index 0 (`unspec`) is not a helper.\n\n\
         /// Helper names indexed by helper number; index 0 is the unused `bpf_unspec`.\n\
         pub const HELPER_NAMES: [&str; {}] = [\n",
        Snapshot::major_minor(&snap.release),
        funcs.len()
    );
    for f in &funcs {
        let _ = writeln!(out, "    \"bpf_{}\",", f.name);
    }
    out.push_str(
        "];\n\n\
         /// The helper number of `name` (e.g. `bpf_map_lookup_elem` → 1).\n\
         pub fn helper_id(name: &str) -> Option<i32> {\n    Some(match name {\n",
    );
    for f in funcs.iter().skip(1) {
        let _ = writeln!(out, "        \"bpf_{}\" => {},", f.name, f.value);
    }
    out.push_str(
        "        _ => return None,\n    })\n}\n\n\
         /// The name of helper `id`, if this kernel has one by that number.\n\
         pub fn helper_name(id: i32) -> Option<&'static str> {\n    \
         if id <= 0 {\n        return None;\n    }\n    \
         HELPER_NAMES.get(id as usize).copied()\n}\n",
    );
    Ok(out)
}
