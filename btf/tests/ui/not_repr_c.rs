use ebpf_btf::BtfType;

#[derive(BtfType)]
struct Flow {
    packets: u64,
}

fn main() {}
