//! Collections: named maps and named programs loaded together. Loading creates the maps
//! (inner maps first), writes the global data read from an object into its maps (freezing
//! `.rodata`), points every map reference of every program at its map with the
//! [`Editor`](ebpf_asm_core::Editor) (`rN = NAME ll`: the map's fd; `rN = NAME_value_OFF
//! ll`: the address of its value plus OFF, `BPF_PSEUDO_MAP_VALUE`, as bpftool's
//! `map_id_N_value_OFF`), and loads the programs.
//!
//! ```no_run
//! use ebpf_loader::{CollectionSpec, MapSpec, MapType, ProgramType, TestRun};
//!
//! # fn main() -> Result<(), ebpf_loader::Error> {
//! let prog = ebpf_asm::assemble_named("count.s", "\
//!     r1 = counts ll
//!     r0 = 2
//!     exit")?;
//! let mut spec = CollectionSpec::new();
//! spec.add_map("counts", MapSpec::new(MapType::Array, 4, 8, 1));
//! spec.add_program("count", ProgramType::Xdp, prog);
//! let coll = spec.load()?;
//! let out = coll.program("count").unwrap().test_run(&TestRun { data_in: &[0; 64], ..Default::default() })?;
//! assert_eq!(out.retval, 2);
//! # Ok(())
//! # }
//! ```

mod elf;
mod load;
mod text;

pub use load::Collection;
pub use text::ObjectText;

use std::path::{Path, PathBuf};

use ebpf_asm_core::{BtfTargetKind, ObjectSpec, Program, SectionDef, SlotTarget, SourceLoc};

use crate::btf::BtfKind;
use crate::elf::data::{DataSection, Variable};
use crate::error::{Error, Result};
use crate::maps::{MapSlot, MapSpec, Pinning};
use crate::programs::ProgramBtf;
use crate::programs::{AttachType, ProgramType};

/// A map of a [`CollectionSpec`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CollectionMap {
    /// The name programs use (`rN = NAME ll`); the kernel object is named after it.
    pub name: String,
    /// What to create (its `name` field is ignored: the kernel name comes from `name`).
    pub spec: MapSpec,
    /// For array/hash of maps: the map of this collection whose shape values have.
    pub inner: Option<String>,
    /// For array/hash of maps without `inner`: the shape of the values (an object's
    /// `__array(values, struct { ... })`); a map of that shape is created for the
    /// kernel's `inner_map_fd` and closed again.
    pub inner_spec: Option<MapSpec>,
    /// Whether loading pins the map (and reuses an existing pin).
    pub pinning: Pinning,
    /// Initial values naming programs (prog arrays) or maps (maps of maps) of the
    /// collection, by index.
    pub slots: Vec<(u32, MapSlot)>,
}

impl CollectionMap {
    /// A map with no inner map, pinning or initial values.
    pub fn new(name: impl Into<String>, spec: MapSpec) -> Self {
        CollectionMap {
            name: name.into(),
            spec,
            inner: None,
            inner_spec: None,
            pinning: Pinning::None,
            slots: Vec::new(),
        }
    }
}

/// A program of a [`CollectionSpec`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CollectionProgram {
    /// The program's name in the collection (the kernel name is derived from it).
    pub name: String,
    /// The program type.
    pub prog_type: ProgramType,
    /// Expected attach type, when the type needs one.
    pub expected_attach_type: Option<AttachType>,
    /// `BPF_F_*` program flags.
    pub flags: u32,
    /// BTF id of the attach target; 0 = look up `attach_btf` at load time, if set.
    pub attach_btf_id: u32,
    /// Kind and name of a type in the kernel's BTF to attach to (tp_btf:
    /// `btf_trace_<name>`, iter: `bpf_iter_<name>`, fentry: the function).
    pub attach_btf: Option<(BtfKind, String)>,
    /// The instructions, map references still symbolic.
    pub program: Program,
    /// The section it came from, for programs read from an object file.
    pub section: Option<String>,
    /// Where it was written (the `.section` directive), when known.
    pub location: Option<SourceLoc>,
    /// BTF given with the program instead of the one built from its source locations:
    /// a clang object's `.BTF` with the program's `.BTF.ext` func_info and line_info.
    pub btf: Option<ProgramBtf>,
}

impl CollectionProgram {
    /// Sets the expected attach type.
    pub fn expected_attach_type(&mut self, t: AttachType) -> &mut Self {
        self.expected_attach_type = Some(t);
        self
    }

    /// Sets the program flags.
    pub fn flags(&mut self, flags: u32) -> &mut Self {
        self.flags = flags;
        self
    }

    /// Sets the attach BTF id.
    pub fn attach_btf_id(&mut self, id: u32) -> &mut Self {
        self.attach_btf_id = id;
        self
    }
}

/// Options of [`CollectionSpec::load_with`] and [`CollectionSpec::load_each`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// Verifier log level requested for every program (0: a log only when a load fails;
    /// 4: statistics; 1 or 2: the verifier's trace). A failed load at level 4 is retried
    /// at level 5 so the error names the instruction it stopped at.
    pub log_level: u32,
    /// Log buffer size (0: the loader's default, grown as needed).
    pub log_size: u32,
    /// Where maps with [`Pinning::ByName`] are pinned (`DIR/NAME`, on a bpffs); `None`:
    /// libbpf's default, [`DEFAULT_PIN_DIR`](crate::DEFAULT_PIN_DIR).
    pub pin_dir: Option<PathBuf>,
}

/// Named maps and programs to load together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CollectionSpec {
    license: String,
    maps: Vec<CollectionMap>,
    programs: Vec<CollectionProgram>,
    data: Vec<DataSection>,
    kern_version: u32,
}

impl Default for CollectionSpec {
    fn default() -> Self {
        CollectionSpec::new()
    }
}

/// The kernel's object name for `name`: characters the kernel refuses become `_`, cut to
/// 15 bytes (as libbpf does).
pub fn kernel_name(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '_' | '.' => c,
            _ => '_',
        })
        .take(15)
        .collect()
}

impl CollectionSpec {
    /// An empty collection with license "GPL".
    pub fn new() -> Self {
        CollectionSpec {
            license: "GPL".into(),
            maps: Vec::new(),
            programs: Vec::new(),
            data: Vec::new(),
            kern_version: 0,
        }
    }

    /// Reads an object file's text (see `docs/asm-format.md`); `file` names it in errors.
    pub fn from_asm(file: &str, text: &str) -> Result<Self> {
        Self::from_object(&ebpf_asm_core::parse_object(file, text)?)
    }

    /// Reads an object file.
    pub fn from_asm_file(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
            what: format!("reading {}", path.display()),
            source: e,
        })?;
        Self::from_asm(&path.to_string_lossy(), &text)
    }

    /// Adds a program read from section `section` of an object file: the section name
    /// gives its type, attach type, flags and BTF target.
    fn push_program(&mut self, name: &str, section: &str, program: Program) -> Result<()> {
        let (d, target) = ebpf_asm_core::section_def(section)
            .map_err(|why| Error::Elf(format!("section `{section}` (program `{name}`): {why}")))?;
        self.programs.push(CollectionProgram {
            name: name.to_owned(),
            prog_type: d.prog_type,
            expected_attach_type: d.attach_type,
            flags: d.prog_flags,
            attach_btf_id: 0,
            attach_btf: target.and_then(|t| btf_target(d, t)),
            program,
            section: Some(section.to_owned()),
            location: None,
            btf: None,
        });
        Ok(())
    }

    /// A collection from a parsed object: section names give program types, expected
    /// attach types, flags and BTF attach targets; `pin=name` pins a map by name
    /// ([`LoadOptions::pin_dir`]), `.slot` lines become its initial values and a `.value`
    /// becomes a [data section](Self::data_sections), loaded as an object's global data.
    pub fn from_object(obj: &ObjectSpec) -> Result<Self> {
        let mut spec = CollectionSpec::new();
        spec.set_license(obj.license.clone());
        spec.kern_version = obj.kern_version.unwrap_or(0);
        for m in &obj.maps {
            let s = MapSpec::new(m.map_type, m.key_size, m.value_size, m.max_entries)
                .flags(m.flags)
                .map_extra(m.map_extra);
            let slots = m.slots.iter().map(|s| {
                let slot = match &s.target {
                    SlotTarget::Program(n) => MapSlot::Program(n.clone()),
                    SlotTarget::Map(n) => MapSlot::Map(n.clone()),
                };
                (s.index, slot)
            });
            spec.maps.push(CollectionMap {
                inner: m.inner.clone(),
                pinning: match m.pin_by_name {
                    true => Pinning::ByName,
                    false => Pinning::None,
                },
                slots: slots.collect(),
                ..CollectionMap::new(m.name.clone(), s)
            });
            // Loaded as an object's global data: written, then frozen if asked.
            if let Some(v) = &m.value {
                spec.data.push(DataSection {
                    map: m.name.clone(),
                    size: m.value_size,
                    contents: v.bytes.clone(),
                    read_only: v.frozen,
                    variables: v
                        .variables
                        .iter()
                        .map(|v| Variable {
                            name: v.name.clone(),
                            offset: v.offset,
                            size: v.size,
                            type_name: v.type_name.clone(),
                        })
                        .collect(),
                });
            }
        }
        for p in &obj.programs {
            let d = p.kind;
            spec.programs.push(CollectionProgram {
                name: p.name.clone(),
                prog_type: d.prog_type,
                expected_attach_type: d.attach_type,
                flags: d.prog_flags,
                attach_btf_id: 0,
                attach_btf: p.target.as_deref().and_then(|t| btf_target(d, t)),
                program: p.program.clone(),
                section: Some(p.section.clone()),
                location: Some(p.location.clone()),
                btf: None,
            });
        }
        Ok(spec)
    }

    /// The license every program is loaded with.
    pub fn license(&self) -> &str {
        &self.license
    }

    /// Sets the license.
    pub fn set_license(&mut self, license: impl Into<String>) -> &mut Self {
        self.license = license.into();
        self
    }

    /// Adds (or replaces) a map.
    pub fn add_map(&mut self, name: impl Into<String>, spec: MapSpec) -> &mut Self {
        self.put_map(CollectionMap::new(name, spec))
    }

    /// Adds (or replaces) an array or hash of maps whose values have the shape of the
    /// collection's map `inner`.
    pub fn add_map_of_maps(
        &mut self,
        name: impl Into<String>,
        spec: MapSpec,
        inner: impl Into<String>,
    ) -> &mut Self {
        self.put_map(CollectionMap {
            inner: Some(inner.into()),
            ..CollectionMap::new(name, spec)
        })
    }

    /// Adds (or replaces) a map described in full (pinning, initial values, ...).
    pub fn put_map(&mut self, m: CollectionMap) -> &mut Self {
        self.maps.retain(|x| x.name != m.name);
        self.maps.push(m);
        self
    }

    /// Adds (or replaces) a program; returns it for setting the attach type or flags.
    pub fn add_program(
        &mut self,
        name: impl Into<String>,
        prog_type: ProgramType,
        program: Program,
    ) -> &mut CollectionProgram {
        let name = name.into();
        self.programs.retain(|p| p.name != name);
        self.programs.push(CollectionProgram {
            name,
            prog_type,
            expected_attach_type: None,
            flags: 0,
            attach_btf_id: 0,
            attach_btf: None,
            program,
            section: None,
            location: None,
            btf: None,
        });
        let last = self.programs.len() - 1;
        &mut self.programs[last]
    }

    /// The maps, in the order they were added.
    pub fn maps(&self) -> &[CollectionMap] {
        &self.maps
    }

    /// The programs, in the order they were added.
    pub fn programs(&self) -> &[CollectionProgram] {
        &self.programs
    }

    /// The program called `name`, to change before loading.
    pub fn program_mut(&mut self, name: &str) -> Option<&mut CollectionProgram> {
        self.programs.iter_mut().find(|p| p.name == name)
    }

    /// The map called `name`, to change before loading.
    pub fn map_mut(&mut self, name: &str) -> Option<&mut CollectionMap> {
        self.maps.iter_mut().find(|m| m.name == name)
    }

    /// Keeps only the programs for which `keep` returns true (e.g. to load one of them).
    pub fn retain_programs(&mut self, keep: impl FnMut(&CollectionProgram) -> bool) {
        self.programs.retain(keep);
    }
}

/// The BTF type a section's target names, for the sections that attach by BTF id (the
/// section table says which, and how the name is formed).
fn btf_target(section: &SectionDef, target: &str) -> Option<(BtfKind, String)> {
    let t = section.btf_target?;
    let kind = match t.kind {
        BtfTargetKind::Func => BtfKind::Func,
        BtfTargetKind::Typedef => BtfKind::Typedef,
    };
    Some((kind, t.type_name(target)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::maps::MapType;
    use ebpf_asm_core::{section_def, SectionTarget, SECTIONS};

    #[test]
    fn sections_needing_a_target_attach_by_btf_id() {
        for d in SECTIONS {
            if d.target == SectionTarget::Required && d.name != "freplace" {
                assert!(btf_target(d, "x").is_some(), "{}", d.name);
            }
        }
    }

    #[test]
    fn kernel_names_are_sanitized_and_cut() {
        assert_eq!(kernel_name("count"), "count");
        assert_eq!(kernel_name("cgroup_skb/ingress"), "cgroup_skb_ingr");
        assert_eq!(kernel_name("a-b.c"), "a_b.c");
    }

    #[test]
    fn btf_targets() {
        let target = |section: &str| {
            let (d, t) = section_def(section).ok()?;
            btf_target(d, t?)
        };
        assert_eq!(
            target("tp_btf/sched_switch"),
            Some((BtfKind::Typedef, "btf_trace_sched_switch".into()))
        );
        assert_eq!(
            target("iter/task"),
            Some((BtfKind::Func, "bpf_iter_task".into()))
        );
        assert_eq!(target("fentry.s/f"), Some((BtfKind::Func, "f".into())));
        assert_eq!(target("raw_tp/sys_enter"), None);
    }

    #[test]
    fn spec_from_object() {
        let obj = ebpf_asm_core::parse_object(
            "o.s",
            ".license \"MIT\"\n.map m hash key=4 value=8 entries=16 flags=1\n\
             .section cgroup_skb/egress\n\tr0 = 1\n\texit\n\
             .section syscall\nsys:\n\tr0 = 0\n\texit\n",
        )
        .expect("valid object");
        let spec = CollectionSpec::from_object(&obj).expect("spec");
        assert_eq!(spec.license(), "MIT");
        assert_eq!(spec.maps()[0].spec.flags, 1);
        assert_eq!(spec.maps()[0].spec.map_type, MapType::Hash);
        let p = &spec.programs()[0];
        assert_eq!(p.prog_type, ProgramType::CgroupSkb);
        assert_eq!(p.expected_attach_type, Some(AttachType::CgroupInetEgress));
        assert_eq!(spec.programs()[1].flags, crate::flags::BPF_F_SLEEPABLE);
        assert_eq!(spec.programs()[1].name, "sys");
    }

    #[test]
    fn pins_slots_and_values_from_object_text() {
        let obj = ebpf_asm_core::parse_object(
            "o.s",
            ".map jt prog_array key=4 value=4 entries=2 pin=name\n.slot jt 1 program t\n\
             .map \".rodata.x\" array key=4 value=8 entries=1 flags=0x80\n\
             .value \".rodata.x\" \"0700\" frozen\n.var max \".rodata.x\" offset=4 size=4\n\
             .section xdp\nt:\n\tr1 = \".rodata.x_value_4\" ll\n\tr0 = 0\n\texit\n",
        )
        .expect("valid object");
        let spec = CollectionSpec::from_object(&obj).expect("spec");
        let jt = &spec.maps()[0];
        assert_eq!(jt.pinning, Pinning::ByName);
        assert_eq!(jt.slots, [(1, MapSlot::Program("t".into()))]);
        assert_eq!(spec.maps()[1].pinning, Pinning::None);
        let d = &spec.data_sections()[0];
        assert_eq!(
            (d.map.as_str(), d.size, d.read_only),
            (".rodata.x", 8, true)
        );
        assert_eq!(d.value(), [7, 0, 0, 0, 0, 0, 0, 0]);
        let mut spec = spec;
        spec.set_constant("max", 9u32).expect("a variable");
        assert_eq!(spec.data_sections()[0].value()[4..], 9u32.to_ne_bytes());
    }
}
