// A program in a section libbpf does not know: reading names the section.
#include <linux/bpf.h>

__attribute__((section("xdpp"), used)) int misspelt(struct xdp_md *ctx)
{
	return XDP_PASS;
}
