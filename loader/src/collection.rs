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

use std::os::fd::AsFd;
use std::path::{Path, PathBuf};

use ebpf_asm_core::{
    BtfTargetKind, ObjectSpec, Program, RefKind, Reference, SectionDef, SourceLoc,
};

use crate::btf::{Btf, BtfKind};
use crate::elf::data::{parse_value_symbol, DataSection};
use crate::elf::BtfFeatures;
use crate::error::{Error, Result};
use crate::maps::{pin_path, reuse_pinned, set_slot, Map, MapSlot, MapSpec, Pinning};
use crate::programs::{AttachType, ProgramType};
use crate::programs::{LoadedProgram, ProgramBtf, ProgramSpec};

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

    /// Reads a clang BPF object (`clang -target bpf -O2 -g -c`); see `README.md`,
    /// "Loading clang objects", for what it reads so far. Global data becomes maps named
    /// after their sections ([`data_sections`](Self::data_sections), set variables with
    /// [`set_constant`](Self::set_constant)). Errors are [`Error::Elf`].
    ///
    /// The object's `.BTF` is sanitized for the running kernel
    /// ([`kernel_btf_features`](crate::kernel_btf_features)) and given to every program
    /// (with its `.BTF.ext` func_info and line_info) and BTF-defined map; its CO-RE
    /// relocations are resolved against the kernel's BTF when the programs load.
    pub fn from_elf(bytes: &[u8]) -> Result<Self> {
        Self::from_spec_of(crate::elf::read(bytes)?)
    }

    /// Like [`CollectionSpec::from_elf`], with the object's BTF sanitized for a kernel
    /// with `features` instead of the running one (libbpf's replacements for the kinds
    /// it lacks; without FUNC no func_info or line_info is passed).
    pub fn from_elf_with(bytes: &[u8], features: BtfFeatures) -> Result<Self> {
        Self::from_spec_of(crate::elf::read_with(bytes, || features)?)
    }

    fn from_spec_of(obj: crate::elf::ElfObject) -> Result<Self> {
        let mut spec = CollectionSpec::new();
        spec.set_license(obj.license);
        for m in obj.maps {
            spec.put_map(CollectionMap {
                inner_spec: m.inner,
                pinning: m.pinning,
                slots: m.slots,
                ..CollectionMap::new(m.name, m.spec)
            });
        }
        for d in obj.data {
            spec.add_map(d.map.clone(), d.map_spec());
            spec.data.push(d);
        }
        spec.kern_version = obj.kern_version.unwrap_or(0);
        for (name, section, program) in obj.programs {
            spec.push_program(&name, &section, program)?;
        }
        for (name, btf) in obj.program_btfs {
            if let Some(p) = spec.program_mut(&name) {
                p.btf = Some(btf);
            }
        }
        Ok(spec)
    }

    /// Reads a clang BPF object file; errors name the file.
    pub fn from_elf_file(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| Error::Io {
            what: format!("reading {}", path.display()),
            source: e,
        })?;
        Self::from_elf(&bytes).map_err(|e| match e {
            Error::Elf(m) => Error::Elf(format!("{}: {m}", path.display())),
            e => e,
        })
    }

    /// The collection as a relocatable BPF ELF object (`EM_BPF`, 64-bit little-endian)
    /// that libbpf (`bpftool prog loadall`), aya and [`CollectionSpec::from_elf`] load:
    /// a section per program (its section name, else libbpf's for its type), its
    /// subprograms in `.text`, `.maps` with BTF, `license`, `.BTF` and `.BTF.ext` with
    /// the source lines. See `docs/elf-write.md`. Errors ([`Error::Elf`]) name the
    /// program or map that cannot be written (resolved fds, kfunc calls, CO-RE).
    ///
    /// ```
    /// use ebpf_loader::{CollectionSpec, MapSpec, MapType, ProgramType};
    ///
    /// # fn main() -> Result<(), ebpf_loader::Error> {
    /// let prog = ebpf_asm::assemble_named("count.s", "r1 = counts ll\nr0 = 2\nexit")?;
    /// let mut spec = CollectionSpec::new();
    /// spec.add_map("counts", MapSpec::new(MapType::Array, 4, 8, 1));
    /// spec.add_program("count", ProgramType::Xdp, prog);
    /// let elf = spec.to_elf()?; // for `bpftool prog loadall`, aya, ...
    /// let back = CollectionSpec::from_elf(&elf)?;
    /// assert_eq!(back.programs()[0].section.as_deref(), Some("xdp"));
    /// assert_eq!(back.maps()[0].spec.max_entries, 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn to_elf(&self) -> Result<Vec<u8>> {
        use crate::elf::write::{Input, MapIn, ProgramIn};
        let maps = self.maps.iter().map(|m| MapIn {
            name: &m.name,
            spec: &m.spec,
            inner: m.inner.as_deref(),
            pin_by_name: m.pinning == Pinning::ByName,
            unsupported: if m.inner_spec.is_some() {
                Some("the value shapes of maps of maps (`__array(values, struct {...})`)")
            } else if !m.slots.is_empty() {
                Some("initial values (prog array and map-of-maps slots)")
            } else {
                None
            },
        });
        let programs = self.programs.iter().map(|p| ProgramIn {
            name: &p.name,
            prog_type: p.prog_type,
            expected_attach_type: p.expected_attach_type,
            flags: p.flags,
            section: p.section.as_deref(),
            program: &p.program,
        });
        crate::elf::write::write(&Input {
            license: &self.license,
            maps: maps.collect(),
            programs: programs.collect(),
        })
    }

    /// Writes [`CollectionSpec::to_elf`]'s bytes to `path`.
    pub fn write_elf_file(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        std::fs::write(path, self.to_elf()?).map_err(|e| Error::Io {
            what: format!("writing {}", path.display()),
            source: e,
        })
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
    /// attach types, flags and BTF attach targets.
    pub fn from_object(obj: &ObjectSpec) -> Result<Self> {
        let mut spec = CollectionSpec::new();
        spec.set_license(obj.license.clone());
        for m in &obj.maps {
            let s = MapSpec::new(m.map_type, m.key_size, m.value_size, m.max_entries)
                .flags(m.flags)
                .map_extra(m.map_extra);
            spec.maps.push(CollectionMap {
                inner: m.inner.clone(),
                ..CollectionMap::new(m.name.clone(), s)
            });
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

    /// The global data sections read from an object (`.data`, `.rodata`, `.bss`, ...):
    /// each is the map of the same name, written with its contents before programs load.
    pub fn data_sections(&self) -> &[DataSection] {
        &self.data
    }

    /// Sets the global variable `name` (of `.rodata`, `.data`, `.bss`, ...) before load,
    /// as cilium's `RewriteConstants` and libbpf's skeletons do: `value` must be exactly
    /// the variable's size (`set_variable("max", &7u32.to_ne_bytes())`). An unknown name
    /// is [`Error::NoSuchObject`] listing the variables there are.
    ///
    /// ```no_run
    /// // prog.c: `volatile const __u32 max_len = 64;` ... `if (len > max_len) ...`
    /// let mut spec = ebpf_loader::CollectionSpec::from_elf_file("prog.o")?;
    /// spec.set_constant("max_len", 1500u32)?;
    /// let coll = spec.load()?;
    /// # Ok::<(), ebpf_loader::Error>(())
    /// ```
    pub fn set_variable(&mut self, name: &str, value: &[u8]) -> Result<()> {
        for d in &mut self.data {
            if let Some(var) = d.variables.iter().find(|v| v.name == name).cloned() {
                return d.set(&var, value);
            }
        }
        Err(Error::NoSuchObject {
            kind: "variable",
            name: name.to_owned(),
            known: self
                .data
                .iter()
                .flat_map(|d| d.variables.iter().map(|v| v.name.clone()))
                .collect(),
        })
    }

    /// [`set_variable`](Self::set_variable) with a plain value (`u32`, `[u8; 16]`, a
    /// `#[repr(C)]` struct deriving `bytemuck::NoUninit`): its size must be the variable's.
    pub fn set_constant<T: bytemuck::NoUninit>(&mut self, name: &str, value: T) -> Result<()> {
        self.set_variable(name, bytemuck::bytes_of(&value))
    }

    /// The `kern_version` programs are loaded with (an object's `version` section; 0
    /// when it has none).
    pub fn kern_version(&self) -> u32 {
        self.kern_version
    }

    /// Sets the `kern_version` programs are loaded with.
    pub fn set_kern_version(&mut self, version: u32) -> &mut Self {
        self.kern_version = version;
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

    /// Creates the maps and loads every program; the first failure is the error (the
    /// objects created so far are closed).
    pub fn load(&self) -> Result<Collection> {
        self.load_with(&LoadOptions::default())
    }

    /// Like [`CollectionSpec::load`], with verifier log options.
    pub fn load_with(&self, opts: &LoadOptions) -> Result<Collection> {
        let (coll, mut failures) = self.load_each(opts)?;
        match failures.is_empty() {
            true => Ok(coll),
            false => Err(failures.swap_remove(0).1),
        }
    }

    /// Creates the maps (any failure is the error), then loads every program even when
    /// some fail: the collection holds those that loaded, the list the failures in order.
    pub fn load_each(&self, opts: &LoadOptions) -> Result<(Collection, Vec<(String, Error)>)> {
        let maps = self.create_maps(opts)?;
        self.write_data(&maps)?;
        let mut coll = Collection {
            maps,
            programs: Vec::new(),
        };
        self.fill_slots(&coll, |s| matches!(s, MapSlot::Map(_)))?;
        let mut failures = Vec::new();
        for p in &self.programs {
            match self.load_program(p, &coll, opts) {
                Ok(prog) => coll.programs.push((p.name.clone(), prog)),
                Err(e) => failures.push((p.name.clone(), e)),
            }
        }
        self.fill_slots(&coll, |s| matches!(s, MapSlot::Program(_)))?;
        Ok((coll, failures))
    }

    /// Stores the initial values `which` selects: maps of maps once the maps exist,
    /// prog arrays once the programs are loaded (a program that is not loaded, having
    /// failed or been left out with [`retain_programs`](Self::retain_programs), leaves its
    /// slot empty).
    fn fill_slots(&self, coll: &Collection, which: impl Fn(&MapSlot) -> bool) -> Result<()> {
        for m in &self.maps {
            let Some(map) = coll.map(&m.name) else {
                continue;
            };
            for (index, slot) in m.slots.iter().filter(|(_, s)| which(s)) {
                let fd = match slot {
                    MapSlot::Program(n) => coll.program(n).map(|p| p.as_fd()),
                    MapSlot::Map(n) => {
                        Some(coll.map(n).ok_or_else(|| self.no_such("map", n))?.as_fd())
                    }
                };
                if let Some(fd) = fd {
                    set_slot(map, &m.name, *index, slot, fd)?;
                }
            }
        }
        Ok(())
    }

    /// Creates every map, each inner map before the maps of maps that use it.
    fn create_maps(&self, opts: &LoadOptions) -> Result<Vec<(String, Map)>> {
        let mut created: Vec<(String, Map)> = Vec::new();
        for m in &self.maps {
            self.create_map(m, &mut created, 0, opts)?;
        }
        // Source order, not creation order.
        let mut out = Vec::with_capacity(created.len());
        for m in &self.maps {
            if let Some(i) = created.iter().position(|(n, _)| *n == m.name) {
                out.push(created.swap_remove(i));
            }
        }
        Ok(out)
    }

    fn create_map(
        &self,
        m: &CollectionMap,
        created: &mut Vec<(String, Map)>,
        depth: usize,
        opts: &LoadOptions,
    ) -> Result<()> {
        if created.iter().any(|(n, _)| *n == m.name) {
            return Ok(());
        }
        let context = |e: Error| Error::Context {
            what: format!("map `{}`", m.name),
            source: Box::new(e),
        };
        if depth > self.maps.len() {
            return Err(context(Error::InvalidArgument(
                "inner maps form a cycle".into(),
            )));
        }
        let spec = m.spec.clone().name(kernel_name(&m.name));
        let pin =
            (m.pinning == Pinning::ByName).then(|| pin_path(opts.pin_dir.as_deref(), &m.name));
        if let Some(path) = &pin {
            if let Some(map) = reuse_pinned(&m.name, &spec, path).map_err(context)? {
                created.push((m.name.clone(), map));
                return Ok(());
            }
        }
        let map = match (&m.inner, &m.inner_spec) {
            (None, None) => spec.create(),
            (None, Some(shape)) => {
                let name = kernel_name(&format!("{}.inner", m.name));
                let inner = shape.clone().name(name).create().map_err(context)?;
                spec.create_with_inner(inner.as_fd())
            }
            (Some(inner), _) => {
                let Some(im) = self.maps.iter().find(|x| x.name == *inner) else {
                    return Err(context(self.no_such("map", inner)));
                };
                self.create_map(im, created, depth + 1, opts)?;
                let fd = created
                    .iter()
                    .find(|(n, _)| n == inner)
                    .map(|(_, map)| map.as_fd())
                    .ok_or_else(|| context(self.no_such("map", inner)))?;
                spec.create_with_inner(fd)
            }
        }
        .map_err(context)?;
        if let Some(path) = &pin {
            map.pin(path).map_err(context)?;
        }
        created.push((m.name.clone(), map));
        Ok(())
    }

    /// Writes each data section's contents into its map (key 0) and freezes the
    /// read-only ones, so the verifier knows their values.
    fn write_data(&self, maps: &[(String, Map)]) -> Result<()> {
        for d in &self.data {
            let Some((_, map)) = maps.iter().find(|(n, _)| *n == d.map) else {
                continue;
            };
            let context = |e: Error| Error::Context {
                what: format!("map `{}`", d.map),
                source: Box::new(e),
            };
            map.update(&0u32.to_ne_bytes(), &d.value(), 0)
                .map_err(context)?;
            if d.read_only {
                map.freeze().map_err(context)?;
            }
        }
        Ok(())
    }

    fn no_such(&self, kind: &'static str, name: &str) -> Error {
        let known = match kind {
            "map" => self.maps.iter().map(|m| m.name.clone()).collect(),
            _ => self.programs.iter().map(|p| p.name.clone()).collect(),
        };
        Error::NoSuchObject {
            kind,
            name: name.to_owned(),
            known,
        }
    }

    /// The program with every map reference pointed at `coll`'s maps.
    fn resolve(&self, p: &CollectionProgram, coll: &Collection) -> Result<Program> {
        let mut program = p.program.clone();
        let mut ed = program.editor();
        let mut names: Vec<String> = ed
            .references()
            .into_iter()
            .filter(|r| r.kind == RefKind::Symbol)
            .map(|r| r.name.to_string())
            .collect();
        names.sort();
        names.dedup();
        for name in names {
            let edit = match (coll.map(&name), parse_value_symbol(&name)) {
                (Some(map), _) => ed.rewrite_map(&name, map),
                (None, Some((m, off))) => match (coll.map(m), i32::try_from(off)) {
                    (Some(map), Ok(off)) => ed.rewrite_map_value(&name, map, off),
                    _ => continue,
                },
                (None, None) => continue,
            };
            edit.map_err(|e| Error::InvalidArgument(e.to_string()))?;
        }
        // Kernel functions and CO-RE expressions are resolved by ProgramSpec::from_program.
        let left = program
            .unresolved()
            .into_iter()
            .find(|r| matches!(r.kind, RefKind::Symbol | RefKind::Call));
        match left {
            None => Ok(program),
            Some(Reference {
                name,
                kind: RefKind::Symbol,
                location,
                ..
            }) => Err(Error::UnresolvedReference {
                program: p.name.clone(),
                name: name.to_string(),
                location: location.map(|l| l.to_string()),
                maps: coll.maps.iter().map(|(n, _)| n.clone()).collect(),
            }),
            Some(Reference { name, location, .. }) => Err(Error::InvalidArgument(format!(
                "{}program `{}` calls `{name}`, which it does not define (a program's \
                 subprograms must be part of it: see Program::link)",
                location.map(|l| format!("{l}: ")).unwrap_or_default(),
                p.name
            ))),
        }
    }

    fn load_program(
        &self,
        p: &CollectionProgram,
        coll: &Collection,
        opts: &LoadOptions,
    ) -> Result<LoadedProgram> {
        let program = self.resolve(p, coll)?;
        let mut attach_btf_id = p.attach_btf_id;
        if let (0, Some((kind, name))) = (attach_btf_id, &p.attach_btf) {
            attach_btf_id = Btf::from_kernel()?
                .find_by_name(name, *kind)
                .ok_or_else(|| Error::Context {
                    what: format!("program `{}`", p.name),
                    source: Box::new(Error::InvalidArgument(format!(
                        "the kernel's BTF has no {} `{name}` to attach to",
                        if *kind == BtfKind::Func {
                            "function"
                        } else {
                            "type"
                        }
                    ))),
                })?;
        }
        let mut spec = ProgramSpec::from_program(kernel_name(&p.name), p.prog_type, &program)
            .map_err(|e| match e {
                // CO-RE and kfunc names are the program's: say which program.
                Error::KernelBtf { errors } => Error::KernelBtf {
                    errors: errors
                        .into_iter()
                        .map(|m| format!("program `{}`: {m}", p.name))
                        .collect(),
                },
                e => e,
            })?
            .license(self.license.clone())
            .flags(p.flags)
            .attach_btf_id(attach_btf_id)
            .kern_version(self.kern_version)
            .log(opts.log_level, opts.log_size);
        if let Some(btf) = &p.btf {
            spec = spec.btf(Some(btf.clone()));
        }
        if let Some(t) = p.expected_attach_type {
            spec = spec.expected_attach_type(t);
        }
        match spec.load() {
            // A statistics-only log does not show the instruction the verifier stopped
            // at: load once more with the trace.
            Err(Error::Verifier(_)) if opts.log_level != 0 && opts.log_level & 3 == 0 => {
                spec.log(opts.log_level | 1, opts.log_size).load()
            }
            r => r,
        }
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

/// Loaded maps and programs, reachable by name; closed when dropped (unless taken).
#[derive(Debug)]
pub struct Collection {
    maps: Vec<(String, Map)>,
    programs: Vec<(String, LoadedProgram)>,
}

impl Collection {
    /// The map called `name`.
    pub fn map(&self, name: &str) -> Option<&Map> {
        self.maps.iter().find(|(n, _)| n == name).map(|(_, m)| m)
    }

    /// The program called `name`.
    pub fn program(&self, name: &str) -> Option<&LoadedProgram> {
        self.programs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, p)| p)
    }

    /// Takes the map called `name` out of the collection.
    pub fn take_map(&mut self, name: &str) -> Option<Map> {
        let i = self.maps.iter().position(|(n, _)| n == name)?;
        Some(self.maps.remove(i).1)
    }

    /// Takes the program called `name` out of the collection.
    pub fn take_program(&mut self, name: &str) -> Option<LoadedProgram> {
        let i = self.programs.iter().position(|(n, _)| n == name)?;
        Some(self.programs.remove(i).1)
    }

    /// Every map with its name, in the spec's order.
    pub fn maps(&self) -> impl Iterator<Item = (&str, &Map)> {
        self.maps.iter().map(|(n, m)| (n.as_str(), m))
    }

    /// Every loaded program with its name, in the spec's order.
    pub fn programs(&self) -> impl Iterator<Item = (&str, &LoadedProgram)> {
        self.programs.iter().map(|(n, p)| (n.as_str(), p))
    }
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
}
