// A global variable in .bss: global data is not read yet, so loading names the section.
#include <linux/bpf.h>

#define SEC(name) __attribute__((section(name), used))

int hits;

SEC("xdp")
int count_hits(struct xdp_md *ctx)
{
	hits++;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
