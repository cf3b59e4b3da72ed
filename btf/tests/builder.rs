//! Building BTF by hand: one type of every kind survives encode → parse, in both byte
//! orders; the builder refuses what it cannot encode; lookups over hand-made types.

use ebpf_btf::*;

fn int(name: &str, size: u32, signed: bool) -> Type<'_> {
    let encoding = IntEncoding {
        signed,
        ..Default::default()
    };
    Type {
        name,
        kind: TypeKind::Int(Int {
            size,
            encoding,
            offset: 0,
            bits: (size * 8) as u8,
        }),
    }
}

/// One type of every kind; ids refer to earlier entries (1-based).
fn every_kind() -> Vec<Type<'static>> {
    let t = |name, kind| Type { name, kind };
    let member = |name, ty, bit_offset, bitfield_size| Member {
        name,
        ty,
        bit_offset,
        bitfield_size,
    };
    vec![
        int("int", 4, true),     // 1
        t("", TypeKind::Ptr(1)), // 2
        t(
            "",
            TypeKind::Array(Array {
                elem: 1,
                index: 1,
                nelems: 16,
            }),
        ), // 3
        t(
            "point",
            TypeKind::Struct(Composite {
                // 4
                size: 12,
                bitfields: true,
                members: vec![
                    member("x", 1, 0, 0),
                    member("flag", 1, 32, 3),
                    member("", 6, 64, 0),
                ],
            }),
        ),
        t(
            "u",
            TypeKind::Union(Composite {
                size: 4,
                bitfields: false,
                members: vec![member("a", 1, 0, 0)],
            }),
        ), // 5
        t(
            "",
            TypeKind::Union(Composite {
                size: 4,
                bitfields: false,
                members: vec![member("inner", 1, 0, 0)],
            }),
        ), // 6
        t(
            "e",
            TypeKind::Enum(Enum {
                // 7
                size: 4,
                signed: true,
                values: vec![
                    Enumerator {
                        name: "NEG",
                        value: -5i64 as u64,
                    },
                    Enumerator {
                        name: "POS",
                        value: 7,
                    },
                ],
            }),
        ),
        t(
            "e64",
            TypeKind::Enum64(Enum {
                // 8
                size: 8,
                signed: false,
                values: vec![Enumerator {
                    name: "BIG",
                    value: 1 << 40 | 3,
                }],
            }),
        ),
        t("later", TypeKind::Fwd(FwdKind::Union)), // 9
        t("myint", TypeKind::Typedef(1)),          // 10
        t("", TypeKind::Volatile(10)),             // 11
        t("", TypeKind::Const(11)),                // 12
        t("", TypeKind::Restrict(2)),              // 13
        t(
            "",
            TypeKind::FuncProto(FuncProto {
                // 14
                ret: 1,
                params: vec![Param { name: "p", ty: 2 }, Param { name: "", ty: 0 }],
            }),
        ),
        t(
            "f",
            TypeKind::Func(Func {
                proto: 14,
                linkage: Linkage::Global,
            }),
        ), // 15
        t(
            "v",
            TypeKind::Var(Var {
                ty: 1,
                linkage: Linkage::Static,
            }),
        ), // 16
        t(
            ".data",
            TypeKind::Datasec(Datasec {
                size: 4,
                vars: vec![VarSecInfo {
                    ty: 16,
                    offset: 0,
                    size: 4,
                }],
            }),
        ), // 17
        t("double", TypeKind::Float(8)), // 18
        t(
            "tag",
            TypeKind::DeclTag(DeclTag {
                ty: 4,
                component_idx: 1,
                attr: false,
            }),
        ), // 19
        t("user", TypeKind::TypeTag(TypeTag { ty: 1, attr: true })), // 20
    ]
}

fn build(types: &[Type<'_>], endian: Endian) -> Vec<u8> {
    let mut b = Builder::new().with_endian(endian);
    for (i, t) in types.iter().enumerate() {
        assert_eq!(b.add(t).unwrap(), i as u32 + 1);
    }
    b.encode()
}

#[test]
fn every_kind_round_trips_in_both_byte_orders() {
    let types = every_kind();
    let kinds: std::collections::BTreeSet<Kind> = types.iter().map(Type::kind).collect();
    assert_eq!(kinds.len(), Kind::ALL.len(), "one of every kind");
    for endian in [Endian::Little, Endian::Big] {
        let bytes = build(&types, endian);
        let btf = Btf::parse(bytes.clone()).unwrap();
        assert_eq!(btf.endian(), endian);
        btf.validate().unwrap();
        let back: Vec<Type<'_>> = btf.types().map(|r| r.unwrap().1).collect();
        assert_eq!(back, types);
        // Re-adding the parsed types gives the same bytes.
        assert_eq!(build(&back, endian), bytes);
    }
}

#[test]
fn strings_are_deduplicated() {
    let mut b = Builder::new();
    let a = b.add_str("task_struct").unwrap();
    assert_eq!(b.add_str("task_struct").unwrap(), a);
    assert_eq!(b.add_str("").unwrap(), 0);
    b.add(&int("int", 4, true)).unwrap();
    b.add(&int("int", 4, true)).unwrap();
    let btf = Btf::parse(b.encode()).unwrap();
    assert_eq!(btf.string_section(), b"\0task_struct\0int\0");
    assert_eq!(btf.ids_by_name("int").unwrap(), vec![1, 2]);
}

#[test]
fn the_builder_refuses_what_does_not_fit() {
    let mut b = Builder::new();
    assert!(matches!(b.add_str("a\0b"), Err(Error::NulInString(_))));
    let m = |bit_offset, bitfield_size, bitfields| Type {
        name: "s",
        kind: TypeKind::Struct(Composite {
            size: 4,
            bitfields,
            members: vec![Member {
                name: "m",
                ty: 0,
                bit_offset,
                bitfield_size,
            }],
        }),
    };
    assert!(matches!(
        b.add(&m(1 << 24, 1, true)),
        Err(Error::DoesNotFit {
            value: 16777216,
            ..
        })
    ));
    assert!(matches!(
        b.add(&m(0, 3, false)),
        Err(Error::DoesNotFit { value: 3, .. })
    ));
    let e = |value| Type {
        name: "e",
        kind: TypeKind::Enum(Enum {
            size: 4,
            signed: false,
            values: vec![Enumerator { name: "X", value }],
        }),
    };
    assert!(matches!(b.add(&e(1 << 32)), Err(Error::DoesNotFit { .. })));
    let many = Type {
        name: "",
        kind: TypeKind::FuncProto(FuncProto {
            ret: 0,
            params: vec![Param { name: "", ty: 0 }; 70_000],
        }),
    };
    assert!(matches!(
        b.add(&many),
        Err(Error::DoesNotFit { value: 70_000, .. })
    ));
    // Nothing half-added.
    assert_eq!(b.next_id(), 1);
    assert!(Btf::parse(b.encode()).unwrap().is_empty());
}

#[test]
fn lookups_on_hand_made_types() {
    let btf = Btf::parse(build(&every_kind(), Endian::NATIVE)).unwrap();
    assert_eq!(btf.id_by_name_kind("point", Kind::Struct).unwrap(), Some(4));
    assert_eq!(btf.id_by_name_kind("point", Kind::Union).unwrap(), None);
    assert_eq!(btf.resolve(12).unwrap(), 1, "const volatile myint is int");
    assert_eq!(btf.size_of(12).unwrap(), 4);
    assert_eq!(btf.size_of(3).unwrap(), 64, "int[16]");
    assert_eq!(btf.size_of(2).unwrap(), 8);
    assert!(matches!(
        btf.size_of(14),
        Err(Error::NoSize {
            kind: Some(Kind::FuncProto),
            ..
        })
    ));
    let flag = btf.member_offset(4, "flag").unwrap();
    assert_eq!(
        flag,
        MemberOffset {
            ty: 1,
            bit_offset: 32,
            bitfield_size: 3
        }
    );
    // `inner` lives in an anonymous union at bit 64.
    assert_eq!(btf.member_offset(4, "inner").unwrap().bit_offset, 64);
    let e = btf.member_offset(4, "nope").unwrap_err();
    assert_eq!(e.to_string(), "type 4 (point) has no member `nope`");
    let e = btf.member_offset(4, "x.y").unwrap_err();
    assert_eq!(
        e.to_string(),
        "type 1 (INT) has no members, looking for `y`"
    );
}

#[test]
fn a_typedef_cycle_is_an_error() {
    let bytes = build(
        &[
            Type {
                name: "a",
                kind: TypeKind::Typedef(2),
            },
            Type {
                name: "b",
                kind: TypeKind::Typedef(1),
            },
        ],
        Endian::NATIVE,
    );
    let btf = Btf::parse(bytes).unwrap();
    assert!(matches!(
        btf.resolve(1),
        Err(Error::ChainTooLong { id: 1, .. })
    ));
    assert!(matches!(btf.size_of(2), Err(Error::ChainTooLong { .. })));
}

#[test]
fn display_reads_like_bpftool() {
    let btf = Btf::parse(build(&every_kind(), Endian::NATIVE)).unwrap();
    let text = btf.type_by_id(4).unwrap().to_string();
    assert_eq!(
        text,
        "STRUCT 'point' size=12 vlen=3\n\t'x' type_id=1 bits_offset=0\n\t'flag' type_id=1 bits_offset=32 bitfield_size=3\n\t'' type_id=6 bits_offset=64"
    );
    assert_eq!(
        btf.type_by_id(1).unwrap().to_string(),
        "INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED"
    );
}

/// Anonymous members that share or repeat a type are searched once: a struct made only of
/// 40 anonymous copies of itself would otherwise take 40^64 steps.
#[test]
fn anonymous_member_search_does_not_explode() {
    let anon = Member {
        name: "",
        ty: 1,
        bit_offset: 0,
        bitfield_size: 0,
    };
    let comp = Composite {
        size: 4,
        bitfields: false,
        members: vec![anon; 40],
    };
    let bytes = build(
        &[Type {
            name: "loop",
            kind: TypeKind::Struct(comp),
        }],
        Endian::NATIVE,
    );
    let btf = Btf::parse(bytes).unwrap();
    assert!(matches!(
        btf.member_offset(1, "x"),
        Err(Error::NoMember { .. })
    ));
}
