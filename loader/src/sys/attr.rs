//! `#[repr(C)]` attribute structs of the bpf() syscall and the info structs it fills.
//!
//! Layouts come from the running kernel's BTF (Linux 6.18,
//! `bpftool btf dump file /sys/kernel/btf/vmlinux format c`), not from the 6.1 uapi
//! header installed on the build machine. Every struct spells out its padding as
//! explicit fields so that it has no uninitialised bytes and can be copied as bytes.

/// Size of `union bpf_attr` on Linux 6.18; every call passes a buffer this big.
pub const ATTR_SIZE: usize = 168;

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
    ($tr:ident, $limit:expr; $( $(#[$m:meta])* pub(crate) struct $name:ident { $( $(#[$fm:meta])* pub(crate) $field:ident : $ty:ty, )* } )*) => {
        $(
            $(#[$m])*
            #[repr(C)]
            #[derive(Clone, Copy, Debug, Default)]
            pub(crate) struct $name { $( $(#[$fm])* pub(crate) $field: $ty, )* }
            // SAFETY: every field is an integer or an integer array, padding is explicit,
            // and the size is checked against the limit at compile time just below.
            unsafe impl $tr for $name {}
            const _: () = assert!(core::mem::size_of::<$name>() <= $limit);
        )*
    };
}

attr_structs! {
    AttrStruct, ATTR_SIZE;
    /// `BPF_MAP_CREATE`.
    pub(crate) struct MapCreateAttr {
        pub(crate) map_type: u32,
        pub(crate) key_size: u32,
        pub(crate) value_size: u32,
        pub(crate) max_entries: u32,
        pub(crate) map_flags: u32,
        pub(crate) inner_map_fd: u32,
        pub(crate) numa_node: u32,
        pub(crate) map_name: [u8; 16],
        pub(crate) map_ifindex: u32,
        pub(crate) btf_fd: u32,
        pub(crate) btf_key_type_id: u32,
        pub(crate) btf_value_type_id: u32,
        pub(crate) btf_vmlinux_value_type_id: u32,
        pub(crate) map_extra: u64,
        pub(crate) value_type_btf_obj_fd: i32,
        pub(crate) map_token_fd: i32,
        pub(crate) excl_prog_hash: u64,
        pub(crate) excl_prog_hash_size: u32,
        pub(crate) _pad: u32,
    }

    /// `BPF_MAP_{LOOKUP,UPDATE,DELETE}_ELEM`, `BPF_MAP_GET_NEXT_KEY`, `BPF_MAP_FREEZE`.
    pub(crate) struct MapElemAttr {
        pub(crate) map_fd: u32,
        pub(crate) _pad: u32,
        pub(crate) key: u64,
        /// `value` or `next_key`.
        pub(crate) value: u64,
        pub(crate) flags: u64,
    }

    /// `BPF_MAP_*_BATCH`.
    pub(crate) struct MapBatchAttr {
        pub(crate) in_batch: u64,
        pub(crate) out_batch: u64,
        pub(crate) keys: u64,
        pub(crate) values: u64,
        pub(crate) count: u32,
        pub(crate) map_fd: u32,
        pub(crate) elem_flags: u64,
        pub(crate) flags: u64,
    }

    /// `BPF_PROG_LOAD`.
    pub(crate) struct ProgLoadAttr {
        pub(crate) prog_type: u32,
        pub(crate) insn_cnt: u32,
        pub(crate) insns: u64,
        pub(crate) license: u64,
        pub(crate) log_level: u32,
        pub(crate) log_size: u32,
        pub(crate) log_buf: u64,
        pub(crate) kern_version: u32,
        pub(crate) prog_flags: u32,
        pub(crate) prog_name: [u8; 16],
        pub(crate) prog_ifindex: u32,
        pub(crate) expected_attach_type: u32,
        pub(crate) prog_btf_fd: u32,
        pub(crate) func_info_rec_size: u32,
        pub(crate) func_info: u64,
        pub(crate) func_info_cnt: u32,
        pub(crate) line_info_rec_size: u32,
        pub(crate) line_info: u64,
        pub(crate) line_info_cnt: u32,
        pub(crate) attach_btf_id: u32,
        /// `attach_prog_fd` or `attach_btf_obj_fd`.
        pub(crate) attach_prog_fd: u32,
        pub(crate) core_relo_cnt: u32,
        pub(crate) fd_array: u64,
        pub(crate) core_relos: u64,
        pub(crate) core_relo_rec_size: u32,
        /// Offset 140: the log size the kernel needed, including the NUL (6.4+).
        pub(crate) log_true_size: u32,
        pub(crate) prog_token_fd: i32,
        pub(crate) fd_array_cnt: u32,
        pub(crate) signature: u64,
        pub(crate) signature_size: u32,
        pub(crate) keyring_id: i32,
    }

    /// `BPF_OBJ_PIN`, `BPF_OBJ_GET`.
    pub(crate) struct ObjAttr {
        pub(crate) pathname: u64,
        pub(crate) bpf_fd: u32,
        pub(crate) file_flags: u32,
        pub(crate) path_fd: i32,
        pub(crate) _pad: u32,
    }

    /// `BPF_PROG_TEST_RUN`.
    pub(crate) struct TestRunAttr {
        pub(crate) prog_fd: u32,
        pub(crate) retval: u32,
        pub(crate) data_size_in: u32,
        pub(crate) data_size_out: u32,
        pub(crate) data_in: u64,
        pub(crate) data_out: u64,
        pub(crate) repeat: u32,
        pub(crate) duration: u32,
        pub(crate) ctx_size_in: u32,
        pub(crate) ctx_size_out: u32,
        pub(crate) ctx_in: u64,
        pub(crate) ctx_out: u64,
        pub(crate) flags: u32,
        pub(crate) cpu: u32,
        pub(crate) batch_size: u32,
        pub(crate) _pad: u32,
    }

    /// `BPF_*_GET_NEXT_ID`, `BPF_*_GET_FD_BY_ID`.
    pub(crate) struct IdAttr {
        /// `start_id`, `prog_id`, `map_id`, `btf_id` or `link_id`.
        pub(crate) id: u32,
        pub(crate) next_id: u32,
        pub(crate) open_flags: u32,
        pub(crate) token_fd: i32,
    }

    /// `BPF_OBJ_GET_INFO_BY_FD`.
    pub(crate) struct InfoAttr {
        pub(crate) bpf_fd: u32,
        pub(crate) info_len: u32,
        pub(crate) info: u64,
    }
}

attr_structs! {
    InfoStruct, 4096;
    /// `struct bpf_map_info` (104 bytes on 6.18).
    pub(crate) struct MapInfoRaw {
        pub(crate) map_type: u32,
        pub(crate) id: u32,
        pub(crate) key_size: u32,
        pub(crate) value_size: u32,
        pub(crate) max_entries: u32,
        pub(crate) map_flags: u32,
        pub(crate) name: [u8; 16],
        pub(crate) ifindex: u32,
        pub(crate) btf_vmlinux_value_type_id: u32,
        pub(crate) netns_dev: u64,
        pub(crate) netns_ino: u64,
        pub(crate) btf_id: u32,
        pub(crate) btf_key_type_id: u32,
        pub(crate) btf_value_type_id: u32,
        pub(crate) btf_vmlinux_id: u32,
        pub(crate) map_extra: u64,
        pub(crate) hash: u64,
        pub(crate) hash_size: u32,
        pub(crate) _pad: u32,
    }

    /// `struct bpf_prog_info` (232 bytes on 6.18).
    pub(crate) struct ProgInfoRaw {
        pub(crate) prog_type: u32,
        pub(crate) id: u32,
        pub(crate) tag: [u8; 8],
        pub(crate) jited_prog_len: u32,
        pub(crate) xlated_prog_len: u32,
        pub(crate) jited_prog_insns: u64,
        pub(crate) xlated_prog_insns: u64,
        pub(crate) load_time: u64,
        pub(crate) created_by_uid: u32,
        pub(crate) nr_map_ids: u32,
        pub(crate) map_ids: u64,
        pub(crate) name: [u8; 16],
        pub(crate) ifindex: u32,
        /// Bit 0: `gpl_compatible`.
        pub(crate) gpl_bits: u32,
        pub(crate) netns_dev: u64,
        pub(crate) netns_ino: u64,
        pub(crate) nr_jited_ksyms: u32,
        pub(crate) nr_jited_func_lens: u32,
        pub(crate) jited_ksyms: u64,
        pub(crate) jited_func_lens: u64,
        pub(crate) btf_id: u32,
        pub(crate) func_info_rec_size: u32,
        pub(crate) func_info: u64,
        pub(crate) nr_func_info: u32,
        pub(crate) nr_line_info: u32,
        pub(crate) line_info: u64,
        pub(crate) jited_line_info: u64,
        pub(crate) nr_jited_line_info: u32,
        pub(crate) line_info_rec_size: u32,
        pub(crate) jited_line_info_rec_size: u32,
        pub(crate) nr_prog_tags: u32,
        pub(crate) prog_tags: u64,
        pub(crate) run_time_ns: u64,
        pub(crate) run_cnt: u64,
        pub(crate) recursion_misses: u64,
        pub(crate) verified_insns: u32,
        pub(crate) attach_btf_obj_id: u32,
        pub(crate) attach_btf_id: u32,
        pub(crate) _pad: u32,
    }
}

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
