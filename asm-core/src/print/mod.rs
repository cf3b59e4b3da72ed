//! Printing instructions in LLVM/llvm-objdump syntax, and the reference of every form.

pub(crate) mod core_text;
pub(crate) mod display;
pub(crate) mod kernel;
pub(crate) mod reference;
mod sink;
