//! The text assembler: text in, a [`Program`](crate::Program) or the kernel's slots out,
//! large inputs parsed in parts on several threads.

pub(crate) mod assembler;
pub(crate) mod bytecode;
pub(crate) mod chunks;
pub(crate) mod one_piece;
#[cfg(test)]
mod paste_tests;
pub(crate) mod pasted;
#[cfg(test)]
mod tests;
