//! The `.map NAME TYPE key=N value=N entries=N [flags=N] [inner=NAME] [extra=N]
//! [pin=name]` directive.

use super::*;

const USAGE: &str =
    "`.map NAME TYPE key=N value=N entries=N [flags=N] [inner=NAME] [extra=N] [pin=name]`";

/// The attributes a map may have.
const KEYS: [&str; 7] = ["key", "value", "entries", "flags", "inner", "extra", "pin"];

/// What the `key=N ...` list of one `.map` gave.
struct Attrs<'a> {
    /// Numbers by attribute, with the token of the value.
    fields: HashMap<&'static str, (u64, Token<'a>)>,
    /// The `inner=NAME` token.
    inner: Option<Token<'a>>,
    /// Whether `pin=name` was given.
    pin_by_name: bool,
    /// False when an attribute had an error that does not stop the others.
    ok: bool,
}

impl<'a> State<'a> {
    /// Parses one `.map` directive into `self.maps`; errors go to `self.errors`.
    pub(super) fn map(&mut self, at: Token<'a>, args: &[Token<'a>]) {
        let Some(name_tok) = self.map_name(args.first(), &at) else {
            return;
        };
        let name = text_of(&name_tok).into_owned();
        let needs_type = format!("map `{name}` needs a type such as `hash` or `array`");
        let wrong = |t: &Token<'_>| {
            format!(
                "expected a map type such as `hash` or `array`, found {}",
                describe(t)
            )
        };
        let Some(type_tok) = self.map_word(args.get(1), &name_tok, wrong, &needs_type) else {
            return;
        };
        let map_type = self.map_type_of(&type_tok);
        let Some(mut attrs) = self.map_attrs(&name, &args[2..]) else {
            return;
        };
        self.check_map_shape(&name, &name_tok, &type_tok, map_type, &mut attrs);
        if let Some(prev) = self.map_tokens.get(&name) {
            self.errors.push(err(
                &name_tok,
                format!(
                    "map `{name}` is already declared at line {}, column {}",
                    prev.line, prev.column
                ),
            ));
            return;
        }
        self.map_tokens.insert(name.clone(), name_tok);
        let (Some(map_type), true) = (map_type, attrs.ok) else {
            return;
        };
        let get = |k: &str| attrs.fields.get(k).map_or(0, |(v, _)| *v);
        let def = MapDef {
            name,
            map_type,
            key_size: get("key") as u32,
            value_size: get("value") as u32,
            max_entries: get("entries") as u32,
            flags: get("flags") as u32,
            inner: attrs.inner.map(|t| text_of(&t).into_owned()),
            map_extra: get("extra"),
            location: self.loc(&at),
            pin_by_name: attrs.pin_by_name,
            slots: Vec::new(),
            value: None,
        };
        self.maps.push((def, (name_tok, attrs.inner)));
    }

    /// The name of a `.map` (a word, or a string for a name such as `.rodata.str1.1`),
    /// or an error.
    fn map_name(&mut self, tok: Option<&Token<'a>>, at: &Token<'a>) -> Option<Token<'a>> {
        match tok {
            Some(t) if matches!(t.kind, TokenKind::Str(_)) => match quoted_name(t) {
                Ok(()) => Some(*t),
                Err(m) => {
                    self.errors.push(err(t, m));
                    None
                }
            },
            _ => {
                let wrong = |t: &Token<'_>| {
                    format!("expected a map name, found {}; write {USAGE}", describe(t))
                };
                self.map_word(tok, at, wrong, "a map needs a name")
            }
        }
    }

    /// The word `tok` (a name or type), or an error: `wrong` for another token, or
    /// `missing` (reported at `before`) when the line ends.
    fn map_word(
        &mut self,
        tok: Option<&Token<'a>>,
        before: &Token<'a>,
        wrong: impl Fn(&Token<'_>) -> String,
        missing: &str,
    ) -> Option<Token<'a>> {
        match tok {
            Some(
                t @ Token {
                    kind: TokenKind::Ident(_),
                    ..
                },
            ) => Some(*t),
            Some(t) => {
                self.errors.push(err(t, wrong(t)));
                None
            }
            None => {
                self.errors
                    .push(err(before, format!("{missing}: write {USAGE}")));
                None
            }
        }
    }

    /// The map type `type_tok` names, or `None` and an error with a hint.
    fn map_type_of(&mut self, type_tok: &Token<'a>) -> Option<MapType> {
        let type_name = text_of(type_tok);
        if let Some(t) = MapType::from_name(&type_name) {
            return Some(t);
        }
        let lower = type_name.to_ascii_lowercase();
        let hint = match MapType::from_name(&lower) {
            Some(t) => format!(" (map types are lower case: `{t}`)"),
            None => did_you_mean(&lower, MapType::ALL.iter().map(|t| t.name())),
        };
        self.errors.push(err(
            type_tok,
            format!("unknown map type `{type_name}`{hint}"),
        ));
        None
    }

    /// Reads the `key=N value=N ...` list of map `name`; `None` after an error that makes
    /// the rest of the line unreadable.
    fn map_attrs(&mut self, name: &str, args: &[Token<'a>]) -> Option<Attrs<'a>> {
        let mut attrs = Attrs {
            fields: HashMap::new(),
            inner: None,
            pin_by_name: false,
            ok: true,
        };
        for triple in args.chunks(3) {
            let key_tok = triple[0];
            let key = self.map_key(&key_tok)?;
            if triple.get(1).map(|t| t.kind) != Some(TokenKind::Punct('=')) {
                let found = triple.get(1).map_or("the end of the line".into(), describe);
                self.errors.push(err(
                    triple.get(1).unwrap_or(&key_tok),
                    format!("expected `=` after `{key}`, found {found}"),
                ));
                return None;
            }
            let Some(&val_tok) = triple.get(2) else {
                self.errors
                    .push(err(&triple[1], format!("`{key}=` needs a value")));
                return None;
            };
            let twice = match key {
                "inner" => attrs.inner.is_some(),
                "pin" => attrs.pin_by_name,
                _ => attrs.fields.contains_key(key),
            };
            if twice {
                self.errors.push(err(
                    &key_tok,
                    format!("`{key}` is given twice for map `{name}`"),
                ));
                attrs.ok = false;
            } else if key == "pin" {
                match val_tok.kind {
                    TokenKind::Ident("name") => attrs.pin_by_name = true,
                    TokenKind::Ident("none") => {}
                    _ => {
                        self.errors.push(err(
                            &val_tok,
                            format!(
                                "`pin=` takes `name` (pinned by name in the pin directory, as \
                                 libbpf's LIBBPF_PIN_BY_NAME) or `none`, found {}",
                                describe(&val_tok)
                            ),
                        ));
                        attrs.ok = false;
                    }
                }
            } else if key == "inner" {
                let (TokenKind::Ident(_) | TokenKind::Str(_)) = val_tok.kind else {
                    self.errors.push(err(
                        &val_tok,
                        format!("`inner=` takes a map name, found {}", describe(&val_tok)),
                    ));
                    return None;
                };
                attrs.inner = Some(val_tok);
            } else {
                match map_number(key, &val_tok) {
                    Ok(v) => {
                        attrs.fields.insert(key, (v, val_tok));
                    }
                    Err(m) => {
                        self.errors.push(err(&val_tok, m));
                        attrs.ok = false;
                    }
                }
            }
        }
        Some(attrs)
    }

    /// The attribute `key_tok` names, or `None` and an error.
    fn map_key(&mut self, key_tok: &Token<'a>) -> Option<&'static str> {
        let TokenKind::Ident(key) = key_tok.kind else {
            self.errors.push(err(
                key_tok,
                format!(
                    "expected `key=N`, `value=N`, `entries=N`, `flags=N`, `inner=NAME`, \
                     `extra=N` or `pin=name`, found {}",
                    describe(key_tok)
                ),
            ));
            return None;
        };
        let found = KEYS.iter().find(|k| **k == key).copied();
        if found.is_none() {
            let hint = did_you_mean(key, KEYS.into_iter());
            self.errors.push(err(
                key_tok,
                format!(
                    "unknown map attribute `{key}`{hint}: a map has key, value, entries, \
                     flags, inner, extra and pin"
                ),
            ));
        }
        found
    }

    /// The required attributes are there, and `inner=` goes with the map-of-maps types
    /// only; each problem is an error and clears `attrs.ok`.
    fn check_map_shape(
        &mut self,
        name: &str,
        name_tok: &Token<'a>,
        type_tok: &Token<'a>,
        map_type: Option<MapType>,
        attrs: &mut Attrs<'a>,
    ) {
        for required in ["key", "value", "entries"] {
            if !attrs.fields.contains_key(required) && attrs.ok {
                self.errors.push(err(
                    name_tok,
                    format!("map `{name}` needs `{required}=N`: write {USAGE}"),
                ));
                attrs.ok = false;
            }
        }
        let Some(t) = map_type else {
            return;
        };
        let problem = match (t.is_map_of_maps(), attrs.inner) {
            (true, None) => Some((
                *type_tok,
                format!("`{t}` needs `inner=NAME`: the map whose shape its values have"),
            )),
            (false, Some(it)) => Some((
                it,
                "`inner=` is only for `array_of_maps` and `hash_of_maps`".to_owned(),
            )),
            (true, Some(it)) if text_of(&it) == name => {
                Some((it, format!("map `{name}` cannot be its own inner map")))
            }
            _ => None,
        };
        if let Some((at, message)) = problem {
            self.errors.push(err(&at, message));
            attrs.ok = false;
        }
    }
}

/// The number of `key=VALUE`: 32 bits, 64 for `extra`.
fn map_number(key: &str, val_tok: &Token<'_>) -> Result<u64, String> {
    let TokenKind::Number(text) = val_tok.kind else {
        return Err(format!(
            "`{key}=` takes a number, found {}",
            describe(val_tok)
        ));
    };
    let (max, bits) = match key {
        "extra" => (u64::MAX, 64),
        _ => (u64::from(u32::MAX), 32),
    };
    crate::syntax::number::parse_literal(text).and_then(|v| {
        u64::try_from(v)
            .ok()
            .filter(|v| *v <= max)
            .ok_or_else(|| format!("`{key}={text}` does not fit in {bits} bits"))
    })
}

/// Whether the string token `t` can name a map or program: non-empty, without `\\`.
pub(super) fn quoted_name(t: &Token<'_>) -> Result<(), String> {
    match text_of(t) {
        n if n.is_empty() || n.contains('\\') => Err(format!(
            "a quoted name must be non-empty and hold no `\\`, found {}",
            describe(t)
        )),
        _ => Ok(()),
    }
}
