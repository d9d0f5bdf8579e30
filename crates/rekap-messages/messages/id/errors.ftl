## Cara galat dicetak (kode keluar 1, 3, 4)
error-prefix = galat
error-hint-locked = saran: jika `rekap serve` memegang penyimpanan ini, kirim perintah kepadanya dengan --server URL (atau REKAP_SERVER)
error-waiting-for-lock = menunggu kunci penyimpanan paling lama { $seconds } detik
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
