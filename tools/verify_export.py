#!/usr/bin/env python3
"""Independent verifier of a rekap export file, written from docs/FORMAT.md alone.

Usage: python3 tools/verify_export.py FILE [--json] [--checkpoint NOTE [--log-key VKEY]]

Checks the header, every frame, the per-record checks 1-7 of FORMAT.md (in that order),
the trailer, and that nothing follows the trailer. Computes the RFC 6962 SHA-256 tree over
the records (FORMAT.md "Transparency log": entry i is record i+1's blake3 hash) and prints
its root. With --checkpoint (a C2SP signed note, as `rekap checkpoint` prints or a tile
tree's `checkpoint`), the tree of the checkpoint's size must have the checkpoint's root;
and it must be signed by the key the log itself names for its size (FORMAT.md "Log keys":
the genesis's LogIdentity, then each LogKeyRotated record), under the genesis's origin. With
--log-key (the C2SP vkey `rekap log-key` prints, or a file holding it) that key must be one
of the log's keys. Prints one JSON object
with --json ({"ok", "records", "head", "tree_root", "failures": [{"seq", "reason"}]}), a
short summary otherwise.
Exit status: 0 verified, 1 not verified, 2 usage error, 3 file unreadable (as `rekap verify`).

Dependencies: the Python 3 standard library, `blake3` and `cryptography`.
"""

import base64
import binascii
import hashlib
import json
import os
import struct
import sys

import blake3
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

MAGIC = b"REKAPLOG"
END_MAGIC = b"REKAPEND"
VERSION = 1
MAX_PAYLOAD = 16 * 1024 * 1024  # 16,777,216
RECORD_OVERHEAD = 192
MIN_FRAME = RECORD_OVERHEAD
MAX_FRAME = MAX_PAYLOAD + RECORD_OVERHEAD  # 16,777,408
SUBMISSION_PREFIX = b"rekap/v1/submission"
RECORD_PREFIX = b"rekap/v1/record"
ZERO32 = bytes(32)

# ---------------------------------------------------------------------------------------
# Ed25519, as close to ed25519-dalek 2 `verify_strict` as the `cryptography` package allows.
#
# `cryptography` (OpenSSL) implements RFC 8032 verification: it rejects a non-canonical S
# (S >= L) and checks the cofactorless equation [S]B = R + [k]A by comparing the encoding of
# the computed R with the signature's R bytes. It does NOT reject small-order public keys or
# small-order R, which verify_strict does. We add that rule here with a small pure-Python
# Edwards25519 decompression and [8]P == identity test (the same test as curve25519-dalek's
# `is_small_order`). Remaining possible differences from verify_strict, not emulated:
#  - non-canonical encodings of the public key (y >= p, or x = 0 with the sign bit set):
#    curve25519-dalek decompresses them leniently; OpenSSL's treatment may differ, so such a
#    key could be accepted by one and rejected by the other;
#  - any other corner where OpenSSL's point decoding differs from curve25519-dalek's.
# No honest signer produces such keys or signatures; the difference only matters for
# deliberately crafted inputs.
# ---------------------------------------------------------------------------------------
_P = 2**255 - 19
_D = (-121665 * pow(121666, _P - 2, _P)) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def _decompress(enc):
    """Decode a 32-byte Edwards25519 point leniently (like curve25519-dalek): y is taken
    modulo p, the sign bit selects x. Returns extended coordinates or None."""
    v = int.from_bytes(enc, "little")
    sign = v >> 255
    y = (v & ((1 << 255) - 1)) % _P
    u = (y * y - 1) % _P
    w = (_D * y * y + 1) % _P
    # x = sqrt(u / w)
    x = (u * pow(w, 3, _P) * pow(u * pow(w, 7, _P), (_P - 5) // 8, _P)) % _P
    if (w * x * x - u) % _P != 0:
        x = (x * _SQRT_M1) % _P
        if (w * x * x - u) % _P != 0:
            return None
    if (x & 1) != sign:
        x = (-x) % _P
    return (x, y, 1, (x * y) % _P)


def _double(pt):
    x1, y1, z1, _ = pt
    a = x1 * x1 % _P
    b = y1 * y1 % _P
    c = 2 * z1 * z1 % _P
    h = (a + b) % _P
    e = (h - (x1 + y1) * (x1 + y1)) % _P
    g = (a - b) % _P
    f = (c + g) % _P
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _is_small_order(pt):
    q = _double(_double(_double(pt)))
    x, y, z, _ = q
    return x % _P == 0 and (y - z) % _P == 0


def verify_signature(public_key, signature, message):
    """Returns None if valid, else a short reason."""
    a = _decompress(public_key)
    if a is None:
        return "author public key is not a valid curve point"
    r = _decompress(signature[:32])
    if r is None:
        return "signature R is not a valid curve point"
    if _is_small_order(a):
        return "author public key has small order (rejected by strict verification)"
    if _is_small_order(r):
        return "signature R has small order (rejected by strict verification)"
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except InvalidSignature:
        return "signature does not verify"
    except Exception as exc:  # e.g. a key OpenSSL refuses to load
        return "signature cannot be checked: %s" % (exc.__class__.__name__,)
    return None


# ---------------------------------------------------------------------------------------
# Export file
# ---------------------------------------------------------------------------------------


class Result:
    def __init__(self):
        self.failures = []
        self.records = 0
        self.head = ZERO32
        # The record hashes in order: the transparency tree's entries.
        self.entries = []
        # The log's origin and keys, (from tree size, key), as its records name them.
        self.log_keys, self.origin, self.registrar, self.definition_hash = [], None, None, None

    def fail(self, seq, reason):
        self.failures.append({"seq": seq, "reason": reason})


def _read_exact(f, n):
    data = f.read(n)
    return data if data is not None else b""


def check_record(pos, rec, state, res):
    """Per-record checks 1-7 of FORMAT.md, in order. `pos` is the 1-based position of the
    record in the file; every failure is reported at `pos`. Returns the record's hash
    field (used as the previous hash of the next record) or None if it did not decode."""
    # 1. The record decodes.
    if len(rec) < RECORD_OVERHEAD:
        res.fail(pos, "record is %d bytes, less than 192" % len(rec))
        return None
    (plen,) = struct.unpack_from("<Q", rec, 88)
    if plen > MAX_PAYLOAD:
        res.fail(pos, "payload length %d exceeds 16 MiB" % plen)
        return None
    if RECORD_OVERHEAD + plen != len(rec):
        res.fail(pos, "payload length %d does not match frame length %d (expected %d)"
                 % (plen, len(rec), RECORD_OVERHEAD + plen))
        return None
    (seq,) = struct.unpack_from("<Q", rec, 0)
    prev_hash = rec[8:40]
    (recorded_at,) = struct.unpack_from("<Q", rec, 40)
    author = rec[48:80]
    (counter,) = struct.unpack_from("<Q", rec, 80)
    signature = rec[96 + plen:160 + plen]
    stored_hash = rec[160 + plen:192 + plen]

    # 2. seq equals its position.
    if seq != pos:
        res.fail(pos, "seq is %d, expected %d" % (seq, pos))
    # 3. prev_hash equals the previous record's hash (zeros for the first).
    if state["prev_hash"] is not None and prev_hash != state["prev_hash"]:
        res.fail(pos, "prev_hash %s does not match hash of previous record %s"
                 % (prev_hash.hex(), state["prev_hash"].hex()))
    # 4. hash equals the record hash.
    computed = blake3.blake3(RECORD_PREFIX + rec[:160 + plen]).digest()
    if computed != stored_hash:
        res.fail(pos, "record hash %s does not match computed %s"
                 % (stored_hash.hex(), computed.hex()))
    # 5. recorded_at_ms is not less than the previous record's.
    if state["time"] is not None and recorded_at < state["time"]:
        res.fail(pos, "recorded_at_ms %d is less than previous record's %d"
                 % (recorded_at, state["time"]))
    # 6. counter is greater than the counter of the same author's previous decoded record
    #    (failed or not; FORMAT.md, "Counters").
    last = state["counters"].get(author)
    if last is not None and counter <= last:
        res.fail(pos, "counter %d of author %s is not greater than its last counter %d"
                 % (counter, author.hex(), last))
    # 7. signature verifies for author over the submission message.
    message = SUBMISSION_PREFIX + rec[48:96 + plen]
    why = verify_signature(author, signature, message)
    if why is not None:
        res.fail(pos, why)

    # State for the next record: the values as read, even if this record failed (so a
    # single bad byte in this record is not reported again at the next one, except where
    # the next record genuinely disagrees with what this record says).
    state["time"] = recorded_at
    state["counters"][author] = counter
    follow_log_keys(pos, author, rec[96:96 + plen], res)
    return stored_hash


def verify_file(f, res):
    # Header
    hdr = _read_exact(f, 20)
    if len(hdr) < 20:
        res.fail(None, "file too short for a header (%d bytes, need 20)" % len(hdr))
        return
    if hdr[:8] != MAGIC:
        res.fail(None, "bad header magic %s (expected %s)" % (hdr[:8].hex(), MAGIC.hex()))
        return
    (version,) = struct.unpack_from("<I", hdr, 8)
    if version != VERSION:
        res.fail(None, "unsupported version %d (expected %d)" % (version, VERSION))
        return
    (count,) = struct.unpack_from("<Q", hdr, 12)

    state = {"prev_hash": ZERO32, "time": None, "counters": {}}
    pos = 0
    while pos < count:
        pos += 1
        lb = _read_exact(f, 4)
        if len(lb) == 0:
            # A whole log cut at a frame boundary: no record holds the fault, so (like a
            # header or trailer failure) it is reported without a sequence number.
            res.fail(None, "header count is %d but the file ends after %d records"
                     % (count, pos - 1))
            return
        if len(lb) < 4:
            res.fail(pos, "file ends inside the frame length of record %d" % pos)
            return
        (flen,) = struct.unpack("<I", lb)
        if flen < MIN_FRAME or flen > MAX_FRAME:
            if lb == END_MAGIC[:4]:
                more = _read_exact(f, 4)
                if lb + more == END_MAGIC:
                    # "REKA" is never a valid frame length: this is the trailer, so the
                    # header's count is wrong (a header fault, reported without seq).
                    res.fail(None, "trailer found after %d records but header count is %d"
                             % (pos - 1, count))
                    return
            res.fail(pos, "frame length %d outside %d..=%d" % (flen, MIN_FRAME, MAX_FRAME))
            return
        rec = _read_exact(f, flen)
        if len(rec) < flen:
            res.fail(pos, "file ends inside the frame of record %d (%d of %d bytes)"
                     % (pos, len(rec), flen))
            return
        res.records = pos
        h = check_record(pos, rec, state, res)
        if h is None:
            # Record did not decode; its frame is still delimited, so continue. Its hash
            # field cannot be trusted to be where the frame ends, but the frame length says
            # the hash is the last 32 bytes of the frame: use that for the next link.
            h = rec[-32:]
        state["prev_hash"] = h
        res.head = h
        res.entries.append(h)

    # Trailer
    tr = _read_exact(f, 40)
    if len(tr) < 40:
        res.fail(None, "file too short for the trailer (%d of 40 bytes)" % len(tr))
        return
    if tr[:8] != END_MAGIC:
        # Either the trailer is damaged or the header's count is too small; either way the
        # end of the log cannot be located, so stop here (like a framing error).
        res.fail(None, "no trailer after the %d records the header declares "
                       "(found %s, expected magic %s)" % (count, tr[:8].hex(), END_MAGIC.hex()))
        return
    head = tr[8:40]
    if head != res.head:
        res.fail(None, "trailer head %s does not match hash of last record %s"
                 % (head.hex(), res.head.hex()))
    extra = f.read(1)
    if extra:
        rest = 1 + len(f.read())
        res.fail(None, "%d bytes follow the trailer" % rest)


# ---------------------------------------------------------------------------------------
# Transparency tree and checkpoints (FORMAT.md "Transparency log": RFC 6962, C2SP notes)
# ---------------------------------------------------------------------------------------


def _sha256(data):
    return hashlib.sha256(data).digest()


def tree_root(entries):
    """RFC 6962 MTH over 32-byte entries: leaf SHA-256(0x00||e), node SHA-256(0x01||l||r).

    Perfect subtrees are merged as they complete, then folded right to left: the same as
    splitting at the largest power of two below n, recursively."""
    if not entries:
        return _sha256(b"")
    stack = []  # (height, hash) of perfect subtrees, left to right
    for entry in entries:
        height, node = 0, _sha256(b"\x00" + entry)
        while stack and stack[-1][0] == height:
            _, left = stack.pop()
            height, node = height + 1, _sha256(b"\x01" + left + node)
        stack.append((height, node))
    root = stack.pop()[1]
    while stack:
        root = _sha256(b"\x01" + stack.pop()[1] + root)
    return root


def _b64(text):
    """Strict standard base64 with padding (canonical: re-encodes to the same text)."""
    raw = base64.b64decode(text, validate=True)
    if base64.b64encode(raw).decode("ascii") != text:
        raise ValueError("non-canonical base64")
    return raw


def parse_vkey(text):
    """`<name>+<8 hex key id>+base64(0x01 || key)` -> (name, key id, public key)."""
    parts = text.strip().split("+", 2)
    if len(parts) != 3:
        raise ValueError("a vkey is name+id+key")
    name, key_id, key = parts[0], parts[1], _b64(parts[2])
    if len(key) != 33 or key[0] != 1:
        raise ValueError("the key is not an Ed25519 key (type 0x01, 32 bytes)")
    expected = _sha256(name.encode() + b"\n\x01" + key[1:])[:4]
    if len(key_id) != 8 or bytes.fromhex(key_id) != expected:
        raise ValueError("the key id is not the id of the name and key")
    return name, expected, key[1:]


def check_checkpoint(note, vkey, res):
    """Checks a signed checkpoint note against the export's tree (and the key, if any)."""
    try:
        text = note.decode("utf-8")
    except UnicodeDecodeError:
        res.fail(None, "the checkpoint is not UTF-8")
        return
    if "\n\n" not in text:
        res.fail(None, "the checkpoint is not a signed note (no empty line before signatures)")
        return
    body, signatures = text.rsplit("\n\n", 1)
    body += "\n"
    lines = body[:-1].split("\n")
    if len(lines) < 3 or not lines[0]:
        res.fail(None, "the checkpoint has no origin, size and root lines")
        return
    origin, size_text, root_text = lines[0], lines[1], lines[2]
    if not size_text.isdigit() or (len(size_text) > 1 and size_text[0] == "0"):
        res.fail(None, "checkpoint line 2: the size is not a decimal number")
        return
    size = int(size_text)
    try:
        root = _b64(root_text)
    except (ValueError, binascii.Error):
        root = b""
    if len(root) != 32:
        res.fail(None, "checkpoint line 3: the root is not base64 of 32 bytes")
        return
    if size > len(res.entries):
        res.fail(None, "the checkpoint is of size %d but the export holds %d records"
                 % (size, len(res.entries)))
    elif tree_root(res.entries[:size]) != root:
        res.fail(None, "the tree of the export's first %d records is not the checkpoint's root"
                 % size)
    res.checkpoint = (origin, size)
    if not res.log_keys:
        res.fail(None, "the export names no log key (no genesis): the signature is not checked")
        return
    if origin != res.origin:
        res.fail(None, "the checkpoint's origin is %r, not the genesis's %r" % (origin, res.origin))
        return
    if vkey is not None and (vkey[0] != res.origin
                             or all(k != vkey[2] for _, k in res.log_keys)):
        res.fail(None, "the checkpoint has no signature by the log key: --log-key is not a "
                       "key of this log")
    name, key = res.origin, log_key_at(res, size)
    key_id = _sha256(name.encode() + b"\n\x01" + key)[:4]
    for line in signatures.split("\n"):
        prefix = "\u2014 " + name + " "
        if not line.startswith(prefix):
            continue
        try:
            blob = _b64(line[len(prefix):])
        except (ValueError, binascii.Error):
            continue
        if len(blob) == 68 and blob[:4] == key_id:
            reason = verify_signature(key, blob[4:], body.encode("utf-8"))
            if reason is not None:
                res.fail(None, "the checkpoint's signature by the log key: %s" % reason)
            else:
                res.checkpoint_signed = True
            return
    res.fail(None, "the checkpoint has no signature by the key the log names for size %d"
             % size)


LOG_IDENTITY_BYTES = 8 + 70 + 32  # origin length, "rekap/" + 64 hex digits, key
DEFINITION_PREFIX = b"rekap/v1/definition"


def _usable_key(key):
    """R16: a curve point that is not of small order."""
    point = _decompress(key)
    return point is not None and not _is_small_order(point)


def follow_log_keys(seq, author, payload, res):
    """The log's origin and keys (FORMAT.md "LogIdentity", "Log keys"; RULES.md R65, R66):
    the genesis's LogIdentity is its last 110 bytes; a LogKeyRotated payload is 68 bytes."""
    if seq == 1:
        if len(payload) < 4 + LOG_IDENTITY_BYTES or payload[:4] != b"\x00\x00\x00\x00":
            res.fail(1, "record 1 is not a genesis with a log identity")
            return
        end = len(payload) - LOG_IDENTITY_BYTES
        res.definition_hash = blake3.blake3(DEFINITION_PREFIX + payload[4:end]).digest()
        (length,) = struct.unpack_from("<Q", payload, end)
        origin = payload[end + 8:end + 8 + 70]
        expected = b"rekap/" + res.definition_hash.hex().encode()
        if length != 70 or origin != expected:
            res.fail(1, "R66: the genesis names the origin %r; the election's is %r"
                     % (origin.decode("utf-8", "replace"), expected.decode()))
        key = payload[-32:]
        res.registrar, res.origin = author, expected.decode()
        if not _usable_key(key) or key == author:
            res.fail(1, "R65: the genesis's log key %s is not a key of its own" % key.hex())
        res.log_keys = [(1, key)]
        return
    if len(payload) != 68 or payload[:4] != b"\x02\x00\x00\x00" or not res.log_keys:
        return
    key = payload[36:68]
    if payload[4:36] != res.definition_hash:
        res.fail(seq, "R9: the log key rotation is bound to another definition")
    elif author != res.registrar:
        res.fail(seq, "R13: only the registrar may rotate the log key")
    elif not _usable_key(key):
        res.fail(seq, "R16: %s is not a key that can sign" % key.hex())
    elif key == res.registrar or any(k == key for _, k in res.log_keys):
        res.fail(seq, "R65: %s is the registrar's or was this log's key" % key.hex())
    else:
        res.log_keys.append((seq, key))


def log_key_at(res, size):
    """The key the log names for the checkpoint of tree size `size`."""
    found = res.log_keys[0][1]
    for from_size, key in res.log_keys:
        if from_size <= size:
            found = key
    return found


def _text_argument(value):
    """A value given as text or as the path of a file holding it."""
    if os.path.isfile(value):
        with open(value, "rb") as f:
            return f.read().decode("utf-8", "replace").strip()
    return value


def main(argv):
    args = argv[1:]
    as_json = False
    files = []
    options = {"--checkpoint": None, "--log-key": None}
    usage = "usage: verify_export.py FILE [--json] [--checkpoint NOTE [--log-key VKEY]]\n"
    while args:
        a = args.pop(0)
        if a in options:
            if not args:
                sys.stderr.write("%s needs a value\n%s" % (a, usage))
                return 2
            options[a] = args.pop(0)
        elif a == "--json":
            as_json = True
        elif a in ("-h", "--help"):
            print(__doc__.strip())
            return 0
        elif a.startswith("-") and a != "-":
            sys.stderr.write("unknown option %s\n%s" % (a, usage))
            return 2
        else:
            files.append(a)
    if len(files) != 1 or (options["--log-key"] and not options["--checkpoint"]):
        sys.stderr.write(usage)
        return 2
    vkey = None
    if options["--log-key"]:
        try:
            vkey = parse_vkey(_text_argument(options["--log-key"]))
        except (ValueError, binascii.Error) as exc:
            sys.stderr.write("--log-key is not a log vkey: %s\n" % exc)
            return 1

    res = Result()
    try:
        with open(files[0], "rb") as f:
            verify_file(f, res)
    except OSError as exc:
        sys.stderr.write("cannot read %s: %s\n" % (files[0], exc.strerror or exc))
        return 3
    except Exception as exc:  # never a traceback on malformed input
        res.fail(None, "internal error: %s: %s" % (exc.__class__.__name__, exc))
    res.checkpoint, res.checkpoint_signed = None, False
    if options["--checkpoint"]:
        try:
            with open(options["--checkpoint"], "rb") as f:
                note = f.read()
        except OSError as exc:
            sys.stderr.write("cannot read %s: %s\n" % (options["--checkpoint"],
                                                      exc.strerror or exc))
            return 3
        check_checkpoint(note, vkey, res)
    root = tree_root(res.entries).hex()

    ok = not res.failures
    if as_json:
        print(json.dumps({"ok": ok, "records": res.records, "head": res.head.hex(),
                          "tree_root": root, "failures": res.failures}))
    else:
        if ok:
            print("OK: %d records, head %s" % (res.records, res.head.hex()))
            print("tree root %s" % root)
            if res.checkpoint:
                signed = ("signed by the log key" if res.checkpoint_signed
                          else "signature not checked")
                print("checkpoint %s size %d: root verified (%s)"
                      % (res.checkpoint[0], res.checkpoint[1], signed))
        else:
            print("FAILED: %d failure(s) in %d records read, head %s"
                  % (len(res.failures), res.records, res.head.hex()))
            for fl in res.failures[:20]:
                where = "record %d" % fl["seq"] if fl["seq"] is not None else "file"
                print("  %s: %s" % (where, fl["reason"]))
            if len(res.failures) > 20:
                print("  ... and %d more" % (len(res.failures) - 20))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
