// kprobe and kretprobe sections: they load as BPF_PROG_TYPE_KPROBE; attaching needs
// CONFIG_KPROBES.
#include "bpf_test.h"

SEC("kprobe/do_nanosleep")
int enter_nanosleep(void *ctx)
{
	return 0;
}

SEC("kretprobe/do_nanosleep")
int leave_nanosleep(void *ctx)
{
	return 0;
}

char _license[] SEC("license") = "GPL";
