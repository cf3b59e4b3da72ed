//! Flag constants of the bpf() syscall (values from the kernel's uapi).

/// Map update: create or replace.
pub const BPF_ANY: u64 = 0;
/// Map update: create only; EEXIST if the key exists.
pub const BPF_NOEXIST: u64 = 1;
/// Map update: replace only; ENOENT if the key is missing.
pub const BPF_EXIST: u64 = 2;
/// Map lookup/update: take the value's `bpf_spin_lock`.
pub const BPF_F_LOCK: u64 = 4;

/// Map creation: do not preallocate elements (required by LPM tries).
pub const BPF_F_NO_PREALLOC: u32 = 1 << 0;
/// Map creation: per-CPU LRU lists.
pub const BPF_F_NO_COMMON_LRU: u32 = 1 << 1;
/// Map creation: `numa_node` is valid.
pub const BPF_F_NUMA_NODE: u32 = 1 << 2;
/// Map creation / object get: read-only for user space.
pub const BPF_F_RDONLY: u32 = 1 << 3;
/// Map creation / object get: write-only for user space.
pub const BPF_F_WRONLY: u32 = 1 << 4;
/// Map creation: zero hash seed (testing).
pub const BPF_F_ZERO_SEED: u32 = 1 << 6;
/// Map creation: read-only for programs.
pub const BPF_F_RDONLY_PROG: u32 = 1 << 7;
/// Map creation: write-only for programs.
pub const BPF_F_WRONLY_PROG: u32 = 1 << 8;
/// Map creation: the array may be mmapped.
pub const BPF_F_MMAPABLE: u32 = 1 << 10;
/// Map creation: inner map of a map-of-maps with differing max_entries.
pub const BPF_F_INNER_MAP: u32 = 1 << 12;

/// Program load: strict alignment checks.
pub const BPF_F_STRICT_ALIGNMENT: u32 = 1 << 0;
/// Program load: allow any alignment.
pub const BPF_F_ANY_ALIGNMENT: u32 = 1 << 1;
/// Program load: the program may sleep (required by syscall programs).
pub const BPF_F_SLEEPABLE: u32 = 1 << 4;
/// Program load: XDP program understands multi-buffer frames.
pub const BPF_F_XDP_HAS_FRAGS: u32 = 1 << 5;

/// Test run: run on the CPU given in `cpu`.
pub const BPF_F_TEST_RUN_ON_CPU: u32 = 1 << 0;
/// Test run: XDP live frames mode.
pub const BPF_F_TEST_XDP_LIVE_FRAMES: u32 = 1 << 1;

/// Verifier log level: print errors and the instructions on the failing path.
pub const BPF_LOG_LEVEL1: u32 = 1;
/// Verifier log level: print every instruction.
pub const BPF_LOG_LEVEL2: u32 = 2;
/// Verifier log level: statistics only.
pub const BPF_LOG_STATS: u32 = 4;
/// Verifier log: keep the head instead of rotating (for truncated logs).
pub const BPF_LOG_FIXED: u32 = 8;
