//! libbpf's section names: which program type, expected attach type and flags each one
//! means. Names are the kernel's, lower case, without `BPF_PROG_TYPE_` / `BPF_`, so the
//! loader maps them onto its enums by name.

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

/// One libbpf section name and what it means for loading.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct SectionDef {
    /// The section name, or its part before `/TARGET`.
    pub name: &'static str,
    /// Whether a `/TARGET` follows.
    pub target: SectionTarget,
    /// Program type, e.g. `"xdp"` for `BPF_PROG_TYPE_XDP`.
    pub prog_type: &'static str,
    /// Expected attach type, e.g. `"cgroup_inet_ingress"`, when the section implies one.
    pub attach_type: Option<&'static str>,
    /// `BPF_F_*` program flags (`syscall` and `*.s` sections are sleepable).
    pub prog_flags: u32,
}

const fn def(
    name: &'static str,
    target: SectionTarget,
    prog_type: &'static str,
    attach_type: Option<&'static str>,
    prog_flags: u32,
) -> SectionDef {
    SectionDef {
        name,
        target,
        prog_type,
        attach_type,
        prog_flags,
    }
}

use SectionTarget::{None as Exact, Optional as Opt, Required as Req};

/// Every section name the object format knows, as libbpf (1.x, strict mode) spells them.
pub const SECTIONS: &[SectionDef] = &[
    def("socket", Exact, "socket_filter", None, 0),
    def(
        "sk_reuseport/migrate",
        Exact,
        "sk_reuseport",
        Some("sk_reuseport_select_or_migrate"),
        0,
    ),
    def(
        "sk_reuseport",
        Exact,
        "sk_reuseport",
        Some("sk_reuseport_select"),
        0,
    ),
    def("kprobe", Opt, "kprobe", None, 0),
    def("kretprobe", Opt, "kprobe", None, 0),
    def("uprobe", Opt, "kprobe", None, 0),
    def("uprobe.s", Opt, "kprobe", None, SLEEPABLE),
    def("uretprobe", Opt, "kprobe", None, 0),
    def("uretprobe.s", Opt, "kprobe", None, SLEEPABLE),
    def("kprobe.multi", Opt, "kprobe", Some("trace_kprobe_multi"), 0),
    def(
        "kretprobe.multi",
        Opt,
        "kprobe",
        Some("trace_kprobe_multi"),
        0,
    ),
    def("uprobe.multi", Opt, "kprobe", Some("trace_uprobe_multi"), 0),
    def(
        "uretprobe.multi",
        Opt,
        "kprobe",
        Some("trace_uprobe_multi"),
        0,
    ),
    def(
        "uprobe.multi.s",
        Opt,
        "kprobe",
        Some("trace_uprobe_multi"),
        SLEEPABLE,
    ),
    def(
        "uretprobe.multi.s",
        Opt,
        "kprobe",
        Some("trace_uprobe_multi"),
        SLEEPABLE,
    ),
    def(
        "kprobe.session",
        Opt,
        "kprobe",
        Some("trace_kprobe_session"),
        0,
    ),
    def(
        "uprobe.session",
        Opt,
        "kprobe",
        Some("trace_uprobe_session"),
        0,
    ),
    def(
        "uprobe.session.s",
        Opt,
        "kprobe",
        Some("trace_uprobe_session"),
        SLEEPABLE,
    ),
    def("ksyscall", Opt, "kprobe", None, 0),
    def("kretsyscall", Opt, "kprobe", None, 0),
    def("usdt", Opt, "kprobe", None, 0),
    def("usdt.s", Opt, "kprobe", None, SLEEPABLE),
    def("tc/ingress", Exact, "sched_cls", Some("tcx_ingress"), 0),
    def("tc/egress", Exact, "sched_cls", Some("tcx_egress"), 0),
    def("tcx/ingress", Exact, "sched_cls", Some("tcx_ingress"), 0),
    def("tcx/egress", Exact, "sched_cls", Some("tcx_egress"), 0),
    def("tc", Opt, "sched_cls", None, 0),
    def("classifier", Opt, "sched_cls", None, 0),
    def("action", Opt, "sched_act", None, 0),
    def(
        "netkit/primary",
        Exact,
        "sched_cls",
        Some("netkit_primary"),
        0,
    ),
    def("netkit/peer", Exact, "sched_cls", Some("netkit_peer"), 0),
    def("tracepoint", Opt, "tracepoint", None, 0),
    def("tp", Opt, "tracepoint", None, 0),
    def("raw_tracepoint", Opt, "raw_tracepoint", None, 0),
    def("raw_tp", Opt, "raw_tracepoint", None, 0),
    def("raw_tracepoint.w", Opt, "raw_tracepoint_writable", None, 0),
    def("raw_tp.w", Opt, "raw_tracepoint_writable", None, 0),
    def("tp_btf", Req, "tracing", Some("trace_raw_tp"), 0),
    def("fentry", Req, "tracing", Some("trace_fentry"), 0),
    def("fmod_ret", Req, "tracing", Some("modify_return"), 0),
    def("fexit", Req, "tracing", Some("trace_fexit"), 0),
    def("fentry.s", Req, "tracing", Some("trace_fentry"), SLEEPABLE),
    def(
        "fmod_ret.s",
        Req,
        "tracing",
        Some("modify_return"),
        SLEEPABLE,
    ),
    def("fexit.s", Req, "tracing", Some("trace_fexit"), SLEEPABLE),
    def("freplace", Req, "ext", None, 0),
    def("lsm", Req, "lsm", Some("lsm_mac"), 0),
    def("lsm.s", Req, "lsm", Some("lsm_mac"), SLEEPABLE),
    def("lsm_cgroup", Req, "lsm", Some("lsm_cgroup"), 0),
    def("iter", Req, "tracing", Some("trace_iter"), 0),
    def("iter.s", Req, "tracing", Some("trace_iter"), SLEEPABLE),
    def("syscall", Exact, "syscall", None, SLEEPABLE),
    def("xdp.frags/devmap", Exact, "xdp", Some("xdp_devmap"), FRAGS),
    def("xdp/devmap", Exact, "xdp", Some("xdp_devmap"), 0),
    def("xdp.frags/cpumap", Exact, "xdp", Some("xdp_cpumap"), FRAGS),
    def("xdp/cpumap", Exact, "xdp", Some("xdp_cpumap"), 0),
    def("xdp.frags", Exact, "xdp", Some("xdp"), FRAGS),
    def("xdp", Exact, "xdp", Some("xdp"), 0),
    def("perf_event", Exact, "perf_event", None, 0),
    def("lwt_in", Exact, "lwt_in", None, 0),
    def("lwt_out", Exact, "lwt_out", None, 0),
    def("lwt_xmit", Exact, "lwt_xmit", None, 0),
    def("lwt_seg6local", Exact, "lwt_seg6local", None, 0),
    def("sockops", Exact, "sock_ops", Some("cgroup_sock_ops"), 0),
    def(
        "sk_skb/stream_parser",
        Exact,
        "sk_skb",
        Some("sk_skb_stream_parser"),
        0,
    ),
    def(
        "sk_skb/stream_verdict",
        Exact,
        "sk_skb",
        Some("sk_skb_stream_verdict"),
        0,
    ),
    def("sk_skb/verdict", Exact, "sk_skb", Some("sk_skb_verdict"), 0),
    def("sk_skb", Exact, "sk_skb", None, 0),
    def("sk_msg", Exact, "sk_msg", Some("sk_msg_verdict"), 0),
    def("lirc_mode2", Exact, "lirc_mode2", Some("lirc_mode2"), 0),
    def(
        "flow_dissector",
        Exact,
        "flow_dissector",
        Some("flow_dissector"),
        0,
    ),
    def(
        "cgroup_skb/ingress",
        Exact,
        "cgroup_skb",
        Some("cgroup_inet_ingress"),
        0,
    ),
    def(
        "cgroup_skb/egress",
        Exact,
        "cgroup_skb",
        Some("cgroup_inet_egress"),
        0,
    ),
    def("cgroup/skb", Exact, "cgroup_skb", None, 0),
    def(
        "cgroup/sock_create",
        Exact,
        "cgroup_sock",
        Some("cgroup_inet_sock_create"),
        0,
    ),
    def(
        "cgroup/sock_release",
        Exact,
        "cgroup_sock",
        Some("cgroup_inet_sock_release"),
        0,
    ),
    def(
        "cgroup/sock",
        Exact,
        "cgroup_sock",
        Some("cgroup_inet_sock_create"),
        0,
    ),
    def(
        "cgroup/post_bind4",
        Exact,
        "cgroup_sock",
        Some("cgroup_inet4_post_bind"),
        0,
    ),
    def(
        "cgroup/post_bind6",
        Exact,
        "cgroup_sock",
        Some("cgroup_inet6_post_bind"),
        0,
    ),
    def(
        "cgroup/bind4",
        Exact,
        "cgroup_sock_addr",
        Some("cgroup_inet4_bind"),
        0,
    ),
    def(
        "cgroup/bind6",
        Exact,
        "cgroup_sock_addr",
        Some("cgroup_inet6_bind"),
        0,
    ),
    def(
        "cgroup/connect4",
        Exact,
        "cgroup_sock_addr",
        Some("cgroup_inet4_connect"),
        0,
    ),
    def(
        "cgroup/connect6",
        Exact,
        "cgroup_sock_addr",
        Some("cgroup_inet6_connect"),
        0,
    ),
    def(
        "cgroup/connect_unix",
        Exact,
        "cgroup_sock_addr",
        Some("cgroup_unix_connect"),
        0,
    ),
    def(
        "cgroup/sendmsg4",
        Exact,
        "cgroup_sock_addr",
        Some("cgroup_udp4_sendmsg"),
        0,
    ),
    def(
        "cgroup/sendmsg6",
        Exact,
        "cgroup_sock_addr",
        Some("cgroup_udp6_sendmsg"),
        0,
    ),
    def(
        "cgroup/sendmsg_unix",
        Exact,
        "cgroup_sock_addr",
        Some("cgroup_unix_sendmsg"),
        0,
    ),
    def(
        "cgroup/recvmsg4",
        Exact,
        "cgroup_sock_addr",
        Some("cgroup_udp4_recvmsg"),
        0,
    ),
    def(
        "cgroup/recvmsg6",
        Exact,
        "cgroup_sock_addr",
        Some("cgroup_udp6_recvmsg"),
        0,
    ),
    def(
        "cgroup/recvmsg_unix",
        Exact,
        "cgroup_sock_addr",
        Some("cgroup_unix_recvmsg"),
        0,
    ),
    def(
        "cgroup/getpeername4",
        Exact,
        "cgroup_sock_addr",
        Some("cgroup_inet4_getpeername"),
        0,
    ),
    def(
        "cgroup/getpeername6",
        Exact,
        "cgroup_sock_addr",
        Some("cgroup_inet6_getpeername"),
        0,
    ),
    def(
        "cgroup/getpeername_unix",
        Exact,
        "cgroup_sock_addr",
        Some("cgroup_unix_getpeername"),
        0,
    ),
    def(
        "cgroup/getsockname4",
        Exact,
        "cgroup_sock_addr",
        Some("cgroup_inet4_getsockname"),
        0,
    ),
    def(
        "cgroup/getsockname6",
        Exact,
        "cgroup_sock_addr",
        Some("cgroup_inet6_getsockname"),
        0,
    ),
    def(
        "cgroup/getsockname_unix",
        Exact,
        "cgroup_sock_addr",
        Some("cgroup_unix_getsockname"),
        0,
    ),
    def(
        "cgroup/sysctl",
        Exact,
        "cgroup_sysctl",
        Some("cgroup_sysctl"),
        0,
    ),
    def(
        "cgroup/getsockopt",
        Exact,
        "cgroup_sockopt",
        Some("cgroup_getsockopt"),
        0,
    ),
    def(
        "cgroup/setsockopt",
        Exact,
        "cgroup_sockopt",
        Some("cgroup_setsockopt"),
        0,
    ),
    def(
        "cgroup/dev",
        Exact,
        "cgroup_device",
        Some("cgroup_device"),
        0,
    ),
    def("struct_ops", Opt, "struct_ops", None, 0),
    def("struct_ops.s", Opt, "struct_ops", None, SLEEPABLE),
    def("sk_lookup", Exact, "sk_lookup", Some("sk_lookup"), 0),
    def("netfilter", Exact, "netfilter", Some("netfilter"), 0),
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
    let hint = match super::closest(name, candidates.clone())
        .or_else(|| super::closest(head, candidates).filter(|c| !c.contains('/')))
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
