//! Feature probes: which program types, map types and helpers this kernel supports,
//! found by loading tiny programs and creating tiny maps. Results are memoised.

use std::collections::HashMap;
use std::os::fd::AsFd;
use std::sync::{Mutex, OnceLock};

use crate::errno::ENOTSUPP;
use crate::error::{Error, Result};
use crate::flags::{BPF_F_MMAPABLE, BPF_F_NO_PREALLOC, BPF_F_SLEEPABLE};
use crate::maps::{MapSpec, MapType};
use ebpf_asm_core::RawInsn;

use crate::programs::{AttachType, ProgramType};
use crate::programs::{ProgramSpec, RETURN_0};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Probe {
    Prog(ProgramType),
    Map(MapType),
    Helper(ProgramType, u32),
}

fn memo(key: Probe, run: impl FnOnce() -> Result<bool>) -> Result<bool> {
    static CACHE: OnceLock<Mutex<HashMap<Probe, bool>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(&v) = cache
        .lock()
        .ok()
        .and_then(|c| c.get(&key).copied())
        .as_ref()
    {
        return Ok(v);
    }
    let v = run()?;
    if let Ok(mut c) = cache.lock() {
        c.insert(key, v);
    }
    Ok(v)
}

/// Whether an errno from a probe means "this kernel does not support it".
fn means_unsupported(errno: Option<i32>) -> bool {
    matches!(
        errno,
        Some(libc::EINVAL | libc::EOPNOTSUPP | ENOTSUPP | libc::E2BIG)
    )
}

fn probe_spec(t: ProgramType, insns: &[RawInsn]) -> Result<ProgramSpec> {
    let spec = ProgramSpec::new("probe", t, insns);
    Ok(match t {
        ProgramType::CgroupSockAddr => spec.expected_attach_type(AttachType::CgroupInet4Connect),
        ProgramType::CgroupSockopt => spec.expected_attach_type(AttachType::CgroupGetsockopt),
        ProgramType::SkLookup => spec.expected_attach_type(AttachType::SkLookup),
        ProgramType::Netfilter => spec.expected_attach_type(AttachType::Netfilter),
        ProgramType::Syscall => spec.flags(BPF_F_SLEEPABLE),
        ProgramType::Tracing | ProgramType::Ext | ProgramType::Lsm | ProgramType::StructOps => {
            return Err(Error::InvalidArgument(format!(
                "program type {t} needs a BTF attach target; probe it by loading a real program"
            )))
        }
        _ => spec,
    })
}

/// Errors with EPERM when even a socket filter cannot be loaded (no privileges), so that
/// an EPERM for a specific type can be read as "blocked here".
fn require_privileges() -> Result<()> {
    let baseline = memo(Probe::Prog(ProgramType::SocketFilter), || {
        ProgramSpec::new("probe", ProgramType::SocketFilter, RETURN_0)
            .load()
            .map(|_| true)
    });
    baseline.map(drop)
}

/// Whether programs of type `t` can be loaded here. Types that need a BTF attach target
/// (tracing, ext, lsm, struct_ops) give an error.
pub fn program_type_supported(t: ProgramType) -> Result<bool> {
    let spec = probe_spec(t, &RETURN_0)?;
    require_privileges()?;
    memo(Probe::Prog(t), || match spec.load() {
        Ok(_) => Ok(true),
        Err(e) if means_unsupported(e.errno()) || e.errno() == Some(libc::EPERM) => Ok(false),
        Err(e) => Err(e),
    })
}

/// Whether a program of type `t` may call helper number `helper` (e.g. 1 =
/// `bpf_map_lookup_elem`). Loads `call helper; r0 = 0; exit` and reads the verifier log.
pub fn helper_supported(t: ProgramType, helper: u32) -> Result<bool> {
    // call helper (BPF_JMP | BPF_CALL), then r0 = 0; exit
    let call = RawInsn::new(0x85, 0, 0, 0, helper.cast_signed());
    let insns = [call, RETURN_0[0], RETURN_0[1]];
    let spec = probe_spec(t, &insns)?.log(1, 0);
    require_privileges()?;
    memo(Probe::Helper(t, helper), || match spec.load() {
        Ok(_) => Ok(true),
        Err(Error::Verifier(v)) => {
            let log = v.log();
            if log.contains("invalid func ")
                || log.contains("unknown func ")
                || log.contains("program of this type cannot use helper")
            {
                Ok(false)
            } else if !log.is_empty() {
                // Rejected for another reason (e.g. missing arguments): the helper exists.
                Ok(true)
            } else if means_unsupported(v.errno()) {
                Ok(false)
            } else {
                Err(Error::Verifier(v))
            }
        }
        Err(e) => Err(e),
    })
}

fn map_probe_spec(t: MapType) -> Result<MapSpec> {
    use MapType::*;
    let s = match t {
        LpmTrie => MapSpec::new(t, 8, 4, 1).flags(BPF_F_NO_PREALLOC),
        StackTrace => MapSpec::new(t, 4, 8, 1),
        CgroupStorage | PercpuCgroupStorage => MapSpec::new(t, 16, 8, 0),
        Queue | Stack | BloomFilter => MapSpec::new(t, 0, 4, 1),
        Ringbuf | UserRingbuf => MapSpec::new(t, 0, 0, crate::sys::page_size() as u32),
        Arena => MapSpec::new(t, 0, 0, 1).flags(BPF_F_MMAPABLE),
        SkStorage | InodeStorage | TaskStorage | CgrpStorage | StructOps => {
            return Err(Error::InvalidArgument(format!(
                "map type {t} needs BTF for its key/value types; probe it with real BTF"
            )))
        }
        _ => MapSpec::new(t, 4, 4, 1),
    };
    Ok(s.name("probe"))
}

/// Whether maps of type `t` can be created here. Types that need BTF give an error.
pub fn map_type_supported(t: MapType) -> Result<bool> {
    let spec = map_probe_spec(t)?;
    memo(Probe::Map(t), || {
        let r = match t {
            MapType::ArrayOfMaps | MapType::HashOfMaps => {
                let inner = MapSpec::new(MapType::Array, 4, 4, 1).create()?;
                spec.create_with_inner(inner.as_fd())
            }
            _ => spec.create(),
        };
        match r {
            Ok(_) => Ok(true),
            Err(e) if means_unsupported(e.errno()) => Ok(false),
            Err(e) => Err(e),
        }
    })
}
