//! The compile-time eBPF assembler behind `ebpf_asm::program!` and `ebpf_asm::include_asm!`.
//!
//! Both run the same parser as the text assembler (`ebpf_asm::assemble`) over tokens made
//! from Rust tokens, and expand to static instruction data plus metadata: nothing is parsed
//! at run time. Use them through the `ebpf-asm` crate, which re-exports them.
#![forbid(unsafe_code)]

mod tokens;

use std::sync::Arc;

use ebpf_asm_core::syntax::{parse, Builder, Field, FixField, InsnFixup};
use ebpf_asm_core::Program;
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};

/// Assembles eBPF written in LLVM syntax into an `ebpf_asm::Program` at compile time.
///
/// Statements end at a line break or `;`. `{expr}` interpolates a Rust expression as an
/// immediate or offset (checked at run time, naming its source location in the panic
/// message if it does not fit). See the `ebpf-asm` crate documentation.
#[proc_macro]
pub fn program(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    expand_program(input.into()).into()
}

/// Assembles a `.s` file at compile time (path relative to the file that invokes it).
#[proc_macro]
pub fn include_asm(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    match expand_include(input.into()) {
        Ok(t) => t.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

fn expand_program(input: TokenStream) -> TokenStream {
    let toks = tokens::Tokens::from_stream(input);
    let file = Span::call_site().file();
    let file: Arc<str> = Arc::from(file.as_str());
    let grammar = toks.grammar_tokens();
    let mut builder = Builder::new(file.clone(), false);
    let (parse_errors, mut omitted) =
        parse(grammar.iter().copied(), |e| builder.event(e)).into_sorted();
    let mut errors: Vec<syn::Error> = Vec::new();
    errors.extend(toks.errors.iter().cloned());
    for e in parse_errors
        .iter()
        .filter(|e| !toks.placeholders.contains(&e.index))
    {
        errors.push(syn::Error::new(toks.span(e.index), &e.message));
    }
    let built = builder.finish();
    let (program, fixups) = match built {
        Ok(pf) if errors.is_empty() => pf,
        Ok(_) => return combine(errors, omitted),
        Err(es) => {
            let (es, more) = es.into_sorted();
            omitted += more;
            for e in es {
                errors.push(syn::Error::new(toks.span(e.index), e.message));
            }
            return combine(errors, omitted);
        }
    };
    let patches = fixups
        .iter()
        .map(|f| patch(f, &toks, &file))
        .collect::<Vec<_>>();
    let text = used_lines(&program);
    emit(&program, &file, &text, patches, quote!())
}

/// The lines of the invoking file that instructions were written on, every other line
/// left empty (so line `n` of the text is line `n` of the file): a loader shows them next
/// to the instructions (BTF line info). Empty when the file cannot be read.
fn used_lines(program: &Program) -> String {
    let Some(text) = Span::call_site()
        .local_file()
        .and_then(|f| std::fs::read_to_string(f).ok())
    else {
        return String::new();
    };
    let mut used: Vec<u32> = (0..program.len())
        .filter_map(|i| program.location(i).map(|l| l.line))
        .collect();
    used.sort_unstable();
    used.dedup();
    let mut out = String::new();
    for (n, line) in text.lines().enumerate() {
        let n = n as u32 + 1;
        if used.last().is_some_and(|&last| n > last) {
            break;
        }
        if used.binary_search(&n).is_ok() {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// One compile error of `errors`, and of a count of `omitted` ones not kept.
fn combine(mut errors: Vec<syn::Error>, omitted: usize) -> TokenStream {
    if omitted > 0 {
        errors.push(syn::Error::new(
            Span::call_site(),
            format!("{omitted} more errors in this program!, not shown: fix these first"),
        ));
    }
    let mut first = errors.remove(0);
    for e in errors {
        first.combine(e);
    }
    let e = first.to_compile_error();
    // Keep the expression's type so no second error about it follows.
    quote!({ #e; ::ebpf_asm::Program::default() })
}

/// Code that fills one interpolated field, range-checked at run time.
fn patch(f: &InsnFixup, toks: &tokens::Tokens, file: &str) -> TokenStream {
    let (expr, span) = &toks.exprs[f.fixup.interp as usize];
    let start = span.start();
    let loc = format!("{}:{}:{}", file, start.line, start.column + 1);
    let index = f.insn;
    let field = fix_field(f.fixup.field);
    let range = match f.fixup.range {
        Field::Imm32 => quote!(::ebpf_asm::syntax::Field::Imm32),
        Field::Off16 => quote!(::ebpf_asm::syntax::Field::Off16),
        Field::Imm64 => quote!(::ebpf_asm::syntax::Field::Imm64),
        Field::Signed32 => quote!(::ebpf_asm::syntax::Field::Signed32),
        Field::U16 => quote!(::ebpf_asm::syntax::Field::U16),
    };
    let negate = f.fixup.negate;
    let value = quote_spanned!(*span=> ::ebpf_asm::__private::fit(#expr, #range, #negate, #loc));
    quote!(__program.patch(#index, #field, #value);)
}

fn emit(
    program: &Program,
    file: &str,
    text: &str,
    patches: Vec<TokenStream>,
    extra: TokenStream,
) -> TokenStream {
    use ebpf_asm_core::{Call, Imm64, Insn};
    let n = program.len();
    let bytes = proc_macro2::Literal::byte_string(&program.to_bytes());
    let labels = program.labels().iter().map(|(i, l)| {
        let l = l.as_str();
        quote!((#l, #i))
    });
    let mut targets = Vec::new();
    let mut symbols = Vec::new();
    let mut raw = Vec::new();
    let mut kfuncs = Vec::new();
    for (i, insn) in program.insns().iter().enumerate() {
        if let Some(l) = insn.target().and_then(|t| t.label()) {
            targets.push((i, l.as_str()));
            continue;
        }
        match insn {
            Insn::LdImm64 {
                imm: Imm64::Symbol(l),
                ..
            } => symbols.push((i, l.as_str())),
            Insn::Raw(_) => raw.push(i),
            Insn::Call(Call::KfuncName(l)) => kfuncs.push((i, l.as_str())),
            _ => {}
        }
    }
    let targets = targets.iter().map(|(i, l)| quote!((#i, #l)));
    let globals = program.globals().iter().map(|g| g.as_str());
    let symbols = symbols.iter().map(|(i, l)| quote!((#i, #l)));
    let kfuncs = kfuncs.iter().map(|(i, l)| quote!((#i, #l)));
    let core = program.core_relos().iter().map(core_entry);
    let locs = (0..n).map(|i| match program.location(i) {
        Some(l) => {
            let (line, col) = (l.line, l.column);
            quote!((#line, #col))
        }
        None => quote!((0u32, 0u32)),
    });
    let mutability = if patches.is_empty() {
        quote!()
    } else {
        quote!(mut)
    };
    // A byte string costs the compiler nothing to type-check, unlike one struct expression
    // per instruction; the tables carry what the bytes do not (labels, symbols, locations).
    quote!({
        #extra
        static BYTES: &[u8] = #bytes;
        static TABLES: ::ebpf_asm::__private::Tables = ::ebpf_asm::__private::Tables {
            labels: &[#(#labels),*],
            targets: &[#(#targets),*],
            symbols: &[#(#symbols),*],
            raw: &[#(#raw),*],
            kfuncs: &[#(#kfuncs),*],
            core: &[#(#core),*],
            file: #file,
            locations: &[#(#locs),*],
            globals: &[#(#globals),*],
            text: #text,
        };
        let #mutability __program = ::ebpf_asm::__private::program_from_encoding(BYTES, &TABLES);
        #(#patches)*
        __program
    })
}

/// One CO-RE relocation as a `__private::CoreEntry`.
fn core_entry(r: &ebpf_asm_core::CoreRelo) -> TokenStream {
    use ebpf_asm_core::{CoreAccess, CoreKind};
    let insn = r.insn;
    let field = fix_field(r.field);
    let kind = match r.expr.kind {
        CoreKind::FieldOffset => quote!(FieldOffset),
        CoreKind::FieldSize => quote!(FieldSize),
        CoreKind::FieldExists => quote!(FieldExists),
        CoreKind::FieldSigned => quote!(FieldSigned),
        CoreKind::FieldLShift => quote!(FieldLShift),
        CoreKind::FieldRShift => quote!(FieldRShift),
        CoreKind::TypeSize => quote!(TypeSize),
        CoreKind::TypeExists => quote!(TypeExists),
        CoreKind::EnumExists => quote!(EnumExists),
        CoreKind::TypeId => quote!(TypeId),
        CoreKind::TypeMatches => quote!(TypeMatches),
        _ => quote!(EnumValue),
    };
    let ty = r.expr.type_name.as_str();
    let path = r.expr.path.iter().map(|a| match a {
        CoreAccess::Field(n) => quote!((#n, 0u32)),
        CoreAccess::Index(i) => quote!(("", #i)),
    });
    quote!((#insn, #field, ::ebpf_asm::CoreKind::#kind, #ty, &[#(#path),*]))
}

fn fix_field(f: FixField) -> TokenStream {
    match f {
        FixField::Imm => quote!(::ebpf_asm::syntax::FixField::Imm),
        FixField::Off => quote!(::ebpf_asm::syntax::FixField::Off),
        FixField::Imm64 => quote!(::ebpf_asm::syntax::FixField::Imm64),
    }
}

fn expand_include(input: TokenStream) -> syn::Result<TokenStream> {
    let lit: syn::LitStr = syn::parse2(input)?;
    let rel = lit.value();
    let base = Span::call_site()
        .local_file()
        .and_then(|f| f.parent().map(|p| p.to_path_buf()))
        .or_else(|| std::env::var_os("CARGO_MANIFEST_DIR").map(Into::into))
        .unwrap_or_default();
    let path = base.join(&rel);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        syn::Error::new(lit.span(), format!("cannot read `{}`: {e}", path.display()))
    })?;
    let program = ebpf_asm_core::assemble_named(&rel, &text).map_err(|e| {
        // The diagnostics already read `FILE:LINE:COL: error: ...`.
        syn::Error::new(lit.span(), format!("`{rel}` does not assemble:\n{e}"))
    })?;
    // include_bytes! resolves a relative path against the invoking file: pass an absolute one.
    let abs = std::fs::canonicalize(&path)
        .unwrap_or(path)
        .display()
        .to_string();
    // Rebuild when the file changes.
    let track = quote!(
        const _: &[u8] = include_bytes!(#abs);
    );
    Ok(emit(&program, &rel, &text, Vec::new(), track))
}
