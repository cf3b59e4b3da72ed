//! Symbol names of maps and programs. libbpf names programs (and their kernel objects,
//! and bpftool's pins) after their symbols, the kernel takes only letters, digits, `_`
//! and `.` in a program's name, and BTF VARs (the maps) must be C identifiers: other
//! characters become `_`, so a program named by its section, `cgroup_skb/ingress`, is
//! written as `cgroup_skb_ingress`.

use std::collections::HashSet;

use super::write_err;
use super::Input;
use crate::error::Result;

/// The symbol of each map and each program, in the spec's order.
pub(crate) struct SymbolNames {
    pub maps: Vec<String>,
    pub programs: Vec<String>,
}

impl SymbolNames {
    /// The names for `spec`; two that come out the same are an error.
    pub fn of(spec: &Input<'_>) -> Result<SymbolNames> {
        let names = SymbolNames {
            maps: spec.maps.iter().map(|m| clean(m.name, false)).collect(),
            programs: spec.programs.iter().map(|p| clean(p.name, true)).collect(),
        };
        let originals = spec.maps.iter().map(|m| m.name);
        let originals = originals.chain(spec.programs.iter().map(|p| p.name));
        let mut seen = HashSet::new();
        for (name, original) in names.maps.iter().chain(&names.programs).zip(originals) {
            if !seen.insert(name) {
                return Err(write_err(
                    original,
                    format!(
                        "another map or program has the symbol name `{name}`; ELF symbols \
                         must differ (rename one)"
                    ),
                ));
            }
        }
        Ok(names)
    }
}

/// `name` with characters other than letters, digits, `_` (and `.` when `dot`) made
/// `_`, and `_` in front of a leading digit or for an empty name.
fn clean(name: &str, dot: bool) -> String {
    let mut s: String = name
        .chars()
        .map(
            |c| match c.is_ascii_alphanumeric() || c == '_' || (dot && c == '.') {
                true => c,
                false => '_',
            },
        )
        .collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_symbols_the_kernel_and_btf_accept() {
        assert_eq!(clean("cgroup_skb/ingress", true), "cgroup_skb_ingress");
        assert_eq!(clean("a.b-c", true), "a.b_c");
        assert_eq!(clean("a.b-c", false), "a_b_c");
        assert_eq!(clean("1x", false), "_1x");
        assert_eq!(clean("", false), "_");
    }
}
