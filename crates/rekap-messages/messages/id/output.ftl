## keluaran verify, audit dan prove

## verify
verify-ok = ok: { $records } catatan lolos verifikasi
verify-failed = GAGAL: { $records } catatan dibaca, { $failures } kegagalan
verify-head = ujung { $head }
verify-failure-record = catatan { $seq }: { $reason }
verify-failure-file = berkas: { $reason }
verify-more = ... dan { $count } lagi
verify-tiles-failed = GAGAL: checkpoint pohon tile: { $reason }

## audit
audit-passed = audit lolos
audit-failed = AUDIT GAGAL
audit-summary = { $verdict }: { $records } catatan, ujung { $head }
audit-no-records = tidak ada catatan
audit-records-up-to = catatan 1..{ $last }
audit-unauthenticated = pemeriksaan 3-9 hanya menilai { $judged }; catatan { $position } tidak terautentikasi (pemeriksaan 1-2), jadi tidak ada yang dinilai sesudahnya dan tidak ada digest proyeksi
audit-verdict-stopped = BERHENTI
audit-verdict-listed = didaftar
audit-verdict-passed = lolos
audit-verdict-failed = GAGAL
audit-checked = { $count } diperiksa
audit-failed-count = { $count } gagal
audit-first-failure = kegagalan pertama pada { $place }: { $reason }
audit-place-file = berkas
audit-place-record = catatan { $seq }
audit-flag = tanda { $flag }
audit-projection-digest = digest proyeksi { $digest }
audit-check-1 = rantai: hash, tautan, urutan, waktu, penghitung
audit-check-2 = tanda tangan setiap catatan
audit-check-3 = genesis: definisi tersusun benar dan diikat oleh setiap muatan
audit-check-4 = kewenangan: setiap peristiwa diizinkan bagi pengajunya pada posisinya
audit-check-5 = keputusan: setiap peristiwa dinilai ulang oleh model
audit-check-6 = lembar: setiap aturan wajib berlaku untuk setiap versi
audit-check-7 = pengesahan: digest, tanda tangan saksi, wilayah bawahan yang mutakhir
audit-check-8 = keadaan akhir: setiap tingkat adalah jumlah lembarnya
audit-check-9 = tanda aturan lunak (didaftar, bukan kegagalan)

## kemajuan
progress-checking-chain = memeriksa rantai dan tanda tangan
progress-replaying-decisions = memutar ulang setiap keputusan
progress-opening-store = membuka penyimpanan
progress-reading-export = membaca ekspor untuk mencocokkan baris
progress-checking-rows = memeriksa baris
progress-appending = memutuskan, menandatangani dan menambahkan
progress-saving-view = menyimpan tampilan jumlah
progress-replaying = memutar ulang log
progress-generating = membangkitkan pemilu
progress-exporting = mengekspor
progress-publishing = menerbitkan tile
progress-records = catatan
progress-rows = baris
progress-left = lagi

## prove
prove-wrote = { $out } ditulis: TPS { $station } suara { $votes } termuat dalam pengesahan { $region } (catatan { $seq }), digest { $digest }
prove-export-does-not-verify = GAGAL: { $path } tidak lolos verifikasi ({ $place }: { $reason }); tidak ada bukti yang dibuat darinya
prove-place-file = berkas
prove-place-record = catatan { $seq }
prove-failed = GAGAL: { $failure }
prove-digest-equal = sama dengan digest yang diberikan
prove-digest-compare = bandingkan dengan yang diumumkan
prove-ok = ok: TPS { $station } dengan suara { $votes }, sah { $valid }, tidak sah { $invalid } termuat dalam pengesahan { $region } { $contest }
prove-totals = jumlah { $region }: suara { $votes }, sah { $valid }, tidak sah { $invalid }, TPS masuk { $reported } dibatalkan { $voided } dari { $expected }
prove-digest = digest { $digest } ({ $source })
prove-signed-by = ditandatangani oleh { $author } untuk definisi { $definition }; saksi yang menandatangani: { $witnesses }; menolak: { $refusals }
prove-log-key-signed = ditandatangani kunci log
prove-log-key-unchecked = tanda tangan tidak diperiksa: tanpa --log-key
prove-included = catatan { $seq } (hash { $hash }) termuat dalam checkpoint { $origin } ukuran { $size } ({ $signed })
prove-not-shown = tidak ditunjukkan oleh bukti ini saja: bahwa { $author } adalah petugas { $region } (lihat genesis)
prove-no-keys = tidak ada
progress-demo-genesis = menulis genesis dan mendaftarkan saksi
progress-demo-importing = mengimpor setiap lembar
progress-demo-lowest-plenaries = pleno di tingkat terendah
progress-demo-objection = keberatan, pembetulan dan pengesahan ulang
progress-demo-plenaries-up = pleno di tingkat-tingkat atasnya
progress-demo-verifying = memverifikasi seluruh log

## yang dicetak perintah penulis (masing-masing diakhiri ganti baris)
submit-appended =
    catatan { $seq } ditambahkan (id peristiwa { $seq }.0)
    ujung { $head }
    {""}
approve-signed =
    ditandatangani { $region } { $contest } digest { $digest }
    { $out } ditulis
    {""}
approve-approving =
    mengesahkan { $region } { $contest } digest { $digest }
    {""}
init-created =
    penyimpanan { $store } dibuat untuk "{ $name }"
    definisi { $definition }
    ujung { $head }
    {""}
