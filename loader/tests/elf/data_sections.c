// Global data: a .bss counter bumped by .data's step, .rodata constants the tests
// rewrite before load, a string literal (.rodata.str1.1), a custom .data.NAME section
// whose name is longer than the kernel's 15 characters, and a `version` section.
#include "bpf_test.h"

__u64 hits;
__u32 step = 3;
volatile const __u32 answer = 7;
static volatile const __u64 wide = 5;
volatile __u32 pick = 2;
__u32 tally SEC(".data.tally_of_runs") = 100;

SEC("socket")
int count_hits(struct __sk_buff *skb)
{
	hits += step;
	tally++;
	return answer + wide;
}

SEC("socket")
int string_byte(struct __sk_buff *skb)
{
	return "eBPF"[pick & 3];
}

SEC("kprobe/do_nothing")
int probe(void *ctx)
{
	return 0;
}

char _license[] SEC("license") = "GPL";
__u32 _version SEC("version") = 0x060c00;
