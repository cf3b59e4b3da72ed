//! [`MapType`]: the kernel's map types with their names.

use crate::names::kernel_enum;

kernel_enum! {
    /// A map type (`enum bpf_map_type`); `name()` is the kernel name without
    /// `BPF_MAP_TYPE_`, lower case, as used by the assembly file format.
    pub enum MapType: "map type" {
        /// Hash table.
        Hash = 1 => "hash",
        /// Array indexed by u32.
        Array = 2 => "array",
        /// Program array for tail calls.
        ProgArray = 3 => "prog_array",
        /// Perf event array.
        PerfEventArray = 4 => "perf_event_array",
        /// Per-CPU hash table.
        PercpuHash = 5 => "percpu_hash",
        /// Per-CPU array.
        PercpuArray = 6 => "percpu_array",
        /// Stack traces.
        StackTrace = 7 => "stack_trace",
        /// cgroup fds.
        CgroupArray = 8 => "cgroup_array",
        /// LRU hash.
        LruHash = 9 => "lru_hash",
        /// Per-CPU LRU hash.
        LruPercpuHash = 10 => "lru_percpu_hash",
        /// Longest-prefix-match trie.
        LpmTrie = 11 => "lpm_trie",
        /// Array of maps.
        ArrayOfMaps = 12 => "array_of_maps",
        /// Hash of maps.
        HashOfMaps = 13 => "hash_of_maps",
        /// Network devices for XDP redirect.
        Devmap = 14 => "devmap",
        /// Sockets.
        Sockmap = 15 => "sockmap",
        /// CPUs for XDP redirect.
        Cpumap = 16 => "cpumap",
        /// AF_XDP sockets.
        Xskmap = 17 => "xskmap",
        /// Sockets by hash.
        Sockhash = 18 => "sockhash",
        /// cgroup local storage.
        CgroupStorage = 19 => "cgroup_storage",
        /// SO_REUSEPORT sockets.
        ReuseportSockarray = 20 => "reuseport_sockarray",
        /// Per-CPU cgroup local storage.
        PercpuCgroupStorage = 21 => "percpu_cgroup_storage",
        /// FIFO queue.
        Queue = 22 => "queue",
        /// LIFO stack.
        Stack = 23 => "stack",
        /// Socket local storage.
        SkStorage = 24 => "sk_storage",
        /// Network devices by hash.
        DevmapHash = 25 => "devmap_hash",
        /// struct_ops.
        StructOps = 26 => "struct_ops",
        /// Ring buffer (kernel to user).
        Ringbuf = 27 => "ringbuf",
        /// Inode local storage.
        InodeStorage = 28 => "inode_storage",
        /// Task local storage.
        TaskStorage = 29 => "task_storage",
        /// Bloom filter.
        BloomFilter = 30 => "bloom_filter",
        /// Ring buffer (user to kernel).
        UserRingbuf = 31 => "user_ringbuf",
        /// cgroup local storage (new style).
        CgrpStorage = 32 => "cgrp_storage",
        /// Memory arena shared with user space.
        Arena = 33 => "arena",
    }
}

impl MapType {
    /// Whether values are stored once per possible CPU.
    pub fn is_per_cpu(self) -> bool {
        matches!(
            self,
            MapType::PercpuHash
                | MapType::PercpuArray
                | MapType::LruPercpuHash
                | MapType::PercpuCgroupStorage
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for t in MapType::ALL {
            assert_eq!(MapType::from_name(t.name()), Some(*t));
            assert_eq!(MapType::from_u32(t.as_u32()), Some(*t));
        }
        assert_eq!(MapType::ALL.len(), 33);
        assert_eq!(MapType::from_name("lpm_trie"), Some(MapType::LpmTrie));
        assert_eq!("ringbuf".parse::<MapType>().ok(), Some(MapType::Ringbuf));
        assert!("HASH".parse::<MapType>().is_err());
    }
}
