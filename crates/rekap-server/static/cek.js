// "Cek TPS saya": verifies a station's proof (docs/FORMAT.md, "Proof file") in the browser,
// trusting nothing the server says: the typed numbers against the sheet's bytes, the sheet
// through every level's Merkle fold (blake3, @noble/hashes 2.4.0, vendored, MIT) to the
// approved digest, the approval record's hash and Ed25519 signature (WebCrypto), and the
// record's RFC 6962 inclusion (SHA-256, WebCrypto) in a checkpoint of this election's origin
// signed by the log's key (the page's, or one pinned with `log_key=` in the address).
import { blake3 } from "/static/noble-hashes/2.4.0/blake3.js";

const text = new TextEncoder();
const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
};
const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const unhex = (s) => {
  if (typeof s !== "string" || s.length % 2 || /[^0-9a-f]/.test(s)) throw new Error("not lowercase hex");
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(2 * i, 2), 16);
  return out;
};
const u32le = (n) => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, n, true); return b; };
const u64le = (n) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, BigInt(n), true); return b; };
const str = (s) => { const b = text.encode(s); return concat(u64le(b.length), b); };
const equalBytes = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

// A cursor over canonical bincode (fixed-width little-endian integers).
class Reader {
  constructor(bytes) { this.bytes = bytes; this.at = 0; this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length); }
  need(n) { if (this.at + n > this.bytes.length) throw new Error("ends early"); }
  u8() { this.need(1); return this.bytes[this.at++]; }
  u32() { this.need(4); const v = this.view.getUint32(this.at, true); this.at += 4; return v; }
  u64() { this.need(8); const v = this.view.getBigUint64(this.at, true); this.at += 8; return v; }
  take(n) { this.need(n); const v = this.bytes.subarray(this.at, this.at + n); this.at += n; return v; }
  string() { const n = this.u64(); if (n > 1000000n) throw new Error("string too long"); return new TextDecoder("utf-8", { fatal: true }).decode(this.take(Number(n))); }
  option32() { const tag = this.u8(); if (tag > 1) throw new Error("bad option tag"); return tag ? this.u32() : null; }
  done() { return this.at === this.bytes.length; }
}

function decodeSheet(bytes) {
  const r = new Reader(bytes);
  const registered = BigInt(r.u32()) + BigInt(r.u32()) + BigInt(r.u32());
  let voted = 0n;
  for (let i = 0; i < 3; i++) { r.option32(); r.option32(); voted += BigInt(r.u32()); }
  for (let i = 0; i < 4; i++) r.u32();
  const pairs = r.u64();
  if (pairs > 32n) throw new Error("more than 32 pairs");
  const votes = [];
  for (let i = 0n; i < pairs; i++) votes.push(r.u32());
  // Definition format 6: invalid is an Option, null where the source gave no count.
  const valid = r.u32(), invalid = r.option32();
  const votesOnly = r.u8();
  // Counts by vote type (definition format 3): pair by pair, type by type; none for most contests.
  const typed = r.u64();
  if (typed > 256n) throw new Error("more than 256 counts by type");
  const votesByType = [];
  for (let i = 0n; i < typed; i++) votesByType.push(r.u32());
  if (votesOnly > 1 || !r.done()) throw new Error("not one canonical sheet");
  return { votes, valid, invalid, registered, voted, votesByType };
}

function totalsBytes(t) {
  return concat(u64le(t.votes.length), ...t.votes.map(u64le), u64le(t.valid), u64le(t.invalid),
    u64le(t.registered), u64le(t.voted), u32le(t.stations_reported), u32le(t.stations_voided), u32le(t.stations_expected),
    u64le((t.votes_by_type ?? []).length), ...(t.votes_by_type ?? []).map(u64le), u32le(t.stations_without_invalid));
}
const leafHash = (code, totals, digest) => blake3(concat(new Uint8Array([0]), str(code), totalsBytes(totals), digest));
function root(leaves) {
  if (leaves.length === 0) return blake3(new Uint8Array(0));
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return blake3(concat(new Uint8Array([1]), root(leaves.slice(0, k)), root(leaves.slice(k))));
}
function addTotals(sum, t) {
  const votes = sum.votes.slice();
  t.votes.forEach((v, i) => { votes[i] = (votes[i] ?? 0n) + BigInt(v); });
  const votes_by_type = (sum.votes_by_type ?? []).slice();
  (t.votes_by_type ?? []).forEach((v, i) => { votes_by_type[i] = (votes_by_type[i] ?? 0n) + BigInt(v); });
  return { votes, valid: sum.valid + BigInt(t.valid), invalid: sum.invalid + BigInt(t.invalid),
    registered: sum.registered + BigInt(t.registered), voted: sum.voted + BigInt(t.voted),
    stations_reported: sum.stations_reported + t.stations_reported, stations_voided: sum.stations_voided + t.stations_voided,
    stations_expected: sum.stations_expected + t.stations_expected, votes_by_type,
    stations_without_invalid: sum.stations_without_invalid + t.stations_without_invalid };
}
const sameTotals = (a, b) => equalBytes(totalsBytes(a), totalsBytes(b));

async function verifyEd25519(key, signature, message) {
  const imported = await crypto.subtle.importKey("raw", key, { name: "Ed25519" }, false, ["verify"]);
  return crypto.subtle.verify({ name: "Ed25519" }, imported, signature, message);
}

const sha256 = async (bytes) => new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
const unbase64 = (s) => {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4) throw new Error("not base64");
  return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
};

// A C2SP vkey `<name>+<hex key id>+<base64(0x01 || Ed25519 key)>`, its key id checked.
async function parseVkey(vkey) {
  const first = vkey.indexOf("+"), second = vkey.indexOf("+", first + 1);
  if (first <= 0 || second < 0) throw new Error("not a vkey");
  const name = vkey.slice(0, first), id = vkey.slice(first + 1, second), key = unbase64(vkey.slice(second + 1));
  if (key.length !== 33 || key[0] !== 1) throw new Error("not an Ed25519 vkey");
  const computed = (await sha256(concat(text.encode(name), new Uint8Array([10]), key))).subarray(0, 4);
  if (hex(computed) !== id) throw new Error("the vkey's key id does not match its key");
  return { name, id: computed, key: key.subarray(1) };
}

// RFC 9162 2.1.3.2: the root an inclusion proof gives for `leaf` at `index` in a tree of `size`.
async function inclusionRoot(index, size, leaf, path) {
  if (index >= size) throw new Error("index beyond the tree");
  let fn = index, sn = size - 1n, r = leaf;
  for (const p of path) {
    if (sn === 0n) throw new Error("proof too long");
    if ((fn & 1n) === 1n || fn === sn) {
      r = await sha256(concat(new Uint8Array([1]), p, r));
      if ((fn & 1n) === 0n) while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      r = await sha256(concat(new Uint8Array([1]), r, p));
    }
    fn >>= 1n; sn >>= 1n;
  }
  if (sn !== 0n) throw new Error("proof too short");
  return r;
}

// The approval record's inclusion (tlog-proof text) in a checkpoint signed by `vkey`, whose
// origin is this election's. Returns a failure text, or sets `seen` to what was verified.
async function checkLogProof(proof, recordHash, definitionHash, vkey, say, seen) {
  const textOf = proof.approval.log_proof;
  if (typeof textOf !== "string") return say("bukti tidak memuat checkpoint", "the proof carries no checkpoint");
  const split = textOf.indexOf("\n\n");
  if (split < 0) return say("bukti log rusak", "malformed log proof");
  const head = textOf.slice(0, split).split("\n"), note = textOf.slice(split + 2);
  if (head[0] !== "c2sp.org/tlog-proof@v1") return say("bukti log rusak", "malformed log proof");
  let at = 1;
  if (head[at]?.startsWith("extra ")) at++;
  const index = /^index (0|[1-9][0-9]*)$/.exec(head[at] ?? "");
  if (!index) return say("bukti log tanpa indeks", "the log proof has no index");
  if (BigInt(index[1]) !== BigInt(proof.approval.seq) - 1n) return say("indeks bukan catatan persetujuan", "the index is not the approval record's");
  const path = head.slice(at + 1).map(unbase64);
  if (path.some((h) => h.length !== 32)) return say("hash bukti bukan 32 byte", "a proof hash is not 32 bytes");
  const noteSplit = note.indexOf("\n\n");
  if (noteSplit < 0) return say("checkpoint rusak", "malformed checkpoint");
  const body = note.slice(0, noteSplit + 1), lines = body.split("\n");
  const origin = lines[0], size = /^(0|[1-9][0-9]*)$/.test(lines[1] ?? "") ? BigInt(lines[1]) : null;
  if (origin !== "rekap/" + hex(definitionHash)) return say("checkpoint milik log lain: ", "the checkpoint is another log's: ") + origin;
  if (size === null) return say("checkpoint rusak", "malformed checkpoint");
  const root = unbase64(lines[2] ?? "");
  const computed = await inclusionRoot(BigInt(index[1]), size, await sha256(concat(new Uint8Array([0]), recordHash)), path);
  if (!equalBytes(computed, root)) return say("catatan persetujuan tidak ada di pohon checkpoint", "the approval record is not in the checkpoint's tree");
  if (!vkey) return say("kunci log tidak diketahui", "the log's key is not known");
  const log = await parseVkey(vkey);
  const signed = note.slice(noteSplit + 2).split("\n").filter((l) => l.startsWith("\u2014 " + log.name + " "));
  for (const line of signed) {
    const signature = unbase64(line.slice(("\u2014 " + log.name + " ").length));
    if (signature.length === 68 && equalBytes(signature.subarray(0, 4), log.id) && (await verifyEd25519(log.key, signature.subarray(4), text.encode(body)))) {
      seen.checkpoint = { origin, size: String(size), root: lines[2], key: vkey };
      return undefined;
    }
  }
  return say("checkpoint tidak ditandatangani kunci log ", "the checkpoint is not signed by the log key ") + log.name;
}

// Each step: [id, label id, label en, check]. The first failing one is the verdict.
export async function verify(proof, typed, log, vkey) {
  const lang = document.documentElement.lang;
  const say = (id, en) => (lang === "en" ? en : id);
  let sheet, digest, totals, record, payloadAt, recordHash, definitionHash;
  const seen = {};
  const steps = [
    ["numbers", "Angka sama dengan lembar TPS", "The numbers are exactly the sheet's", () => {
      sheet = decodeSheet(unhex(proof.sheet_bytes));
      const given = proof.sheet;
      if (proof.station !== typed.station) return say("kode TPS berbeda", "another station's proof");
      if (given.votes.length !== sheet.votes.length || given.votes.some((v, i) => v !== sheet.votes[i]) || given.valid !== sheet.valid || given.invalid !== sheet.invalid)
        return say("bukti tidak sesuai dengan bytenya sendiri", "the proof disagrees with its own sheet bytes");
      if (typed.votes.length !== sheet.votes.length || typed.votes.some((v, i) => v !== sheet.votes[i])) return say("suara per pasangan berbeda: lembar memuat ", "votes per pair differ: the sheet has ") + sheet.votes.join(",");
      if (typed.valid !== sheet.valid) return say("suara sah berbeda: ", "valid votes differ: ") + sheet.valid;
      if ((typed.invalid ?? null) !== sheet.invalid) return say("suara tidak sah berbeda: ", "invalid votes differ: ") + sheet.invalid;
    }],
    ["folds", "Lembar ada di dalam digest setiap tingkat", "The sheet is inside each level's digest", () => {
      const sheetHash = blake3(concat(text.encode("rekap/v1/sheet"), str(proof.station), str(proof.contest), unhex(proof.sheet_bytes)));
      let child = { code: proof.station, digest: sheetHash, totals: { votes: sheet.votes.map(BigInt), valid: BigInt(sheet.valid), invalid: BigInt(sheet.invalid ?? 0),
        registered: sheet.registered, voted: sheet.voted, stations_reported: 1, stations_voided: 0, stations_expected: 1,
        stations_without_invalid: sheet.invalid === null ? 1 : 0,
        votes_by_type: sheet.votesByType.map(BigInt) } };
      for (const step of proof.steps) {
        if (step.size !== step.siblings.length + 1 || step.index > step.siblings.length) return say("ukuran langkah salah di ", "wrong step size at ") + step.region;
        const children = step.siblings.map((s) => ({ code: s.code, totals: s.totals, digest: unhex(s.digest) }));
        children.splice(step.index, 0, child);
        let sum = { votes: sheet.votes.map(() => 0n), valid: 0n, invalid: 0n, registered: 0n, voted: 0n, stations_reported: 0, stations_voided: 0, stations_expected: 0, stations_without_invalid: 0 };
        for (const c of children) sum = addTotals(sum, c.totals);
        if (!sameTotals(sum, step.totals)) return say("jumlah anak tidak sama dengan total ", "children do not add up to the totals of ") + step.region;
        const d = root(children.map((c) => leafHash(c.code, c.totals, c.digest)));
        child = { code: step.region, digest: d, totals: step.totals };
      }
      digest = child.digest; totals = child.totals;
      if (proof.approval.region !== child.code) return say("wilayah persetujuan berbeda", "the approval is of another region");
      if (proof.approval.digest !== hex(digest)) return say("digest yang dihitung ulang bukan digest yang disetujui", "the recomputed digest is not the approved digest");
    }],
    ["record", "Catatan persetujuan utuh dan ditandatangani pejabat", "The approval record is whole and signed by the official", async () => {
      const bytes = unhex(proof.approval.record);
      if (bytes.length < 192) return say("catatan terlalu pendek", "record too short");
      const r = new Reader(bytes);
      const seq = r.u64(); r.take(32); r.u64(); const author = r.take(32); r.u64(); const length = r.u64();
      if (BigInt(bytes.length) !== 192n + length) return say("panjang catatan salah", "wrong record length");
      const p = Number(length);
      const signature = bytes.subarray(96 + p, 160 + p), hash = bytes.subarray(160 + p);
      const computed = blake3(concat(text.encode("rekap/v1/record"), bytes.subarray(0, 160 + p)));
      if (!equalBytes(computed, hash) || hex(hash) !== proof.approval.record_hash) return say("hash catatan salah", "the record hash does not match");
      if (seq !== BigInt(proof.approval.seq) || hex(author) !== proof.approval.author) return say("nomor atau penulis catatan berbeda", "the record's seq or author differ");
      const message = concat(text.encode("rekap/v1/submission"), bytes.subarray(48, 96 + p));
      if (!(await verifyEd25519(author, signature, message))) return say("tanda tangan pejabat tidak sah", "the official's signature does not verify");
      record = bytes; payloadAt = [96, 96 + p]; recordHash = hash;
    }],
    ["event", "Catatan itu menyetujui digest ini untuk wilayah dan pemilihan ini", "The record approves this digest for this region and contest", async () => {
      const r = new Reader(record.subarray(payloadAt[0], payloadAt[1]));
      if (r.u32() !== 1) return say("muatan bukan kejadian", "the payload is not events");
      definitionHash = r.take(32);
      const count = r.u64();
      if (BigInt(proof.approval.event) >= count) return say("kejadian tidak ada", "no such event");
      for (let i = 0; i < proof.approval.event; i++) { if (r.u32() !== 8) return say("kejadian lain sebelum persetujuan tidak dapat dibaca di sini", "another kind of event before the approval cannot be read here"); skipApproval(r); }
      if (r.u32() !== 8) return say("kejadian itu bukan persetujuan pleno", "that event is not a plenary approval");
      const region = r.string(), contest = r.string(), approved = r.take(32);
      if (region !== proof.approval.region || contest !== proof.contest || !equalBytes(approved, digest)) return say("persetujuan itu untuk wilayah, pemilihan atau digest lain", "it approves another region, contest or digest");
      const statement = concat(text.encode("rekap/v1/approval-statement"), definitionHash, str(region), str(contest), approved);
      const signatures = r.u64();
      for (let i = 0n; i < signatures; i++) {
        const witness = r.take(32), signature = r.take(64);
        if (!(await verifyEd25519(witness, signature, statement))) return say("tanda tangan saksi tidak sah: ", "a witness signature does not verify: ") + hex(witness).slice(0, 16);
      }
    }],
    ["checkpoint", "Persetujuan ada di checkpoint log yang ditandatangani", "The approval is in a signed checkpoint of the log",
      () => checkLogProof(proof, recordHash, definitionHash, vkey, say, seen)],
  ];
  for (const [id, labelId, labelEn, check] of steps) {
    let failure;
    try { failure = await check(); } catch (error) { failure = String(error.message || error); }
    log(id, say(labelId, labelEn), failure);
    if (failure !== undefined) return { ok: false, step: id, label: say(labelId, labelEn), failure };
  }
  return { ok: true, digest: hex(digest), totals, checkpoint: seen.checkpoint };
}

function skipApproval(r) {
  r.string(); r.string(); r.take(32);
  const signatures = r.u64(); for (let i = 0n; i < signatures; i++) r.take(96);
  const refusals = r.u64(); for (let i = 0n; i < refusals; i++) { r.take(32); r.string(); }
}

function parseNumbers(form) {
  const numbers = (s) => (s ?? "").split(",").map((x) => x.trim()).filter((x) => x !== "").map((x) => (/^\d+$/.test(x) ? Number(x) : NaN));
  return { station: (form.get("tps") ?? "").trim(), votes: numbers(form.get("suara")), valid: numbers(form.get("sah"))[0], invalid: numbers(form.get("tidak_sah"))[0] };
}

async function run(params) {
  const verdict = document.getElementById("verdict");
  const list = document.getElementById("steps");
  list.replaceChildren();
  const lang = document.documentElement.lang;
  const say = (id, en) => (lang === "en" ? en : id);
  const typed = parseNumbers(params);
  const started = performance.now();
  const log = (id, label, failure) => {
    const item = document.createElement("li");
    item.dataset.step = id;
    item.dataset.result = failure === undefined ? "ok" : "failed";
    item.textContent = label + ": " + (failure === undefined ? say("benar", "verified") : say("GAGAL — ", "FAILED — ") + failure);
    list.append(item);
  };
  let result;
  try {
    const contest = document.getElementById("cek").dataset.contest;
    const response = await fetch(`/v1/stations/${encodeURIComponent(typed.station)}/proof?contest=${encodeURIComponent(contest)}`);
    if (!response.ok) throw new Error(say("bukti tidak didapat: ", "no proof: ") + response.status);
    const proof = await response.json();
    const vkey = new URLSearchParams(location.search).get("log_key") || document.getElementById("cek").dataset.logKey;
    result = await verify(proof, typed, log, vkey);
  } catch (error) {
    log("fetch", say("Mengambil bukti", "Fetching the proof"), String(error.message || error));
    result = { ok: false, step: "fetch", label: say("Mengambil bukti", "Fetching the proof") };
  }
  const elapsed = performance.now() - started;
  verdict.dataset.ok = String(result.ok);
  verdict.dataset.step = result.ok ? "" : result.step;
  verdict.dataset.ms = elapsed.toFixed(1);
  verdict.dataset.checkpoint = result.ok ? result.checkpoint.size : "";
  verdict.textContent = result.ok
    ? say("Terverifikasi: angka ini ada di dalam digest yang disetujui ", "Verified: these numbers are inside the approved digest ") + result.digest + ", " +
      say("dan persetujuannya ada di checkpoint ", "and its approval is in checkpoint ") + result.checkpoint.origin + " " + say("ukuran ", "size ") + result.checkpoint.size +
      " (root " + result.checkpoint.root + ") " + say("yang ditandatangani kunci ", "signed by key ") + result.checkpoint.key + "."
    : say("Tidak terverifikasi. Langkah pertama yang gagal: ", "Not verified. First step that failed: ") + result.label + ".";
}

const form = document.getElementById("cek");
form.addEventListener("submit", (event) => { event.preventDefault(); run(new FormData(form)); });
const query = new URLSearchParams(location.search);
if (query.get("tps")) run(query);
