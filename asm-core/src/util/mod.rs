//! Small pieces the stages share: a fast hash map for names, and byte-parallel scans.

pub(crate) mod hash;
pub(crate) mod swar;
