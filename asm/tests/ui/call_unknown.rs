fn main() {
    let _ = ebpf_asm::program! {
        call bpf_map_lookup
        exit
    };
}
