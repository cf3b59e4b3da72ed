//! `TYPE_MATCHES` (`ebpf_loader::core_match`) as a pure function over two hand-built
//! BTFs: for each of libbpf's rules, a local type that matches the "kernel's" and one
//! that does not. The local type is `struct task_struct___m` with one member, the thing
//! under test, unless the test says otherwise.

use ebpf_asm::{CoreExpr, CoreKind};
use ebpf_btf::{
    Array, Btf, Builder, Composite, Enum, Enumerator, FuncProto, FwdKind, Int, IntEncoding, Member,
    Param, Type, TypeKind,
};
use ebpf_loader::core_match::{type_matches, types_match};
use ebpf_loader::core_relo::{resolve_one, resolve_one_with};

/// A BTF under construction, with short constructors.
struct B(Builder);

impl B {
    fn new() -> B {
        B(Builder::new())
    }
    fn add(&mut self, name: &str, kind: TypeKind<'_>) -> u32 {
        self.0.add(&Type { name, kind }).expect("adds")
    }
    fn int(&mut self, name: &str, size: u32, signed: bool) -> u32 {
        let encoding = IntEncoding {
            signed,
            ..Default::default()
        };
        let bits = (size * 8) as u8;
        self.add(
            name,
            TypeKind::Int(Int {
                size,
                encoding,
                offset: 0,
                bits,
            }),
        )
    }
    fn ptr(&mut self, to: u32) -> u32 {
        self.add("", TypeKind::Ptr(to))
    }
    fn array(&mut self, elem: u32, nelems: u32) -> u32 {
        let index = self.int("__idx", 4, false);
        self.add(
            "",
            TypeKind::Array(Array {
                elem,
                index,
                nelems,
            }),
        )
    }
    fn composite(&mut self, name: &str, union: bool, members: &[(&str, u32)]) -> u32 {
        let members = members
            .iter()
            .enumerate()
            .map(|(i, &(name, ty))| Member {
                name,
                ty,
                bit_offset: if union { 0 } else { i as u32 * 64 },
                bitfield_size: 0,
            })
            .collect::<Vec<_>>();
        let c = Composite {
            size: 8 * members_len(union, &members),
            bitfields: false,
            members,
        };
        let kind = if union {
            TypeKind::Union(c)
        } else {
            TypeKind::Struct(c)
        };
        self.add(name, kind)
    }
    fn strukt(&mut self, name: &str, members: &[(&str, u32)]) -> u32 {
        self.composite(name, false, members)
    }
    fn union(&mut self, name: &str, members: &[(&str, u32)]) -> u32 {
        self.composite(name, true, members)
    }
    fn enumeration(&mut self, name: &str, size: u32, wide: bool, values: &[&str]) -> u32 {
        let e = Enum {
            size,
            signed: false,
            values: values
                .iter()
                .enumerate()
                .map(|(i, &name)| Enumerator {
                    name,
                    value: i as u64,
                })
                .collect(),
        };
        self.add(
            name,
            if wide {
                TypeKind::Enum64(e)
            } else {
                TypeKind::Enum(e)
            },
        )
    }
    fn fwd(&mut self, name: &str, union: bool) -> u32 {
        let k = if union {
            FwdKind::Union
        } else {
            FwdKind::Struct
        };
        self.add(name, TypeKind::Fwd(k))
    }
    fn typedef(&mut self, name: &str, to: u32) -> u32 {
        self.add(name, TypeKind::Typedef(to))
    }
    fn proto(&mut self, ret: u32, params: &[u32]) -> u32 {
        let params = params.iter().map(|&ty| Param { name: "", ty }).collect();
        self.add("", TypeKind::FuncProto(FuncProto { ret, params }))
    }
    fn btf(self) -> Btf {
        Btf::parse(self.0.encode()).expect("parses")
    }
}

fn members_len(union: bool, members: &[Member<'_>]) -> u32 {
    if union {
        1
    } else {
        members.len().max(1) as u32
    }
}

/// The "kernel":
/// ```c
/// typedef int pid_t;
/// struct mm_struct { int x; };
/// enum state { RUNNING, STOPPED };                 // 4 bytes
/// enum big { BIG_A, BIG_B };                       // 8 bytes (ENUM, not ENUM64)
/// union u { int a; long b; };
/// struct opaque;                                   // declared only
/// struct list { struct list *next; };
/// struct nested { int depth; };
/// struct task_struct {
///     pid_t pid; pid_t tgid; struct mm_struct *mm; int arr[4]; enum state st;
///     enum big bg; union u un; int (*fn)(int, long); struct opaque *o;
///     struct list *l; void *data; struct nested n;
/// };
/// struct chain0 { struct chain1 c; }; ... struct chain39 { int end; };
/// ```
fn kernel() -> Btf {
    let mut b = B::new();
    let int = b.int("int", 4, true);
    let long = b.int("long", 8, true);
    let pid_t = b.typedef("pid_t", int);
    let mm = b.strukt("mm_struct", &[("x", int)]);
    let mm_p = b.ptr(mm);
    let arr = b.array(int, 4);
    let st = b.enumeration("state", 4, false, &["RUNNING", "STOPPED"]);
    let bg = b.enumeration("big", 8, false, &["BIG_A", "BIG_B"]);
    let un = b.union("u", &[("a", int), ("b", long)]);
    let proto = b.proto(int, &[int, long]);
    let fn_p = b.ptr(proto);
    let opaque = b.fwd("opaque", false);
    let o = b.ptr(opaque);
    // struct list: its pointer is added first, pointing at the next id.
    let list_p = b.ptr(b.0.next_id() + 1);
    let list = b.strukt("list", &[("next", list_p)]);
    assert_eq!(b.0.next_id() - 1, list);
    let void_p = b.ptr(0);
    let nested = b.strukt("nested", &[("depth", int)]);
    b.strukt(
        "task_struct",
        &[
            ("pid", pid_t),
            ("tgid", pid_t),
            ("mm", mm_p),
            ("arr", arr),
            ("st", st),
            ("bg", bg),
            ("un", un),
            ("fn", fn_p),
            ("o", o),
            ("l", list_p),
            ("data", void_p),
            ("n", nested),
        ],
    );
    chain(&mut b, 40);
    b.btf()
}

/// `struct chain0 { struct chain1 c; }` ... `struct chain{n-1} { int end; }`; returns
/// chain0's id.
fn chain(b: &mut B, n: usize) -> u32 {
    let int = b.int("int", 4, true);
    let mut inner = b.strukt(&format!("chain{}", n - 1), &[("end", int)]);
    for i in (0..n - 1).rev() {
        inner = b.strukt(&format!("chain{i}"), &[("c", inner)]);
    }
    inner
}

/// TYPE_MATCHES of a local `struct task_struct___m` whose one member `name` has the
/// type `member` builds.
fn task_with(name: &str, member: impl FnOnce(&mut B) -> u32) -> i64 {
    let mut b = B::new();
    let ty = member(&mut b);
    let root = b.strukt("task_struct___m", &[(name, ty)]);
    type_matches(&b.btf(), root, &kernel()).expect("no error")
}

#[test]
fn names_are_compared_without_their_flavor() {
    // The root's flavor is dropped when looking for candidates.
    assert_eq!(task_with("pid", |b| b.int("int", 4, true)), 1);
    // A member's flavor too.
    assert_eq!(task_with("pid___v2", |b| b.int("int", 4, true)), 1);
    // A member the kernel does not have.
    assert_eq!(task_with("no_such_field", |b| b.int("int", 4, true)), 0);
    // A root no kernel type is named after.
    let mut b = B::new();
    let int = b.int("int", 4, true);
    let root = b.strukt("not_in_kernel", &[("pid", int)]);
    assert_eq!(type_matches(&b.btf(), root, &kernel()), Ok(0));
    // Comparing two types of different names directly.
    let k = kernel();
    let mm = k
        .id_by_name_kind("mm_struct", ebpf_btf::Kind::Struct)
        .unwrap()
        .unwrap();
    let mut b = B::new();
    let int = b.int("int", 4, true);
    let other = b.strukt("vm_struct", &[("x", int)]);
    let same = b.strukt("mm_struct___old", &[("x", int)]);
    let local = b.btf();
    assert_eq!(types_match(&local, other, &k, mm), Ok(false));
    assert_eq!(types_match(&local, same, &k, mm), Ok(true));
}

#[test]
fn kinds_must_agree() {
    // `union task_struct` has no candidate: the kernel's is a struct.
    let mut b = B::new();
    let int = b.int("int", 4, true);
    let root = b.union("task_struct", &[("pid", int)]);
    assert_eq!(type_matches(&b.btf(), root, &kernel()), Ok(0));
    // A struct where the kernel has a union, and the other way round.
    assert_eq!(
        task_with("un", |b| {
            let int = b.int("int", 4, true);
            b.strukt("u", &[("a", int)])
        }),
        0
    );
    assert_eq!(
        task_with("un", |b| {
            let int = b.int("int", 4, true);
            b.union("u", &[("a", int)])
        }),
        1
    );
    // A pointer where the kernel has a struct.
    assert_eq!(
        task_with("n", |b| {
            let int = b.int("int", 4, true);
            let n = b.strukt("nested", &[("depth", int)]);
            b.ptr(n)
        }),
        0
    );
}

#[test]
fn ints_match_by_size_and_signedness() {
    assert_eq!(task_with("pid", |b| b.int("int", 4, true)), 1);
    // Names are compared for every type after typedefs, ints too, as in libbpf.
    assert_eq!(task_with("pid", |b| b.int("s32", 4, true)), 0);
    assert_eq!(task_with("pid", |b| b.int("int", 8, true)), 0, "size");
    assert_eq!(task_with("pid", |b| b.int("int", 4, false)), 0, "sign");
}

#[test]
fn typedefs_and_modifiers_are_looked_through() {
    // The kernel's `pid_t pid` against a local `my_pid pid` (typedef of int).
    assert_eq!(
        task_with("pid", |b| {
            let int = b.int("int", 4, true);
            b.typedef("my_pid", int)
        }),
        1
    );
    assert_eq!(
        task_with("pid", |b| {
            let int = b.int("int", 4, true);
            let c = b.add("", TypeKind::Const(int));
            b.add("", TypeKind::Volatile(c))
        }),
        1
    );
    assert_eq!(
        task_with("pid", |b| {
            let uint = b.int("int", 4, false);
            b.typedef("my_pid", uint)
        }),
        0
    );
    // A typedef as the root: matched with the kernel's typedefs of that name.
    let k = kernel();
    let mut b = B::new();
    let int = b.int("int", 4, true);
    let pid = b.typedef("pid_t", int);
    let uint = b.int("int", 4, false);
    let upid = b.typedef("pid_t___unsigned", uint);
    let local = b.btf();
    assert_eq!(type_matches(&local, pid, &k), Ok(1));
    assert_eq!(type_matches(&local, upid, &k), Ok(0));
}

#[test]
fn struct_members_are_matched_by_name_and_type() {
    let mut b = B::new();
    let int = b.int("int", 4, true);
    let both = b.strukt("task_struct", &[("tgid", int), ("pid", int)]);
    let long = b.int("long", 8, true);
    let wrong = b.strukt("task_struct___wrong", &[("pid", long)]);
    let local = b.btf();
    assert_eq!(
        type_matches(&local, both, &kernel()),
        Ok(1),
        "order does not matter"
    );
    assert_eq!(
        type_matches(&local, wrong, &kernel()),
        Ok(0),
        "pid is an int"
    );
    // Member types are matched recursively.
    assert_eq!(
        task_with("n", |b| {
            let int = b.int("int", 4, true);
            b.strukt("nested", &[("depth", int)])
        }),
        1
    );
    assert_eq!(
        task_with("n", |b| {
            let long = b.int("long", 8, true);
            b.strukt("nested", &[("depth", long)])
        }),
        0
    );
    // More members than the kernel's type has.
    let mut b = B::new();
    let int = b.int("int", 4, true);
    let names: Vec<String> = (0..13).map(|i| format!("m{i}")).collect();
    let members: Vec<(&str, u32)> = names.iter().map(|n| (n.as_str(), int)).collect();
    let big = b.strukt("task_struct", &members);
    assert_eq!(type_matches(&b.btf(), big, &kernel()), Ok(0));
}

#[test]
fn behind_a_pointer_structs_match_by_name_and_kind() {
    // Any layout of mm_struct will do behind the pointer.
    assert_eq!(
        task_with("mm", |b| {
            let long = b.int("long", 8, true);
            let mm = b.strukt("mm_struct", &[("whatever", long)]);
            b.ptr(mm)
        }),
        1
    );
    assert_eq!(
        task_with("mm", |b| {
            let mm = b.fwd("mm_struct___decl", false);
            b.ptr(mm)
        }),
        1,
        "a declaration matches the definition behind a pointer"
    );
    assert_eq!(
        task_with("mm", |b| {
            let mm = b.fwd("mm_struct", true);
            b.ptr(mm)
        }),
        0,
        "but only of its kind"
    );
    assert_eq!(
        task_with("mm", |b| {
            let int = b.int("int", 4, true);
            let other = b.strukt("vm_area", &[("x", int)]);
            b.ptr(other)
        }),
        0,
        "names still count"
    );
    assert_eq!(
        task_with("mm", |b| {
            let int = b.int("int", 4, true);
            let u = b.union("mm_struct", &[("x", int)]);
            b.ptr(u)
        }),
        0,
        "kinds still count"
    );
    assert_eq!(
        task_with("mm", |b| {
            let int = b.int("int", 4, true);
            b.ptr(int)
        }),
        0
    );
    // The kernel only declares `struct opaque`: a local definition matches behind a
    // pointer, a union does not.
    assert_eq!(
        task_with("o", |b| {
            let int = b.int("int", 4, true);
            let s = b.strukt("opaque", &[("z", int)]);
            b.ptr(s)
        }),
        1
    );
    assert_eq!(
        task_with("o", |b| {
            let int = b.int("int", 4, true);
            let s = b.union("opaque", &[("z", int)]);
            b.ptr(s)
        }),
        0
    );
    // A self-referencing type ends: behind the pointer only names are compared.
    assert_eq!(
        task_with("l", |b| {
            let p = b.ptr(b.0.next_id() + 1);
            b.strukt("list", &[("next", p)]);
            p
        }),
        1
    );
    // `void *` matches `void *` only.
    assert_eq!(task_with("data", |b| b.ptr(0)), 1);
    assert_eq!(
        task_with("data", |b| {
            let int = b.int("int", 4, true);
            b.ptr(int)
        }),
        0
    );
}

#[test]
fn arrays_match_by_count_and_element() {
    let arr = |n: u32, size: u32| {
        move |b: &mut B| {
            let e = b.int(if size == 4 { "int" } else { "long" }, size, true);
            b.array(e, n)
        }
    };
    assert_eq!(task_with("arr", arr(4, 4)), 1);
    assert_eq!(task_with("arr", arr(5, 4)), 0, "count");
    assert_eq!(task_with("arr", arr(4, 8)), 0, "element");
}

#[test]
fn enums_match_by_value_names_and_size() {
    let en = |name: &'static str, size: u32, wide: bool, values: &'static [&'static str]| {
        move |b: &mut B| b.enumeration(name, size, wide, values)
    };
    assert_eq!(task_with("st", en("state", 4, false, &["RUNNING"])), 1);
    assert_eq!(
        task_with("st", en("state", 4, false, &["STOPPED", "RUNNING"])),
        1,
        "order and values do not matter"
    );
    assert_eq!(
        task_with("st", en("state", 4, false, &["RUNNING___new"])),
        1,
        "value names lose their flavor too"
    );
    assert_eq!(
        task_with("st", en("state", 4, false, &["SLEEPING"])),
        0,
        "a value name the kernel lacks"
    );
    assert_eq!(
        task_with("st", en("state", 4, false, &["RUNNING", "STOPPED", "DEAD"])),
        0,
        "more values than the kernel's"
    );
    assert_eq!(
        task_with("st", en("state", 8, true, &["RUNNING"])),
        0,
        "size"
    );
    // ENUM and ENUM64 match each other when sizes agree.
    assert_eq!(task_with("st", en("state", 4, true, &["RUNNING"])), 1);
    assert_eq!(task_with("bg", en("big", 8, true, &["BIG_B"])), 1);
    assert_eq!(task_with("bg", en("big", 4, false, &["BIG_B"])), 0);
}

#[test]
fn function_pointers_match_by_parameters_and_return() {
    let f = |ret: u32, params: &'static [u32]| {
        move |b: &mut B| {
            let int = b.int("int", 4, true);
            let long = b.int("long", 8, true);
            let ty = |n: u32| if n == 4 { int } else { long };
            let ps: Vec<u32> = params.iter().map(|&n| ty(n)).collect();
            let proto = b.proto(ty(ret), &ps);
            b.ptr(proto)
        }
    };
    assert_eq!(task_with("fn", f(4, &[4, 8])), 1);
    assert_eq!(task_with("fn", f(4, &[4])), 0, "parameter count");
    assert_eq!(task_with("fn", f(4, &[4, 4])), 0, "a parameter's type");
    assert_eq!(task_with("fn", f(8, &[4, 8])), 0, "the return type");
}

#[test]
fn nesting_deeper_than_libbpf_allows_is_an_error() {
    let k = kernel();
    let mut b = B::new();
    let shallow = chain(&mut b, 31);
    let local = b.btf();
    let target = k
        .id_by_name_kind("chain0", ebpf_btf::Kind::Struct)
        .unwrap()
        .unwrap();
    // 31 nested structs are within the limit (they differ at the end: the kernel's go
    // on, so chain30 has `c`, not `end`).
    assert_eq!(types_match(&local, shallow, &k, target), Ok(false));
    let mut b = B::new();
    let deep = chain(&mut b, 40);
    let local = b.btf();
    let err = types_match(&local, deep, &k, target).unwrap_err();
    assert!(err.contains("deeper than 32 levels"), "{err}");
    assert_eq!(type_matches(&local, deep, &k), Err(err));
    // A chain of 40 pointers to int, on both sides.
    let pointers = |b: &mut B| {
        let mut t = b.int("int", 4, true);
        for _ in 0..40 {
            t = b.ptr(t);
        }
        b.strukt("p", &[("x", t)])
    };
    let mut l = B::new();
    let lp = pointers(&mut l);
    let mut t = B::new();
    let tp = pointers(&mut t);
    let err = types_match(&l.btf(), lp, &t.btf(), tp).unwrap_err();
    assert!(err.contains("deeper than 32"), "{err}");
}

#[test]
fn the_resolver_compares_the_programs_own_type() {
    let expr = CoreExpr {
        kind: CoreKind::TypeMatches,
        type_name: "task_struct___m".into(),
        path: Vec::new(),
    };
    let mut b = B::new();
    let int = b.int("int", 4, true);
    b.strukt("task_struct___m", &[("pid", int), ("tgid", int)]);
    let mut bad = B::new();
    let uint = bad.int("int", 4, false);
    bad.strukt("task_struct___m", &[("pid", uint)]);
    let k = kernel();
    assert_eq!(resolve_one_with(&k, Some(&b.btf()), &expr), Ok(1));
    assert_eq!(resolve_one_with(&k, Some(&bad.btf()), &expr), Ok(0));
    assert_eq!(expr.to_string(), "type_matches(task_struct___m)");
    // Without the program's types, or without that type in them: errors that say so.
    let err = resolve_one(&k, &expr).unwrap_err();
    assert!(err.contains("Program::with_local_btf"), "{err}");
    let err = resolve_one_with(&k, Some(&B::new().btf()), &expr).unwrap_err();
    assert!(
        err.contains("the program's BTF has no type named `task_struct___m`"),
        "{err}"
    );
    // An anonymous local type cannot be looked for.
    let mut b = B::new();
    let int = b.int("int", 4, true);
    let anon = b.strukt("", &[("pid", int)]);
    let err = type_matches(&b.btf(), anon, &k).unwrap_err();
    assert!(err.contains("anonymous"), "{err}");
}
