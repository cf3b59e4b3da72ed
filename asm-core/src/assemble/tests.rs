//! Parsing in parts gives what parsing in one piece gives.

use std::sync::Arc;
use std::thread;

use super::chunks::*;
use super::one_piece::parse_part;
use crate::assemble::bytecode::SlotPart;
use crate::syntax::builder::Builder;

/// Labels and references in every part, jumps across cuts in both directions.
fn sample() -> String {
    let mut s = String::from("call sub\nr1 = sub ll\nr2 = map ll\n");
    for i in 0..3000 {
        s.push_str(&format!("l{i}: r0 = {i}\nif r0 > 7 goto l{}\n", 2999 - i));
        s.push_str("r3 = *(u32 *)(r10 - 4) // note\n*(u64 *)(r10 - 8) = 5\n");
    }
    s.push_str("exit\nsub:\nr0 = 1\nexit\n");
    s
}

#[test]
fn parts_join_into_the_one_piece_result() {
    let file: Arc<str> = Arc::from("s.s");
    let src = sample();
    let (one, errors) = parse_part(&file, &src, 0);
    assert!(errors.is_empty());
    let (one, _) = one.finish().expect("assembles");
    for parts in [2, 3, 7] {
        assert!(cut_points(&src, parts).len() == parts - 1);
        let joined: Builder<'_> = parse_split(&file, &src, parts).expect("no errors");
        let (joined, _) = joined.finish().expect("assembles");
        assert_eq!(joined.insns(), one.insns(), "{parts} parts");
        assert_eq!(joined.labels(), one.labels());
        assert_eq!(joined.source_map(), one.source_map());
        let code = parse_split::<SlotPart<'_>>(&file, &src, parts)
            .and_then(SlotPart::finish)
            .expect("no errors");
        assert_eq!(code.to_raw(), one.to_raw());
        assert_eq!(code.pieces().count(), parts);
    }
}

#[test]
fn a_part_with_an_error_or_a_label_of_another_part_gives_none() {
    let file: Arc<str> = Arc::from("s.s");
    let bad = format!("{}r1 = r11\n", sample());
    assert!(parse_split::<Builder<'_>>(&file, &bad, 3).is_none());
    let twice = format!("{}l5: exit\n", sample());
    assert!(parse_split::<Builder<'_>>(&file, &twice, 3).is_none());
    assert!(parse_split::<SlotPart<'_>>(&file, &twice, 3).is_none());
}

#[test]
fn small_inputs_and_one_thread_stay_in_one_piece() {
    assert_eq!(parts_for(&sample(), 0), None);
    let big = "r0 = 1\n".repeat(MIN_PARALLEL_BYTES / 7 + 1);
    let cpus = thread::available_parallelism().map_or(1, |n| n.get());
    assert_eq!(parts_for(&big, 0).is_some(), cpus > 1);
    assert_eq!(parts_for(&big, 1), None);
    assert_eq!(parts_for(&big, 2), Some(2));
    assert_eq!(parts_for(&big, 100), Some(big.len() / MIN_PART_BYTES));
}

#[test]
fn a_cut_inside_a_block_comment_or_string_gives_none() {
    let file: Arc<str> = Arc::from("s.s");
    // Half the input is one comment, so the first cut falls inside it; the text in
    // it would parse, so only the unterminated comment can tell.
    let body = "r0 = 1\n".repeat(2000);
    let commented = format!("{body}/*\n{body}*/\n{body}");
    assert!(parse_split::<Builder<'_>>(&file, &commented, 3).is_none());
    assert!(parse_split::<SlotPart<'_>>(&file, &commented, 3).is_none());
    assert!(SlotPart::parse(&file, &commented, 0).is_some());
    // A string continued on the next line by a backslash, cut at that line break.
    let quoted = format!("{body}.file \"{}\\\nb\"\n{body}", "a".repeat(30_000));
    let cut = cut_points(&quoted, 2);
    assert_eq!(quoted.as_bytes()[cut[0] - 2], b'\\');
    assert!(SlotPart::parse(&file, &quoted, 0).is_some());
    assert!(parse_split::<SlotPart<'_>>(&file, &quoted, 2).is_none());
}

#[test]
fn cuts_fall_just_after_line_breaks() {
    let text = "r0 = 1\n".repeat(1000);
    let cuts = cut_points(&text, 4);
    assert_eq!(cuts.len(), 3);
    for &c in &cuts {
        assert_eq!(text.as_bytes()[c - 1], b'\n');
    }
    assert!(cuts.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn no_cut_without_a_later_line_break() {
    assert!(cut_points("r0 = 1", 2).is_empty());
    assert!(cut_points("r0 = 1\n", 2).is_empty());
    // One long line followed by short ones: every cut lands after the long line.
    let text = format!("{}\nexit\n", "r0 = 1;".repeat(100));
    assert_eq!(cut_points(&text, 4), vec![text.len() - 5]);
}

/// Every form that names a label, resolved by the slot path (whose parser leaves the field
/// 0 and passes the name aside), gives the program's slots: back and forward targets,
/// `gotol`, calls (local and `.extern`), function addresses and symbols.
#[test]
fn slot_path_resolves_every_named_form_as_the_program_does() {
    let file: Arc<str> = Arc::from("s.s");
    let src = ".extern other\n\
               top: r1 = top ll\n\
               if r1 > 3 goto top\n\
               if w1 s< w2 goto end\n\
               goto end\n\
               may_goto top\n\
               gotol end\n\
               call sub\n\
               call other\n\
               r2 = sub ll\n\
               r3 = some_map ll\n\
               call bpf_map_lookup_elem\n\
               end: exit\n\
               sub: r0 = 0\n\
               exit\n";
    let (builder, errors) = parse_part(&file, src, 0);
    assert!(errors.is_empty());
    let (program, _) = builder.finish().expect("assembles");
    let code = SlotPart::parse(&file, src, 0)
        .and_then(SlotPart::finish)
        .expect("the slot path takes it");
    assert_eq!(code.to_raw(), program.to_raw());
    // A jump to an undefined label or a call to an unknown name leaves the slot path.
    for bad in ["goto nowhere\n", "call nothing\n", "gotol nowhere\n"] {
        assert!(SlotPart::parse(&file, bad, 0)
            .and_then(SlotPart::finish)
            .is_none());
    }
}

/// A large input assembled to bytecode in parts keeps one piece per part, and reads as the
/// bytes of the one-piece path.
#[test]
fn bytecode_in_parts_keeps_a_piece_per_part() {
    let body =
        "r0 = 1\nif r0 > 7 goto +1\ngotol end\nr1 = end ll\n".repeat(MIN_PARALLEL_BYTES / 40 + 1);
    let src = format!("call sub\n{body}end: exit\nsub: r0 = 2\nexit\n");
    let whole = crate::Assembler::new("s.s").threads(1).bytecode(&src);
    let whole = whole.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(whole.pieces().count(), 1);
    let parts = crate::Assembler::new("s.s").threads(2).bytecode(&src);
    let parts = parts.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(parts.pieces().count(), 2);
    assert_eq!(parts, whole);
    assert_eq!(parts.to_bytes(), whole.to_bytes());
    assert!(parts.instructions().eq(whole.instructions()));
}

/// Errors found when the labels of joined parts are resolved (undefined labels, jumps too
/// far, calls nothing defines) are those of one piece: the assembler reports them without
/// parsing the input again.
#[test]
fn label_errors_of_joined_parts_are_those_of_one_piece() {
    use crate::Assembler;
    let mut src = String::new();
    for i in 0..3000 {
        src.push_str(&format!("l{i}: goto m{i}\nif r1 > 2 goto l{}\n", 2999 - i));
    }
    src.push_str("goto l0\nexit\n");
    src.push_str(&"r0 = 0\n".repeat(40_000));
    src.push_str("goto l0\nl_end: exit\n");
    let one = Assembler::new("s.s").threads(1).program(&src).unwrap_err();
    assert_eq!(one.diagnostics.len() + one.omitted, 3001);
    assert_eq!(one.diagnostics[0].message, "undefined label `m0`");
    assert!(one.diagnostics[crate::MAX_KEPT_ERRORS - 1]
        .message
        .starts_with("undefined label"));
    for parts in [2, 5] {
        let split = Assembler::new("s.s").split_in(parts).program(&src);
        assert_eq!(split.unwrap_err(), one, "{parts} parts");
    }
}
