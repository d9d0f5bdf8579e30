## Penolakan model (Refusal dari rekap-model): masing-masing satu aturan docs/RULES.md;
## kode aturannya (R26) ditaruh di depan teks oleh kode program.

refusal-in-event = peristiwa { $index }: { $refusal }
refusal-no-genesis = belum ada genesis: catatan pertama harus memuat definisi pemilu
refusal-genesis-already-applied = genesis sudah diterapkan; definisi pemilu tidak dapat diganti
refusal-genesis-not-first = genesis harus catatan 1, bukan catatan { $seq }
refusal-genesis-not-by-registrar = genesis ditandatangani oleh { $author }, bukan oleh pencatat definisi { $registrar }
refusal-invalid-definition = definisi tidak sah: { $problem }
refusal-definition-hash-mismatch = muatan terikat pada definisi { $found }, sedangkan definisi log ini { $expected }
refusal-seq-not-increasing = catatan { $seq } tidak sesudah catatan terakhir yang diterapkan, { $last }
refusal-empty-payload = muatan tidak berisi peristiwa
refusal-unknown-author = pengaju { $author } bukan petugas terdaftar
refusal-author-revoked = pengaju { $author } sudah dicabut pada catatan { $revoked }
refusal-not-registrar = hanya pencatat yang boleh { $act }; { $author } bukan pencatat
refusal-role-not-permitted = { $role } tidak boleh { $act }
refusal-registrar-cannot-hold-role = kunci pencatat tidak boleh sekaligus memegang peran petugas
refusal-already-registered = { $key } sudah terdaftar
refusal-key-was-revoked = { $key } sudah dicabut pada catatan { $revoked } dan tidak dapat didaftarkan lagi
refusal-unknown-officer = { $key } bukan petugas terdaftar
refusal-already-revoked = { $key } sudah dicabut (pada catatan { $revoked })
refusal-invalid-public-key = { $key } bukan kunci publik ed25519 yang sah
refusal-weak-public-key = { $key } adalah identitas atau titik berorde kecil, kunci yang tidak pernah dapat menandatangani
refusal-log-key-is-registrar = kunci log harus kunci tersendiri, bukan kunci pencatat
refusal-log-key-reused = { $key } pernah menjadi kunci log ini sejak ukuran pohon { $size }; kunci yang sudah diganti tidak pernah menandatangani lagi
refusal-bad-log-origin = genesis menyebut asal { $origin }; asal pemilu ini { $expected }
refusal-unknown-region = { $code } bukan wilayah pemilu ini
refusal-unknown-station = { $code } bukan TPS pemilu ini
refusal-unknown-place = { $code } bukan wilayah maupun TPS pemilu ini
refusal-unknown-contest = { $contest } bukan pemilihan dalam pemilu ini
refusal-unknown-pair = pemilihan { $contest } tidak punya pasangan calon nomor { $pair }
refusal-out-of-scope = wilayah tugas { $scope } tidak mencakup { $target }
refusal-official-scope-too-low = petugas dengan wilayah tugas { $scope } (tingkat { $level }) berada di bawah tingkat pleno terendah { $lowest }
refusal-not-in-contest = { $place } tidak memilih dalam pemilihan { $contest }
refusal-witness-scope-outside-contest = wilayah tugas saksi { $scope } tidak bersinggungan dengan pemilihan { $contest }
refusal-witness-of-other-contest = saksi pemilihan { $other } tidak dapat bertindak pada pemilihan { $contest }
refusal-not-official-of-region = petugas { $scope } bukan petugas { $region }
refusal-level-holds-no-plenary = { $region } berada di tingkat { $level }, yang tidak menyelenggarakan pleno
refusal-sheet-already-submitted = { $station } sudah punya lembar untuk { $contest } (catatan { $seq }); lakukan pembetulan
refusal-no-sheet-to-correct = { $station } belum punya lembar yang berlaku untuk { $contest } yang dapat dibetulkan
refusal-station-is-voided = { $station } dibatalkan untuk { $contest } (catatan { $seq })
refusal-revote-already-pending = PSU di { $station } untuk { $contest } sudah menunggu (catatan { $seq })
refusal-correction-changes-nothing = pembetulan { $station } untuk { $contest } tidak mengubah angka apa pun
refusal-missing-reason = { $field } wajib diisi
refusal-hard-rule = { $station } { $contest }: { $violation }
refusal-unknown-objection = tidak ada keberatan { $id }
refusal-objection-not-open = keberatan { $id } sudah diputus (catatan { $seq })
refusal-objection-contest-mismatch = keberatan { $id } menyangkut pemilihan { $other }, bukan { $contest }
refusal-outside-objection = TPS { $station } berada di luar tempat keberatan { $id }, { $place }
refusal-unknown-correction = tidak ada pembetulan { $id }
refusal-correction-predates-objection = pembetulan { $correction } dibuat sebelum keberatan { $objection } diajukan
refusal-region-has-no-stations = { $region } tidak membawahi TPS; tidak ada yang dapat disahkan
refusal-not-a-witness = { $key } bukan saksi terdaftar
refusal-witness-revoked = saksi { $key } sudah dicabut pada catatan { $revoked }
refusal-duplicate-witness = saksi { $key } tercantum dua kali pada pengesahan
refusal-bad-witness-signature = tanda tangan saksi { $key } tidak cocok dengan pernyataan pengesahan
refusal-witness-out-of-scope = saksi { $key } berwilayah tugas { $scope }, yang tidak mencakup { $region }
refusal-approval-check = proyeksi menolak pengesahan: { $problem }

## Mengapa proyeksi menolak digest pengesahan
approval-digest-mismatch = digest yang diklaim { $claimed }, hasil hitung proyeksi { $computed }
approval-child-not-approved = wilayah bawahan { $child } belum disahkan
approval-child-stale = pengesahan wilayah bawahan { $child } usang sejak catatan { $seq }
approval-stations-missing = { $missing } TPS belum punya lembar maupun pembatalan, misalnya { $example }

## Aturan wajib yang dilanggar lembar
rule-absent-section-has-numbers = aturan hanya-suara: lembar hanya memuat bagian suara tetapi mencantumkan angka pemilih, kehadiran atau surat suara; kosongkan angka itu atau isi lembar selengkapnya
rule-wrong-pair-count = aturan jumlah-pasangan: lembar memuat suara { $given } pasangan, pemilihan ini punya { $pairs }
rule-pair-votes-not-valid = aturan suara-pasangan=sah: jumlah suara pasangan { $sum }, suara sah { $valid }
rule-cast-not-ballots-used = aturan sah+tidak-sah=surat-digunakan: { $valid } sah + { $invalid } tidak sah != { $used } surat suara digunakan
rule-ballots-used-not-voted = aturan surat-digunakan=pengguna-hak-pilih: { $used } surat suara digunakan, { $voted } pemilih menggunakan hak pilih
rule-voted-over-registered = aturan memilih<=terdaftar: { $voted } memilih dari { $list }, hanya { $registered } terdaftar di dalamnya
rule-male-female-not-total = aturan laki-laki+perempuan=jumlah: { $list } { $male } laki-laki + { $female } perempuan != { $total } jumlah
rule-ballots-unbalanced = aturan surat-diterima: { $received } diterima != { $used } digunakan + { $damaged } rusak + { $unused } sisa
rule-over-capacity = aturan kapasitas: { $registered } pemilih terdaftar, kapasitas TPS { $capacity }
rule-wrong-vote-type-count = aturan jumlah-jenis-suara: lembar memuat { $given } hitungan per jenis suara, pemilihan ini memerlukan { $expected } (pasangan x jenis suara)
rule-vote-types-not-pair-votes = aturan jenis-suara=suara-pasangan: hitungan per jenis suara pasangan { $pair } berjumlah { $sum }, suaranya { $votes }
rule-invalid-absent-on-full-sheet = aturan tidak-sah-diisi: lembar lengkap wajib mencantumkan suara tidak sah; hanya lembar yang memuat bagian suara saja boleh tidak mencantumkannya

## Batas
limit-too-long = { $field } berukuran { $bytes } bita; batasnya { $limit }
limit-too-many = { $count } { $field }; batasnya { $limit }

## Tindakan dan peran, seperti disebut dalam penolakan
act-register-officer = mendaftarkan petugas
act-revoke-officer = mencabut petugas
act-submit-sheet = mengirim lembar
act-correct-sheet = membetulkan lembar
act-record-revote = mencatat PSU
act-void-station = membatalkan TPS
act-file-objection = mengajukan keberatan
act-resolve-objection = memutus keberatan
act-approve-plenary = mengesahkan pleno
act-note-sheet-source = mencatat dokumen sumber lembar
act-rotate-log-key = mengganti kunci log
role-kind-registrar = pencatat
role-kind-operator = operator
role-kind-official = petugas
role-kind-witness = saksi
role-kind-auditor = auditor
