//! Every size the log accepts has a limit, so that no input can make it allocate without
//! bound. Decoders check these before allocating.

/// Largest payload one submission may carry. A bulk import splits its sheets into payloads
/// below this size.
pub const MAX_PAYLOAD_BYTES: usize = 16 * 1024 * 1024;

/// Fixed bytes of a record besides its payload: seq 8, prev_hash 32, recorded_at 8,
/// author 32, counter 8, payload length 8, signature 64, hash 32.
pub const RECORD_OVERHEAD_BYTES: usize = 8 + 32 + 8 + 32 + 8 + 8 + 64 + 32;

/// Largest encoded record.
pub const MAX_RECORD_BYTES: usize = MAX_PAYLOAD_BYTES + RECORD_OVERHEAD_BYTES;

/// Most records in one append batch.
pub const MAX_BATCH_RECORDS: usize = 100_000;

/// Most bytes in one append batch (all frames together).
pub const MAX_BATCH_BYTES: usize = 256 * 1024 * 1024;

/// Most failures a verification report lists; later ones are only counted.
pub const MAX_REPORTED_FAILURES: usize = 100;
