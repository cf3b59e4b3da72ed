//! Initial values of maps: `.slot MAP INDEX program|map NAME` (prog arrays, maps of maps)
//! and `.value MAP "HEX" [frozen]` (an array's entry 0: global data). Each line is read
//! when it comes and checked against its map and the programs once the file is read.

use super::map::quoted_name;
use super::*;

const SLOT_USAGE: &str = "`.slot MAP INDEX program NAME` or `.slot MAP INDEX map NAME`";
const VALUE_USAGE: &str = "`.value MAP \"HEX BYTES\" [frozen]`";

/// A `.slot` or `.value` line, waiting for the end of the file.
pub(super) struct Init<'a> {
    /// The directive's `.` token.
    at: Token<'a>,
    /// The map's name.
    map: Token<'a>,
    what: InitKind<'a>,
}

enum InitKind<'a> {
    Slot {
        index: (u32, Token<'a>),
        kind: Token<'a>,
        target: (SlotTarget, Token<'a>),
    },
    Value {
        bytes: (Vec<u8>, Token<'a>),
        frozen: bool,
    },
}

/// A name token: a word or a quoted name.
fn is_name(t: &Token<'_>) -> bool {
    match t.kind {
        TokenKind::Ident(_) => true,
        TokenKind::Str(_) => quoted_name(t).is_ok(),
        _ => false,
    }
}

impl<'a> State<'a> {
    /// Reads `.slot MAP INDEX program|map NAME`.
    pub(super) fn slot(&mut self, at: Token<'a>, args: &[Token<'a>]) {
        let Some(map) = self.init_name(&at, args.first(), "a map name", SLOT_USAGE) else {
            return;
        };
        let Some(index_tok) = self.init_arg(&map, args.get(1), "an index", SLOT_USAGE) else {
            return;
        };
        let index = match index_tok.kind {
            TokenKind::Number(text) => crate::syntax::number::parse_literal(text).and_then(|v| {
                u32::try_from(v).map_err(|_| format!("slot index `{text}` does not fit in 32 bits"))
            }),
            _ => Err(format!(
                "expected a slot index (a number), found {}; write {SLOT_USAGE}",
                describe(&index_tok)
            )),
        };
        let index = match index {
            Ok(i) => i,
            Err(m) => return self.errors.push(err(&index_tok, m)),
        };
        let what = "`program` or `map`";
        let Some(kind) = self.init_arg(&index_tok, args.get(2), what, SLOT_USAGE) else {
            return;
        };
        let Some(target_tok) = self.init_name(&kind, args.get(3), "a name", SLOT_USAGE) else {
            return;
        };
        let name = text_of(&target_tok).into_owned();
        let target = match kind.kind {
            TokenKind::Ident("program") => SlotTarget::Program(name),
            TokenKind::Ident("map") => SlotTarget::Map(name),
            _ => {
                let hint = match kind.kind {
                    TokenKind::Ident(w) => did_you_mean(w, ["program", "map"].into_iter()),
                    _ => String::new(),
                };
                let found = describe(&kind);
                return self.errors.push(err(
                    &kind,
                    format!("expected `program` or `map`, found {found}{hint}; write {SLOT_USAGE}"),
                ));
            }
        };
        if !self.init_end(args.get(4), "the slot") {
            return;
        }
        self.inits.push(Init {
            at,
            map,
            what: InitKind::Slot {
                index: (index, index_tok),
                kind,
                target: (target, target_tok),
            },
        });
    }

    /// Reads `.value MAP "HEX" [frozen]`.
    pub(super) fn value(&mut self, at: Token<'a>, args: &[Token<'a>]) {
        let Some(map) = self.init_name(&at, args.first(), "a map name", VALUE_USAGE) else {
            return;
        };
        let what = "the value's bytes in hex, quoted";
        let Some(bytes_tok) = self.init_arg(&map, args.get(1), what, VALUE_USAGE) else {
            return;
        };
        let TokenKind::Str(hex) = bytes_tok.kind else {
            let found = describe(&bytes_tok);
            return self.errors.push(err(
                &bytes_tok,
                format!(
                    "expected the value's bytes as a quoted hex string, found {found}; \
                     write {VALUE_USAGE}"
                ),
            ));
        };
        let bytes = match hex_bytes(hex) {
            Ok(b) => b,
            Err((i, m)) => {
                let mut e = err(&bytes_tok, m);
                e.column += 1 + i as u32;
                return self.errors.push(e);
            }
        };
        let frozen = match args.get(2) {
            None => false,
            Some(Token {
                kind: TokenKind::Ident("frozen"),
                ..
            }) => true,
            Some(t) => {
                let found = describe(t);
                return self.errors.push(err(
                    t,
                    format!(
                        "expected `frozen` or the end of the line after the value, found {found}"
                    ),
                ));
            }
        };
        if !self.init_end(args.get(3), "`frozen`") {
            return;
        }
        self.inits.push(Init {
            at,
            map,
            what: InitKind::Value {
                bytes: (bytes, bytes_tok),
                frozen,
            },
        });
    }

    /// The name at `tok` (a word or a quoted name), or an error saying `what` was expected
    /// (after `before` when the line ends).
    fn init_name(
        &mut self,
        before: &Token<'a>,
        tok: Option<&Token<'a>>,
        what: &str,
        usage: &str,
    ) -> Option<Token<'a>> {
        let t = self.init_arg(before, tok, what, usage)?;
        if is_name(&t) {
            return Some(t);
        }
        let message = match t.kind {
            TokenKind::Str(_) => quoted_name(&t).err().unwrap_or_default(),
            _ => format!("expected {what}, found {}; write {usage}", describe(&t)),
        };
        self.errors.push(err(&t, message));
        None
    }

    /// The token `tok`, or an error after `before` when the line ends there.
    fn init_arg(
        &mut self,
        before: &Token<'a>,
        tok: Option<&Token<'a>>,
        what: &str,
        usage: &str,
    ) -> Option<Token<'a>> {
        if tok.is_none() {
            self.errors.push(err(
                before,
                format!("{what} is missing after this: write {usage}"),
            ));
        }
        tok.copied()
    }

    /// True at the end of the line; else an error at `extra`.
    fn init_end(&mut self, extra: Option<&Token<'a>>, after: &str) -> bool {
        let Some(t) = extra else {
            return true;
        };
        let found = describe(t);
        self.errors
            .push(err(t, format!("unexpected {found} after {after}")));
        false
    }

    /// Checks every `.slot` and `.value` against its map (and the program names
    /// `programs`), and gives the good ones to their maps.
    pub(super) fn check_inits(
        &mut self,
        programs: &HashMap<String, Token<'a>>,
        errors: &mut Errors,
    ) {
        for init in std::mem::take(&mut self.inits) {
            let name = text_of(&init.map);
            let Some(i) = self.maps.iter().position(|(m, _)| m.name == name) else {
                if !self.map_tokens.contains_key(name.as_ref()) {
                    let hint = did_you_mean(&name, self.map_tokens.keys().map(String::as_str));
                    errors.push(err(
                        &init.map,
                        format!("map `{name}` is not declared{hint}: declare it with `.map` first"),
                    ));
                }
                continue;
            };
            let location = self.loc(&init.at);
            match init.what {
                InitKind::Slot {
                    index,
                    kind,
                    target,
                } => {
                    let slot = SlotDef {
                        index: index.0,
                        target: target.0.clone(),
                        location,
                    };
                    match self.check_slot(
                        &self.maps[i].0,
                        &init.map,
                        index,
                        kind,
                        &target,
                        programs,
                    ) {
                        Ok(()) => self.maps[i].0.slots.push(slot),
                        Err((t, m)) => errors.push(err(&t, m)),
                    }
                }
                InitKind::Value { bytes, frozen } => {
                    let m = &self.maps[i].0;
                    match check_value(m, &init.map, &bytes) {
                        Ok(()) => {
                            self.maps[i].0.value = Some(MapValue {
                                bytes: bytes.0,
                                frozen,
                                variables: Vec::new(),
                                location,
                            })
                        }
                        Err((t, m)) => errors.push(err(&t, m)),
                    }
                }
            }
        }
    }

    /// Why slot `index` of `m` cannot hold `target`, at which token.
    fn check_slot(
        &self,
        m: &MapDef,
        map_tok: &Token<'a>,
        (index, index_tok): (u32, Token<'a>),
        kind: Token<'a>,
        (target, target_tok): &(SlotTarget, Token<'a>),
        programs: &HashMap<String, Token<'a>>,
    ) -> Result<(), (Token<'a>, String)> {
        let name = &m.name;
        let t = m.map_type;
        let holds = match t {
            MapType::ProgArray => "program",
            _ if t.is_map_of_maps() => "map",
            _ => {
                return Err((
                    *map_tok,
                    format!(
                        "map `{name}` is of type `{t}`: `.slot` fills prog arrays \
                         (`program NAME`) and array/hash of maps (`map NAME`)"
                    ),
                ))
            }
        };
        let (is_program, target_name) = match target {
            SlotTarget::Program(n) => (true, n),
            SlotTarget::Map(n) => (false, n),
        };
        if is_program != (holds == "program") {
            return Err((
                kind,
                format!(
                    "map `{name}` is of type `{t}`: its slots hold {holds}s; write \
                     `.slot {} {index} {holds} NAME`",
                    name_text(name)
                ),
            ));
        }
        if index >= m.max_entries {
            return Err((
                index_tok,
                format!(
                    "index {index} is past the end of map `{name}` (entries={}): use 0 to {}",
                    m.max_entries,
                    m.max_entries.saturating_sub(1)
                ),
            ));
        }
        if let Some(prev) = m.slots.iter().find(|s| s.index == index) {
            return Err((
                index_tok,
                format!(
                    "slot {index} of map `{name}` is already set at line {}",
                    prev.location.line
                ),
            ));
        }
        let known: Vec<&str> = match is_program {
            true => programs.keys().map(String::as_str).collect(),
            false => self.map_tokens.keys().map(String::as_str).collect(),
        };
        if !known.contains(&target_name.as_str()) {
            let hint = did_you_mean(target_name, known.into_iter());
            let what = match is_program {
                true => {
                    "a program of this file (a program is named by the label before its \
                         first instruction, else by its section)"
                }
                false => "a declared map",
            };
            return Err((*target_tok, format!("`{target_name}` is not {what}{hint}")));
        }
        Ok(())
    }
}

/// Why `bytes` cannot be map `m`'s `.value`, at which token.
fn check_value<'a>(
    m: &MapDef,
    map_tok: &Token<'a>,
    (bytes, bytes_tok): &(Vec<u8>, Token<'a>),
) -> Result<(), (Token<'a>, String)> {
    let name = &m.name;
    if m.map_type != MapType::Array {
        return Err((
            *map_tok,
            format!(
                "map `{name}` is of type `{}`: `.value` gives entry 0 of an `array` map \
                 (global data)",
                m.map_type
            ),
        ));
    }
    if let Some(prev) = &m.value {
        return Err((
            *map_tok,
            format!(
                "the value of map `{name}` is already given at line {}",
                prev.location.line
            ),
        ));
    }
    if bytes.len() > m.value_size as usize {
        return Err((
            *bytes_tok,
            format!(
                "{} bytes given, but map `{name}`'s values are {} bytes (value={})",
                bytes.len(),
                m.value_size,
                m.value_size
            ),
        ));
    }
    Ok(())
}

/// A map or program name as the object text writes it: bare when it is one word
/// (`counts`, `.bss`), else quoted (`".rodata.str1.1"`). A name that holds `"`, `\` or a
/// line break cannot be written (the reader refuses it): check with [`is_writable_name`].
pub fn name_text(name: &str) -> String {
    match crate::print::display::is_word(name) {
        true => name.to_owned(),
        false => format!("\"{name}\""),
    }
}

/// Whether the object text can write `name` (quoted if it must): non-empty, without
/// `"`, `\` or a line break.
pub fn is_writable_name(name: &str) -> bool {
    !name.is_empty() && !name.contains(['"', '\\', '\n', '\r'])
}

/// The bytes of a hex string (pairs of digits; spaces between pairs), or the offset of
/// the first bad character in `hex` and why.
fn hex_bytes(hex: &str) -> Result<Vec<u8>, (usize, String)> {
    let mut out = Vec::with_capacity(hex.len() / 2);
    let mut high: Option<(usize, u8)> = None;
    for (i, c) in hex.char_indices() {
        if c == ' ' || c == '\t' {
            if let Some((at, _)) = high {
                return Err((
                    at,
                    "an odd hex digit: write bytes as pairs (`07`, not `7`)".into(),
                ));
            }
            continue;
        }
        let Some(d) = c.to_digit(16) else {
            return Err((
                i,
                format!("`{c}` is not a hex digit: write the bytes as pairs of 0-9, a-f"),
            ));
        };
        match high.take() {
            None => high = Some((i, d as u8)),
            Some((_, h)) => out.push(h << 4 | d as u8),
        }
    }
    match high {
        Some((at, _)) => Err((
            at,
            "an odd hex digit: write bytes as pairs (`07`, not `7`)".into(),
        )),
        None => Ok(out),
    }
}

#[cfg(test)]
mod tests {
    use super::hex_bytes;

    #[test]
    fn hex_strings() {
        assert_eq!(hex_bytes("07 00ff"), Ok(vec![7, 0, 0xff]));
        assert_eq!(hex_bytes(""), Ok(vec![]));
        assert_eq!(hex_bytes("0x").map_err(|e| e.0), Err(1));
        assert_eq!(hex_bytes("07 7").map_err(|e| e.0), Err(3));
        assert_eq!(hex_bytes("7 07").map_err(|e| e.0), Err(0));
    }
}
