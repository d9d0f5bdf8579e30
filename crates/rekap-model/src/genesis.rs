//! The genesis payload (the definition and the transparency log it names) and the log keys
//! a log has had: which Ed25519 key signs its checkpoints from which tree size on
//! (docs/RULES.md R65 and R66, docs/FORMAT.md "Genesis").
//!
//! The log key is a key of its own, not the registrar's: checkpoints are signed
//! automatically by the server, while the registrar's key stays offline. The registrar
//! rotates it with a `LogKeyRotated` payload; the new key signs every checkpoint whose tree
//! holds the rotating record, the old key only the smaller ones.

use bincode::Encode;

use crate::definition::ElectionDefinition;
use crate::error::Refusal;
use crate::keys::{check_key, UnusableKey};

/// Most bytes of a refused origin shown in a refusal (the election's own is 70).
pub const MAX_ORIGIN_BYTES: usize = 200;

/// The transparency log a genesis names: the origin line of every checkpoint and the key
/// that signs the first ones.
#[derive(Debug, Clone, PartialEq, Eq, Encode)]
pub struct LogIdentity {
    /// The checkpoints' origin line, also the log key's name in its C2SP vkey.
    pub origin: String,
    /// The Ed25519 public key that signs checkpoints until a rotation.
    pub key: [u8; 32],
}

/// The first record's payload: the election definition and its log.
#[derive(Debug, Clone, PartialEq, Eq, Encode)]
pub struct Genesis {
    pub definition: ElectionDefinition,
    pub log: LogIdentity,
}

impl Genesis {
    /// A genesis whose log has the default origin, `rekap/<hex definition hash>`.
    pub fn new(definition: ElectionDefinition, log_key: [u8; 32]) -> Genesis {
        let origin = default_origin(&definition.hash());
        Genesis {
            definition,
            log: LogIdentity {
                origin,
                key: log_key,
            },
        }
    }
}

/// The default origin of an election's log: `rekap/` and the definition hash in lowercase
/// hex, fixed by the definition and unique to it.
pub fn default_origin(definition_hash: &[u8; 32]) -> String {
    format!("rekap/{}", hex::encode(definition_hash))
}

/// One key of a log and the first tree size its checkpoints have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogKeyPeriod {
    /// The smallest tree size this key signs: the seq of the record that named it (the
    /// genesis is 1), so the tree holding that record.
    pub from_size: u64,
    pub key: [u8; 32],
}

/// The log's origin and every key it has had, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogKeys {
    origin: String,
    registrar: [u8; 32],
    periods: Vec<LogKeyPeriod>,
}

impl LogKeys {
    /// The log a genesis names, checked (R65, R66).
    pub(crate) fn from_genesis(
        log: &LogIdentity,
        definition_hash: &[u8; 32],
        registrar: &[u8; 32],
    ) -> Result<LogKeys, Refusal> {
        check_origin(&log.origin, definition_hash)?;
        let keys = LogKeys {
            origin: log.origin.clone(),
            registrar: *registrar,
            periods: Vec::new(),
        };
        keys.check_new_key(&log.key)?;
        Ok(LogKeys {
            periods: vec![LogKeyPeriod {
                from_size: 1,
                key: log.key,
            }],
            ..keys
        })
    }

    /// The log keys a saved authority state holds (`state/authority.rs`): `None` without
    /// a genesis key or with keys out of order.
    pub(crate) fn saved(
        origin: String,
        registrar: [u8; 32],
        periods: Vec<LogKeyPeriod>,
    ) -> Option<LogKeys> {
        let ordered = periods.first()?.from_size == 1
            && (periods.windows(2)).all(|pair| pair[0].from_size < pair[1].from_size);
        ordered.then_some(LogKeys {
            origin,
            registrar,
            periods,
        })
    }

    /// The log a genesis names, checked as the model checks it (R65, R66).
    pub fn of_genesis(genesis: &Genesis) -> Result<LogKeys, Refusal> {
        let definition = &genesis.definition;
        LogKeys::from_genesis(&genesis.log, &definition.hash(), &definition.registrar)
    }

    /// The checkpoints' origin line.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The key signing now (the latest).
    pub fn current(&self) -> LogKeyPeriod {
        // A LogKeys always holds the genesis key; the zero key is never reached.
        self.periods.last().copied().unwrap_or(LogKeyPeriod {
            from_size: 1,
            key: [0; 32],
        })
    }

    /// The key that signs the checkpoint of tree size `size` (size 0: the genesis key).
    pub fn key_at(&self, size: u64) -> [u8; 32] {
        self.periods
            .iter()
            .rev()
            .find(|period| period.from_size <= size)
            .or(self.periods.first())
            .map(|period| period.key)
            .unwrap_or([0; 32])
    }

    /// Every key, oldest first.
    pub fn periods(&self) -> &[LogKeyPeriod] {
        &self.periods
    }

    /// R13, R16, R65: whether `author` may name `key` as the log's new key: only the
    /// registrar, and only a key that can sign, not the registrar's, never this log's.
    pub fn check_rotation(&self, author: &[u8; 32], key: &[u8; 32]) -> Result<(), Refusal> {
        if *author != self.registrar {
            return Err(Refusal::NotRegistrar {
                act: crate::event::Act::RotateLogKey,
                author: *author,
            });
        }
        self.check_new_key(key)
    }

    /// Follows a `LogKeyRotated` record (seq `seq`, by `author`) as the model decides it:
    /// for a verifier that learns a log's keys from its records without replaying the rest.
    pub fn rotate(&mut self, author: &[u8; 32], seq: u64, key: [u8; 32]) -> Result<(), Refusal> {
        self.check_rotation(author, &key)?;
        self.push(LogKeyPeriod {
            from_size: seq,
            key,
        });
        Ok(())
    }

    /// R65: a log key can sign, is not the registrar's, and was never this log's key.
    fn check_new_key(&self, key: &[u8; 32]) -> Result<(), Refusal> {
        let registrar = &self.registrar;
        check_key(key).map_err(|unusable| match unusable {
            UnusableKey::NotAPoint => Refusal::InvalidPublicKey { key: *key },
            UnusableKey::Weak => Refusal::WeakPublicKey { key: *key },
        })?;
        if key == registrar {
            return Err(Refusal::LogKeyIsRegistrar);
        }
        if let Some(period) = self.periods.iter().find(|period| period.key == *key) {
            return Err(Refusal::LogKeyReused {
                key: *key,
                from_size: period.from_size,
            });
        }
        Ok(())
    }

    pub(crate) fn push(&mut self, period: LogKeyPeriod) {
        self.periods.push(period);
    }

    pub(crate) fn pop(&mut self) {
        if self.periods.len() > 1 {
            self.periods.pop();
        }
    }
}

/// R66: the origin a genesis names is its election's, `rekap/<hex definition hash>`: fixed
/// by the definition, so that every checkpoint names the election it is of, and a verifier
/// holding only a proof (or the browser, holding a definition hash) knows it too.
fn check_origin(origin: &str, definition_hash: &[u8; 32]) -> Result<(), Refusal> {
    let expected = default_origin(definition_hash);
    if origin != expected {
        return Err(Refusal::BadLogOrigin {
            origin: origin.chars().take(MAX_ORIGIN_BYTES).collect(),
            expected,
        });
    }
    Ok(())
}
