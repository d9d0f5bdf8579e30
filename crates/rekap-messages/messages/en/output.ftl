## output of verify, audit and prove

## verify
verify-ok = ok: { $records } { $records ->
        [one] record verifies
       *[other] records verify
    }
verify-failed = FAILED: { $records } { $records ->
        [one] record
       *[other] records
    } read, { $failures } { $failures ->
        [one] failure
       *[other] failures
    }
verify-head = head { $head }
verify-failure-record = record { $seq }: { $reason }
verify-failure-file = file: { $reason }
verify-more = ... and { $count } more
verify-tiles-failed = FAILED: the tile tree's checkpoint: { $reason }

## audit
audit-passed = audit passed
audit-failed = AUDIT FAILED
audit-summary = { $verdict }: { $records } { $records ->
        [one] record
       *[other] records
    }, head { $head }
audit-no-records = no records
audit-records-up-to = records 1..{ $last }
audit-unauthenticated = checks 3-9 judged { $judged } only; record { $position } is not authenticated (checks 1-2), so nothing after it was judged and no projection digest is given
audit-verdict-stopped = STOPPED
audit-verdict-listed = listed
audit-verdict-passed = passed
audit-verdict-failed = FAILED
audit-checked = { $count } checked
audit-failed-count = { $count } failed
audit-first-failure = first failure at { $place }: { $reason }
audit-place-file = file
audit-place-record = record { $seq }
audit-flag = flag { $flag }
audit-projection-digest = projection digest { $digest }
audit-check-1 = chain: hashes, links, sequence, time, counters
audit-check-2 = signatures of every record
audit-check-3 = genesis: definition well formed and bound by every payload
audit-check-4 = authority: every event allowed for its author at its position
audit-check-5 = decisions: every event judged again by the model
audit-check-6 = sheets: every hard rule holds for every version
audit-check-7 = approvals: digests, witness signatures, fresh children
audit-check-8 = final state: every level is the sum of its sheets
audit-check-9 = soft-rule flags (listed, not failures)

## progress
progress-checking-chain = checking the chain and signatures
progress-replaying-decisions = replaying every decision
progress-opening-store = opening the store
progress-reading-export = reading the export to check the rows against
progress-checking-rows = checking the rows
progress-appending = deciding, signing and appending
progress-saving-view = saving the totals view
progress-replaying = replaying the log
progress-generating = generating the election
progress-exporting = exporting
progress-publishing = publishing tiles
progress-records = records
progress-rows = rows
progress-left = left

## prove
prove-wrote = wrote { $out }: station { $station } votes { $votes } inside the approval of { $region } (record { $seq }), digest { $digest }
prove-export-does-not-verify = FAILED: { $path } does not verify ({ $place }: { $reason }); no proof is made from it
prove-place-file = file
prove-place-record = record { $seq }
prove-failed = FAILED: { $failure }
prove-digest-equal = equal to the given digest
prove-digest-compare = compare it with the published one
prove-ok = ok: station { $station } with votes { $votes }, valid { $valid }, invalid { $invalid } is inside the approval of { $region } { $contest }
prove-totals = { $region } totals: votes { $votes }, valid { $valid }, invalid { $invalid }, stations reported { $reported } voided { $voided } of { $expected }
prove-digest = digest { $digest } ({ $source })
prove-signed-by = signed by { $author } for definition { $definition }; witnesses who signed: { $witnesses }; refused: { $refusals }
prove-log-key-signed = signed by the log key
prove-log-key-unchecked = signature not checked: no --log-key
prove-included = record { $seq } (hash { $hash }) is included in checkpoint { $origin } size { $size } ({ $signed })
prove-not-shown = not shown by the proof alone: that { $author } is an official of { $region } (see the genesis)
prove-no-keys = none
progress-demo-genesis = writing the genesis and registering witnesses
progress-demo-importing = importing every sheet
progress-demo-lowest-plenaries = plenaries at the lowest level
progress-demo-objection = an objection, a correction and a re-approval
progress-demo-plenaries-up = plenaries up the ladder
progress-demo-verifying = verifying the whole log

## what writing commands print (each ends with a line break)
submit-appended =
    appended record { $seq } (event id { $seq }.0)
    head { $head }
    {""}
approve-signed =
    signed { $region } { $contest } digest { $digest }
    wrote { $out }
    {""}
approve-approving =
    approving { $region } { $contest } digest { $digest }
    {""}
init-created =
    created store { $store } for "{ $name }"
    definition { $definition }
    head { $head }
    {""}
