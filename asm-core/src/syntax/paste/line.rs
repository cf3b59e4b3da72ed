//! What one line of tool output is: pure recognisers over a line's text, no state.
//!
//! Positions are byte offsets into the line; every prefix recognised here is ASCII, so a
//! byte offset before the instruction is also its column − 1.

/// One line, as far as its prefix tells.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) enum Line<'a> {
    /// `   7:\tb7 01 00 00 2a 00 00 00\tr1 = 0x2a <sym+0x8>` (llvm-objdump -d): the
    /// instruction's text starts at `text`; `bytes` are the raw-byte columns when shown,
    /// with their offset.
    Objdump {
        text: usize,
        bytes: Option<(usize, Vec<u8>)>,
    },
    /// `5: (18) r1 = 0x...   ; R1=...` (the verifier) or `   5: (18) r1 = map[id:3]`
    /// (bpftool prog dump xlated), also the verifier's `Live regs` table
    /// (`  5: .1........ (18) ...`): slot index, opcode byte and its offset, the text's
    /// start and end (the verifier's state after `;` is not part of it).
    Kernel {
        index: u32,
        opcode: u8,
        opcode_at: usize,
        text: usize,
        end: usize,
    },
    /// `       bf 16 00 00 00 00 00 00` after a bpftool line (`opcodes`): the bytes, at
    /// offset `at`.
    Opcodes { at: usize, bytes: Vec<u8> },
    /// `\t\t0000000000000030:  R_BPF_64_64\tm` (llvm-objdump -r): the relocation type and
    /// symbol of the instruction above.
    Reloc { kind: &'a str, symbol: &'a str },
    /// A line of a tool's output that holds no instruction (a header, the verifier's state,
    /// a C source line), and what printed it.
    State(&'static str),
    /// Anything else: assembly text, left to the assembler.
    Other,
}

/// Recognises `line` (without its line break).
pub(crate) fn classify(line: &str) -> Line<'_> {
    let b = line.as_bytes();
    let start = b.iter().position(|&c| c != b' ' && c != b'\t');
    let Some(start) = start else {
        return Line::Other;
    };
    if let Some(l) = numbered(line, start) {
        return l;
    }
    if let Some(l) = reloc(line, start) {
        return l;
    }
    if start > 0 {
        if let Some(bytes) = hex_bytes(&line[start..]) {
            return Line::Opcodes { at: start, bytes };
        }
    }
    match state(line.trim()) {
        Some(what) => Line::State(what),
        None => Line::Other,
    }
}

/// Lines that start with a decimal number and `:`.
fn numbered(line: &str, start: usize) -> Option<Line<'_>> {
    let b = line.as_bytes();
    let digits = b[start..].iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || digits > 9 || b.get(start + digits) != Some(&b':') {
        return None;
    }
    let index: u32 = line[start..start + digits].parse().ok()?;
    let after = start + digits + 1;
    let rest = &line[after..];
    if let Some(r) = rest.strip_prefix('\t') {
        return Some(objdump(after + 1, r));
    }
    let r = rest.strip_prefix(' ')?;
    let mut at = after + 1;
    // The verifier's `Live regs before insn:` table: ten columns, one per register.
    let live = r
        .get(..11)
        .filter(|s| s.ends_with(' ') && s[..10].bytes().all(|c| c == b'.' || c.is_ascii_digit()));
    let r = match live {
        Some(_) => {
            at += 11;
            &r[11..]
        }
        None => r,
    };
    let k = r.as_bytes();
    if k.len() >= 5 && k[0] == b'(' && k[3] == b')' && k[4] == b' ' {
        let opcode = u8::from_str_radix(&r[1..3], 16).ok()?;
        let text = at + 5;
        let end = line[text..].find(';').map_or(line.len(), |n| text + n);
        return Some(Line::Kernel {
            index,
            opcode,
            opcode_at: at + 1,
            text,
            end,
        });
    }
    // `4: R1=ctx() R10=fp0`, `30: frame1: ...`, or a bare `4:`: the verifier's state.
    let t = r.trim_start();
    if t.is_empty() || t.starts_with('R') || t.starts_with("frame") || t.starts_with("fp") {
        return Some(Line::State("the verifier's state at an instruction"));
    }
    None
}

/// After `   7:\t`: the raw bytes (if shown) and the text.
fn objdump(at: usize, rest: &str) -> Line<'static> {
    if let Some(tab) = rest.find('\t') {
        if let Some(bytes) = hex_bytes(&rest[..tab]) {
            return Line::Objdump {
                text: at + tab + 1,
                bytes: Some((at, bytes)),
            };
        }
    }
    Line::Objdump {
        text: at,
        bytes: None,
    }
}

/// `b7 01 00 00 2a 00 00 00` (8 or 16 bytes, lowercase pairs, one space apart).
fn hex_bytes(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end();
    let b = s.as_bytes();
    if b.len() != 23 && b.len() != 47 {
        return None;
    }
    let mut out = Vec::with_capacity(16);
    for (i, pair) in b.chunks(3).enumerate() {
        let hex = |c: u8| c.is_ascii_digit() || (b'a'..=b'f').contains(&c);
        if !hex(pair[0]) || !hex(pair[1]) || (pair.len() == 3 && pair[2] != b' ') {
            return None;
        }
        out.push(u8::from_str_radix(&s[i * 3..i * 3 + 2], 16).ok()?);
    }
    Some(out)
}

/// `\t\t0000000000000030:  R_BPF_64_64\tm`
fn reloc(line: &str, start: usize) -> Option<Line<'_>> {
    let rest = &line[start..];
    let (addr, rest) = rest.split_once(':')?;
    if addr.len() != 16 || !addr.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let mut words = rest.split_whitespace();
    let kind = words.next().filter(|k| k.starts_with("R_BPF_"))?;
    Some(Line::Reloc {
        kind,
        symbol: words.next().unwrap_or(""),
    })
}

/// Lines of tool output that hold no instruction, by how they start (`line` trimmed).
fn state(line: &str) -> Option<&'static str> {
    const VERIFIER: &str = "a line of the verifier's log";
    let starts = |p: &str| line.starts_with(p);
    if line.contains("\tfile format ") || starts("Disassembly of section ") || symbol_header(line) {
        return Some("a header line of llvm-objdump's");
    }
    if line.len() > 2 && starts("; ") {
        return Some("a C source line");
    }
    if starts("from ") && line[5..].starts_with(|c: char| c.is_ascii_digit()) {
        return Some(VERIFIER);
    }
    let verifier = [
        "processed ",
        "verification time ",
        "stack depth ",
        "func#",
        "Func#",
        "Live regs before insn:",
        "mark_precise: ",
        "last_idx ",
        "regs=",
        "caller:",
        "callee:",
        "returning from callee:",
        "to caller at ",
        "Validating ",
        "propagating ",
        "frame",
        "-- BEGIN PROG LOAD LOG --",
        "-- END PROG LOAD LOG --",
    ];
    if verifier.iter().any(|p| starts(p)) || frame_line(line) || register_state(line) {
        return Some(VERIFIER);
    }
    if line.ends_with("):") && line.contains('(') {
        return Some("a function header of bpftool's");
    }
    None
}

/// `0000000000000000 <prog>:`
fn symbol_header(line: &str) -> bool {
    let b = line.as_bytes();
    b.len() > 20
        && b[..16].iter().all(u8::is_ascii_hexdigit)
        && line[16..].starts_with(" <")
        && line.ends_with(">:")
}

/// `(0) frame 0 insn 15 +live -8`
fn frame_line(line: &str) -> bool {
    line.starts_with('(') && line.contains(") frame ")
}

/// `R6=ctx() R10=fp0 ...` (the verifier's register state on a line of its own) or
/// `R1 32-bit pointer arithmetic prohibited` (its message about a register); not
/// `R1 = 1`.
fn register_state(line: &str) -> bool {
    let b = line.as_bytes();
    let digits = b.iter().skip(1).take_while(|c| c.is_ascii_digit()).count();
    let next = |i: usize| b.get(1 + digits + i).copied();
    b.first() == Some(&b'R')
        && digits > 0
        && (matches!(next(0), Some(b'=' | b'_'))
            || (next(0) == Some(b' ') && next(1).is_some_and(|c| c.is_ascii_alphanumeric())))
}
