## Baris perintah-perintah sendiri (src/commands/**)
command-not-a-signed-checkpoint = { $path } bukan checkpoint bertanda tangan
command-listening-on = mendengarkan di http://{ $address }
command-election-has-no-contest = pemilihan ini tidak punya kontestasi
command-contest-not-of-this-election = --contest { $id } bukan kontestasi pemilihan ini
command-unknown-station-code = TPS { $code } tidak dikenal
command-unknown-station = TPS { $station } tidak dikenal
command-unknown-region-code = wilayah { $code } tidak dikenal
command-unknown-region = wilayah { $region } tidak dikenal
command-unknown-contest = kontestasi { $contest } tidak dikenal
command-cannot-remove = tidak dapat menghapus { $path }
command-cannot-sync = tidak dapat menyinkronkan { $path } ke disk
command-cannot-write = tidak dapat menulis { $path }
command-cannot-read = tidak dapat membaca { $path }
command-cannot-open = tidak dapat membuka { $path }
command-cannot-create = tidak dapat membuat { $path }
command-approve-offline-approve-needs-election-copy = approve --offline memerlukan --election SALINAN dan --digest HEX (digest yang dibacakan dalam pleno); { $path } tidak memberikan keduanya
command-approve-digest-not-bytes-hex = --digest { $digest } bukan 32 bita dalam heksadesimal
command-approve-store-or-server-computes-digest = penyimpanan (atau server) menghitung digest { $encode } untuk { $region }, bukan { $expected }: tidak ditandatangani
command-approve-not-signature-file = { $path } bukan berkas tanda tangan
command-approve-format-not = { $path }: format { $format } bukan { $signature-format }
command-approve-signs-digest-but-store-s = { $path } menandatangani { $region } { $contest } digest { $digest }, tetapi pernyataan yang disahkan (dari penyimpanan, server atau --digest) adalah { $region2 } { $contest2 } digest { $encode }
command-approve-not-bytes-hex = { $path }: { $field } bukan { $n } bita dalam heksadesimal
command-approve-refusal-not-publickeyhex-reason = --refusal { $text } bukan KUNCIPUBLIKHEX=ALASAN
command-approve-refusal-not-byte-public-key = --refusal: { $key } bukan kunci publik 32 bita dalam heksadesimal
command-compare-problems-nothing-compared = { $path }: { $problems } masalah; tidak ada yang dibandingkan
command-compare-level-needed-no-region-source = --level diperlukan: tidak ada wilayah sumber yang termasuk pemilihan ini
command-compare-regions-equal-differ-only-rekap = wilayah: { $number } sama, { $number2 } berbeda, { $number3 } hanya di rekap, { $number4 } hanya di sumber
command-compare-largest-differences = ; selisih terbesar: { $join }
command-compare-largest-difference = { $code } pasangan { $pair } { $difference }
command-compare-source-at-another-level = --level { $level }: { $count } wilayah sumber berada di tingkat { $levels }, bukan { $level }; berikan --level { $levels }
command-compare-nothing-reported = ; { $number } tanpa laporan di kedua sisi (tidak dicantumkan)
command-completions-cannot-write-man-pages = tidak dapat menulis halaman man ke { $path }
command-completions-wrote-man-pages = halaman man ditulis ke { $path }
command-definition-state-not-region-code-ascii = --state { $state } bukan kode wilayah (huruf ASCII, angka, `.`, `_`; paling banyak 32 bita)
command-definition-exists-refusing-overwrite = { $path } sudah ada; menolak menimpanya
command-definition-wrote-contests-counties-precincts-review = { $path } ditulis ({ $contests } kontestasi) dan { $path2 } ({ $counties } county, { $precincts } precinct); periksa keduanya, lalu `rekap init --election { $path3 }`
command-definition-definition-written-from-file-refused = definisi yang ditulis dari berkas ditolak
command-inputs-not-empty-inputs-writes-into = { $path } tidak kosong; --inputs menulis ke direktori baru atau kosong
command-inputs-not-a-directory = { $path } bukan direktori (atau berada di bawah sebuah berkas); --inputs menulis ke direktori baru atau kosong
command-demo-bytes-rekap-status-store-rekap =
    { $message } { $path } ({ $number } bita)

    { $message2 }
    {"  "}rekap status --store { $store }
    {"  "}rekap totals --store { $store2 } --level district --lang { $lang }
    {"  "}rekap history --store { $store3 } --station { $station }
    {"  "}rekap prove --store { $store4 } --contest { $contest } --station { $station2 } --out proof.json
    {"  "}rekap verify-proof --proof proof.json
    {"  "}rekap verify --log { $path2 }
    {"  "}(dengan --inputs DIR demo juga menulis berkas untuk mengulang pekerjaan operator: docs/TUTORIAL.md)
command-demo-exists-was-not-made-by = { $path } sudah ada dan tidak dibuat oleh `rekap demo`; pilih --store lain
command-demo-cannot-remove-earlier-demo = tidak dapat menghapus demo sebelumnya { $path }
command-demo-exists-not-rekap-export-move = { $path } sudah ada dan bukan ekspor rekap; pindahkan dulu
command-walk-preset-has-no-contest = preset tidak punya kontestasi { $contest-id }
command-walk-preset-s-contest-has-no = kontestasi preset tidak punya cakupan
command-walk-rekap-demo = rekap demo: { $name }
command-walk-preset-has-no-plenary-levels = preset tidak punya tingkat pleno
command-walk-demo-s-log-does-not = log demo tidak lolos verifikasi: { $failure }
command-walk-station-has-no-plenary-region = TPS { $station } tidak punya wilayah pleno
command-walk-pair-s-c-hasil-photo = foto C.Hasil pasangan 1 menunjukkan { $votes } suara, catatan menunjukkan { $misentered-votes }
command-walk-demo-s-province-totals-differ = jumlah provinsi demo { $numbers } berbeda dari hasil resmi { $numbers2 }
command-export-exported-records-bytes-head =
    { $records } catatan ({ $bytes } bita) diekspor ke { $path }
    ujung { $encode }
command-export-results-rekap-log-head-after-record = ujung log rekap { $encode } setelah catatan { $count } (definisi { $encode2 })
command-export-results-log-has-no-genesis = log tidak punya genesis
command-history-region-use-region = { $code } adalah wilayah: pakai --region { $code2 }
command-history-station-use-station = { $code } adalah TPS: pakai --station { $code2 }
command-history-unknown-region-or-station = wilayah atau TPS { $code } tidak dikenal
command-history-since-give-record-number-yyyy = --since { $text }: berikan nomor catatan, YYYY-MM-DD, YYYY-MM-DDTHH:MM atau waktu RFC 3339
command-import-sheets-csv-import-reads-one = impor CSV lembar membaca satu berkas; berikan berkas lain satu per satu
command-import-appended-records-durable-head =
    { $summary }
    catatan { $first }..={ $last } ditambahkan (tersimpan tahan lama)
    ujung { $encode }
command-import-rows-append-already-imported = { $number } baris: { $number2 } akan ditambahkan, { $number3 } sudah diimpor
command-import-from-from-reads-one-file = --from { $format } membaca satu berkas
command-import-from-cannot-read = tidak dapat membaca { $file }
command-import-from-documents-not-counted-yet-no = { $documents } dokumen: { $not-counted } belum dihitung (tanpa chart), { $without-administration } tanpa administrasi portal (sah = jumlah chart), { $invalid-unknown } tanpa suara_tidak_sah (tidak sah dicatat tidak ada); { $skipped } berkas lain dilewati
command-import-source-rows-sheets = { $rows } baris ({ $skipped } dilewati: jabatan yang bukan kontestasi, seperti pemilih terdaftar dan surat suara yang digunakan), { $sheets } lembar: { $to-append } akan ditambahkan, { $already } sudah diimpor; { $without } lembar tanpa over atau under votes (tidak sah dicatat tidak ada)
command-import-from-from-csv-needs-columns-e = --from csv memerlukan --columns (mis. station=kode_tps,votes_1=suara_01,...)
command-import-from-columns-not-for = --columns untuk --from csv dan --from kawalpemilu; --from { $format } memiliki kolomnya sendiri
command-import-from-sirekap-no-standard-input = --from sirekap membaca berkas dan direktori bernama kode TPS, bukan masukan standar (-)
command-import-from-larger-than-bytes = { $path } lebih besar dari { $limit } bita
command-import-from-problems-nothing-imported-by-rule =
    { $total } masalah, tidak ada yang diimpor
    menurut aturan atau kolom:
command-import-from-every-problem-first-ones = semua masalah ada di { $path }; yang pertama:
command-import-from-more = {"."}.. dan { $more } lagi
command-import-report-problems-nothing-imported = { $path }: { $total } masalah, tidak ada yang diimpor
command-import-report-more-problems-not-listed-limit = { $unlisted } masalah lagi tidak dicantumkan (batasnya { $max-problems-for-a-file })
command-init-not-valid-election-definition = { $path } bukan definisi pemilihan yang sah
command-init-regions-csv-line = { $path } baris { $line }
command-keygen-wrote-secret-mode-public-key =
    { $path } ditulis (rahasia, mode 0600)
    kunci publik { $public-hex }
command-list-unknown-level = tingkat { $key } tidak dikenal
client-copy-first-use = { $url }: checkpoint-nya diperiksa dengan kunci log yang disebut genesis-nya, { $vkey } (disimpan untuk server ini; beri --server-log-key untuk menetapkannya)
client-copy-server-refused = { $url } ditolak: { $reason }; salinan di { $path } menyimpan apa yang sudah diverifikasi sebelumnya
client-copy-behind-station = salinan terverifikasi dari { $url } belum memuat lembar terkini yang dimiliki server untuk { $station }; tidak ada yang dikirim: coba lagi beberapa detik lagi
client-copy-cannot-open = tidak dapat membuka salinan log server di { $path }
mirror-retrying = cermin: percobaan { $attempt }: { $reason }; mencoba lagi dalam { $milliseconds } milidetik
command-mirror-cannot-open-mirror-at = tidak dapat membuka cermin di { $path }
command-mirror-mirror-stops-following-keeps-serving = cermin: { $other }; berhenti mengikuti dan tetap melayani apa yang dimilikinya
command-mirror-verified-records-server-s-checkpoint = terverifikasi: { $size } catatan, checkpoint server
command-mirror-verified-records-checkpoint-size = catatan { $from } sampai { $to } dan checkpoint ukuran { $to2 } terverifikasi
command-mirror-stale-server-shows-checkpoint-size = tertinggal: server menunjukkan checkpoint ukuran { $shown }, cermin ini memegang { $held }
command-mirror-holds-no-mirror-status-run = { $path } tidak memuat status cermin: jalankan dulu `rekap mirror --from URL --store { $path2 }`
command-prove-record-must-be-shown-included = catatan { $seq } harus ditunjukkan termuat dalam checkpoint bertanda tangan: berikan --checkpoint FILE (`rekap checkpoint` pada penyimpanan, atau checkpoint pohon yang diterbitkan)
command-prove-export-s-records-do-not = { $path }: catatan ekspor tidak membentuk pohon checkpoint ini (ukuran { $size })
command-prove-digest-must-be-hex-digits = --digest harus 64 digit heksadesimal
command-publish-up-date-at-size = { $path } sudah mutakhir pada ukuran { $size }
command-publish-published-size-was-files-bytes = ukuran { $size } (sebelumnya { $old-size }) diterbitkan ke { $path }: { $files } berkas, { $bytes } bita, { $partials-removed } tile parsial dihapus
command-publish-note-log-has-records-rekap = catatan: log memuat { $count } catatan; `rekap checkpoint` menandatangani checkpoint atasnya untuk diterbitkan
command-publish-log-has-signed-no-checkpoint = log belum menandatangani checkpoint: jalankan `rekap checkpoint`
command-publish-store-s-tree-at-size = pohon penyimpanan pada ukuran { $size } bukan pohon checkpoint bertanda tangannya: jalankan `rekap verify`
command-publish-holds-tile-tree-another-log = { $path } memuat pohon tile log lain ({ $origin }, bukan { $origin2 }): terbitkan ke direktori lain
command-publish-holds-checkpoint-size-that-store = { $path } memuat checkpoint ukuran { $size } yang tidak diperpanjang oleh log penyimpanan
command-repair-wrote-records-copied-each-verified =
    { $path } ditulis: catatan 1..={ $kept } disalin, masing-masing terverifikasi (rantai, hash, tanda tangan, penghitung, waktu)
    ujung { $encode }
command-repair-records-far-chunk-headers-tell = catatan { $first-seq }..={ $last } (sejauh yang ditunjukkan kepala chunk)
command-repair-record-any-after = catatan { $first-seq } dan semua sesudahnya
command-repair-lost-at-byte-log-segment =
    HILANG: { $range }: pada bita { $offset } dari { $path }/log.segment: { $reason }
    Sebuah catatan tidak dapat dirantai tanpa catatan sebelumnya. Pulihkan dari ekspor atau cermin; { $path2 } tidak berubah.
command-rotate-log-key-rotated-log-key-at-record =
    kunci log diganti pada catatan { $seq }: kunci itu menandatangani checkpoint mulai ukuran pohon { $seq2 }
    kunci log { $vkey }
    ukuran checkpoint { $size }
command-serve-quorum-must-be-between-witnesses = --quorum { $quorum } harus antara 1 dan { $witnesses } saksi yang diberikan
command-serve-not-name-file = { $text } bukan NAMA=BERKAS
command-serve-source-s-name-letters-digits = { $name }: nama sumber terdiri dari 1 sampai 40 huruf, angka, - atau _
command-serve-compare-name-given-twice = --compare { $name }=...: nama itu diberikan dua kali
command-serve-stopped-every-answered-submission-durable = berhenti: setiap kiriman yang sudah dijawab tersimpan tahan lama
command-sheet-station-does-not-vote-contest = TPS { $station } tidak memilih dalam kontestasi { $contest-id }
command-sheet-unknown-contest = kontestasi { $id } tidak dikenal
command-sheet-definition-has-no-contests = definisi tidak punya kontestasi
command-sheet-contest-has-no-scope = kontestasi tidak punya cakupan
command-status-no-saved-level-counts = tidak ada hitungan tingkat yang tersimpan
command-submit-more-than-stations-line = { $path }: lebih dari { $max-stations-in-a-file } TPS (baris { $index })
command-submit-no-station-codes-file = { $path }: tidak ada kode TPS dalam berkas
command-submit-not-seq-index-e-g = { $text } bukan SEQ.INDEX (mis. 42.0)
command-submit-not-sequence-number = { $seq } bukan nomor urut
command-submit-not-index = { $index } bukan indeks
command-submit-there-no-contest-election = tidak ada kontestasi { $contest } dalam pemilihan ini
command-tlog-log-signed-no-checkpoint-size = log tidak menandatangani checkpoint ukuran { $size } (ukuran yang ditandatangani, terbaru dulu: { $numbers })
command-tlog-seq-checkpoint-size-holds-records = --seq { $seq }: checkpoint ukuran { $size } memuat catatan 1 sampai { $size2 }
command-tlog-store-s-tree-at-size = pohon penyimpanan pada ukuran { $size } bukan pohon checkpoint bertanda tangannya
command-tlog-from-need-from-log-s = --from { $from } --to { $to }: harus 1 <= from <= to <= { $count } (jumlah catatan log)
command-tlog-line-expected-decimal-size = baris { $index }: diharapkan `{ $prefix }<ukuran desimal>`
command-tlog-line-not-consistency-proof-expected = baris 1: bukan bukti konsistensi (diharapkan { $consistency-header })
command-tlog-line-not-standard-base-bytes = baris { $index }: bukan base64 standar dari 32 bita
command-tlog-not-log-vkey = { $text } bukan vkey log
command-tlog-not-valid-signed-checkpoint = { $path } bukan checkpoint bertanda tangan yang sah
command-tlog-checkpoints-are-two-logs = checkpoint-checkpoint itu dari dua log: { $origin } dan { $origin2 }
command-tlog-not-consistency-proof = { $path } bukan bukti konsistensi
command-tlog-proof-from-size-but-checkpoints = bukti itu dari ukuran { $from } ke { $to }, tetapi checkpoint-nya berukuran { $size } dan { $size2 }
command-tlog-consistent-size-prefix-size = konsisten: { $origin } ukuran { $size } adalah awalan dari ukuran { $size2 } ({ $signed })
command-tlog-newer-checkpoint-s-tree-does = pohon checkpoint yang lebih baru tidak memperpanjang pohon yang lebih lama
command-totals-warning-not-answering-from-saved = peringatan: { $reason }; tidak menjawab dari tampilan jumlah yang tersimpan
command-totals-at-records-are-numbered-from = --at 0: catatan bernomor mulai 1 (genesis); log ini memuat 1 sampai { $head }
command-totals-at-beyond-head-this-log = --at { $at } melewati ujung: log ini memuat catatan 1 sampai { $head }
command-totals-warning-totals-view-was-not = peringatan: tampilan jumlah tidak disimpan ({ $error }); totals berikutnya memutar ulang log
command-totals-answered-from-saved-totals-view = (dijawab dari tampilan jumlah tersimpan pada catatan { $head-count }, catatan terakhir log; `rekap audit` memeriksanya terhadap seluruh log)
command-totals-warning-recomputing-totals-from-log = peringatan: { $damage }; menghitung ulang jumlah dari log
command-verify-verifying-tile-tree-at = memverifikasi pohon tile di { $source }
command-verify-checkpoint-size-entries-tiles-root = { $human }checkpoint { $origin } ukuran { $size }: entri, tile dan akar terverifikasi ({ $signature })
command-verify-tiles-tile-tree-has-no = pohon tile tidak memuat { $path }
command-verify-tiles-tile-tree-s-checkpoint-refused = checkpoint pohon tile ditolak: bukan UTF-8
command-verify-tiles-tile-tree-s-checkpoint-refused-2 = checkpoint pohon tile ditolak: { $error }
command-verify-tiles-tile-tree-s-checkpoint-empty = checkpoint pohon tile adalah checkpoint log kosong: tidak memuat genesis
command-verify-tiles-checkpoint-s-origin-not-genesis = origin checkpoint { $origin } bukan origin genesis { $origin2 }
command-verify-tiles-checkpoint-refused-log-key-not = checkpoint ditolak: --log-key { $to-vkey } bukan kunci log ini
command-verify-tiles-checkpoint-refused-size-not-signed = checkpoint ditolak: ukuran { $size } tidak ditandatangani oleh kunci yang dinamai log untuknya (mulai ukuran pohon { $map-or }): { $error }
command-verify-tiles-entry-record-not-hash = { $path }: entri catatan { $seq } bukan hash-nya
command-verify-tiles-hashes-are-not-those-records = { $path }: hash-hash itu bukan hash pohon catatan
command-witness-name-cannot-name-key = --name { $name } tidak dapat menamai kunci
command-witness-cannot-serve-on = tidak dapat melayani di { $listen }
command-witness-not-evidence-file = { $path } bukan berkas bukti
command-witness-proven-log-seen-by = terbukti: { $reason } (log { $log-key }, dilihat oleh { $observer })
command-witness-not-proven = tidak terbukti: { $reason }
command-witness-witness-not-cosignature-vkey = --witness { $text } bukan vkey cosignature
command-witness-checkpoint-cosigned-by-witnesses = checkpoint dicosign oleh { $names } saksi: { $join }
command-approve-field-witness-key = kunci saksi
command-approve-field-signature = tanda tangan
command-compare-equal = sama
command-compare-differs = berbeda
command-compare-only-rekap = hanya di rekap
command-compare-only-source = hanya di sumber
command-compare-code = Kode
command-compare-name = Nama
command-compare-source = sumber
command-compare-difference = selisih
command-compare-source-tps = TPS sumber
command-compare-status = Status
command-definition-nothing-imported = tidak ada yang diimpor
command-definition-no-definition-written = tidak ada definisi yang ditulis
command-export-results-unresolved-references = galat internal: rujukan yang tidak terselesaikan { $references }
command-import-dry-run = uji coba, tidak ada yang ditambahkan
command-import-nothing-to-append = tidak ada yang perlu ditambahkan
command-import-report-by-rule-or-column = menurut aturan atau kolom:
command-import-report-problems-file-writes-every-one = `--problems FILE` menulis semuanya
command-publish-locked-by-server = penyimpanan terkunci: selama `rekap serve` memegangnya, server melayani pohon tile yang sama di /tlog/ (cerminkan itu, atau hentikan server untuk menerbitkan)
command-repair-nothing-lost = tidak ada yang hilang: setiap catatan asli lolos verifikasi
command-tlog-both-signed = keduanya ditandatangani oleh kunci log
command-tlog-signatures-not-checked = tanda tangan tidak diperiksa (tanpa --log-key)
command-verify-signed-by-log-key = ditandatangani oleh kunci log
command-verify-signature-not-checked = tanda tangan tidak diperiksa: log tidak menamai kunci
command-verify-log-empty-no-genesis = log kosong: tidak memuat genesis
command-verify-record-one-not-genesis = catatan 1 bukan genesis (definisi pemilihan)
command-verify-record-one-not-decoded = catatan 1 tidak dapat dibaca sebagai genesis
command-verify-tiles-tree-not-root = pohon catatan bukan akar checkpoint
command-keys-cannot-create-key-file-must = tidak dapat membuat berkas kunci { $path } (berkas itu tidak boleh sudah ada)
command-keys-cannot-encode-key-pkcs = tidak dapat menyandikan kunci sebagai PKCS#8: { $error }
command-keys-no-randomness = tidak ada sumber acak: { $error }
command-new-store-cannot-set-mode = tidak dapat mengatur mode { $path }
command-new-store-store-complete-but-directory-could = penyimpanan { $path } sudah lengkap, tetapi direktorinya tidak dapat disimpan ke disk
command-new-store-cannot-flush-disk = tidak dapat menyimpan { $path } ke disk
command-new-store-note-was-left-by-init = catatan: { $path } tertinggal dari init yang terputus; itu bukan penyimpanan dan boleh dihapus
command-sheet-args-sheet-needs-correct-takes-them = lembar memerlukan { $join } (correct mengambilnya dari lembar saat ini, tetapi hanya dari --store lokal)
command-sheet-args-votes-by-type-contest-has = --votes-by-type: kontestasi { $contest } tidak punya jenis suara
command-sheet-args-votes-by-type-expected-type = --votes-by-type { $item }: diharapkan JENIS=N,N,... (suara per pasangan)
command-sheet-args-votes-by-type-not-vote = --votes-by-type: { $key } bukan jenis suara kontestasi { $contest } (jenisnya: { $join })
command-sheet-args-votes-by-type-given-twice = --votes-by-type: { $key } diberikan dua kali
command-sheet-args-votes-by-type-votes-are = --votes-by-type { $item }: suaranya bukan bilangan bulat
command-sheet-args-votes-by-type-needs-every = --votes-by-type memerlukan setiap jenis suara kontestasi { $contest }: { $join } tidak diberikan
command-sheet-args-votes-by-type-gives-counts = --votes-by-type: { $key } memberi { $counts } hitungan, { $vote-types } memberi { $pairs } (satu per pasangan)
command-sheet-args-changes-from-give-male-female = { $flag } berubah dari { $total } menjadi { $total2 }: berikan juga { $flag2 }-male dan { $flag3 }-female (lembar mencatat pembagiannya)
command-new-store-is-current-directory = adalah direktori saat ini; init menulis penyimpanan di samping tujuannya lalu mengganti namanya ke tempatnya, jadi jalankan dari direktori induknya
command-new-store-occupied = sudah ada dan bukan direktori kosong; pilih jalur baru
command-new-store-mount-point = adalah titik kait atau berada di sistem berkas lain dari induknya; berikan jalur di dalamnya
command-new-store-not-put-in-place = tidak dapat ditempatkan
command-new-store-store-reason = penyimpanan { $path }: { $reason }
command-transparency-no-checkpoint-signed = peringatan: tidak ada checkpoint yang ditandatangani: { $error }
command-import-reading-export = membaca ekspor { $source }
command-import-export-does-not-verify-nothing = ekspor { $source } tidak lolos verifikasi: tidak ada yang dikirim
command-import-offline-import-needs-election-export = import --offline memerlukan --election EKSPOR (ekspor penyimpanan, untuk memeriksa baris-barisnya)
command-import-signed-submissions-up-counter-written = kiriman bertanda tangan sampai penghitung { $counter } ditulis ke { $path }; kirim dengan `rekap send`
command-import-neither-server-nor-offline = tidak ada --server maupun --offline
command-inclusion-receipt-s-tlog-proof = tlog-proof tanda terima: { $error }
command-inclusion-receipt-s-tlog-proof-entry = tlog-proof tanda terima adalah untuk entri { $index }, bukan catatan { $seq }
command-inclusion-receipt-s-checkpoint = checkpoint tanda terima: { $error }
command-inclusion-receipt-s-inclusion-proof-does = bukti keterlibatan tanda terima tidak lolos verifikasi: { $error }
command-inclusion-inclusion-no-published-checkpoint-holds = keterlibatan: belum ada checkpoint terbit yang memuat catatan { $seq }; GET /v1/inclusion/{ $seq2 } nanti
command-inclusion-included-checkpoint-size-root-inclusion = termuat dalam checkpoint { $origin } ukuran { $size } (akar { $encode }): bukti keterlibatan terverifikasi; tanda tangannya: `rekap verify-proof --log-key` atau `verify --tiles --log-key`
command-client-server-s-statement = pernyataan server: { $error }
command-client-not-counter = { $path } bukan penghitung
command-client-key-s-counter-kept-being = penghitung kunci terus diambil oleh klien lain; coba lagi
command-client-already-log-receipt-first-time = (sudah ada di log: tanda terima dari pengiriman pertamanya)
command-client-appended-record-event-id-head =
    catatan { $seq } ditambahkan (id peristiwa { $event-id })
    ujung { $encode }
command-client-offline-needs-election-file-export = --offline memerlukan --election FILE (ekspor penyimpanan, atau `GET /v1/election` yang disimpan)
command-client-signed-submission-key-written-send = kiriman bertanda tangan { $counter } dari kunci { $encode } ditulis ke { $path }; kirim dengan `rekap send`
command-client-export-holds-no-record = { $path }: ekspor tidak memuat catatan
command-client-record-not-genesis = { $path }: catatan 1 bukan genesis
command-client-neither-export-nor-json = { $path }: bukan ekspor dan bukan JSON
command-client-appended-record-event-id = { $label }: catatan { $seq } ditambahkan (id peristiwa { $event-id }), hash catatan { $hash }{ $else }
command-client-sent-refused = { $sent } terkirim ({ $appended } ditambahkan, { $repeated } sudah ada di log), { $refused } ditolak
command-client-send-counter-used-sign-again =
    petunjuk: log sudah memuat penghitung kunci ini (kunci menambahkan catatan tanpa `KEY.counter` di samping berkas kunci, atau dari salinan kunci yang lain); `send` tidak dapat menandatangani ulang: tandatangani kiriman lagi dengan `--offline FILE --election EXPORT`, EXPORT ekspor log saat ini (`rekap export`, atau `GET /v1/export`), yang catatannya memberi penghitung terakhir kunci
command-client-already-in-log = sudah ada di log
## kegagalan audit, dari penyebabnya yang bertipe (src/error_words/audit.rs)
audit-cause-empty-log = log kosong: tidak ada genesis
audit-cause-not-genesis = catatan 1 bukan genesis
audit-cause-genesis-undecodable = catatan 1 tidak dapat dibaca: { $problem }
audit-cause-undecodable = muatan tidak dapat dibaca: { $problem }
audit-cause-event-refused = peristiwa { $index }: { $refusal }
audit-cause-payload-refused = muatan: { $refusal }
audit-cause-hard-rule = lembar { $sheet }: { $violation }
audit-cause-rebuilt-totals-differ = wilayah { $region }: jumlah yang dibangun ulang berbeda dari jumlah proyeksi
audit-cause-not-sum-of-children = wilayah { $region }: bukan jumlah wilayah bawahannya
## tanda aturan lunak (src/error_words/flag.rs)
flag-high-turnout = S1 kehadiran tinggi: { $voted } memilih dari { $registered } terdaftar (di atas { $threshold }%)
flag-one-pair-all-votes = S2 satu pasangan mendapat semua suara sah: pasangan { $pair } mendapat seluruh { $valid }
flag-high-invalid-share = S3 banyak suara tidak sah: { $invalid } dari { $cast } suara (di atas { $threshold }%)
flag-same-sheet-at-many-stations = S4 angka yang sama di { $stations } TPS (ambangnya { $threshold })
flag-far-from-neighbours = S5 jauh dari tetangganya: pasangan { $pair } mendapat { $share }% di sini, { $neighbours }% pada { $sheets } lembar lain di desa itu (selisih lebih dari { $threshold } poin)
## alasan pemverifikasi log (src/error_words/chain.rs)
chain-record-undecodable = catatan tidak dapat dibaca: { $error }
chain-wrong-seq = catatan pada posisi { $position } menyatakan nomor urut { $seq }
chain-previous-hash = previous-hash { $found } tidak cocok dengan hash { $expected } dari catatan { $seq }
chain-time-backwards = waktu tercatat { $time } ms mundur dari { $previous } ms
chain-hash-mismatch = hash catatan tidak cocok dengan isinya
chain-signature = tanda tangan tidak lolos verifikasi
chain-counter-replayed = penghitung { $counter } pengirim { $author } tidak melebihi penghitung sebelumnya { $last } (kiriman diputar ulang)
chain-cut-off-in-length = catatan terpotong: berkas berakhir di tengah panjangnya
chain-cut-off = catatan terpotong: berkas berakhir di tengahnya
chain-trailer-missing = trailer tidak ada: berkas terpotong
chain-no-trailer = tidak ada trailer setelah catatan yang dinyatakan: jumlah catatan di header salah
chain-bytes-after-trailer = ada bita setelah trailer
