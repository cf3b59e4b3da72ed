//! CO-RE expressions where an immediate or offset goes: `offsetof(task_struct, tgid)`,
//! `offsetof(task_struct, se.vruntime)`, `offsetof(bpf_raw_tracepoint_args, args[1])`,
//! `fieldsize(T, f)`, `field_exists(T, f)`, `field_signed(T, f)`, `field_lshift(T, f)`,
//! `field_rshift(T, f)`, `sizeof(T)`, `type_exists(T)`,
//! `enumval(E, NAME)`, `enumval_exists(E, NAME)`, `type_id(T)`, `type_matches(T)`. The
//! field holds 0; the expression goes to the consumer as a [`CoreFixup`], resolved at
//! load time against the kernel's BTF.

use crate::model::core_relo::{CoreAccess, CoreExpr, CoreKind};
use crate::syntax::code::Code;
use crate::syntax::number::Field;
use crate::syntax::parse::{CoreFixup, Cursor, FixField, PResult};

/// The spellings, for messages.
const SPELLINGS: &str = "offsetof(T, field), fieldsize(T, field), field_exists(T, field), \
                         field_signed(T, field), field_lshift(T, field), field_rshift(T, field), \
                         sizeof(T), type_exists(T), type_id(T), type_matches(T), \
                         enumval(E, NAME) or \
                         enumval_exists(E, NAME)";

impl<'a> Cursor<'_, 'a> {
    /// True when the cursor is at a CO-RE expression (`offsetof(` ...).
    pub(crate) fn at_core(&self) -> bool {
        self.code().is_word()
            && self.code_at(1) == Code::LParen
            && CoreKind::from_keyword(self.text()).is_some()
    }

    /// A CO-RE expression as the value of `fix`: records it and gives 0. Anything else
    /// that starts with a word is not a number (`field` says what was expected).
    #[inline(never)]
    pub(crate) fn core_field(&mut self, field: Field, fix: FixField) -> PResult<i64> {
        if !self.at_core() {
            return self.expected(&format!(
                "{} (a number, or a CO-RE expression: {SPELLINGS})",
                field.what()
            ));
        }
        let at = self.tok(self.i).index;
        let expr = self.core_expr()?;
        self.core.push(CoreFixup {
            field: fix,
            expr,
            at,
        });
        Ok(0)
    }

    /// `KEYWORD(TYPE[, PATH])`, the cursor at the keyword.
    fn core_expr(&mut self) -> PResult<CoreExpr> {
        let kw_at = self.i;
        let kind = CoreKind::from_keyword(self.text()).expect("checked by at_core");
        self.i += 1;
        self.punct(Code::LParen)?;
        // `struct task_struct` reads as `task_struct`: names are matched across kinds.
        if matches!(self.text(), "struct" | "union" | "enum") && self.code_at(1).is_word() {
            self.i += 1;
        }
        let type_name = self.core_name("a type name")?;
        let mut path = Vec::new();
        if kind.has_path() || kind.takes_enumerator() {
            if !self.eat(Code::Comma) {
                let what = if kind.takes_enumerator() {
                    "enumerator"
                } else {
                    "field"
                };
                return self.err_at(
                    kw_at,
                    format!(
                        "`{}` takes a type and a {what}: write `{}({type_name}, NAME)`",
                        kind.keyword(),
                        kind.keyword()
                    ),
                );
            }
            if kind.takes_enumerator() {
                path.push(CoreAccess::Field(self.core_name("an enumerator name")?));
            } else {
                self.core_path(&mut path)?;
            }
        }
        if !self.eat(Code::RParen) {
            if self.is(Code::Comma) {
                return self.err(format!(
                    "`{}` takes {}: drop what follows",
                    kind.keyword(),
                    match kind {
                        CoreKind::TypeSize
                        | CoreKind::TypeExists
                        | CoreKind::TypeId
                        | CoreKind::TypeMatches => {
                            "a type only"
                        }
                        _ => "two operands",
                    }
                ));
            }
            return self.expected("`)`");
        }
        Ok(CoreExpr {
            kind,
            type_name,
            path,
        })
    }

    /// A member path: `tgid`, `se.vruntime`, `args[1]`, `a.b[2].c`; a leading `[N]`
    /// steps over N whole `T`s (`[1].tgid` is C's `&p[1].tgid`).
    fn core_path(&mut self, path: &mut Vec<CoreAccess>) -> PResult<()> {
        if self.code() != Code::LBracket {
            path.push(CoreAccess::Field(self.core_name("a field name")?));
        }
        loop {
            match self.code() {
                // The text lexer reads `.vruntime` as one word.
                Code::DotWord => {
                    path.push(CoreAccess::Field(self.text()[1..].to_owned()));
                    self.i += 1;
                }
                Code::Dot => {
                    self.i += 1;
                    path.push(CoreAccess::Field(self.core_name("a field name after `.`")?));
                }
                Code::LBracket => {
                    self.i += 1;
                    let at = self.i;
                    let index = match self.code() {
                        Code::Number => crate::syntax::number::parse_literal(self.text())
                            .ok()
                            .and_then(|v| u32::try_from(v).ok()),
                        _ => None,
                    };
                    let Some(index) = index else {
                        return self.err_at(at, "an array index is a number from 0 to 4294967295");
                    };
                    self.i += 1;
                    self.punct(Code::RBracket)?;
                    path.push(CoreAccess::Index(index));
                }
                _ => return Ok(()),
            }
        }
    }

    /// A C identifier (a type, field or enumerator name).
    fn core_name(&mut self, what: &str) -> PResult<String> {
        let word = self.text();
        let ok = self.code().is_word()
            && !word.starts_with('.')
            && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !ok {
            return self.expected(what);
        }
        self.i += 1;
        Ok(word.to_owned())
    }
}
