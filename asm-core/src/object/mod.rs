//! Object files: several programs and their maps in one assembly text.
//!
//! LLVM syntax plus these directives:
//! - `.section NAME` starts a program (libbpf section names: `socket`, `xdp`, `tc`,
//!   `cgroup_skb/ingress`, `tracepoint/CAT/NAME`, ...). The program is named by a label
//!   before its first instruction, else by the section name.
//! - `.map NAME TYPE key=N value=N entries=N [flags=N] [inner=NAME] [extra=N] [pin=name]`
//!   declares a map; TYPE is the kernel's map type name without prefix, lower case
//!   (`hash`, `array`). A name that is not one word (`.rodata.str1.1`) is quoted, here and
//!   in `rN = "NAME" ll`.
//! - `.slot MAP INDEX program NAME` / `.slot MAP INDEX map NAME`: an initial value of a prog
//!   array or of an array/hash of maps, stored when the collection loads.
//! - `.value MAP "HEX BYTES" [frozen]`: the initial value of an array map's entry 0 (global
//!   data: `.data`, `.rodata`, `.bss`), frozen after it is written when `frozen` is given;
//!   programs reach it as `rN = MAP_value_OFF ll`.
//! - `.var NAME MAP offset=N size=N [type="C TYPE"]`: a variable of that value, which
//!   `set_constant` finds by name.
//! - `.license "GPL"` (the default), `.version N` (the `kern_version` programs load with;
//!   an object's `version` section).
//!
//! The one grammar parses the text; this module splits its events by section and feeds
//! one [`Builder`] per program. Labels are local to their section: a program may call
//! subprograms written later in its own section, not in another one.
//!
//! ```
//! let text = ".map counts array key=4 value=8 entries=1\n\
//!             .section xdp\n\
//!             count:\n\
//!             \tr1 = counts ll\n\
//!             \tr0 = 2\n\
//!             \texit\n";
//! let obj = ebpf_asm_core::parse_object("count.s", text).unwrap();
//! assert_eq!(obj.programs[0].name, "count");
//! assert_eq!(obj.programs[0].section, "xdp");
//! assert_eq!(obj.maps[0].map_type, ebpf_asm_core::MapType::Array);
//! assert_eq!(obj.license, "GPL");
//! ```

mod finish;
mod initial;
mod map;
mod sections;
mod suggest;
mod variable;

use std::collections::HashMap;
use std::sync::Arc;

use suggest::did_you_mean;

pub use initial::{is_writable_name, name_text};
pub use sections::{section_def, BtfTarget, BtfTargetKind, SectionDef, SectionTarget, SECTIONS};
pub use variable::VarDef;

use crate::assemble::one_piece::to_asm_error;
use crate::model::insn::{Imm64, Insn};
use crate::model::kernel::MapType;
use crate::program::program::Program;
use crate::program::source_map::SourceLoc;
use crate::syntax::builder::Builder;
use crate::syntax::diag::AsmError;
use crate::syntax::errors::Errors;
use crate::syntax::lex::Lexer;
use crate::syntax::local_labels::is_numeric;
use crate::syntax::parse::{describe, parse, Event, ParseError};
use crate::syntax::token::{Token, TokenKind};

/// A parsed object file: its license, maps and programs, in source order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectSpec {
    /// The license string (`"GPL"` when the file has no `.license`).
    pub license: String,
    /// The maps declared with `.map`.
    pub maps: Vec<MapDef>,
    /// One program per `.section`.
    pub programs: Vec<ProgramDef>,
    /// `.version N`: the `kern_version` programs are loaded with.
    pub kern_version: Option<u32>,
}

/// A map declared with `.map`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapDef {
    /// The name programs use in `rN = NAME ll`.
    pub name: String,
    /// The map type (`TYPE` is its [`MapType::name`]).
    pub map_type: MapType,
    /// `key=`: key size in bytes.
    pub key_size: u32,
    /// `value=`: value size in bytes.
    pub value_size: u32,
    /// `entries=`: max_entries.
    pub max_entries: u32,
    /// `flags=`: `BPF_F_*` creation flags (0 when absent).
    pub flags: u32,
    /// `inner=`: the map whose shape the values of an array/hash of maps have.
    pub inner: Option<String>,
    /// `extra=`: map_extra (bloom filter: number of hash functions).
    pub map_extra: u64,
    /// Where the `.map` directive is.
    pub location: SourceLoc,
    /// `pin=name`: pinned by its name in the loader's pin directory (libbpf's
    /// `LIBBPF_PIN_BY_NAME`), and an existing pin reused.
    pub pin_by_name: bool,
    /// The `.slot` lines of this map, by index.
    pub slots: Vec<SlotDef>,
    /// The `.value` line of this map.
    pub value: Option<MapValue>,
}

/// An initial value of a prog array or a map of maps: `.slot MAP INDEX KIND NAME`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotDef {
    /// The index (key) it is stored at.
    pub index: u32,
    /// What is stored there.
    pub target: SlotTarget,
    /// Where the `.slot` directive is.
    pub location: SourceLoc,
}

/// What a [`SlotDef`] stores: a program of the file (prog arrays) or a map (maps of maps).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SlotTarget {
    /// `program NAME`.
    Program(String),
    /// `map NAME`.
    Map(String),
}

/// The initial value of an array map's entry 0: `.value MAP "HEX" [frozen]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapValue {
    /// The bytes given; the rest of the value is zeros.
    pub bytes: Vec<u8>,
    /// `frozen`: the map is frozen once the value is written (`.rodata`).
    pub frozen: bool,
    /// Its variables (`.var`), in source order.
    pub variables: Vec<VarDef>,
    /// Where the `.value` directive is.
    pub location: SourceLoc,
}

/// The symbol a program uses for the address of map `map`'s value plus `offset`
/// (`.rodata_value_8`), as bpftool's `map_id_N_value_OFF`.
pub fn value_symbol(map: &str, offset: u32) -> String {
    format!("{map}_value_{offset}")
}

/// The map and offset of a [`value_symbol`] (`None` for other names).
pub fn parse_value_symbol(name: &str) -> Option<(&str, u32)> {
    let (map, off) = name.rsplit_once("_value_")?;
    Some((map, off.parse().ok()?))
}

/// A program: one `.section`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgramDef {
    /// Its label at offset 0, else the section name.
    pub name: String,
    /// The section name as written.
    pub section: String,
    /// What the section name means (program type, attach type, flags).
    pub kind: &'static SectionDef,
    /// The part of the section name after the known prefix and `/`, if any.
    pub target: Option<String>,
    /// The instructions; map references are still symbols.
    pub program: Program,
    /// Where the `.section` directive is.
    pub location: SourceLoc,
}

/// Parses an object file; every error is reported as `FILE:LINE:COL: error: ...`.
pub fn parse_object(file: &str, text: &str) -> Result<ObjectSpec, AsmError> {
    let file: Arc<str> = Arc::from(file);
    let mut lexer = Lexer::new(text);
    let mut st = State {
        file: file.clone(),
        sections: Vec::new(),
        maps: Vec::new(),
        map_tokens: HashMap::new(),
        inits: Vec::new(),
        vars: Vec::new(),
        license: None,
        version: None,
        errors: Errors::new(),
        outside_reported: false,
    };
    let mut errors = parse(&mut lexer, |e| st.event(e));
    if let Some((line, column, what)) = lexer.unterminated {
        errors.push(ParseError {
            line,
            column,
            index: 0,
            message: format!("unterminated {what}"),
        });
    }
    errors.append(std::mem::take(&mut st.errors));
    let mut programs = st.finish(&mut errors);
    if !programs.is_empty() {
        let text: Arc<str> = Arc::from(text);
        for p in &mut programs {
            p.program.set_source_text(&file, text.clone());
        }
    }
    if errors.is_empty() {
        Ok(ObjectSpec {
            license: st.license.map_or_else(|| "GPL".to_owned(), |(l, _)| l),
            maps: st.maps.into_iter().map(|(m, _)| m).collect(),
            programs,
            kern_version: st.version.map(|(v, _)| v),
        })
    } else {
        Err(to_asm_error(&file, errors))
    }
}

/// A reference from an instruction to a name: a call, a jump or a symbol load.
#[derive(Clone, Copy, PartialEq, Eq)]
enum UseKind {
    Call,
    Jump,
    Symbol,
}

/// One section while it is being read.
struct Section<'a> {
    name: String,
    at: Token<'a>,
    kind: &'static SectionDef,
    target: Option<String>,
    builder: Builder<'a>,
    /// The first label, when it precedes every instruction.
    entry: Option<&'a str>,
    labels: HashMap<&'a str, Token<'a>>,
    uses: Vec<(&'a str, Token<'a>, UseKind)>,
    /// The line of the next `.section`, once known.
    next_line: Option<u32>,
}

struct State<'a> {
    file: Arc<str>,
    sections: Vec<Section<'a>>,
    /// Declared maps and the tokens of their name and `inner=` value.
    maps: Vec<(MapDef, (Token<'a>, Option<Token<'a>>))>,
    map_tokens: HashMap<String, Token<'a>>,
    /// The `.slot` and `.value` lines, checked and given to their maps at the end.
    inits: Vec<initial::Init<'a>>,
    /// The `.var` lines, given to their maps' values at the end.
    vars: Vec<variable::VarLine<'a>>,
    license: Option<(String, Token<'a>)>,
    version: Option<(u32, Token<'a>)>,
    errors: Errors,
    outside_reported: bool,
}

fn err(t: &Token<'_>, message: impl Into<String>) -> ParseError {
    ParseError {
        line: t.line,
        column: t.column,
        index: t.index,
        message: message.into(),
    }
}

/// The text of a token as written (strings without quotes).
fn text_of<'a>(t: &Token<'a>) -> std::borrow::Cow<'a, str> {
    match t.kind {
        TokenKind::Ident(s) | TokenKind::Number(s) | TokenKind::Str(s) => s.into(),
        TokenKind::Punct(c) => c.to_string().into(),
        TokenKind::Interp(_) | TokenKind::End => "".into(),
    }
}

fn width(t: &Token<'_>) -> u32 {
    match t.kind {
        TokenKind::Str(s) => s.chars().count() as u32 + 2,
        _ => text_of(t).chars().count() as u32,
    }
}

impl<'a> State<'a> {
    fn loc(&self, t: &Token<'_>) -> SourceLoc {
        SourceLoc {
            file: self.file.clone(),
            line: t.line,
            column: t.column,
        }
    }

    fn event(&mut self, e: Event<'_, 'a>) -> Result<(), String> {
        match e {
            Event::Directive { name, at, args } => {
                self.directive(name, at, args);
                Ok(())
            }
            Event::Label { name, at } => {
                let Some(s) = self.current(&at) else {
                    return Ok(());
                };
                // A numeric label (`1:`) names no program.
                if s.builder.is_empty() && s.entry.is_none() && !is_numeric(name) {
                    s.entry = Some(name);
                }
                s.labels.entry(name).or_insert(at);
                s.builder.event(Event::Label { name, at })
            }
            Event::Insn {
                insn,
                at,
                fixups,
                core,
                label_at,
            } => {
                let Some(s) = self.current(&at) else {
                    return Ok(());
                };
                if let Some(t) = label_at {
                    let used = insn.label().map(|l| {
                        let kind = match &insn {
                            Insn::Call(_)
                            | Insn::LdImm64 {
                                imm: Imm64::Func(_),
                                ..
                            } => UseKind::Call,
                            Insn::LdImm64 { .. } => UseKind::Symbol,
                            _ => UseKind::Jump,
                        };
                        (l.as_str().to_owned(), kind)
                    });
                    match (used, t.kind) {
                        (Some((_, kind)), TokenKind::Ident(name)) => s.uses.push((name, t, kind)),
                        (Some((_, UseKind::Symbol)), TokenKind::Str(name)) => {
                            s.uses.push((name, t, UseKind::Symbol))
                        }
                        _ => {}
                    }
                }
                s.builder.event(Event::Insn {
                    insn,
                    at,
                    fixups,
                    core,
                    label_at,
                })
            }
        }
    }

    /// The section being read, or `None` (and an error, once) before the first one.
    fn current(&mut self, at: &Token<'a>) -> Option<&mut Section<'a>> {
        if self.sections.is_empty() {
            if !self.outside_reported {
                self.outside_reported = true;
                self.errors.push(err(
                    at,
                    "instructions and labels must follow a `.section NAME` that starts their \
                     program (e.g. `.section xdp`)",
                ));
            }
            return None;
        }
        self.sections.last_mut()
    }

    fn directive(&mut self, name: &'a str, at: Token<'a>, args: &[Token<'a>]) {
        match name {
            "section" => self.section(at, args),
            "map" => self.map(at, args),
            "slot" => self.slot(at, args),
            "value" => self.value(at, args),
            "var" => self.var(at, args),
            "license" => self.license(at, args),
            "version" => self.version(at, args),
            _ if crate::syntax::builder::is_globl(name) => {
                match crate::syntax::builder::globl_names(args) {
                    Ok(names) => match self.sections.last_mut() {
                        Some(s) => s.builder.add_globals(names),
                        None => self.errors.push(err(
                            &at,
                            "`.globl` before any `.section`: write it in the section of the \
                             function it names",
                        )),
                    },
                    Err(m) => self.errors.push(err(&at, m)),
                }
            }
            "extern" => self.errors.push(err(
                &at,
                "`.extern` is not supported in object files: calls across sections are not \
                 supported; write the subprogram in the section that calls it",
            )),
            "text" => self.errors.push(err(
                &at,
                "`.text` (subprograms shared by several sections) is not supported: write each \
                 subprogram in the section of the program that calls it",
            )),
            _ => {
                let known = [
                    "section", "map", "slot", "value", "var", "license", "version",
                ];
                let hint = did_you_mean(name, known.into_iter());
                self.errors.push(err(
                    &at,
                    format!(
                        "unknown directive `.{name}`{hint}: object files know `.section`, `.map`, \
                         `.slot`, `.value`, `.var`, `.license` and `.version`"
                    ),
                ));
            }
        }
    }

    fn section(&mut self, at: Token<'a>, args: &[Token<'a>]) {
        let Some(first) = args.first() else {
            self.errors.push(err(
                &at,
                "`.section` needs a name, e.g. `.section xdp` or `.section tracepoint/CAT/NAME`",
            ));
            return;
        };
        // The name: a string, or adjacent tokens (`cgroup_skb/ingress` is three tokens).
        let (name, mut rest) = if let TokenKind::Str(s) = first.kind {
            (s.to_owned(), &args[1..])
        } else {
            let mut name = String::new();
            let mut end = 0;
            let mut prev: Option<&Token<'a>> = None;
            for t in args {
                let adjacent =
                    prev.is_none_or(|p| p.line == t.line && p.column + width(p) == t.column);
                if !adjacent || t.kind == TokenKind::Punct(',') {
                    break;
                }
                name.push_str(&text_of(t));
                prev = Some(t);
                end += 1;
            }
            (name, &args[end..])
        };
        // LLVM's `.section NAME,"ax",@progbits`: the flags do not matter here.
        if rest
            .first()
            .is_some_and(|t| t.kind == TokenKind::Punct(','))
        {
            rest = &[];
        }
        let def = section_def(&name);
        if let Some(t) = rest.first() {
            self.errors.push(err(
                t,
                format!(
                    "unexpected {} after the section name `{name}` (a name has no spaces)",
                    describe(t)
                ),
            ));
        }
        let (kind, target) = match def {
            Ok(k) => k,
            Err(m) => {
                if rest.is_empty() {
                    self.errors.push(err(first, m));
                }
                // Read the section anyway (as a socket filter), so its errors show too.
                (&SECTIONS[0], None)
            }
        };
        let target = target.map(str::to_owned);
        self.sections.push(Section {
            name,
            at: *first,
            kind,
            target,
            builder: Builder::with_capacity(self.file.clone(), true, 0),
            entry: None,
            labels: HashMap::new(),
            uses: Vec::new(),
            next_line: None,
        });
    }

    fn version(&mut self, at: Token<'a>, args: &[Token<'a>]) {
        let problem = match args {
            [] => Some((
                at,
                "`.version` needs a number, e.g. `.version 0x60c00`".to_owned(),
            )),
            [t @ Token {
                kind: TokenKind::Number(text),
                ..
            }] => match crate::syntax::number::parse_literal(text).and_then(|v| {
                u32::try_from(v).map_err(|_| format!("`.version {text}` does not fit in 32 bits"))
            }) {
                Ok(_) if self.version.is_some() => Some((
                    *t,
                    format!(
                        "the version is already set at line {}",
                        self.version.map_or(0, |(_, p)| p.line)
                    ),
                )),
                Ok(v) => {
                    self.version = Some((v, *t));
                    None
                }
                Err(m) => Some((*t, m)),
            },
            [t] => Some((
                *t,
                format!("`.version` takes a number, found {}", describe(t)),
            )),
            [_, t, ..] => Some((*t, format!("unexpected {} after the version", describe(t)))),
        };
        if let Some((t, m)) = problem {
            self.errors.push(err(&t, m));
        }
    }

    fn license(&mut self, at: Token<'a>, args: &[Token<'a>]) {
        match args {
            [t @ Token {
                kind: TokenKind::Str(s),
                ..
            }] => {
                if let Some((_, prev)) = &self.license {
                    self.errors.push(err(
                        t,
                        format!(
                            "the license is already set at line {}, column {}",
                            prev.line, prev.column
                        ),
                    ));
                } else if s.contains('\\') || s.is_empty() {
                    self.errors.push(err(
                        t,
                        "the license must be a plain non-empty string, e.g. \"GPL\"",
                    ));
                } else {
                    self.license = Some(((*s).to_owned(), *t));
                }
            }
            [] => self.errors.push(err(
                &at,
                "`.license` needs a string, e.g. `.license \"GPL\"`",
            )),
            [t, ..] if !matches!(t.kind, TokenKind::Str(_)) => self.errors.push(err(
                t,
                format!("expected a quoted license string, found {}", describe(t)),
            )),
            [_, t, ..] | [t] => self.errors.push(err(
                t,
                format!("unexpected {} after the license string", describe(t)),
            )),
        }
    }
}
