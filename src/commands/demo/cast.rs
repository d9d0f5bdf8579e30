//! The demo's people and their keys, derived from the seed: the registrar, the log key the
//! genesis names, one operator for the whole contest, one official per plenary region, one
//! witness per candidate pair.

use ed25519_dalek::SigningKey;
use rekap_model::{Election, RegionIdx};
use rekap_presets::{OfficerSpec, RoleSpec};

pub struct Cast {
    seed: u64,
    pub registrar: SigningKey,
    pub operator: SigningKey,
    /// The key that signs the demo log's checkpoints (a key of its own, as `init` makes).
    pub log: SigningKey,
}

impl Cast {
    pub fn new(seed: u64) -> Cast {
        Cast {
            seed,
            registrar: derive(seed, "registrar"),
            operator: derive(seed, "operator"),
            log: derive(seed, "log"),
        }
    }

    pub fn registrar_public(&self) -> [u8; 32] {
        self.registrar.verifying_key().to_bytes()
    }

    /// The official of a plenary region.
    pub fn official(&self, region_code: &str) -> SigningKey {
        derive(self.seed, &format!("official {region_code}"))
    }

    /// The witness of candidate pair `pair`.
    pub fn witness(&self, pair: u32) -> SigningKey {
        derive(self.seed, &format!("witness {pair}"))
    }

    /// The definition's initial officers: the operator (scope: the contest's region) and an
    /// official for every plenary region in it. Witnesses are registered in the log.
    pub fn officers(&self, election: &Election, contest_id: &str) -> Vec<OfficerSpec> {
        let scope = election
            .contest_by_id(contest_id)
            .and_then(|contest| election.contest_scope(contest));
        let scope_code = scope
            .and_then(|scope| election.region_code(scope))
            .unwrap_or_default();
        let mut officers = vec![OfficerSpec {
            key: hex::encode(self.operator.verifying_key().to_bytes()),
            role: RoleSpec::Operator,
            scope: scope_code.to_owned(),
        }];
        if let Some(scope) = scope {
            for region in plenary_regions(election, scope) {
                let code = election.region_code(region).unwrap_or_default();
                officers.push(OfficerSpec {
                    key: hex::encode(self.official(code).verifying_key().to_bytes()),
                    role: RoleSpec::Official,
                    scope: code.to_owned(),
                });
            }
        }
        officers
    }
}

/// Every region at a plenary level under (and including) `scope`, in code order.
pub fn plenary_regions(election: &Election, scope: RegionIdx) -> Vec<RegionIdx> {
    let mut out = Vec::new();
    collect(election, scope, &mut out);
    out
}

fn collect(election: &Election, region: RegionIdx, out: &mut Vec<RegionIdx>) {
    let tree = election.tree();
    let plenary = tree
        .level(region)
        .and_then(|level| election.level(level))
        .is_some_and(|level| level.holds_plenary);
    if plenary {
        out.push(region);
    }
    for child in tree.children(region) {
        collect(election, *child, out);
    }
}

fn derive(seed: u64, label: &str) -> SigningKey {
    let mut hasher = blake3::Hasher::new();
    hasher.update(b"rekap demo key");
    hasher.update(&seed.to_le_bytes());
    hasher.update(label.as_bytes());
    SigningKey::from_bytes(hasher.finalize().as_bytes())
}
