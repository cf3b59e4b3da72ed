//! The source folders import downward only: each stage of asm-core may use the stages
//! listed before it, never one after it, and no two files import each other in a circle.
//! (Issue 11: "files import down, never in a circle — and folders too".)

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// The stages, lowest first.
const ORDER: &[&str] = &[
    "util", "model", "codec", "print", "program", "syntax", "assemble", "object",
];

/// `folder/file` (or `folder` for mod.rs) of every source file, with its text minus
/// comments and `#[cfg(test)]` modules.
fn sources() -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).expect("src is readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let rel = path.strip_prefix(&root).unwrap().with_extension("");
            let mut name: Vec<_> = rel
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            if name.last().is_some_and(|n| n == "mod") {
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

/// The modules `text` names through `crate::a::b::...`, resolved to the longest known one.
fn imports(text: &str, modules: &BTreeSet<&str>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices("crate::") {
        let path: String = text[i + 7..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        let segs: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
        for n in (1..=segs.len()).rev() {
            let m = segs[..n].join("::");
            if modules.contains(m.as_str()) {
                out.insert(m);
                break;
            }
        }
    }
    out
}

#[test]
fn stages_import_only_the_stages_below_them() {
    let src = sources();
    let modules: BTreeSet<&str> = src.keys().map(String::as_str).collect();
    let rank = |m: &str| ORDER.iter().position(|s| m.split("::").next() == Some(*s));
    let mut wrong = Vec::new();
    for (m, text) in &src {
        let Some(from) = rank(m) else { continue };
        for dep in imports(text, &modules) {
            match rank(&dep) {
                Some(to) if to > from => wrong.push(format!("{m} uses {dep}")),
                None if !dep.is_empty() => {
                    wrong.push(format!("{m} uses {dep}, outside the stages"))
                }
                _ => {}
            }
        }
    }
    for folder in fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("src")).unwrap() {
        let p = folder.unwrap().path();
        if p.is_dir() {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
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
    let src = sources();
    let modules: BTreeSet<&str> = src.keys().map(String::as_str).collect();
    let graph: BTreeMap<&str, BTreeSet<String>> = src
        .iter()
        .map(|(m, t)| {
            let deps = imports(t, &modules)
                .into_iter()
                .filter(|d| d != m && !m.starts_with(&format!("{d}::")))
                .collect();
            (m.as_str(), deps)
        })
        .collect();
    // Depth-first search with colours: grey on the stack, black done.
    fn visit<'a>(
        m: &'a str,
        graph: &'a BTreeMap<&str, BTreeSet<String>>,
        colour: &mut BTreeMap<&'a str, u8>,
        stack: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        match colour.get(m) {
            Some(2) => return None,
            Some(1) => {
                let at = stack.iter().position(|s| *s == m).unwrap_or(0);
                let mut cycle: Vec<String> = stack[at..].iter().map(|s| s.to_string()).collect();
                cycle.push(m.to_string());
                return Some(cycle);
            }
            _ => {}
        }
        colour.insert(m, 1);
        stack.push(m);
        for d in graph.get(m).into_iter().flatten() {
            if let Some((k, _)) = graph.get_key_value(d.as_str()) {
                if let Some(c) = visit(k, graph, colour, stack) {
                    return Some(c);
                }
            }
        }
        stack.pop();
        colour.insert(m, 2);
        None
    }
    let mut colour = BTreeMap::new();
    for m in graph.keys() {
        let mut stack = Vec::new();
        if let Some(cycle) = visit(m, &graph, &mut colour, &mut stack) {
            panic!(
                "files import each other in a circle: {}",
                cycle.join(" -> ")
            );
        }
    }
}
