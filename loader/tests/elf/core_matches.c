// BPF_CORE_TYPE_MATCHES (libbpf's bpf_core_type_matches): local definitions compared with
// the running kernel's types by libbpf's rules. results[i] holds the i-th answer.
#include "bpf_test.h"

/* The kernel's task_struct has int pid and tgid (through pid_t) and a pointer to
 * struct mm_struct: behind a pointer only the name and kind count. */
struct mm_struct___m;
struct task_struct___m {
	int pid;
	int tgid;
	struct mm_struct___m *mm;
};

/* pid is an int in the kernel, not a long. */
struct task_struct___wrong_type {
	long pid;
};

/* The kernel's task_struct has no such member. */
struct task_struct___missing {
	int pid;
	int no_such_field;
};

/* Enumerators by name (values and order do not matter). */
enum bpf_map_type___m { BPF_MAP_TYPE_RINGBUF___m = 1, BPF_MAP_TYPE_HASH___m = 2 };

/* NOT_A_MAP_TYPE is not an enumerator of the kernel's bpf_map_type. */
enum bpf_map_type___bad { BPF_MAP_TYPE_HASH___bad, NOT_A_MAP_TYPE___bad };

/* A typedef root: the kernel's pid_t is a signed int. */
typedef int pid_t;
typedef unsigned int pid_t___unsigned;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 16);
} results SEC(".maps");

static __always_inline void put(__u32 key, __u64 value)
{
	bpf_map_update_elem(&results, &key, &value, BPF_ANY);
}

#define TYPE_MATCHES 2

SEC("raw_tp/sys_enter")
int type_matches(void *ctx)
{
	put(0, __builtin_preserve_type_info(*(struct task_struct___m *)0, TYPE_MATCHES));
	put(1, __builtin_preserve_type_info(*(struct task_struct___wrong_type *)0, TYPE_MATCHES));
	put(2, __builtin_preserve_type_info(*(struct task_struct___missing *)0, TYPE_MATCHES));
	put(3, __builtin_preserve_type_info(*(enum bpf_map_type___m *)0, TYPE_MATCHES));
	put(4, __builtin_preserve_type_info(*(enum bpf_map_type___bad *)0, TYPE_MATCHES));
	/* The uapi header's (6.1) definitions against this kernel's. */
	put(5, __builtin_preserve_type_info(*(enum bpf_map_type *)0, TYPE_MATCHES));
	put(6, __builtin_preserve_type_info(*(struct bpf_insn *)0, TYPE_MATCHES));
	put(7, __builtin_preserve_type_info(*(pid_t *)0, TYPE_MATCHES));
	put(8, __builtin_preserve_type_info(*(pid_t___unsigned *)0, TYPE_MATCHES));
	return 1;
}

char _license[] SEC("license") = "GPL";
