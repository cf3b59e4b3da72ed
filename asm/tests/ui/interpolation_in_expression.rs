fn main() {
    let x = 4;
    let _ = ebpf_asm::program! {
        r1 = {x} * 2
        exit
    };
}
