//! What the kernel says about a loaded program (`bpf_prog_info`), by fd.

use std::os::fd::BorrowedFd;

use super::program_type::ProgramType;
use crate::error::{Error, Result};
use crate::names::name_from_bytes;
use crate::sys::{self, attr::ProgInfoRaw, Cmd};

/// What the kernel says about a program (`bpf_prog_info`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgramInfo {
    /// The program type (`None` if this crate does not know it).
    pub prog_type: Option<ProgramType>,
    /// The raw program type value.
    pub prog_type_raw: u32,
    /// Kernel-wide id.
    pub id: u32,
    /// Name.
    pub name: String,
    /// The 8-byte tag (a hash of the instructions), as bpftool prints it in hex.
    pub tag: [u8; 8],
    /// Length of the translated instructions in bytes.
    pub xlated_len: u32,
    /// Length of the JIT-compiled code in bytes.
    pub jited_len: u32,
    /// Number of maps used.
    pub nr_map_ids: u32,
    /// Whether the license is GPL-compatible.
    pub gpl_compatible: bool,
    /// Instructions the verifier processed.
    pub verified_insns: u32,
    /// Load time (ns since boot).
    pub load_time: u64,
    /// BTF object id (0 if none).
    pub btf_id: u32,
}

impl ProgramInfo {
    /// The tag as 16 lower-case hex digits.
    pub fn tag_hex(&self) -> String {
        self.tag.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Queries `bpf_prog_info` for a program fd.
pub fn program_info(fd: BorrowedFd<'_>) -> Result<ProgramInfo> {
    let r: ProgInfoRaw = sys::obj_info(fd).map_err(|e| Error::kernel(Cmd::ObjGetInfoByFd, e))?;
    Ok(ProgramInfo {
        prog_type: ProgramType::from_u32(r.prog_type),
        prog_type_raw: r.prog_type,
        id: r.id,
        name: name_from_bytes(&r.name),
        tag: r.tag,
        xlated_len: r.xlated_prog_len,
        jited_len: r.jited_prog_len,
        nr_map_ids: r.nr_map_ids,
        gpl_compatible: r.gpl_bits & 1 != 0,
        verified_insns: r.verified_insns,
        load_time: r.load_time,
        btf_id: r.btf_id,
    })
}

/// The translated (post-verifier) instructions of a program as raw 8-byte slots.
pub fn program_xlated_insns(fd: BorrowedFd<'_>) -> Result<Vec<u8>> {
    let info = program_info(fd)?;
    let mut buf = vec![0u8; info.xlated_len as usize];
    let n =
        sys::prog_xlated_insns(fd, &mut buf).map_err(|e| Error::kernel(Cmd::ObjGetInfoByFd, e))?;
    buf.truncate(n.min(buf.len()));
    Ok(buf)
}

/// The address of each subprogram's JIT image, by subprogram index (`jited_ksyms`):
/// empty for a program that is not JIT-ed; zeros when the kernel hides addresses.
pub fn program_jited_ksyms(fd: BorrowedFd<'_>) -> Result<Vec<u64>> {
    let raw: ProgInfoRaw = sys::obj_info(fd).map_err(|e| Error::kernel(Cmd::ObjGetInfoByFd, e))?;
    let mut buf = vec![0u64; raw.nr_jited_ksyms as usize];
    if buf.is_empty() {
        return Ok(buf);
    }
    let n =
        sys::prog_jited_ksyms(fd, &mut buf).map_err(|e| Error::kernel(Cmd::ObjGetInfoByFd, e))?;
    buf.truncate(n.min(buf.len()));
    Ok(buf)
}
