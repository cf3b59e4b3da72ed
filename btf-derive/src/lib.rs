//! `#[derive(BtfType)]`: implements `ebpf_btf::BtfType` for a `#[repr(C)]` struct with
//! named fields, each of a type that implements it. Use it through `ebpf_btf`, which
//! re-exports it.
#![forbid(unsafe_code)]

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields};

/// Describes a `#[repr(C)]` struct in BTF: its name, size, and every field by name, type
/// and offset (as the compiler lays them out).
#[proc_macro_derive(BtfType)]
pub fn derive_btf_type(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    match expand(syn::parse_macro_input!(input as DeriveInput)) {
        Ok(t) => t.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

fn expand(input: DeriveInput) -> syn::Result<TokenStream> {
    let name = &input.ident;
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &input.generics,
            "BtfType cannot be derived for a generic struct: BTF describes one layout",
        ));
    }
    if !is_repr_c(&input) {
        return Err(syn::Error::new_spanned(
            name,
            "BtfType needs `#[repr(C)]`: the kernel reads the value with C's layout",
        ));
    }
    let fields =
        match &input.data {
            Data::Struct(s) => match &s.fields {
                Fields::Named(f) => &f.named,
                _ => return Err(syn::Error::new_spanned(
                    name,
                    "BtfType needs a struct with named fields (the names are what bpftool shows)",
                )),
            },
            _ => {
                return Err(syn::Error::new_spanned(
                    name,
                    "BtfType can be derived for structs only",
                ))
            }
        };
    let members = fields.iter().map(|f| {
        let (ident, ty) = (f.ident.as_ref().expect("named field"), &f.ty);
        let field = ident.to_string();
        let field = field.strip_prefix("r#").unwrap_or(&field).to_owned();
        quote! {
            (#field, <#ty as ::ebpf_btf::BtfType>::add_btf(b)?, ::core::mem::offset_of!(#name, #ident))
        }
    });
    let struct_name = name.to_string();
    Ok(quote! {
        impl ::ebpf_btf::BtfType for #name {
            fn add_btf(b: &mut ::ebpf_btf::Builder) -> ::ebpf_btf::Result<::ebpf_btf::TypeId> {
                let members = [#(#members),*];
                ::ebpf_btf::add_struct(b, #struct_name, ::core::mem::size_of::<#name>(), &members)
            }
        }
    })
}

fn is_repr_c(input: &DeriveInput) -> bool {
    input.attrs.iter().any(|a| {
        a.path().is_ident("repr")
            && a.parse_nested_meta(|m| {
                if m.path.is_ident("C") {
                    Err(m.error("found"))
                } else {
                    // Skip `align(N)` and friends.
                    if m.input.peek(syn::token::Paren) {
                        let _content;
                        syn::parenthesized!(_content in m.input);
                    }
                    Ok(())
                }
            })
            .is_err()
    })
}
