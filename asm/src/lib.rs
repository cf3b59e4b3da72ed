//! ebpf-asm: write eBPF programs in Rust source.
#![forbid(unsafe_code)]
pub use ebpf_asm_core::*;
