//! Where printed text goes: straight into a `String`, or through a stack buffer to a
//! `fmt::Write`, without `core::fmt` for every operand.

use std::fmt;

use crate::model::insn::*;
use crate::model::reg::{Reg, Width};
use crate::model::target::*;

/// Where an instruction's text goes, one piece at a time: straight into a `String`, or
/// through [`Text`]'s buffer to a `fmt::Write`. Printing a million instructions must not go
/// through `core::fmt` for every operand.
///
/// Only whole `&str`s and ASCII bytes are pushed, so what a sink holds is always UTF-8.
pub(super) trait Sink {
    /// A piece of text.
    fn str(&mut self, s: &str);

    /// One ASCII character.
    fn byte(&mut self, c: u8);

    /// ASCII characters (digits).
    fn ascii(&mut self, b: &[u8]) {
        for &c in b {
            self.byte(c);
        }
    }

    /// A decimal integer, as `{}` prints it.
    fn int(&mut self, v: i64) {
        if v < 0 {
            self.byte(b'-');
        }
        self.uint(v.unsigned_abs());
    }

    /// An unsigned decimal integer, as `{}` prints it.
    fn uint(&mut self, mut v: u64) {
        if v < 10 {
            return self.byte(b'0' + v as u8);
        }
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        loop {
            at -= 1;
            digits[at] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        self.ascii(&digits[at..]);
    }

    /// `+3`, `-3`, `+0`.
    fn rel(&mut self, v: i64) {
        if v >= 0 {
            self.byte(b'+');
        }
        self.int(v);
    }

    fn reg(&mut self, r: Reg, width: Width) {
        self.str(r.name(width));
    }

    /// `r1 + 4` / `r1 - 4`.
    fn addr(&mut self, r: Reg, off: i16) {
        self.reg(r, Width::W64);
        if off < 0 {
            self.str(" - ");
            self.int(-(off as i64));
        } else {
            self.str(" + ");
            self.int(off as i64);
        }
    }

    /// `(r1 + 4)` / `(r1 - 4)`.
    fn mem(&mut self, r: Reg, off: i16) {
        self.byte(b'(');
        self.addr(r, off);
        self.byte(b')');
    }

    fn size(&mut self, size: Size) {
        self.str(match size {
            Size::U8 => "u8",
            Size::U16 => "u16",
            Size::U32 => "u32",
            Size::U64 => "u64",
        });
    }

    fn src(&mut self, s: &Src, width: Width) {
        match s {
            Src::Reg(r) => self.reg(*r, width),
            Src::Imm(i) => self.int(*i as i64),
        }
    }

    fn target<O: Into<i64> + Copy>(&mut self, t: &Target<O>) {
        match t {
            Target::Offset(o) => self.rel((*o).into()),
            Target::Label(l) => self.str(l.as_str()),
        }
    }

    fn pseudo(&mut self, dst: Reg, src: u8, imm: i32, next: i32) {
        self.str("ld_pseudo ");
        self.reg(dst, Width::W64);
        self.str(", ");
        self.int(src as i64);
        self.str(", ");
        // LLVM prints the pseudo immediate unsigned (fds, ids and indexes are u32).
        self.int(imm as u32 as i64);
        if next != 0 {
            self.str(", ");
            self.int(next as i64);
        }
    }
}

/// The fast path: text goes straight into the string.
impl Sink for String {
    #[inline]
    fn str(&mut self, s: &str) {
        self.push_str(s);
    }

    #[inline]
    fn byte(&mut self, c: u8) {
        debug_assert!(c.is_ascii());
        self.push(c as char);
    }
}

/// Capacity of [`Text`]'s buffer: every instruction's text fits, except long label names.
const TEXT_CAP: usize = 96;

/// An instruction's text for a `fmt::Write` (`Display`), built in a stack buffer and handed
/// on in one piece. A piece that does not fit (a very long label) flushes the buffer to
/// `out` first.
pub(super) struct Text<'o, W: fmt::Write + ?Sized> {
    buf: [u8; TEXT_CAP],
    len: usize,
    out: &'o mut W,
    result: fmt::Result,
}

impl<'o, W: fmt::Write + ?Sized> Text<'o, W> {
    pub(super) fn new(out: &'o mut W) -> Self {
        Text {
            buf: [0; TEXT_CAP],
            len: 0,
            out,
            result: Ok(()),
        }
    }

    #[cold]
    #[inline(never)]
    fn long(&mut self, s: &str) {
        self.flush();
        if self.result.is_ok() {
            self.result = self.out.write_str(s);
        }
    }

    /// Writes what is buffered to the output.
    fn flush(&mut self) {
        if self.result.is_ok() && self.len > 0 {
            self.result = match std::str::from_utf8(&self.buf[..self.len]) {
                Ok(s) => self.out.write_str(s),
                Err(_) => Err(fmt::Error),
            };
        }
        self.len = 0;
    }

    pub(super) fn finish(mut self) -> fmt::Result {
        self.flush();
        self.result
    }
}

impl<W: fmt::Write + ?Sized> Sink for Text<'_, W> {
    #[inline]
    fn str(&mut self, s: &str) {
        let b = s.as_bytes();
        match self.buf.get_mut(self.len..self.len + b.len()) {
            Some(dst) => {
                dst.copy_from_slice(b);
                self.len += b.len();
            }
            None => self.long(s),
        }
    }

    #[inline]
    fn byte(&mut self, c: u8) {
        debug_assert!(c.is_ascii());
        match self.buf.get_mut(self.len) {
            Some(dst) => {
                *dst = c;
                self.len += 1;
            }
            None => {
                let c = [c];
                self.long(std::str::from_utf8(&c).unwrap_or("?"));
            }
        }
    }

    #[inline]
    fn ascii(&mut self, b: &[u8]) {
        match self.buf.get_mut(self.len..self.len + b.len()) {
            Some(dst) => {
                dst.copy_from_slice(b);
                self.len += b.len();
            }
            None => self.long(std::str::from_utf8(b).unwrap_or("?")),
        }
    }
}
