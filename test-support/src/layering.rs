//! Reading a crate's sources to check its layering: which of its modules each file names
//! through `crate::` and `super::` paths, and whether files import each other in a
//! circle. Comments and `#[cfg(test)]` modules are left out.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Every source file under `src` (folders named in `skip` left out), by module path
/// (`maps::ringbuf`; `maps` for `maps/mod.rs`, `` for `lib.rs`), with its code.
pub fn sources(src: &Path, skip: &[&str]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).expect("the source folder is readable") {
            let path = entry.expect("a directory entry").path();
            let rel = path.strip_prefix(src).expect("under src");
            if path.is_dir() {
                if !skip.iter().any(|s| rel == Path::new(s)) {
                    dirs.push(path);
                }
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let mut name: Vec<String> = rel
                .with_extension("")
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            if name.last().is_some_and(|n| n == "mod" || n == "lib") {
                name.pop();
            }
            let text = fs::read_to_string(&path).expect("source is UTF-8");
            let text = text.split("#[cfg(test)]").next().unwrap_or("");
            let code: Vec<&str> = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect();
            out.insert(name.join("::"), code.join("\n"));
        }
    }
    out
}

/// The modules of `modules` that module `from` names in `text`, each path resolved to the
/// longest module it starts with (`crate::maps::Map` -> `maps`); `use a::{b, c}` counts
/// each of `b` and `c`. The crate root and `from` itself are left out.
pub fn imports(from: &str, text: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let parent: Vec<&str> = from.split("::").filter(|s| !s.is_empty()).collect();
    let parent = &parent[..parent.len().saturating_sub(1)];
    let mut out = BTreeSet::new();
    for (keyword, base) in [("crate::", &[][..]), ("super::", parent)] {
        for (i, _) in text.match_indices(keyword) {
            if text[..i].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            let rest = &text[i + keyword.len()..];
            let path: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let mut prefix: Vec<&str> = base.to_vec();
            prefix.extend(path.split("::").filter(|s| !s.is_empty()));
            let after = &rest[path.len()..];
            let paths: Vec<Vec<&str>> = match after.strip_prefix('{') {
                Some(group) => group
                    .split('}')
                    .next()
                    .unwrap_or("")
                    .split(',')
                    .map(|item| {
                        let mut p = prefix.clone();
                        p.extend(item.split("::").map(str::trim).filter(|s| !s.is_empty()));
                        p
                    })
                    .collect(),
                None => vec![prefix],
            };
            for segs in paths {
                if let Some(m) = (1..=segs.len())
                    .rev()
                    .map(|n| segs[..n].join("::"))
                    .find(|m| modules.contains(m))
                {
                    if m != from {
                        out.insert(m);
                    }
                }
            }
        }
    }
    out
}

/// A circle of files importing each other (`a -> b -> a`), if there is one. A module's
/// use of its own parent (`mod.rs`, which declares it) does not count.
pub fn find_cycle(src: &BTreeMap<String, String>) -> Option<Vec<String>> {
    let modules: BTreeSet<String> = src.keys().cloned().collect();
    let graph: BTreeMap<&str, BTreeSet<String>> = src
        .iter()
        .map(|(m, t)| {
            let deps = imports(m, t, &modules)
                .into_iter()
                .filter(|d| !m.starts_with(&format!("{d}::")))
                .collect();
            (m.as_str(), deps)
        })
        .collect();
    let mut done = BTreeSet::new();
    for start in graph.keys() {
        let mut stack = Vec::new();
        if let Some(c) = visit(start, &graph, &mut done, &mut stack) {
            return Some(c);
        }
    }
    None
}

/// Depth-first search: `stack` holds the path being explored, `done` the finished files.
fn visit<'a>(
    m: &'a str,
    graph: &'a BTreeMap<&str, BTreeSet<String>>,
    done: &mut BTreeSet<&'a str>,
    stack: &mut Vec<&'a str>,
) -> Option<Vec<String>> {
    if let Some(at) = stack.iter().position(|s| *s == m) {
        let mut cycle: Vec<String> = stack[at..].iter().map(|s| s.to_string()).collect();
        cycle.push(m.to_string());
        return Some(cycle);
    }
    if done.contains(m) {
        return None;
    }
    stack.push(m);
    for d in graph.get(m).into_iter().flatten() {
        if let Some((k, _)) = graph.get_key_value(d.as_str()) {
            if let Some(c) = visit(k, graph, done, stack) {
                return Some(c);
            }
        }
    }
    stack.pop();
    done.insert(m);
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn modules(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn crate_super_and_grouped_paths_resolve_to_modules() {
        let m = modules(&[
            "maps",
            "maps::ringbuf",
            "programs",
            "programs::spec",
            "error",
        ]);
        let text = "use super::spec::ProgramSpec;\nuse crate::{error::Result, maps::Map};\n\
                    fn f() { crate::maps::ringbuf::RingBuf::new(); }";
        let got = imports("programs::loaded", text, &m);
        let want = modules(&["programs::spec", "error", "maps", "maps::ringbuf"]);
        assert_eq!(got, want);
    }

    #[test]
    fn a_circle_is_found_and_a_parent_is_not_one() {
        let mut src = BTreeMap::new();
        src.insert("a".to_string(), "use crate::b::X;".to_string());
        src.insert("b".to_string(), "use crate::c::Y;".to_string());
        src.insert("c".to_string(), "use crate::d::Z;".to_string());
        src.insert("d".to_string(), String::new());
        src.insert("d::e".to_string(), "use super::Z;".to_string());
        assert_eq!(find_cycle(&src), None);
        src.insert("d".to_string(), "use crate::a::W;".to_string());
        let cycle = find_cycle(&src).expect("a -> b -> c -> d -> a");
        assert_eq!(cycle.first(), cycle.last());
        assert_eq!(cycle.len(), 5, "{cycle:?}");
    }
}
