// A variable in a section that is neither .data, .rodata nor .bss: not global data.
#include "bpf_test.h"

__u32 stash __attribute__((section("stash_area"))) = 4;

SEC("socket")
int read_stash(struct __sk_buff *skb)
{
	return stash;
}

char _license[] SEC("license") = "GPL";
