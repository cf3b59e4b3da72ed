//! Instructions as Rust expressions that build them (usable in `static` initialisers).

use ebpf_asm_core::*;
use proc_macro2::TokenStream;
use quote::quote;

/// The variant name of a fieldless enum value, as an identifier.
fn ident<T: std::fmt::Debug>(v: T) -> proc_macro2::Ident {
    quote::format_ident!("{}", format!("{v:?}"))
}

fn reg(r: Reg) -> TokenStream {
    let id = quote::format_ident!("R{}", r.index());
    quote!(::ebpf_asm::Reg::#id)
}

fn width(w: Width) -> TokenStream {
    match w {
        Width::W32 => quote!(::ebpf_asm::Width::W32),
        Width::W64 => quote!(::ebpf_asm::Width::W64),
    }
}

fn size(s: Size) -> TokenStream {
    let id = ident(s);
    quote!(::ebpf_asm::Size::#id)
}

fn sx(s: SxSize) -> TokenStream {
    let id = ident(s);
    quote!(::ebpf_asm::SxSize::#id)
}

fn src(s: &Src) -> TokenStream {
    match s {
        Src::Reg(r) => {
            let r = reg(*r);
            quote!(::ebpf_asm::Src::Reg(#r))
        }
        Src::Imm(i) => quote!(::ebpf_asm::Src::Imm(#i)),
    }
}

fn label(l: &Label) -> TokenStream {
    let s = l.as_str();
    quote!(::ebpf_asm::Label::new(#s))
}

fn target<O: quote::ToTokens>(t: &Target<O>) -> TokenStream {
    match t {
        Target::Offset(o) => quote!(::ebpf_asm::Target::Offset(#o)),
        Target::Label(l) => {
            let l = label(l);
            quote!(::ebpf_asm::Target::Label(#l))
        }
    }
}

/// An expression of type `ebpf_asm::Insn` equal to `insn`.
pub fn insn(insn: &Insn) -> TokenStream {
    match insn {
        Insn::Alu {
            width: w,
            op,
            dst,
            src: s,
        } => {
            let (w, d, s) = (width(*w), reg(*dst), src(s));
            let op = ident(op);
            quote!(::ebpf_asm::Insn::Alu { width: #w, op: ::ebpf_asm::AluOp::#op, dst: #d, src: #s })
        }
        Insn::Neg { width: w, dst } => {
            let (w, d) = (width(*w), reg(*dst));
            quote!(::ebpf_asm::Insn::Neg { width: #w, dst: #d })
        }
        Insn::MovSx {
            width: w,
            dst,
            src: s,
            from,
        } => {
            let (w, d, s, f) = (width(*w), reg(*dst), reg(*s), sx(*from));
            quote!(::ebpf_asm::Insn::MovSx { width: #w, dst: #d, src: #s, from: #f })
        }
        Insn::Endian { order, bits, dst } => {
            let o = ident(order);
            let b = ident(bits);
            let d = reg(*dst);
            quote!(::ebpf_asm::Insn::Endian { order: ::ebpf_asm::ByteOrder::#o, bits: ::ebpf_asm::SwapBits::#b, dst: #d })
        }
        Insn::AddrSpaceCast {
            dst,
            src: s,
            dst_as,
            src_as,
        } => {
            let (d, s) = (reg(*dst), reg(*s));
            quote!(::ebpf_asm::Insn::AddrSpaceCast { dst: #d, src: #s, dst_as: #dst_as, src_as: #src_as })
        }
        Insn::Jump {
            width: w,
            cond,
            dst,
            src: s,
            target: t,
        } => {
            let (w, d, s, t) = (width(*w), reg(*dst), src(s), target(t));
            let c = ident(cond);
            quote!(::ebpf_asm::Insn::Jump { width: #w, cond: ::ebpf_asm::JmpCond::#c, dst: #d, src: #s, target: #t })
        }
        Insn::Ja { target: t } => {
            let t = target(t);
            quote!(::ebpf_asm::Insn::Ja { target: #t })
        }
        Insn::JaLong { target: t } => {
            let t = target(t);
            quote!(::ebpf_asm::Insn::JaLong { target: #t })
        }
        Insn::MayGoto { target: t } => {
            let t = target(t);
            quote!(::ebpf_asm::Insn::MayGoto { target: #t })
        }
        Insn::Call(Call::Helper(id)) => {
            quote!(::ebpf_asm::Insn::Call(::ebpf_asm::Call::Helper(#id)))
        }
        Insn::Call(Call::Local(t)) => {
            let t = target(t);
            quote!(::ebpf_asm::Insn::Call(::ebpf_asm::Call::Local(#t)))
        }
        Insn::Call(Call::Kfunc { btf_id, module }) => {
            quote!(::ebpf_asm::Insn::Call(::ebpf_asm::Call::Kfunc { btf_id: #btf_id, module: #module }))
        }
        Insn::CallX { dst } => {
            let d = reg(*dst);
            quote!(::ebpf_asm::Insn::CallX { dst: #d })
        }
        Insn::Exit => quote!(::ebpf_asm::Insn::Exit),
        Insn::LdImm64 { dst, imm } => {
            let d = reg(*dst);
            let imm = match imm {
                Imm64::Const(v) => quote!(::ebpf_asm::Imm64::Const(#v)),
                Imm64::MapFd(fd) => quote!(::ebpf_asm::Imm64::MapFd(#fd)),
                Imm64::MapValue { fd, offset } => {
                    quote!(::ebpf_asm::Imm64::MapValue { fd: #fd, offset: #offset })
                }
                Imm64::BtfId { id, module } => {
                    quote!(::ebpf_asm::Imm64::BtfId { id: #id, module: #module })
                }
                Imm64::Func(t) => {
                    let t = target(t);
                    quote!(::ebpf_asm::Imm64::Func(#t))
                }
                Imm64::MapIdx(i) => quote!(::ebpf_asm::Imm64::MapIdx(#i)),
                Imm64::MapIdxValue { index, offset } => {
                    quote!(::ebpf_asm::Imm64::MapIdxValue { index: #index, offset: #offset })
                }
                Imm64::Symbol(l) => {
                    let l = label(l);
                    quote!(::ebpf_asm::Imm64::Symbol(#l))
                }
            };
            quote!(::ebpf_asm::Insn::LdImm64 { dst: #d, imm: #imm })
        }
        Insn::Load {
            size: sz,
            dst,
            src: s,
            off,
        } => {
            let (z, d, s) = (size(*sz), reg(*dst), reg(*s));
            quote!(::ebpf_asm::Insn::Load { size: #z, dst: #d, src: #s, off: #off })
        }
        Insn::LoadSx {
            size: sz,
            dst,
            src: s,
            off,
        } => {
            let (z, d, s) = (sx(*sz), reg(*dst), reg(*s));
            quote!(::ebpf_asm::Insn::LoadSx { size: #z, dst: #d, src: #s, off: #off })
        }
        Insn::Store {
            size: sz,
            dst,
            off,
            src: s,
        } => {
            let (z, d, s) = (size(*sz), reg(*dst), src(s));
            quote!(::ebpf_asm::Insn::Store { size: #z, dst: #d, off: #off, src: #s })
        }
        Insn::Atomic {
            width: w,
            op,
            dst,
            off,
            src: s,
        } => {
            let (w, d, s) = (width(*w), reg(*dst), reg(*s));
            let op = ident(op);
            quote!(::ebpf_asm::Insn::Atomic { width: #w, op: ::ebpf_asm::AtomicOp::#op, dst: #d, off: #off, src: #s })
        }
        Insn::LoadAcquire {
            size: sz,
            dst,
            src: s,
            off,
        } => {
            let (z, d, s) = (size(*sz), reg(*dst), reg(*s));
            quote!(::ebpf_asm::Insn::LoadAcquire { size: #z, dst: #d, src: #s, off: #off })
        }
        Insn::StoreRelease {
            size: sz,
            dst,
            off,
            src: s,
        } => {
            let (z, d, s) = (size(*sz), reg(*dst), reg(*s));
            quote!(::ebpf_asm::Insn::StoreRelease { size: #z, dst: #d, off: #off, src: #s })
        }
        Insn::LdAbs { size: sz, imm } => {
            let z = size(*sz);
            quote!(::ebpf_asm::Insn::LdAbs { size: #z, imm: #imm })
        }
        Insn::LdInd {
            size: sz,
            src: s,
            imm,
        } => {
            let (z, s) = (size(*sz), reg(*s));
            quote!(::ebpf_asm::Insn::LdInd { size: #z, src: #s, imm: #imm })
        }
        Insn::Raw(w) => quote!(::ebpf_asm::Insn::Raw(#w)),
    }
}
