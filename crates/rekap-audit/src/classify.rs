//! Which numbered check a refusal of the model belongs to.

use rekap_model::Refusal;

/// The check (3 to 7) a refusal of a replayed event falls under.
pub fn check_of(refusal: &Refusal) -> u8 {
    use Refusal::*;
    match refusal {
        NoGenesis
        | GenesisAlreadyApplied
        | GenesisNotFirst { .. }
        | GenesisNotByRegistrar { .. }
        | InvalidDefinition(_)
        | BadLogOrigin { .. }
        | DefinitionHashMismatch { .. } => 3,
        UnknownAuthor { .. }
        | AuthorRevoked { .. }
        | NotRegistrar { .. }
        | RoleNotPermitted { .. }
        | RegistrarCannotHoldRole
        | KeyWasRevoked { .. }
        | OutOfScope { .. }
        | OfficialScopeTooLow { .. }
        | NotOfficialOfRegion { .. }
        | WitnessOfOtherContest { .. }
        | WitnessScopeOutsideContest { .. } => 4,
        HardRule { .. } => 6,
        ApprovalCheck(_)
        | LevelHoldsNoPlenary { .. }
        | RegionHasNoStations { .. }
        | NotAWitness { .. }
        | WitnessRevoked { .. }
        | DuplicateWitness { .. }
        | BadWitnessSignature { .. }
        | WitnessOutOfScope { .. } => 7,
        _ => 5,
    }
}
