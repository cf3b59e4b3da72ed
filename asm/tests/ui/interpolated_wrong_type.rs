fn main() {
    let v = 1.5f64;
    let _ = ebpf_asm::program! {
        r1 = {v}
        exit
    };
}
