//! [`ProgramBtf`]: the BTF a program carries into `BPF_PROG_LOAD`: one FUNC and
//! FUNC_PROTO per function (`func_info`) and, for every instruction with a source
//! location, its file, line, column and the text of that line (`line_info`). The kernel
//! then prints `; <line> @ <file>:<line>` in verifier logs, `bpftool prog dump xlated
//! linum` shows `[file:line:col]`, and global functions (`.globl`) are verified on
//! their own.
//!
//! Pure: built from the instruction slots, the program's labels and its source map.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use ebpf_asm_core::{Program, RawInsn, SourceMap};
use ebpf_btf::{Builder, Composite, Func, FuncProto, Int, Linkage, Param, Type, TypeId, TypeKind};

use super::program_type::ProgramType;
use crate::error::{Error, Result};

/// One function of a program, as its BTF describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BtfFunc {
    /// First slot.
    pub slot: u32,
    /// Its name in BTF (the label, made a valid C identifier; the program's name for
    /// slot 0 when no label is there).
    pub name: String,
    /// Declared `.globl` (verified on its own); never the program's entry.
    pub global: bool,
    /// Parameters: `true` for a pointer to the program's context, `false` for a u64.
    pub params: Vec<bool>,
}

/// A program's BTF blob with the `bpf_func_info` and `bpf_line_info` records that point
/// into it; [`ProgramSpec::from_program`](crate::ProgramSpec::from_program) builds one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgramBtf {
    blob: Vec<u8>,
    funcs: Vec<BtfFunc>,
    func_info: Vec<u8>,
    line_info: Vec<u8>,
}

impl ProgramBtf {
    /// A program's BTF from its parts, as a clang object carries them: the object's
    /// `.BTF` blob, its functions, and `bpf_func_info` (8 bytes each) and `bpf_line_info`
    /// (16 bytes each) records whose instruction offsets are slots of the program.
    pub fn from_records(
        blob: Vec<u8>,
        funcs: Vec<BtfFunc>,
        func_info: Vec<u8>,
        line_info: Vec<u8>,
    ) -> ProgramBtf {
        ProgramBtf {
            blob,
            funcs,
            func_info,
            line_info,
        }
    }

    /// The BTF blob for `BPF_BTF_LOAD`.
    pub fn blob(&self) -> &[u8] {
        &self.blob
    }

    /// The functions, in slot order (the first is the program's entry).
    pub fn funcs(&self) -> &[BtfFunc] {
        &self.funcs
    }

    /// `bpf_func_info` records, 8 bytes each.
    pub fn func_info(&self) -> &[u8] {
        &self.func_info
    }

    /// `bpf_line_info` records, 16 bytes each.
    pub fn line_info(&self) -> &[u8] {
        &self.line_info
    }

    /// Number of line records.
    pub fn line_count(&self) -> usize {
        self.line_info.len() / 16
    }

    /// The BTF of `program` (already in `slots`, with `slot_map` giving each slot's
    /// location), loaded as `prog_type` under the name `name`.
    pub fn build(
        name: &str,
        prog_type: ProgramType,
        program: &Program,
        slots: &[RawInsn],
        slot_map: &SourceMap,
    ) -> Result<ProgramBtf> {
        let mut b = Builder::new();
        let added = add_program(&mut b, name, prog_type, program, slots, slot_map)?;
        let mut func_info = Vec::with_capacity(added.funcs.len() * 8);
        for (f, id) in added.funcs.iter().zip(&added.func_ids) {
            func_info.extend_from_slice(&f.slot.to_ne_bytes());
            func_info.extend_from_slice(&id.to_ne_bytes());
        }
        Ok(ProgramBtf {
            blob: b.encode(),
            funcs: added.funcs,
            func_info,
            line_info: added.line_info,
        })
    }
}

/// A program's functions and lines, added to a [`Builder`] that may hold other
/// programs' too (the ELF writer puts every program of an object into one `.BTF`).
pub(crate) struct AddedBtf {
    /// The functions, in slot order.
    pub funcs: Vec<BtfFunc>,
    /// The FUNC type id of each function.
    pub func_ids: Vec<TypeId>,
    /// `bpf_line_info` records (slot, file, line text, line << 10 | column), in this
    /// machine's byte order.
    pub line_info: Vec<u8>,
}

/// Adds the FUNC types and line strings of `program` (see [`ProgramBtf::build`]) to `b`.
pub(crate) fn add_program(
    b: &mut Builder,
    name: &str,
    prog_type: ProgramType,
    program: &Program,
    slots: &[RawInsn],
    slot_map: &SourceMap,
) -> Result<AddedBtf> {
    let funcs = functions(name, prog_type, program, slots);
    let types = BaseTypes::add(b, ctx_struct(prog_type)).map_err(btf_error)?;
    let mut func_ids = Vec::with_capacity(funcs.len());
    for f in &funcs {
        func_ids.push(add_func(b, &types, f).map_err(btf_error)?);
    }
    let line_info = line_records(b, program, slots, slot_map, &funcs)?;
    Ok(AddedBtf {
        funcs,
        func_ids,
        line_info,
    })
}

fn btf_error(e: ebpf_btf::Error) -> Error {
    Error::InvalidArgument(format!("building the program's BTF: {e}"))
}

/// The types every function's prototype uses.
struct BaseTypes {
    long: TypeId,
    u64: TypeId,
    /// Pointer to the context struct, when the program type has one.
    ctx_ptr: Option<TypeId>,
}

impl BaseTypes {
    fn add(b: &mut Builder, ctx: Option<&str>) -> ebpf_btf::Result<BaseTypes> {
        let int = |name, signed| Type {
            name,
            kind: TypeKind::Int(Int::new(8, signed)),
        };
        let long = b.add(&int("long", true))?;
        let u64 = b.add(&int("unsigned long", false))?;
        let ctx_ptr = match ctx {
            Some(name) => {
                // The kernel matches a global function's context argument by the
                // struct's name; its members do not matter.
                let s = b.add(&Type {
                    name,
                    kind: TypeKind::Struct(Composite {
                        size: 0,
                        bitfields: false,
                        members: Vec::new(),
                    }),
                })?;
                Some(b.add(&Type {
                    name: "",
                    kind: TypeKind::Ptr(s),
                })?)
            }
            None => None,
        };
        Ok(BaseTypes { long, u64, ctx_ptr })
    }
}

/// FUNC_PROTO then FUNC for `f`; returns the FUNC's id.
fn add_func(b: &mut Builder, t: &BaseTypes, f: &BtfFunc) -> ebpf_btf::Result<TypeId> {
    const NAMES: [&str; 5] = ["r1", "r2", "r3", "r4", "r5"];
    let params = f
        .params
        .iter()
        .zip(NAMES)
        .map(|(&ctx, name)| Param {
            name,
            ty: if ctx {
                t.ctx_ptr.unwrap_or(t.u64)
            } else {
                t.u64
            },
        })
        .collect();
    let proto = b.add(&Type {
        name: "",
        kind: TypeKind::FuncProto(FuncProto {
            ret: t.long,
            params,
        }),
    })?;
    b.add(&Type {
        name: &f.name,
        kind: TypeKind::Func(Func {
            proto,
            linkage: if f.global {
                Linkage::Global
            } else {
                Linkage::Static
            },
        }),
    })
}

/// The struct the kernel's context pointer of `t` points to, as global functions name it.
fn ctx_struct(t: ProgramType) -> Option<&'static str> {
    use ProgramType::*;
    Some(match t {
        SocketFilter | SchedCls | SchedAct | CgroupSkb | LwtIn | LwtOut | LwtXmit
        | LwtSeg6local | SkSkb | FlowDissector => "__sk_buff",
        Xdp => "xdp_md",
        PerfEvent => "bpf_perf_event_data",
        RawTracepoint | RawTracepointWritable => "bpf_raw_tracepoint_args",
        CgroupSock => "bpf_sock",
        SockOps => "bpf_sock_ops",
        SkMsg => "sk_msg_md",
        CgroupSockAddr => "bpf_sock_addr",
        CgroupSysctl => "bpf_sysctl",
        CgroupSockopt => "bpf_sockopt",
        SkLookup => "bpf_sk_lookup",
        SkReuseport => "sk_reuseport_md",
        CgroupDevice => "bpf_cgroup_dev_ctx",
        Netfilter => "bpf_nf_ctx",
        _ => return None,
    })
}

/// Where the kernel finds subprograms: slot 0, the target of every bpf-to-bpf call
/// (`call` with src 1) and of every function address (`ld_imm64` with src 4).
pub(crate) fn function_starts(slots: &[RawInsn]) -> Vec<u32> {
    let mut starts = vec![0u32];
    for (i, s) in slots.iter().enumerate() {
        let pseudo_call = s.code == 0x85 && s.src == 1;
        let pseudo_func = s.code == 0x18 && s.src == 4;
        if pseudo_call || pseudo_func {
            let to = i as i64 + i64::from(s.imm) + 1;
            if let Ok(to) = u32::try_from(to) {
                if (to as usize) < slots.len() {
                    starts.push(to);
                }
            }
        }
    }
    starts.sort_unstable();
    starts.dedup();
    starts
}

fn functions(
    name: &str,
    prog_type: ProgramType,
    program: &Program,
    slots: &[RawInsn],
) -> Vec<BtfFunc> {
    let starts = function_starts(slots);
    let mut names: HashMap<usize, &str> = HashMap::new();
    for (i, l) in program.labels().iter().rev() {
        if let Some(slot) = program.slot_of(*i) {
            names.insert(slot, l.as_str());
        }
    }
    let has_ctx = ctx_struct(prog_type).is_some();
    starts
        .iter()
        .enumerate()
        .map(|(k, &slot)| {
            let end = starts.get(k + 1).map_or(slots.len(), |&e| e as usize);
            let label = names.get(&(slot as usize)).copied();
            let global = slot != 0 && label.is_some_and(|l| program.is_global(l));
            let params = match global {
                true => params(&slots[slot as usize..end], has_ctx),
                false => Vec::new(),
            };
            let raw_name = match (slot, label) {
                (0, None) => name,
                (_, Some(l)) => l,
                (_, None) => "",
            };
            BtfFunc {
                slot,
                name: identifier(raw_name, slot),
                global,
                params,
            }
        })
        .collect()
}

/// `name` as a C identifier (what the kernel accepts for a FUNC): other characters
/// become `_`; an empty name becomes `func_<slot>`.
fn identifier(name: &str, slot: u32) -> String {
    if name.is_empty() {
        return format!("func_{slot}");
    }
    let mut s: String = name
        .chars()
        .map(|c| match c.is_ascii_alphanumeric() {
            true => c,
            false => '_',
        })
        .collect();
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    s
}

/// The parameters of a global function: r1..r5 that its body reads before writing them
/// (reading instructions in order; a call or `ld_abs` writes r1..r5), up to the last
/// one read. r1 is a pointer to the context when the function loads or stores through
/// it or copies it before writing it, and the program type has a context; all others
/// are u64.
pub(crate) fn params(body: &[RawInsn], has_ctx: bool) -> Vec<bool> {
    let mut written = [false; 11];
    let mut read = [false; 6];
    let mut r1_ptr = false;
    let mut skip = false;
    for s in body {
        if std::mem::take(&mut skip) {
            continue;
        }
        let u = uses(s);
        for r in u.reads.into_iter().flatten() {
            if (1..=5).contains(&r) && !written[r as usize] {
                read[r as usize] = true;
                if r == 1 && u.ptr_use {
                    r1_ptr = true;
                }
            }
        }
        for r in u.writes {
            written[r as usize] = true;
        }
        skip = s.code == 0x18;
    }
    let n = (1..=5).rev().find(|&r| read[r]).unwrap_or(0);
    (1..=n).map(|r| r == 1 && r1_ptr && has_ctx).collect()
}

/// What one slot reads and writes; `ptr_use`: its source/base register is used as a
/// pointer (memory base) or copied whole.
struct Uses {
    reads: [Option<u8>; 3],
    writes: Vec<u8>,
    ptr_use: bool,
}

fn uses(s: &RawInsn) -> Uses {
    let x = s.code & 0x08 != 0;
    let op = s.code & 0xf0;
    let mut u = Uses {
        reads: [None; 3],
        writes: Vec::new(),
        ptr_use: false,
    };
    match s.code & 0x07 {
        // ALU, ALU64
        4 | 7 => {
            let is_mov = op == 0xb0;
            u.reads = [(!is_mov).then_some(s.dst), x.then_some(s.src), None];
            u.ptr_use = is_mov && x && s.code & 0x07 == 7;
            u.writes.push(s.dst);
        }
        // LDX: base src
        1 => {
            u.reads[0] = Some(s.src);
            u.ptr_use = true;
            u.writes.push(s.dst);
        }
        // ST, STX: base dst
        2 | 3 => {
            u.reads = [Some(s.dst), (s.code & 0x07 == 3).then_some(s.src), None];
            u.ptr_use = s.dst == 1;
        }
        // JMP, JMP32
        5 | 6 => match op {
            0x00 => {}
            0x80 => u.writes.extend(0..=5),
            0x90 => u.reads[0] = Some(0),
            _ => u.reads = [Some(s.dst), x.then_some(s.src), None],
        },
        // LD: ld_imm64 writes dst; ld_abs/ld_ind read r6 (and src) and clobber r0..r5
        _ => match s.code & 0xe0 {
            0x20 | 0x40 => {
                u.reads = [Some(6), (s.code & 0xe0 == 0x40).then_some(s.src), None];
                u.writes.extend(0..=5);
            }
            _ => u.writes.push(s.dst),
        },
    }
    u
}

/// One `bpf_line_info` per instruction with a location (not the second slot of a
/// 64-bit load), plus one at each function's first slot, which the kernel requires.
fn line_records(
    b: &mut Builder,
    program: &Program,
    slots: &[RawInsn],
    slot_map: &SourceMap,
    funcs: &[BtfFunc],
) -> Result<Vec<u8>> {
    let mut lines = LineTexts::default();
    let mut out = Vec::with_capacity(slots.len() * 16);
    let mut starts = funcs.iter().map(|f| f.slot as usize).peekable();
    // The file of the previous record and its string offset: files rarely change.
    let mut last_file: Option<(Arc<str>, u32)> = None;
    for (index, insn) in program.insns().iter().enumerate() {
        let Some(slot) = program.slot_of(index) else {
            continue;
        };
        let is_start = starts.next_if_eq(&slot).is_some();
        let loc = slot_map.get(slot);
        let (file, line, column) = match &loc {
            Some(l) => (l.file.clone(), l.line, l.column),
            None if is_start => (Arc::from(""), 0, 0),
            None => continue,
        };
        let text: Cow<'_, str> = match lines.line(program.source_map(), &file, line) {
            Some(t) => Cow::Borrowed(t.trim()),
            None => Cow::Owned(insn.to_string()),
        };
        let line_off = match text.contains('\0') {
            true => b.add_str(&text.replace('\0', " ")),
            false => b.add_str(&text),
        }
        .map_err(btf_error)?;
        let file_off = match &last_file {
            Some((f, off)) if *f == file => *off,
            _ => {
                let off = b.add_str(&file).map_err(btf_error)?;
                last_file = Some((file, off));
                off
            }
        };
        // line_col: the line in the top 22 bits, the column in the low 10.
        let line_col = (line.min(0x3f_ffff) << 10) | column.min(0x3ff);
        for word in [slot as u32, file_off, line_off, line_col] {
            out.extend_from_slice(&word.to_ne_bytes());
        }
    }
    Ok(out)
}

/// A file's text and where each of its lines starts.
type IndexedText = (Arc<str>, Vec<usize>);

/// Line lookup in the texts a source map carries, each file's line starts found once.
#[derive(Default)]
struct LineTexts {
    /// Per file: its text, indexed (`None`: the map has no text for it).
    files: Vec<(Arc<str>, Option<IndexedText>)>,
}

impl LineTexts {
    fn line(&mut self, map: &SourceMap, file: &Arc<str>, line: u32) -> Option<&str> {
        let i = match self.files.iter().position(|(f, _)| f == file) {
            Some(i) => i,
            None => {
                let indexed = map.text_of(file).map(|text| {
                    let starts = std::iter::once(0)
                        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                        .collect();
                    (text.clone(), starts)
                });
                self.files.push((file.clone(), indexed));
                self.files.len() - 1
            }
        };
        let (text, starts) = self.files[i].1.as_ref()?;
        let n = usize::try_from(line).ok()?.checked_sub(1)?;
        let start = *starts.get(n)?;
        let end = starts.get(n + 1).map_or(text.len(), |&e| e - 1);
        let l = text.get(start..end)?;
        Some(l.strip_suffix('\r').unwrap_or(l))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ebpf_btf::{Btf, Kind};

    fn build(src: &str, t: ProgramType) -> ProgramBtf {
        let p = ebpf_asm_core::assemble_named("t.s", src).expect("assembles");
        let slots = p.to_raw();
        let map = crate::programs::slot_source_map(&p);
        ProgramBtf::build("prog", t, &p, &slots, &map).expect("builds")
    }

    fn words(b: &[u8]) -> Vec<u32> {
        b.chunks(4)
            .map(|c| u32::from_ne_bytes(c.try_into().expect("4 bytes")))
            .collect()
    }

    #[test]
    fn one_func_per_function_and_a_line_per_instruction() {
        let src = "main:\n  r1 = 1 ll // one\n  call f\n  exit\n.globl f\nf:\n  if r1 > 2 goto +0\n  r0 = *(u32 *)(r2 + 0)\n  exit\n";
        let pb = build(src, ProgramType::SocketFilter);
        let names: Vec<_> = pb
            .funcs()
            .iter()
            .map(|f| (f.slot, f.name.as_str(), f.global))
            .collect();
        assert_eq!(names, [(0, "main", false), (4, "f", true)]);
        // r1 compared (a scalar), r2 used as a base (read): two u64 parameters.
        assert_eq!(pb.funcs()[1].params, [false, false]);
        // Types: long, unsigned long, struct __sk_buff, its pointer, then PROTO + FUNC each.
        assert_eq!(words(pb.func_info()), [0, 6, 4, 8]);
        // Six instructions, the ld_imm64's second slot has no record.
        assert_eq!(pb.line_count(), 6);
        let li = words(pb.line_info());
        assert_eq!(li[0], 0);
        assert_eq!(li[4], 2);
        let btf = Btf::parse(pb.blob()).expect("parses");
        btf.validate().expect("valid");
        let f = btf
            .id_by_name_kind("f", Kind::Func)
            .expect("lookup")
            .expect("f");
        assert!(matches!(
            btf.type_by_id(f).expect("f").kind,
            TypeKind::Func(Func {
                linkage: Linkage::Global,
                ..
            })
        ));
        // Line 2 of t.s, column 3, with its text.
        assert_eq!(li[3], (2 << 10) | 3);
        // The line's text as written (the comment shows it is not printed back).
        assert_eq!(btf.string_at(li[2]).expect("text"), "r1 = 1 ll // one");
        assert_eq!(btf.string_at(li[1]).expect("file"), "t.s");
    }

    #[test]
    fn context_parameters() {
        let ctx = |src: &str| params(&ebpf_asm_core::assemble(src).expect("asm").to_raw(), true);
        assert_eq!(ctx("r6 = r1\nr0 = *(u8 *)skb[0]\nexit"), [true]);
        assert_eq!(ctx("r0 = *(u32 *)(r1 + 0)\nexit"), [true]);
        assert_eq!(ctx("r0 = r3\nr0 += r1\nexit"), [false, false, false]);
        assert_eq!(ctx("r1 = 0\nr0 = r1\nexit"), Vec::<bool>::new());
        assert_eq!(
            ctx("call bpf_ktime_get_ns\nr0 = r1\nexit"),
            Vec::<bool>::new()
        );
        assert_eq!(
            params(
                &ebpf_asm_core::assemble("r6 = r1\nexit")
                    .expect("asm")
                    .to_raw(),
                false
            ),
            [false]
        );
    }

    #[test]
    fn names_become_identifiers() {
        assert_eq!(identifier("a.b-c", 3), "a_b_c");
        assert_eq!(identifier("1x", 3), "_1x");
        assert_eq!(identifier("", 7), "func_7");
    }
}
