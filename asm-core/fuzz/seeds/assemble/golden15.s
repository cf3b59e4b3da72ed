call bpf_map_lookup_elem#1
call bpf_tail_call
call bpf_trace_printk
