// CO-RE without vmlinux.h: task_struct declared here with only the fields used, marked
// preserve_access_index, so clang records relocations the loader resolves against the
// running kernel's BTF.
#include "bpf_test.h"

static __u64 (*bpf_get_current_pid_tgid)(void) = (void *)14;
static __u64 (*bpf_get_current_task)(void) = (void *)35;
static long (*bpf_probe_read_kernel)(void *dst, __u32 size, const void *src) = (void *)113;

struct task_struct {
	int pid;
	int tgid;
} __attribute__((preserve_access_index));

/* A flavor with a field no kernel has. */
struct task_struct___future {
	int no_such_field;
} __attribute__((preserve_access_index));

struct not_in_this_kernel {
	int x;
} __attribute__((preserve_access_index));

/* A local flavor of the kernel's enum, with a value the kernel's differs from. */
enum bpf_map_type___local { BPF_MAP_TYPE_RINGBUF___local = 99, NOT_A_MAP_TYPE___local = 100 };

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

SEC("raw_tp/sys_enter")
int core_tgid(void *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	int tgid = 0;
	bpf_probe_read_kernel(&tgid, sizeof(tgid), &task->tgid);
	put(0, tgid);
	put(1, __builtin_preserve_field_info(task->tgid, 2 /* FIELD_EXISTS */));
	put(2, __builtin_preserve_field_info(((struct task_struct___future *)task)->no_such_field,
					     2 /* FIELD_EXISTS */));
	put(3, __builtin_preserve_type_info(*(struct task_struct *)0, 0 /* TYPE_EXISTS */));
	put(4, __builtin_preserve_type_info(*(struct not_in_this_kernel *)0, 0 /* TYPE_EXISTS */));
	put(5, __builtin_preserve_type_info(*(struct task_struct *)0, 1 /* TYPE_SIZE */));
	put(6, __builtin_preserve_field_info(task->tgid, 1 /* FIELD_BYTE_SIZE */));
	put(7, __builtin_preserve_enum_value(*(enum bpf_map_type___local *)BPF_MAP_TYPE_RINGBUF___local,
					     1 /* ENUMVAL_VALUE */));
	put(8, __builtin_preserve_enum_value(*(enum bpf_map_type___local *)BPF_MAP_TYPE_RINGBUF___local,
					     0 /* ENUMVAL_EXISTS */));
	put(9, __builtin_preserve_enum_value(*(enum bpf_map_type___local *)NOT_A_MAP_TYPE___local,
					     0 /* ENUMVAL_EXISTS */));
	put(10, __builtin_btf_type_id(*(struct task_struct *)0, 0 /* TYPE_ID_LOCAL */));
	put(11, __builtin_btf_type_id(*(struct task_struct *)0, 1 /* TYPE_ID_TARGET */));
	/* &task[1].tgid: the first access index is 1. */
	put(12, __builtin_preserve_field_info(task[1].tgid, 0 /* FIELD_BYTE_OFFSET */));
	return tgid == (int)(bpf_get_current_pid_tgid() >> 32);
}

char _license[] SEC("license") = "GPL";
