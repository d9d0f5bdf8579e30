## The model's refusals (rekap-model's Refusal): each a rule of docs/RULES.md; the rule's
## code (R26) is put before the text by the code.

refusal-in-event = event { $index }: { $refusal }
refusal-no-genesis = no genesis yet: the first record must carry the election definition
refusal-genesis-already-applied = the genesis is already applied; a definition cannot be replaced
refusal-genesis-not-first = the genesis must be record 1, not record { $seq }
refusal-genesis-not-by-registrar = the genesis is signed by { $author }, not by the definition's registrar { $registrar }
refusal-invalid-definition = invalid definition: { $problem }
refusal-definition-hash-mismatch = the payload is bound to definition { $found }, this log's is { $expected }
refusal-seq-not-increasing = record { $seq } is not after the last applied record { $last }
refusal-empty-payload = the payload has no events
refusal-unknown-author = author { $author } is not a registered officer
refusal-author-revoked = author { $author } was revoked at record { $revoked }
refusal-not-registrar = only the registrar may { $act }; { $author } is not the registrar
refusal-role-not-permitted = { $role } may not { $act }
refusal-registrar-cannot-hold-role = the registrar's key cannot also hold an officer role
refusal-already-registered = { $key } is already registered
refusal-key-was-revoked = { $key } was revoked at record { $revoked } and cannot be registered again
refusal-unknown-officer = { $key } is not a registered officer
refusal-already-revoked = { $key } is already revoked (at record { $revoked })
refusal-invalid-public-key = { $key } is not a valid ed25519 public key
refusal-weak-public-key = { $key } is the identity or a point of small order, a key that can never sign
refusal-log-key-is-registrar = the log key must be a key of its own, not the registrar's
refusal-log-key-reused = { $key } was this log's key from tree size { $size }; a rotated-out key never signs again
refusal-bad-log-origin = the genesis names the origin { $origin }; the election's is { $expected }
refusal-unknown-region = { $code } is not a region of this election
refusal-unknown-station = { $code } is not a polling station of this election
refusal-unknown-place = { $code } is neither a region nor a polling station of this election
refusal-unknown-contest = { $contest } is not a contest of this election
refusal-unknown-pair = contest { $contest } has no candidate pair { $pair }
refusal-out-of-scope = scope { $scope } does not cover { $target }
refusal-official-scope-too-low = an official with scope { $scope } (level { $level }) is below the lowest plenary level { $lowest }
refusal-not-in-contest = { $place } does not vote in contest { $contest }
refusal-witness-scope-outside-contest = witness scope { $scope } does not overlap contest { $contest }
refusal-witness-of-other-contest = a witness of contest { $other } cannot act on contest { $contest }
refusal-not-official-of-region = an official of { $scope } is not an official of { $region }
refusal-level-holds-no-plenary = { $region } is at level { $level }, which holds no plenaries
refusal-sheet-already-submitted = { $station } already has a sheet for { $contest } (record { $seq }); correct it instead
refusal-no-sheet-to-correct = { $station } has no current sheet for { $contest } to correct
refusal-station-is-voided = { $station } is voided for { $contest } (record { $seq })
refusal-revote-already-pending = a re-vote at { $station } for { $contest } is already pending (record { $seq })
refusal-correction-changes-nothing = the correction of { $station } for { $contest } changes no number
refusal-missing-reason = { $field } is required
refusal-hard-rule = { $station } { $contest }: { $violation }
refusal-unknown-objection = no objection { $id }
refusal-objection-not-open = objection { $id } is already resolved (record { $seq })
refusal-objection-contest-mismatch = objection { $id } is about contest { $other }, not { $contest }
refusal-outside-objection = station { $station } is outside objection { $id }'s place { $place }
refusal-unknown-correction = no correction { $id }
refusal-correction-predates-objection = correction { $correction } was made before objection { $objection } was filed
refusal-region-has-no-stations = { $region } has no polling stations under it; there is nothing to approve
refusal-not-a-witness = { $key } is not a registered witness
refusal-witness-revoked = witness { $key } was revoked at record { $revoked }
refusal-duplicate-witness = witness { $key } is listed twice on the approval
refusal-bad-witness-signature = witness { $key }'s signature does not verify over the approval statement
refusal-witness-out-of-scope = witness { $key } has scope { $scope }, which does not cover { $region }
refusal-approval-check = the projection refuses the approval: { $problem }

## Why the projection refuses an approval's digest
approval-digest-mismatch = digest { $claimed } claimed, the projection computes { $computed }
approval-child-not-approved = child region { $child } is not approved
approval-child-stale = child region { $child }'s approval is stale since record { $seq }
approval-stations-missing = { $missing } { $missing ->
        [one] station
       *[other] stations
    } have neither a sheet nor a void, e.g. { $example }

## Hard rules a sheet breaks
rule-absent-section-has-numbers = rule votes-only: the sheet carries only its vote section but gives voter, turnout or ballot numbers; leave them absent or give the whole sheet
rule-wrong-pair-count = rule pair-count: the sheet has votes for { $given } pairs, the contest has { $pairs }
rule-pair-votes-not-valid = rule pair-votes=valid: the pairs' votes add up to { $sum }, valid votes are { $valid }
rule-cast-not-ballots-used = rule valid+invalid=ballots-used: { $valid } valid + { $invalid } invalid != { $used } ballots used
rule-ballots-used-not-voted = rule ballots-used=voted: { $used } ballots used, { $voted } voters voted
rule-voted-over-registered = rule voted<=registered: { $voted } voted from { $list }, only { $registered } registered in it
rule-male-female-not-total = rule male+female=total: { $list } { $male } male + { $female } female != { $total } total
rule-ballots-unbalanced = rule ballots-received: { $received } received != { $used } used + { $damaged } damaged + { $unused } unused
rule-over-capacity = rule capacity: { $registered } registered voters, the station capacity is { $capacity }
rule-wrong-vote-type-count = rule vote-type-count: the sheet has { $given } counts by vote type, the contest needs { $expected } (pairs x vote types)
rule-vote-types-not-pair-votes = rule vote-types=pair-votes: pair { $pair }'s counts by vote type add up to { $sum }, its votes are { $votes }
rule-invalid-absent-on-full-sheet = rule invalid-given: a full sheet must give its invalid votes; only a votes-only sheet may leave them absent

## Limits
limit-too-long = { $field } has { $bytes } bytes; the limit is { $limit }
limit-too-many = { $count } { $field }; the limit is { $limit }

## Acts and roles, as refusals name them
act-register-officer = register an officer
act-revoke-officer = revoke an officer
act-submit-sheet = submit a sheet
act-correct-sheet = correct a sheet
act-record-revote = record a re-vote
act-void-station = void a station
act-file-objection = file an objection
act-resolve-objection = resolve an objection
act-approve-plenary = approve a plenary
act-note-sheet-source = note a sheet's source document
act-rotate-log-key = rotate the log key
role-kind-registrar = the registrar
role-kind-operator = an operator
role-kind-official = an official
role-kind-witness = a witness
role-kind-auditor = an auditor
