//! The `.map NAME TYPE key=N value=N entries=N [flags=N] [inner=NAME] [extra=N]` directive.

use super::*;

impl<'a> State<'a> {
    /// Parses one `.map` directive into `self.maps`; errors go to `self.errors`.
    pub(super) fn map(&mut self, at: Token<'a>, args: &[Token<'a>]) {
        const USAGE: &str =
            "`.map NAME TYPE key=N value=N entries=N [flags=N] [inner=NAME] [extra=N]`";
        let name_tok = match args.first() {
            Some(
                t @ Token {
                    kind: TokenKind::Ident(_),
                    ..
                },
            ) => *t,
            Some(t) => {
                return self.errors.push(err(
                    t,
                    format!("expected a map name, found {}; write {USAGE}", describe(t)),
                ))
            }
            None => {
                return self
                    .errors
                    .push(err(&at, format!("a map needs a name: write {USAGE}")))
            }
        };
        let name = text_of(&name_tok).into_owned();
        let type_tok = match args.get(1) {
            Some(
                t @ Token {
                    kind: TokenKind::Ident(_),
                    ..
                },
            ) => *t,
            Some(t) => {
                return self.errors.push(err(
                    t,
                    format!(
                        "expected a map type such as `hash` or `array`, found {}",
                        describe(t)
                    ),
                ))
            }
            None => {
                return self.errors.push(err(
                    &name_tok,
                    format!("map `{name}` needs a type such as `hash` or `array`: write {USAGE}"),
                ))
            }
        };
        let type_name = text_of(&type_tok);
        let map_type = match MapType::from_name(&type_name) {
            Some(t) => Some(t),
            None => {
                let lower = type_name.to_ascii_lowercase();
                let hint = match MapType::from_name(&lower) {
                    Some(t) => format!(" (map types are lower case: `{t}`)"),
                    None => did_you_mean(&lower, MapType::ALL.iter().map(|t| t.name())),
                };
                self.errors.push(err(
                    &type_tok,
                    format!("unknown map type `{type_name}`{hint}"),
                ));
                None
            }
        };
        let mut fields: HashMap<&'static str, (u64, Token<'a>)> = HashMap::new();
        let mut inner: Option<Token<'a>> = None;
        let mut ok = true;
        let mut i = 2;
        while i < args.len() {
            let key_tok = args[i];
            let TokenKind::Ident(key) = key_tok.kind else {
                self.errors.push(err(
                    &key_tok,
                    format!(
                        "expected `key=N`, `value=N`, `entries=N`, `flags=N`, `inner=NAME` \
                         or `extra=N`, found {}",
                        describe(&key_tok)
                    ),
                ));
                return;
            };
            const KEYS: [&str; 6] = ["key", "value", "entries", "flags", "inner", "extra"];
            let Some(&key) = KEYS.iter().find(|k| **k == key) else {
                let hint = did_you_mean(key, KEYS.into_iter());
                self.errors.push(err(
                    &key_tok,
                    format!(
                        "unknown map attribute `{key}`{hint}: a map has key, value, entries, \
                         flags, inner and extra"
                    ),
                ));
                return;
            };
            if args.get(i + 1).map(|t| t.kind) != Some(TokenKind::Punct('=')) {
                let found = args
                    .get(i + 1)
                    .map_or("the end of the line".into(), describe);
                self.errors.push(err(
                    args.get(i + 1).unwrap_or(&key_tok),
                    format!("expected `=` after `{key}`, found {found}"),
                ));
                return;
            }
            let Some(val_tok) = args.get(i + 2).copied() else {
                self.errors
                    .push(err(&args[i + 1], format!("`{key}=` needs a value")));
                return;
            };
            let duplicate = fields.contains_key(key) || (key == "inner" && inner.is_some());
            if duplicate {
                self.errors.push(err(
                    &key_tok,
                    format!("`{key}` is given twice for map `{name}`"),
                ));
                ok = false;
            } else if key == "inner" {
                match val_tok.kind {
                    TokenKind::Ident(_) => inner = Some(val_tok),
                    _ => {
                        self.errors.push(err(
                            &val_tok,
                            format!("`inner=` takes a map name, found {}", describe(&val_tok)),
                        ));
                        return;
                    }
                }
            } else {
                let max = if key == "extra" {
                    u64::MAX
                } else {
                    u64::from(u32::MAX)
                };
                let v = match val_tok.kind {
                    TokenKind::Number(text) => {
                        crate::syntax::number::parse_literal(text).and_then(|v| {
                            u64::try_from(v).ok().filter(|v| *v <= max).ok_or_else(|| {
                                format!(
                                    "`{key}={text}` does not fit in {} bits",
                                    if key == "extra" { 64 } else { 32 }
                                )
                            })
                        })
                    }
                    _ => Err(format!(
                        "`{key}=` takes a number, found {}",
                        describe(&val_tok)
                    )),
                };
                match v {
                    Ok(v) => {
                        fields.insert(key, (v, val_tok));
                    }
                    Err(m) => {
                        self.errors.push(err(&val_tok, m));
                        ok = false;
                    }
                }
            }
            i += 3;
        }
        for required in ["key", "value", "entries"] {
            if !fields.contains_key(required) && ok {
                self.errors.push(err(
                    &name_tok,
                    format!("map `{name}` needs `{required}=N`: write {USAGE}"),
                ));
                ok = false;
            }
        }
        if let Some(t) = map_type {
            match (t.is_map_of_maps(), inner) {
                (true, None) => {
                    self.errors.push(err(
                        &type_tok,
                        format!("`{t}` needs `inner=NAME`: the map whose shape its values have"),
                    ));
                    ok = false;
                }
                (false, Some(it)) => {
                    self.errors.push(err(
                        &it,
                        "`inner=` is only for `array_of_maps` and `hash_of_maps`",
                    ));
                    ok = false;
                }
                (true, Some(it)) if text_of(&it) == name => {
                    self.errors.push(err(
                        &it,
                        format!("map `{name}` cannot be its own inner map"),
                    ));
                    ok = false;
                }
                _ => {}
            }
        }
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
        let (Some(map_type), true) = (map_type, ok) else {
            return;
        };
        let get = |k: &str| fields.get(k).map_or(0, |(v, _)| *v);
        let def = MapDef {
            name,
            map_type,
            key_size: get("key") as u32,
            value_size: get("value") as u32,
            max_entries: get("entries") as u32,
            flags: get("flags") as u32,
            inner: inner.map(|t| text_of(&t).into_owned()),
            map_extra: get("extra"),
            location: self.loc(&at),
        };
        self.maps.push((def, (name_tok, inner)));
    }
}
