## Definisi (berkas, CSV wilayah atau genesis) yang tidak sah (src/error_words/definition.rs)
definition-unsupported-format = versi format definisi { $version } tidak didukung (rekap ini membaca versi { $supported })
definition-unsupported-file-format = format berkas definisi { $found } tidak didukung (diharapkan { $expected })
definition-empty = { $field } kosong
definition-too-long = { $field } berukuran { $bytes } bita; batasnya { $limit }
definition-too-many = { $count } { $field }; batasnya { $limit }
definition-too-few-levels = { $count } tingkat; diperlukan paling sedikit { $least } (wilayah dan TPS)
definition-bad-level-key = kunci tingkat { $key } bukan huruf kecil ASCII, angka dan _
definition-duplicate-level = tingkat { $key } tercantum dua kali
definition-unknown-level = tingkat { $key } tidak dikenal
definition-plenary-at-station-level = tingkat TPS tidak dapat mengadakan pleno
definition-no-plenary-level = tidak ada tingkat yang mengadakan pleno
definition-bad-capacity = kapasitas TPS { $capacity } tidak di dalam 1..={ $limit }
definition-bad-key = kunci { $what } { $key } bukan kunci publik ed25519 yang sah
definition-weak-key = kunci { $what } { $key } adalah identitas atau titik berorde kecil, kunci yang tidak pernah dapat menandatangani
definition-bad-contest-id = id kontestasi { $id } bukan 1..=64 huruf ASCII, angka, '-', '_', '.'
definition-not-canonical = { $what } tidak dalam urutan kanonik pada { $at }
definition-unknown-region = { $what } { $code } bukan wilayah
definition-no-pairs = kontestasi { $contest } tidak punya pasangan calon
definition-bad-vote-type = kontestasi { $contest }: kunci jenis suara { $key } bukan huruf kecil ASCII, angka dan _, atau diberikan dua kali
definition-bad-contest-part = kontestasi { $contest }: bagian { $code } bukan wilayah atau TPS di bawah cakupan kontestasi
definition-overlapping-contest-parts = kontestasi { $contest }: bagian { $code } berada di bawah bagian lain, atau memuat bagian lain
definition-pair-numbering = kontestasi { $contest }: nomor pasangan { $found } padahal yang diharapkan { $expected } (1..=n)
definition-bad-officer = petugas { $key }: { $reason }
definition-bad-region-code = kode wilayah { $code } bukan 1..=32 huruf ASCII, angka, '.', '_'
definition-duplicate-region = wilayah { $code } tercantum dua kali
definition-region-level-out-of-range = wilayah { $code } bertingkat { $level }, tetapi hanya tingkat 0..{ $region-levels } yang memuat wilayah
definition-top-level-with-parent = wilayah { $code } ada di tingkat teratas tetapi punya induk
definition-missing-parent = wilayah { $code } ada di bawah tingkat teratas tetapi tidak punya induk
definition-unknown-parent = wilayah { $code } berinduk { $parent }, yang bukan wilayah
definition-parent-level-mismatch = wilayah { $code } (tingkat { $level }) berinduk { $parent } di tingkat { $parent-level }
definition-stations-at-wrong-level = wilayah { $code } di tingkat { $level } punya TPS; hanya tingkat tepat di atas TPS yang boleh
definition-too-many-stations-in-region = wilayah { $code } punya { $stations } TPS; batasnya { $limit }
definition-bad-station-numbers = wilayah { $code }: nomor TPS: { $problem }
definition-bad-station-code = kode TPS { $code } bukan 1..=36 huruf ASCII, angka, '.', '_', '-'
definition-station-parent-level = TPS { $code } berinduk { $parent }, yang tidak berada di tingkat tepat di atas TPS
definition-stations-counted-and-listed = wilayah { $code } menghitung TPS-nya sekaligus mencantumkannya; berikan satu bentuk saja
definition-station-spelled-twice = TPS { $code } juga TPS { $other } yang dieja lain; kode harus berbeda
definition-csv = CSV wilayah baris { $line }: { $problem }
definition-json = JSON definisi: { $problem }
definition-regions-given-twice = definisi memberikan wilayahnya sekaligus di dalam berkas dan sebagai CSV
definition-no-regions = definisi tidak memberikan wilayah (tidak di dalam berkas, tidak juga sebagai CSV)
definition-regions-csv-missing = definisi menamai CSV wilayah { $name }, tetapi tidak ada CSV yang diberikan
definition-read = gagal membaca CSV wilayah: { $problem }
## nama bagian-bagian definisi dalam galat di atas
definition-part-contests = kontestasi
definition-part-definition-json = JSON definisi
definition-part-events-per-payload = peristiwa per muatan
definition-part-initial-officers = petugas awal
definition-part-levels = tingkat
definition-part-listed-stations = TPS yang dicantumkan
definition-part-regions-csv = CSV wilayah
definition-part-regions = wilayah
definition-part-stations = TPS
definition-part-contest-parts-sorted-by-code-unique = bagian kontestasi (urut menurut kode, unik)
definition-part-contest-scope = cakupan kontestasi
definition-part-contests-sorted-by-id-unique = kontestasi (urut menurut id, unik)
definition-part-included-region = wilayah yang disertakan
definition-part-initial-officers-sorted-by-key-unique = petugas awal (urut menurut kunci, unik)
definition-part-regions-sorted-by-code-unique = wilayah (urut menurut kode, unik)
definition-part-registrar = registrar
definition-part-stations-sorted-by-code-unique = TPS (urut menurut kode, unik)
## masalah satu baris CSV wilayah, dan nomor-nomor TPS sebuah wilayah
definition-csv-record-too-long = rekaman lebih panjang dari { $limit } bita
definition-csv-header = baris judul harus { $header }
definition-csv-field-count = { $fields } isian, seharusnya 5 ({ $header })
definition-csv-level = isian "level": { $problem }
definition-csv-stations = isian "stations": { $problem }
definition-csv-not-utf8 = isian { $column }: bukan UTF-8
definition-station-has-count = TPS { $code } punya jumlah TPS; hanya wilayah induknya yang boleh
definition-station-no-parent = TPS { $code } tidak punya induk
definition-station-regions-only = TPS { $code }: di sini hanya wilayah yang dibaca, bukan TPS
numbers-too-many-ranges = { $ranges } rentang; paling banyak { $limit }
numbers-no-gap = { $range } tidak datang sesudah { $before } dengan jeda (rentang naik, terpisah)
numbers-too-many-stations = { $count } TPS; paling banyak { $limit } per wilayah
numbers-empty-item = ada butir kosong dalam daftar nomor TPS
numbers-not-a-range = { $item } bukan nomor TPS atau rentang (a-b)
numbers-overlaps = { $item } bertumpang tindih dengan atau datang sebelum { $before } (tulis nomor naik, sekali saja)
numbers-not-a-number = { $text } bukan nomor atau jumlah TPS
numbers-zero = nomor TPS 0 (nomor mulai dari 1)
numbers-over-limit = nomor TPS { $number } lebih dari { $limit } (tiga digit)
numbers-descends = rentang { $first }-{ $last } menurun
