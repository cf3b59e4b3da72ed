//! Encoding the model to the kernel's 8-byte slots and decoding it back: total functions,
//! byte-exact with LLVM.

pub(crate) mod decode;
pub(crate) mod encode;
pub mod hex;
