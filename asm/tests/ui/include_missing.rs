fn main() {
    let _ = ebpf_asm::include_asm!("no_such_file.s");
}
