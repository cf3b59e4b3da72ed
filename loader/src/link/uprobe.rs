//! uprobes (a binary plus a symbol or file offset) and kprobes, through the `uprobe` and
//! `kprobe` perf PMUs. Symbols are resolved to file offsets with the `object` crate.

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use object::{Object, ObjectSegment, ObjectSymbol};

use super::perf_event::{attach_to_perf_fd, PerfLink};
use super::{attach_error, Hook};
use crate::error::{Error, Result};
use crate::programs::LoadedProgram;
use crate::sys::perf::{perf_event_open, PerfEventAttr};

const PMU_DIR: &str = "/sys/bus/event_source/devices";

/// Where in a binary a uprobe fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProbeLocation<'a> {
    /// At the start of this function (from `.symtab` or `.dynsym`).
    Symbol(&'a str),
    /// This many bytes into the function.
    SymbolOffset(&'a str, u64),
    /// At this file offset.
    FileOffset(u64),
}

fn io_err(what: String) -> impl FnOnce(std::io::Error) -> Error {
    move |source| Error::Io { what, source }
}

/// The file offset of `symbol`'s code in the ELF file `binary` (what the uprobe PMU wants),
/// found by mapping the symbol's address through the program headers.
pub fn resolve_symbol_offset(binary: &Path, symbol: &str) -> Result<u64> {
    let data = std::fs::read(binary).map_err(io_err(format!("read {}", binary.display())))?;
    let file = object::File::parse(&*data).map_err(|e| {
        Error::InvalidArgument(format!("{} is not an object file: {e}", binary.display()))
    })?;
    let addr = file
        .symbols()
        .chain(file.dynamic_symbols())
        .find(|s| s.name_bytes().is_ok_and(|n| n == symbol.as_bytes()) && s.address() != 0)
        .map(|s| s.address())
        .ok_or_else(|| {
            Error::InvalidArgument(format!(
                "no symbol {symbol:?} with an address in {}",
                binary.display()
            ))
        })?;
    file.segments()
        .find(|seg| addr >= seg.address() && addr - seg.address() < seg.size())
        .map(|seg| seg.file_range().0 + (addr - seg.address()))
        .ok_or_else(|| {
            Error::InvalidArgument(format!(
                "symbol {symbol:?} at {addr:#x} is in no loadable segment of {}",
                binary.display()
            ))
        })
}

/// The PMU type number and the config bit that makes a return probe.
fn pmu(name: &str) -> Option<(u32, u32)> {
    let dir = Path::new(PMU_DIR).join(name);
    let ty = std::fs::read_to_string(dir.join("type"))
        .ok()?
        .trim()
        .parse()
        .ok()?;
    let bit = std::fs::read_to_string(dir.join("format/retprobe"))
        .ok()
        .and_then(|s| s.trim().strip_prefix("config:")?.parse().ok())
        .unwrap_or(0);
    Some((ty, bit))
}

fn probe_attr(
    pmu_type: u32,
    ret_bit: u32,
    retprobe: bool,
    name: &CString,
    offset: u64,
) -> PerfEventAttr {
    PerfEventAttr {
        type_: pmu_type,
        config: if retprobe { 1 << ret_bit } else { 0 },
        sample_period: 1,
        wakeup: 1,
        config1: name.as_ptr() as u64,
        config2: offset,
        ..Default::default()
    }
}

impl LoadedProgram {
    /// Attaches this `kprobe`-type program as a uprobe (or uretprobe) on `binary` at
    /// `location`, for all processes (`pid = None`) or one.
    pub fn attach_uprobe(
        &self,
        binary: impl AsRef<Path>,
        location: ProbeLocation<'_>,
        retprobe: bool,
        pid: Option<i32>,
    ) -> Result<PerfLink> {
        let binary = binary.as_ref();
        let offset = match location {
            ProbeLocation::Symbol(s) => resolve_symbol_offset(binary, s)?,
            ProbeLocation::SymbolOffset(s, off) => resolve_symbol_offset(binary, s)? + off,
            ProbeLocation::FileOffset(off) => off,
        };
        let (ty, bit) = pmu("uprobe").ok_or_else(|| Error::Unsupported {
            what: "uprobes".into(),
            hint: format!("{PMU_DIR}/uprobe is missing (CONFIG_UPROBE_EVENTS off?)"),
        })?;
        let path = CString::new(binary.as_os_str().as_bytes()).map_err(|_| {
            Error::InvalidArgument(format!("path {} contains a NUL byte", binary.display()))
        })?;
        let attr = probe_attr(ty, bit, retprobe, &path, offset);
        let (pid, cpu) = match pid {
            Some(p) => (p, -1),
            None => (-1, 0),
        };
        let what = format!(
            "uprobe {}:{location:?} (offset {offset:#x})",
            binary.display()
        );
        // `path` outlives the call: config1 points into it.
        let fd = perf_event_open(&attr, pid, cpu)
            .map_err(|e| attach_error(Hook::Uprobe, format!("perf_event_open ({what})"), e))?;
        attach_to_perf_fd(self, fd, Hook::Uprobe, &what)
    }

    /// Attaches this `kprobe` program to kernel function `function`. Fails with
    /// [`Error::Unsupported`] on kernels built without `CONFIG_KPROBES` (no kprobe PMU).
    pub fn attach_kprobe(&self, function: &str, retprobe: bool) -> Result<PerfLink> {
        let (ty, bit) = pmu("kprobe").ok_or_else(|| Error::Unsupported {
            what: "kprobes".into(),
            hint: format!(
                "this kernel is built without CONFIG_KPROBES ({PMU_DIR}/kprobe is missing): \
                 kprobe programs load but cannot attach; use a tracepoint, a raw tracepoint \
                 or tp_btf instead"
            ),
        })?;
        let name = CString::new(function).map_err(|_| {
            Error::InvalidArgument(format!("function {function:?} contains a NUL byte"))
        })?;
        let attr = probe_attr(ty, bit, retprobe, &name, 0);
        let fd = perf_event_open(&attr, -1, 0).map_err(|e| {
            attach_error(
                Hook::Kprobe,
                format!("perf_event_open (kprobe {function})"),
                e,
            )
        })?;
        attach_to_perf_fd(self, fd, Hook::Kprobe, &format!("kprobe {function}"))
    }
}
