//! `#[repr(C)]` attribute structs of the bpf() syscall and the info structs it fills.
//!
//! Layouts come from the kernel's BTF (Linux 6.18), not from the 6.1 uapi header installed
//! on the build machine: every field named after a kernel field (`= KERNEL_NAME`) is
//! checked at compile time against the offsets and sizes in `sys/generated/layouts.rs`,
//! which `cargo run -p xtask -- gen-tables` generates from BTF. Every struct spells out its
//! padding as explicit fields so that it has no uninitialised bytes and can be copied as
//! bytes.

use super::generated::layouts;

/// Size of `union bpf_attr` (168 bytes on Linux 6.18); every call passes a buffer this big.
pub const ATTR_SIZE: usize = layouts::bpf_attr::SIZE;

/// Marker for attribute structs that may be copied into the zeroed `bpf_attr` buffer.
///
/// # Safety
/// The implementing type must be `#[repr(C)]`, at most [`ATTR_SIZE`] bytes, contain only
/// integers (no implicit padding), and accept any bit pattern.
pub(crate) unsafe trait AttrStruct: Copy {}

/// Marker for the `bpf_*_info` structs the kernel fills (they may exceed [`ATTR_SIZE`]).
///
/// # Safety
/// Same as [`AttrStruct`] except for the size limit.
pub(crate) unsafe trait InfoStruct: Copy + Default {}

macro_rules! attr_structs {
    ($tr:ident, $limit:expr; $(
        $(#[$m:meta])* pub(crate) struct $name:ident in $($layout:ident)::+ {
            $( $(#[$fm:meta])* pub(crate) $field:ident : $ty:ty $(= $kernel:ident)?, )*
        }
    )*) => {
        $(
            $(#[$m])*
            #[repr(C)]
            #[derive(Clone, Copy, Debug, Default)]
            pub(crate) struct $name { $( $(#[$fm])* pub(crate) $field: $ty, )* }
            // SAFETY: every field is an integer or an integer array, padding is explicit,
            // and the size is checked against the limit at compile time just below.
            unsafe impl $tr for $name {}
            const _: () = assert!(core::mem::size_of::<$name>() <= $limit);
            // Every field named after a kernel field sits where the kernel's BTF puts it
            // and has its size (the generated layouts); the others are padding.
            const _: () = {
                use $($layout)::+ as kernel;
                $($(
                    assert!(
                        core::mem::offset_of!($name, $field) == kernel::$kernel.offset
                            && core::mem::size_of::<$ty>() == kernel::$kernel.size,
                        concat!(
                            stringify!($name), ".", stringify!($field),
                            " is not where the kernel has it: run `cargo run -p xtask -- gen-tables`",
                            " and fix the struct"
                        )
                    );
                )?)*
            };
        )*
    };
}

attr_structs! {
    AttrStruct, ATTR_SIZE;
    /// `BPF_MAP_CREATE`.
    pub(crate) struct MapCreateAttr in layouts::bpf_attr::map_type {
        pub(crate) map_type: u32 = MAP_TYPE,
        pub(crate) key_size: u32 = KEY_SIZE,
        pub(crate) value_size: u32 = VALUE_SIZE,
        pub(crate) max_entries: u32 = MAX_ENTRIES,
        pub(crate) map_flags: u32 = MAP_FLAGS,
        pub(crate) inner_map_fd: u32 = INNER_MAP_FD,
        pub(crate) numa_node: u32 = NUMA_NODE,
        pub(crate) map_name: [u8; 16] = MAP_NAME,
        pub(crate) map_ifindex: u32 = MAP_IFINDEX,
        pub(crate) btf_fd: u32 = BTF_FD,
        pub(crate) btf_key_type_id: u32 = BTF_KEY_TYPE_ID,
        pub(crate) btf_value_type_id: u32 = BTF_VALUE_TYPE_ID,
        pub(crate) btf_vmlinux_value_type_id: u32 = BTF_VMLINUX_VALUE_TYPE_ID,
        pub(crate) map_extra: u64 = MAP_EXTRA,
        pub(crate) value_type_btf_obj_fd: i32 = VALUE_TYPE_BTF_OBJ_FD,
        pub(crate) map_token_fd: i32 = MAP_TOKEN_FD,
        pub(crate) excl_prog_hash: u64 = EXCL_PROG_HASH,
        pub(crate) excl_prog_hash_size: u32 = EXCL_PROG_HASH_SIZE,
        pub(crate) _pad: u32,
    }

    /// `BPF_MAP_{LOOKUP,UPDATE,DELETE}_ELEM`, `BPF_MAP_GET_NEXT_KEY`, `BPF_MAP_FREEZE`.
    pub(crate) struct MapElemAttr in layouts::bpf_attr::map_fd {
        pub(crate) map_fd: u32 = MAP_FD,
        pub(crate) _pad: u32,
        pub(crate) key: u64 = KEY,
        /// `value` or `next_key`.
        pub(crate) value: u64 = VALUE,
        pub(crate) flags: u64 = FLAGS,
    }

    /// `BPF_MAP_*_BATCH`.
    pub(crate) struct MapBatchAttr in layouts::bpf_attr::batch {
        pub(crate) in_batch: u64 = IN_BATCH,
        pub(crate) out_batch: u64 = OUT_BATCH,
        pub(crate) keys: u64 = KEYS,
        pub(crate) values: u64 = VALUES,
        pub(crate) count: u32 = COUNT,
        pub(crate) map_fd: u32 = MAP_FD,
        pub(crate) elem_flags: u64 = ELEM_FLAGS,
        pub(crate) flags: u64 = FLAGS,
    }

    /// `BPF_PROG_LOAD`.
    pub(crate) struct ProgLoadAttr in layouts::bpf_attr::prog_type {
        pub(crate) prog_type: u32 = PROG_TYPE,
        pub(crate) insn_cnt: u32 = INSN_CNT,
        pub(crate) insns: u64 = INSNS,
        pub(crate) license: u64 = LICENSE,
        pub(crate) log_level: u32 = LOG_LEVEL,
        pub(crate) log_size: u32 = LOG_SIZE,
        pub(crate) log_buf: u64 = LOG_BUF,
        pub(crate) kern_version: u32 = KERN_VERSION,
        pub(crate) prog_flags: u32 = PROG_FLAGS,
        pub(crate) prog_name: [u8; 16] = PROG_NAME,
        pub(crate) prog_ifindex: u32 = PROG_IFINDEX,
        pub(crate) expected_attach_type: u32 = EXPECTED_ATTACH_TYPE,
        pub(crate) prog_btf_fd: u32 = PROG_BTF_FD,
        pub(crate) func_info_rec_size: u32 = FUNC_INFO_REC_SIZE,
        pub(crate) func_info: u64 = FUNC_INFO,
        pub(crate) func_info_cnt: u32 = FUNC_INFO_CNT,
        pub(crate) line_info_rec_size: u32 = LINE_INFO_REC_SIZE,
        pub(crate) line_info: u64 = LINE_INFO,
        pub(crate) line_info_cnt: u32 = LINE_INFO_CNT,
        pub(crate) attach_btf_id: u32 = ATTACH_BTF_ID,
        /// `attach_prog_fd` or `attach_btf_obj_fd`.
        pub(crate) attach_prog_fd: u32 = ATTACH_PROG_FD,
        pub(crate) core_relo_cnt: u32 = CORE_RELO_CNT,
        pub(crate) fd_array: u64 = FD_ARRAY,
        pub(crate) core_relos: u64 = CORE_RELOS,
        pub(crate) core_relo_rec_size: u32 = CORE_RELO_REC_SIZE,
        /// Offset 140: the log size the kernel needed, including the NUL (6.4+).
        pub(crate) log_true_size: u32 = LOG_TRUE_SIZE,
        pub(crate) prog_token_fd: i32 = PROG_TOKEN_FD,
        pub(crate) fd_array_cnt: u32 = FD_ARRAY_CNT,
        pub(crate) signature: u64 = SIGNATURE,
        pub(crate) signature_size: u32 = SIGNATURE_SIZE,
        pub(crate) keyring_id: i32 = KEYRING_ID,
    }

    /// `BPF_BTF_LOAD`.
    pub(crate) struct BtfLoadAttr in layouts::bpf_attr::btf {
        pub(crate) btf: u64 = BTF,
        pub(crate) btf_log_buf: u64 = BTF_LOG_BUF,
        pub(crate) btf_size: u32 = BTF_SIZE,
        pub(crate) btf_log_size: u32 = BTF_LOG_SIZE,
        pub(crate) btf_log_level: u32 = BTF_LOG_LEVEL,
        pub(crate) btf_log_true_size: u32 = BTF_LOG_TRUE_SIZE,
        pub(crate) btf_flags: u32 = BTF_FLAGS,
        pub(crate) btf_token_fd: i32 = BTF_TOKEN_FD,
    }

    /// `BPF_OBJ_PIN`, `BPF_OBJ_GET`.
    pub(crate) struct ObjAttr in layouts::bpf_attr::pathname {
        pub(crate) pathname: u64 = PATHNAME,
        pub(crate) bpf_fd: u32 = BPF_FD,
        pub(crate) file_flags: u32 = FILE_FLAGS,
        pub(crate) path_fd: i32 = PATH_FD,
        pub(crate) _pad: u32,
    }

    /// `BPF_PROG_TEST_RUN`.
    pub(crate) struct TestRunAttr in layouts::bpf_attr::test {
        pub(crate) prog_fd: u32 = PROG_FD,
        pub(crate) retval: u32 = RETVAL,
        pub(crate) data_size_in: u32 = DATA_SIZE_IN,
        pub(crate) data_size_out: u32 = DATA_SIZE_OUT,
        pub(crate) data_in: u64 = DATA_IN,
        pub(crate) data_out: u64 = DATA_OUT,
        pub(crate) repeat: u32 = REPEAT,
        pub(crate) duration: u32 = DURATION,
        pub(crate) ctx_size_in: u32 = CTX_SIZE_IN,
        pub(crate) ctx_size_out: u32 = CTX_SIZE_OUT,
        pub(crate) ctx_in: u64 = CTX_IN,
        pub(crate) ctx_out: u64 = CTX_OUT,
        pub(crate) flags: u32 = FLAGS,
        pub(crate) cpu: u32 = CPU,
        pub(crate) batch_size: u32 = BATCH_SIZE,
        pub(crate) _pad: u32,
    }

    /// `BPF_*_GET_NEXT_ID`, `BPF_*_GET_FD_BY_ID`.
    pub(crate) struct IdAttr in layouts::bpf_attr::start_id {
        /// `start_id`, `prog_id`, `map_id`, `btf_id` or `link_id`.
        pub(crate) id: u32 = START_ID,
        pub(crate) next_id: u32 = NEXT_ID,
        pub(crate) open_flags: u32 = OPEN_FLAGS,
        pub(crate) token_fd: i32 = FD_BY_ID_TOKEN_FD,
    }

    /// `BPF_OBJ_GET_INFO_BY_FD`.
    pub(crate) struct InfoAttr in layouts::bpf_attr::info {
        pub(crate) bpf_fd: u32 = BPF_FD,
        pub(crate) info_len: u32 = INFO_LEN,
        pub(crate) info: u64 = INFO,
    }
}

attr_structs! {
    InfoStruct, 4096;
    /// `struct bpf_map_info` (104 bytes on 6.18).
    pub(crate) struct MapInfoRaw in layouts::bpf_map_info {
        pub(crate) map_type: u32 = TYPE,
        pub(crate) id: u32 = ID,
        pub(crate) key_size: u32 = KEY_SIZE,
        pub(crate) value_size: u32 = VALUE_SIZE,
        pub(crate) max_entries: u32 = MAX_ENTRIES,
        pub(crate) map_flags: u32 = MAP_FLAGS,
        pub(crate) name: [u8; 16] = NAME,
        pub(crate) ifindex: u32 = IFINDEX,
        pub(crate) btf_vmlinux_value_type_id: u32 = BTF_VMLINUX_VALUE_TYPE_ID,
        pub(crate) netns_dev: u64 = NETNS_DEV,
        pub(crate) netns_ino: u64 = NETNS_INO,
        pub(crate) btf_id: u32 = BTF_ID,
        pub(crate) btf_key_type_id: u32 = BTF_KEY_TYPE_ID,
        pub(crate) btf_value_type_id: u32 = BTF_VALUE_TYPE_ID,
        pub(crate) btf_vmlinux_id: u32 = BTF_VMLINUX_ID,
        pub(crate) map_extra: u64 = MAP_EXTRA,
        pub(crate) hash: u64 = HASH,
        pub(crate) hash_size: u32 = HASH_SIZE,
        pub(crate) _pad: u32,
    }

    /// `struct bpf_prog_info` (232 bytes on 6.18).
    pub(crate) struct ProgInfoRaw in layouts::bpf_prog_info {
        pub(crate) prog_type: u32 = TYPE,
        pub(crate) id: u32 = ID,
        pub(crate) tag: [u8; 8] = TAG,
        pub(crate) jited_prog_len: u32 = JITED_PROG_LEN,
        pub(crate) xlated_prog_len: u32 = XLATED_PROG_LEN,
        pub(crate) jited_prog_insns: u64 = JITED_PROG_INSNS,
        pub(crate) xlated_prog_insns: u64 = XLATED_PROG_INSNS,
        pub(crate) load_time: u64 = LOAD_TIME,
        pub(crate) created_by_uid: u32 = CREATED_BY_UID,
        pub(crate) nr_map_ids: u32 = NR_MAP_IDS,
        pub(crate) map_ids: u64 = MAP_IDS,
        pub(crate) name: [u8; 16] = NAME,
        pub(crate) ifindex: u32 = IFINDEX,
        /// Bit 0: `gpl_compatible`.
        pub(crate) gpl_bits: u32,
        pub(crate) netns_dev: u64 = NETNS_DEV,
        pub(crate) netns_ino: u64 = NETNS_INO,
        pub(crate) nr_jited_ksyms: u32 = NR_JITED_KSYMS,
        pub(crate) nr_jited_func_lens: u32 = NR_JITED_FUNC_LENS,
        pub(crate) jited_ksyms: u64 = JITED_KSYMS,
        pub(crate) jited_func_lens: u64 = JITED_FUNC_LENS,
        pub(crate) btf_id: u32 = BTF_ID,
        pub(crate) func_info_rec_size: u32 = FUNC_INFO_REC_SIZE,
        pub(crate) func_info: u64 = FUNC_INFO,
        pub(crate) nr_func_info: u32 = NR_FUNC_INFO,
        pub(crate) nr_line_info: u32 = NR_LINE_INFO,
        pub(crate) line_info: u64 = LINE_INFO,
        pub(crate) jited_line_info: u64 = JITED_LINE_INFO,
        pub(crate) nr_jited_line_info: u32 = NR_JITED_LINE_INFO,
        pub(crate) line_info_rec_size: u32 = LINE_INFO_REC_SIZE,
        pub(crate) jited_line_info_rec_size: u32 = JITED_LINE_INFO_REC_SIZE,
        pub(crate) nr_prog_tags: u32 = NR_PROG_TAGS,
        pub(crate) prog_tags: u64 = PROG_TAGS,
        pub(crate) run_time_ns: u64 = RUN_TIME_NS,
        pub(crate) run_cnt: u64 = RUN_CNT,
        pub(crate) recursion_misses: u64 = RECURSION_MISSES,
        pub(crate) verified_insns: u32 = VERIFIED_INSNS,
        pub(crate) attach_btf_obj_id: u32 = ATTACH_BTF_OBJ_ID,
        pub(crate) attach_btf_id: u32 = ATTACH_BTF_ID,
        pub(crate) _pad: u32,
    }

    /// `struct bpf_btf_info` (32 bytes on 6.18).
    pub(crate) struct BtfInfoRaw in layouts::bpf_btf_info {
        pub(crate) btf: u64 = BTF,
        pub(crate) btf_size: u32 = BTF_SIZE,
        pub(crate) id: u32 = ID,
        pub(crate) name: u64 = NAME,
        pub(crate) name_len: u32 = NAME_LEN,
        pub(crate) kernel_btf: u32 = KERNEL_BTF,
    }
}

// The info structs are the kernel's size (it copies min(ours, its) bytes), and bit 0 of
// `gpl_bits` is the kernel's `gpl_compatible` bit field.
const _: () = {
    use layouts::{bpf_btf_info, bpf_map_info, bpf_prog_info};
    assert!(core::mem::size_of::<BtfInfoRaw>() == bpf_btf_info::SIZE);
    assert!(core::mem::size_of::<MapInfoRaw>() == bpf_map_info::SIZE);
    assert!(core::mem::size_of::<ProgInfoRaw>() == bpf_prog_info::SIZE);
    let gpl = bpf_prog_info::GPL_COMPATIBLE;
    assert!(core::mem::offset_of!(ProgInfoRaw, gpl_bits) * 8 == gpl.bit_offset && gpl.width == 1);
};

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::{offset_of, size_of};

    #[test]
    fn layouts_match_the_kernel_btf() {
        assert_eq!(offset_of!(ProgLoadAttr, prog_name), 48);
        assert_eq!(offset_of!(ProgLoadAttr, expected_attach_type), 68);
        assert_eq!(offset_of!(ProgLoadAttr, attach_btf_id), 108);
        assert_eq!(offset_of!(ProgLoadAttr, fd_array), 120);
        assert_eq!(offset_of!(ProgLoadAttr, log_true_size), 140);
        assert_eq!(size_of::<ProgLoadAttr>(), ATTR_SIZE);
        assert_eq!(offset_of!(MapCreateAttr, map_name), 28);
        assert_eq!(offset_of!(MapCreateAttr, map_extra), 64);
        assert_eq!(offset_of!(MapBatchAttr, count), 32);
        assert_eq!(offset_of!(MapBatchAttr, elem_flags), 40);
        assert_eq!(offset_of!(TestRunAttr, ctx_in), 48);
        assert_eq!(offset_of!(TestRunAttr, cpu), 68);
        assert_eq!(size_of::<MapInfoRaw>(), 104);
        assert_eq!(offset_of!(MapInfoRaw, map_extra), 80);
        assert_eq!(size_of::<ProgInfoRaw>(), 232);
        assert_eq!(offset_of!(ProgInfoRaw, name), 64);
        assert_eq!(offset_of!(ProgInfoRaw, verified_insns), 216);
    }
}
