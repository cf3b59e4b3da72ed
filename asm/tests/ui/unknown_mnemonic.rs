fn main() {
    let _ = ebpf_asm::program! {
        r1 = 1
        mov r1, 2
        exit
    };
}
