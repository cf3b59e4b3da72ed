//! Introspection: object info by fd, the ids of loaded programs and maps, fds by id.

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use crate::error::{Error, Result};
use crate::map::Map;
use crate::names::name_from_bytes;
use crate::program::Program;
use crate::program_type::ProgramType;
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

impl Program {
    /// What the kernel says about this program.
    pub fn info(&self) -> Result<ProgramInfo> {
        program_info(self.as_fd())
    }

    /// The translated instructions as raw bytes (decode them with the disassembler).
    pub fn xlated_insns(&self) -> Result<Vec<u8>> {
        program_xlated_insns(self.as_fd())
    }

    /// Opens the loaded program with kernel id `id`.
    pub fn from_id(id: u32) -> Result<Program> {
        Program::from_fd(fd_by_id(ObjKind::Program, id)?)
    }
}

impl Map {
    /// Opens the map with kernel id `id`.
    pub fn from_id(id: u32) -> Result<Map> {
        Map::from_fd(fd_by_id(ObjKind::Map, id)?)
    }
}

/// Which kind of kernel object an id refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjKind {
    /// A program.
    Program,
    /// A map.
    Map,
}

/// Opens a new fd for the object with kernel id `id`.
pub fn fd_by_id(kind: ObjKind, id: u32) -> Result<OwnedFd> {
    let cmd = match kind {
        ObjKind::Program => Cmd::ProgGetFdById,
        ObjKind::Map => Cmd::MapGetFdById,
    };
    sys::get_fd_by_id(cmd, id, 0).map_err(|e| Error::kernel(cmd, e))
}

/// Iterates over the ids of all loaded objects of one kind (`BPF_*_GET_NEXT_ID`).
pub fn ids(kind: ObjKind) -> Ids {
    Ids {
        kind,
        next: 0,
        done: false,
    }
}

/// Iterator over object ids, from [`ids`].
#[derive(Debug)]
pub struct Ids {
    kind: ObjKind,
    next: u32,
    done: bool,
}

impl Iterator for Ids {
    type Item = Result<u32>;

    fn next(&mut self) -> Option<Result<u32>> {
        if self.done {
            return None;
        }
        let cmd = match self.kind {
            ObjKind::Program => Cmd::ProgGetNextId,
            ObjKind::Map => Cmd::MapGetNextId,
        };
        match sys::get_next_id(cmd, self.next) {
            Ok(Some(id)) => {
                self.next = id;
                Some(Ok(id))
            }
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(Error::kernel(cmd, e)))
            }
        }
    }
}
