//! BTF parser fuzz target: any bytes parse or give an error, never a panic, a hang or an
//! allocation sized by a header field; every type that decodes re-encodes, and the
//! re-encoded blob parses back to the same types. The same bytes are also read as split
//! BTF on top of a small base.
#![no_main]

use std::sync::{Arc, OnceLock};

use ebpf_btf::{Btf, Builder, Int, IntEncoding, Type, TypeKind};
use libfuzzer_sys::fuzz_target;

fn base() -> Arc<Btf> {
    static BASE: OnceLock<Arc<Btf>> = OnceLock::new();
    BASE.get_or_init(|| {
        let mut b = Builder::new();
        let int = Int { size: 4, encoding: IntEncoding::default(), offset: 0, bits: 32 };
        b.add(&Type { name: "int", kind: TypeKind::Int(int) }).unwrap();
        b.add(&Type { name: "", kind: TypeKind::Ptr(1) }).unwrap();
        Arc::new(Btf::parse(b.encode()).unwrap())
    })
    .clone()
}

/// Exercises every query on `btf`; re-encodes what decodes and checks it reads back.
fn check(btf: &Btf, split_of: Option<&Arc<Btf>>) {
    let mut b = match split_of {
        Some(base) => Builder::split(base),
        None => Builder::new(),
    }
    .with_endian(btf.endian());
    let mut all = true;
    for id in btf.ids() {
        let _ = btf.kind_of(id);
        let _ = btf.resolve(id);
        let _ = btf.size_of(id);
        let Ok(t) = btf.type_by_id(id) else {
            all = false;
            continue;
        };
        let _ = t.to_string();
        let _ = btf.ids_by_name(t.name);
        if let TypeKind::Struct(c) | TypeKind::Union(c) = &t.kind {
            for m in &c.members {
                let _ = btf.member_offset(id, m.name);
            }
        }
        if all {
            b.add(&t).unwrap_or_else(|e| panic!("type {id} decodes but does not encode: {e}"));
        }
    }
    if !all {
        return;
    }
    let bytes = b.encode();
    let again = match split_of {
        Some(base) => Btf::parse_split(bytes, base.clone()),
        None => Btf::parse(bytes),
    }
    .expect("re-encoded BTF parses");
    assert_eq!(again.len(), btf.len());
    for id in btf.ids() {
        assert_eq!(again.type_by_id(id).unwrap(), btf.type_by_id(id).unwrap(), "type {id}");
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(btf) = Btf::parse(data) {
        check(&btf, None);
    }
    let base = base();
    if let Ok(btf) = Btf::parse_split(data, base.clone()) {
        check(&btf, Some(&base));
    }
});
