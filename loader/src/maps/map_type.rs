//! [`MapType`]: the kernel's map types, generated from its BTF in `ebpf-asm-core` (which
//! the object-file parser shares) and re-exported here.

pub use ebpf_asm_core::MapType;
