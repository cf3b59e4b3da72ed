fn main() {
    let _ = ebpf_asm::program! {
        call bpf_map_lookup_elem#1
        exit
    };
}
