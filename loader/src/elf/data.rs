//! Global data: each `.data`, `.rodata`, `.bss` section (and their `.NAME` variants, such
//! as the string literals of `.rodata.str1.1`) becomes a one-entry array map named after
//! the section, as cilium/ebpf names them, whose value is the section's bytes (zeros for
//! `.bss`). Programs reach a variable through `BPF_PSEUDO_MAP_VALUE`: the reader writes
//! the reference as the symbol `SECTION_value_OFFSET` (see [`value_symbol`]), which the
//! collection loader resolves to the map's value plus the offset. `.rodata*` maps are
//! read-only for programs (`BPF_F_RDONLY_PROG`) and frozen once their contents are
//! written. The `version` section is read here too.

use ebpf_asm_core::MapType;
use object::{Object, ObjectSection, ObjectSymbol, SectionIndex, SectionKind, SymbolKind};

use super::var_types::var_type;
use super::{elf_err, Elf};
use crate::error::{Error, Result};
use crate::flags::BPF_F_RDONLY_PROG;
use crate::maps::MapSpec;
use ebpf_btf::Btf;

/// The largest array value the kernel creates: `value_size` above `INT_MAX` is E2BIG.
pub const MAX_VALUE_SIZE: u64 = i32::MAX as u64;

/// A global variable: a symbol of a data section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variable {
    /// Its name (the ELF symbol's; `static` variables too).
    pub name: String,
    /// Its offset in the section's map value.
    pub offset: u32,
    /// Its size in bytes.
    pub size: u32,
    /// Its C type, from the object's BTF (`const volatile __u32`), when it has one.
    pub type_name: Option<String>,
}

/// A data section read from an object: its map's name, initial value and variables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataSection {
    /// The map's name in the collection: the section's name (`.rodata`, `.bss`, ...).
    pub map: String,
    /// The map's value size: the section's size.
    pub size: u32,
    /// The initial value: the section's bytes (shorter than `size` for `.bss`; the rest
    /// is zeros).
    pub contents: Vec<u8>,
    /// Whether programs only read it (`.rodata*`): created with `BPF_F_RDONLY_PROG` and
    /// frozen after its contents are written.
    pub read_only: bool,
    /// Its variables, by offset.
    pub variables: Vec<Variable>,
}

impl DataSection {
    /// The map to create: an array of one `size`-byte value.
    pub fn map_spec(&self) -> MapSpec {
        let flags = if self.read_only { BPF_F_RDONLY_PROG } else { 0 };
        MapSpec::new(MapType::Array, 4, self.size, 1).flags(flags)
    }

    /// The whole value: the contents padded with zeros to `size`.
    pub fn value(&self) -> Vec<u8> {
        let mut v = self.contents.clone();
        v.resize(self.size as usize, 0);
        v
    }

    /// Writes `bytes` into the variable `name`, which must be exactly as long.
    pub(crate) fn set(&mut self, var: &Variable, bytes: &[u8]) -> Result<()> {
        if bytes.len() != var.size as usize {
            let ty = var
                .type_name
                .as_ref()
                .map_or(String::new(), |t| format!("`{t}` "));
            return Err(Error::InvalidArgument(format!(
                "variable `{}` ({ty}in `{}`) is {} bytes; the value given is {} bytes",
                var.name,
                self.map,
                var.size,
                bytes.len()
            )));
        }
        let start = var.offset as usize;
        let end = start + bytes.len();
        if self.contents.len() < end {
            self.contents.resize(end, 0);
        }
        self.contents[start..end].copy_from_slice(bytes);
        Ok(())
    }
}

/// Whether programs may reference section `name` as global data.
pub(crate) fn is_data_section(name: &str) -> bool {
    [".data", ".rodata", ".bss"]
        .iter()
        .any(|p| name == *p || name.strip_prefix(p).is_some_and(|r| r.starts_with('.')))
}

/// The symbol an ld_imm64 of a map's value at an offset is written as, and its reading
/// back: the object text format's, so that a printed object loads again.
pub use ebpf_asm_core::{parse_value_symbol, value_symbol};

/// The data sections of `file` that hold something, in file order (`btf`, the object's
/// `.BTF` when it parses, gives their variables' C types).
pub(crate) fn read(file: &Elf<'_>, btf: Option<&Btf>) -> Result<Vec<DataSection>> {
    let mut out = Vec::new();
    for sec in file.sections() {
        let name = sec.name().unwrap_or("");
        if !is_data_section(name) || sec.size() == 0 {
            continue;
        }
        no_pointers(file, &sec, name)?;
        let mut variables = variables(file, sec.index(), name)?;
        if let Some(btf) = btf {
            for v in &mut variables {
                v.type_name = var_type(btf, name, &v.name);
            }
        }
        if sec.size() > MAX_VALUE_SIZE {
            let biggest = variables.iter().max_by_key(|v| v.size);
            let what = biggest.map_or(String::new(), |v| {
                format!(" (its largest variable, `{}`, is {} bytes)", v.name, v.size)
            });
            return Err(elf_err(format!(
                "section `{name}` is {} bytes{what}: the kernel's array maps hold values \
                 of at most {MAX_VALUE_SIZE} bytes; make the variable smaller or use a map",
                sec.size()
            )));
        }
        let contents = match sec.kind() {
            SectionKind::UninitializedData => Vec::new(),
            _ => sec
                .data()
                .map_err(|e| elf_err(format!("section `{name}`: {e}")))?
                .to_vec(),
        };
        out.push(DataSection {
            map: name.to_owned(),
            size: sec.size() as u32,
            contents,
            read_only: name.starts_with(".rodata"),
            variables,
        });
    }
    Ok(out)
}

/// A relocation of a data section is a pointer initialised in C (`const char *s =
/// "hi";`): it needs an address the kernel never gives to a map's value, so it is an
/// error (libbpf ignores it and leaves the pointer holding the addend).
fn no_pointers(
    file: &Elf<'_>,
    sec: &object::read::elf::ElfSection64<'_, '_, object::LittleEndian>,
    name: &str,
) -> Result<()> {
    let Some((offset, rel)) = sec.relocations().next() else {
        return Ok(());
    };
    let target = match rel.target() {
        object::RelocationTarget::Symbol(i) => file.symbol_by_index(i).ok().and_then(|s| {
            match s.name() {
                Ok(n) if !n.is_empty() => Some(n.to_owned()),
                // A section symbol: name the section.
                _ => s
                    .section_index()
                    .and_then(|i| file.section_by_index(i).ok())
                    .and_then(|t| t.name().ok().map(str::to_owned)),
            }
        }),
        _ => None,
    };
    let holder = file
        .symbols()
        .find(|s| {
            s.section_index() == Some(sec.index())
                && s.kind() == SymbolKind::Data
                && (s.address()..s.address().saturating_add(s.size())).contains(&offset)
        })
        .and_then(|s| s.name().ok().map(str::to_owned));
    Err(elf_err(format!(
        "section `{name}`{} holds the address of `{}` (a pointer initialised in C): global \
         data cannot hold addresses, as the kernel does not relocate map values; store an \
         index or an offset instead",
        holder.map_or(String::new(), |h| format!(", variable `{h}`,")),
        target.as_deref().unwrap_or("?")
    )))
}

/// The named object symbols of section `index`, by offset; each must lie inside it.
fn variables(file: &Elf<'_>, index: SectionIndex, section: &str) -> Result<Vec<Variable>> {
    let size = file.section_by_index(index).map(|s| s.size()).unwrap_or(0);
    let mut out = Vec::new();
    for sym in file.symbols() {
        if sym.section_index() != Some(index) || sym.kind() != SymbolKind::Data {
            continue;
        }
        let name = sym.name().unwrap_or("");
        if name.is_empty() {
            continue;
        }
        let end = sym.address().checked_add(sym.size());
        if end.is_none_or(|e| e > size) {
            return Err(elf_err(format!(
                "variable `{name}` of section `{section}` ({} bytes at {:#x}) runs past \
                 the section's end ({size} bytes)",
                sym.size(),
                sym.address()
            )));
        }
        out.push(Variable {
            name: name.to_owned(),
            offset: sym.address() as u32,
            size: sym.size() as u32,
            type_name: None,
        });
    }
    out.sort_by_key(|v| v.offset);
    Ok(out)
}

/// The `version` section: the u32 `kern_version` the program load passes (old kernels
/// checked it for kprobes; newer ones ignore it).
pub(crate) fn kern_version(file: &Elf<'_>) -> Result<Option<u32>> {
    let Some(sec) = file.section_by_name("version") else {
        return Ok(None);
    };
    let bytes = sec
        .data()
        .map_err(|e| elf_err(format!("section `version`: {e}")))?;
    let word: [u8; 4] = bytes.try_into().map_err(|_| {
        elf_err(format!(
            "section `version` is {} bytes, not 4 (a u32 kernel version)",
            bytes.len()
        ))
    })?;
    Ok(Some(u32::from_le_bytes(word)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_section_names() {
        for n in [
            ".data",
            ".rodata",
            ".bss",
            ".rodata.str1.1",
            ".data.counters",
        ] {
            assert!(is_data_section(n), "{n}");
        }
        for n in [".datax", ".text", "license", ".maps", ".rodatafoo"] {
            assert!(!is_data_section(n), "{n}");
        }
    }

    #[test]
    fn value_symbols_read_back() {
        assert_eq!(value_symbol(".rodata", 8), ".rodata_value_8");
        assert_eq!(parse_value_symbol(".rodata_value_8"), Some((".rodata", 8)));
        assert_eq!(
            parse_value_symbol(".rodata.str1.1_value_0"),
            Some((".rodata.str1.1", 0))
        );
        assert_eq!(parse_value_symbol("counts"), None);
        assert_eq!(parse_value_symbol("x_value_y"), None);
    }

    #[test]
    fn set_checks_the_size_and_pads_bss() {
        let var = Variable {
            name: "n".into(),
            offset: 4,
            size: 4,
            type_name: Some("int".into()),
        };
        let mut d = DataSection {
            map: ".bss".into(),
            size: 8,
            contents: Vec::new(),
            read_only: false,
            variables: vec![var.clone()],
        };
        let e = d.set(&var, &7u64.to_ne_bytes()).unwrap_err().to_string();
        assert!(
            e.contains("`n` (`int` in `.bss`) is 4 bytes") && e.contains("8 bytes"),
            "{e}"
        );
        d.set(&var, &7u32.to_ne_bytes()).unwrap();
        let mut want = vec![0u8; 4];
        want.extend(7u32.to_ne_bytes());
        assert_eq!(d.value(), want);
        assert_eq!(d.map_spec().flags, 0);
    }
}
