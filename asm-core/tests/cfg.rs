//! Basic blocks, edges and the DOT rendering of the control-flow graph.

use ebpf_asm_core::{assemble, Block, EdgeKind};

const SRC: &str = "r1 = 0\nif r1 == 0 goto out\nr2 = cb ll\ncall sub\ngoto out\nout:\nr0 = 2\nexit\nsub:\nr0 = 1\nexit\ncb:\nr0 = 0\nexit";

#[test]
fn blocks_edges_and_subprogram_entries() {
    let cfg = assemble(SRC).unwrap().cfg();
    let spans: Vec<(usize, usize)> = cfg
        .blocks
        .iter()
        .map(|b: &Block| (b.start, b.end))
        .collect();
    assert_eq!(spans, vec![(0, 2), (2, 5), (5, 7), (7, 9), (9, 11)]);
    assert_eq!(
        cfg.edges,
        vec![
            (0, 2, EdgeKind::Taken),
            (0, 1, EdgeKind::FallThrough),
            (1, 3, EdgeKind::Call),
            (1, 2, EdgeKind::Goto),
        ]
    );
    // main, the called subprogram, and the callback whose address is taken.
    assert_eq!(cfg.entries, vec![0, 3, 4]);
}

#[test]
fn dot_output_names_blocks_labels_and_edge_kinds() {
    let dot = assemble(SRC).unwrap().to_dot();
    let expected = r#"digraph program {
	node [shape=box, fontname="monospace", fontsize=10];
	edge [fontname="monospace", fontsize=9];
	subgraph cluster_0 {
		label="main";
		b0 [label="   0: r1 = 0\l   1: if r1 == 0 goto out\l"];
		b1 [label="   2: r2 = cb ll\l   4: call sub\l   5: goto out\l"];
		b2 [label="out:\l   6: r0 = 2\l   7: exit\l"];
	}
	subgraph cluster_1 {
		label="sub";
		b3 [label="sub:\l   8: r0 = 1\l   9: exit\l"];
	}
	subgraph cluster_2 {
		label="cb";
		b4 [label="cb:\l  10: r0 = 0\l  11: exit\l"];
	}
	b0 -> b2 [label="taken", color="darkgreen"];
	b0 -> b1 [label="fall-through", color="gray40"];
	b1 -> b3 [label="call", style=dashed, color="blue"];
	b1 -> b2 [label="goto"];
}
"#;
    assert_eq!(dot, expected);
}

#[test]
fn decoded_programs_get_synthesized_labels_in_the_graph() {
    // `if r1 == 0 goto +1; r0 = 1; exit` without labels: the graph names the target L3.
    let p = ebpf_asm_core::Program::from_bytes(
        &assemble("if r1 == 0 goto +1\nr0 = 1\nr0 = 2\nexit")
            .unwrap()
            .to_bytes(),
    )
    .unwrap();
    let dot = p.to_dot();
    assert!(dot.contains("if r1 == 0 goto L2"), "{dot}");
    assert!(dot.contains("L2:\\l   2: r0 = 2\\l"), "{dot}");
    let cfg = p.cfg();
    assert_eq!(cfg.blocks.len(), 3);
    assert!(cfg.edges.contains(&(0, 2, EdgeKind::Taken)));
    assert!(cfg.edges.contains(&(1, 2, EdgeKind::FallThrough)));
}

#[test]
fn may_goto_has_both_edges_and_exit_has_none() {
    let cfg = assemble("l:\nmay_goto out\ngoto l\nout:\nr0 = 0\nexit")
        .unwrap()
        .cfg();
    assert_eq!(
        cfg.edges,
        vec![
            (0, 2, EdgeKind::Taken),
            (0, 1, EdgeKind::FallThrough),
            (1, 0, EdgeKind::Goto),
        ]
    );
}
