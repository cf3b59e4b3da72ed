//! Rust tokens into the grammar's tokens.
//!
//! Groups are flattened into their delimiters, `{expr}` becomes an interpolation, a line
//! break between two tokens ends a statement (as in assembly text), `.` and a word make one
//! word (`.extern`, `.LBB0_1`) as in the text lexer, and `#` starts a comment
//! that runs to the end of its line (so `call bpf_map_lookup_elem#1` reads as in a verifier
//! log).

use ebpf_asm_core::syntax::{Token, TokenKind};
use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};

/// A token with owned text and its span.
pub struct OwnedTok {
    pub kind: OwnedKind,
    pub span: Span,
    pub line: u32,
    pub column: u32,
}

/// Owned counterpart of [`TokenKind`].
pub enum OwnedKind {
    Ident(String),
    Number(String),
    Str(String),
    Punct(char),
    Interp(u32),
    End,
}

/// What the conversion collected.
#[derive(Default)]
pub struct Tokens {
    pub toks: Vec<OwnedTok>,
    /// Interpolated expressions, by interpolation number.
    pub exprs: Vec<(TokenStream, Span)>,
    pub errors: Vec<syn::Error>,
    /// Tokens that stand in for input already reported in `errors` (the parser's
    /// complaints about them would say the same thing twice).
    pub placeholders: Vec<u32>,
}

impl Tokens {
    /// Converts a macro input.
    pub fn from_stream(input: TokenStream) -> Tokens {
        let mut t = Tokens::default();
        let mut comment_line = None;
        t.walk(input, &mut comment_line);
        t
    }

    fn push(&mut self, kind: OwnedKind, span: Span) {
        let start = span.start();
        let line = start.line as u32;
        // A line break between tokens ends the statement.
        if let Some(prev) = self.toks.last() {
            let prev_end = prev.span.end().line as u32;
            if line > prev_end && !matches!(prev.kind, OwnedKind::End) {
                self.toks.push(OwnedTok {
                    kind: OwnedKind::End,
                    span: prev.span,
                    line: prev.line,
                    column: prev.column,
                });
            }
        }
        self.toks.push(OwnedTok {
            kind,
            span,
            line,
            column: start.column as u32 + 1,
        });
    }

    fn walk(&mut self, input: TokenStream, comment_line: &mut Option<usize>) {
        let mut trees = input.into_iter().peekable();
        while let Some(tt) = trees.next() {
            let span = tt.span();
            if let Some(l) = *comment_line {
                if span.start().line == l {
                    continue;
                }
                *comment_line = None;
            }
            match tt {
                TokenTree::Ident(i) => {
                    let s = i.to_string();
                    let s = s.strip_prefix("r#").map(str::to_owned).unwrap_or(s);
                    self.push(OwnedKind::Ident(s), span)
                }
                TokenTree::Punct(p) => match p.as_char() {
                    ';' => self.push(OwnedKind::End, span),
                    // `.name` is one word, as the text lexer reads it (`.extern`, `.LBB0_1`).
                    '.' if matches!(trees.peek(), Some(TokenTree::Ident(_))) => {
                        if let Some(TokenTree::Ident(i)) = trees.next() {
                            self.push(OwnedKind::Ident(format!(".{i}")), span);
                        }
                    }
                    '#' => *comment_line = Some(span.start().line),
                    c => self.push(OwnedKind::Punct(c), span),
                },
                TokenTree::Literal(l) => {
                    let text = l.to_string();
                    if let Some(s) = text.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                        self.push(OwnedKind::Str(s.to_owned()), span);
                    } else if text.starts_with(|c: char| c.is_ascii_digit() || c == '\'') {
                        // Integers (suffixes and numeric label references such as `1b` are
                        // Rust suffixes, read by the grammar) and character literals.
                        self.push(OwnedKind::Number(text), span);
                    } else {
                        self.errors.push(syn::Error::new(
                            span,
                            format!(
                                "unexpected literal `{text}`: eBPF assembly takes integers and \
                                 character literals"
                            ),
                        ));
                        self.placeholder(span);
                    }
                }
                TokenTree::Group(g) => {
                    let (open, close) = match g.delimiter() {
                        Delimiter::Parenthesis => ('(', ')'),
                        Delimiter::Bracket => ('[', ']'),
                        Delimiter::None => {
                            self.walk(g.stream(), comment_line);
                            continue;
                        }
                        Delimiter::Brace => {
                            self.interpolation(g.stream(), span);
                            continue;
                        }
                    };
                    self.push(OwnedKind::Punct(open), g.span_open());
                    self.walk(g.stream(), comment_line);
                    self.push(OwnedKind::Punct(close), g.span_close());
                }
            }
        }
    }

    /// Stands in for input that has already been reported.
    fn placeholder(&mut self, span: Span) {
        self.push(OwnedKind::Punct('?'), span);
        self.placeholders.push((self.toks.len() - 1) as u32);
    }

    /// `{expr}`: a literal integer is folded into the tokens (checked at compile time);
    /// anything else becomes an interpolation checked at run time.
    fn interpolation(&mut self, inner: TokenStream, span: Span) {
        let trees: Vec<TokenTree> = inner.clone().into_iter().collect();
        match trees.as_slice() {
            [TokenTree::Literal(l)] if l.to_string().starts_with(|c: char| c.is_ascii_digit()) => {
                self.push(OwnedKind::Number(strip_suffix(&l.to_string())), span);
            }
            [TokenTree::Punct(p), TokenTree::Literal(l)]
                if p.as_char() == '-'
                    && l.to_string().starts_with(|c: char| c.is_ascii_digit()) =>
            {
                self.push(OwnedKind::Punct('-'), span);
                self.push(OwnedKind::Number(strip_suffix(&l.to_string())), span);
            }
            [] => {
                self.errors.push(syn::Error::new(
                    span,
                    "empty interpolation: write `{expression}`",
                ));
                self.push(OwnedKind::Punct('?'), span);
            }
            _ => {
                let id = self.exprs.len() as u32;
                self.exprs.push((inner, span));
                self.push(OwnedKind::Interp(id), span);
            }
        }
    }

    /// The grammar's view of the tokens (borrowing their text).
    pub fn grammar_tokens(&self) -> Vec<Token<'_>> {
        self.toks
            .iter()
            .enumerate()
            .map(|(i, t)| Token {
                kind: match &t.kind {
                    OwnedKind::Ident(s) => TokenKind::Ident(s),
                    OwnedKind::Number(s) => TokenKind::Number(s),
                    OwnedKind::Str(s) => TokenKind::Str(s),
                    OwnedKind::Punct(c) => TokenKind::Punct(*c),
                    OwnedKind::Interp(n) => TokenKind::Interp(*n),
                    OwnedKind::End => TokenKind::End,
                },
                line: t.line,
                column: t.column,
                index: i as u32,
            })
            .collect()
    }

    /// The span of token `index` (the last token's for anything past the end).
    pub fn span(&self, index: u32) -> Span {
        self.toks
            .get(index as usize)
            .or(self.toks.last())
            .map_or_else(Span::call_site, |t| t.span)
    }
}

/// `5u32` → `5`: a Rust type suffix on an interpolated literal says nothing to the assembler.
fn strip_suffix(text: &str) -> String {
    for suf in [
        "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
    ] {
        if let Some(s) = text.strip_suffix(suf) {
            if !text.starts_with("0x") || !suf.starts_with(|c: char| c.is_ascii_hexdigit()) {
                return s.to_owned();
            }
        }
    }
    text.to_owned()
}
