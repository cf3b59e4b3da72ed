//! [`ProgramType`] and [`AttachType`]: kernel enums with their names.

use crate::names::kernel_enum;

kernel_enum! {
    /// A program type (`enum bpf_prog_type`); `name()` is the kernel name without
    /// `BPF_PROG_TYPE_`, lower case.
    pub enum ProgramType: "program type" {
        /// Socket filter.
        SocketFilter = 1 => "socket_filter",
        /// kprobe / uprobe.
        Kprobe = 2 => "kprobe",
        /// tc classifier.
        SchedCls = 3 => "sched_cls",
        /// tc action.
        SchedAct = 4 => "sched_act",
        /// Tracepoint.
        Tracepoint = 5 => "tracepoint",
        /// XDP.
        Xdp = 6 => "xdp",
        /// Perf event.
        PerfEvent = 7 => "perf_event",
        /// cgroup skb.
        CgroupSkb = 8 => "cgroup_skb",
        /// cgroup sock.
        CgroupSock = 9 => "cgroup_sock",
        /// LWT in.
        LwtIn = 10 => "lwt_in",
        /// LWT out.
        LwtOut = 11 => "lwt_out",
        /// LWT xmit.
        LwtXmit = 12 => "lwt_xmit",
        /// sock_ops.
        SockOps = 13 => "sock_ops",
        /// sk_skb.
        SkSkb = 14 => "sk_skb",
        /// cgroup device.
        CgroupDevice = 15 => "cgroup_device",
        /// sk_msg.
        SkMsg = 16 => "sk_msg",
        /// Raw tracepoint.
        RawTracepoint = 17 => "raw_tracepoint",
        /// cgroup sock addr.
        CgroupSockAddr = 18 => "cgroup_sock_addr",
        /// LWT seg6local.
        LwtSeg6local = 19 => "lwt_seg6local",
        /// LIRC mode2.
        LircMode2 = 20 => "lirc_mode2",
        /// SO_REUSEPORT selection.
        SkReuseport = 21 => "sk_reuseport",
        /// Flow dissector.
        FlowDissector = 22 => "flow_dissector",
        /// cgroup sysctl.
        CgroupSysctl = 23 => "cgroup_sysctl",
        /// Writable raw tracepoint.
        RawTracepointWritable = 24 => "raw_tracepoint_writable",
        /// cgroup sockopt.
        CgroupSockopt = 25 => "cgroup_sockopt",
        /// Tracing (fentry, fexit, tp_btf, iterators).
        Tracing = 26 => "tracing",
        /// struct_ops.
        StructOps = 27 => "struct_ops",
        /// Extension (freplace).
        Ext = 28 => "ext",
        /// LSM.
        Lsm = 29 => "lsm",
        /// Socket lookup.
        SkLookup = 30 => "sk_lookup",
        /// Syscall (needs BPF_F_SLEEPABLE).
        Syscall = 31 => "syscall",
        /// Netfilter.
        Netfilter = 32 => "netfilter",
    }
}

kernel_enum! {
    /// An attach type (`enum bpf_attach_type`), used as a program's expected attach type;
    /// `name()` is the kernel name without `BPF_`, lower case.
    pub enum AttachType: "attach type" {
        /// `BPF_CGROUP_INET_INGRESS`
        CgroupInetIngress = 0 => "cgroup_inet_ingress",
        /// `BPF_CGROUP_INET_EGRESS`
        CgroupInetEgress = 1 => "cgroup_inet_egress",
        /// `BPF_CGROUP_INET_SOCK_CREATE`
        CgroupInetSockCreate = 2 => "cgroup_inet_sock_create",
        /// `BPF_CGROUP_SOCK_OPS`
        CgroupSockOps = 3 => "cgroup_sock_ops",
        /// `BPF_SK_SKB_STREAM_PARSER`
        SkSkbStreamParser = 4 => "sk_skb_stream_parser",
        /// `BPF_SK_SKB_STREAM_VERDICT`
        SkSkbStreamVerdict = 5 => "sk_skb_stream_verdict",
        /// `BPF_CGROUP_DEVICE`
        CgroupDevice = 6 => "cgroup_device",
        /// `BPF_SK_MSG_VERDICT`
        SkMsgVerdict = 7 => "sk_msg_verdict",
        /// `BPF_CGROUP_INET4_BIND`
        CgroupInet4Bind = 8 => "cgroup_inet4_bind",
        /// `BPF_CGROUP_INET6_BIND`
        CgroupInet6Bind = 9 => "cgroup_inet6_bind",
        /// `BPF_CGROUP_INET4_CONNECT`
        CgroupInet4Connect = 10 => "cgroup_inet4_connect",
        /// `BPF_CGROUP_INET6_CONNECT`
        CgroupInet6Connect = 11 => "cgroup_inet6_connect",
        /// `BPF_CGROUP_INET4_POST_BIND`
        CgroupInet4PostBind = 12 => "cgroup_inet4_post_bind",
        /// `BPF_CGROUP_INET6_POST_BIND`
        CgroupInet6PostBind = 13 => "cgroup_inet6_post_bind",
        /// `BPF_CGROUP_UDP4_SENDMSG`
        CgroupUdp4Sendmsg = 14 => "cgroup_udp4_sendmsg",
        /// `BPF_CGROUP_UDP6_SENDMSG`
        CgroupUdp6Sendmsg = 15 => "cgroup_udp6_sendmsg",
        /// `BPF_LIRC_MODE2`
        LircMode2 = 16 => "lirc_mode2",
        /// `BPF_FLOW_DISSECTOR`
        FlowDissector = 17 => "flow_dissector",
        /// `BPF_CGROUP_SYSCTL`
        CgroupSysctl = 18 => "cgroup_sysctl",
        /// `BPF_CGROUP_UDP4_RECVMSG`
        CgroupUdp4Recvmsg = 19 => "cgroup_udp4_recvmsg",
        /// `BPF_CGROUP_UDP6_RECVMSG`
        CgroupUdp6Recvmsg = 20 => "cgroup_udp6_recvmsg",
        /// `BPF_CGROUP_GETSOCKOPT`
        CgroupGetsockopt = 21 => "cgroup_getsockopt",
        /// `BPF_CGROUP_SETSOCKOPT`
        CgroupSetsockopt = 22 => "cgroup_setsockopt",
        /// `BPF_TRACE_RAW_TP`
        TraceRawTp = 23 => "trace_raw_tp",
        /// `BPF_TRACE_FENTRY`
        TraceFentry = 24 => "trace_fentry",
        /// `BPF_TRACE_FEXIT`
        TraceFexit = 25 => "trace_fexit",
        /// `BPF_MODIFY_RETURN`
        ModifyReturn = 26 => "modify_return",
        /// `BPF_LSM_MAC`
        LsmMac = 27 => "lsm_mac",
        /// `BPF_TRACE_ITER`
        TraceIter = 28 => "trace_iter",
        /// `BPF_CGROUP_INET4_GETPEERNAME`
        CgroupInet4Getpeername = 29 => "cgroup_inet4_getpeername",
        /// `BPF_CGROUP_INET6_GETPEERNAME`
        CgroupInet6Getpeername = 30 => "cgroup_inet6_getpeername",
        /// `BPF_CGROUP_INET4_GETSOCKNAME`
        CgroupInet4Getsockname = 31 => "cgroup_inet4_getsockname",
        /// `BPF_CGROUP_INET6_GETSOCKNAME`
        CgroupInet6Getsockname = 32 => "cgroup_inet6_getsockname",
        /// `BPF_XDP_DEVMAP`
        XdpDevmap = 33 => "xdp_devmap",
        /// `BPF_CGROUP_INET_SOCK_RELEASE`
        CgroupInetSockRelease = 34 => "cgroup_inet_sock_release",
        /// `BPF_XDP_CPUMAP`
        XdpCpumap = 35 => "xdp_cpumap",
        /// `BPF_SK_LOOKUP`
        SkLookup = 36 => "sk_lookup",
        /// `BPF_XDP`
        Xdp = 37 => "xdp",
        /// `BPF_SK_SKB_VERDICT`
        SkSkbVerdict = 38 => "sk_skb_verdict",
        /// `BPF_SK_REUSEPORT_SELECT`
        SkReuseportSelect = 39 => "sk_reuseport_select",
        /// `BPF_SK_REUSEPORT_SELECT_OR_MIGRATE`
        SkReuseportSelectOrMigrate = 40 => "sk_reuseport_select_or_migrate",
        /// `BPF_PERF_EVENT`
        PerfEvent = 41 => "perf_event",
        /// `BPF_TRACE_KPROBE_MULTI`
        TraceKprobeMulti = 42 => "trace_kprobe_multi",
        /// `BPF_LSM_CGROUP`
        LsmCgroup = 43 => "lsm_cgroup",
        /// `BPF_STRUCT_OPS`
        StructOps = 44 => "struct_ops",
        /// `BPF_NETFILTER`
        Netfilter = 45 => "netfilter",
        /// `BPF_TCX_INGRESS`
        TcxIngress = 46 => "tcx_ingress",
        /// `BPF_TCX_EGRESS`
        TcxEgress = 47 => "tcx_egress",
        /// `BPF_TRACE_UPROBE_MULTI`
        TraceUprobeMulti = 48 => "trace_uprobe_multi",
        /// `BPF_CGROUP_UNIX_CONNECT`
        CgroupUnixConnect = 49 => "cgroup_unix_connect",
        /// `BPF_CGROUP_UNIX_SENDMSG`
        CgroupUnixSendmsg = 50 => "cgroup_unix_sendmsg",
        /// `BPF_CGROUP_UNIX_RECVMSG`
        CgroupUnixRecvmsg = 51 => "cgroup_unix_recvmsg",
        /// `BPF_CGROUP_UNIX_GETPEERNAME`
        CgroupUnixGetpeername = 52 => "cgroup_unix_getpeername",
        /// `BPF_CGROUP_UNIX_GETSOCKNAME`
        CgroupUnixGetsockname = 53 => "cgroup_unix_getsockname",
        /// `BPF_NETKIT_PRIMARY`
        NetkitPrimary = 54 => "netkit_primary",
        /// `BPF_NETKIT_PEER`
        NetkitPeer = 55 => "netkit_peer",
        /// `BPF_TRACE_KPROBE_SESSION`
        TraceKprobeSession = 56 => "trace_kprobe_session",
        /// `BPF_TRACE_UPROBE_SESSION`
        TraceUprobeSession = 57 => "trace_uprobe_session",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for t in ProgramType::ALL {
            assert_eq!(ProgramType::from_name(t.name()), Some(*t));
        }
        for t in AttachType::ALL {
            assert_eq!(AttachType::from_u32(t.as_u32()), Some(*t));
            assert_eq!(AttachType::from_name(t.name()), Some(*t));
        }
        assert_eq!(ProgramType::ALL.len(), 32);
        assert_eq!(AttachType::ALL.len(), 58);
        assert_eq!(ProgramType::from_u32(31), Some(ProgramType::Syscall));
    }
}
