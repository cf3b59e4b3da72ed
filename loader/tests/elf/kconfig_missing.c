// A strong `.kconfig` extern no kernel config sets.
#include "bpf_test.h"

extern int CONFIG_NO_SUCH_OPTION __attribute__((section(".kconfig")));

SEC("socket")
int needs_it(void *ctx)
{
	return CONFIG_NO_SUCH_OPTION;
}

char _license[] SEC("license") = "GPL";
