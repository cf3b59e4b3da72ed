use ebpf_btf::BtfType;

#[derive(BtfType)]
#[repr(C)]
struct Pair(u32, u32);

#[derive(BtfType)]
#[repr(C)]
struct Generic<T> {
    value: T,
}

#[derive(BtfType)]
#[repr(C)]
enum Kind {
    A,
}

fn main() {}
