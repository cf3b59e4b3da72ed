//! What a program names in the running kernel, resolved at load time: kfunc calls by name
//! ([`super::kfunc`]) and CO-RE expressions ([`super::core_relo`]), both against
//! `/sys/kernel/btf`.

use std::sync::Arc;

use ebpf_asm_core::{CoreKind, Program};
use ebpf_btf::Btf;

use super::core_relo::{needs_modules, resolve_core_in};
use super::kfunc::{module_names, resolve_kfuncs, FdArrayPlan};
use crate::error::{Error, Result};

/// True when `program` names something only the kernel's BTF can resolve.
pub(crate) fn has_kernel_refs(program: &Program) -> bool {
    program.kfunc_calls().next().is_some() || !program.core_relos().is_empty()
}

/// `program` with its kfunc calls and CO-RE fields resolved against the running kernel,
/// and the modules whose BTF fds its kfunc calls index.
pub(crate) fn resolve_kernel_refs(program: &Program) -> Result<(Program, FdArrayPlan)> {
    let vmlinux = ebpf_btf::vmlinux()?;
    resolve_against(program, &vmlinux, || {
        module_names()
            .into_iter()
            .filter_map(|m| Some((m.clone(), ebpf_btf::module(&m).ok()?)))
            .collect()
    })
}

/// [`resolve_kernel_refs`] against `vmlinux`; module BTF is read (by `modules`) only when
/// a kfunc name, or a CO-RE relocation's type, is not in vmlinux.
pub(crate) fn resolve_against(
    program: &Program,
    vmlinux: &Arc<Btf>,
    modules: impl FnOnce() -> Vec<(String, Btf)>,
) -> Result<(Program, FdArrayPlan)> {
    let mut p = program.clone();
    let mut errors: Vec<(usize, String)> = Vec::new();
    let mut plan = FdArrayPlan::default();
    let kfuncs_in_vmlinux = p.kfunc_calls().all(|(_, l)| {
        vmlinux
            .id_by_name_kind(l.as_str(), ebpf_btf::Kind::Func)
            .is_ok_and(|f| f.is_some())
    });
    // Module BTF is read only when vmlinux lacks a kfunc or a CO-RE type.
    let mods = if kfuncs_in_vmlinux && !needs_modules(vmlinux, p.core_relos()) {
        Vec::new()
    } else {
        modules()
    };
    if p.kfunc_calls().next().is_some() {
        if let Err(es) = resolve_kfuncs(&mut p, vmlinux, &mods, &mut plan) {
            errors.extend(es.into_iter().map(|e| (e.insn, e.message)));
        }
    }
    // The program's own types are read only for `type_matches`, which compares them.
    let matches = p
        .core_relos()
        .iter()
        .find(|r| r.expr.kind == CoreKind::TypeMatches);
    let local = match (matches, p.local_btf()) {
        (Some(r), Some(blob)) => Some(Btf::parse(blob.to_vec()).map_err(|e| Error::KernelBtf {
            errors: vec![format!(
                "instruction {}: `{}`: the program's own BTF does not parse: {e}",
                r.insn, r.expr
            )],
        })?),
        _ => None,
    };
    match resolve_core_in(vmlinux, &mods, local.as_ref(), p.core_relos()) {
        Ok(values) => p.editor().rewrite_core(&values)?,
        Err(es) => errors.extend(
            es.into_iter()
                .map(|e| (p.core_relos()[e.relo].insn, e.message)),
        ),
    }
    if errors.is_empty() {
        return Ok((p, plan));
    }
    errors.sort_by_key(|e| e.0);
    Err(Error::KernelBtf {
        errors: errors
            .into_iter()
            .map(|(insn, m)| match p.location(insn) {
                Some(l) => format!("{l}: {m}"),
                None => format!("instruction {insn}: {m}"),
            })
            .collect(),
    })
}

impl super::spec::ProgramSpec {
    /// Passes the BTF fd of each module of `plan` at its index of the load's `fd_array`,
    /// where the kfunc calls into it look for it.
    pub(crate) fn module_btfs(mut self, plan: &FdArrayPlan) -> Result<Self> {
        for module in plan.modules() {
            let fd = crate::ids::kernel_btf_fd(module)?;
            self.fd_array.push(Arc::new(fd));
        }
        Ok(self)
    }
}
