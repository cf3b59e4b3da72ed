// A CO-RE relocation the running kernel cannot satisfy: a field no task_struct has.
#include "bpf_test.h"

static __u64 (*bpf_get_current_task)(void) = (void *)35;
static long (*bpf_probe_read_kernel)(void *dst, __u32 size, const void *src) = (void *)113;

struct task_struct {
	int no_such_field;
} __attribute__((preserve_access_index));

SEC("raw_tp/sys_enter")
int read_missing(void *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	int v = 0;
	bpf_probe_read_kernel(&v, sizeof(v), &task->no_such_field);
	return v;
}

char _license[] SEC("license") = "GPL";
