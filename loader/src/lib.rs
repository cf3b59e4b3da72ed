//! Load eBPF programs and maps into the Linux kernel through the bpf() syscall, and tell
//! the user precisely why the verifier said no.
//!
//! ```no_run
//! use ebpf_loader::{MapSpec, MapType, ProgramSpec, ProgramType, TestRun, HashMap, BPF_ANY};
//!
//! # fn main() -> Result<(), ebpf_loader::Error> {
//! // A hash map with u32 keys and u64 values.
//! let counts = HashMap::<u32, u64>::new(
//!     MapSpec::new(MapType::Hash, 4, 8, 128).name("counts").create()?,
//! )?;
//! counts.insert(&1, &10, BPF_ANY)?;
//! assert_eq!(counts.get(&1)?, Some(10));
//!
//! // A program from the assembler (`ebpf_asm::program!` writes one at compile time).
//! let pass = ebpf_asm::assemble("r0 = 2\nexit")?;
//! let prog = ProgramSpec::from_program("pass", ProgramType::Xdp, &pass)?.load()?;
//! let out = prog.test_run(&TestRun { data_in: &[0; 64], ..Default::default() })?;
//! assert_eq!(out.retval, 2);
//! # Ok(())
//! # }
//! ```
//!
//! All `unsafe` code lives in the private `sys` module; everything else is safe Rust over
//! [`OwnedFd`](std::os::fd::OwnedFd)s.

#![warn(missing_docs)]
// Checked, not just written down: only `sys` may use `unsafe`.
#![deny(unsafe_code)]

mod collection;
mod elf;
mod errno;
mod error;
pub mod flags;
mod ids;
pub mod link;
mod maps;
mod memlock;
mod names;
mod pin;
pub mod probe;
mod programs;
#[allow(unsafe_code)]
mod sys;

pub mod btf;
/// The BTF crate the loader builds program and map BTF with (for `#[derive(BtfType)]`).
pub use ebpf_btf;
pub use maps::{perf_reader, ringbuf};
pub use programs::{core_match, core_relo, kfunc, verifier_log};

pub use collection::{
    kernel_name, Collection, CollectionMap, CollectionProgram, CollectionSpec, LoadOptions,
    ObjectText,
};
pub use elf::data::{DataSection, Variable};
pub use elf::{is_elf, kernel_btf_features, BtfFeatures};
pub use errno::{errno_name, hint, ENOTSUPP};
pub use error::{Error, Result};
pub use flags::{BPF_ANY, BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST};
pub use ids::{fd_by_id, ids, kernel_btf_fd, Ids, ObjKind};
pub use link::{Link, PerfLink, SocketFilterLink};
pub use maps::{
    map_info, parse_cpu_list, possible_cpus, resolve_map_ids, Array, BatchCursor, BloomFilter,
    HashMap, Keys, Map, MapBtf, MapInfo, MapMmap, MapSlot, MapSpec, MapType, PerCpuArray,
    PerCpuHashMap, Pinning, ProgArray, Queue, Stack, DEFAULT_PIN_DIR,
};
pub use memlock::{memlock_accounting, remove_memlock_rlimit, MemlockAccounting, MemlockOutcome};
pub use names::validate_name;
pub use perf_reader::{PerfEvent, PerfReader, PerfReaderOptions};
pub use pin::{check_bpffs, is_bpffs, open_pinned, pin_fd, unpin, BPF_FS_MAGIC};
pub use programs::{
    program_info, program_jited_ksyms, program_xlated_insns, slot_source_map, AttachType, BtfFunc,
    BtfObject, FdArray, LoadedProgram, ProgramBtf, ProgramInfo, ProgramSpec, ProgramType, TestRun,
    TestRunResult,
};
#[cfg(feature = "tokio")]
pub use ringbuf::AsyncRingBuf;
pub use ringbuf::{Record, RingBuf};
pub use sys::Cmd;
pub use verifier_log::{BtfLoadError, LogAttempt, LogPolicy, VerifierError, VerifierStats};
