//! Loading a program with its BTF: the BTF object first, then the program with its
//! func_info and line_info. A kernel that refuses either gets the program without BTF
//! (a load that worked before never fails for it); the reason is kept on the program.

use super::btf_cache::BtfCache;
use super::btf_info::ProgramBtf;
use super::btf_object::BtfObject;
use super::loaded::LoadedProgram;
use super::spec::ProgramSpec;
use crate::error::{Error, Result};

impl ProgramSpec {
    /// Loads with `btf`; its object is taken from `cache` when one is given (a collection
    /// loads its object's BTF once for all programs and maps).
    pub(super) fn load_with_btf(
        &self,
        btf: &ProgramBtf,
        cache: Option<&BtfCache>,
    ) -> Result<LoadedProgram> {
        let loaded = match cache {
            Some(c) => c.load(btf.blob(), &self.log_policy),
            None => BtfObject::load_with(btf.blob(), &self.log_policy),
        };
        let obj = match loaded {
            Ok(obj) => obj,
            Err(e) => {
                let why = format!("the kernel refused the program's BTF: {e}");
                return Ok(self.load_once(None)?.with_btf(None, Some(why)));
            }
        };
        match self.load_once(Some((&obj, btf))) {
            Ok(p) => Ok(p.with_btf(Some(obj), None)),
            Err(e) if refused_btf(&e) => {
                let why = format!("the kernel refused the program's func_info/line_info: {e}");
                match self.load_once(None) {
                    Ok(p) => Ok(p.with_btf(None, Some(why))),
                    // Not BTF's fault after all: the error that names source lines.
                    Err(_) => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }
}

/// Whether a failed load with BTF may have failed because of it: an older kernel does
/// not know the attributes (E2BIG) or says what it dislikes about the records or types.
/// A verifier rejection of an instruction is not (the program is not loaded twice).
pub(crate) fn refused_btf(e: &Error) -> bool {
    let Error::Verifier(v) = e else {
        return false;
    };
    if v.errno() == Some(libc::E2BIG) {
        return true;
    }
    let log = v.log().to_ascii_lowercase();
    ["func_info", "func info", "line_info", "line info", "btf"]
        .iter()
        .any(|w| log.contains(w))
        && v.insn_index().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verifier_log::VerifierError;
    use ebpf_asm_core::SourceMap;
    use std::io;

    fn err(errno: i32, log: &str) -> Error {
        let e = VerifierError::new(
            "p",
            io::Error::from_raw_os_error(errno),
            log.as_bytes(),
            &SourceMap::new(),
            false,
        );
        Error::Verifier(Box::new(e))
    }

    #[test]
    fn only_btf_complaints_fall_back() {
        assert!(refused_btf(&err(libc::E2BIG, "")));
        assert!(refused_btf(&err(
            libc::EINVAL,
            "invalid func info rec size 8\n"
        )));
        assert!(refused_btf(&err(
            libc::EINVAL,
            "number of funcs in func_info doesn't match number of subprogs\n"
        )));
        assert!(!refused_btf(&err(
            libc::EACCES,
            "0: (bf) r0 = r2\nR2 !read_ok\n"
        )));
        assert!(!refused_btf(&Error::InvalidArgument("x".into())));
    }
}
