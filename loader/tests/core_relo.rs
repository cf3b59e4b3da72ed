//! The CO-RE resolver (`ebpf_loader::core_relo`) as a pure function: against hand-built
//! BTF, where every rule shows (flavors, anonymous members, arrays, bitfields, ambiguity),
//! and against the running kernel's BTF, where it must agree with the BTF crate's own
//! member lookup.

use ebpf_asm::{assemble, CoreRelo};
use ebpf_btf::{
    Array, Btf, Builder, Composite, Enum, Enumerator, Int, IntEncoding, Member, Type, TypeKind,
};
use ebpf_loader::core_relo::{essential_name, resolve_core, resolve_one};

fn int(b: &mut Builder, name: &str, size: u32) -> u32 {
    let kind = TypeKind::Int(Int {
        size,
        encoding: IntEncoding {
            signed: true,
            ..Default::default()
        },
        offset: 0,
        bits: (size * 8) as u8,
    });
    b.add(&Type { name, kind }).unwrap()
}

fn member(name: &str, ty: u32, bit_offset: u32) -> Member<'_> {
    Member {
        name,
        ty,
        bit_offset,
        bitfield_size: 0,
    }
}

fn strukt<'a>(b: &mut Builder, name: &'a str, size: u32, members: Vec<Member<'a>>) -> u32 {
    let bitfields = members.iter().any(|m| m.bitfield_size != 0);
    let kind = TypeKind::Struct(Composite {
        size,
        bitfields,
        members,
    });
    b.add(&Type { name, kind }).unwrap()
}

/// ```c
/// struct inner { int a; long b; };                       // 16 bytes
/// struct task_struct {
///     int pid; int tgid;                                  // 0, 4
///     union { int x; struct inner in2; };                 // 8
///     struct inner se;                                    // 24
///     int flags:3;                                        // 40 (bitfield)
///     int arr[4];                                         // 44
/// };                                                      // 64 bytes
/// typedef int pid_t;
/// enum bpf_map_type { BPF_MAP_TYPE_UNSPEC, BPF_MAP_TYPE_HASH };
/// struct dup { int f; }; struct dup { long g; int f; };  // two candidates
/// struct same { int f; }; struct same { int f; long h; };
/// struct bits {
///     unsigned char lo:4;                                 // bit 0
///     unsigned char mid:6;                                // bit 6: crosses a byte
///     int wide:20;                                        // bit 30: crosses 4 bytes
///     enum bpf_map_type e;                                // bit 64
///     int tail:30;                                        // bit 100: no 8-byte load
/// };                                                      // 24 bytes
/// typedef int arr_t[4];
/// ```
fn hand_built() -> Btf {
    let mut b = Builder::new();
    let i32_ = int(&mut b, "int", 4);
    let i64_ = int(&mut b, "long", 8);
    let inner = strukt(
        &mut b,
        "inner",
        16,
        vec![member("a", i32_, 0), member("b", i64_, 64)],
    );
    let anon = b
        .add(&Type {
            name: "",
            kind: TypeKind::Union(Composite {
                size: 16,
                bitfields: false,
                members: vec![member("x", i32_, 0), member("in2", inner, 0)],
            }),
        })
        .unwrap();
    let arr = b
        .add(&Type {
            name: "",
            kind: TypeKind::Array(Array {
                elem: i32_,
                index: i32_,
                nelems: 4,
            }),
        })
        .unwrap();
    let flags = Member {
        name: "flags",
        ty: i32_,
        bit_offset: 320,
        bitfield_size: 3,
    };
    strukt(
        &mut b,
        "task_struct",
        64,
        vec![
            member("pid", i32_, 0),
            member("tgid", i32_, 32),
            member("", anon, 64),
            member("se", inner, 192),
            flags,
            member("arr", arr, 352),
        ],
    );
    b.add(&Type {
        name: "pid_t",
        kind: TypeKind::Typedef(i32_),
    })
    .unwrap();
    let map_type = b
        .add(&Type {
            name: "bpf_map_type",
            kind: TypeKind::Enum(Enum {
                size: 4,
                signed: false,
                values: vec![
                    Enumerator {
                        name: "BPF_MAP_TYPE_UNSPEC",
                        value: 0,
                    },
                    Enumerator {
                        name: "BPF_MAP_TYPE_HASH",
                        value: 1,
                    },
                ],
            }),
        })
        .unwrap();
    strukt(&mut b, "dup", 4, vec![member("f", i32_, 0)]);
    strukt(
        &mut b,
        "dup",
        16,
        vec![member("g", i64_, 0), member("f", i32_, 64)],
    );
    strukt(&mut b, "same", 4, vec![member("f", i32_, 0)]);
    strukt(
        &mut b,
        "same",
        16,
        vec![member("f", i32_, 0), member("h", i64_, 64)],
    );
    let u8_ = b
        .add(&Type {
            name: "unsigned char",
            kind: TypeKind::Int(Int {
                size: 1,
                encoding: IntEncoding::default(),
                offset: 0,
                bits: 8,
            }),
        })
        .unwrap();
    let bitfield = |name, ty, bit_offset, bitfield_size| Member {
        name,
        ty,
        bit_offset,
        bitfield_size,
    };
    strukt(
        &mut b,
        "bits",
        24,
        vec![
            bitfield("lo", u8_, 0, 4),
            bitfield("mid", u8_, 6, 6),
            bitfield("wide", i32_, 30, 20),
            member("e", map_type, 64),
            bitfield("tail", i32_, 100, 30),
        ],
    );
    b.add(&Type {
        name: "arr_t",
        kind: TypeKind::Typedef(arr),
    })
    .unwrap();
    Btf::parse(b.encode()).unwrap()
}

/// The relocation of `r0 = EXPR` (one instruction).
fn relo(expr: &str) -> CoreRelo {
    let p = assemble(&format!("r0 = {expr}")).unwrap();
    p.core_relos()[0].clone()
}

fn value(btf: &Btf, expr: &str) -> Result<i64, String> {
    resolve_one(btf, &relo(expr).expr)
}

#[test]
fn values_follow_libbpf_rules_on_hand_built_btf() {
    let btf = hand_built();
    let cases = [
        ("offsetof(task_struct, pid)", 0),
        ("offsetof(task_struct, tgid)", 4),
        // Through the anonymous union, as C does.
        ("offsetof(task_struct, x)", 8),
        ("offsetof(task_struct, in2.b)", 16),
        ("offsetof(task_struct, se.b)", 32),
        ("offsetof(task_struct, arr[2])", 44 + 8),
        // A leading index steps over whole structs (C's `&p[1].tgid`).
        ("offsetof(task_struct, [1].tgid)", 64 + 4),
        ("offsetof(task_struct, [2].se.b)", 128 + 32),
        ("offsetof(task_struct___v2, [3])", 192),
        ("fieldsize(task_struct, [1].se)", 16),
        ("field_exists(task_struct, [1].tgid)", 1),
        // A root that is an array: the leading index is still whole `arr_t`s, then the
        // element (an object's `0:2` on such a root reads as `[0][2]`).
        ("offsetof(arr_t, [0][2])", 8),
        ("offsetof(arr_t, [1][2])", 16 + 8),
        ("fieldsize(arr_t, [0][3])", 4),
        // A flavor suffix is dropped.
        ("offsetof(task_struct___v2, tgid)", 4),
        ("offsetof(task_struct___old, se)", 24),
        ("fieldsize(task_struct, se)", 16),
        ("fieldsize(task_struct, arr)", 16),
        ("fieldsize(task_struct, arr[1])", 4),
        ("sizeof(task_struct)", 64),
        ("sizeof(pid_t)", 4),
        ("sizeof(struct inner)", 16),
        ("field_exists(task_struct, tgid)", 1),
        ("field_exists(task_struct, flags)", 1),
        ("field_exists(task_struct, nope)", 0),
        ("field_exists(nope, x)", 0),
        ("type_exists(task_struct)", 1),
        ("type_exists(nope)", 0),
        ("enumval(bpf_map_type, BPF_MAP_TYPE_HASH)", 1),
        ("enumval_exists(bpf_map_type, BPF_MAP_TYPE_HASH)", 1),
        (
            "enumval_exists(bpf_map_type___flavor, BPF_MAP_TYPE_HASH)",
            1,
        ),
        ("enumval_exists(bpf_map_type, NOPE)", 0),
        ("enumval_exists(no_such_enum, BPF_MAP_TYPE_HASH)", 0),
        // The id of the kernel's type: `int` is 1, `long` 2, `inner` 3 (built in that order).
        ("type_id(int)", 1),
        ("type_id(struct inner)", 3),
        ("type_id(inner___flavor)", 3),
        // A candidate without the field drops out; candidates that agree are fine.
        ("offsetof(dup, g)", 0),
        // Bitfields, by libbpf's rules: the smallest aligned load that holds the bits,
        // then shift left to bit 63 and right by 64 - bits.
        ("offsetof(task_struct, flags)", 40),
        ("fieldsize(task_struct, flags)", 4),
        ("field_lshift(task_struct, flags)", 61),
        ("field_rshift(task_struct, flags)", 61),
        ("field_signed(task_struct, flags)", 1),
        ("offsetof(bits, lo)", 0),
        ("fieldsize(bits, lo)", 1),
        ("field_lshift(bits, lo)", 60),
        ("field_rshift(bits, lo)", 60),
        ("field_signed(bits, lo)", 0),
        ("offsetof(bits, mid)", 0),
        ("fieldsize(bits, mid)", 2),
        ("field_lshift(bits, mid)", 52),
        ("field_rshift(bits, mid)", 58),
        ("offsetof(bits, wide)", 0),
        ("fieldsize(bits, wide)", 8),
        ("field_lshift(bits, wide)", 14),
        ("field_rshift(bits, wide)", 44),
        ("field_signed(bits, wide)", 1),
        ("field_exists(bits, tail)", 1),
        // A whole field: its bytes, shifted by 64 - its bits both ways.
        ("offsetof(bits, e)", 8),
        ("field_lshift(bits, e)", 32),
        ("field_rshift(bits, e)", 32),
        ("field_signed(bits, e)", 0),
        ("field_signed(task_struct, tgid)", 1),
        ("field_signed(task_struct, se)", 0),
        ("field_rshift(task_struct, se.b)", 0),
        ("offsetof(same, f)", 0),
        ("sizeof(inner___flavor)", 16),
    ];
    for (expr, want) in cases {
        assert_eq!(value(&btf, expr), Ok(want), "{expr}");
    }
}

#[test]
fn missing_and_ambiguous_names_are_errors_that_name_them() {
    let btf = hand_built();
    let cases = [
        (
            "offsetof(task_struct, tgidx)",
            "`offsetof(task_struct, tgidx)`: `task_struct` has no field `tgidx` in this kernel",
        ),
        (
            "offsetof(task_struct, se.c)",
            "`offsetof(task_struct, se.c)`: `task_struct.se` has no field `c` in this kernel",
        ),
        (
            "offsetof(task_strukt, tgid)",
            "`offsetof(task_strukt, tgid)`: the kernel's BTF has no struct or union named `task_strukt`",
        ),
        ("sizeof(nope)", "`sizeof(nope)`: the kernel's BTF has no type named `nope`"),
        ("type_id(nope)", "`type_id(nope)`: the kernel's BTF has no type named `nope`"),
        (
            "offsetof(bits, tail)",
            "`offsetof(bits, tail)`: the bitfield (30 bits at bit 100) does not fit in one \
             aligned 8-byte load",
        ),
        (
            "field_signed(task_struct, arr[1])",
            "an array element has an offset and a size only",
        ),
        (
            "offsetof(task_struct, arr[4])",
            "index 4 is past the end of `task_struct.arr` (4 elements)",
        ),
        (
            "offsetof(task_struct, tgid[1])",
            "`task_struct.tgid` is not an array, so `[1]` has no meaning",
        ),
        (
            "enumval(bpf_map_type, NOPE)",
            "enum `bpf_map_type` has no value `NOPE` in this kernel",
        ),
        (
            "offsetof(dup, f)",
            "`offsetof(dup, f)` is ambiguous: the kernel's types",
        ),
    ];
    for (expr, want) in cases {
        let err = value(&btf, expr).unwrap_err();
        assert!(err.contains(want), "{expr}: {err}");
    }
}

#[test]
fn every_failing_relocation_is_reported_with_its_index() {
    let btf = hand_built();
    let p =
        assemble("r0 = offsetof(task_struct, tgid)\nr1 = sizeof(nope)\nr2 = offsetof(x, y)\nexit")
            .unwrap();
    let errs = resolve_core(&btf, p.core_relos()).unwrap_err();
    assert_eq!(errs.iter().map(|e| e.relo).collect::<Vec<_>>(), [1, 2]);
    let ok = assemble("r0 = offsetof(task_struct, tgid)\nr1 = sizeof(task_struct)\nexit").unwrap();
    assert_eq!(resolve_core(&btf, ok.core_relos()), Ok(vec![4, 64]));
}

#[test]
fn flavor_suffixes_are_cut_as_libbpf_cuts_them() {
    assert_eq!(essential_name("task_struct___v2"), "task_struct");
    assert_eq!(essential_name("a___b___c"), "a___b");
    assert_eq!(essential_name("task_struct"), "task_struct");
    assert_eq!(essential_name("x____y"), "x____y");
    assert_eq!(essential_name("___x"), "___x");
    assert_eq!(essential_name("ab___"), "ab___");
}

#[test]
fn vmlinux_values_agree_with_the_btf_lookup() {
    let btf = match ebpf_btf::vmlinux() {
        Ok(b) => b,
        Err(e) => return ebpf_asm_test_support::skip(&format!("no kernel BTF: {e}")),
    };
    let task = btf
        .id_by_name_kind("task_struct", ebpf_btf::Kind::Struct)
        .unwrap()
        .unwrap();
    let byte = |path: &str| i64::from(btf.member_offset(task, path).unwrap().bit_offset / 8);
    assert_eq!(value(&btf, "offsetof(task_struct, tgid)"), Ok(byte("tgid")));
    assert_eq!(
        value(&btf, "offsetof(task_struct, se.vruntime)"),
        Ok(byte("se.vruntime"))
    );
    assert_eq!(
        value(&btf, "sizeof(task_struct)"),
        Ok(i64::from(btf.size_of(task).unwrap()))
    );
    assert_eq!(
        value(&btf, "offsetof(bpf_raw_tracepoint_args, args[1])"),
        Ok(8)
    );
    assert_eq!(
        value(&btf, "enumval(bpf_map_type, BPF_MAP_TYPE_HASH)"),
        Ok(1)
    );
    assert_eq!(value(&btf, "fieldsize(task_struct, comm)"), Ok(16));
    assert_eq!(
        value(&btf, "field_exists(task_struct, no_such_field)"),
        Ok(0)
    );
    let err = value(&btf, "offsetof(task_struct, no_such_field)").unwrap_err();
    assert!(
        err.contains("`task_struct` has no field `no_such_field`"),
        "{err}"
    );
}

/// The bitfield shifts on a big-endian kernel (s390x): bit offsets in its BTF count from
/// the top of the first byte, so the left shift that brings a field to bit 63 of the
/// u64 read at `offsetof` is `(8 - fieldsize) * 8 + (bit - 8 * offsetof)` (libbpf's
/// big-endian formula); the right shift and the load are as on little-endian.
#[test]
fn big_endian_bitfields_shift_by_libbpfs_other_formula() {
    use ebpf_btf::Endian;
    let bits = |endian: Endian| {
        let mut b = Builder::new().with_endian(endian);
        let u8_ = b
            .add(&Type {
                name: "unsigned char",
                kind: TypeKind::Int(Int {
                    size: 1,
                    encoding: IntEncoding::default(),
                    offset: 0,
                    bits: 8,
                }),
            })
            .unwrap();
        let i32_ = int(&mut b, "int", 4);
        let field = |name, ty, bit_offset, bitfield_size| Member {
            name,
            ty,
            bit_offset,
            bitfield_size,
        };
        strukt(
            &mut b,
            "bits",
            8,
            vec![
                field("lo", u8_, 0, 4),
                field("mid", u8_, 6, 6),
                field("wide", i32_, 30, 20),
            ],
        );
        let btf = Btf::parse(b.encode()).unwrap();
        assert_eq!(btf.endian(), endian);
        btf
    };
    let shifts = |btf: &Btf, f: &str| {
        ["offsetof", "fieldsize", "field_lshift", "field_rshift"].map(|k| {
            let p = assemble(&format!("r0 = {k}(bits, {f})\nexit")).unwrap();
            resolve_one(btf, &p.core_relos()[0].expr).unwrap()
        })
    };
    let (big, little) = (bits(Endian::Big), bits(Endian::Little));
    // [offsetof, fieldsize, lshift, rshift]
    assert_eq!(shifts(&big, "lo"), [0, 1, 56, 60]);
    assert_eq!(shifts(&little, "lo"), [0, 1, 60, 60]);
    assert_eq!(shifts(&big, "mid"), [0, 2, 54, 58]);
    assert_eq!(shifts(&little, "mid"), [0, 2, 52, 58]);
    assert_eq!(shifts(&big, "wide"), [0, 8, 30, 44]);
    assert_eq!(shifts(&little, "wide"), [0, 8, 14, 44]);
}
