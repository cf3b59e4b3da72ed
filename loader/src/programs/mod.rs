//! Programs: what to load ([`ProgramSpec`]), the loaded program ([`LoadedProgram`]), its type,
//! the verifier log, test runs, kernel info and the bridge to the assembler.

mod asm_program;
mod btf_cache;
mod btf_info;
mod btf_load_path;
mod btf_object;
mod core_cands;
pub mod core_match;
pub mod core_relo;
mod fd_array;
mod info;
mod kernel_refs;
pub mod kfunc;
mod loaded;
pub(crate) mod program_type;
mod spec;
mod test_run;
pub mod verifier_log;
mod xlated;

pub use asm_program::slot_source_map;
pub(crate) use btf_cache::BtfCache;
pub(crate) use btf_info::add_program as add_program_btf;
pub use btf_info::{BtfFunc, ProgramBtf};
pub use btf_object::BtfObject;
pub use fd_array::FdArray;
pub use info::{program_info, program_jited_ksyms, program_xlated_insns, ProgramInfo};
pub use loaded::LoadedProgram;
pub use program_type::{AttachType, ProgramType};
pub use spec::ProgramSpec;
pub(crate) use spec::RETURN_0;
pub use test_run::{TestRun, TestRunResult};
