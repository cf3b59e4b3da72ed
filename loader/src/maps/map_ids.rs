//! Map references by id, as `bpftool prog dump xlated` prints them (`map[id:5]`,
//! `map[id:5][0]+8`) and the assembler reads them back: symbols `map_id_5` and
//! `map_id_5_value_8`, resolved here by opening each map by its id.

use ebpf_asm_core::Program;

use crate::error::Result;
use crate::maps::Map;

/// The map id and, for a map value, the offset a symbol of bpftool's names.
fn map_id_symbol(name: &str) -> Option<(u32, Option<i32>)> {
    let rest = name.strip_prefix("map_id_")?;
    let (id, offset) = match rest.split_once("_value_") {
        Some((id, off)) => (id, Some(off.parse().ok()?)),
        None => (rest, None),
    };
    Some((id.parse().ok()?, offset))
}

/// Resolves every `map_id_N` and `map_id_N_value_OFF` reference of `program` (bpftool's
/// `map[id:N]` and `map[id:N][0]+OFF`, read back by the assembler) with the map of that
/// id; other references are left as they are. Returns the maps opened, which must stay
/// open until the program is loaded.
///
/// ```no_run
/// let dump = "   0: (18) r1 = map[id:7]\n   2: (b7) r0 = 0\n   3: (95) exit";
/// let mut prog = ebpf_asm::assemble(dump)?;
/// let _maps = ebpf_loader::resolve_map_ids(&mut prog)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn resolve_map_ids(program: &mut Program) -> Result<Vec<Map>> {
    let names: Vec<String> = program.references().map(|(_, l)| l.to_string()).collect();
    let mut maps = Vec::new();
    let mut editor = program.editor();
    for name in names {
        let Some((id, offset)) = map_id_symbol(&name) else {
            continue;
        };
        let map = Map::from_id(id)?;
        match offset {
            None => editor.rewrite_map(&name, &map)?,
            Some(off) => editor.rewrite_map_value(&name, &map, off)?,
        };
        maps.push(map);
    }
    Ok(maps)
}

#[cfg(test)]
mod tests {
    use super::map_id_symbol;

    #[test]
    fn bpftools_names_read_back() {
        assert_eq!(map_id_symbol("map_id_7"), Some((7, None)));
        assert_eq!(map_id_symbol("map_id_7_value_16"), Some((7, Some(16))));
        assert_eq!(map_id_symbol("map_id_x"), None);
        assert_eq!(map_id_symbol("counters"), None);
    }
}
