//! Kernel functions called by name (`call bpf_iter_num_new`): found at load time in the
//! kernel's BTF (a `BTF_KIND_FUNC` of that name) and turned into
//! `call kfunc(BTF_ID, MODULE)`.
//!
//! A kfunc of vmlinux has module index 0. A kfunc of a module is found in the module's
//! split BTF (`/sys/kernel/btf/<module>`); the call's `off` field is then an index into
//! the load attribute's `fd_array`, whose entry is an fd of that module's BTF. Index 0
//! stands for vmlinux in the kernel's rules (`insn->off == 0`), so module BTFs take the
//! indices from 1 on, one per module ([`FdArrayPlan`]).

use ebpf_asm_core::Program;
use ebpf_btf::{Btf, Kind};

/// Where a kfunc was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KfuncTarget {
    /// BTF id of the `FUNC` in its BTF (vmlinux or the module's split BTF).
    pub btf_id: u32,
    /// The module whose BTF has it; `None` for vmlinux.
    pub module: Option<String>,
}

/// The fd_array indices of module BTFs: the first module named gets 1, the next 2, ...
/// (0 is vmlinux in a kfunc call's `off` field, so it is never a module's).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FdArrayPlan {
    modules: Vec<String>,
}

impl FdArrayPlan {
    /// The index of `module`'s BTF fd, adding it when new; `None` when more modules than
    /// the 16-bit `off` field can index.
    pub fn index(&mut self, module: &str) -> Option<i16> {
        let at = match self.modules.iter().position(|m| m == module) {
            Some(at) => at,
            None => {
                self.modules.push(module.to_owned());
                self.modules.len() - 1
            }
        };
        i16::try_from(at + 1).ok()
    }

    /// The modules in index order (index `i + 1` for `modules()[i]`).
    pub fn modules(&self) -> &[String] {
        &self.modules
    }
}

/// The `FUNC` named `name` in `vmlinux` or, failing that, in one of `modules`
/// (name and split BTF); `None` when none has it.
pub fn find_kfunc<'m>(
    vmlinux: &Btf,
    modules: impl IntoIterator<Item = (&'m str, &'m Btf)>,
    name: &str,
) -> Result<Option<KfuncTarget>, ebpf_btf::Error> {
    if let Some(id) = vmlinux.id_by_name_kind(name, Kind::Func)? {
        return Ok(Some(KfuncTarget {
            btf_id: id,
            module: None,
        }));
    }
    for (module, btf) in modules {
        // Split BTF sees its base's types too: only the module's own count.
        for id in btf.ids_by_name(name)? {
            if id >= btf.first_id() && btf.kind_of(id)? == Some(Kind::Func) {
                return Ok(Some(KfuncTarget {
                    btf_id: id,
                    module: Some(module.to_owned()),
                }));
            }
        }
    }
    Ok(None)
}

/// The names of the modules that publish BTF (`/sys/kernel/btf/*` but vmlinux), sorted.
pub fn module_names() -> Vec<String> {
    let Ok(dir) = std::fs::read_dir(ebpf_btf::SYSFS_BTF_DIR) else {
        return Vec::new();
    };
    let mut names: Vec<String> = dir
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n != "vmlinux")
        .collect();
    names.sort();
    names
}

/// Why a kfunc call by name could not be resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KfuncError {
    /// Index of the calling instruction.
    pub insn: usize,
    /// What is wrong and what to do.
    pub message: String,
}

/// Resolves every kfunc call by name of `program` in `vmlinux` and `modules`, filling
/// `plan` with the modules used. Every name no BTF has is an error.
pub fn resolve_kfuncs(
    program: &mut Program,
    vmlinux: &Btf,
    modules: &[(String, Btf)],
    plan: &mut FdArrayPlan,
) -> Result<(), Vec<KfuncError>> {
    let calls: Vec<(usize, String)> = program
        .kfunc_calls()
        .map(|(i, l)| (i, l.as_str().to_owned()))
        .collect();
    let mut errors = Vec::new();
    let mut ed = program.editor();
    for (insn, name) in calls {
        let found = find_kfunc(vmlinux, modules.iter().map(|(n, b)| (n.as_str(), b)), &name);
        let message = match found {
            Ok(Some(t)) => {
                let module = match &t.module {
                    None => Some(0),
                    Some(m) => plan.index(m),
                };
                match (module, i32::try_from(t.btf_id)) {
                    (Some(module), Ok(id)) => {
                        // Every call of this name changes at once; later ones find none.
                        let _ = ed.rewrite_kfunc(&name, id, module);
                        continue;
                    }
                    _ => format!("kfunc `{name}`: too many modules or too large a BTF id"),
                }
            }
            Ok(None) => format!(
                "`{name}` is neither a helper, nor a label of this program, nor a kernel \
                 function (kfunc) in the kernel's BTF{}: check the spelling, or declare a \
                 subprogram of another fragment with `.extern {name}`",
                if modules.is_empty() {
                    String::new()
                } else {
                    format!(" (vmlinux and {} modules)", modules.len())
                }
            ),
            Err(e) => format!("looking up kfunc `{name}` in the kernel's BTF: {e}"),
        };
        errors.push(KfuncError { insn, message });
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}
