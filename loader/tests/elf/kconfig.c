// `.kconfig` externs, spelled as libbpf's bpf_helpers.h spells them: the loader fills in
// the running kernel's values.
#include "bpf_test.h"

#define __kconfig __attribute__((section(".kconfig")))
#define __weak __attribute__((weak))

enum libbpf_tristate { TRI_NO = 0, TRI_YES = 1, TRI_MODULE = 2 };

extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern int CONFIG_HZ __kconfig;
extern _Bool CONFIG_BPF_SYSCALL __kconfig;
extern enum libbpf_tristate CONFIG_BPF_JIT __kconfig;
extern char CONFIG_LOCALVERSION[32] __kconfig;
extern int CONFIG_NO_SUCH_OPTION __kconfig __weak;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 6);
	__type(key, __u32);
	__type(value, __u64);
} seen SEC(".maps");

static void put(__u32 k, __u64 v)
{
	bpf_map_update_elem(&seen, &k, &v, 0);
}

SEC("socket")
int read_kconfig(void *ctx)
{
	put(0, LINUX_KERNEL_VERSION);
	put(1, CONFIG_HZ);
	put(2, CONFIG_BPF_SYSCALL);
	put(3, CONFIG_BPF_JIT);
	put(4, CONFIG_LOCALVERSION[0] | (CONFIG_LOCALVERSION[1] << 8));
	put(5, CONFIG_NO_SUCH_OPTION);
	return 0;
}

char _license[] SEC("license") = "GPL";
