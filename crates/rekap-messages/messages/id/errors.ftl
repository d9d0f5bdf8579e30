## Cara galat dicetak (kode keluar 1, 3, 4)
error-prefix = galat
error-hint-locked = saran: jika `rekap serve` memegang penyimpanan ini, kirim perintah kepadanya dengan --server URL (atau REKAP_SERVER)
error-waiting-for-lock = menunggu kunci penyimpanan paling lama { $seconds } detik
client-retrying = server tidak terjangkau atau sibuk ({ $reason }); mencoba lagi paling lama { $seconds } detik (--wait DETIK mengatur lamanya, 0 mencoba sekali)
error-note-quarantined = catatan: { $moved }

## Galat buku besar
ledger-empty = penyimpanan kosong: buat dengan `rekap init`
ledger-not-empty = penyimpanan sudah berisi { $records } catatan
ledger-undecodable = catatan { $seq } tidak dapat dibaca sebagai muatan rekap: { $problem }
ledger-no-genesis = catatan 1 bukan genesis (definisi pemilu)
ledger-invalid-record = catatan { $seq } memuat peristiwa yang ditolak model: { $refusal }
ledger-genesis-refused = genesis ditolak: { $refusal }
ledger-not-next = catatan { $seq } dari tempat lain bukan catatan berikutnya log ini: { $reason }
ledger-refused = ditolak, tidak ada yang ditambahkan: { $refusal }

## Galat log
append-empty-batch = batch kosong
append-too-many-records = batch berisi { $count } kiriman; batasnya { $limit }
append-batch-too-large = batch berukuran { $bytes } bita; batasnya { $limit }
append-payload-too-large = kiriman { $index }: muatan { $bytes } bita melebihi batas { $limit }
append-bad-signature = kiriman { $index }: tanda tangan tidak cocok untuk pengaju { $author }
append-counter-not-increasing = kiriman { $index }: penghitung { $counter } milik pengaju { $author } tidak lebih besar dari penghitung terakhirnya { $last } (kiriman yang diulang atau tertukar urutannya)
append-tail-does-not-verify = catatan terakhir penyimpanan tidak lolos verifikasi, jadi tidak ada yang boleh ditambahkan sesudahnya: { $reason }
log-corrupt = catatan { $seq } tidak dapat dibaca: { $reason }
storage-locked = penyimpanan { $path } sedang dikunci proses lain
storage-io = penyimpanan { $path }: { $reason }
storage-corrupt = penyimpanan rusak: { $reason }
storage-damaged = penyimpanan { $path } rusak: bita { $offset } dari log.segment: { $reason }
storage-injected-fault = kesalahan buatan (uji): { $reason }

## Muatan yang tidak dapat dibaca
decode-too-large = muatan { $bytes } bita melebihi batas { $limit }
decode-bincode = muatan tidak dapat dibaca: { $reason }
decode-trailing-bytes = muatan punya { $extra } bita lebih sesudah akhirnya
decode-event = peristiwa { $index }: { $limit }
decode-definition-version = genesis memuat definisi versi format { $found }; rekap ini hanya membaca versi { $supported } (penyimpanan dibuat oleh versi rekap lain)

## Berkas CSV lembar yang tidak dapat diimpor
import-rejected = berkas memuat { $problems } masalah; tidak ada yang diimpor
import-not-an-operator = kunci ini tidak dapat mengimpor lembar: { $refusal }
import-too-large = berkas lebih besar dari { $limit } bita
import-too-many-rows = berkas berisi lebih dari { $limit } baris
import-line-too-long = baris { $line } lebih panjang dari { $limit } bita
import-io = gagal membaca berkas: { $reason }
import-csv = berkas bukan CSV yang sah: { $reason }

## Berkas dan berkas kunci
error-cannot-read = tidak dapat membaca { $path }
error-not-utf8 = { $path } bukan teks UTF-8 (bita { $byte } bukan UTF-8 yang sah)
key-cannot-read = tidak dapat membaca berkas kunci { $path }
key-loose-mode = berkas kunci { $path } dapat dibaca atau ditulis oleh selain pemiliknya (mode { $mode }); jalankan `chmod 600 { $word }`
key-not-pkcs8 = { $path } bukan kunci privat ed25519 PKCS#8 ({ $reason })
key-not-a-key-file = { $path } bukan berkas kunci rekap (baris pertama harus { $header }, atau PEM PKCS#8 { $pem })
key-bad-seed = { $path }: baris kedua harus 64 digit heksadesimal
key-not-public = { $text } bukan kunci publik ed25519 (64 digit heksadesimal, baris `ssh-ed25519 AAAA...` atau PEM PUBLIC KEY), juga bukan berkas yang memuatnya
select-no-contests = definisi tidak memuat kontestasi
select-unknown-region = wilayah { $region } tidak dikenal
select-outside-scope = wilayah { $region } tidak termasuk kontestasi { $contest }, yang cakupannya { $scope }
select-unknown-level = tingkat { $key } tidak dikenal; tingkat yang memiliki wilayah: { $known }
prove-error-no-sheet = TPS { $station } tidak memiliki lembar hitung untuk { $contest }
prove-error-unknown-level = tingkat { $level } tidak dikenal (tingkat pleno definisi: { $known })
prove-error-not-plenary = tingkat { $level } tidak menggelar pleno; bukti berakhir pada pengesahan pleno ({ $known })
prove-error-outside-scope = TPS { $station } tidak memiliki wilayah pada tingkat { $level } di dalam cakupan { $contest }
prove-error-not-approved = { $region } belum mengesahkan { $contest }
prove-error-nothing-approved = belum ada pleno di atas TPS { $station } yang mengesahkan { $contest }
prove-error-stale = pengesahan { $region } sudah usang (berubah sejak catatan { $since })
proof-failure-format = bukan bukti rekap (format { $found })
proof-failure-sheet-bytes = bita lembar bukan lembar hitung: { $reason }
proof-failure-numbers-differ = angka lembar yang ditampilkan berbeda dengan bita lembar
proof-failure-no-steps = bukti tidak memiliki langkah
proof-failure-shape = langkah { $step } ({ $region }): indeks { $index } dari ukuran { $size } tidak cocok dengan { $siblings } saudara
proof-failure-totals-differ = langkah { $step } ({ $region }): total yang ditampilkan bukan jumlah anak-anaknya
proof-failure-overflow = langkah { $step } ({ $region }): total anak-anaknya melampaui batas
proof-failure-json = bukan berkas bukti: { $reason }
proof-failure-not-canonical = berkas tidak ditulis seperti rekap menulis bukti (sebuah kolom, angka atau digit heksadesimal berbeda dari bentuk kanoniknya)
proof-failure-record-bytes = bita catatan pengesahan bukan sebuah catatan: { $reason }
proof-failure-differs = approval.{ $field } bernilai { $shown }, tetapi { $against } memberi { $found }
proof-failure-record-hash = kolom hash catatan pengesahan bukan hash dari bitanya
proof-failure-signature = tanda tangan catatan pengesahan tidak sah dengan kunci penulisnya
proof-failure-payload = muatan catatan pengesahan bukan muatan peristiwa rekap: { $reason }
proof-failure-not-an-approval = catatan pengesahan tidak memiliki peristiwa { $event } yang berupa pengesahan pleno
proof-failure-witness-signature = tanda tangan saksi { $witness } pada pengesahan tidak sah
proof-failure-log-proof = inklusi catatan pengesahan di dalam log: { $reason }
proof-failure-not-published = bukti menghitung digest { $computed } tetapi digest yang diumumkan adalah { $published }
storage-not-a-store = bukan penyimpanan rekap (tidak ada penanda REKAP_STORE); buat dengan `rekap init`
storage-other-format = adalah penyimpanan rekap format { $found }; rekap ini membaca format { $wanted }. Ekspor lognya dengan rekap yang menulisnya (`rekap export`); rekap ini memverifikasi dan mengaudit ekspor itu (`rekap verify --log`, `rekap audit --log`)
server-body-ends-early = badan permintaan berakhir setelah { $bytes } bita, masih kurang { $missing } bita: bita kanonis kiriman bertanda tangan adalah penulis (32), penghitung (8), panjang muatan (8, little-endian), muatan, tanda tangan (64)
server-body-payload-too-long = panjang muatan badan permintaan melebihi batas catatan { $limit } bita: bukan bita kanonis kiriman bertanda tangan
server-body-not-submission = badan permintaan ({ $bytes } bita) bukan bita kanonis kiriman bertanda tangan: penulis (32), penghitung (8), panjang muatan (8, little-endian), muatan, tanda tangan (64)
