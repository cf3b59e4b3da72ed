// A bpf_loop callback (a static .text function whose address an ld_imm64 loads) and
// global (non-static) .text functions called from programs.
#include "bpf_test.h"

static int add_index(__u32 i, void *ctx)
{
	*(__u64 *)ctx += i;
	return 0;
}

__noinline int global_is_short(struct __sk_buff *skb)
{
	return skb->len < 10000;
}

__noinline int global_double(int x)
{
	return x * 2;
}

/* static: with the object's func_info the kernel refuses a global callback, as
 * it does under libbpf ("callback function not static"). */
static __noinline int count_calls(__u32 i, void *ctx)
{
	*(__u64 *)ctx += 1;
	return i == 6; /* 1 stops the loop: 7 calls */
}

SEC("socket")
int loop_sum(struct __sk_buff *skb)
{
	__u64 sum = 0;
	bpf_loop(5, add_index, &sum, 0);
	return sum + global_is_short(skb);
}

SEC("socket")
int double_three(struct __sk_buff *skb)
{
	return global_double(3);
}

SEC("socket")
int loop_global(struct __sk_buff *skb)
{
	__u64 calls = 0;
	bpf_loop(100, count_calls, &calls, 0);
	return calls;
}

char _license[] SEC("license") = "GPL";
