//! docs/instructions.md is the generated instruction reference: it cannot drift from the
//! code, and every form in it assembles back to its own bytes.

use ebpf_asm_core::{assemble, instruction_forms, instruction_reference};

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/instructions.md");

#[test]
fn docs_instructions_md_is_the_generated_reference() {
    let generated = instruction_reference();
    if std::env::var("UPDATE_REFERENCE").as_deref() == Ok("1") {
        std::fs::write(PATH, &generated).expect("write docs/instructions.md");
    }
    let on_disk = std::fs::read_to_string(PATH).unwrap_or_default();
    assert!(
        on_disk == generated,
        "docs/instructions.md is out of date: rerun with UPDATE_REFERENCE=1"
    );
}

#[test]
fn every_form_in_the_reference_assembles_back_to_its_bytes() {
    let forms = instruction_forms();
    assert!(forms.len() >= 180, "{} forms", forms.len());
    for (insn, _) in forms {
        let text = insn.to_string();
        let p = assemble(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let want: Vec<u8> = insn
            .encode()
            .unwrap()
            .slots()
            .iter()
            .flat_map(|s| s.to_bytes())
            .collect();
        assert_eq!(p.to_bytes(), want, "{text}");
    }
}
