//! [`LoadedProgram`]: a loaded program, owned through its fd, and what the kernel says about it.

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::Path;

use super::btf_object::BtfObject;
use super::info::{program_info, program_xlated_insns, ProgramInfo};
use super::program_type::ProgramType;
use super::verifier_log::VerifierStats;
use crate::error::{Error, Result};
use crate::ids::{fd_by_id, ObjKind};
use crate::pin::{open_pinned, pin_fd};

/// A loaded program, owned through its file descriptor (unloaded when the last
/// reference to it goes away).
#[derive(Debug)]
pub struct LoadedProgram {
    fd: OwnedFd,
    name: String,
    prog_type: ProgramType,
    log: Option<String>,
    stats: Option<VerifierStats>,
    attempts: u32,
    /// The program's BTF object, kept open as long as the program.
    btf: Option<BtfObject>,
    /// Why the program was loaded without its BTF, when it was.
    btf_fallback: Option<String>,
}

impl LoadedProgram {
    /// A program `ProgramSpec::load` just loaded.
    pub(super) fn loaded(
        fd: OwnedFd,
        name: String,
        prog_type: ProgramType,
        log: Option<String>,
        stats: Option<VerifierStats>,
        attempts: u32,
    ) -> LoadedProgram {
        LoadedProgram {
            fd,
            name,
            prog_type,
            log,
            stats,
            attempts,
            btf: None,
            btf_fallback: None,
        }
    }

    /// Records the BTF the program was loaded with, or why it was loaded without.
    pub(super) fn with_btf(mut self, btf: Option<BtfObject>, fallback: Option<String>) -> Self {
        self.btf = btf;
        self.btf_fallback = fallback;
        self
    }

    /// The BTF object the program was loaded with (func_info, line_info), if any.
    pub fn btf(&self) -> Option<&BtfObject> {
        self.btf.as_ref()
    }

    /// Why the program was loaded without the BTF it had (the kernel refused it: an older
    /// kernel), if it was.
    pub fn btf_fallback(&self) -> Option<&str> {
        self.btf_fallback.as_deref()
    }

    /// Adopts a program fd (from a pin or an id), reading name and type from the kernel.
    pub fn from_fd(fd: OwnedFd) -> Result<LoadedProgram> {
        let info = program_info(fd.as_fd())?;
        let prog_type = info.prog_type.ok_or_else(|| Error::UnknownName {
            kind: "program type",
            name: info.prog_type_raw.to_string(),
        })?;
        Ok(LoadedProgram::loaded(
            fd, info.name, prog_type, None, None, 0,
        ))
    }

    /// Opens the loaded program with kernel id `id`.
    pub fn from_id(id: u32) -> Result<LoadedProgram> {
        LoadedProgram::from_fd(fd_by_id(ObjKind::Program, id)?)
    }

    /// Opens a program pinned at `path`.
    pub fn from_pinned(path: impl AsRef<Path>) -> Result<LoadedProgram> {
        LoadedProgram::from_fd(open_pinned(path.as_ref(), 0)?)
    }

    /// Pins the program at `path` on bpffs.
    pub fn pin(&self, path: impl AsRef<Path>) -> Result<()> {
        pin_fd(self.as_fd(), path.as_ref())
    }

    /// The name given at load.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The program type.
    pub fn prog_type(&self) -> ProgramType {
        self.prog_type
    }

    /// The verifier log of the successful load, when one was requested.
    pub fn verifier_log(&self) -> Option<&str> {
        self.log.as_deref()
    }

    /// The verifier's statistics line, when a log was requested.
    pub fn verifier_stats(&self) -> Option<&VerifierStats> {
        self.stats.as_ref()
    }

    /// How many `BPF_PROG_LOAD` calls the load took (more than 1 when the log grew).
    pub fn load_attempts(&self) -> u32 {
        self.attempts
    }

    /// What the kernel says about this program.
    pub fn info(&self) -> Result<ProgramInfo> {
        program_info(self.as_fd())
    }

    /// The translated instructions as raw bytes (decode them with the disassembler).
    pub fn xlated_insns(&self) -> Result<Vec<u8>> {
        program_xlated_insns(self.as_fd())
    }

    /// Gives up ownership of the fd.
    pub fn into_fd(self) -> OwnedFd {
        self.fd
    }
}

impl AsFd for LoadedProgram {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}
