//! `consistency_old_root`: the old root a consistency proof carries is the new tree's root at
//! the old size, for every size pair where the proof carries it, and nothing for a proof that
//! does not lead to the new root.

use rekap_tlog::{consistency_old_root, Tree};

fn entries(count: u64) -> Vec<[u8; 32]> {
    (0..count)
        .map(|i| {
            let mut entry = [0u8; 32];
            entry[..8].copy_from_slice(&i.to_be_bytes());
            entry
        })
        .collect()
}

#[test]
fn the_old_root_a_proof_leads_to_is_the_new_trees_root_at_the_old_size() {
    let tree = Tree::from_entries(&entries(70));
    for new in 2..=70u64 {
        let new_root = tree.root(new).expect("root");
        for old in 1..new {
            let proof = tree.consistency_proof(old, new).expect("proof");
            let derived = consistency_old_root(old, new, &proof, &new_root);
            if old.is_power_of_two() {
                assert_eq!(
                    derived, None,
                    "{old} to {new}: a perfect old tree is not sent"
                );
            } else {
                assert_eq!(
                    derived,
                    Some(tree.root(old).expect("root")),
                    "{old} to {new}"
                );
            }
        }
    }
}

#[test]
fn a_proof_that_does_not_lead_to_the_new_root_gives_no_old_root() {
    let tree = Tree::from_entries(&entries(40));
    let other = Tree::from_entries(&entries(41));
    let mut proof = tree.consistency_proof(13, 40).expect("proof");
    assert_eq!(
        consistency_old_root(13, 40, &proof, &other.root(41).expect("root")),
        None
    );
    proof[1][0] ^= 1;
    assert_eq!(
        consistency_old_root(13, 40, &proof, &tree.root(40).expect("root")),
        None
    );
    proof.pop();
    assert_eq!(
        consistency_old_root(13, 40, &proof, &tree.root(40).expect("root")),
        None
    );
}
