//! What a kernel-translated program holds: the instructions `BPF_OBJ_GET_INFO_BY_FD`
//! returns as `xlated_prog_insns` after the verifier has rewritten a loaded program
//! (`bpftool prog dump xlated`). This is not our encoding: the kernel reuses fields for its
//! own purposes, and some words (a per-CPU address move, `nospec`, the auxiliary register
//! r11) exist only inside it. [`crate::decode_xlated`] reads them; the strict decoder
//! ([`crate::decode`]) refuses them on purpose, since they do not load.
//!
//! What the kernel stores (Linux 6.18, `bpf_insn_prepare_dump` and the JIT's
//! `jit_subprogs`), per form:
//! - bpf-to-bpf call: `src_reg` 1, `off` = the call's relative offset in slots, `imm` =
//!   the callee's subprogram index (for a JIT-ed program; interpreted: an address offset);
//! - helper call: `src_reg` 0, `imm` = the helper's address minus `__bpf_call_base` (a map
//!   helper may now call the map type's own function, `htab_map_update_elem`); only
//!   `bpf_tail_call` is put back as helper number 12;
//! - kfunc call: `src_reg` 2, `imm` = the function's address minus `__bpf_call_base`;
//! - map load: `src_reg` 1 (`BPF_PSEUDO_MAP_FD`) with `imm` = the map's **id**, or 2
//!   (`BPF_PSEUDO_MAP_VALUE`) with the id and the offset into the value in the second
//!   slot's `imm`;
//! - function address (callbacks): `src_reg` 4, `imm` = the relative offset, second
//!   slot's `imm` = the subprogram index;
//! - inlined helpers are ordinary instructions (an array lookup becomes arithmetic, a
//!   hash lookup calls `__htab_map_lookup_elem`, `bpf_get_smp_processor_id` reads a
//!   per-CPU address), except for the kernel-only forms below.

use crate::model::insn::{Call, Imm64, Insn};
use crate::model::reg::Reg;
use crate::model::target::Target;

/// One instruction of a kernel-translated program.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum XlatedInsn {
    /// An instruction whose bytes mean what they mean in a program one loads (a helper
    /// call whose `imm` is a helper number, such as `bpf_tail_call`, is one of these).
    Insn(Insn),
    /// A bpf-to-bpf call: `offset` slots from the next instruction; `imm` is the callee's
    /// subprogram index (an index into `jited_ksyms`) when the program is JIT-ed.
    SubprogCall {
        /// Relative offset of the callee, in slots.
        offset: i16,
        /// Subprogram index (JIT-ed) or interpreter address offset.
        imm: i32,
    },
    /// A call of kernel code at `__bpf_call_base + imm`: a helper (or the map type's own
    /// function) the verifier resolved to its address.
    KernelCall {
        /// Address offset from `__bpf_call_base`.
        imm: i32,
    },
    /// A kfunc call resolved to its address (`__bpf_call_base + imm`).
    KfuncCall {
        /// Address offset from `__bpf_call_base`.
        imm: i32,
        /// fd_array index of the module BTF the kfunc came from (0: vmlinux).
        module: i16,
    },
    /// `dst = map[id:N]`: the address of a map, given by its kernel-wide id.
    Map {
        /// Destination register.
        dst: Reg,
        /// Map id (`bpftool map show id N`).
        id: u32,
    },
    /// `dst = map[id:N][0]+offset`: an address inside the value of an array map.
    MapValue {
        /// Destination register.
        dst: Reg,
        /// Map id.
        id: u32,
        /// Byte offset into the value.
        offset: u32,
    },
    /// `dst = subprog[+offset]`: the address of a subprogram (a callback).
    FuncAddr {
        /// Destination register.
        dst: Reg,
        /// Offset from this instruction's first slot, as in [`Imm64::Func`].
        offset: i32,
        /// Subprogram index.
        subprog: i32,
    },
    /// `dst = &(void __percpu *)(src)`: `src` plus this CPU's per-CPU base (`mov` with
    /// `off` = -1, the kernel's `BPF_ADDR_PERCPU`).
    PercpuAddr {
        /// Destination register.
        dst: Reg,
        /// Per-CPU address.
        src: Reg,
    },
    /// `nospec`: a speculation barrier (`BPF_ST | BPF_NOSPEC`, opcode 0xc2).
    Nospec,
    /// An instruction using the kernel's auxiliary register r11 (`BPF_REG_AX`, used by
    /// rewrites such as `may_goto` and signed division): `insn` with `ax` standing for
    /// r11 wherever r11 was written.
    WithAx {
        /// The instruction, r11 replaced by `ax`.
        insn: Insn,
        /// The register that stands for r11 in `insn` (one the slot does not use).
        ax: Reg,
    },
}

impl XlatedInsn {
    /// How many 8-byte slots the instruction occupies.
    pub fn slots(&self) -> usize {
        match self {
            XlatedInsn::Insn(i) | XlatedInsn::WithAx { insn: i, .. } => i.slots(),
            XlatedInsn::Map { .. } | XlatedInsn::MapValue { .. } | XlatedInsn::FuncAddr { .. } => 2,
            _ => 1,
        }
    }

    /// The nearest instruction of the model, for reading a translated program as a
    /// [`Program`](crate::Program): calls and function addresses keep their targets (so
    /// labels can name them); a kernel call keeps its bytes as `call IMM` (the address
    /// offset, not a helper number); a map load keeps its bytes as
    /// `ld_pseudo rN, 1, ID` (an id where a loaded program has an fd); the kernel-only
    /// words (`nospec`, per-CPU address, r11) become `.8byte` words of `raw`, the
    /// instruction's first slot.
    pub fn to_insn(&self, raw: u64) -> Insn {
        match self {
            XlatedInsn::Insn(i) => i.clone(),
            XlatedInsn::SubprogCall { offset, .. } => {
                Insn::Call(Call::Local(Target::Offset(i32::from(*offset))))
            }
            XlatedInsn::KernelCall { imm } => Insn::Call(Call::Helper(*imm)),
            XlatedInsn::KfuncCall { imm, module } => Insn::Call(Call::Kfunc {
                btf_id: *imm,
                module: *module,
            }),
            XlatedInsn::Map { dst, id } => Insn::LdImm64 {
                dst: *dst,
                imm: Imm64::MapFd(*id as i32),
            },
            XlatedInsn::MapValue { dst, id, offset } => Insn::LdImm64 {
                dst: *dst,
                imm: Imm64::MapValue {
                    fd: *id as i32,
                    offset: *offset as i32,
                },
            },
            XlatedInsn::FuncAddr { dst, offset, .. } => Insn::LdImm64 {
                dst: *dst,
                imm: Imm64::Func(Target::Offset(*offset)),
            },
            XlatedInsn::PercpuAddr { .. } | XlatedInsn::Nospec | XlatedInsn::WithAx { .. } => {
                Insn::Raw(raw)
            }
        }
    }
}
