//! Loading a collection: maps created (inner maps first, pinned by name where asked),
//! global data written and `.rodata` frozen, map references resolved, programs loaded,
//! initial values of prog arrays and maps of maps stored.

use std::os::fd::AsFd;

use ebpf_asm_core::{Program, RefKind, Reference};

use super::{kernel_name, CollectionMap, CollectionProgram, CollectionSpec, LoadOptions};
use crate::btf::{Btf, BtfKind};
use crate::elf::data::parse_value_symbol;
use crate::error::{Error, Result};
use crate::maps::{pin_path, reuse_pinned, set_slot, Map, MapSlot, Pinning};
use crate::programs::{BtfCache, LoadedProgram, ProgramSpec};

impl CollectionSpec {
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
        // The object's BTF, loaded once for every map and program that carries it.
        let btf = BtfCache::default();
        let maps = self.create_maps(opts, &btf)?;
        self.write_data(&maps)?;
        let mut coll = Collection {
            maps,
            programs: Vec::new(),
        };
        self.fill_slots(&coll, |s| matches!(s, MapSlot::Map(_)))?;
        let mut failures = Vec::new();
        for p in &self.programs {
            match self.load_program(p, &coll, opts, &btf) {
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
    fn create_maps(&self, opts: &LoadOptions, btf: &BtfCache) -> Result<Vec<(String, Map)>> {
        let mut created: Vec<(String, Map)> = Vec::new();
        for m in &self.maps {
            self.create_map(m, &mut created, 0, opts, btf)?;
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
        btf: &BtfCache,
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
            (None, None) => spec.create_sharing_btf(None, btf),
            (None, Some(shape)) => {
                let name = kernel_name(&format!("{}.inner", m.name));
                let inner = shape.clone().name(name);
                let inner = inner.create_sharing_btf(None, btf).map_err(context)?;
                spec.create_sharing_btf(Some(inner.as_fd()), btf)
            }
            (Some(inner), _) => {
                let Some(im) = self.maps.iter().find(|x| x.name == *inner) else {
                    return Err(context(self.no_such("map", inner)));
                };
                self.create_map(im, created, depth + 1, opts, btf)?;
                let fd = created
                    .iter()
                    .find(|(n, _)| n == inner)
                    .map(|(_, map)| map.as_fd())
                    .ok_or_else(|| context(self.no_such("map", inner)))?;
                spec.create_sharing_btf(Some(fd), btf)
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
        btf: &BtfCache,
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
        if let Some(b) = &p.btf {
            spec = spec.btf(Some(b.clone()));
        }
        if let Some(t) = p.expected_attach_type {
            spec = spec.expected_attach_type(t);
        }
        match spec.load_sharing_btf(btf) {
            // A statistics-only log does not show the instruction the verifier stopped
            // at: load once more with the trace.
            Err(Error::Verifier(_)) if opts.log_level != 0 && opts.log_level & 3 == 0 => spec
                .log(opts.log_level | 1, opts.log_size)
                .load_sharing_btf(btf),
            r => r,
        }
    }
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
