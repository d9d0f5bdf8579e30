## How an error is printed (exit codes 1, 3, 4)
error-prefix = error
error-hint-locked = hint: if `rekap serve` holds this store, send the command to it with --server URL (or REKAP_SERVER)
error-waiting-for-lock = waiting up to { $seconds } s for the store's lock
error-note-quarantined = note: { $moved }

## The ledger's errors
ledger-empty = the store is empty: create it with `rekap init`
ledger-not-empty = the store already holds { $records } records
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
import-rejected = the file has { $problems } problems; nothing was imported
import-not-an-operator = this key cannot import sheets: { $refusal }
import-too-large = the file is larger than { $limit } bytes
import-too-many-rows = the file has more than { $limit } rows
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
