// A .bss array larger than the kernel's largest array map value (INT_MAX bytes).
#include "bpf_test.h"

char huge[0x80000000UL];

SEC("socket")
int touch(struct __sk_buff *skb)
{
	return huge[skb->len & 7];
}

char _license[] SEC("license") = "GPL";
