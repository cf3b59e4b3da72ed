//! `.var NAME MAP offset=N size=N [type="C TYPE"]`: a global variable in a map's
//! `.value` (global data), which the loader's `set_constant` finds by name.

use super::map::quoted_name;
use super::*;

const USAGE: &str = "`.var NAME MAP offset=N size=N [type=\"C TYPE\"]`";

/// A `.var` line, waiting for the end of the file.
pub(super) struct VarLine<'a> {
    at: Token<'a>,
    name: Token<'a>,
    map: Token<'a>,
    offset: (u32, Token<'a>),
    size: u32,
    type_name: Option<String>,
}

/// A variable of a map's value: `.var`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarDef {
    /// Its name.
    pub name: String,
    /// Its offset in the map's value.
    pub offset: u32,
    /// Its size in bytes.
    pub size: u32,
    /// Its C type (`const volatile __u32`), when given.
    pub type_name: Option<String>,
    /// Where the `.var` directive is.
    pub location: SourceLoc,
}

/// A name token (a word or a quoted name), or why not.
fn name_of(t: &Token<'_>, what: &str) -> Result<(), String> {
    match t.kind {
        TokenKind::Ident(_) => Ok(()),
        TokenKind::Str(_) => quoted_name(t),
        _ => Err(format!(
            "expected {what}, found {}; write {USAGE}",
            describe(t)
        )),
    }
}

impl<'a> State<'a> {
    /// Reads `.var NAME MAP offset=N size=N [type="T"]`.
    pub(super) fn var(&mut self, at: Token<'a>, args: &[Token<'a>]) {
        if let Err((t, m)) = self.var_line(at, args) {
            self.errors.push(err(&t, m));
        }
    }

    fn var_line(&mut self, at: Token<'a>, args: &[Token<'a>]) -> Result<(), (Token<'a>, String)> {
        let missing = |t: &Token<'a>, what: &str| {
            (*t, format!("{what} is missing after this: write {USAGE}"))
        };
        let name = *args
            .first()
            .ok_or_else(|| missing(&at, "a variable name"))?;
        name_of(&name, "a variable name").map_err(|m| (name, m))?;
        let map = *args.get(1).ok_or_else(|| missing(&name, "a map name"))?;
        name_of(&map, "a map name").map_err(|m| (map, m))?;
        let mut fields: HashMap<&str, Token<'a>> = HashMap::new();
        for triple in args[2..].chunks(3) {
            let key = triple[0];
            let known = match key.kind {
                TokenKind::Ident(k @ ("offset" | "size" | "type")) => k,
                _ => {
                    let hint = match key.kind {
                        TokenKind::Ident(k) => {
                            did_you_mean(k, ["offset", "size", "type"].into_iter())
                        }
                        _ => String::new(),
                    };
                    let found = describe(&key);
                    return Err((
                        key,
                        format!(
                            "expected `offset=N`, `size=N` or `type=\"T\"`, found {found}{hint}"
                        ),
                    ));
                }
            };
            if triple.get(1).map(|t| t.kind) != Some(TokenKind::Punct('=')) {
                return Err((
                    *triple.get(1).unwrap_or(&key),
                    format!("expected `=` after `{known}`"),
                ));
            }
            let value = *triple
                .get(2)
                .ok_or((triple[1], format!("`{known}=` needs a value")))?;
            if fields.insert(known, value).is_some() {
                return Err((
                    key,
                    format!("`{known}` is given twice for variable `{}`", text_of(&name)),
                ));
            }
        }
        let number = |k: &str| -> Result<(u32, Token<'a>), (Token<'a>, String)> {
            let t = *fields.get(k).ok_or_else(|| {
                (
                    name,
                    format!("variable `{}` needs `{k}=N`: write {USAGE}", text_of(&name)),
                )
            })?;
            let TokenKind::Number(text) = t.kind else {
                return Err((t, format!("`{k}=` takes a number, found {}", describe(&t))));
            };
            let v = crate::syntax::number::parse_literal(text).map_err(|m| (t, m))?;
            let v = u32::try_from(v)
                .map_err(|_| (t, format!("`{k}={text}` does not fit in 32 bits")))?;
            Ok((v, t))
        };
        let offset = number("offset")?;
        let size = number("size")?.0;
        let type_name = match fields.get("type") {
            None => None,
            Some(Token {
                kind: TokenKind::Str(s),
                ..
            }) if !s.contains('\\') => Some((*s).to_owned()),
            Some(t) => {
                let found = describe(t);
                let m = format!(
                    "`type=` takes a quoted C type without `\\`, e.g. \
                     `type=\"const volatile __u32\"`, found {found}"
                );
                return Err((*t, m));
            }
        };
        self.vars.push(VarLine {
            at,
            name,
            map,
            offset,
            size,
            type_name,
        });
        Ok(())
    }

    /// Gives every `.var` to its map's `.value`, after checking it fits there and its
    /// name is not taken.
    pub(super) fn check_vars(&mut self, errors: &mut Errors) {
        let mut seen: HashMap<String, u32> = HashMap::new();
        for v in std::mem::take(&mut self.vars) {
            let map = text_of(&v.map);
            let name = text_of(&v.name).into_owned();
            let Some(i) = self.maps.iter().position(|(m, _)| m.name == map) else {
                if !self.map_tokens.contains_key(map.as_ref()) {
                    let hint = did_you_mean(&map, self.map_tokens.keys().map(String::as_str));
                    errors.push(err(
                        &v.map,
                        format!("map `{map}` is not declared{hint}: declare it with `.map` first"),
                    ));
                }
                continue;
            };
            let m = &mut self.maps[i].0;
            let value_size = m.value_size;
            let Some(value) = m.value.as_mut() else {
                let m = format!(
                    "map `{map}` has no `.value`: variables live in global data; give it one, \
                     e.g. `.value {} \"\"`",
                    super::initial::name_text(&map)
                );
                errors.push(err(&v.map, m));
                continue;
            };
            if let Some(line) = seen.get(&name) {
                errors.push(err(
                    &v.name,
                    format!("variable `{name}` is already declared at line {line}"),
                ));
                continue;
            }
            let (offset, offset_tok) = v.offset;
            if u64::from(offset) + u64::from(v.size) > u64::from(value_size) {
                let m = format!(
                    "variable `{name}` ({} bytes at {offset}) runs past the end of map `{map}`'s \
                     value ({value_size} bytes)",
                    v.size
                );
                errors.push(err(&offset_tok, m));
                continue;
            }
            seen.insert(name.clone(), v.at.line);
            value.variables.push(VarDef {
                name,
                offset,
                size: v.size,
                type_name: v.type_name,
                location: SourceLoc {
                    file: self.file.clone(),
                    line: v.at.line,
                    column: v.at.column,
                },
            });
        }
    }
}
