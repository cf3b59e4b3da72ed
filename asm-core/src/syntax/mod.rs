//! The one grammar: tokens and their codes, the text lexer, numbers, the statement parser
//! and its events, and the builder that turns events into a [`Program`](crate::Program). The
//! `program!` macro drives the same parser over its own tokens.

pub(crate) mod builder;
pub(crate) mod code;
pub(crate) mod diag;
pub(crate) mod errors;
pub(crate) mod event;
pub(crate) mod expr;
pub(crate) mod grammar;
pub(crate) mod label_table;
pub(crate) mod lex;
pub(crate) mod local_labels;
pub(crate) mod number;
pub(crate) mod parse;
pub(crate) mod paste;
pub(crate) mod token;

// What the `program!` macro drives (the crate root hides this module from the docs).
pub use builder::{Builder, InsnFixup};
pub use errors::{Errors, MAX_KEPT_ERRORS};
pub use lex::Lexer;
pub use number::{parse_literal, Field};
pub use parse::{parse, Event, FixField, Fixup, ParseError};
pub use token::{Token, TokenKind, TokenSource};
