//! Programs: instructions with labels, references and source locations; the Editor that
//! rewrites references; the control-flow graph.

pub(crate) mod cfg;
pub(crate) mod editor;
mod listing;
#[allow(clippy::module_inception)]
pub(crate) mod program;
pub(crate) mod source_map;
pub(crate) mod xlated;
