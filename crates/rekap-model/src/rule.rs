//! The numbered rules of docs/RULES.md, and which one each refusal enforces.
//!
//! The mappings below are exhaustive matches without a wildcard, so a new refusal cannot
//! compile until it names its rule; `tests/rules_doc.rs` then holds that every rule named
//! here is written down in docs/RULES.md and provoked by a test.

use crate::error::{ApprovalCheckFailure, DecodeError, HardRuleViolation, Refusal};

/// A rule of docs/RULES.md: `R1`, `R2`, ... (its `Display`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rule(u8);

impl Rule {
    /// The rule's number (12 for `R12`).
    pub const fn number(self) -> u8 {
        self.0
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "R{}", self.0)
    }
}

impl DecodeError {
    /// Payload bytes that do not decode break R2, whatever the reason.
    pub fn rule(&self) -> Rule {
        match self {
            DecodeError::TooLarge { .. }
            | DecodeError::Bincode(_)
            | DecodeError::TrailingBytes { .. }
            | DecodeError::Limit(_)
            | DecodeError::Event { .. }
            | DecodeError::DefinitionVersion { .. } => Rule(2),
        }
    }
}

impl HardRuleViolation {
    /// The hard tally-sheet rule broken (R39 to R46, R62 to R64, R67).
    pub fn rule(&self) -> Rule {
        match self {
            HardRuleViolation::WrongPairCount { .. } => Rule(39),
            HardRuleViolation::PairVotesNotValid { .. } => Rule(40),
            HardRuleViolation::CastNotBallotsUsed { .. } => Rule(41),
            HardRuleViolation::BallotsUsedNotVoted { .. } => Rule(42),
            HardRuleViolation::VotedOverRegistered { .. } => Rule(43),
            HardRuleViolation::MaleFemaleNotTotal { .. } => Rule(44),
            HardRuleViolation::BallotsUnbalanced { .. } => Rule(45),
            HardRuleViolation::OverCapacity { .. } => Rule(46),
            HardRuleViolation::AbsentSectionHasNumbers => Rule(62),
            HardRuleViolation::WrongVoteTypeCount { .. } => Rule(63),
            HardRuleViolation::VoteTypesNotPairVotes { .. } => Rule(64),
            HardRuleViolation::InvalidAbsentOnFullSheet => Rule(67),
        }
    }
}

impl ApprovalCheckFailure {
    /// The rule of the projection's approval check broken (R59 to R61).
    pub fn rule(&self) -> Rule {
        match self {
            ApprovalCheckFailure::StationsMissing { .. } => Rule(59),
            ApprovalCheckFailure::ChildNotApproved { .. }
            | ApprovalCheckFailure::ChildStale { .. } => Rule(60),
            // A decider that cannot compute the digest (an import) refuses every approval.
            ApprovalCheckFailure::DigestMismatch { .. } | ApprovalCheckFailure::Other { .. } => {
                Rule(61)
            }
        }
    }
}

impl Refusal {
    /// The rule of docs/RULES.md this refusal enforces.
    pub fn rule(&self) -> Rule {
        use Refusal::*;
        match self {
            NoGenesis => Rule(1),
            GenesisNotFirst { .. } => Rule(3),
            GenesisNotByRegistrar { .. } => Rule(4),
            InvalidDefinition(_) => Rule(5),
            GenesisAlreadyApplied => Rule(6),
            EmptyPayload => Rule(7),
            Limit(_) => Rule(8),
            DefinitionHashMismatch { .. } => Rule(9),
            SeqNotIncreasing { .. } => Rule(10),
            UnknownAuthor { .. } => Rule(11),
            AuthorRevoked { .. } => Rule(12),
            NotRegistrar { .. } => Rule(13),
            RoleNotPermitted { .. } => Rule(14),
            RegistrarCannotHoldRole => Rule(15),
            InvalidPublicKey { .. } | WeakPublicKey { .. } => Rule(16),
            KeyWasRevoked { .. } => Rule(17),
            AlreadyRegistered { .. } => Rule(18),
            UnknownOfficer { .. } => Rule(19),
            AlreadyRevoked { .. } => Rule(20),
            UnknownRegion { .. } => Rule(21),
            UnknownStation { .. } => Rule(22),
            UnknownPlace { .. } => Rule(23),
            UnknownContest { .. } => Rule(24),
            UnknownPair { .. } => Rule(25),
            OutOfScope { .. } => Rule(26),
            OfficialScopeTooLow { .. } => Rule(27),
            NotInContest { .. } => Rule(28),
            WitnessScopeOutsideContest { .. } => Rule(29),
            WitnessOfOtherContest { .. } => Rule(30),
            NotOfficialOfRegion { .. } => Rule(31),
            LevelHoldsNoPlenary { .. } => Rule(32),
            SheetAlreadySubmitted { .. } => Rule(33),
            NoSheetToCorrect { .. } => Rule(34),
            StationIsVoided { .. } => Rule(35),
            RevoteAlreadyPending { .. } => Rule(36),
            CorrectionChangesNothing { .. } => Rule(37),
            MissingReason { .. } => Rule(38),
            HardRule { violation, .. } => violation.rule(),
            UnknownObjection { .. } => Rule(47),
            ObjectionNotOpen { .. } => Rule(48),
            ObjectionContestMismatch { .. } => Rule(49),
            OutsideObjection { .. } => Rule(50),
            UnknownCorrection { .. } => Rule(51),
            CorrectionPredatesObjection { .. } => Rule(52),
            RegionHasNoStations { .. } => Rule(53),
            NotAWitness { .. } => Rule(54),
            WitnessRevoked { .. } => Rule(55),
            DuplicateWitness { .. } => Rule(56),
            BadWitnessSignature { .. } => Rule(57),
            WitnessOutOfScope { .. } => Rule(58),
            ApprovalCheck(failure) => failure.rule(),
            LogKeyIsRegistrar | LogKeyReused { .. } => Rule(65),
            BadLogOrigin { .. } => Rule(66),
        }
    }
}
