//! The object-file side of a collection: reading clang's ELF objects, writing ELF, and
//! the global variables and kernel version an object carries.

use std::path::Path;

use super::{CollectionMap, CollectionSpec};
use crate::elf::data::DataSection;
use crate::elf::BtfFeatures;
use crate::error::{Error, Result};
use crate::maps::{MapType, Pinning};

impl CollectionSpec {
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
    /// subprograms in `.text`, `.maps` with BTF (pinning, maps of maps, the initial
    /// slots of prog arrays and maps of maps), the global data sections with their
    /// current contents ([`set_variable`](Self::set_variable) before writing changes
    /// them), `license`, `version`, `.BTF` and `.BTF.ext` with the source lines. See
    /// `docs/elf-write.md`. Errors ([`Error::Elf`]) name the program or map that cannot
    /// be written (resolved fds, kfunc calls, CO-RE).
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
        let is_data = |name: &str| self.data.iter().any(|d| d.map == name);
        for m in self.maps.iter().filter(|m| is_data(&m.name)) {
            let s = &m.spec;
            if (s.map_type, s.key_size, s.max_entries) != (MapType::Array, 4, 1) {
                return Err(Error::Elf(format!(
                    "writing `{}`: a map with an initial value is written as global data, \
                     a one-entry array with 4-byte keys (this one: {} key={} entries={})",
                    m.name,
                    s.map_type.name(),
                    s.key_size,
                    s.max_entries
                )));
            }
        }
        let mut maps = Vec::with_capacity(self.maps.len());
        for m in self.maps.iter().filter(|m| !is_data(&m.name)) {
            let inner = match (&m.inner_spec, &m.inner) {
                (Some(spec), _) => Some(spec),
                (None, Some(name)) => Some(
                    &self
                        .maps
                        .iter()
                        .find(|x| x.name == *name)
                        .ok_or_else(|| {
                            Error::Elf(format!(
                                "writing `{}`: its inner map `{name}` is not a map of the \
                                 collection",
                                m.name
                            ))
                        })?
                        .spec,
                ),
                (None, None) => None,
            };
            maps.push(MapIn {
                name: &m.name,
                spec: &m.spec,
                inner,
                pin_by_name: m.pinning == Pinning::ByName,
                slots: &m.slots,
            });
        }
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
            kern_version: self.kern_version,
            maps,
            data: self.data.iter().collect(),
            types: self
                .programs
                .iter()
                .find_map(|p| p.btf.as_ref().map(|b| b.blob())),
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
}
