//! libbpf's section names: which program type, expected attach type and flags each one
//! means, and for programs that attach by BTF id, which BTF type the target names. This
//! is the one table of section names: the object parser and the loader both read it.

use crate::model::kernel::{AttachType, ProgramType};
use crate::model::kernel::{AttachType as A, ProgramType as P};

/// `BPF_F_SLEEPABLE`.
const SLEEPABLE: u32 = 1 << 4;
/// `BPF_F_XDP_HAS_FRAGS`.
const FRAGS: u32 = 1 << 5;

/// Whether a section name carries a target after `/` (`tracepoint/CAT/NAME`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum SectionTarget {
    /// The name is exact: `socket`, `xdp`, `cgroup/skb`.
    None,
    /// `NAME` or `NAME/TARGET`: the target says where to attach, loading does not need it.
    Optional,
    /// `NAME/TARGET` only: loading needs the target (`tp_btf/NAME`, `iter/NAME`, `fentry/F`).
    Required,
}

/// The kind of kernel BTF type a section's target names.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BtfTargetKind {
    /// A function (`fentry/F` → `F`, `lsm/F` → `bpf_lsm_F`).
    Func,
    /// A typedef (`tp_btf/NAME` → `btf_trace_NAME`).
    Typedef,
}

/// Where a program of this section attaches in the kernel's BTF: the type named by the
/// prefix and the section's target; loading looks it up to fill `attach_btf_id`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct BtfTarget {
    /// Function or typedef.
    pub kind: BtfTargetKind,
    /// What goes before the target, e.g. `"btf_trace_"`.
    pub prefix: &'static str,
}

impl BtfTarget {
    /// The BTF type name for `target` (`sched_switch` → `btf_trace_sched_switch`).
    pub fn type_name(&self, target: &str) -> String {
        format!("{}{target}", self.prefix)
    }
}

/// One libbpf section name and what it means for loading.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct SectionDef {
    /// The section name, or its part before `/TARGET`.
    pub name: &'static str,
    /// Whether a `/TARGET` follows.
    pub target: SectionTarget,
    /// Program type, e.g. [`ProgramType::Xdp`].
    pub prog_type: ProgramType,
    /// Expected attach type, e.g. [`AttachType::CgroupInetIngress`], when the section
    /// implies one.
    pub attach_type: Option<AttachType>,
    /// `BPF_F_*` program flags (`syscall` and `*.s` sections are sleepable).
    pub prog_flags: u32,
    /// The BTF type the target names, for programs that attach by BTF id (`tp_btf`,
    /// `fentry`, `lsm`, `iter`, ...).
    pub btf_target: Option<BtfTarget>,
}

const fn def(
    name: &'static str,
    target: SectionTarget,
    prog_type: ProgramType,
    attach_type: Option<AttachType>,
    prog_flags: u32,
) -> SectionDef {
    SectionDef {
        name,
        target,
        prog_type,
        attach_type,
        prog_flags,
        btf_target: None,
    }
}

impl SectionDef {
    /// The same section, attaching to the BTF type `prefix` + target of `kind`.
    const fn btf(self, kind: BtfTargetKind, prefix: &'static str) -> SectionDef {
        SectionDef {
            btf_target: Some(BtfTarget { kind, prefix }),
            ..self
        }
    }
}

use BtfTargetKind::{Func, Typedef};
use SectionTarget::{None as Exact, Optional as Opt, Required as Req};

/// Every section name the object format knows, as libbpf (1.x, strict mode) spells them.
pub const SECTIONS: &[SectionDef] = &[
    def("socket", Exact, P::SocketFilter, None, 0),
    def(
        "sk_reuseport/migrate",
        Exact,
        P::SkReuseport,
        Some(A::SkReuseportSelectOrMigrate),
        0,
    ),
    def(
        "sk_reuseport",
        Exact,
        P::SkReuseport,
        Some(A::SkReuseportSelect),
        0,
    ),
    def("kprobe", Opt, P::Kprobe, None, 0),
    def("kretprobe", Opt, P::Kprobe, None, 0),
    def("uprobe", Opt, P::Kprobe, None, 0),
    def("uprobe.s", Opt, P::Kprobe, None, SLEEPABLE),
    def("uretprobe", Opt, P::Kprobe, None, 0),
    def("uretprobe.s", Opt, P::Kprobe, None, SLEEPABLE),
    def("kprobe.multi", Opt, P::Kprobe, Some(A::TraceKprobeMulti), 0),
    def(
        "kretprobe.multi",
        Opt,
        P::Kprobe,
        Some(A::TraceKprobeMulti),
        0,
    ),
    def("uprobe.multi", Opt, P::Kprobe, Some(A::TraceUprobeMulti), 0),
    def(
        "uretprobe.multi",
        Opt,
        P::Kprobe,
        Some(A::TraceUprobeMulti),
        0,
    ),
    def(
        "uprobe.multi.s",
        Opt,
        P::Kprobe,
        Some(A::TraceUprobeMulti),
        SLEEPABLE,
    ),
    def(
        "uretprobe.multi.s",
        Opt,
        P::Kprobe,
        Some(A::TraceUprobeMulti),
        SLEEPABLE,
    ),
    def(
        "kprobe.session",
        Opt,
        P::Kprobe,
        Some(A::TraceKprobeSession),
        0,
    ),
    def(
        "uprobe.session",
        Opt,
        P::Kprobe,
        Some(A::TraceUprobeSession),
        0,
    ),
    def(
        "uprobe.session.s",
        Opt,
        P::Kprobe,
        Some(A::TraceUprobeSession),
        SLEEPABLE,
    ),
    def("ksyscall", Opt, P::Kprobe, None, 0),
    def("kretsyscall", Opt, P::Kprobe, None, 0),
    def("usdt", Opt, P::Kprobe, None, 0),
    def("usdt.s", Opt, P::Kprobe, None, SLEEPABLE),
    def("tc/ingress", Exact, P::SchedCls, Some(A::TcxIngress), 0),
    def("tc/egress", Exact, P::SchedCls, Some(A::TcxEgress), 0),
    def("tcx/ingress", Exact, P::SchedCls, Some(A::TcxIngress), 0),
    def("tcx/egress", Exact, P::SchedCls, Some(A::TcxEgress), 0),
    def("tc", Opt, P::SchedCls, None, 0),
    def("classifier", Opt, P::SchedCls, None, 0),
    def("action", Opt, P::SchedAct, None, 0),
    def(
        "netkit/primary",
        Exact,
        P::SchedCls,
        Some(A::NetkitPrimary),
        0,
    ),
    def("netkit/peer", Exact, P::SchedCls, Some(A::NetkitPeer), 0),
    def("tracepoint", Opt, P::Tracepoint, None, 0),
    def("tp", Opt, P::Tracepoint, None, 0),
    def("raw_tracepoint", Opt, P::RawTracepoint, None, 0),
    def("raw_tp", Opt, P::RawTracepoint, None, 0),
    def("raw_tracepoint.w", Opt, P::RawTracepointWritable, None, 0),
    def("raw_tp.w", Opt, P::RawTracepointWritable, None, 0),
    def("tp_btf", Req, P::Tracing, Some(A::TraceRawTp), 0).btf(Typedef, "btf_trace_"),
    def("fentry", Req, P::Tracing, Some(A::TraceFentry), 0).btf(Func, ""),
    def("fmod_ret", Req, P::Tracing, Some(A::ModifyReturn), 0).btf(Func, ""),
    def("fexit", Req, P::Tracing, Some(A::TraceFexit), 0).btf(Func, ""),
    def("fentry.s", Req, P::Tracing, Some(A::TraceFentry), SLEEPABLE).btf(Func, ""),
    def(
        "fmod_ret.s",
        Req,
        P::Tracing,
        Some(A::ModifyReturn),
        SLEEPABLE,
    )
    .btf(Func, ""),
    def("fexit.s", Req, P::Tracing, Some(A::TraceFexit), SLEEPABLE).btf(Func, ""),
    def("freplace", Req, P::Ext, None, 0),
    def("lsm", Req, P::Lsm, Some(A::LsmMac), 0).btf(Func, "bpf_lsm_"),
    def("lsm.s", Req, P::Lsm, Some(A::LsmMac), SLEEPABLE).btf(Func, "bpf_lsm_"),
    def("lsm_cgroup", Req, P::Lsm, Some(A::LsmCgroup), 0).btf(Func, "bpf_lsm_"),
    def("iter", Req, P::Tracing, Some(A::TraceIter), 0).btf(Func, "bpf_iter_"),
    def("iter.s", Req, P::Tracing, Some(A::TraceIter), SLEEPABLE).btf(Func, "bpf_iter_"),
    def("syscall", Exact, P::Syscall, None, SLEEPABLE),
    def("xdp.frags/devmap", Exact, P::Xdp, Some(A::XdpDevmap), FRAGS),
    def("xdp/devmap", Exact, P::Xdp, Some(A::XdpDevmap), 0),
    def("xdp.frags/cpumap", Exact, P::Xdp, Some(A::XdpCpumap), FRAGS),
    def("xdp/cpumap", Exact, P::Xdp, Some(A::XdpCpumap), 0),
    def("xdp.frags", Exact, P::Xdp, Some(A::Xdp), FRAGS),
    def("xdp", Exact, P::Xdp, Some(A::Xdp), 0),
    def("perf_event", Exact, P::PerfEvent, None, 0),
    def("lwt_in", Exact, P::LwtIn, None, 0),
    def("lwt_out", Exact, P::LwtOut, None, 0),
    def("lwt_xmit", Exact, P::LwtXmit, None, 0),
    def("lwt_seg6local", Exact, P::LwtSeg6local, None, 0),
    def("sockops", Exact, P::SockOps, Some(A::CgroupSockOps), 0),
    def(
        "sk_skb/stream_parser",
        Exact,
        P::SkSkb,
        Some(A::SkSkbStreamParser),
        0,
    ),
    def(
        "sk_skb/stream_verdict",
        Exact,
        P::SkSkb,
        Some(A::SkSkbStreamVerdict),
        0,
    ),
    def("sk_skb/verdict", Exact, P::SkSkb, Some(A::SkSkbVerdict), 0),
    def("sk_skb", Exact, P::SkSkb, None, 0),
    def("sk_msg", Exact, P::SkMsg, Some(A::SkMsgVerdict), 0),
    def("lirc_mode2", Exact, P::LircMode2, Some(A::LircMode2), 0),
    def(
        "flow_dissector",
        Exact,
        P::FlowDissector,
        Some(A::FlowDissector),
        0,
    ),
    def(
        "cgroup_skb/ingress",
        Exact,
        P::CgroupSkb,
        Some(A::CgroupInetIngress),
        0,
    ),
    def(
        "cgroup_skb/egress",
        Exact,
        P::CgroupSkb,
        Some(A::CgroupInetEgress),
        0,
    ),
    def("cgroup/skb", Exact, P::CgroupSkb, None, 0),
    def(
        "cgroup/sock_create",
        Exact,
        P::CgroupSock,
        Some(A::CgroupInetSockCreate),
        0,
    ),
    def(
        "cgroup/sock_release",
        Exact,
        P::CgroupSock,
        Some(A::CgroupInetSockRelease),
        0,
    ),
    def(
        "cgroup/sock",
        Exact,
        P::CgroupSock,
        Some(A::CgroupInetSockCreate),
        0,
    ),
    def(
        "cgroup/post_bind4",
        Exact,
        P::CgroupSock,
        Some(A::CgroupInet4PostBind),
        0,
    ),
    def(
        "cgroup/post_bind6",
        Exact,
        P::CgroupSock,
        Some(A::CgroupInet6PostBind),
        0,
    ),
    def(
        "cgroup/bind4",
        Exact,
        P::CgroupSockAddr,
        Some(A::CgroupInet4Bind),
        0,
    ),
    def(
        "cgroup/bind6",
        Exact,
        P::CgroupSockAddr,
        Some(A::CgroupInet6Bind),
        0,
    ),
    def(
        "cgroup/connect4",
        Exact,
        P::CgroupSockAddr,
        Some(A::CgroupInet4Connect),
        0,
    ),
    def(
        "cgroup/connect6",
        Exact,
        P::CgroupSockAddr,
        Some(A::CgroupInet6Connect),
        0,
    ),
    def(
        "cgroup/connect_unix",
        Exact,
        P::CgroupSockAddr,
        Some(A::CgroupUnixConnect),
        0,
    ),
    def(
        "cgroup/sendmsg4",
        Exact,
        P::CgroupSockAddr,
        Some(A::CgroupUdp4Sendmsg),
        0,
    ),
    def(
        "cgroup/sendmsg6",
        Exact,
        P::CgroupSockAddr,
        Some(A::CgroupUdp6Sendmsg),
        0,
    ),
    def(
        "cgroup/sendmsg_unix",
        Exact,
        P::CgroupSockAddr,
        Some(A::CgroupUnixSendmsg),
        0,
    ),
    def(
        "cgroup/recvmsg4",
        Exact,
        P::CgroupSockAddr,
        Some(A::CgroupUdp4Recvmsg),
        0,
    ),
    def(
        "cgroup/recvmsg6",
        Exact,
        P::CgroupSockAddr,
        Some(A::CgroupUdp6Recvmsg),
        0,
    ),
    def(
        "cgroup/recvmsg_unix",
        Exact,
        P::CgroupSockAddr,
        Some(A::CgroupUnixRecvmsg),
        0,
    ),
    def(
        "cgroup/getpeername4",
        Exact,
        P::CgroupSockAddr,
        Some(A::CgroupInet4Getpeername),
        0,
    ),
    def(
        "cgroup/getpeername6",
        Exact,
        P::CgroupSockAddr,
        Some(A::CgroupInet6Getpeername),
        0,
    ),
    def(
        "cgroup/getpeername_unix",
        Exact,
        P::CgroupSockAddr,
        Some(A::CgroupUnixGetpeername),
        0,
    ),
    def(
        "cgroup/getsockname4",
        Exact,
        P::CgroupSockAddr,
        Some(A::CgroupInet4Getsockname),
        0,
    ),
    def(
        "cgroup/getsockname6",
        Exact,
        P::CgroupSockAddr,
        Some(A::CgroupInet6Getsockname),
        0,
    ),
    def(
        "cgroup/getsockname_unix",
        Exact,
        P::CgroupSockAddr,
        Some(A::CgroupUnixGetsockname),
        0,
    ),
    def(
        "cgroup/sysctl",
        Exact,
        P::CgroupSysctl,
        Some(A::CgroupSysctl),
        0,
    ),
    def(
        "cgroup/getsockopt",
        Exact,
        P::CgroupSockopt,
        Some(A::CgroupGetsockopt),
        0,
    ),
    def(
        "cgroup/setsockopt",
        Exact,
        P::CgroupSockopt,
        Some(A::CgroupSetsockopt),
        0,
    ),
    def(
        "cgroup/dev",
        Exact,
        P::CgroupDevice,
        Some(A::CgroupDevice),
        0,
    ),
    def("struct_ops", Opt, P::StructOps, None, 0),
    def("struct_ops.s", Opt, P::StructOps, None, SLEEPABLE),
    def("sk_lookup", Exact, P::SkLookup, Some(A::SkLookup), 0),
    def("netfilter", Exact, P::Netfilter, Some(A::Netfilter), 0),
];

/// What a section name means: its definition and the target after `/`, if any
/// (`tracepoint/syscalls/sys_enter_getpid` → `tracepoint`, `syscalls/sys_enter_getpid`).
/// `Err` says why the name is not valid.
pub fn section_def(name: &str) -> Result<(&'static SectionDef, Option<&str>), String> {
    if let Some(d) = SECTIONS
        .iter()
        .find(|d| d.name == name && d.target != SectionTarget::Required)
    {
        return Ok((d, None));
    }
    for d in SECTIONS.iter().filter(|d| d.target != SectionTarget::None) {
        if let Some(target) = name
            .strip_prefix(d.name)
            .and_then(|rest| rest.strip_prefix('/'))
        {
            if target.is_empty() {
                return Err(format!("`{name}` needs a target after `/`"));
            }
            return Ok((d, Some(target)));
        }
        if name == d.name {
            return Err(format!(
                "section `{name}` needs a target: write `{name}/NAME` (loading looks NAME up in \
             the kernel's BTF)"
            ));
        }
    }
    let head = name.split('/').next().unwrap_or(name);
    let candidates = SECTIONS.iter().map(|d| d.name);
    let hint = match super::suggest::closest(name, candidates.clone())
        .or_else(|| super::suggest::closest(head, candidates).filter(|c| !c.contains('/')))
    {
        Some(c) => {
            let d = SECTIONS.iter().find(|d| d.name == c);
            match d.map(|d| d.target) {
                Some(SectionTarget::None) | None => format!(" (did you mean `{c}`?)"),
                Some(_) if name.contains('/') => {
                    format!(" (did you mean `{c}/{}`?)", &name[head.len() + 1..])
                }
                Some(_) => format!(" (did you mean `{c}`?)"),
            }
        }
        None => String::new(),
    };
    Err(format!(
        "unknown section `{name}`{hint}: use a libbpf section name such as `socket`, `xdp`, \
         `tc`, `cgroup_skb/ingress`, `tracepoint/CAT/NAME`, `raw_tp/NAME` or `syscall`"
    ))
}
