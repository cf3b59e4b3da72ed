//! The compile-time eBPF assembler behind `ebpf_asm::program!`.
#![forbid(unsafe_code)]
