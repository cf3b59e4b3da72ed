//! A program printed for reading and for snapshot tests: with print options, and as a
//! listing with each instruction's bytes beside its text.

use std::fmt::{self, Write as _};

use crate::print::display::PrintOptions;
use crate::program::program::Program;

impl Program {
    /// The program as `Display` prints it (labels on their own lines, instructions
    /// indented by a tab), with `options`: `program.display_with(options).to_string()`.
    ///
    /// ```
    /// use ebpf_asm_core::PrintOptions;
    /// let p = ebpf_asm_core::assemble("call 1\nexit").unwrap();
    /// let named = p.display_with(PrintOptions::LLVM.helper_names(true)).to_string();
    /// assert_eq!(named, "\tcall bpf_map_lookup_elem\n\texit\n");
    /// assert_eq!(ebpf_asm_core::assemble(&named).unwrap().to_bytes(), p.to_bytes());
    /// ```
    pub fn display_with(&self, options: PrintOptions) -> impl fmt::Display + '_ {
        WithOptions(self, options)
    }

    /// Each instruction's slot number, bytes (as the kernel and an object file hold them,
    /// labels resolved) and text, one instruction per line, labels on their own lines:
    /// what a snapshot test keeps, so that any change of encoding or printing shows in
    /// review. Helper calls are named (`call bpf_map_lookup_elem`) so the listing reads
    /// like the source; [`Program::listing_with`] chooses.
    ///
    /// ```
    /// let p = ebpf_asm_core::assemble("r0 = 1\nout:\nr0 = 0x100000000 ll\nexit").unwrap();
    /// assert_eq!(
    ///     p.listing(),
    ///     "   0: b700000001000000                 r0 = 1\n\
    ///      out:\n\
    ///      \x20  1: 18000000000000000000000001000000 r0 = 4294967296 ll\n\
    ///      \x20  3: 9500000000000000                 exit\n"
    /// );
    /// ```
    pub fn listing(&self) -> String {
        self.listing_with(PrintOptions::LLVM.helper_names(true))
    }

    /// [`Program::listing`] with the text printed with `options`.
    pub fn listing_with(&self, options: PrintOptions) -> String {
        let mut out = String::new();
        let mut labels = self.labels().iter().peekable();
        let mut bytes = Vec::with_capacity(16);
        for (i, insn) in self.insns().iter().enumerate() {
            while let Some((_, l)) = labels.next_if(|(at, _)| *at == i) {
                let _ = writeln!(out, "{l}:");
            }
            bytes.clear();
            // Labels resolved, encoding cannot fail; an instruction that did shows no bytes.
            if let Ok(e) = self.resolved(i).encode() {
                e.write_to(&mut bytes);
            }
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            let slot = self.slot_of(i).unwrap_or_default();
            let _ = writeln!(out, "{slot:>4}: {hex:<32} {}", insn.display_with(options));
        }
        for (_, l) in labels {
            let _ = writeln!(out, "{l}:");
        }
        out
    }
}

/// A program with its print options, for `Display`.
struct WithOptions<'a>(&'a Program, PrintOptions);

impl fmt::Display for WithOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.write_text(f, self.1)
    }
}
