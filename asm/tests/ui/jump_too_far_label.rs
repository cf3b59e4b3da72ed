// 2^14 two-slot `ld_imm64`s put `far` 32768 slots past the jump: one more than a
// 16-bit offset reaches. The body is doubled by a macro so the file stays small.
macro_rules! far {
    ([] $($body:tt)*) => {
        ebpf_asm::program! {
            if r1 == 0 goto far;
            $($body)*
            far: exit
        }
    };
    ([x $($n:tt)*] $($body:tt)*) => { far!([$($n)*] $($body)* $($body)*) };
}

fn main() {
    let _ = far!([x x x x x x x x x x x x x x] r0 = 0 ll;);
}
