// CO-RE in the assembly (issue 12): read the current task's tgid at the offset the
// running kernel's BTF gives for `task_struct.tgid`, and return 1 when it equals
// bpf_get_current_pid_tgid() >> 32.
.license "GPL"
.section raw_tp/sys_enter
core_tgid:
	call bpf_get_current_task
	r3 = r0
	r3 += offsetof(task_struct, tgid)
	r1 = r10
	r1 += -4
	r2 = 4
	call bpf_probe_read_kernel
	if r0 != 0 goto fail
	r6 = *(u32 *)(r10 - 4)
	call bpf_get_current_pid_tgid
	r0 >>= 32
	if r0 != r6 goto fail
	r0 = 1
	exit
fail:
	r0 = 0
	exit
