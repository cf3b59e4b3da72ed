//! Copying types from another BTF (a map's key and value BTF, a clang object's `.BTF`)
//! into the object's: only what the types needed need (their closure), each type once
//! however many variables use it, so that no second `.maps` DATASEC or VAR of the same
//! name comes along (libbpf takes the first of a name).

use std::collections::HashMap;

use ebpf_btf::{Btf, Builder, TypeId, TypeKind};

/// Copies types of one BTF into a [`Builder`] on demand, with what they refer to.
pub(crate) struct Closure<'a> {
    src: &'a Btf,
    /// Source id → id in the builder.
    copied: HashMap<TypeId, TypeId>,
}

impl<'a> Closure<'a> {
    /// Copies from `src`.
    pub fn new(src: &'a Btf) -> Closure<'a> {
        Closure {
            src,
            copied: HashMap::from([(0, 0)]),
        }
    }

    /// The source BTF.
    pub fn src(&self) -> &'a Btf {
        self.src
    }

    /// The id in `b` of `src`'s type `id`, copying it and every type it refers to that is
    /// not copied yet (cycles through pointers included: ids are given out first).
    pub fn copy(&mut self, b: &mut Builder, id: TypeId) -> ebpf_btf::Result<TypeId> {
        let mut todo = vec![id];
        let mut order = Vec::new();
        let mut next = b.next_id();
        while let Some(id) = todo.pop() {
            if self.copied.contains_key(&id) {
                continue;
            }
            self.copied.insert(id, next);
            next += 1;
            order.push(id);
            let mut t = self.src.type_by_id(id)?;
            map_refs(&mut t.kind, |r| {
                todo.push(r);
                r
            });
        }
        for id in order {
            let mut t = self.src.type_by_id(id)?;
            map_refs(&mut t.kind, |r| self.copied.get(&r).copied().unwrap_or(0));
            b.add(&t)?;
        }
        Ok(self.copied[&id])
    }
}

/// Applies `f` to every type id `kind` refers to.
pub(crate) fn map_refs(kind: &mut TypeKind<'_>, mut f: impl FnMut(TypeId) -> TypeId) {
    match kind {
        TypeKind::Ptr(t)
        | TypeKind::Typedef(t)
        | TypeKind::Volatile(t)
        | TypeKind::Const(t)
        | TypeKind::Restrict(t) => *t = f(*t),
        TypeKind::Array(a) => {
            a.elem = f(a.elem);
            a.index = f(a.index);
        }
        TypeKind::Struct(c) | TypeKind::Union(c) => {
            c.members.iter_mut().for_each(|m| m.ty = f(m.ty));
        }
        TypeKind::Func(func) => func.proto = f(func.proto),
        TypeKind::FuncProto(p) => {
            p.ret = f(p.ret);
            p.params.iter_mut().for_each(|p| p.ty = f(p.ty));
        }
        TypeKind::Var(v) => v.ty = f(v.ty),
        TypeKind::Datasec(d) => d.vars.iter_mut().for_each(|v| v.ty = f(v.ty)),
        TypeKind::DeclTag(t) => t.ty = f(t.ty),
        TypeKind::TypeTag(t) => t.ty = f(t.ty),
        TypeKind::Int(_)
        | TypeKind::Enum(_)
        | TypeKind::Enum64(_)
        | TypeKind::Fwd(_)
        | TypeKind::Float(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ebpf_btf::{Composite, Int, Member, Type};

    /// `struct node { struct node *next; int v; }` after an unrelated `char`: a cycle
    /// through a pointer, ids that move.
    fn source() -> Vec<u8> {
        let mut b = Builder::new();
        let int = |name| Type {
            name,
            kind: TypeKind::Int(Int::new(4, false)),
        };
        b.add(&int("unrelated")).expect("add"); // 1
        let member = |name, ty, bit_offset| Member {
            name,
            ty,
            bit_offset,
            bitfield_size: 0,
        };
        let node = Type {
            name: "node",
            kind: TypeKind::Struct(Composite {
                size: 16,
                bitfields: false,
                members: vec![member("next", 3, 0), member("v", 4, 64)],
            }),
        };
        b.add(&node).expect("add"); // 2
        b.add(&Type {
            name: "",
            kind: TypeKind::Ptr(2),
        })
        .expect("add"); // 3
        b.add(&int("int")).expect("add"); // 4
        b.encode()
    }

    #[test]
    fn a_closure_copies_what_a_type_needs_once_cycles_included() {
        let blob = source();
        let src = Btf::parse(blob.as_slice()).expect("parses");
        let mut b = Builder::new();
        let mut c = Closure::new(&src);
        let node = c.copy(&mut b, 2).expect("copies");
        assert_eq!(c.copy(&mut b, 2).expect("again"), node, "copied once");
        let out = b.encode();
        let out = Btf::parse(out).expect("the copy parses");
        assert_eq!(
            out.ids().count(),
            3,
            "node, its pointer and int; not `unrelated`"
        );
        let TypeKind::Struct(s) = out.type_by_id(node).expect("node").kind else {
            panic!("not a struct")
        };
        let TypeKind::Ptr(to) = out.type_by_id(s.members[0].ty).expect("next").kind else {
            panic!("next is not a pointer")
        };
        assert_eq!(to, node, "the cycle points at the copy");
        assert_eq!(out.type_by_id(s.members[1].ty).expect("v").name, "int");
    }
}
