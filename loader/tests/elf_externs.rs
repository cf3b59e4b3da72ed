//! Externs in clang objects: `__ksym` kfunc calls by name, resolved in the kernel's BTF at
//! load, with the object's `.ksyms` DATASEC made acceptable to the kernel.

#[macro_use]
mod common;

use common::clang::compile;
use ebpf_asm::{Call, Insn};
use ebpf_loader::{CollectionSpec, TestRun};

#[test]
fn ksym_calls_are_read_as_kfunc_calls_by_name() {
    let Some(obj) = compile("kfuncs") else {
        return;
    };
    let spec = CollectionSpec::from_elf(&obj).expect("reads kfuncs.o");
    let p = &spec
        .programs()
        .iter()
        .find(|p| p.name == "sum_to_five")
        .expect("program")
        .program;
    let kfuncs: Vec<String> = p
        .insns()
        .iter()
        .filter_map(|i| match i {
            Insn::Call(Call::KfuncName(l)) => Some(l.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(
        kfuncs,
        [
            "bpf_iter_num_new",
            "bpf_iter_num_next",
            "bpf_iter_num_next",
            "bpf_iter_num_destroy"
        ]
    );
}

#[test]
fn ksym_kfuncs_run_with_the_objects_btf() {
    require_root!();
    let Some(obj) = compile("kfuncs") else {
        return;
    };
    let coll = CollectionSpec::from_elf(&obj)
        .expect("reads")
        .load()
        .expect("the kernel takes the kfunc calls and the object's BTF");
    let p = coll.program("sum_to_five").expect("loaded");
    // The BTF went in as it is: the `.ksyms` DATASEC did not make the kernel refuse it.
    assert_eq!(p.btf_fallback(), None);
    assert!(p.btf().is_some());
    let r = p
        .test_run(&TestRun {
            ctx_in: &[0; 8],
            ..Default::default()
        })
        .expect("runs");
    assert_eq!(r.retval, 10, "0 + 1 + 2 + 3 + 4 through bpf_iter_num");
}

#[test]
fn a_kfunc_the_kernel_lacks_is_named() {
    require_root!();
    let Some(obj) = compile("kfunc_missing") else {
        return;
    };
    let spec = CollectionSpec::from_elf(&obj).expect("reads");
    let e = spec.load().expect_err("no such kfunc");
    let msg = format!("{e}");
    assert!(msg.contains("bpf_no_such_kfunc"), "{msg}");
    assert!(msg.contains("calls_nothing"), "names the program: {msg}");
}

/// `CONFIG_NAME=value` of the running kernel's config, read the way a user would.
fn config_value(name: &str) -> Option<String> {
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").ok()?;
    let text = std::fs::read_to_string(format!("/boot/config-{}", release.trim()))
        .ok()
        .or_else(|| {
            let out = std::process::Command::new("zcat")
                .arg("/proc/config.gz")
                .output()
                .ok()?;
            String::from_utf8(out.stdout).ok()
        })?;
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}=")).map(str::to_owned))
}

#[test]
fn kconfig_externs_hold_the_running_kernels_values() {
    require_root!();
    let Some(obj) = compile("kconfig") else {
        return;
    };
    let Some(hz) = config_value("CONFIG_HZ") else {
        common::skip("the kernel's config is not readable");
        return;
    };
    let spec = CollectionSpec::from_elf(&obj).expect("reads kconfig.o");
    let kconfig = spec
        .data_sections()
        .iter()
        .find(|d| d.map == ".kconfig")
        .expect("a .kconfig map");
    assert!(kconfig.read_only);
    let coll = spec.load().expect("loads");
    let p = coll.program("read_kconfig").expect("loaded");
    assert_eq!(p.btf_fallback(), None, "the object's BTF went in");
    p.test_run(&TestRun {
        data_in: &[0; 64],
        ..Default::default()
    })
    .expect("runs");
    let seen = coll.map("seen").expect("map");
    let value = |k: u32| -> u64 {
        let v = seen.lookup(&k.to_ne_bytes()).expect("lookup").expect("set");
        u64::from_ne_bytes(v[..8].try_into().expect("8 bytes"))
    };
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").expect("release");
    let nums: Vec<u64> = release
        .split(|c: char| !c.is_ascii_digit())
        .take(3)
        .map(|n| n.parse().expect("a number"))
        .collect();
    assert_eq!(
        value(0),
        (nums[0] << 16) + (nums[1] << 8) + nums[2].min(255),
        "LINUX_KERNEL_VERSION of {release}"
    );
    assert_eq!(value(1).to_string(), hz, "CONFIG_HZ");
    let yes = |name: &str| u64::from(config_value(name).as_deref() == Some("y"));
    assert_eq!(value(2), yes("CONFIG_BPF_SYSCALL"));
    assert_eq!(value(3), yes("CONFIG_BPF_JIT"), "tristate: y is 1");
    let local = config_value("CONFIG_LOCALVERSION").unwrap_or_default();
    let b = local.trim_matches('"').as_bytes();
    let first_two = u64::from(b.first().copied().unwrap_or(0))
        | (u64::from(b.get(1).copied().unwrap_or(0)) << 8);
    assert_eq!(value(4), first_two, "CONFIG_LOCALVERSION {local}");
    assert_eq!(value(5), 0, "a weak extern the config lacks");
}

#[test]
fn kconfig_values_may_be_overridden_before_load() {
    require_root!();
    let Some(obj) = compile("kconfig") else {
        return;
    };
    let mut spec = CollectionSpec::from_elf(&obj).expect("reads");
    spec.set_constant("CONFIG_HZ", 1234i32).expect("sets");
    let coll = spec.load().expect("loads");
    coll.program("read_kconfig")
        .expect("loaded")
        .test_run(&TestRun {
            data_in: &[0; 64],
            ..Default::default()
        })
        .expect("runs");
    let v = coll
        .map("seen")
        .expect("map")
        .lookup(&1u32.to_ne_bytes())
        .expect("lookup")
        .expect("set");
    assert_eq!(u64::from_ne_bytes(v[..8].try_into().expect("8")), 1234);
}

#[test]
fn a_strong_kconfig_extern_the_kernel_lacks_is_named() {
    let Some(obj) = compile("kconfig_missing") else {
        return;
    };
    let e = CollectionSpec::from_elf(&obj).expect_err("no such option");
    let msg = format!("{e}");
    assert!(msg.contains("CONFIG_NO_SUCH_OPTION"), "{msg}");
    assert!(
        msg.contains("__weak"),
        "says how to make it optional: {msg}"
    );
}
