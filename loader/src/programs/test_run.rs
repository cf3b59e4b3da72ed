//! `BPF_PROG_TEST_RUN`: run a loaded program on given packet data and context.

use std::os::fd::AsFd;

use crate::error::{Error, Result};
use crate::programs::LoadedProgram;
use crate::programs::ProgramType;
use crate::sys::{self, attr::TestRunAttr, Cmd, TestRunBufs};

/// Extra room given to an automatically sized `data_out` (programs may grow packets).
const AUTO_DATA_OUT_SLACK: usize = 256;

/// Inputs of a test run. `Default` runs once with no data and no context.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TestRun<'a> {
    /// Packet data (socket filter and tc need at least 14 bytes: an Ethernet header).
    pub data_in: &'a [u8],
    /// Size of the data output buffer. `None`: `data_in.len() + 256` when there is input
    /// data, retried once with the size the kernel asks for on ENOSPC (which runs the
    /// program again). `Some(n)`: exactly `n` bytes, ENOSPC is an error.
    pub data_out_size: Option<usize>,
    /// Context input (e.g. a `struct __sk_buff`, a syscall program's argument block, or a
    /// raw tracepoint's arguments as u64 values).
    pub ctx_in: &'a [u8],
    /// Size of the context output buffer; `None` = no context output (except for syscall
    /// programs, whose `ctx_in` written back by the kernel is returned as `ctx_out`).
    pub ctx_out_size: Option<usize>,
    /// Number of runs (0 and 1 mean once); duration is the mean. Raw tracepoint and
    /// syscall programs run once only.
    pub repeat: u32,
    /// `BPF_F_TEST_*` flags, e.g. [`BPF_F_TEST_RUN_ON_CPU`](crate::flags::BPF_F_TEST_RUN_ON_CPU).
    pub flags: u32,
    /// CPU to run on, with `BPF_F_TEST_RUN_ON_CPU`.
    pub cpu: u32,
    /// XDP live-frames batch size.
    pub batch_size: u32,
}

/// Results of a test run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestRunResult {
    /// The program's return value (the kernel's u32).
    pub retval: u32,
    /// Mean run time in nanoseconds.
    pub duration_ns: u32,
    /// Output data, trimmed to the size the kernel reported.
    pub data_out: Option<Vec<u8>>,
    /// Output context, trimmed to the size the kernel reported.
    pub ctx_out: Option<Vec<u8>>,
}

/// The `repeat` to hand the kernel for a program of type `t`, after checking that `run`
/// asks for nothing the kernel refuses for that type.
///
/// Raw tracepoint and syscall programs run exactly once per test run, on `ctx_in` alone
/// (a raw tracepoint's arguments as an array of u64): the kernel answers EINVAL to any
/// `repeat`, data or context output, so "once" (`repeat` 0 or 1) is sent as 0 and the
/// rest is refused here with a message that says what to pass instead.
fn kernel_repeat(t: ProgramType, run: &TestRun<'_>) -> Result<u32> {
    let what = match t {
        ProgramType::RawTracepoint => "raw tracepoint",
        ProgramType::Syscall => "syscall",
        _ => return Ok(run.repeat),
    };
    let refused = if run.repeat > 1 {
        "repeat must be 0 or 1"
    } else if !run.data_in.is_empty() || run.data_out_size.is_some_and(|n| n > 0) {
        "no data_in or data_out_size (arguments go in ctx_in)"
    } else if run.ctx_out_size.is_some() {
        "no ctx_out_size"
    } else {
        return Ok(0);
    };
    Err(Error::InvalidArgument(format!(
        "{what} programs are test-run once, on ctx_in alone: {refused}"
    )))
}

impl LoadedProgram {
    /// Runs the program once (or `repeat` times) in the kernel with `run`'s inputs.
    ///
    /// Raw tracepoint and syscall programs take only `ctx_in` (a raw tracepoint's
    /// arguments as u64 values, at most 12) and run once; anything else in `run` is an
    /// [`Error::InvalidArgument`].
    pub fn test_run(&self, run: &TestRun<'_>) -> Result<TestRunResult> {
        let repeat = kernel_repeat(self.prog_type(), run)?;
        let auto = run.data_out_size.is_none() && !run.data_in.is_empty();
        let mut data_size = run.data_out_size.unwrap_or(if auto {
            run.data_in.len() + AUTO_DATA_OUT_SLACK
        } else {
            0
        });
        let mut retried = false;
        loop {
            let mut data_out = vec![0u8; data_size];
            let mut ctx_out = vec![0u8; run.ctx_out_size.unwrap_or(0)];
            let mut ctx_in = run.ctx_in.to_vec();
            let mut attr = TestRunAttr {
                prog_fd: 0,
                repeat,
                flags: run.flags,
                cpu: run.cpu,
                batch_size: run.batch_size,
                ..Default::default()
            };
            attr.prog_fd = std::os::fd::AsRawFd::as_raw_fd(&self.as_fd()) as u32;
            let bufs = TestRunBufs {
                data_in: run.data_in,
                data_out: (data_size > 0).then_some(data_out.as_mut_slice()),
                ctx_in: &mut ctx_in,
                ctx_out: run.ctx_out_size.map(|_| ctx_out.as_mut_slice()),
            };
            match sys::prog_test_run(&mut attr, bufs) {
                Ok(()) => {
                    let trim = |mut v: Vec<u8>, n: u32| {
                        v.truncate(n as usize);
                        v
                    };
                    return Ok(TestRunResult {
                        retval: attr.retval,
                        duration_ns: attr.duration,
                        data_out: (data_size > 0).then(|| trim(data_out, attr.data_size_out)),
                        ctx_out: match run.ctx_out_size {
                            Some(_) => Some(trim(ctx_out, attr.ctx_size_out)),
                            // Syscall programs write their results back into ctx_in.
                            None if self.prog_type() == ProgramType::Syscall => Some(ctx_in),
                            None => None,
                        },
                    });
                }
                Err(e)
                    if e.raw_os_error() == Some(libc::ENOSPC)
                        && auto
                        && !retried
                        && attr.data_size_out as usize > data_size =>
                {
                    retried = true;
                    data_size = attr.data_size_out as usize;
                }
                Err(e) => return Err(Error::kernel(Cmd::ProgTestRun, e)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packet_programs_get_their_repeat_as_given() {
        for repeat in [0, 1, 5] {
            let run = TestRun {
                data_in: &[0; 14],
                repeat,
                ..Default::default()
            };
            assert_eq!(kernel_repeat(ProgramType::Xdp, &run).ok(), Some(repeat));
        }
    }

    #[test]
    fn run_once_programs_get_repeat_0_and_refuse_packets() {
        for t in [ProgramType::RawTracepoint, ProgramType::Syscall] {
            for repeat in [0, 1] {
                let run = TestRun {
                    ctx_in: &[0; 16],
                    repeat,
                    ..Default::default()
                };
                assert_eq!(kernel_repeat(t, &run).ok(), Some(0), "{t:?}");
            }
        }
        let refused = |run: TestRun<'_>| {
            kernel_repeat(ProgramType::RawTracepoint, &run)
                .expect_err("refused")
                .to_string()
        };
        assert_eq!(
            refused(TestRun {
                repeat: 2,
                ..Default::default()
            }),
            "invalid argument: raw tracepoint programs are test-run once, on ctx_in alone: \
             repeat must be 0 or 1"
        );
        assert!(refused(TestRun {
            data_in: &[0; 14],
            ..Default::default()
        })
        .ends_with(": no data_in or data_out_size (arguments go in ctx_in)"));
        assert!(refused(TestRun {
            ctx_out_size: Some(8),
            ..Default::default()
        })
        .ends_with(": no ctx_out_size"));
    }
}
