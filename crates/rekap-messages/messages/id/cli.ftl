
## words
words-witness = saksi pasangan { $pair } ({ $contest })
words-operator = operator
words-official = petugas
words-auditor = auditor

## history
history-by = oleh
history-no-events-touch-this-place-yet = belum ada peristiwa di tempat ini

history-entries = entri
history-of = dari
history-next-page = halaman berikut
history-registrar = pencatat
history-officer-scope = wilayah
history-election-defined = pemilu ditetapkan
history-officer-registered = petugas didaftarkan
history-officer-revoked = petugas dicabut
history-sheet-submitted = lembar dikirim
history-sheet-corrected = lembar dibetulkan
history-re-vote-ordered = PSU diperintahkan
history-station-voided = TPS dibatalkan
history-objection-filed = keberatan diajukan
history-objection-accepted = keberatan diterima
history-objection-rejected = keberatan ditolak
history-plenary-approved = pleno disahkan
history-sheet-s-source = sumber formulir
history-votes = suara
history-valid = sah
history-invalid = tidak sah
history-reason = alasan
history-answers-objection = menjawab keberatan
history-by-correction = dengan pembetulan
history-objection = keberatan
history-witness-signatures = tanda tangan saksi
history-refusals = penolakan
history-document = dokumen
history-photos = foto

## sheet
sheet-awaiting-a-sheet = menunggu lembar
sheet-counted = dihitung
sheet-voided = dibatalkan
sheet-re-vote-pending = menunggu PSU
sheet-station = TPS
sheet-contest = pemilihan
sheet-status = status
sheet-record = catatan
sheet-no-current-sheet = belum ada lembar yang berlaku

sheet-partial-votes-only-no-voter-turnout = SEBAGIAN: hanya suara; tanpa data pemilih, kehadiran, surat suara

sheet-registered = Pemilih terdaftar
sheet-voted = Pengguna hak pilih
sheet-male = laki-laki
sheet-female = perempuan
sheet-ballots = Surat suara
sheet-received = diterima
sheet-used = digunakan
sheet-damaged = rusak
sheet-unused = sisa
sheet-valid = Sah
sheet-invalid = tidak sah

## totals
totals-votes-by-type = Suara per jenis
totals-code = Kode
totals-name = Nama
totals-status = Status
totals-votes = Suara
totals-valid = Sah
totals-invalid = Tidak sah
totals-invalid-without = { $invalid } (+ { $stations } TPS tanpa angka)
totals-registered = Terdaftar
totals-voted = Memilih
totals-record = Catatan
totals-stations = TPS
totals-approval = Pengesahan
totals-approved = disahkan
totals-stale = usang
totals-pending = menunggu

## demo
demo-exported-the-whole-log-to = seluruh log diekspor ke
demo-where-to-look-next = Selanjutnya:
demo-registered = terdaftar
demo-officers-genesis-and = petugas (genesis) dan
demo-witnesses-in-the-log = saksi (di log)
demo-imported = diimpor
demo-sheets-in-one-durable-batch = lembar C.Hasil dalam satu batch
demo-signed-records = catatan bertanda tangan
demo-verified = diverifikasi
demo-records-chain-hashes-signatures-counters-time = catatan: rantai hash, tanda tangan, penghitung, waktu
demo-plenaries-approved-witness-signed = pleno disahkan, ditandatangani saksi
demo-objection-about = keberatan atas
demo-corrected-by = dibetulkan oleh
demo-district = kecamatan
demo-approved-again = disahkan ulang
demo-matches-the-official-kpu-result = sama dengan hasil resmi KPU
demo-against = {" "}lawan{" "}

## status
status-records = catatan
status-stations-reported = TPS masuk
status-of = dari
status-voided = dibatalkan
status-open-objections = Keberatan terbuka
status-complete = lengkap
status-approvals = pengesahan
status-approved = disahkan
status-stale = usang
status-pending = menunggu
status-flags-accepted-to-look-at = Tanda (diterima, perlu dicek)
status-more = lagi
status-votes-only-sheets-no-voter-turnout = Lembar hanya suara (tanpa data pemilih, kehadiran, surat suara)

## list: column headings
list-column-code = kode
list-column-name = nama
list-column-level = tingkat
list-column-parent = induk
list-column-stations = TPS
list-column-scope = wilayah
list-column-pairs = pasangan
list-column-key = kunci
list-column-role = peran
list-column-contest = pemilihan
list-column-pair = pasangan
list-column-registered = didaftarkan
list-column-revoked = dicabut
list-column-place = tempat
list-column-author = pengaju
list-column-status = status
list-column-resolved-by = diputus
list-column-correction = pembetulan
list-column-reason = alasan
list-column-text = isi
list-column-station = TPS
list-column-flag = tanda
history-log-key-rotated = kunci log diganti
