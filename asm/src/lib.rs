//! Write eBPF programs in Rust source, no clang: the instruction model, an exact
//! LLVM-syntax assembler and disassembler, and the compile-time [`program!`] macro.
//!
//! ```
//! const STEP: i32 = 1;
//! let prog = ebpf_asm::program! {
//!     r1 = 0
//!     *(u32 *)(r10 - 4) = r1
//!     r2 = r10; r2 += -4
//!     r1 = counters ll            // map reference, resolved later by the Editor
//!     call bpf_map_lookup_elem
//!     if r0 == 0 goto out
//!     r1 = {STEP}                 // a Rust expression as an immediate
//!     lock *(u64 *)(r0 + 0) += r1
//! out:
//!     r0 = 2
//!     exit
//! };
//! assert_eq!(prog.len(), 11);
//! assert_eq!(prog.insns()[6].to_string(), "if r0 == 0 goto out");
//! // The same text through the runtime assembler gives the same bytes.
//! let text = ebpf_asm::assemble(&prog.to_string()).unwrap();
//! assert_eq!(text.to_bytes(), prog.to_bytes());
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub use ebpf_asm_core::*;
pub use ebpf_asm_macros::{include_asm, program};

#[doc(hidden)]
pub mod __private;
