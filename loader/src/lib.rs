//! ebpf-loader (under construction)
