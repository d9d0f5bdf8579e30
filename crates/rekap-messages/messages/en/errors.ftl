## How an error is printed (exit codes 1, 3, 4)
error-prefix = error
error-hint-locked = hint: if `rekap serve` holds this store, send the command to it with --server URL (or REKAP_SERVER)
error-waiting-for-lock = waiting up to { $seconds } s for the store's lock
client-retrying = the server is not reachable or busy ({ $reason }); trying again for up to { $seconds } s (--wait SECONDS sets how long, 0 tries once)
error-note-quarantined = note: { $moved }

## The ledger's errors
ledger-empty = the store is empty: create it with `rekap init`
ledger-not-empty = the store already holds { $records } { $records ->
        [one] record
       *[other] records
    }
ledger-undecodable = record { $seq } does not decode as a rekap payload: { $problem }
ledger-no-genesis = record 1 is not a genesis (an election definition)
ledger-invalid-record = record { $seq } holds an event the model refuses: { $refusal }
ledger-genesis-refused = the genesis is refused: { $refusal }
ledger-not-next = record { $seq } from elsewhere is not the next record of this log: { $reason }
ledger-refused = refused, nothing appended: { $refusal }

## The log's errors
append-empty-batch = the batch is empty
append-too-many-records = the batch has { $count } submissions; the limit is { $limit }
append-batch-too-large = the batch has { $bytes } bytes; the limit is { $limit }
append-payload-too-large = submission { $index }: payload of { $bytes } bytes exceeds the limit of { $limit }
append-bad-signature = submission { $index }: the signature does not verify for author { $author }
append-counter-not-increasing = submission { $index }: counter { $counter } of author { $author } is not above its last counter { $last } (a replayed or reordered submission)
append-tail-does-not-verify = the store's last records do not verify, so nothing may be appended after them: { $reason }
log-corrupt = record { $seq } could not be decoded: { $reason }
storage-locked = store { $path } is locked by another process
storage-io = store { $path }: { $reason }
storage-corrupt = store is corrupt: { $reason }
storage-damaged = store { $path } is damaged: byte { $offset } of log.segment: { $reason }
storage-injected-fault = injected fault: { $reason }

## Payload bytes that do not decode
decode-too-large = payload of { $bytes } bytes exceeds the limit of { $limit }
decode-bincode = payload does not decode: { $reason }
decode-trailing-bytes = payload has { $extra } bytes after its end
decode-event = event { $index }: { $limit }
decode-definition-version = the genesis holds a definition of format version { $found }; this rekap reads version { $supported } only (the store was made by another version of rekap)

## A sheets CSV that cannot be imported
import-rejected = the file has { $problems } { $problems ->
        [one] problem
       *[other] problems
    }; nothing was imported
import-not-an-operator = this key cannot import sheets: { $refusal }
import-too-large = the file is larger than { $limit } bytes
import-too-many-rows = the file has more than { $limit } { $limit ->
        [one] row
       *[other] rows
    }
import-line-too-long = line { $line } is longer than { $limit } bytes
import-io = reading the file failed: { $reason }
import-csv = the file is not valid CSV: { $reason }

## Files and key files
error-cannot-read = cannot read { $path }
error-not-utf8 = { $path } is not UTF-8 text (byte { $byte } is not valid UTF-8)
key-cannot-read = cannot read key file { $path }
key-loose-mode = key file { $path } is readable or writable by others than its owner (mode { $mode }); run `chmod 600 { $word }`
key-not-pkcs8 = { $path } is not an ed25519 PKCS#8 private key ({ $reason })
key-not-a-key-file = { $path } is not a rekap key file (first line must be { $header }, or a PKCS#8 PEM { $pem })
key-bad-seed = { $path }: the second line must be 64 hex digits
key-not-public = { $text } is not an ed25519 public key (64 hex digits, an `ssh-ed25519 AAAA...` line or a PEM PUBLIC KEY), nor a file holding one
select-no-contests = the definition has no contests
select-unknown-region = unknown region { $region }
select-outside-scope = region { $region } is not in contest { $contest }, whose scope is { $scope }
select-unknown-level = unknown level { $key }; levels with regions: { $known }
prove-error-no-sheet = station { $station } has no counting sheet for { $contest }
prove-error-unknown-level = unknown level { $level } (the definition's plenary levels: { $known })
prove-error-not-plenary = level { $level } holds no plenary; a proof ends at a plenary approval ({ $known })
prove-error-outside-scope = station { $station } has no region at level { $level } inside the scope of { $contest }
prove-error-not-approved = { $region } has not approved { $contest } yet
prove-error-nothing-approved = no plenary above station { $station } has approved { $contest } yet
prove-error-stale = the approval of { $region } is stale (changed since record { $since })
proof-failure-format = not a rekap proof (format { $found })
proof-failure-sheet-bytes = sheet bytes are not a tally sheet: { $reason }
proof-failure-numbers-differ = the sheet numbers shown differ from the sheet bytes
proof-failure-no-steps = the proof has no steps
proof-failure-shape = step { $step } ({ $region }): index { $index } of size { $size } does not fit { $siblings } siblings
proof-failure-totals-differ = step { $step } ({ $region }): the totals shown are not the sum of its children
proof-failure-overflow = step { $step } ({ $region }): the children's totals overflow
proof-failure-json = not a proof file: { $reason }
proof-failure-not-canonical = the file is not written as rekap writes a proof (a field, number or hex digit differs from its canonical form)
proof-failure-record-bytes = the approval's record bytes are not a record: { $reason }
proof-failure-differs = approval.{ $field } is { $shown }, but the { $against } gives { $found }
proof-failure-record-hash = the approval record's hash field is not the hash of its bytes
proof-failure-signature = the approval record's signature does not verify under its author's key
proof-failure-payload = the approval record's payload is not a rekap events payload: { $reason }
proof-failure-not-an-approval = the approval record has no event { $event } that is a plenary approval
proof-failure-witness-signature = witness { $witness }'s signature on the approval does not verify
proof-failure-log-proof = the approval record's inclusion in the log: { $reason }
proof-failure-not-published = the proof computes digest { $computed } but the published digest is { $published }
storage-not-a-store = is not a rekap store (no REKAP_STORE marker); create one with `rekap init`
storage-other-format = is a rekap store of format { $found }; this rekap reads format { $wanted }. Export its log with the rekap that wrote it (`rekap export`); this one verifies and audits the export (`rekap verify --log`, `rekap audit --log`)
server-body-ends-early = the body ends after { $bytes } bytes, { $missing } more expected: a signed submission's canonical bytes are author (32), counter (8), payload length (8, little-endian), the payload, signature (64)
server-body-payload-too-long = the body's payload length is above the { $limit }-byte limit of a record: not a signed submission's canonical bytes
server-body-not-submission = the body ({ $bytes } bytes) is not a signed submission's canonical bytes: author (32), counter (8), payload length (8, little-endian), the payload, signature (64)
