//! Raw tracepoints (`BPF_RAW_TRACEPOINT_OPEN` by name) and BTF-typed tracing programs
//! (tp_btf), plus the check for trampoline-based types this kernel refuses.

use std::ffi::CString;
use std::os::fd::AsFd;

use ebpf_asm_core::RawInsn;

use super::{attach_error, Hook, Link};
use crate::btf::{Btf, BtfKind};
use crate::error::{Error, Result};
use crate::programs::{AttachType, ProgramType};
use crate::programs::{LoadedProgram, ProgramSpec, RETURN_0};
use crate::sys::link::raw_tracepoint_open as raw_tp_open;

impl LoadedProgram {
    /// Attaches this `raw_tracepoint` program to the raw tracepoint `name` (e.g.
    /// `sys_enter`); the program sees the tracepoint's arguments as a u64 array.
    pub fn attach_raw_tracepoint(&self, name: &str) -> Result<Link> {
        let c = CString::new(name).map_err(|_| {
            Error::InvalidArgument(format!("tracepoint name {name:?} contains a NUL byte"))
        })?;
        raw_tp_open(self.as_fd(), Some(&c))
            .map(|fd| Link::new(fd, Hook::RawTracepoint))
            .map_err(|e| {
                attach_error(
                    Hook::RawTracepoint,
                    format!("BPF_RAW_TRACEPOINT_OPEN ({name})"),
                    e,
                )
            })
    }

    /// Attaches a BTF-typed tracing program (tp_btf, loaded with `attach_btf_id`) to the
    /// target it was loaded for.
    pub fn attach_btf(&self) -> Result<Link> {
        raw_tp_open(self.as_fd(), None)
            .map(|fd| Link::new(fd, Hook::Tracing))
            .map_err(|e| attach_error(Hook::Tracing, "BPF_RAW_TRACEPOINT_OPEN (btf target)", e))
    }
}

impl ProgramSpec {
    /// A tp_btf spec for the raw tracepoint `name` (e.g. `sys_enter`): program type
    /// tracing, expected attach type `trace_raw_tp`, and the BTF id of the kernel's
    /// `btf_trace_<name>` typedef.
    pub fn tp_btf(
        prog_name: &str,
        tracepoint: &str,
        insns: impl Into<Vec<RawInsn>>,
    ) -> Result<ProgramSpec> {
        let btf = Btf::from_kernel()?;
        let type_name = format!("btf_trace_{tracepoint}");
        let id = btf
            .find_by_name(&type_name, BtfKind::Typedef)
            .ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "the kernel BTF has no {type_name}: no raw tracepoint named {tracepoint:?}"
                ))
            })?;
        Ok(ProgramSpec::new(prog_name, ProgramType::Tracing, insns)
            .expected_attach_type(AttachType::TraceRawTp)
            .attach_btf_id(id))
    }
}

/// Checks whether this kernel lets trampoline-based programs (fentry, fexit, fmod_ret,
/// freplace, LSM) load by loading a minimal fentry program on a kernel function. Returns
/// [`Error::Unsupported`] with a hint when the kernel refuses them with EPERM before the
/// verifier runs (as the kernel this crate is tested on does).
pub fn check_trampolines() -> Result<()> {
    let btf = Btf::from_kernel()?;
    let Some(target) = ["bpf_fentry_test1", "do_nanosleep", "__x64_sys_getpid"]
        .iter()
        .find_map(|f| btf.find_by_name(f, BtfKind::Func))
    else {
        return Err(Error::Unsupported {
            what: "fentry/fexit".into(),
            hint: "no probe target function found in the kernel BTF".into(),
        });
    };
    let spec = ProgramSpec::new("probe_fentry", ProgramType::Tracing, RETURN_0)
        .expected_attach_type(AttachType::TraceFentry)
        .attach_btf_id(target);
    match spec.load() {
        Ok(_) => Ok(()),
        Err(e) if e.errno() == Some(libc::EPERM) && running_as_root() => Err(Error::Unsupported {
            what: "fentry, fexit, fmod_ret, freplace and LSM programs".into(),
            hint: "the kernel refuses trampoline-based programs with EPERM before the verifier \
                   runs, even for root (a build without BPF trampolines for this config); use \
                   tp_btf, raw tracepoints or tracepoints instead"
                .into(),
        }),
        Err(e) => Err(e),
    }
}

fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("CapEff:"))
                .and_then(|l| u64::from_str_radix(l.trim_start_matches("CapEff:").trim(), 16).ok())
        })
        .is_some_and(|caps| caps & (1 << 39 | 1 << 21) != 0)
}
