// BPF_CORE_TYPE_MATCHES (libbpf's bpf_core_type_matches), which the loader refuses.
#include "bpf_test.h"

struct task_struct {
	int tgid;
} __attribute__((preserve_access_index));

SEC("raw_tp/sys_enter")
int type_matches(void *ctx)
{
	return __builtin_preserve_type_info(*(struct task_struct *)0, 2 /* TYPE_MATCHES */);
}

char _license[] SEC("license") = "GPL";
