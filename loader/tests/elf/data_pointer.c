// A pointer initialised in C: .data holds the address of a string, which only a
// relocation of .data could fill in (the kernel cannot).
#include "bpf_test.h"

const char *greeting = "hello";

SEC("socket")
int first_letter(struct __sk_buff *skb)
{
	return greeting != 0;
}

char _license[] SEC("license") = "GPL";
