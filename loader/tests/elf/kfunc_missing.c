// A `__ksym` function this kernel does not have.
#include "bpf_test.h"

extern int bpf_no_such_kfunc(int x) __attribute__((section(".ksyms")));

SEC("raw_tracepoint/sys_enter")
int calls_nothing(void *ctx)
{
	return bpf_no_such_kfunc(1);
}

char _license[] SEC("license") = "GPL";
