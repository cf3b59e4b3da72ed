fn main() {
    let _ = ebpf_asm::include_asm!("include_error.s");
}
