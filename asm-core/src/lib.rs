//! The core of ebpf-asm: the eBPF instruction model, its encoding to and decoding from the
//! kernel's 8-byte slots, printing in LLVM syntax, and the one grammar that both the text
//! assembler and the compile-time `program!` macro parse.
//!
//! Users depend on `ebpf-asm`, which re-exports everything here; this crate exists so the
//! proc-macro crate can use the same parser and encoder at compile time.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod asm;
mod builder;
mod bytecode;
mod cfg;
mod chunks;
mod constructors;
mod decode;
mod diag;
mod display;
mod editor;
mod encode;
mod event;
mod grammar;
mod hash;
pub mod helpers;
mod insn;
mod lex;
mod number;
mod object;
pub mod opcode;
mod parse;
mod program;
mod raw;
mod reference;
mod reg;
mod source_map;
mod swar;
mod token;

pub use asm::{assemble, assemble_named, Assembler};
pub use bytecode::{assemble_bytecode, Bytecode};
pub use cfg::{Block, Cfg, EdgeKind};
pub use decode::{decode, decode_iter, decode_one, slots_of, DecodeError};
pub use diag::{AsmError, Diagnostic};
pub use editor::{EditError, Editor, RefKind, Reference};
pub use encode::{encode_all, EncodeError};
pub use insn::*;
pub use object::{
    parse_object, section_def, MapDef, ObjectSpec, ProgramDef, SectionDef, SectionTarget,
    MAP_TYPES, SECTIONS,
};
pub use program::{Program, ProgramError};
pub use raw::{Encoded, RawInsn};
pub use reference::{instruction_forms, instruction_reference};
pub use reg::Reg::*;
pub use reg::{Reg, RegAt, Width};
pub use source_map::{SourceLoc, SourceMap};

/// The one grammar's moving parts, for front ends other than text (the `program!` macro).
pub mod syntax {
    pub use crate::builder::{Builder, InsnFixup};
    pub use crate::lex::Lexer;
    pub use crate::number::{parse_literal, Field};
    pub use crate::parse::{parse, Event, FixField, Fixup, ParseError};
    pub use crate::token::{Token, TokenKind, TokenSource};
}
