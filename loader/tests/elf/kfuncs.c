// kfuncs declared `__ksym`, as libbpf's bpf_helpers.h spells it: clang leaves each call
// as `call -1` with an R_BPF_64_32 relocation against the undefined symbol, and describes
// the externs in a `.ksyms` DATASEC.
#include "bpf_test.h"

#define __ksym __attribute__((section(".ksyms")))

struct bpf_iter_num {
	__u64 __opaque[1];
} __attribute__((aligned(8)));

extern int bpf_iter_num_new(struct bpf_iter_num *it, int start, int end) __ksym;
extern int *bpf_iter_num_next(struct bpf_iter_num *it) __ksym;
extern void bpf_iter_num_destroy(struct bpf_iter_num *it) __ksym;

// 0 + 1 + 2 + 3 + 4 = 10, counted by the kernel's open-coded iterator.
SEC("raw_tracepoint/sys_enter")
int sum_to_five(void *ctx)
{
	struct bpf_iter_num it;
	int *v, sum = 0;

	bpf_iter_num_new(&it, 0, 5);
	while ((v = bpf_iter_num_next(&it)))
		sum += *v;
	bpf_iter_num_destroy(&it);
	return sum;
}

char _license[] SEC("license") = "GPL";
