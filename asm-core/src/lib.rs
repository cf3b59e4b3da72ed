//! The core of ebpf-asm: the eBPF instruction model, its encoding to and decoding from the
//! kernel's 8-byte slots, printing in LLVM syntax, and the one grammar that both the text
//! assembler and the compile-time `program!` macro parse.
//!
//! Users depend on `ebpf-asm`, which re-exports everything here; this crate exists so the
//! proc-macro crate can use the same parser and encoder at compile time.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod assemble;
mod codec;
mod model;
mod object;
mod print;
mod program;
/// The one grammar's moving parts, for the `program!` macro only: not a stable API.
#[doc(hidden)]
pub mod syntax;
mod util;

pub use assemble::assembler::{assemble, assemble_bytecode, assemble_named, Assembler};
pub use assemble::bytecode::Bytecode;
pub use codec::decode::{
    decode, decode_iter, decode_one, decode_xlated, decode_xlated_iter, decode_xlated_one,
    slots_of, DecodeError,
};
pub use codec::encode::{encode_all, EncodeError};
pub use codec::hex;
pub use model::core_relo::{CoreAccess, CoreExpr, CoreKind, CoreRelo, FixField, PathText};
pub use model::insn::*;
pub use model::kernel::{helpers, AttachType, MapType, ProgramType, KERNEL_RELEASE};
pub use model::kernel_enum::UnknownKernelName;
pub use model::opcode;
pub use model::raw::{Encoded, RawInsn};
pub use model::reg::Reg::*;
pub use model::reg::{Reg, RegAt, Width};
pub use model::target::{Label, Target, TargetMut, TargetRef};
pub use model::xlated::XlatedInsn;
pub use object::{
    is_writable_name, name_text, parse_object, parse_value_symbol, section_def, value_symbol,
    BtfTarget, BtfTargetKind, MapDef, MapValue, ObjectSpec, ProgramDef, SectionDef, SectionTarget,
    SlotDef, SlotTarget, VarDef, SECTIONS,
};
pub use print::display::PrintOptions;
pub use print::kernel::KernelSymbols;
pub use print::reference::{instruction_forms, instruction_reference};
pub use program::cfg::{Block, Cfg, EdgeKind};
pub use program::editor::{EditError, Editor, RefKind, Reference};
pub use program::program::{Program, ProgramError};
pub use program::source_map::{SourceLoc, SourceMap};
pub use program::xlated::XlatedProgram;
pub use syntax::diag::{AsmError, Diagnostic};
pub use syntax::errors::MAX_KEPT_ERRORS;
