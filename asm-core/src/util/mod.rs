//! Small pieces the stages share: a hash map and an index for names, and byte-parallel
//! scans.

pub(crate) mod hash;
pub(crate) mod name_index;
pub(crate) mod swar;
