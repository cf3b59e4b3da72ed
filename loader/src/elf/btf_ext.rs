//! `.BTF.ext`: what clang says about each instruction, per section: `func_info` (where
//! each function starts and its FUNC type), `line_info` (file, line, column and the text
//! of the C line) and `core_relo` (CO-RE relocations: instruction, root type, access
//! string, kind). Offsets are in bytes from the start of the section, as clang writes
//! them; strings are offsets into `.BTF`'s string section.
//!
//! Layout (all little-endian u32 after the 8-byte preamble): magic `0xeB9F` (u16),
//! version, flags (u8 each), `hdr_len`, then offset and length (from the header's end)
//! of the func_info, line_info and, when `hdr_len >= 32`, core_relo subsections. Each
//! subsection is a record size, then blocks of `sec_name_off`, `num_info` and that many
//! records.

use super::elf_err;
use crate::error::Result;

/// One `bpf_func_info`: a function's first byte and its FUNC type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FuncRec {
    /// Byte offset in the section.
    pub insn_off: u32,
    /// The FUNC's id in `.BTF`.
    pub type_id: u32,
}

/// One `bpf_line_info`: an instruction's source position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LineRec {
    /// Byte offset in the section.
    pub insn_off: u32,
    /// File name (offset in `.BTF`'s strings).
    pub file_name_off: u32,
    /// The source line's text (offset in `.BTF`'s strings).
    pub line_off: u32,
    /// Line in the top 22 bits, column in the low 10.
    pub line_col: u32,
}

/// One `bpf_core_relo`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CoreRec {
    /// Byte offset in the section.
    pub insn_off: u32,
    /// The root type's id in `.BTF`.
    pub type_id: u32,
    /// The access string (`0:1:2`), an offset in `.BTF`'s strings.
    pub access_str_off: u32,
    /// `enum bpf_core_relo_kind`.
    pub kind: u32,
}

/// The records of one section.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct SectionExt {
    /// The section's name.
    pub section: String,
    /// Its func_info records.
    pub funcs: Vec<FuncRec>,
    /// Its line_info records.
    pub lines: Vec<LineRec>,
    /// Its CO-RE relocations.
    pub cores: Vec<CoreRec>,
}

/// A parsed `.BTF.ext`: records by section.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct BtfExt {
    /// Per section, in the order they first appear.
    pub sections: Vec<SectionExt>,
}

impl BtfExt {
    /// The records of section `name`, if it has any.
    pub fn section(&self, name: &str) -> Option<&SectionExt> {
        self.sections.iter().find(|s| s.section == name)
    }

    fn section_mut(&mut self, name: &str) -> &mut SectionExt {
        let i = match self.sections.iter().position(|s| s.section == name) {
            Some(i) => i,
            None => {
                self.sections.push(SectionExt {
                    section: name.to_owned(),
                    ..Default::default()
                });
                self.sections.len() - 1
            }
        };
        &mut self.sections[i]
    }
}

/// `.BTF.ext`'s magic.
const MAGIC: u16 = 0xeb9f;

/// The three subsections: their names in errors and the smallest record each needs.
const FUNC_INFO: (&str, usize) = ("func_info", 8);
const LINE_INFO: (&str, usize) = ("line_info", 16);
const CORE_RELO: (&str, usize) = ("core_relo", 16);

/// Parses `.BTF.ext`; `string` reads a string of `.BTF` (section names).
pub(crate) fn parse(data: &[u8], string: impl Fn(u32) -> Option<String>) -> Result<BtfExt> {
    let err = |msg: String| elf_err(format!("section `.BTF.ext`: {msg}"));
    let word = |at: usize| -> Option<u32> {
        Some(u32::from_le_bytes(data.get(at..at + 4)?.try_into().ok()?))
    };
    if data.len() < 8 {
        return Err(err(format!(
            "{} bytes, shorter than its header",
            data.len()
        )));
    }
    let magic = u16::from_le_bytes([data[0], data[1]]);
    if magic != MAGIC {
        return Err(err(format!(
            "magic {magic:#06x}, not {MAGIC:#06x} (only little-endian objects are read)"
        )));
    }
    let hdr_len = word(4).ok_or_else(|| err("truncated header".into()))? as usize;
    if hdr_len < 24 || hdr_len > data.len() {
        return Err(err(format!(
            "header length {hdr_len} is not between 24 and the section's {} bytes",
            data.len()
        )));
    }
    let mut ext = BtfExt::default();
    let mut subsections = vec![(FUNC_INFO, 8usize), (LINE_INFO, 16)];
    if hdr_len >= 32 {
        subsections.push((CORE_RELO, 24));
    }
    for ((what, min), at) in subsections {
        let (off, len) = (word(at), word(at + 4));
        let (Some(off), Some(len)) = (off, len) else {
            return Err(err("truncated header".into()));
        };
        let body = (hdr_len as u64 + u64::from(off))
            .try_into()
            .ok()
            .and_then(|start: usize| data.get(start..start.checked_add(len as usize)?))
            .ok_or_else(|| {
                err(format!(
                    "{what} (offset {off}, {len} bytes) runs past the end of the section"
                ))
            })?;
        let at_rec = |msg: String| err(format!("{what}: {msg}"));
        blocks(body, min, &string, &mut |sec, rec| {
            let w =
                |i: usize| u32::from_le_bytes(rec[i * 4..i * 4 + 4].try_into().unwrap_or([0; 4]));
            let s = ext.section_mut(sec);
            match what {
                "func_info" => s.funcs.push(FuncRec {
                    insn_off: w(0),
                    type_id: w(1),
                }),
                "line_info" => s.lines.push(LineRec {
                    insn_off: w(0),
                    file_name_off: w(1),
                    line_off: w(2),
                    line_col: w(3),
                }),
                _ => s.cores.push(CoreRec {
                    insn_off: w(0),
                    type_id: w(1),
                    access_str_off: w(2),
                    kind: w(3),
                }),
            }
        })
        .map_err(at_rec)?;
    }
    Ok(ext)
}

/// Walks one subsection: record size, then blocks of (section name, count, records);
/// `each` gets the section name and each record (at least `min` bytes).
fn blocks(
    body: &[u8],
    min: usize,
    string: &impl Fn(u32) -> Option<String>,
    each: &mut dyn FnMut(&str, &[u8]),
) -> std::result::Result<(), String> {
    if body.is_empty() {
        return Ok(());
    }
    let word = |at: usize| -> Option<u32> {
        Some(u32::from_le_bytes(body.get(at..at + 4)?.try_into().ok()?))
    };
    let rec_size = word(0).ok_or("truncated record size")? as usize;
    if rec_size < min || !rec_size.is_multiple_of(4) {
        return Err(format!(
            "record size {rec_size}: at least {min} and a multiple of 4 is needed"
        ));
    }
    let mut at = 4;
    while at < body.len() {
        let (Some(name_off), Some(count)) = (word(at), word(at + 4)) else {
            return Err(format!("truncated block header at byte {at}"));
        };
        let name = string(name_off).ok_or_else(|| {
            format!("block at byte {at}: section name offset {name_off} is not a string of `.BTF`")
        })?;
        at += 8;
        let need = (count as usize).checked_mul(rec_size);
        let recs = need
            .and_then(|n| body.get(at..at.checked_add(n)?))
            .ok_or_else(|| {
                format!("section `{name}`: {count} records of {rec_size} bytes run past the end")
            })?;
        for rec in recs.chunks_exact(rec_size) {
            each(&name, rec);
        }
        at += recs.len();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(w: &[u32]) -> Vec<u8> {
        w.iter().flat_map(|x| x.to_le_bytes()).collect()
    }

    /// A `.BTF.ext` with the given subsections (func, line, core bodies).
    fn ext(func: &[u32], line: &[u32], core: &[u32]) -> Vec<u8> {
        let (f, l, c) = (words(func), words(line), words(core));
        let mut out = vec![0x9f, 0xeb, 1, 0];
        let hdr = [
            32,
            0,
            f.len() as u32,
            f.len() as u32,
            l.len() as u32,
            (f.len() + l.len()) as u32,
            c.len() as u32,
        ];
        out.extend(words(&hdr));
        out.extend(f);
        out.extend(l);
        out.extend(c);
        out
    }

    fn names(off: u32) -> Option<String> {
        match off {
            1 => Some("xdp".into()),
            5 => Some(".text".into()),
            _ => None,
        }
    }

    #[test]
    fn records_by_section() {
        let data = ext(
            &[8, 1, 2, 0, 7, 16, 9, 5, 1, 0, 3],
            &[16, 1, 1, 0, 10, 20, (3 << 10) | 4],
            &[16, 1, 1, 8, 11, 12, 0],
        );
        let e = parse(&data, names).expect("parses");
        let xdp = e.section("xdp").expect("xdp");
        assert_eq!(
            xdp.funcs,
            [
                FuncRec {
                    insn_off: 0,
                    type_id: 7
                },
                FuncRec {
                    insn_off: 16,
                    type_id: 9
                }
            ]
        );
        assert_eq!(xdp.lines[0].line_col >> 10, 3);
        assert_eq!(xdp.cores[0].access_str_off, 12);
        assert_eq!(e.section(".text").expect("text").funcs[0].type_id, 3);
    }

    #[test]
    fn malformed_records_name_the_section_and_kind() {
        let msg = |data: &[u8]| parse(data, names).unwrap_err().to_string();
        assert!(msg(&[0; 4]).contains("shorter than its header"));
        assert!(msg(&[1, 2, 0, 0, 32, 0, 0, 0]).contains("magic"));
        // A line_info record size below 16.
        let bad = ext(&[], &[8, 1, 0], &[]);
        assert!(
            msg(&bad).contains("line_info: record size 8"),
            "{}",
            msg(&bad)
        );
        // Two records promised, one given.
        let short = ext(&[8, 1, 2, 0, 7], &[], &[]);
        let m = msg(&short);
        assert!(
            m.contains("`.BTF.ext`: func_info: section `xdp`: 2 records"),
            "{m}"
        );
        // A section name that is not a string.
        let m = msg(&ext(&[], &[], &[16, 99, 0]));
        assert!(
            m.contains("core_relo: block at byte 4: section name offset 99"),
            "{m}"
        );
        // A subsection past the end.
        let mut past = ext(&[], &[], &[]);
        past[12..16].copy_from_slice(&100u32.to_le_bytes());
        assert!(msg(&past).contains("func_info (offset 0, 100 bytes) runs past"));
    }
}
