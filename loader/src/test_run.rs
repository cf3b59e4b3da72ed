//! `BPF_PROG_TEST_RUN`: run a loaded program on given packet data and context.

use std::os::fd::AsFd;

use crate::error::{Error, Result};
use crate::program::Program;
use crate::program_type::ProgramType;
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
    /// Context input (e.g. a `struct __sk_buff`, or a syscall program's argument block).
    pub ctx_in: &'a [u8],
    /// Size of the context output buffer; `None` = no context output (except for syscall
    /// programs, whose `ctx_in` written back by the kernel is returned as `ctx_out`).
    pub ctx_out_size: Option<usize>,
    /// Number of runs (0 and 1 mean once); duration is the mean.
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

impl Program {
    /// Runs the program once (or `repeat` times) in the kernel with `run`'s inputs.
    pub fn test_run(&self, run: &TestRun<'_>) -> Result<TestRunResult> {
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
                repeat: run.repeat,
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
