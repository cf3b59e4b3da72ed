//! Over the running kernel's BTF (`/sys/kernel/btf/vmlinux`): every type parses, encode →
//! parse gives the same types and names, and the same bytes when the string section is
//! kept; lookups agree with a linear scan; split BTF on top of it (module BTF under
//! `/sys/kernel/btf/` when any module is loaded, and split BTF we build).
//! Skips with a reason when the file is missing, fails instead under EBPF_ASM_NO_SKIP=1.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use ebpf_btf::*;

fn kernel_btf() -> Option<Arc<Btf>> {
    if !Path::new(VMLINUX_PATH).exists() {
        let reason = format!("{VMLINUX_PATH} is missing (kernel without CONFIG_DEBUG_INFO_BTF)");
        ebpf_asm_test_support::skip(&reason);
        return None;
    }
    Some(vmlinux().expect("vmlinux BTF parses"))
}

#[test]
fn every_type_parses() {
    let Some(btf) = kernel_btf() else { return };
    assert!(
        Arc::ptr_eq(&btf, &vmlinux().unwrap()),
        "parsed once per process"
    );
    assert!(btf.len() > 10_000, "{} types", btf.len());
    let mut per_kind: HashMap<Kind, usize> = HashMap::new();
    for t in btf.types() {
        let (_, t) = t.unwrap_or_else(|e| panic!("{e}"));
        *per_kind.entry(t.kind()).or_default() += 1;
    }
    eprintln!("{} types: {per_kind:?}", btf.len());
    for kind in [
        Kind::Int,
        Kind::Ptr,
        Kind::Array,
        Kind::Struct,
        Kind::Union,
        Kind::Enum,
        Kind::Fwd,
        Kind::Typedef,
        Kind::Const,
        Kind::Volatile,
        Kind::Func,
        Kind::FuncProto,
        Kind::Var,
        Kind::Datasec,
    ] {
        assert!(per_kind.contains_key(&kind), "no {kind} in vmlinux");
    }
}

#[test]
fn encode_parse_gives_the_same_types_and_names() {
    let Some(btf) = kernel_btf() else { return };
    let mut b = Builder::new();
    for t in btf.types() {
        b.add(&t.unwrap().1).unwrap();
    }
    let again = Btf::parse(b.encode()).unwrap();
    assert_eq!(again.len(), btf.len());
    for id in btf.ids() {
        assert_eq!(
            again.type_by_id(id).unwrap(),
            btf.type_by_id(id).unwrap(),
            "type {id}"
        );
    }
    // The fresh builder writes strings in first-use order: smaller or equal, not the same bytes.
    assert!(again.string_section().len() <= btf.string_section().len());
}

#[test]
fn encode_with_the_same_strings_is_byte_identical() {
    let Some(btf) = kernel_btf() else { return };
    let mut b = Builder::with_strings_of(&btf);
    for t in btf.types() {
        b.add(&t.unwrap().1).unwrap();
    }
    let bytes = b.encode();
    assert_eq!(bytes.len(), btf.as_bytes().len());
    assert!(bytes == btf.as_bytes(), "re-encoded vmlinux BTF differs");
}

#[test]
fn name_lookups_agree_with_a_linear_scan() {
    let Some(btf) = kernel_btf() else { return };
    let mut scan: HashMap<&str, Vec<TypeId>> = HashMap::new();
    for id in btf.ids() {
        let name = btf.name_of(id).unwrap();
        if !name.is_empty() {
            scan.entry(name).or_default().push(id);
        }
    }
    for (name, ids) in &scan {
        assert_eq!(&btf.ids_by_name(name).unwrap(), ids, "{name}");
    }
    assert_eq!(
        btf.ids_by_name("no_such_type_anywhere").unwrap(),
        Vec::<TypeId>::new()
    );
    assert_eq!(btf.ids_by_name("").unwrap(), Vec::<TypeId>::new());
}

#[test]
fn kernel_types_look_right() {
    let Some(btf) = kernel_btf() else { return };
    let task = btf
        .id_by_name_kind("task_struct", Kind::Struct)
        .unwrap()
        .expect("task_struct");
    let size = btf.size_of(task).unwrap();
    let tgid = btf.member_offset(task, "tgid").unwrap();
    assert_eq!(tgid.bit_offset % 8, 0);
    assert!(tgid.bit_offset / 8 < size);
    assert_eq!(btf.size_of(tgid.ty).unwrap(), 4, "pid_t");
    let vruntime = btf.member_offset(task, "se.vruntime").unwrap();
    assert_eq!(btf.size_of(vruntime.ty).unwrap(), 8);
    let pid_t = btf
        .id_by_name_kind("pid_t", Kind::Typedef)
        .unwrap()
        .unwrap();
    let int = btf.type_by_id(btf.resolve(pid_t).unwrap()).unwrap();
    assert_eq!(int.name, "int");

    let map_type = btf
        .id_by_name_kind("bpf_map_type", Kind::Enum)
        .unwrap()
        .unwrap();
    let TypeKind::Enum(e) = btf.type_by_id(map_type).unwrap().kind else {
        panic!()
    };
    let hash = e
        .values
        .iter()
        .find(|v| v.name == "BPF_MAP_TYPE_HASH")
        .unwrap();
    assert_eq!(hash.value, 1);

    let func = btf
        .id_by_name_kind("bpf_get_current_pid_tgid", Kind::Func)
        .unwrap();
    let has_bitfields = btf.types().any(|t| match t.unwrap().1.kind {
        TypeKind::Struct(c) => c.members.iter().any(|m| m.bitfield_size > 0),
        _ => false,
    });
    assert!(has_bitfields, "vmlinux has bitfields");
    eprintln!(
        "task_struct: id {task}, {size} bytes, tgid at byte {}; bpf_get_current_pid_tgid: {func:?}",
        tgid.bit_offset / 8
    );
}

/// Our kind numbers against the kernel's own `BTF_KIND_*` enumerators (in its BTF).
#[test]
fn kind_numbers_match_the_kernel() {
    let Some(btf) = kernel_btf() else { return };
    let mut kernel: HashMap<&str, u64> = HashMap::new();
    for t in btf.types() {
        if let TypeKind::Enum(e) = t.unwrap().1.kind {
            for v in e.values.iter().filter(|v| v.name.starts_with("BTF_KIND_")) {
                kernel.insert(v.name, v.value);
            }
        }
    }
    assert!(!kernel.is_empty(), "vmlinux BTF names no BTF_KIND_*");
    for kind in Kind::ALL {
        assert_eq!(
            kernel.get(format!("BTF_KIND_{kind}").as_str()),
            Some(&u64::from(kind as u8)),
            "{kind}"
        );
    }
    let max = kernel.get("BTF_KIND_MAX").copied();
    assert_eq!(
        max,
        Some(Kind::ALL.len() as u64),
        "the kernel has kinds we lack"
    );
}

#[test]
fn split_btf_continues_the_base() {
    let Some(base) = kernel_btf() else { return };
    let task = base
        .id_by_name_kind("task_struct", Kind::Struct)
        .unwrap()
        .unwrap();
    let mut b = Builder::split(&base);
    let ptr = b
        .add(&Type {
            name: "",
            kind: TypeKind::Ptr(task),
        })
        .unwrap();
    assert_eq!(ptr, base.next_id());
    let member = Member {
        name: "task",
        ty: ptr,
        bit_offset: 0,
        bitfield_size: 0,
    };
    let comp = Composite {
        size: 8,
        bitfields: false,
        members: vec![member],
    };
    let holder = b
        .add(&Type {
            name: "holder_of_task",
            kind: TypeKind::Struct(comp),
        })
        .unwrap();
    // A name the base has: the split lookup finds both.
    b.add(&Type {
        name: "task_struct",
        kind: TypeKind::Fwd(FwdKind::Struct),
    })
    .unwrap();
    let bytes = b.encode();
    let split = Btf::parse_split(bytes.clone(), base.clone()).unwrap();
    split.validate().unwrap();
    assert_eq!(split.first_id(), base.next_id());
    assert_eq!(
        split.ids_by_name("task_struct").unwrap(),
        vec![task, holder + 1]
    );
    assert_eq!(split.name_of(task).unwrap(), "task_struct");
    assert_eq!(split.member_offset(holder, "task").unwrap().ty, ptr);
    let off = split.member_offset(holder, "task").unwrap();
    assert_eq!(split.resolve(off.ty).unwrap(), ptr);
    // Re-encoding the split types gives the same bytes.
    let mut again = Builder::split(&base);
    for t in split.types() {
        again.add(&t.unwrap().1).unwrap();
    }
    assert!(again.encode() == bytes);
}

#[test]
fn module_btf_parses_as_split() {
    let Some(base) = kernel_btf() else { return };
    let modules: Vec<_> = std::fs::read_dir(SYSFS_BTF_DIR)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != "vmlinux")
        .collect();
    if modules.is_empty() {
        // Not a skip: this kernel has no modules (built-in only); the split format itself is
        // tested by `split_btf_continues_the_base`.
        eprintln!("no module BTF under {SYSFS_BTF_DIR}: no modules loaded");
    }
    for name in &modules {
        let m = module(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(m.first_id(), base.next_id(), "{name}");
        m.validate().unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn a_missing_file_is_an_error_value() {
    let e = Btf::from_file("/nonexistent/btf").unwrap_err();
    assert!(matches!(e, Error::Read { .. }));
    assert!(
        e.to_string()
            .starts_with("cannot read BTF from /nonexistent/btf: "),
        "{e}"
    );
}
