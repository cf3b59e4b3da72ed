//! LD, LDX, ST, STX: ld_imm64, legacy packet loads, loads, stores, atomics.

use crate::model::insn::*;
use crate::model::opcode::{atomic, class, mode, pseudo, OpCode};
use crate::model::raw::RawInsn;
use crate::model::reg::Width;
use crate::model::target::*;

use super::rules::*;

pub(super) fn decode_ld<E: Reason>(s: RawInsn, next: Option<RawInsn>) -> Result<Insn, E> {
    let what = Op(s.code);
    let m = OpCode(s.code).mode();
    let sz = mem_size(s.code);
    match m {
        mode::IMM => {
            if sz != Size::U64 {
                return Err(E::new(|| {
                    format!("{what}: 64-bit immediate loads must use size DW (0x18)")
                }));
            }
            let dst = reg::<E>(s.dst, "destination")?;
            zero::<E>(s.off as i64, "off", what)?;
            let n = next.ok_or_else(|| {
                E::new(|| "ld_imm64 needs a second slot, but the input ends here".into())
            })?;
            if n.code != 0 || n.dst != 0 || n.src != 0 || n.off != 0 {
                return Err(E::new(|| {
                    format!(
                    "the second slot of ld_imm64 must have code, registers and off 0, has {n:?}"
                )
                }));
            }
            let hi_zero = |name: &str| {
                if n.imm == 0 {
                    Ok(())
                } else {
                    Err(E::new(|| {
                        format!(
                            "the second slot's imm must be 0 for {name} loads, is {}",
                            n.imm
                        )
                    }))
                }
            };
            let imm = match s.src {
                0 => Imm64::Const(((n.imm as u32 as u64) << 32 | s.imm as u32 as u64) as i64),
                pseudo::MAP_FD => {
                    hi_zero("map fd")?;
                    Imm64::MapFd(s.imm)
                }
                pseudo::MAP_VALUE => Imm64::MapValue {
                    fd: s.imm,
                    offset: n.imm,
                },
                pseudo::BTF_ID => Imm64::BtfId {
                    id: s.imm,
                    module: n.imm,
                },
                pseudo::FUNC => {
                    hi_zero("function address")?;
                    Imm64::Func(Target::Offset(s.imm))
                }
                pseudo::MAP_IDX => {
                    hi_zero("map index")?;
                    Imm64::MapIdx(s.imm)
                }
                pseudo::MAP_IDX_VALUE => Imm64::MapIdxValue {
                    index: s.imm,
                    offset: n.imm,
                },
                p => {
                    return Err(E::new(|| {
                        format!("{what}: unknown ld_imm64 pseudo source {p} (0..=6)")
                    }))
                }
            };
            Ok(Insn::LdImm64 { dst, imm })
        }
        mode::ABS | mode::IND => {
            if sz == Size::U64 {
                return Err(E::new(|| {
                    format!("{what}: legacy packet loads exist for u8, u16 and u32 only")
                }));
            }
            zero::<E>(s.dst as i64, "dst_reg (the result goes to r0)", what)?;
            zero::<E>(s.off as i64, "off", what)?;
            if m == mode::ABS {
                zero::<E>(s.src as i64, "src_reg", what)?;
                Ok(Insn::LdAbs {
                    size: sz,
                    imm: s.imm,
                })
            } else {
                Ok(Insn::LdInd {
                    size: sz,
                    src: reg::<E>(s.src, "source")?,
                    imm: s.imm,
                })
            }
        }
        _ => Err(E::new(|| {
            format!("{what}: unknown mode {m:#04x} for the LD class")
        })),
    }
}

pub(super) fn decode_mem<E: Reason>(s: RawInsn) -> Result<Insn, E> {
    let what = Op(s.code);
    let m = OpCode(s.code).mode();
    let sz = mem_size(s.code);
    let cls = OpCode(s.code).class();
    let dst = reg::<E>(s.dst, "destination")?;
    match (cls, m) {
        (class::LDX, mode::MEM) => {
            zero::<E>(s.imm as i64, "imm", what)?;
            Ok(Insn::Load {
                size: sz,
                dst,
                src: reg::<E>(s.src, "source")?,
                off: s.off,
            })
        }
        (class::LDX, mode::MEMSX) => {
            zero::<E>(s.imm as i64, "imm", what)?;
            let size = match sz {
                Size::U8 => SxSize::S8,
                Size::U16 => SxSize::S16,
                Size::U32 => SxSize::S32,
                Size::U64 => {
                    return Err(E::new(|| {
                        format!("{what}: sign-extending loads exist for 8, 16 and 32 bits")
                    }))
                }
            };
            Ok(Insn::LoadSx {
                size,
                dst,
                src: reg::<E>(s.src, "source")?,
                off: s.off,
            })
        }
        (class::ST, mode::MEM) => {
            zero::<E>(s.src as i64, "src_reg", what)?;
            Ok(Insn::Store {
                size: sz,
                dst,
                off: s.off,
                src: Src::Imm(s.imm),
            })
        }
        (class::STX, mode::MEM) => {
            zero::<E>(s.imm as i64, "imm", what)?;
            Ok(Insn::Store {
                size: sz,
                dst,
                off: s.off,
                src: Src::Reg(reg::<E>(s.src, "source")?),
            })
        }
        (class::STX, mode::ATOMIC) => {
            let src = reg::<E>(s.src, "source")?;
            match s.imm {
                atomic::LOAD_ACQ => {
                    return Ok(Insn::LoadAcquire {
                        size: sz,
                        dst,
                        src,
                        off: s.off,
                    })
                }
                atomic::STORE_REL => {
                    return Ok(Insn::StoreRelease {
                        size: sz,
                        dst,
                        off: s.off,
                        src,
                    })
                }
                _ => {}
            }
            let op = AtomicOp::ALL
                .into_iter()
                .find(|op| crate::codec::encode::atomic_imm(*op) == s.imm)
                .ok_or_else(|| {
                    E::new(|| format!("{what}: unknown atomic operation imm {:#x}", s.imm))
                })?;
            let width = match sz {
                Size::U32 => Width::W32,
                Size::U64 => Width::W64,
                _ => {
                    return Err(E::new(|| {
                        format!("{what}: atomic read-modify-write exists for u32 and u64 only")
                    }))
                }
            };
            Ok(Insn::Atomic {
                width,
                op,
                dst,
                off: s.off,
                src,
            })
        }
        _ => Err(E::new(|| {
            format!("{what}: unknown mode {m:#04x} for this class")
        })),
    }
}
