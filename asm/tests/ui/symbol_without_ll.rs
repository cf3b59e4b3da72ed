fn main() {
    let _ = ebpf_asm::program! {
        r1 = counters
        call bpf_map_lookup_elem
        exit
    };
}
