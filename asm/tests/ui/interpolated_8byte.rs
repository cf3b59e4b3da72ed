fn main() {
    let word = 0u64;
    let _ = ebpf_asm::program! {
        .8byte {word}
        exit
    };
}
