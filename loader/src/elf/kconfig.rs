//! `.kconfig` externs: `extern unsigned int LINUX_KERNEL_VERSION __kconfig;`,
//! `extern int CONFIG_HZ __kconfig __weak;`. clang leaves each an undefined symbol and a
//! VAR of a DATASEC `.kconfig`; as libbpf and cilium/ebpf do, the reader gives them a
//! read-only global-data map `.kconfig` whose value holds each extern (aligned to its
//! type) with the running kernel's value, and programs reach them through
//! `BPF_PSEUDO_MAP_VALUE` like any global variable (so `set_variable` may override one
//! before load).
//!
//! Values, with libbpf's rules: `LINUX_KERNEL_VERSION` from the kernel release;
//! `LINUX_HAS_SYSCALL_WRAPPER` from `/proc/kallsyms`; `CONFIG_*` from
//! `/boot/config-RELEASE` or `/proc/config.gz`: `y`/`n`/`m` into a `bool` (not `m`), a
//! `char` or libbpf's `enum libbpf_tristate` (n 0, y 1, m 2), numbers into integers that
//! hold them, quoted strings into `char` arrays that hold them. A `__weak` extern the
//! kernel's config lacks is 0; a strong one is an error that names it. The translation
//! ([`fill`]) is pure and unit-tested; only [`KernelConfig::running`] reads the machine.

use std::collections::HashMap;

use ebpf_btf::{Btf, TypeId, TypeKind};
use object::{Object, ObjectSymbol};

use super::data::{DataSection, Variable};
use super::var_types::var_type;
use super::{elf_err, Elf};
use crate::error::Result;

/// The section (and map) name.
pub(crate) const KCONFIG: &str = ".kconfig";

/// Modifier and typedef levels followed before giving up (BTF from a file may loop).
const MAX_DEPTH: usize = 16;

/// Said of a strong extern the kernel has no value for.
const WEAK_HINT: &str = "; declare it `__weak` to read 0 where the kernel lacks it";

/// The largest uncompressed `/proc/config.gz` read (a config is a few hundred KiB).
const MAX_CONFIG: usize = 64 << 20;

/// What an extern's C type holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// `bool`: `y` or `n`.
    Bool,
    /// `char`: the letter itself.
    Char,
    /// `enum libbpf_tristate`: n 0, y 1, m 2.
    Tristate,
    /// An integer of this many bytes.
    Int { size: u32, signed: bool },
    /// `char [N]`: a quoted string and its NUL.
    Str(u32),
}

impl Kind {
    fn size(self) -> u32 {
        match self {
            Kind::Bool | Kind::Char => 1,
            Kind::Tristate => 4,
            Kind::Int { size, .. } => size,
            Kind::Str(n) => n,
        }
    }

    fn align(self) -> u32 {
        match self {
            Kind::Str(_) => 1,
            k => k.size(),
        }
    }
}

/// One extern of `.kconfig`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Extern {
    name: String,
    kind: Kind,
    weak: bool,
}

/// What of the kernel an object's externs need read (the release always).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Needs {
    /// Its build configuration (`CONFIG_*`).
    pub config: bool,
    /// Whether it has syscall wrappers (`/proc/kallsyms`).
    pub syscall_wrapper: bool,
}

/// What the running kernel says: its release and its build configuration.
#[derive(Clone, Debug, Default)]
pub(crate) struct KernelConfig {
    /// `uname -r`: `6.18.44-fc-v1045`.
    pub release: String,
    /// `CONFIG_NAME` → its value as written (`y`, `250`, `"text"`); `None` when no config
    /// file could be read.
    pub config: Option<HashMap<String, String>>,
    /// Whether syscalls go through `__<arch>_sys_*` wrappers.
    pub syscall_wrapper: bool,
}

impl KernelConfig {
    /// This machine's: the release, and what `needs` asks for of the rest.
    pub(crate) fn running(needs: Needs) -> KernelConfig {
        let release = std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .map(|s| s.trim().to_owned())
            .unwrap_or_default();
        let config = needs
            .config
            .then(|| read_config(&release))
            .flatten()
            .map(|text| parse_config(&text));
        let syscall_wrapper = needs.syscall_wrapper
            && std::fs::read_to_string("/proc/kallsyms")
                .map(|k| {
                    k.lines()
                        .any(|l| l.ends_with("_sys_bpf") && l.contains(" __"))
                })
                .unwrap_or(false);
        KernelConfig {
            release,
            config,
            syscall_wrapper,
        }
    }
}

/// The kernel's config text: `/boot/config-RELEASE`, else `/proc/config.gz`.
fn read_config(release: &str) -> Option<String> {
    if let Ok(text) = std::fs::read_to_string(format!("/boot/config-{release}")) {
        return Some(text);
    }
    let gz = std::fs::read("/proc/config.gz").ok()?;
    String::from_utf8(gunzip(&gz)?).ok()
}

/// The contents of a gzip file (RFC 1952: a header, raw DEFLATE, CRC and size).
fn gunzip(gz: &[u8]) -> Option<Vec<u8>> {
    const FEXTRA: u8 = 4;
    const FNAME: u8 = 8;
    const FCOMMENT: u8 = 16;
    const FHCRC: u8 = 2;
    if gz.len() < 18 || gz[..3] != [0x1f, 0x8b, 8] {
        return None;
    }
    let flags = gz[3];
    let mut at = 10;
    if flags & FEXTRA != 0 {
        let len = u16::from_le_bytes([*gz.get(at)?, *gz.get(at + 1)?]) as usize;
        at += 2 + len;
    }
    for flag in [FNAME, FCOMMENT] {
        if flags & flag != 0 {
            at += gz.get(at..)?.iter().position(|&b| b == 0)? + 1;
        }
    }
    if flags & FHCRC != 0 {
        at += 2;
    }
    let body = gz.get(at..gz.len().checked_sub(8)?)?;
    let out = miniz_oxide::inflate::decompress_to_vec_with_limit(body, MAX_CONFIG).ok()?;
    let size = u32::from_le_bytes(gz[gz.len() - 4..].try_into().ok()?);
    (size == out.len() as u32).then_some(out)
}

/// `CONFIG_X=value` lines (comments and `# CONFIG_X is not set` are skipped: not set).
fn parse_config(text: &str) -> HashMap<String, String> {
    text.lines()
        .filter(|l| l.starts_with("CONFIG_"))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.trim().to_owned()))
        .collect()
}

/// The `.kconfig` map of `file` (whose `.BTF` is `btf`) with the values of `kernel`
/// (asked only when the object has `.kconfig` externs); `None` when it has none.
pub(crate) fn read(
    file: &Elf<'_>,
    btf: Option<&Btf>,
    kernel: impl FnOnce(Needs) -> KernelConfig,
) -> Result<Option<DataSection>> {
    let Some(btf) = btf else {
        return Ok(None);
    };
    let Some(externs) = externs(btf, file)? else {
        return Ok(None);
    };
    let needs = Needs {
        config: externs.iter().any(|e| e.name.starts_with("CONFIG_")),
        syscall_wrapper: externs
            .iter()
            .any(|e| e.name == "LINUX_HAS_SYSCALL_WRAPPER"),
    };
    let mut d = fill(&externs, &kernel(needs))?;
    for v in &mut d.variables {
        v.type_name = var_type(btf, KCONFIG, &v.name);
    }
    Ok(Some(d))
}

/// The externs of the DATASEC `.kconfig`, in its order; `None` when there is none.
fn externs(btf: &Btf, file: &Elf<'_>) -> Result<Option<Vec<Extern>>> {
    let datasec = btf.types().find_map(|t| match t {
        Ok((_, t)) if t.name == KCONFIG => match t.kind {
            TypeKind::Datasec(d) => Some(d),
            _ => None,
        },
        _ => None,
    });
    let Some(d) = datasec else {
        return Ok(None);
    };
    let mut out = Vec::with_capacity(d.vars.len());
    for v in &d.vars {
        let var = btf
            .type_by_id(v.ty)
            .map_err(|e| elf_err(format!("`.kconfig` in `.BTF`: {e}")))?;
        let TypeKind::Var(info) = var.kind else {
            continue;
        };
        let name = var.name.to_owned();
        let kind = kind_of(btf, info.ty, 0).ok_or_else(|| {
            elf_err(format!(
                "extern `{name}` (`.kconfig`): its type is not one a kernel config value \
                 fits (bool, char, an integer, enum libbpf_tristate or a char array)"
            ))
        })?;
        let weak = file
            .symbols()
            .any(|s| s.name() == Ok(name.as_str()) && s.is_weak());
        out.push(Extern { name, kind, weak });
    }
    Ok(Some(out))
}

/// What type `id` holds, through typedefs and modifiers.
fn kind_of(btf: &Btf, id: TypeId, depth: usize) -> Option<Kind> {
    if depth > MAX_DEPTH {
        return None;
    }
    let t = btf.type_by_id(id).ok()?;
    match t.kind {
        TypeKind::Typedef(i) | TypeKind::Const(i) | TypeKind::Volatile(i) => {
            kind_of(btf, i, depth + 1)
        }
        TypeKind::Int(i) if i.encoding.boolean => Some(Kind::Bool),
        TypeKind::Int(i) if i.size == 1 && t.name == "char" => Some(Kind::Char),
        TypeKind::Int(i) if matches!(i.size, 1 | 2 | 4 | 8) => Some(Kind::Int {
            size: i.size,
            signed: i.encoding.signed,
        }),
        TypeKind::Enum(e) if t.name == "libbpf_tristate" && e.size == 4 => Some(Kind::Tristate),
        TypeKind::Array(a) => match kind_of(btf, a.elem, depth + 1)? {
            Kind::Char | Kind::Int { size: 1, .. } => Some(Kind::Str(a.nelems)),
            _ => None,
        },
        _ => None,
    }
}

/// The `.kconfig` map: each extern at an offset aligned to its type, holding `kernel`'s
/// value.
fn fill(externs: &[Extern], kernel: &KernelConfig) -> Result<DataSection> {
    let mut contents = Vec::new();
    let mut variables = Vec::with_capacity(externs.len());
    for e in externs {
        let align = e.kind.align().max(1) as usize;
        let offset = contents.len().div_ceil(align) * align;
        contents.resize(offset, 0);
        let bytes = value(e, kernel)
            .map_err(|why| elf_err(format!("extern `{}` (`.kconfig`): {why}", e.name)))?;
        contents.extend_from_slice(&bytes);
        variables.push(Variable {
            name: e.name.clone(),
            offset: offset as u32,
            size: e.kind.size(),
            type_name: None,
        });
    }
    // An empty DATASEC still needs a map value the kernel can create.
    let size = contents.len().max(1) as u32;
    Ok(DataSection {
        map: KCONFIG.to_owned(),
        size,
        contents,
        read_only: true,
        variables,
    })
}

/// The bytes of extern `e` (its type's size) from `kernel`.
fn value(e: &Extern, kernel: &KernelConfig) -> std::result::Result<Vec<u8>, String> {
    let zero = || Ok(vec![0; e.kind.size() as usize]);
    match e.name.as_str() {
        "LINUX_KERNEL_VERSION" => number(e.kind, u64::from(kernel_version(&kernel.release)?)),
        "LINUX_HAS_SYSCALL_WRAPPER" => {
            letter(e.kind, if kernel.syscall_wrapper { 'y' } else { 'n' })
        }
        n if n.starts_with("LINUX_") && e.weak => zero(),
        n if n.starts_with("LINUX_") => Err(format!(
            "`{n}` is not a value this loader knows (LINUX_KERNEL_VERSION, \
             LINUX_HAS_SYSCALL_WRAPPER)"
        )),
        n => {
            let Some(config) = &kernel.config else {
                return match e.weak {
                    true => zero(),
                    false => Err(
                        "the kernel's config is not readable (no /boot/config-RELEASE \
                                  or /proc/config.gz)"
                            .into(),
                    ),
                };
            };
            match config.get(n) {
                Some(v) => config_value(e.kind, v),
                None if e.weak => zero(),
                None => Err(format!("the kernel's config does not set it{WEAK_HINT}")),
            }
        }
    }
}

/// `KERNEL_VERSION(a, b, c)` of a release `a.b.c-...` (c capped at 255, as the kernel
/// caps its own).
fn kernel_version(release: &str) -> std::result::Result<u32, String> {
    let mut parts = release
        .split(|c: char| !c.is_ascii_digit())
        .map(|p| p.parse::<u32>().ok());
    match (parts.next().flatten(), parts.next().flatten()) {
        (Some(a), Some(b)) => {
            let c = parts.next().flatten().unwrap_or(0).min(255);
            Ok((a << 16) + (b << 8) + c)
        }
        _ => Err(format!(
            "the kernel release {release:?} has no version number"
        )),
    }
}

/// A config value as written (`y`, `m`, `n`, a number, a quoted string) into `kind`.
fn config_value(kind: Kind, v: &str) -> std::result::Result<Vec<u8>, String> {
    match v {
        "y" | "n" | "m" => letter(kind, v.chars().next().unwrap_or('n')),
        _ if v.starts_with('"') => string(kind, v),
        _ => {
            let n = match v.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16).ok(),
                None => v
                    .parse::<u64>()
                    .ok()
                    .or_else(|| v.parse::<i64>().ok().map(|n| n as u64)),
            };
            match n {
                Some(n) => number(kind, n),
                None => Err(format!(
                    "the config value {v:?} is not y, n, m, a number or a string"
                )),
            }
        }
    }
}

/// `y`/`n`/`m` into a bool, char or tristate.
fn letter(kind: Kind, c: char) -> std::result::Result<Vec<u8>, String> {
    match (kind, c) {
        (Kind::Bool, 'm') => Err("the kernel says `m` (a module), which a bool cannot hold; \
                                  declare it `enum libbpf_tristate`"
            .into()),
        (Kind::Bool, c) => Ok(vec![u8::from(c == 'y')]),
        (Kind::Char, c) => Ok(vec![c as u8]),
        (Kind::Tristate, c) => Ok(match c {
            'y' => 1u32,
            'm' => 2,
            _ => 0,
        }
        .to_ne_bytes()
        .to_vec()),
        (k, c) => Err(format!(
            "the kernel says `{c}`, which needs a bool, char or enum libbpf_tristate, not {}",
            describe(k)
        )),
    }
}

/// A number into an integer that holds it.
fn number(kind: Kind, n: u64) -> std::result::Result<Vec<u8>, String> {
    let (size, signed) = match kind {
        Kind::Int { size, signed } => (size, signed),
        Kind::Char => (1, false),
        _ => {
            return Err(format!(
                "the kernel says {n}, which needs an integer or a char, not {}",
                describe(kind)
            ))
        }
    };
    let bits = size * 8;
    let fits = match (signed, bits) {
        (_, 64) => true,
        (false, b) => n < 1u64 << b,
        (true, b) => {
            let v = n as i64;
            (-(1i64 << (b - 1))..(1i64 << (b - 1))).contains(&v)
        }
    };
    if !fits {
        return Err(format!(
            "the kernel says {n}, which does not fit in {size} bytes"
        ));
    }
    Ok(n.to_ne_bytes()[..size as usize].to_vec())
}

/// A quoted string (`"text"`) into a `char` array that holds it and its NUL.
fn string(kind: Kind, v: &str) -> std::result::Result<Vec<u8>, String> {
    let Kind::Str(n) = kind else {
        return Err(format!(
            "the kernel says {v}, which needs a char array, not {}",
            describe(kind)
        ));
    };
    let text = v
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .ok_or_else(|| format!("the config value {v} is not a quoted string"))?;
    if text.len() >= n as usize {
        return Err(format!(
            "the kernel says {v} ({} bytes with its NUL), which does not fit in char[{n}]",
            text.len() + 1
        ));
    }
    let mut out = text.as_bytes().to_vec();
    out.resize(n as usize, 0);
    Ok(out)
}

fn describe(k: Kind) -> String {
    match k {
        Kind::Bool => "a bool".into(),
        Kind::Char => "a char".into(),
        Kind::Tristate => "enum libbpf_tristate".into(),
        Kind::Int { size, .. } => format!("a {size}-byte integer"),
        Kind::Str(n) => format!("char[{n}]"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ext(name: &str, kind: Kind, weak: bool) -> Extern {
        Extern {
            name: name.into(),
            kind,
            weak,
        }
    }

    fn kernel() -> KernelConfig {
        KernelConfig {
            release: "6.18.44-fc-v1045".into(),
            config: Some(parse_config(
                "# comment\nCONFIG_HZ=250\nCONFIG_BPF=y\nCONFIG_X=m\n# CONFIG_NO is not set\n\
                 CONFIG_LOCALVERSION=\"-fc\"\nCONFIG_NEG=-3\nCONFIG_HEX=0x10\n",
            )),
            syscall_wrapper: true,
        }
    }

    const U32: Kind = Kind::Int {
        size: 4,
        signed: false,
    };

    #[test]
    fn values_are_laid_out_aligned_with_the_kernels_values() {
        let externs = [
            ext("CONFIG_BPF", Kind::Bool, false),
            ext("LINUX_KERNEL_VERSION", U32, false),
            ext("CONFIG_X", Kind::Tristate, false),
            ext("CONFIG_LOCALVERSION", Kind::Str(8), false),
            ext("CONFIG_NO", U32, true),
            ext("LINUX_HAS_SYSCALL_WRAPPER", Kind::Bool, false),
            ext(
                "CONFIG_NEG",
                Kind::Int {
                    size: 2,
                    signed: true,
                },
                false,
            ),
            ext("CONFIG_HEX", Kind::Char, false),
        ];
        let d = fill(&externs, &kernel()).expect("fills");
        let at: Vec<(u32, u32)> = d.variables.iter().map(|v| (v.offset, v.size)).collect();
        assert_eq!(
            at,
            [
                (0, 1),
                (4, 4),
                (8, 4),
                (12, 8),
                (20, 4),
                (24, 1),
                (26, 2),
                (28, 1)
            ]
        );
        let v = d.value();
        assert_eq!(v[0], 1, "CONFIG_BPF=y");
        assert_eq!(&v[4..8], &((6u32 << 16) + (18 << 8) + 44).to_ne_bytes());
        assert_eq!(&v[8..12], &2u32.to_ne_bytes(), "m is 2");
        assert_eq!(&v[12..20], b"-fc\0\0\0\0\0");
        assert_eq!(&v[20..24], &[0; 4], "weak and not set: 0");
        assert_eq!(v[24], 1, "the syscall wrapper");
        assert_eq!(&v[26..28], &(-3i16).to_ne_bytes());
        assert_eq!(v[28], 0x10);
        assert!(d.read_only);
        assert_eq!(d.map, ".kconfig");
    }

    #[test]
    fn what_does_not_fit_is_an_error_naming_the_extern() {
        let msg = |e: Extern| match fill(&[e], &kernel()) {
            Err(crate::Error::Elf(m)) => m,
            r => panic!("expected an error, got {r:?}"),
        };
        let m = msg(ext("CONFIG_NO", U32, false));
        assert!(
            m.contains("`CONFIG_NO`") && m.contains("does not set it"),
            "{m}"
        );
        assert!(m.contains("__weak"), "{m}");
        let m = msg(ext("CONFIG_X", Kind::Bool, false));
        assert!(m.contains("enum libbpf_tristate"), "{m}");
        let m = msg(ext(
            "CONFIG_HZ",
            Kind::Int {
                size: 1,
                signed: true,
            },
            false,
        ));
        assert!(m.contains("does not fit in 1 bytes"), "{m}");
        let m = msg(ext("CONFIG_LOCALVERSION", Kind::Str(3), false));
        assert!(m.contains("char[3]"), "{m}");
        let m = msg(ext("CONFIG_HZ", Kind::Bool, false));
        assert!(m.contains("needs an integer"), "{m}");
        assert!(
            !m.contains("__weak"),
            "only missing values suggest __weak: {m}"
        );
        let m = msg(ext("LINUX_SOMETHING", U32, false));
        assert!(m.contains("LINUX_KERNEL_VERSION"), "{m}");
        let no_config = KernelConfig {
            config: None,
            ..kernel()
        };
        let e = fill(&[ext("CONFIG_HZ", U32, false)], &no_config).expect_err("no config");
        assert!(format!("{e}").contains("/proc/config.gz"), "{e}");
        assert!(fill(&[ext("CONFIG_HZ", U32, true)], &no_config).is_ok());
    }

    #[test]
    fn kernel_versions_cap_the_patch_level() {
        assert_eq!(kernel_version("6.18.44-fc"), Ok(0x06122c));
        assert_eq!(kernel_version("5.4.300"), Ok(0x0504ff));
        assert_eq!(kernel_version("6.1"), Ok(0x060100));
        assert!(kernel_version("linux").is_err());
    }

    #[test]
    fn gzip_of_the_running_kernel_or_a_made_up_one() {
        assert_eq!(gunzip(b"not gzip at all, not at all"), None);
        // A stored (uncompressed) DEFLATE block of "CONFIG_HZ=250\n" in a gzip with a
        // file name.
        let text = b"CONFIG_HZ=250\n";
        let mut gz = vec![0x1f, 0x8b, 8, 8, 0, 0, 0, 0, 0, 3];
        gz.extend_from_slice(b"config\0");
        gz.push(1); // last block, stored
        gz.extend_from_slice(&(text.len() as u16).to_le_bytes());
        gz.extend_from_slice(&(!(text.len() as u16)).to_le_bytes());
        gz.extend_from_slice(text);
        gz.extend_from_slice(&[0; 4]); // CRC32, not checked
        gz.extend_from_slice(&(text.len() as u32).to_le_bytes());
        assert_eq!(gunzip(&gz).as_deref(), Some(&text[..]));
        let mut wrong_size = gz.clone();
        let n = wrong_size.len();
        wrong_size[n - 4] ^= 1;
        assert_eq!(gunzip(&wrong_size), None, "the size must agree");
    }
}
