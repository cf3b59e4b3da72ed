// CO-RE bitfields: the kernel's `struct bpf_insn` (dst_reg and src_reg are 4-bit
// bitfields, off a signed 16-bit field) read from an instruction built on the stack,
// with offset, size, signedness and shifts all from relocations.
#include "bpf_test.h"

static long (*bpf_probe_read_kernel)(void *dst, __u32 size, const void *src) = (void *)113;

/* A flavor of the kernel's struct bpf_insn (linux/bpf.h defines the name already). */
struct bpf_insn___core {
	__u8 code;
	__u8 dst_reg:4;
	__u8 src_reg:4;
	__s16 off;
	__s32 imm;
} __attribute__((preserve_access_index));

/* Reads field F of *P as a u64: load the bytes the relocations name, shift it to the
 * top, then back down (arithmetically when the field is signed). */
#define READ_FIELD(P, F)                                                               \
	({                                                                              \
		__u64 v = 0;                                                            \
		bpf_probe_read_kernel(&v, __builtin_preserve_field_info((P)->F, 1),    \
				      (const char *)(P) +                               \
					      __builtin_preserve_field_info((P)->F, 0)); \
		v <<= __builtin_preserve_field_info((P)->F, 4);                         \
		if (__builtin_preserve_field_info((P)->F, 3))                           \
			v = (__s64)v >> __builtin_preserve_field_info((P)->F, 5);       \
		else                                                                    \
			v >>= __builtin_preserve_field_info((P)->F, 5);                 \
		v;                                                                      \
	})

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 4);
} results SEC(".maps");

static __always_inline void put(__u32 key, __u64 value)
{
	bpf_map_update_elem(&results, &key, &value, BPF_ANY);
}

SEC("raw_tp/sys_enter")
int core_bitfield(void *ctx)
{
	/* code 0xb7, dst_reg 3, src_reg 10, off -2, imm 7 (little-endian bytes). */
	__u64 raw = 0x00000007fffea3b7ULL;
	struct bpf_insn___core *insn = (void *)&raw;

	put(0, READ_FIELD(insn, dst_reg));
	put(1, READ_FIELD(insn, src_reg));
	put(2, READ_FIELD(insn, off));
	put(3, READ_FIELD(insn, imm));
	return 1;
}

char _license[] SEC("license") = "GPL";
