//! [`ProgramSpec`]: what to load, and the load mechanism that follows the verifier-log
//! [`LogPolicy`].

use std::ffi::CString;
use std::os::fd::AsFd;

use ebpf_asm_core::{RawInsn, SourceMap};

use super::btf_cache::BtfCache;
use super::btf_info::ProgramBtf;
use super::btf_object::BtfObject;
use super::fd_array::FdArray;
use super::loaded::LoadedProgram;
use super::program_type::{AttachType, ProgramType};
use super::verifier_log::{log_text, parse_stats, LogPolicy, VerifierError};
use crate::error::{Error, Result};
use crate::names::name_bytes;
use crate::sys::{self, attr::ProgLoadAttr, ProgBtfExt};

/// `r0 = 0; exit`: the smallest program every type accepts, for probes.
pub(crate) const RETURN_0: [RawInsn; 2] = [
    RawInsn::new(0xb7, 0, 0, 0, 0), // r0 = 0 (BPF_ALU64 | BPF_MOV | BPF_K)
    RawInsn::new(0x95, 0, 0, 0, 0), // exit (BPF_JMP | BPF_EXIT)
];

/// Everything `BPF_PROG_LOAD` needs: the instruction slots, where each was written, and
/// the load attributes. Build one from an assembled program with
/// [`ProgramSpec::from_program`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgramSpec {
    /// Object name (letters, digits, `_`, `.`; at most 15 bytes).
    pub name: String,
    /// The program type.
    pub prog_type: ProgramType,
    /// The instruction slots, as the kernel gets them (a 64-bit load takes two).
    pub insns: Vec<RawInsn>,
    /// License string; GPL-only helpers need a GPL-compatible one.
    pub license: String,
    /// Expected attach type (some program types require it).
    pub expected_attach_type: Option<AttachType>,
    /// `BPF_F_*` program flags (e.g. [`BPF_F_SLEEPABLE`](crate::flags::BPF_F_SLEEPABLE)).
    pub flags: u32,
    /// BTF id of the attach target (tp_btf, fentry, ...).
    pub attach_btf_id: u32,
    /// Kernel version (only checked by very old kernels for kprobes).
    pub kern_version: u32,
    /// Requested verifier log level; 0 = only capture a log when the load fails.
    pub log_level: u32,
    /// Requested log buffer size; 0 = the policy's default.
    pub log_size: u32,
    /// How logs are retried and grown.
    pub log_policy: LogPolicy,
    /// `source_map.get(i)`: where slot `i` was written (e.g. `prog.rs:12:9`), shown when the
    /// verifier stops at that slot. Empty when unknown.
    pub source_map: SourceMap,
    /// The program's BTF (func_info and line_info), when it has one: loaded with it, and
    /// without it when the kernel refuses BTF (see `LoadedProgram::btf_fallback`).
    pub btf: Option<ProgramBtf>,
    /// The load's `fd_array`: module BTF fds for kfunc calls (`call kfunc(ID, N)` reads
    /// entry N), kept open with the spec. Empty: none passed.
    pub fd_array: FdArray,
}

impl ProgramSpec {
    /// A spec with license "GPL" and no log unless the load fails.
    pub fn new(
        name: impl Into<String>,
        prog_type: ProgramType,
        insns: impl Into<Vec<RawInsn>>,
    ) -> Self {
        ProgramSpec {
            name: name.into(),
            prog_type,
            insns: insns.into(),
            license: "GPL".into(),
            expected_attach_type: None,
            flags: 0,
            attach_btf_id: 0,
            kern_version: 0,
            log_level: 0,
            log_size: 0,
            log_policy: LogPolicy::default(),
            source_map: SourceMap::new(),
            btf: None,
            fd_array: FdArray::default(),
        }
    }

    /// A spec for instructions given as bytes in the kernel's layout (8 bytes a slot).
    pub fn from_bytes(
        name: impl Into<String>,
        prog_type: ProgramType,
        bytes: &[u8],
    ) -> Result<Self> {
        let (slots, rest) = bytes.as_chunks::<8>();
        if !rest.is_empty() {
            return Err(Error::InstructionsNotMultipleOf8 { len: bytes.len() });
        }
        let insns: Vec<RawInsn> = slots.iter().map(|s| RawInsn::from_bytes(*s)).collect();
        Ok(ProgramSpec::new(name, prog_type, insns))
    }

    /// Sets the license.
    pub fn license(mut self, license: impl Into<String>) -> Self {
        self.license = license.into();
        self
    }

    /// Sets the expected attach type.
    pub fn expected_attach_type(mut self, t: AttachType) -> Self {
        self.expected_attach_type = Some(t);
        self
    }

    /// Sets the program flags.
    pub fn flags(mut self, flags: u32) -> Self {
        self.flags = flags;
        self
    }

    /// Sets the attach BTF id.
    pub fn attach_btf_id(mut self, id: u32) -> Self {
        self.attach_btf_id = id;
        self
    }

    /// Sets the kernel version field.
    pub fn kern_version(mut self, v: u32) -> Self {
        self.kern_version = v;
        self
    }

    /// Asks for a verifier log at `level` with a buffer of `size` bytes (0 = default) even
    /// when the load succeeds; too small a buffer is grown automatically.
    pub fn log(mut self, level: u32, size: u32) -> Self {
        self.log_level = level;
        self.log_size = size;
        self
    }

    /// Sets the log retry policy.
    pub fn log_policy(mut self, policy: LogPolicy) -> Self {
        self.log_policy = policy;
        self
    }

    /// Sets the per-slot source map.
    pub fn source_map(mut self, map: SourceMap) -> Self {
        self.source_map = map;
        self
    }

    /// Sets (or, with `None`, drops) the program's BTF.
    pub fn btf(mut self, btf: Option<ProgramBtf>) -> Self {
        self.btf = btf;
        self
    }

    /// Loads the program (with its BTF, when it has one). On failure the error carries
    /// the verifier log, captured by retrying with a log (and growing it on ENOSPC) as the
    /// [`LogPolicy`] says.
    pub fn load(&self) -> Result<LoadedProgram> {
        match &self.btf {
            Some(btf) => self.load_with_btf(btf, None),
            None => self.load_once(None),
        }
    }

    /// [`load`](Self::load), with the BTF object taken from (or added to) `cache`.
    pub(crate) fn load_sharing_btf(&self, cache: &BtfCache) -> Result<LoadedProgram> {
        match &self.btf {
            Some(btf) => self.load_with_btf(btf, Some(cache)),
            None => self.load_once(None),
        }
    }

    /// One load (with its log retries), with `btf` loaded and its records, or without.
    pub(super) fn load_once(
        &self,
        btf: Option<(&BtfObject, &ProgramBtf)>,
    ) -> Result<LoadedProgram> {
        if self.insns.is_empty() {
            // The kernel says E2BIG ("program too large") for no instructions at all.
            return Err(Error::InvalidArgument(format!(
                "program `{}` has no instructions: the kernel needs at least `exit`",
                self.name
            )));
        }
        let insns: Vec<u8> = self.insns.iter().flat_map(|i| i.to_bytes()).collect();
        let license = CString::new(self.license.as_str()).map_err(|_| {
            Error::InvalidArgument(format!("license {:?} contains a NUL byte", self.license))
        })?;
        let mut attr = ProgLoadAttr {
            prog_type: self.prog_type.as_u32(),
            kern_version: self.kern_version,
            prog_flags: self.flags,
            prog_name: name_bytes(&self.name)?,
            expected_attach_type: self.expected_attach_type.map_or(0, AttachType::as_u32),
            attach_btf_id: self.attach_btf_id,
            ..Default::default()
        };
        let fd_array = self.fd_array.raw();
        let policy = self.log_policy;
        let mut attempt = policy.first(self.log_level, self.log_size);
        let mut attempts = 0;
        loop {
            attempts += 1;
            let mut buf = vec![0u8; attempt.size as usize];
            attr.log_level = attempt.level;
            let log = (attempt.size > 0).then_some(buf.as_mut_slice());
            let ext = btf.map(|(obj, b)| ProgBtfExt {
                btf_fd: obj.as_fd(),
                func_info: b.func_info(),
                line_info: b.line_info(),
            });
            match sys::prog_load(&mut attr, &insns, &license, log, ext, &fd_array) {
                Ok(fd) => {
                    let log = (attempt.size > 0).then(|| log_text(&buf));
                    let stats = log.as_deref().and_then(parse_stats);
                    return Ok(LoadedProgram::loaded(
                        fd,
                        self.name.clone(),
                        self.prog_type,
                        log,
                        stats,
                        attempts,
                    ));
                }
                Err(e) => {
                    let errno = e.raw_os_error().unwrap_or(0);
                    if let Some(next) = policy.next(attempt, attempts, errno, attr.log_true_size) {
                        attempt = next;
                        continue;
                    }
                    let truncated = errno == libc::ENOSPC;
                    return Err(VerifierError::new(
                        self.name.clone(),
                        e,
                        &buf,
                        &self.source_map,
                        truncated,
                    )
                    .into());
                }
            }
        }
    }
}
