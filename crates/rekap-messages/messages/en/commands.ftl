## The commands' own lines (src/commands/**)
command-not-a-signed-checkpoint = { $path } is not a signed checkpoint
command-listening-on = listening on http://{ $address }
command-election-has-no-contest = the election has no contest
command-contest-not-of-this-election = --contest { $id } is not a contest of this election
command-unknown-station-code = unknown station { $code }
command-unknown-station = unknown station { $station }
command-unknown-region-code = unknown region { $code }
command-unknown-region = unknown region { $region }
command-unknown-contest = unknown contest { $contest }
command-cannot-remove = cannot remove { $path }
command-cannot-sync = cannot sync { $path }
command-cannot-write = cannot write { $path }
command-cannot-read = cannot read { $path }
command-cannot-open = cannot open { $path }
command-cannot-create = cannot create { $path }
command-approve-offline-approve-needs-election-copy = --offline approve needs --election COPY and --digest HEX (the digest read out in the plenary); { $path } gets neither
command-approve-digest-not-bytes-hex = --digest { $digest } is not 32 bytes of hex
command-approve-store-or-server-computes-digest = the store (or server) computes digest { $encode } for { $region }, not { $expected }: not signed
command-approve-not-signature-file = { $path } is not a signature file
command-approve-format-not = { $path }: format { $format } is not { $signature-format }
command-approve-signs-digest-but-store-s = { $path } signs { $region } { $contest } digest { $digest }, but the statement being approved (the store's, the server's or --digest's) is { $region2 } { $contest2 } digest { $encode }
command-approve-not-bytes-hex = { $path }: { $field } is not { $n } bytes of hex
command-approve-refusal-not-publickeyhex-reason = --refusal { $text } is not PUBLICKEYHEX=REASON
command-approve-refusal-not-byte-public-key = --refusal: { $key } is not a 32-byte public key in hex
command-compare-problems-nothing-compared = { $path }: { $problems } { $problems ->
        [one] problem
       *[other] problems
    }; nothing compared
command-compare-level-needed-no-region-source = --level is needed: no region of the source is one of this election
command-compare-regions-equal-differ-only-rekap = regions: { $number } equal, { $number2 } differ, { $number3 } only in rekap, { $number4 } only in the source
command-compare-largest-differences = ; largest differences: { $join }
command-compare-largest-difference = { $code } pair { $pair } { $difference }
command-compare-source-at-another-level = --level { $level }: the source's { $count } regions are at level { $levels }, not { $level }; give --level { $levels }
command-compare-nothing-reported = ; { $number } with nothing reported on either side (not listed)
command-completions-cannot-write-man-pages = cannot write the man pages to { $path }
command-completions-wrote-man-pages = wrote the man pages to { $path }
command-definition-state-not-region-code-ascii = --state { $state } is not a region code (ASCII letters, digits, `.`, `_`; at most 32 bytes)
command-definition-exists-refusing-overwrite = { $path } exists; refusing to overwrite it
command-definition-wrote-contests-counties-precincts-review = wrote { $path } ({ $contests } contests) and { $path2 } ({ $counties } counties, { $precincts } precincts); review them, then `rekap init --election { $path3 }`
command-definition-definition-written-from-file-refused = the definition written from the file is refused
command-inputs-not-empty-inputs-writes-into = { $path } is not empty; --inputs writes into a new or empty directory
command-inputs-not-a-directory = { $path } is not a directory (or lies under a file); --inputs writes into a new or empty directory
command-demo-bytes-rekap-status-store-rekap =
    { $message } { $path } ({ $number } bytes)

    { $message2 }
    {"  "}rekap status --store { $store }
    {"  "}rekap totals --store { $store2 } --level district --lang { $lang }
    {"  "}rekap history --store { $store3 } --station { $station }
    {"  "}rekap prove --store { $store4 } --contest { $contest } --station { $station2 } --out proof.json
    {"  "}rekap verify-proof --proof proof.json
    {"  "}rekap verify --log { $path2 }
    {"  "}(with --inputs DIR the demo also writes the files to replay the operator's work: docs/TUTORIAL.md)
command-demo-exists-was-not-made-by = { $path } exists and was not made by `rekap demo`; choose another --store
command-demo-cannot-remove-earlier-demo = cannot remove the earlier demo { $path }
command-demo-exists-not-rekap-export-move = { $path } exists and is not a rekap export; move it away
command-walk-preset-has-no-contest = the preset has no contest { $contest-id }
command-walk-preset-s-contest-has-no = the preset's contest has no scope
command-walk-rekap-demo = rekap demo: { $name }
command-walk-preset-has-no-plenary-levels = the preset has no plenary levels
command-walk-demo-s-log-does-not = the demo's log does not verify: { $failure }
command-walk-station-has-no-plenary-region = station { $station } has no plenary region
command-walk-pair-s-c-hasil-photo = Pair 1's C.Hasil photo shows { $votes } votes, the record shows { $misentered-votes }
command-walk-demo-s-province-totals-differ = the demo's province totals { $numbers } differ from the official { $numbers2 }
command-export-exported-records-bytes-head =
    exported { $records } { $records ->
        [one] record
       *[other] records
    } ({ $bytes } bytes) to { $path }
    head { $encode }
command-export-results-rekap-log-head-after-record = rekap log head { $encode } after record { $count } (definition { $encode2 })
command-export-results-log-has-no-genesis = the log has no genesis
command-history-region-use-region = { $code } is a region: use --region { $code2 }
command-history-station-use-station = { $code } is a station: use --station { $code2 }
command-history-unknown-region-or-station = unknown region or station { $code }
command-history-since-give-record-number-yyyy = --since { $text }: give a record number, YYYY-MM-DD, YYYY-MM-DDTHH:MM or an RFC 3339 time
command-import-sheets-csv-import-reads-one = a sheets CSV import reads one file; give the others one at a time
command-import-appended-records-durable-head =
    { $summary }
    appended records { $first }..={ $last } (durable)
    head { $encode }
command-import-rows-append-already-imported = { $number } { $number ->
        [one] row
       *[other] rows
    }: { $number2 } to append, { $number3 } already imported
command-import-from-from-reads-one-file = --from { $format } reads one file
command-import-from-cannot-read = cannot read { $file }
command-import-from-documents-not-counted-yet-no = { $documents } { $documents ->
        [one] document
       *[other] documents
    }: { $not-counted } not counted yet (no chart), { $without-administration } without the portal's administrasi (valid = the chart's sum), { $invalid-unknown } without suara_tidak_sah (invalid recorded as absent); { $skipped } other files skipped
command-import-source-rows-sheets = { $rows } rows ({ $skipped } skipped: offices that are not contests, such as registered voters and ballots cast), { $sheets } sheets: { $to-append } to append, { $already } already imported; { $without } sheets without over or under votes (invalid recorded as absent)
command-import-from-from-csv-needs-columns-e = --from csv needs --columns (e.g. station=kode_tps,votes_1=suara_01,...)
command-import-from-columns-not-for = --columns is for --from csv and --from kawalpemilu; --from { $format } has columns of its own
command-import-from-sirekap-no-standard-input = --from sirekap reads files and directories named by TPS code, not standard input (-)
command-import-from-larger-than-bytes = { $path } is larger than { $limit } bytes
command-import-from-problems-nothing-imported-by-rule =
    { $total } { $total ->
        [one] problem
       *[other] problems
    }, nothing imported
    by rule or field:
command-import-from-every-problem-first-ones = every problem is in { $path }; the first ones:
command-import-from-more = {"."}.. and { $more } more
command-import-report-problems-nothing-imported = { $path }: { $total } { $total ->
        [one] problem
       *[other] problems
    }, nothing imported
command-import-report-more-problems-not-listed-limit = { $unlisted } more problems not listed (the limit is { $max-problems-for-a-file })
command-init-not-valid-election-definition = { $path } is not a valid election definition
command-init-regions-csv-line = { $path } line { $line }
command-keygen-wrote-secret-mode-public-key =
    wrote { $path } (secret, mode 0600)
    public key { $public-hex }
command-list-unknown-level = unknown level { $key }
client-copy-first-use = { $url }: checking its checkpoints with the log key its genesis names, { $vkey } (kept for this server; pass --server-log-key to pin one)
client-copy-server-refused = { $url } refused: { $reason }; the copy at { $path } keeps what it verified before
client-copy-behind-station = the verified copy of { $url } does not yet hold the current sheet the server has for { $station }; nothing was sent: try again in a few seconds
client-copy-cannot-open = cannot open the copy of the server's log at { $path }
mirror-retrying = mirror: attempt { $attempt }: { $reason }; retrying in { $milliseconds } ms
command-mirror-cannot-open-mirror-at = cannot open the mirror at { $path }
command-mirror-mirror-stops-following-keeps-serving = mirror: { $other }; it stops following and keeps serving what it holds
command-mirror-verified-records-server-s-checkpoint = verified: { $size } { $size ->
        [one] record
       *[other] records
    }, the server's checkpoint
command-mirror-verified-records-checkpoint-size = verified records { $from } to { $to } and the checkpoint of size { $to2 }
command-mirror-stale-server-shows-checkpoint-size = stale: the server shows the checkpoint of size { $shown }, this mirror holds { $held }
command-mirror-holds-no-mirror-status-run = { $path } holds no mirror status: run `rekap mirror --from URL --store { $path2 }` first
command-prove-record-must-be-shown-included = record { $seq } must be shown included in a signed checkpoint: give --checkpoint FILE (`rekap checkpoint` on the store, or a published tree's checkpoint)
command-prove-export-s-records-do-not = { $path }: the export's records do not make the tree of this checkpoint (size { $size })
command-prove-digest-must-be-hex-digits = --digest must be 64 hex digits
command-publish-up-date-at-size = { $path } is up to date at size { $size }
command-publish-published-size-was-files-bytes = published size { $size } (was { $old-size }) to { $path }: { $files } { $files ->
        [one] file
       *[other] files
    }, { $bytes } bytes, { $partials-removed } partial tiles removed
command-publish-note-log-has-records-rekap = note: the log has { $count } { $count ->
        [one] record
       *[other] records
    }; `rekap checkpoint` signs a checkpoint of them to publish
command-publish-log-has-signed-no-checkpoint = the log has signed no checkpoint yet: run `rekap checkpoint`
command-publish-store-s-tree-at-size = the store's tree at size { $size } is not its signed checkpoint's: run `rekap verify`
command-publish-holds-tile-tree-another-log = { $path } holds the tile tree of another log ({ $origin }, not { $origin2 }): publish to another directory
command-publish-holds-checkpoint-size-that-store = { $path } holds a checkpoint of size { $size } that the store's log does not extend
command-repair-wrote-records-copied-each-verified =
    wrote { $path }: records 1..={ $kept } copied, each verified (chain, hash, signature, counter, time)
    head { $encode }
command-repair-records-far-chunk-headers-tell = records { $first-seq }..={ $last } (as far as the chunk headers tell)
command-repair-record-any-after = record { $first-seq } and any after it
command-repair-lost-at-byte-log-segment =
    LOST: { $range }: at byte { $offset } of { $path }/log.segment: { $reason }
    A record cannot be chained without the one before it. Recover them from an export or a mirror; { $path2 } is unchanged.
command-rotate-log-key-rotated-log-key-at-record =
    rotated the log key at record { $seq }: it signs checkpoints from tree size { $seq2 }
    log key { $vkey }
    checkpoint size { $size }
command-serve-quorum-must-be-between-witnesses = --quorum { $quorum } must be between 1 and the { $witnesses } witnesses given
command-serve-not-name-file = { $text } is not NAME=FILE
command-serve-source-s-name-letters-digits = { $name }: a source's name is 1 to 40 letters, digits, - or _
command-serve-compare-name-given-twice = --compare { $name }=...: the name is given twice
command-serve-stopped-every-answered-submission-durable = stopped: every answered submission is durable
command-sheet-station-does-not-vote-contest = station { $station } does not vote in contest { $contest-id }
command-sheet-unknown-contest = unknown contest { $id }
command-sheet-definition-has-no-contests = the definition has no contests
command-sheet-contest-has-no-scope = the contest has no scope
command-status-no-saved-level-counts = no saved level counts
command-submit-more-than-stations-line = { $path }: more than { $max-stations-in-a-file } { $max-stations-in-a-file ->
        [one] station
       *[other] stations
    } (line { $index })
command-submit-no-station-codes-file = { $path }: no station codes in the file
command-submit-not-seq-index-e-g = { $text } is not SEQ.INDEX (e.g. 42.0)
command-submit-not-sequence-number = { $seq } is not a sequence number
command-submit-not-index = { $index } is not an index
command-submit-there-no-contest-election = there is no contest { $contest } in the election
command-tlog-log-signed-no-checkpoint-size = the log signed no checkpoint of size { $size } (signed sizes, newest first: { $numbers })
command-tlog-seq-checkpoint-size-holds-records = --seq { $seq }: the checkpoint of size { $size } holds records 1 to { $size2 }
command-tlog-store-s-tree-at-size = the store's tree at size { $size } is not its signed checkpoint's
command-tlog-from-need-from-log-s = --from { $from } --to { $to }: need 1 <= from <= to <= { $count } (the log's record count)
command-tlog-line-expected-decimal-size = line { $index }: expected `{ $prefix }<decimal size>`
command-tlog-line-not-consistency-proof-expected = line 1: not a consistency proof (expected { $consistency-header })
command-tlog-line-not-standard-base-bytes = line { $index }: not standard base64 of 32 bytes
command-tlog-not-log-vkey = { $text } is not a log vkey
command-tlog-not-valid-signed-checkpoint = { $path } is not a valid signed checkpoint
command-tlog-checkpoints-are-two-logs = the checkpoints are of two logs: { $origin } and { $origin2 }
command-tlog-not-consistency-proof = { $path } is not a consistency proof
command-tlog-proof-from-size-but-checkpoints = the proof is from size { $from } to { $to }, but the checkpoints are of sizes { $size } and { $size2 }
command-tlog-consistent-size-prefix-size = consistent: { $origin } size { $size } is a prefix of size { $size2 } ({ $signed })
command-tlog-newer-checkpoint-s-tree-does = the newer checkpoint's tree does not extend the older one's
command-totals-warning-not-answering-from-saved = warning: { $reason }; not answering from the saved totals view
command-totals-at-records-are-numbered-from = --at 0: records are numbered from 1 (the genesis); this log holds 1 to { $head }
command-totals-at-beyond-head-this-log = --at { $at } is beyond the head: this log holds records 1 to { $head }
command-totals-warning-totals-view-was-not = warning: the totals view was not saved ({ $error }); the next totals replays
command-totals-answered-from-saved-totals-view = (answered from the saved totals view of record { $head-count }, the log's last record; `rekap audit` checks it against the whole log)
command-totals-warning-recomputing-totals-from-log = warning: { $damage }; recomputing the totals from the log
command-verify-verifying-tile-tree-at = verifying the tile tree at { $source }
command-verify-checkpoint-size-entries-tiles-root = { $human }checkpoint { $origin } size { $size }: entries, tiles and root verified ({ $signature })
command-verify-tiles-tile-tree-has-no = the tile tree has no { $path }
command-verify-tiles-tile-tree-s-checkpoint-refused = the tile tree's checkpoint is refused: not UTF-8
command-verify-tiles-tile-tree-s-checkpoint-refused-2 = the tile tree's checkpoint is refused: { $error }
command-verify-tiles-tile-tree-s-checkpoint-empty = the tile tree's checkpoint is of the empty log: it holds no genesis
command-verify-tiles-checkpoint-s-origin-not-genesis = the checkpoint's origin { $origin } is not the genesis's { $origin2 }
command-verify-tiles-checkpoint-refused-log-key-not = the checkpoint is refused: --log-key { $to-vkey } is not a key of this log
command-verify-tiles-checkpoint-refused-size-not-signed = the checkpoint is refused: size { $size } is not signed by the key the log names for it (from tree size { $map-or }): { $error }
command-verify-tiles-entry-record-not-hash = { $path }: entry of record { $seq } is not its hash
command-verify-tiles-hashes-are-not-those-records = { $path }: the hashes are not those of the records' tree
command-witness-name-cannot-name-key = --name { $name } cannot name a key
command-witness-cannot-serve-on = cannot serve on { $listen }
command-witness-not-evidence-file = { $path } is not an evidence file
command-witness-proven-log-seen-by = proven: { $reason } (log { $log-key }, seen by { $observer })
command-witness-not-proven = not proven: { $reason }
command-witness-witness-not-cosignature-vkey = --witness { $text } is not a cosignature vkey
command-witness-checkpoint-cosigned-by-witnesses = checkpoint cosigned by { $names } witnesses: { $join }
command-approve-field-witness-key = witness key
command-approve-field-signature = signature
command-compare-equal = equal
command-compare-differs = differs
command-compare-only-rekap = only in rekap
command-compare-only-source = only in the source
command-compare-code = Code
command-compare-name = Name
command-compare-source = source
command-compare-difference = diff
command-compare-source-tps = Source TPS
command-compare-status = Status
command-definition-nothing-imported = nothing imported
command-definition-no-definition-written = no definition written
command-export-results-unresolved-references = internal error: unresolved references { $references }
command-import-dry-run = dry run, nothing appended
command-import-nothing-to-append = nothing to append
command-import-report-by-rule-or-column = by rule or column:
command-import-report-problems-file-writes-every-one = `--problems FILE` writes every one
command-publish-locked-by-server = the store is locked: while `rekap serve` holds it, the server serves the same tile tree under /tlog/ (mirror that, or stop the server to publish)
command-repair-nothing-lost = nothing lost: every record of the original verifies
command-tlog-both-signed = both signed by the log key
command-tlog-signatures-not-checked = signatures not checked (no --log-key)
command-verify-signed-by-log-key = signed by the log key
command-verify-signature-not-checked = signature not checked: the log names no key
command-verify-log-empty-no-genesis = the log is empty: it holds no genesis
command-verify-record-one-not-genesis = record 1 is not a genesis (the election definition)
command-verify-record-one-not-decoded = record 1 does not decode as a genesis
command-verify-tiles-tree-not-root = the tree of the records is not the checkpoint's root
command-keys-cannot-create-key-file-must = cannot create key file { $path } (it must not exist)
command-keys-cannot-encode-key-pkcs = cannot encode the key as PKCS#8: { $error }
command-keys-no-randomness = no randomness: { $error }
command-new-store-cannot-set-mode = cannot set the mode of { $path }
command-new-store-store-complete-but-directory-could = the store { $path } is complete, but its directory could not be flushed to disk
command-new-store-cannot-flush-disk = cannot flush { $path } to disk
command-new-store-note-was-left-by-init = note: { $path } was left by an init that was interrupted; it is not a store and can be deleted
command-sheet-args-sheet-needs-correct-takes-them = the sheet needs { $join } (correct takes them from the current sheet, but only from a local --store)
command-sheet-args-votes-by-type-contest-has = --votes-by-type: contest { $contest } has no vote types
command-sheet-args-votes-by-type-expected-type = --votes-by-type { $item }: expected TYPE=N,N,... (votes per pair)
command-sheet-args-votes-by-type-not-vote = --votes-by-type: { $key } is not a vote type of contest { $contest } (its types: { $join })
command-sheet-args-votes-by-type-given-twice = --votes-by-type: { $key } is given twice
command-sheet-args-votes-by-type-votes-are = --votes-by-type { $item }: the votes are not whole numbers
command-sheet-args-votes-by-type-needs-every = --votes-by-type needs every vote type of contest { $contest }: { $join } not given
command-sheet-args-votes-by-type-gives-counts = --votes-by-type: { $key } gives { $counts } counts, { $vote-types } gives { $pairs } (one per pair)
command-sheet-args-changes-from-give-male-female = { $flag } changes from { $total } to { $total2 }: give { $flag2 }-male and { $flag3 }-female too (the sheet records the split)
command-new-store-is-current-directory = is the current directory; init writes the store beside its target and renames it into place, so run it from the parent directory
command-new-store-occupied = already exists and is not an empty directory; choose a new path
command-new-store-mount-point = is a mount point or on another file system than its parent; give a path inside it
command-new-store-not-put-in-place = could not be put in place
command-new-store-store-reason = store { $path }: { $reason }
command-transparency-no-checkpoint-signed = warning: no checkpoint was signed: { $error }
command-import-reading-export = reading the export of { $source }
command-import-export-does-not-verify-nothing = the export of { $source } does not verify: nothing sent
command-import-offline-import-needs-election-export = --offline import needs --election EXPORT (the store's export, to check the rows)
command-import-signed-submissions-up-counter-written = signed submissions up to counter { $counter } written to { $path }; send them with `rekap send`
command-import-neither-server-nor-offline = neither --server nor --offline
command-inclusion-receipt-s-tlog-proof = the receipt's tlog-proof: { $error }
command-inclusion-receipt-s-tlog-proof-entry = the receipt's tlog-proof is of entry { $index }, not of record { $seq }
command-inclusion-receipt-s-checkpoint = the receipt's checkpoint: { $error }
command-inclusion-receipt-s-inclusion-proof-does = the receipt's inclusion proof does not verify: { $error }
command-inclusion-inclusion-no-published-checkpoint-holds = inclusion: no published checkpoint holds record { $seq } yet; GET /v1/inclusion/{ $seq2 } later
command-inclusion-included-checkpoint-size-root-inclusion = included in checkpoint { $origin } size { $size } (root { $encode }): inclusion proof verified; its signature: `rekap verify-proof --log-key` or `verify --tiles --log-key`
command-client-server-s-statement = the server's statement: { $error }
command-client-not-counter = { $path } is not a counter
command-client-key-s-counter-kept-being = the key's counter kept being taken by another client; try again
command-client-already-log-receipt-first-time = (already in the log: the receipt of the first time it was sent)
command-client-appended-record-event-id-head =
    appended record { $seq } (event id { $event-id })
    head { $encode }
command-client-offline-needs-election-file-export = --offline needs --election FILE (an export of the store, or `GET /v1/election` saved)
command-client-signed-submission-key-written-send = signed submission { $counter } of key { $encode } written to { $path }; send it with `rekap send`
command-client-export-holds-no-record = { $path }: the export holds no record
command-client-record-not-genesis = { $path }: record 1 is not a genesis
command-client-neither-export-nor-json = { $path }: neither an export nor JSON
command-client-appended-record-event-id = { $label }: appended record { $seq } (event id { $event-id }), record hash { $hash }{ $else }
command-client-sent-refused = { $sent } sent ({ $appended } appended, { $repeated } already in the log), { $refused } refused
command-client-send-counter-used-sign-again =
    hint: the log already holds this counter of the key (it appended without `KEY.counter` beside the key file, or from another copy of the key); `send` cannot sign again: sign the submission again with `--offline FILE --election EXPORT`, EXPORT an export of the log as it is now (`rekap export`, or `GET /v1/export`), whose records give the key's last counter
command-client-already-in-log = already in the log
## an audit's failures, from their typed cause (src/error_words/audit.rs)
audit-cause-empty-log = the log is empty: no genesis
audit-cause-not-genesis = record 1 is not a genesis
audit-cause-genesis-undecodable = record 1 does not decode: { $problem }
audit-cause-undecodable = payload does not decode: { $problem }
audit-cause-event-refused = event { $index }: { $refusal }
audit-cause-payload-refused = payload: { $refusal }
audit-cause-hard-rule = sheet { $sheet }: { $violation }
audit-cause-rebuilt-totals-differ = region { $region }: the rebuilt totals differ from the projection's
audit-cause-not-sum-of-children = region { $region }: not the sum of its children
## soft-rule flags (src/error_words/flag.rs), the model's Display in words
flag-high-turnout = S1 high turnout: { $voted } voted of { $registered } registered (over { $threshold }%)
flag-one-pair-all-votes = S2 one pair has every valid vote: pair { $pair } has all { $valid }
flag-high-invalid-share = S3 many invalid votes: { $invalid } of { $cast } cast (over { $threshold }%)
flag-same-sheet-at-many-stations = S4 the same numbers at { $stations } { $stations ->
        [one] station
       *[other] stations
    } (the threshold is { $threshold })
flag-far-from-neighbours = S5 far from its neighbours: pair { $pair } has { $share }% here, { $neighbours }% over { $sheets } other sheets of the village (more than { $threshold } points apart)
## the log verifier's reasons (src/error_words/chain.rs)
chain-record-undecodable = record does not decode: { $error }
chain-wrong-seq = record at position { $position } says seq { $seq }
chain-previous-hash = previous-hash { $found } does not match the hash { $expected } of record { $seq }
chain-time-backwards = recorded time { $time } ms goes backwards from { $previous } ms
chain-hash-mismatch = record hash does not match its contents
chain-signature = signature does not verify
chain-counter-replayed = author { $author } counter { $counter } is not above its previous { $last } (replayed submission)
chain-cut-off-in-length = record is cut off: the file ends inside its length
chain-cut-off = record is cut off: the file ends inside it
chain-trailer-missing = the trailer is missing: the file is truncated
chain-no-trailer = no trailer after the declared records: the header's record count is wrong
chain-bytes-after-trailer = bytes follow the trailer
