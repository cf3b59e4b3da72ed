//! The object's BTF put to use: `.BTF` (fixed up and sanitized, see
//! [`super::btf_sanitize`]) becomes each program's BTF blob and each BTF-defined map's
//! key/value types; `.BTF.ext` gives each program its `func_info` and `line_info`
//! (a `.text` subprogram's records moved to where it lands in the program), each
//! instruction its C source location, and its CO-RE relocations.

use ebpf_asm_core::{Label, Program, SourceMap};
use ebpf_btf::{Btf, Kind, Linkage, TypeKind};
use object::{Object, ObjectSection, ObjectSymbol};

use super::btf_ext::{self, BtfExt, SectionExt};
use super::btf_sanitize::{sanitize, BtfFeatures, ElfLayout};
use super::data::DataSection;
use super::kconfig::KCONFIG;
use super::sections::Function;
use super::{core, elf_err, Elf};
use crate::error::Result;
use crate::maps::{MapBtf, MapSpec, MapType};
use crate::programs::{BtfFunc, ProgramBtf};

/// The object's `.BTF` and `.BTF.ext`.
pub(crate) struct ObjectBtf {
    /// `.BTF` as in the file: names and types for maps and CO-RE.
    pub btf: Btf,
    /// What the kernel gets: fixed up and sanitized (same ids, same string offsets).
    pub blob: Vec<u8>,
    /// `.BTF.ext` (empty when the object has none).
    pub ext: BtfExt,
    /// What the kernel accepts (without FUNC, no func_info or line_info).
    pub features: BtfFeatures,
}

/// Where the object's sections and variables are: in the ELF file, and for `.kconfig`
/// externs (which have no section) in the map the reader laid out for them.
struct Layout<'a, 'f> {
    file: &'a Elf<'f>,
    kconfig: Option<&'a DataSection>,
}

impl ElfLayout for Layout<'_, '_> {
    fn section_size(&self, name: &str) -> Option<u32> {
        match (name, self.kconfig) {
            (KCONFIG, Some(k)) => Some(k.size),
            _ => u32::try_from(self.file.section_by_name(name)?.size()).ok(),
        }
    }

    fn symbol_offset(&self, section: &str, var: &str) -> Option<u32> {
        if let (KCONFIG, Some(k)) = (section, self.kconfig) {
            return k.variables.iter().find(|v| v.name == var).map(|v| v.offset);
        }
        let index = self.file.section_by_name(section)?.index();
        let sym = self
            .file
            .symbols()
            .find(|s| s.section_index() == Some(index) && s.name() == Ok(var))?;
        u32::try_from(sym.address()).ok()
    }
}

/// Reads `.BTF` and `.BTF.ext`; `None` when the object has no `.BTF`. `features` is
/// asked only when there is BTF to sanitize.
pub(crate) fn read(
    file: &Elf<'_>,
    kconfig: Option<&DataSection>,
    features: impl FnOnce() -> BtfFeatures,
) -> Result<Option<ObjectBtf>> {
    let Some(sec) = file.section_by_name(".BTF") else {
        return Ok(None);
    };
    let data = sec
        .data()
        .map_err(|e| elf_err(format!("section `.BTF`: {e}")))?;
    let btf = Btf::parse(data).map_err(|e| elf_err(format!("section `.BTF`: {e}")))?;
    let features = features();
    let layout = Layout { file, kconfig };
    let blob =
        sanitize(&btf, &layout, &features).map_err(|e| elf_err(format!("section `.BTF`: {e}")))?;
    let ext = match file.section_by_name(".BTF.ext") {
        None => BtfExt::default(),
        Some(s) => {
            let data = s
                .data()
                .map_err(|e| elf_err(format!("section `.BTF.ext`: {e}")))?;
            btf_ext::parse(data, |off| btf.string_at(off).ok().map(str::to_owned))?
        }
    };
    Ok(Some(ObjectBtf {
        btf,
        blob,
        ext,
        features,
    }))
}

/// Where function `name` of section `section` is: (address, size) in bytes.
fn range(file: &Elf<'_>, section: &str, name: &str) -> Option<(u64, u64)> {
    let index = file.section_by_name(section)?.index();
    file.symbols()
        .find(|s| s.section_index() == Some(index) && s.name() == Ok(name) && s.size() > 0)
        .map(|s| (s.address(), s.size()))
}

/// The records of `recs` (by byte offset) inside `[addr, addr + size)`, with their slot
/// relative to `addr`.
fn inside<'r, T: Copy>(
    recs: &'r [T],
    off: impl Fn(&T) -> u32 + 'r,
    (addr, size): (u64, u64),
) -> impl Iterator<Item = (usize, T)> + 'r {
    recs.iter().filter_map(move |r| {
        let rel = u64::from(off(r)).checked_sub(addr).filter(|o| *o < size)?;
        Some(((rel / 8) as usize, *r))
    })
}

impl ObjectBtf {
    /// Gives `f`'s instructions their C locations (from line_info; an instruction
    /// without a record keeps the one before it) and its CO-RE relocations.
    pub(crate) fn annotate(&self, file: &Elf<'_>, f: &mut Function) -> Result<()> {
        let Some(ext) = self.ext.section(&f.section) else {
            return Ok(());
        };
        let Some(at) = range(file, &f.section, &f.name) else {
            return Ok(());
        };
        let p = &f.program;
        let mut map = SourceMap::with_capacity(p.len());
        let mut lines = inside(&ext.lines, |r| r.insn_off, at).peekable();
        let mut current = None;
        for i in 0..p.len() {
            let slot = p.slot_of(i).unwrap_or(usize::MAX);
            while let Some((_, r)) = lines.next_if(|(s, _)| *s <= slot) {
                let file_name = self.btf.string_at(r.file_name_off).unwrap_or("");
                let id = map.file_id(&file_name.into());
                current = Some((id, r.line_col >> 10, r.line_col & 0x3ff));
            }
            match current {
                Some((id, line, col)) => map.push_at(id, line, col),
                None => map.push(None),
            }
        }
        let mut relos = Vec::new();
        let mut now = Vec::new();
        for c in self.core_relos(ext, f, at)? {
            match c {
                core::Core::Relo(relo) => relos.push(relo),
                core::Core::Now { insn, field, value } => now.push((insn, field, value)),
            }
        }
        let labels: Vec<(Label, usize)> = p.labels().iter().map(|(i, l)| (l.clone(), *i)).collect();
        let mut program = Program::with_locations(p.insns().to_vec(), labels, map)
            .map_err(|e| elf_err(format!("function `{}`: {e:?}", f.name)))?
            .with_globals(p.globals().iter().cloned())
            .with_core_relos(p.core_relos().iter().cloned().chain(relos));
        let matches =
            |r: &ebpf_asm_core::CoreRelo| r.expr.kind == ebpf_asm_core::CoreKind::TypeMatches;
        if program.core_relos().iter().any(matches) {
            // `type_matches` compares the object's own types with the kernel's.
            program = program.with_local_btf(self.btf.as_bytes());
        }
        for (insn, field, value) in now {
            program.patch(insn, field, value);
        }
        f.program = program;
        Ok(())
    }

    fn core_relos(
        &self,
        ext: &SectionExt,
        f: &Function,
        at: (u64, u64),
    ) -> Result<Vec<core::Core>> {
        let mut out = Vec::new();
        for (slot, r) in inside(&ext.cores, |r| r.insn_off, at) {
            let where_ = |msg: String| {
                elf_err(format!(
                    "section `{}`, function `{}`, instruction at byte {:#x}: `.BTF.ext` \
                     core_relo: {msg}",
                    f.section, f.name, r.insn_off
                ))
            };
            let index = r
                .insn_off
                .is_multiple_of(8)
                .then(|| f.program.index_of_slot(slot))
                .flatten()
                .ok_or_else(|| where_("not at the start of an instruction".into()))?;
            out.push(core::relo(&self.btf, &r, index, &f.program.insns()[index]).map_err(where_)?);
        }
        Ok(out)
    }

    /// The BTF of program `prog` linked into `linked` with the `.text` functions of
    /// `text` it calls; `None` when `.BTF.ext` has no func_info for it.
    pub(crate) fn program_btf(
        &self,
        file: &Elf<'_>,
        prog: &Function,
        linked: &Program,
        text: &[Function],
    ) -> Result<Option<ProgramBtf>> {
        if !self.features.func {
            // func_info names FUNC types, which this kernel does not have (libbpf too
            // drops the records then).
            return Ok(None);
        }
        let mut pieces = vec![(prog, 0usize)];
        for f in text {
            if let Some(slot) = linked.label(&f.name).and_then(|i| linked.slot_of(i)) {
                pieces.push((f, slot));
            }
        }
        let mut funcs = Vec::new();
        let mut lines = Vec::new();
        for (f, landing) in pieces {
            let (Some(ext), Some(at)) = (
                self.ext.section(&f.section),
                range(file, &f.section, &f.name),
            ) else {
                continue;
            };
            for (slot, r) in inside(&ext.funcs, |r| r.insn_off, at) {
                funcs.push(((landing + slot) as u32, r.type_id));
            }
            for (slot, r) in inside(&ext.lines, |r| r.insn_off, at) {
                lines.push((
                    (landing + slot) as u32,
                    r.file_name_off,
                    r.line_off,
                    r.line_col,
                ));
            }
        }
        if funcs.is_empty() {
            return Ok(None);
        }
        funcs.sort_unstable();
        lines.sort_unstable();
        let mut func_info = Vec::with_capacity(funcs.len() * 8);
        let mut btf_funcs = Vec::with_capacity(funcs.len());
        for &(slot, id) in &funcs {
            let t = self.btf.type_by_id(id).map_err(|e| {
                elf_err(format!(
                    "`.BTF.ext` func_info of `{}`: type {id}: {e}",
                    prog.name
                ))
            })?;
            let TypeKind::Func(func) = t.kind else {
                return Err(elf_err(format!(
                    "`.BTF.ext` func_info of `{}`: type {id} is a {}, not a FUNC",
                    prog.name,
                    t.kind().name()
                )));
            };
            btf_funcs.push(BtfFunc {
                slot,
                name: t.name.to_owned(),
                global: func.linkage == Linkage::Global && slot != 0,
                params: Vec::new(),
            });
            func_info.extend(slot.to_ne_bytes().into_iter().chain(id.to_ne_bytes()));
        }
        let mut line_info = Vec::with_capacity(lines.len() * 16);
        for (slot, file_off, line_off, line_col) in lines {
            for w in [slot, file_off, line_off, line_col] {
                line_info.extend_from_slice(&w.to_ne_bytes());
            }
        }
        Ok(Some(ProgramBtf::from_records(
            self.blob.clone(),
            btf_funcs,
            func_info,
            line_info,
        )))
    }

    /// The key and value types of the BTF-defined map `name` (`__type(key, T)`,
    /// `__type(value, T)`), for map types the kernel checks BTF of.
    pub(crate) fn map_btf(&self, name: &str, spec: &MapSpec) -> Option<MapBtf> {
        use MapType::*;
        if !matches!(
            spec.map_type,
            Hash | Array | PercpuHash | PercpuArray | LruHash | LruPercpuHash
        ) {
            return None;
        }
        let var = self.btf.id_by_name_kind(name, Kind::Var).ok()??;
        let TypeKind::Var(v) = self.btf.type_by_id(var).ok()?.kind else {
            return None;
        };
        let def = self.btf.resolve(v.ty).ok()?;
        let TypeKind::Struct(s) = self.btf.type_by_id(def).ok()?.kind else {
            return None;
        };
        let pointee = |member: &str| {
            let m = s.members.iter().find(|m| m.name == member)?;
            match self.btf.type_by_id(self.btf.resolve(m.ty).ok()?).ok()?.kind {
                TypeKind::Ptr(to) => Some(to),
                _ => None,
            }
        };
        let (key, value) = (pointee("key")?, pointee("value")?);
        let size = |id| self.btf.size_of(id).ok().map(|s| s as usize);
        Some(MapBtf::from_object(
            self.blob.clone(),
            (key, size(key)?),
            (value, size(value)?),
        ))
    }
}
