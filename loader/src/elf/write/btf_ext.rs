//! `.BTF.ext`: the `bpf_func_info` and `bpf_line_info` records of every code section,
//! as clang writes them (offsets in bytes from the start of the section; libbpf divides
//! them by 8 and shifts them as it links `.text` subprograms into each program).

use ebpf_btf::Builder;

use super::layout::CodeSection;
use crate::error::{Error, Result};

/// `.BTF.ext` magic (the same as `.BTF`'s).
const MAGIC: u16 = 0xeb9f;
/// Header: magic, version, flags, hdr_len, then offset and length of func_info,
/// line_info and core_relo (core_relo empty).
const HEADER_LEN: u32 = 32;

/// The `.BTF.ext` bytes for `sections`; their names are added to `b`'s strings.
pub(crate) fn encode(b: &mut Builder, sections: &[CodeSection]) -> Result<Vec<u8>> {
    let mut names = Vec::with_capacity(sections.len());
    for s in sections {
        names.push(b.add_str(&s.name).map_err(|e| {
            Error::InvalidArgument(format!("section name `{}` in BTF: {e}", s.name))
        })?);
    }
    let mut func = Vec::new();
    put(&mut func, 8);
    let mut line = Vec::new();
    put(&mut line, 16);
    for (s, &name) in sections.iter().zip(&names) {
        if !s.func_info.is_empty() {
            put(&mut func, name);
            put(&mut func, s.func_info.len() as u32);
            for &(off, id) in &s.func_info {
                put(&mut func, off);
                put(&mut func, id);
            }
        }
        if !s.line_info.is_empty() {
            put(&mut line, name);
            put(&mut line, s.line_info.len() as u32);
            for rec in &s.line_info {
                rec.iter().for_each(|&w| put(&mut line, w));
            }
        }
    }
    let mut out = Vec::with_capacity(HEADER_LEN as usize + func.len() + line.len());
    out.extend_from_slice(&MAGIC.to_le_bytes());
    out.extend_from_slice(&[1, 0]);
    let (func_len, line_len) = (func.len() as u32, line.len() as u32);
    for w in [
        HEADER_LEN,
        0,
        func_len,
        func_len,
        line_len,
        func_len + line_len,
        0,
    ] {
        put(&mut out, w);
    }
    out.extend_from_slice(&func);
    out.extend_from_slice(&line);
    Ok(out)
}

fn put(out: &mut Vec<u8>, w: u32) {
    out.extend_from_slice(&w.to_le_bytes());
}
