## --help dalam Bahasa Indonesia: satu entri per teks --help, dinamai menurut jalur perintah
## dan id argumennya (lihat src/help_words.rs); teks Inggrisnya di en/help.ftl.

help-template = {"{"}before-help{"}"}{"{"}about-with-newline{"}"}
    Penggunaan: {"{"}usage{"}"}

    {"{"}all-args{"}"}{"{"}after-help{"}"}
help-heading-commands = Perintah
help-heading-arguments = Argumen
help-heading-options = Opsi

help-rekap-about =
    Buku besar berbasis peristiwa, berantai hash dan bertanda tangan untuk rekapitulasi suara pemilu
help-rekap-long =
    rekap: buku besar yang hanya dapat ditambah, berantai hash dan bertanda tangan untuk rekapitulasi suara pemilu.

    Penyimpanan bawaan ./rekap-store (atau $REKAP_STORE).
help-rekap-after =
    Kode keluar:
      0  berhasil
      1  verifikasi gagal, atau masukan ditolak (tidak ada yang ditambahkan): juga berkas yang
         bukan UTF-8, dan berkas kunci yang dapat dibaca grup atau orang lain (`chmod 600` berkas itu)
      2  kesalahan penggunaan
      3  berkas atau penyimpanan tidak dapat dibaca atau ditulis (juga disk penuh, berkas terlalu besar),
         atau penyimpanan rusak (pesannya menyebut bitanya)
      4  penyimpanan sedang dikunci proses lain
help-rekap-arg-quiet =
    Senyap: tanpa tampilan kemajuan dan tanpa catatan di stderr (peringatan dan galat tetap ditampilkan)
help-rekap-arg-wait =
    Tunggu kunci penyimpanan paling lama DETIK detik alih-alih langsung gagal dengan kode 4: penulis menunggu penulis lain dan, pada setiap penambahan, pembaca yang sedang berjalan; pembaca menunggu penambahan yang sedang berjalan. Pembaca tidak pernah saling menunggu. Dengan --server (dan `send`): terus mencoba lagi server yang mati, sedang mulai atau penuh selama DETIK detik sebelum kode 3 (tanpa --wait: 20)
help-rekap-arg-lang =
    Bahasa semua keluaran (bantuan, tabel, kemajuan, galat): id (Bahasa Indonesia) atau en; tanpa opsi ini, dari LC_ALL, LC_MESSAGES atau LANG (`id_*` berarti Bahasa Indonesia)
help-rekap-arg-help =
    Tampilkan bantuan (lebih lengkap dengan '--help')
help-rekap-arg-help-long =
    Tampilkan bantuan (ringkasan dengan '-h')
help-rekap-arg-version =
    Tampilkan versi
help-demo-about =
    Jalankan Pilgub Kaltim 2024 dari awal sampai akhir dalam penyimpanan baru dan cetak tabelnya
help-demo-arg-store =
    Direktori penyimpanan yang dibuat. Penyimpanan buatan demo sebelumnya di sana diganti; selain itu dibiarkan dan demo menolak berjalan
help-demo-arg-preset =
    Pemilu yang dibangkitkan: Kaltim 2024, atau pemilu nasional
help-demo-arg-stations =
    Skalakan preset menjadi sebanyak ini TPS
help-demo-arg-seed =
    Benih (seed) lembar dan kunci yang dibangkitkan
help-demo-arg-inputs =
    Tulis juga berkas yang dipakai operator (definisi, wilayah, sheets.csv, kunci) ke sini
help-demo-arg-lang =
    Bahasa semua yang dicetak perintah ini: id atau en (bawaan: dari LC_ALL, LC_MESSAGES atau LANG)
help-keygen-about =
    Buat berkas kunci (ed25519; rahasianya tidak pernah dicetak)
help-keygen-arg-out =
    Berkas kunci yang dibuat (mode 0600); ditolak jika sudah ada
help-keygen-arg-pem =
    Tulis PEM PKCS#8 (`-----BEGIN PRIVATE KEY-----`, yang dibaca OpenSSL dan perangkat HSM) alih-alih bentuk rekap sendiri; setiap perintah membaca keduanya
help-pubkey-about =
    Cetak kunci publik sebuah berkas kunci
help-pubkey-arg-key =
    Berkas kunci
help-init-about =
    Buat penyimpanan yang catatan pertamanya definisi pemilu (ditandatangani pencatatnya)
help-init-long =
    Buat penyimpanan yang catatan pertamanya definisi pemilu (ditandatangani pencatatnya).

    Semua atau tidak sama sekali: penyimpanan dibangun di samping tujuan dan diganti namanya setelah lengkap, sehingga penolakan atau kerusakan tidak meninggalkan penyimpanan atau meninggalkan yang utuh. Tujuan harus belum ada atau berupa direktori kosong.
help-init-arg-store =
    Direktori penyimpanan
help-init-arg-election =
    Definisi pemilu (JSON, format rekap-election/1)
help-init-arg-key =
    Berkas kunci pencatat: genesis ditandatangani oleh pencatat definisi
help-init-arg-regions =
    CSV wilayah, jika definisi menyebutnya (bawaan: `regions_csv`-nya, relatif terhadap berkas definisi)
help-init-arg-log-key =
    Kunci log yang menandatangani checkpoint penyimpanan (berkas kunci rekap, mode 0600; bukan kunci pencatat): disebut dalam genesis dan disalin ke penyimpanan sebagai `log.key`. Bawaan: kunci baru untuk penyimpanan ini
help-register-about =
    Daftarkan petugas (operator, petugas, saksi, auditor), sebagai pencatat
help-register-arg-store =
    Direktori penyimpanan
help-register-arg-server =
    Kirim ke `rekap serve` di URL (mis. http://127.0.0.1:8080) alih-alih ke --store
help-register-arg-offline =
    Tulis kiriman bertanda tangan ke BERKAS (satu baris JSON, ditambahkan) untuk `rekap send`
help-register-arg-election =
    Dengan --offline: salinan genesis (ekspor penyimpanan) atau JSON dari `GET /v1/election`, untuk hash definisi yang diikat muatan
help-register-arg-inclusion-wait-ms =
    Dengan --server: berapa lama menunggu catatan termuat dalam checkpoint berikutnya yang diterbitkan server, diperiksa dan dicetak (0: cetak tanda terima segera; keterlibatannya lalu di `GET /v1/inclusion/SEQ`)
help-register-arg-key =
    Berkas kunci pencatat
help-register-arg-officer =
    Kunci publik petugas: heksadesimal, baris OpenSSH `ssh-ed25519 AAAA...`, PEM PUBLIC KEY, atau berkas yang memuatnya (mis. `KEYFILE.pub` yang ditulis `keygen`)
help-register-arg-role =
    Peran petugas
help-register-arg-scope =
    Wilayah tugas petugas
help-register-arg-contest =
    Untuk saksi: pemilihannya
help-register-arg-pair =
    Untuk saksi: nomor urut pasangan calon
help-revoke-about =
    Cabut kunci petugas untuk selamanya, sebagai pencatat
help-revoke-arg-store =
    Direktori penyimpanan
help-revoke-arg-server =
    Kirim ke `rekap serve` di URL (mis. http://127.0.0.1:8080) alih-alih ke --store
help-revoke-arg-offline =
    Tulis kiriman bertanda tangan ke BERKAS (satu baris JSON, ditambahkan) untuk `rekap send`
help-revoke-arg-election =
    Dengan --offline: salinan genesis (ekspor penyimpanan) atau JSON dari `GET /v1/election`, untuk hash definisi yang diikat muatan
help-revoke-arg-inclusion-wait-ms =
    Dengan --server: berapa lama menunggu catatan termuat dalam checkpoint berikutnya yang diterbitkan server, diperiksa dan dicetak (0: cetak tanda terima segera; keterlibatannya lalu di `GET /v1/inclusion/SEQ`)
help-revoke-arg-key =
    Berkas kunci pencatat
help-revoke-arg-officer =
    Kunci publik petugas: heksadesimal, baris OpenSSH `ssh-ed25519`, PEM PUBLIC KEY, atau berkas yang memuatnya
help-revoke-arg-reason =
    Alasan (wajib)
help-submit-about =
    Kirim lembar hasil satu TPS (Model C.Hasil), sebagai operator
help-submit-arg-store =
    Direktori penyimpanan
help-submit-arg-server =
    Kirim ke `rekap serve` di URL (mis. http://127.0.0.1:8080) alih-alih ke --store
help-submit-arg-offline =
    Tulis kiriman bertanda tangan ke BERKAS (satu baris JSON, ditambahkan) untuk `rekap send`
help-submit-arg-election =
    Dengan --offline: salinan genesis (ekspor penyimpanan) atau JSON dari `GET /v1/election`, untuk hash definisi yang diikat muatan
help-submit-arg-inclusion-wait-ms =
    Dengan --server: berapa lama menunggu catatan termuat dalam checkpoint berikutnya yang diterbitkan server, diperiksa dan dicetak (0: cetak tanda terima segera; keterlibatannya lalu di `GET /v1/inclusion/SEQ`)
help-submit-arg-key =
    Berkas kunci operator
help-submit-arg-station =
    Kode TPS, mis. 6472010001-001
help-submit-arg-contest =
    Id pemilihan
help-submit-arg-dpt =
    Pemilih terdaftar, daftar tetap (DPT). Wajib untuk submit
help-submit-arg-dpph =
    Pemilih pindahan (DPPh) [bawaan submit: 0]
help-submit-arg-dptb =
    Pemilih tambahan lain (DPTb) [bawaan submit: 0]
help-submit-arg-voted-dpt =
    Pemilih DPT yang menggunakan hak pilih. Wajib untuk submit
help-submit-arg-voted-dpt-male =
    Dari mereka, laki-laki (dengan --voted-dpt-female: rincian lembar)
help-submit-arg-voted-dpt-female =
    Dari mereka, perempuan
help-submit-arg-voted-dpph =
    Pemilih DPPh yang menggunakan hak pilih [bawaan submit: 0]
help-submit-arg-voted-dpph-male =
    Dari mereka, laki-laki (dengan --voted-dpph-female: rincian lembar)
help-submit-arg-voted-dpph-female =
    Dari mereka, perempuan
help-submit-arg-voted-dptb =
    Pemilih DPTb yang menggunakan hak pilih [bawaan submit: 0]
help-submit-arg-voted-dptb-male =
    Dari mereka, laki-laki (dengan --voted-dptb-female: rincian lembar)
help-submit-arg-voted-dptb-female =
    Dari mereka, perempuan
help-submit-arg-ballots-received =
    Surat suara diterima. Wajib untuk submit
help-submit-arg-ballots-used =
    Surat suara digunakan. Wajib untuk submit
help-submit-arg-ballots-damaged =
    Surat suara dikembalikan karena rusak atau keliru dicoblos [bawaan submit: 0]
help-submit-arg-ballots-unused =
    Surat suara sisa (tidak digunakan). Wajib untuk submit
help-submit-arg-votes =
    Suara per pasangan calon menurut nomor urut, dipisah koma: --votes 120,95. Wajib untuk submit
help-submit-arg-valid =
    Suara sah. Wajib untuk submit
help-submit-arg-invalid =
    Suara tidak sah. Wajib untuk submit
help-submit-arg-votes-by-type =
    Untuk pemilihan dengan jenis suara: suara tiap jenis per pasangan menurut nomor urut, satu TYPE=N,N,... per jenis (kunci vote_types definisi, seperti kolom votes_<pair>_<type> CSV lembar): --votes-by-type election_day=100,80 mail=20,15. --votes lalu boleh dikosongkan: jumlahnya per pasangan
help-import-about =
    Impor banyak lembar dari berkas CSV: setiap baris diperiksa dahulu, semua atau tidak sama sekali
help-import-arg-store =
    Direktori penyimpanan
help-import-arg-key =
    Berkas kunci operator; wilayah tugasnya harus mencakup setiap TPS dalam berkas
help-import-arg-files =
    CSV lembar (kolom di docs/OPERATOR.md); dengan --from, berkas sumbernya (untuk sirekap: dokumen TPS atau direktori yang disusun seperti portal). `-` membaca masukan standar, untuk setiap format kecuali sirekap (yang nama berkasnya adalah kode TPS)
help-import-arg-from =
    Format berkas (docs/FORMATS.md)
help-import-arg-candidates =
    Berkas calon dari portal (id portal ke nomor urut), untuk --from sirekap
help-import-arg-contest =
    Pemilihan yang dimaksud lembar (bawaan: yang pertama dalam definisi), jika sumber tidak menyebutnya
help-import-arg-columns =
    Untuk --from csv (atau untuk mengganti nama kolom kawalpemilu; ditolak untuk format lain): kolom sumber mana yang memuat tiap kolom lembar, mis. `station=kode_tps,votes_1=suara_01,votes_2=suara_02,valid=sah,invalid=tidak_sah`
help-import-arg-dry-run =
    Periksa setiap baris dan laporkan; tidak menambahkan apa pun
help-import-arg-server =
    Kirim ke `rekap serve` di URL (mis. http://127.0.0.1:8080) alih-alih ke --store
help-import-arg-offline =
    Tulis kiriman bertanda tangan ke BERKAS (satu baris JSON, ditambahkan) untuk `rekap send`
help-import-arg-election =
    Dengan --offline: salinan genesis (ekspor penyimpanan) atau JSON dari `GET /v1/election`, untuk hash definisi yang diikat muatan
help-import-arg-inclusion-wait-ms =
    Dengan --server: berapa lama menunggu catatan termuat dalam checkpoint berikutnya yang diterbitkan server, diperiksa dan dicetak (0: cetak tanda terima segera; keterlibatannya lalu di `GET /v1/inclusion/SEQ`)
help-import-arg-problems =
    Jika berkas ditolak, tulis setiap masalah ke berkas CSV ini (baris, TPS, kolom, aturan, alasan); stderr lalu menampilkan ringkasan dan masalah pertama
help-import-arg-format =
    Keluaran: tabel atau teks untuk orang, JSON atau CSV untuk skrip
help-import-arg-json =
    Ejaan lama --format json
help-definition-about =
    Tulis definisi pemilu dari hasil sumber lain (`--from openelections`), untuk ditinjau sebelum `init` (docs/FORMATS.md)
help-definition-arg-from =
    Format sumber
help-definition-arg-file =
    Berkas hasil (`-` membaca masukan standar)
help-definition-arg-out =
    Definisi yang ditulis (ditolak jika sudah ada), dengan CSV wilayahnya di sampingnya sebagai `<stem>-regions.csv`; tanpa opsi ini definisi, dengan wilayah di dalamnya, ditulis ke stdout
help-definition-arg-registrar =
    Kunci publik pencatat (heksadesimal, baris `ssh-ed25519`, PEM, atau berkas yang memuatnya)
help-definition-arg-operator =
    Kunci publik operator yang didaftarkan di genesis untuk seluruh negara bagian, agar `import` dapat langsung menyusul `init`
help-definition-arg-state =
    Kode wilayah negara bagian (bawaan: negara bagian dari nama berkas OpenElections seperti `20201103__pa__general__precinct.csv`, huruf besar; selain itu `STATE`)
help-definition-arg-name =
    Nama pemilu (bawaan: nama berkas tanpa `.csv`)
help-correct-about =
    Betulkan lembar suatu TPS (pembetulan), sebagai petugas, dengan alasan
help-correct-arg-store =
    Direktori penyimpanan
help-correct-arg-server =
    Kirim ke `rekap serve` di URL (mis. http://127.0.0.1:8080) alih-alih ke --store
help-correct-arg-offline =
    Tulis kiriman bertanda tangan ke BERKAS (satu baris JSON, ditambahkan) untuk `rekap send`
help-correct-arg-election =
    Dengan --offline: salinan genesis (ekspor penyimpanan) atau JSON dari `GET /v1/election`, untuk hash definisi yang diikat muatan
help-correct-arg-inclusion-wait-ms =
    Dengan --server: berapa lama menunggu catatan termuat dalam checkpoint berikutnya yang diterbitkan server, diperiksa dan dicetak (0: cetak tanda terima segera; keterlibatannya lalu di `GET /v1/inclusion/SEQ`)
help-correct-arg-key =
    Berkas kunci petugas
help-correct-arg-station =
    Kode TPS, mis. 6472010001-001
help-correct-arg-contest =
    Id pemilihan
help-correct-arg-dpt =
    Pemilih terdaftar, daftar tetap (DPT). Wajib untuk submit
help-correct-arg-dpph =
    Pemilih pindahan (DPPh) [bawaan submit: 0]
help-correct-arg-dptb =
    Pemilih tambahan lain (DPTb) [bawaan submit: 0]
help-correct-arg-voted-dpt =
    Pemilih DPT yang menggunakan hak pilih. Wajib untuk submit
help-correct-arg-voted-dpt-male =
    Dari mereka, laki-laki (dengan --voted-dpt-female: rincian lembar)
help-correct-arg-voted-dpt-female =
    Dari mereka, perempuan
help-correct-arg-voted-dpph =
    Pemilih DPPh yang menggunakan hak pilih [bawaan submit: 0]
help-correct-arg-voted-dpph-male =
    Dari mereka, laki-laki (dengan --voted-dpph-female: rincian lembar)
help-correct-arg-voted-dpph-female =
    Dari mereka, perempuan
help-correct-arg-voted-dptb =
    Pemilih DPTb yang menggunakan hak pilih [bawaan submit: 0]
help-correct-arg-voted-dptb-male =
    Dari mereka, laki-laki (dengan --voted-dptb-female: rincian lembar)
help-correct-arg-voted-dptb-female =
    Dari mereka, perempuan
help-correct-arg-ballots-received =
    Surat suara diterima. Wajib untuk submit
help-correct-arg-ballots-used =
    Surat suara digunakan. Wajib untuk submit
help-correct-arg-ballots-damaged =
    Surat suara dikembalikan karena rusak atau keliru dicoblos [bawaan submit: 0]
help-correct-arg-ballots-unused =
    Surat suara sisa (tidak digunakan). Wajib untuk submit
help-correct-arg-votes =
    Suara per pasangan calon menurut nomor urut, dipisah koma: --votes 120,95. Wajib untuk submit
help-correct-arg-valid =
    Suara sah. Wajib untuk submit
help-correct-arg-invalid =
    Suara tidak sah. Wajib untuk submit
help-correct-arg-votes-by-type =
    Untuk pemilihan dengan jenis suara: suara tiap jenis per pasangan menurut nomor urut, satu TYPE=N,N,... per jenis (kunci vote_types definisi, seperti kolom votes_<pair>_<type> CSV lembar): --votes-by-type election_day=100,80 mail=20,15. --votes lalu boleh dikosongkan: jumlahnya per pasangan
help-correct-arg-reason =
    Alasan lembar dibetulkan (wajib)
help-correct-arg-answers =
    Keberatan yang dijawab pembetulan ini, sebagai NOMOR.INDEKS (mis. 42.0)
help-void-about =
    Batalkan hasil suatu TPS untuk suatu pemilihan, sebagai petugas, dengan alasan hukumnya
help-void-arg-store =
    Direktori penyimpanan
help-void-arg-server =
    Kirim ke `rekap serve` di URL (mis. http://127.0.0.1:8080) alih-alih ke --store
help-void-arg-offline =
    Tulis kiriman bertanda tangan ke BERKAS (satu baris JSON, ditambahkan) untuk `rekap send`
help-void-arg-election =
    Dengan --offline: salinan genesis (ekspor penyimpanan) atau JSON dari `GET /v1/election`, untuk hash definisi yang diikat muatan
help-void-arg-inclusion-wait-ms =
    Dengan --server: berapa lama menunggu catatan termuat dalam checkpoint berikutnya yang diterbitkan server, diperiksa dan dicetak (0: cetak tanda terima segera; keterlibatannya lalu di `GET /v1/inclusion/SEQ`)
help-void-arg-key =
    Berkas kunci petugas
help-void-arg-station =
    TPS-nya, mis. 6401012009-001 (atau 6401012009001)
help-void-arg-stations =
    Berkas berisi kode TPS, satu per baris (baris kosong dan komentar `#` dilewati): semuanya dalam satu muatan bertanda tangan, semua atau tidak sama sekali
help-void-arg-contest =
    Id pemilihan
help-void-arg-reason =
    Alasan hukumnya (wajib)
help-revote-about =
    Perintahkan pemungutan suara ulang (PSU) di suatu TPS, sebagai petugas, dengan alasan hukumnya
help-revote-arg-store =
    Direktori penyimpanan
help-revote-arg-server =
    Kirim ke `rekap serve` di URL (mis. http://127.0.0.1:8080) alih-alih ke --store
help-revote-arg-offline =
    Tulis kiriman bertanda tangan ke BERKAS (satu baris JSON, ditambahkan) untuk `rekap send`
help-revote-arg-election =
    Dengan --offline: salinan genesis (ekspor penyimpanan) atau JSON dari `GET /v1/election`, untuk hash definisi yang diikat muatan
help-revote-arg-inclusion-wait-ms =
    Dengan --server: berapa lama menunggu catatan termuat dalam checkpoint berikutnya yang diterbitkan server, diperiksa dan dicetak (0: cetak tanda terima segera; keterlibatannya lalu di `GET /v1/inclusion/SEQ`)
help-revote-arg-key =
    Berkas kunci petugas
help-revote-arg-station =
    TPS-nya, mis. 6401012009-001 (atau 6401012009001)
help-revote-arg-stations =
    Berkas berisi kode TPS, satu per baris (baris kosong dan komentar `#` dilewati): semuanya dalam satu muatan bertanda tangan, semua atau tidak sama sekali
help-revote-arg-contest =
    Id pemilihan
help-revote-arg-reason =
    Alasan hukumnya (wajib)
help-object-about =
    Ajukan keberatan, sebagai saksi
help-object-arg-store =
    Direktori penyimpanan
help-object-arg-server =
    Kirim ke `rekap serve` di URL (mis. http://127.0.0.1:8080) alih-alih ke --store
help-object-arg-offline =
    Tulis kiriman bertanda tangan ke BERKAS (satu baris JSON, ditambahkan) untuk `rekap send`
help-object-arg-election =
    Dengan --offline: salinan genesis (ekspor penyimpanan) atau JSON dari `GET /v1/election`, untuk hash definisi yang diikat muatan
help-object-arg-inclusion-wait-ms =
    Dengan --server: berapa lama menunggu catatan termuat dalam checkpoint berikutnya yang diterbitkan server, diperiksa dan dicetak (0: cetak tanda terima segera; keterlibatannya lalu di `GET /v1/inclusion/SEQ`)
help-object-arg-key =
    Berkas kunci saksi
help-object-arg-station =
    TPS yang dituju keberatan
help-object-arg-region =
    Wilayah yang dituju keberatan (rekap pleno, atau semua di bawahnya)
help-object-arg-place =
    Ejaan lama --station dan --region: salah satu kode
help-object-arg-contest =
    Id pemilihan
help-object-arg-text =
    Isi keberatan
help-resolve-about =
    Putus keberatan, sebagai petugas: terima (dengan menunjuk pembetulannya) atau tolak
help-resolve-arg-store =
    Direktori penyimpanan
help-resolve-arg-server =
    Kirim ke `rekap serve` di URL (mis. http://127.0.0.1:8080) alih-alih ke --store
help-resolve-arg-offline =
    Tulis kiriman bertanda tangan ke BERKAS (satu baris JSON, ditambahkan) untuk `rekap send`
help-resolve-arg-election =
    Dengan --offline: salinan genesis (ekspor penyimpanan) atau JSON dari `GET /v1/election`, untuk hash definisi yang diikat muatan
help-resolve-arg-inclusion-wait-ms =
    Dengan --server: berapa lama menunggu catatan termuat dalam checkpoint berikutnya yang diterbitkan server, diperiksa dan dicetak (0: cetak tanda terima segera; keterlibatannya lalu di `GET /v1/inclusion/SEQ`)
help-resolve-arg-key =
    Berkas kunci petugas
help-resolve-arg-objection =
    Keberatannya, sebagai NOMOR.INDEKS
help-resolve-arg-accept =
    Terima: pembetulan (NOMOR.INDEKS) yang menjawabnya
help-resolve-arg-reject =
    Tolak keberatan
help-resolve-arg-reason =
    Alasannya (wajib)
help-sign-about =
    Tandatangani pernyataan pengesahan pleno, sebagai saksi, untuk dilampirkan petugas
help-sign-arg-store =
    Direktori penyimpanan
help-sign-arg-key =
    Berkas kunci saksi
help-sign-arg-region =
    Wilayah yang plenonya ini
help-sign-arg-contest =
    Id pemilihan
help-sign-arg-digest =
    Digest yang dibacakan dalam pleno; ditolak jika penyimpanan menghitung digest lain
help-sign-arg-server =
    Baca pernyataan dari `rekap serve` di URL alih-alih dari --store (saksi yang menandatangani dari jauh: `GET /v1/statement`)
help-sign-arg-out =
    Berkas tanda tangan yang ditulis
help-approve-about =
    Catat pengesahan pleno (D.Hasil) dengan tanda tangan para saksi, sebagai petugas
help-approve-arg-store =
    Direktori penyimpanan
help-approve-arg-key =
    Berkas kunci petugas
help-approve-arg-region =
    Wilayah yang plenonya ini
help-approve-arg-contest =
    Id pemilihan
help-approve-arg-signatures =
    Berkas tanda tangan saksi dari `rekap sign` (ulangi untuk tiap saksi)
help-approve-arg-refusals =
    Saksi yang menolak menandatangani: PUBLICKEYHEX=ALASAN (dapat diulang)
help-approve-arg-digest =
    Dengan --offline: digest yang dibacakan dalam pleno (tidak ada penyimpanan untuk menghitungnya)
help-approve-arg-server =
    Kirim ke `rekap serve` di URL (mis. http://127.0.0.1:8080) alih-alih ke --store
help-approve-arg-offline =
    Tulis kiriman bertanda tangan ke BERKAS (satu baris JSON, ditambahkan) untuk `rekap send`
help-approve-arg-election =
    Dengan --offline: salinan genesis (ekspor penyimpanan) atau JSON dari `GET /v1/election`, untuk hash definisi yang diikat muatan
help-approve-arg-inclusion-wait-ms =
    Dengan --server: berapa lama menunggu catatan termuat dalam checkpoint berikutnya yang diterbitkan server, diperiksa dan dicetak (0: cetak tanda terima segera; keterlibatannya lalu di `GET /v1/inclusion/SEQ`)
help-totals-about =
    Tampilkan jumlah setiap tingkat
help-totals-long =
    Tampilkan jumlah setiap tingkat.

    Menjawab dari tampilan jumlah yang tersimpan selama log tidak berubah sejak disimpan (milidetik, tanpa kunci); selain itu memutar ulang log. Perintah pembaca tidak menyimpan apa pun: setiap perintah penambah menyimpan tampilan ujung barunya. `--at` selalu memutar ulang.
help-totals-arg-store =
    Direktori penyimpanan
help-totals-arg-contest =
    Id pemilihan (bawaan: pemilihan pertama dalam definisi)
help-totals-arg-level =
    Setiap wilayah pada tingkat ini (mis. province, regency, district, village), atau setiap TPS (kunci tingkat TPS, mis. station)
help-totals-arg-region =
    Wilayah tepat di bawah wilayah ini; untuk wilayah yang membawahi TPS (desa/kelurahan), TPS-nya
help-totals-arg-at =
    Jumlah sebagaimana adanya sesudah catatan NOMOR (1, genesis, sampai ujung)
help-totals-arg-format =
    Keluaran: tabel atau teks untuk orang, JSON atau CSV untuk skrip
help-totals-arg-lang =
    Bahasa semua yang dicetak perintah ini: id atau en (bawaan: dari LC_ALL, LC_MESSAGES atau LANG)
help-totals-arg-server =
    Jawab dari salinan log `rekap serve` di URL yang sudah diverifikasi alih-alih --store: dibawa sampai checkpoint bertanda tangan server lebih dulu (hanya catatan baru yang diambil), lalu dibaca sebagai penyimpanan lokal; `totals` dan `status` dalam JSON atau CSV mencetak jawaban server sendiri (docs/API.md "Read commands")
help-totals-arg-server-log-key =
    Kunci verifikasi log (teks vkey atau berkas) untuk memeriksa checkpoint server (bawaan: kunci yang disebut genesis log, diambil pada pemakaian pertama lalu disimpan)
help-compare-about =
    Bandingkan jumlah satu tingkat dengan sumber lain (JSON agregat portal, berkas per TPS relawan, atau CSV jumlah wilayah): per wilayah kedua angka per pasangan, selisihnya, cakupan sumber, wilayah yang hanya ada di satu sisi. Keluar 0 jika semua sama, 1 jika ada yang berbeda
help-compare-arg-store =
    Direktori penyimpanan
help-compare-arg-server =
    Jawab dari salinan log `rekap serve` di URL yang sudah diverifikasi alih-alih --store: dibawa sampai checkpoint bertanda tangan server lebih dulu (hanya catatan baru yang diambil), lalu dibaca sebagai penyimpanan lokal; `totals` dan `status` dalam JSON atau CSV mencetak jawaban server sendiri (docs/API.md "Read commands")
help-compare-arg-server-log-key =
    Kunci verifikasi log (teks vkey atau berkas) untuk memeriksa checkpoint server (bawaan: kunci yang disebut genesis log, diambil pada pemakaian pertama lalu disimpan)
help-compare-arg-with =
    Sumber lainnya: JSON agregat portal untuk suatu wilayah (`.json`), CSV jumlah wilayah dengan kolom yang ditulis `rekap totals --format csv` (kolom `code`), atau CSV per TPS relawan (gaya KawalPemilu, atau apa pun lewat --columns)
help-compare-arg-level =
    Tingkat yang dibandingkan (bawaan: tingkat wilayah sumber; desa untuk berkas per TPS)
help-compare-arg-contest =
    Id pemilihan (bawaan: pemilihan pertama dalam definisi)
help-compare-arg-candidates =
    Berkas calon dari portal (id portal ke nomor urut), untuk agregat portal
help-compare-arg-columns =
    Untuk CSV per TPS yang kolomnya bukan kolom KawalPemilu: `station=...,votes_1=...,valid=...,invalid=...`
help-compare-arg-format =
    Keluaran: tabel atau teks untuk orang, JSON atau CSV untuk skrip
help-compare-arg-lang =
    Bahasa angka tabel: `id` mengelompokkan 1.234.567, `en` 1,234,567 (bawaan: dari LANG)
help-status-about =
    Tampilkan kemajuan per tingkat, pengesahan, keberatan terbuka dan tanda
help-status-arg-store =
    Direktori penyimpanan
help-status-arg-contest =
    Id pemilihan (bawaan: pemilihan pertama)
help-status-arg-lang =
    Bahasa semua yang dicetak perintah ini: id atau en (bawaan: dari LC_ALL, LC_MESSAGES atau LANG)
help-status-arg-format =
    Keluaran: tabel atau teks untuk orang, JSON atau CSV untuk skrip
help-status-arg-json =
    Ejaan lama --format json
help-status-arg-server =
    Jawab dari salinan log `rekap serve` di URL yang sudah diverifikasi alih-alih --store: dibawa sampai checkpoint bertanda tangan server lebih dulu (hanya catatan baru yang diambil), lalu dibaca sebagai penyimpanan lokal; `totals` dan `status` dalam JSON atau CSV mencetak jawaban server sendiri (docs/API.md "Read commands")
help-status-arg-server-log-key =
    Kunci verifikasi log (teks vkey atau berkas) untuk memeriksa checkpoint server (bawaan: kunci yang disebut genesis log, diambil pada pemakaian pertama lalu disimpan)
help-history-about =
    Tampilkan setiap peristiwa yang menyangkut suatu wilayah atau TPS
help-history-arg-store =
    Direktori penyimpanan
help-history-arg-server =
    Jawab dari salinan log `rekap serve` di URL yang sudah diverifikasi alih-alih --store: dibawa sampai checkpoint bertanda tangan server lebih dulu (hanya catatan baru yang diambil), lalu dibaca sebagai penyimpanan lokal; `totals` dan `status` dalam JSON atau CSV mencetak jawaban server sendiri (docs/API.md "Read commands")
help-history-arg-server-log-key =
    Kunci verifikasi log (teks vkey atau berkas) untuk memeriksa checkpoint server (bawaan: kunci yang disebut genesis log, diambil pada pemakaian pertama lalu disimpan)
help-history-arg-station =
    Suatu TPS: lembar, pembetulan, pembatalan dan PSU-nya, serta keberatan dan pengesahan yang mencakupnya
help-history-arg-region =
    Suatu wilayah: setiap peristiwa tentangnya atau apa pun di bawahnya, dan pengesahan di atasnya
help-history-arg-code =
    Ejaan lama: kode wilayah atau TPS sebagai argumen
help-history-arg-contest =
    Hanya peristiwa pemilihan ini (peristiwa petugas tidak punya pemilihan dan tidak ditampilkan)
help-history-arg-since =
    Hanya peristiwa sejak catatan NOMOR, atau sejak suatu waktu: YYYY-MM-DD atau YYYY-MM-DDTHH:MM di zona waktu provinsi (UTC dengan --utc), atau RFC 3339 dengan selisih waktu
help-history-arg-limit =
    Tampilkan paling banyak N entri
help-history-arg-offset =
    Lewati N entri pertama (halaman berikut mulai di akhir halaman sebelumnya)
help-history-arg-format =
    Keluaran: tabel atau teks untuk orang, JSON atau CSV untuk skrip
help-history-arg-utc =
    Waktu dalam UTC alih-alih zona waktu provinsi (WIB, WITA, WIT)
help-history-arg-lang =
    Bahasa semua yang dicetak perintah ini: id atau en (bawaan: dari LC_ALL, LC_MESSAGES atau LANG)
help-sheet-about =
    Tampilkan lembar yang berlaku dari satu TPS selengkapnya: setiap isian, lembar sebagian (hanya suara) ditandai
help-sheet-arg-store =
    Direktori penyimpanan
help-sheet-arg-server =
    Jawab dari salinan log `rekap serve` di URL yang sudah diverifikasi alih-alih --store: dibawa sampai checkpoint bertanda tangan server lebih dulu (hanya catatan baru yang diambil), lalu dibaca sebagai penyimpanan lokal; `totals` dan `status` dalam JSON atau CSV mencetak jawaban server sendiri (docs/API.md "Read commands")
help-sheet-arg-server-log-key =
    Kunci verifikasi log (teks vkey atau berkas) untuk memeriksa checkpoint server (bawaan: kunci yang disebut genesis log, diambil pada pemakaian pertama lalu disimpan)
help-sheet-arg-station =
    TPS-nya, mis. 6401012009-001
help-sheet-arg-contest =
    Id pemilihan (bawaan: pemilihan pertama)
help-sheet-arg-format =
    Keluaran: tabel atau teks untuk orang, JSON atau CSV untuk skrip
help-sheet-arg-lang =
    Bahasa semua yang dicetak perintah ini: id atau en (bawaan: dari LC_ALL, LC_MESSAGES atau LANG)
help-list-about =
    Daftar pemilihan, wilayah, petugas, keberatan atau tanda, dengan penyaring
help-list-arg-store =
    Direktori penyimpanan
help-list-arg-server =
    Jawab dari salinan log `rekap serve` di URL yang sudah diverifikasi alih-alih --store: dibawa sampai checkpoint bertanda tangan server lebih dulu (hanya catatan baru yang diambil), lalu dibaca sebagai penyimpanan lokal; `totals` dan `status` dalam JSON atau CSV mencetak jawaban server sendiri (docs/API.md "Read commands")
help-list-arg-server-log-key =
    Kunci verifikasi log (teks vkey atau berkas) untuk memeriksa checkpoint server (bawaan: kunci yang disebut genesis log, diambil pada pemakaian pertama lalu disimpan)
help-list-arg-what =
    Apa yang didaftar
help-list-arg-region =
    Hanya yang berada di wilayah ini atau di bawahnya (wilayah, petugas menurut wilayah tugas, keberatan dan tanda menurut tempat)
help-list-arg-contest =
    Hanya pemilihan ini (pemilihan, saksi, keberatan, tanda)
help-list-arg-level =
    Wilayah: hanya tingkat ini (kuncinya, mis. district)
help-list-arg-role =
    Petugas: hanya peran ini
help-list-arg-status =
    Keberatan: hanya yang terbuka, diterima atau ditolak
help-list-arg-format =
    Keluaran: tabel atau teks untuk orang, JSON atau CSV untuk skrip
help-list-arg-lang =
    Bahasa semua yang dicetak perintah ini: id atau en (bawaan: dari LC_ALL, LC_MESSAGES atau LANG)
help-prove-about =
    Tulis bukti bahwa lembar suatu TPS termuat dalam pengesahan pleno (kecamatan, kabupaten/kota atau provinsi)
help-prove-arg-store =
    Direktori penyimpanan
help-prove-arg-server =
    Jawab dari salinan log `rekap serve` di URL yang sudah diverifikasi alih-alih --store: dibawa sampai checkpoint bertanda tangan server lebih dulu (hanya catatan baru yang diambil), lalu dibaca sebagai penyimpanan lokal; `totals` dan `status` dalam JSON atau CSV mencetak jawaban server sendiri (docs/API.md "Read commands")
help-prove-arg-server-log-key =
    Kunci verifikasi log (teks vkey atau berkas) untuk memeriksa checkpoint server (bawaan: kunci yang disebut genesis log, diambil pada pemakaian pertama lalu disimpan)
help-prove-arg-log =
    Buktikan dari berkas ekspor alih-alih dari penyimpanan (diverifikasi dan diputar ulang dahulu, seperti `audit --log`); --store dan REKAP_STORE lalu tidak dibaca
help-prove-arg-checkpoint =
    Dengan --log: checkpoint bertanda tangan (`rekap checkpoint`, atau `checkpoint` pohon tile) tempat catatan pengesahan dibuktikan termuat; dari penyimpanan, checkpoint terakhir yang disimpan
help-prove-arg-contest =
    Id pemilihan
help-prove-arg-station =
    Kode TPS, mis. 6472010001-001
help-prove-arg-level =
    Berakhir pada pengesahan wilayah TPS itu di tingkat pleno ini (kunci tingkat definisi: district, regency, province). Bawaan: tingkat tertinggi yang wilayahnya di atas TPS sudah mengesahkan pemilihan itu
help-prove-arg-out =
    Berkas bukti yang ditulis (JSON); ditolak jika sudah ada. `-` menulis bukti ke keluaran standar (dan tidak ada yang lain), seperti `export --out -`
help-prove-arg-format =
    Keluaran: tabel atau teks untuk orang, JSON atau CSV untuk skrip
help-prove-arg-json =
    Ejaan lama --format json
help-verify-proof-about =
    Periksa bukti secara luring
help-verify-proof-arg-proof =
    Berkas bukti dari `rekap prove`
help-verify-proof-arg-log-key =
    Kunci verifikasi log (teks vkey, atau berkas yang memuatnya; `rekap log-key`): checkpoint tempat pengesahan termuat harus ditandatangani olehnya. Tanpa opsi ini keterlibatannya diperiksa tetapi tanda tangan checkpoint tidak, dan keluarannya menyebutkan hal itu
help-verify-proof-arg-digest =
    Digest pengesahan sebagaimana diumumkan (heksadesimal). Tanpa opsi ini dipakai digest yang ditandatangani dalam catatan pengesahan bukti: bandingkan dengan yang diumumkan
help-verify-proof-arg-witnesses =
    Vkey tanda tangan bersama (cosignature) seorang saksi (teks, atau berkas yang memuatnya; `rekap witness --vkey`) yang tanda tangan bersamanya atas checkpoint dihitung untuk --quorum. Ulangi untuk tiap saksi
help-verify-proof-arg-quorum =
    Wajibkan tanda tangan bersama yang sah dari sekurangnya sebanyak ini kunci --witness pada checkpoint (bawaan dengan --witness: semuanya)
help-verify-proof-arg-format =
    Keluaran: tabel atau teks untuk orang, JSON atau CSV untuk skrip
help-verify-proof-arg-json =
    Ejaan lama --format json
help-log-key-about =
    Cetak kunci verifikasi log (vkey C2SP: `<origin>+<hex key id>+<base64 key>`)
help-log-key-arg-store =
    Direktori penyimpanan
help-log-key-arg-server =
    Jawab dari salinan log `rekap serve` di URL yang sudah diverifikasi alih-alih --store: dibawa sampai checkpoint bertanda tangan server lebih dulu (hanya catatan baru yang diambil), lalu dibaca sebagai penyimpanan lokal; `totals` dan `status` dalam JSON atau CSV mencetak jawaban server sendiri (docs/API.md "Read commands")
help-log-key-arg-server-log-key =
    Kunci verifikasi log (teks vkey atau berkas) untuk memeriksa checkpoint server (bawaan: kunci yang disebut genesis log, diambil pada pemakaian pertama lalu disimpan)
help-rotate-log-key-about =
    Pencatat menetapkan kunci log baru (catatan `LogKeyRotated`): kunci itu menandatangani setiap checkpoint sejak pohon yang memuat catatan tersebut; kunci lama tidak pernah menandatangani lagi
help-rotate-log-key-arg-store =
    Direktori penyimpanan
help-rotate-log-key-arg-key =
    Berkas kunci pencatat: hanya pencatat yang mengganti kunci log
help-rotate-log-key-arg-log-key =
    Kunci log baru (berkas kunci rekap, mode 0600; bukan kunci yang pernah dimiliki log ini). Bawaan: kunci baru untuk penyimpanan ini
help-checkpoint-about =
    Cetak checkpoint bertanda tangan terakhir (signed note C2SP)
help-checkpoint-long =
    Cetak checkpoint bertanda tangan terakhir (signed note C2SP).

    Perintah penambah menandatangani satu sesudah setiap penambahan. Jika log bertambah sejak yang terakhir (penambahan oleh `rekap serve`), perintah ini menandatangani yang baru dahulu: sebuah penulisan, yang memegang kunci penyimpanan. Checkpoint yang tidak konsisten dengan yang terakhir tidak pernah ditandatangani.
help-checkpoint-arg-store =
    Direktori penyimpanan
help-checkpoint-arg-server =
    Jawab dari salinan log `rekap serve` di URL yang sudah diverifikasi alih-alih --store: dibawa sampai checkpoint bertanda tangan server lebih dulu (hanya catatan baru yang diambil), lalu dibaca sebagai penyimpanan lokal; `totals` dan `status` dalam JSON atau CSV mencetak jawaban server sendiri (docs/API.md "Read commands")
help-checkpoint-arg-server-log-key =
    Kunci verifikasi log (teks vkey atau berkas) untuk memeriksa checkpoint server (bawaan: kunci yang disebut genesis log, diambil pada pemakaian pertama lalu disimpan)
help-prove-record-about =
    Cetak bukti keterlibatan sebuah catatan dalam checkpoint bertanda tangan (tlog-proof C2SP)
help-prove-record-arg-store =
    Direktori penyimpanan
help-prove-record-arg-server =
    Jawab dari salinan log `rekap serve` di URL yang sudah diverifikasi alih-alih --store: dibawa sampai checkpoint bertanda tangan server lebih dulu (hanya catatan baru yang diambil), lalu dibaca sebagai penyimpanan lokal; `totals` dan `status` dalam JSON atau CSV mencetak jawaban server sendiri (docs/API.md "Read commands")
help-prove-record-arg-server-log-key =
    Kunci verifikasi log (teks vkey atau berkas) untuk memeriksa checkpoint server (bawaan: kunci yang disebut genesis log, diambil pada pemakaian pertama lalu disimpan)
help-prove-record-arg-seq =
    Nomor urut catatan (mulai 1); indeks pohonnya satu lebih kecil
help-prove-record-arg-size =
    Ukuran checkpoint bertanda tangan tempat keterlibatan dibuktikan (bawaan: yang terakhir)
help-prove-consistency-about =
    Cetak bukti konsistensi antara dua ukuran pohon (format rekap-consistency/1)
help-prove-consistency-arg-store =
    Direktori penyimpanan
help-prove-consistency-arg-server =
    Jawab dari salinan log `rekap serve` di URL yang sudah diverifikasi alih-alih --store: dibawa sampai checkpoint bertanda tangan server lebih dulu (hanya catatan baru yang diambil), lalu dibaca sebagai penyimpanan lokal; `totals` dan `status` dalam JSON atau CSV mencetak jawaban server sendiri (docs/API.md "Read commands")
help-prove-consistency-arg-server-log-key =
    Kunci verifikasi log (teks vkey atau berkas) untuk memeriksa checkpoint server (bawaan: kunci yang disebut genesis log, diambil pada pemakaian pertama lalu disimpan)
help-prove-consistency-arg-from =
    Ukuran pohon yang lebih lama (sekurangnya 1)
help-prove-consistency-arg-to =
    Ukuran pohon yang lebih baru (paling banyak jumlah catatan log)
help-verify-consistency-about =
    Periksa bahwa checkpoint NEW memperpanjang checkpoint OLD dengan bukti konsistensi (keluar 0/1)
help-verify-consistency-arg-old =
    Checkpoint bertanda tangan yang lebih lama
help-verify-consistency-arg-new =
    Checkpoint bertanda tangan yang lebih baru
help-verify-consistency-arg-proof =
    Bukti konsistensi (`rekap prove-consistency`)
help-verify-consistency-arg-log-key =
    Kunci verifikasi log (teks vkey, atau berkas yang memuatnya): kedua checkpoint harus ditandatangani olehnya. Tanpa opsi ini hanya pohonnya yang diperiksa, dan keluarannya menyebutkan hal itu
help-publish-about =
    Tulis log sebagai pohon tlog-tiles C2SP berupa berkas statis (docs/OPERATOR.md)
help-publish-long =
    Tulis log sebagai pohon tlog-tiles C2SP berupa berkas statis (docs/OPERATOR.md).

    Menerbitkan checkpoint bertanda tangan terakhir beserta setiap tile, bundel entri dan bundel catatan yang disebutnya; jalankan kedua kali hanya menulis yang berubah, checkpoint terakhir. Hanya membaca penyimpanan (tanpa kunci).
help-publish-arg-store =
    Direktori penyimpanan
help-publish-arg-out =
    Akar tile yang ditulis (dibuat jika belum ada); jalankan kedua kali memperbaruinya
help-export-about =
    Tulis seluruh log suatu penyimpanan ke satu berkas ekspor yang mandiri
help-export-arg-store =
    Direktori penyimpanan
help-export-arg-server =
    Jawab dari salinan log `rekap serve` di URL yang sudah diverifikasi alih-alih --store: dibawa sampai checkpoint bertanda tangan server lebih dulu (hanya catatan baru yang diambil), lalu dibaca sebagai penyimpanan lokal; `totals` dan `status` dalam JSON atau CSV mencetak jawaban server sendiri (docs/API.md "Read commands")
help-export-arg-server-log-key =
    Kunci verifikasi log (teks vkey atau berkas) untuk memeriksa checkpoint server (bawaan: kunci yang disebut genesis log, diambil pada pemakaian pertama lalu disimpan)
help-export-arg-out =
    Berkas yang ditulis; ditolak jika sudah ada
help-export-arg-format =
    table, json, csv: log-nya, ringkasannya dicetak dalam bentuk itu (JSON dan CSV: records, bytes, out, head). nist-err: hasil terkini sebagai JSON NIST SP 1500-100 v2 Election Results Reporting; openelections: sebagai CSV OpenElections (docs/FORMATS.md); `--out -` menulisnya ke keluaran standar
help-export-arg-json =
    Ejaan lama --format json
help-export-arg-level =
    openelections: satu baris per wilayah tingkat ini dan pasangan (bawaan: per TPS)
help-verify-about =
    Verifikasi penyimpanan atau ekspor: rantai, hash, tanda tangan, urutan, waktu, penghitung
help-verify-long =
    Verifikasi penyimpanan atau ekspor: rantai, hash, tanda tangan, urutan, waktu, penghitung.

    JSON (-f json, atau --json): {"{"}"ok", "records", "head", "failures": [{"{"}"seq", "reason"{"}"}], "failures_not_listed"{"}"}.
help-verify-arg-log =
    Berkas ekspor yang diverifikasi secara luring (--store lalu tidak dibaca)
help-verify-arg-store =
    Direktori penyimpanan yang diverifikasi [bawaan: $REKAP_STORE, selain itu rekap-store]
help-verify-arg-server =
    Jawab dari salinan log `rekap serve` di URL yang sudah diverifikasi alih-alih --store: dibawa sampai checkpoint bertanda tangan server lebih dulu (hanya catatan baru yang diambil), lalu dibaca sebagai penyimpanan lokal; `totals` dan `status` dalam JSON atau CSV mencetak jawaban server sendiri (docs/API.md "Read commands")
help-verify-arg-server-log-key =
    Kunci verifikasi log (teks vkey atau berkas) untuk memeriksa checkpoint server (bawaan: kunci yang disebut genesis log, diambil pada pemakaian pertama lalu disimpan)
help-verify-arg-tiles =
    Pohon tile yang diterbitkan (`rekap publish`, atau `/tlog/` dari `rekap serve`) untuk diambil dan diverifikasi: direktori, URL file:// atau URL http(s) akarnya
help-verify-arg-log-key =
    Dengan --tiles: kunci verifikasi (teks vkey, atau berkas yang memuatnya) yang harus salah satu kunci log. Tanda tangan checkpoint tetap diperiksa, dengan kunci yang disebut genesis log atau catatan `LogKeyRotated` terakhir untuk ukurannya
help-verify-arg-witnesses =
    Vkey tanda tangan bersama (cosignature) seorang saksi (teks, atau berkas yang memuatnya; `rekap witness --vkey`) yang tanda tangan bersamanya atas checkpoint dihitung untuk --quorum. Ulangi untuk tiap saksi
help-verify-arg-quorum =
    Wajibkan tanda tangan bersama yang sah dari sekurangnya sebanyak ini kunci --witness pada checkpoint (bawaan dengan --witness: semuanya)
help-verify-arg-format =
    Keluaran: tabel atau teks untuk orang, JSON atau CSV untuk skrip
help-verify-arg-json =
    Ejaan lama --format json
help-verify-arg-no-signatures =
    Lewati pemeriksaan tanda tangan (hanya rantai dan hash; lebih cepat)
help-audit-about =
    Audit penyimpanan atau ekspor dari log saja: pemeriksaan bernomor 1-9, kegagalan pertama
help-audit-long =
    Audit penyimpanan atau ekspor dari log saja: pemeriksaan bernomor 1-9, kegagalan pertama.

    JSON (-f json, atau --json): {"{"}"ok", "records", "head", "projection_digest", "judged_records", "unauthenticated_record", "checks": [...], "flags": [...]{"}"}.
help-audit-arg-log =
    Berkas ekspor yang diaudit secara luring (--store lalu tidak dibaca)
help-audit-arg-store =
    Direktori penyimpanan yang diaudit [bawaan: $REKAP_STORE, selain itu rekap-store]
help-audit-arg-server =
    Jawab dari salinan log `rekap serve` di URL yang sudah diverifikasi alih-alih --store: dibawa sampai checkpoint bertanda tangan server lebih dulu (hanya catatan baru yang diambil), lalu dibaca sebagai penyimpanan lokal; `totals` dan `status` dalam JSON atau CSV mencetak jawaban server sendiri (docs/API.md "Read commands")
help-audit-arg-server-log-key =
    Kunci verifikasi log (teks vkey atau berkas) untuk memeriksa checkpoint server (bawaan: kunci yang disebut genesis log, diambil pada pemakaian pertama lalu disimpan)
help-audit-arg-format =
    Keluaran: tabel atau teks untuk orang, JSON atau CSV untuk skrip
help-audit-arg-json =
    Ejaan lama --format json
help-repair-about =
    Salin setiap catatan penyimpanan rusak yang masih lolos verifikasi ke penyimpanan baru
help-repair-long =
    Salin setiap catatan penyimpanan rusak yang masih lolos verifikasi ke penyimpanan baru.

    Penyimpanan rusak hanya dibaca. Catatan disalin bita demi bita, sampai catatan pertama yang tidak lolos verifikasi; laporannya menyebut catatan itu dan catatan yang hilang sesudahnya. Keluar 0 jika tidak ada yang hilang, 1 jika ada catatan yang hilang (penyimpanan baru tetap ditulis).
help-repair-arg-store =
    Direktori penyimpanan rusak: hanya dibaca, tidak pernah diubah
help-repair-arg-out =
    Penyimpanan baru yang ditulis (harus belum ada, atau direktori kosong)
help-bench-about =
    Ukur skala nasional dibandingkan SQLite, DuckDB dan blake3, perintah tunggal dibandingkan sqlite3 (docs/PERFORMANCE.md)
help-bench-arg-stations =
    Jumlah TPS (bawaan: seluruh 818.339 TPS preset nasional)
help-bench-arg-runs =
    Jumlah pengulangan tiap pengukuran; yang dilaporkan mediannya
help-bench-arg-dir =
    Direktori kerja (bawaan: direktori baru di bawah direktori sementara sistem)
help-bench-arg-formats =
    Ukur format lain sebagai gantinya (docs/FORMATS.md): impor CSV lembar di samping impor lembar yang sama sebagai satu berkas JSON portal per TPS, CSV KawalPemilu, CSV melalui --columns dan CSV OpenElections, ekspor NIST, dan compare di setiap tingkat; direktori kerja dihapus sesudahnya
help-bench-server-about =
    Ukur `rekap serve` dengan N klien pengirim bertanda tangan yang bersamaan (docs/PERFORMANCE.md)
help-bench-server-arg-national =
    Preset nasional (818.339 TPS) alih-alih 6.264 TPS Kaltim
help-bench-server-arg-stations =
    Jumlah TPS (menyekalakan preset)
help-bench-server-arg-seconds =
    Detik beban per jumlah klien, paling lama: jendela berakhir lebih awal begitu ada klien yang tidak punya TPS lagi untuk dikirimi lembar
help-bench-server-arg-clients =
    Jumlah klien, dipisah koma
help-bench-server-arg-correct-every =
    Setiap lembar ke-N yang dikirim klien disusul pembetulan lembar itu (satu suara dipindah antara dua pasangan pertama) oleh petugas klien; 0 untuk tidak ada
help-bench-server-arg-readers =
    Koneksi yang meminta total provinsi di samping para pengirim, masing-masing satu permintaan sekali jalan
help-bench-server-arg-dir =
    Direktori kerja, disimpan sesudahnya (bawaan: direktori baru di bawah direktori sementara, dihapus saat bench selesai)
help-serve-about =
    Layani penyimpanan lewat HTTP bagi banyak operator, petugas dan saksi (docs/API.md)
help-serve-long =
    Layani penyimpanan lewat HTTP bagi banyak operator, petugas dan saksi (docs/API.md).

    Memegang penyimpanan (perintah lain atasnya mendapat kode 4: pakai --server), memutar ulang sekali, dan menyimpan kiriman bertanda tangan secara berkelompok. Berhenti pada SIGTERM/SIGINT sesudah batch yang sedang berjalan tersimpan tahan lama, dengan kode 0.
help-serve-arg-store =
    Direktori penyimpanan
help-serve-arg-listen =
    Alamat untuk mendengarkan (port 0: port bebas mana pun, dicetak di baris pertama)
help-serve-arg-queue =
    Kiriman yang menunggu penulis sebelum kiriman baru mendapat 503
help-serve-arg-max-batch =
    Kiriman terbanyak yang diputuskan dan ditambahkan sebagai satu kelompok (satu chunk tahan lama)
help-serve-arg-publish-interval-ms =
    Cuplikan untuk pembaca diterbitkan paling sering setiap sekian milidetik
help-serve-arg-checkpoint-interval-ms =
    Checkpoint ditandatangani dengan kunci log penyimpanan sesudah penyimpanan paling sering setiap sekian milidetik (dan saat mulai dan berhenti)
help-serve-arg-key-rate =
    Kiriman per detik yang boleh dikirim satu kunci (0: tanpa batas); lonjakan sampai 4x
help-serve-arg-address-rate =
    Permintaan per detik yang boleh dikirim satu alamat klien (0: tanpa batas); lonjakan sampai 2x
help-serve-arg-body-limit =
    Badan permintaan terbesar dalam bita (lebih besar: 413)
help-serve-arg-witnesses =
    Saksi yang menandatangani bersama setiap checkpoint sebelum diterbitkan: URL-nya (tempat ia menjawab POST /add-checkpoint) dan vkey tanda tangan bersamanya (`rekap witness --vkey`), sebagai URL=VKEY. Ulangi untuk tiap saksi (docs/OPERATOR.md "Witness policy")
help-serve-arg-quorum =
    Terbitkan checkpoint (/tlog/, tanda terima, bukti) hanya setelah sebanyak ini saksi --witness menandatanganinya bersama. Bawaan: semuanya
help-serve-arg-compare =
    Sumber lain untuk halaman pembanding portal (`/c/CONTEST/compare`), sebagaimana dibaca `rekap compare --with` (agregat portal `.json`, CSV jumlah wilayah, CSV per TPS dengan kolom KawalPemilu); NAME (huruf, angka, - dan _) menamainya di halaman. Dapat diulang
help-serve-arg-compare-candidates =
    Berkas calon dari portal (id portal ke nomor urut), untuk sumber --compare yang berupa agregat portal
help-send-about =
    Kirim kiriman bertanda tangan yang ditulis dengan --offline ke server, menurut urutan penghitung
help-send-arg-server =
    `rekap serve` tujuan pengiriman
help-send-arg-files =
    Berkas yang ditulis --offline (satu kiriman bertanda tangan per baris)
help-witness-about =
    Jalankan tlog-witness C2SP untuk log yang diberikan: POST /add-checkpoint (docs/API.md)
help-witness-long =
    Jalankan tlog-witness C2SP untuk log yang diberikan: POST /add-checkpoint (docs/API.md).

    Menandatangani bersama suatu checkpoint hanya jika konsisten dengan checkpoint terakhir yang ditandatanganinya untuk log itu (disimpan tahan lama di --state). Yang tidak konsisten ditolak (422) dan meninggalkan berkas bukti di --state/evidence/ serta baris ALARM di stderr. Berhenti pada SIGTERM/SIGINT dengan kode 0.
help-witness-arg-key =
    Berkas kunci saksi (`rekap keygen`; hanya pemilik). Tanda tangan bersamanya Ed25519 cosignature/v1 atas nama --name
help-witness-arg-listen =
    Alamat untuk mendengarkan (port 0: port bebas mana pun, dicetak di baris pertama)
help-witness-arg-logs =
    Kunci verifikasi (teks vkey, atau berkas yang memuatnya) suatu log yang disaksikan; namanya asal (origin) log itu. Ulangi untuk tiap log
help-witness-arg-name =
    Nama saksi dalam baris tanda tangannya (menurut kebiasaan URL tanpa skema). Bawaan: `rekap-witness/<16 digit heksadesimal pertama kunci publiknya>`
help-witness-arg-state =
    Tempat checkpoint terakhir yang ditandatangani bersama untuk tiap log dan berkas bukti disimpan
help-witness-arg-vkey =
    Cetak vkey tanda tangan bersama saksi (`<name>+<id>+<base64(0x04 || key)>`) lalu keluar
help-mirror-about =
    Ikuti server rekap ke penyimpanan sendiri, setiap catatan dan checkpoint diverifikasi
help-mirror-long =
    Ikuti server rekap ke penyimpanan sendiri, setiap catatan dan checkpoint diverifikasi.

    Setiap catatan baru diperiksa seperti audit (rantai, tanda tangan, setiap keputusan diputar ulang oleh model) dan setiap checkpoint baru terhadap setiap catatan yang dipegang. Checkpoint yang bertentangan dengan yang sudah diterima ditolak: berkas bukti di STORE/mirror/evidence/, baris ALARM, kode 1. Bertahan saat dijalankan ulang (melanjutkan dari ujungnya) dan saat server mati (mencoba lagi dengan jeda).
help-mirror-arg-from =
    Server rekap yang diikuti (/tlog/checkpoint dan /v1/records-nya)
help-mirror-arg-store =
    Penyimpanan milik cermin sendiri (dibuat pada jalan pertama; setiap perintah pembaca dapat dipakai atasnya)
help-mirror-arg-status =
    Cetak apa yang diverifikasi cermin (JSON: origin, size, checkpoint, lag, alarm) lalu keluar: 0 tanpa alarm, 1 dengan alarm. Hanya membaca berkas status: tanpa kunci
help-mirror-arg-log-key =
    Kunci verifikasi log (`rekap log-key` pada penyimpanan server; teks vkey atau berkas). Wajib pada jalan pertama, sesudahnya disimpan di penyimpanan
help-mirror-arg-checkpoint =
    Baca checkpoint bertanda tangan dari URL atau berkas ini alih-alih /tlog/checkpoint pada URL --from
help-mirror-arg-once =
    Tarik sekali (dengan percobaan ulang) lalu keluar: 0 terverifikasi, 1 alarm, 3 server tidak terjangkau
help-mirror-arg-interval-ms =
    Milidetik antarpenarikan
help-mirror-arg-retries =
    Percobaan per penarikan jika server tidak dapat dibaca (jeda mulai 200 ms, berlipat dua, paling lama 30 detik); lalu penarikan berikutnya mulai dari awal
help-mirror-arg-listen =
    Layani juga apa yang diverifikasi cermin di alamat ini, hanya-baca: API baca server, tile /tlog/ dan halaman portal, /v1/mirror (statusnya); setiap penulisan dijawab 405 dengan menyebut server yang diikuti (docs/API.md "Mirrors"). Port 0: port bebas mana pun, dicetak di baris pertama. Berhenti pada SIGTERM atau SIGINT: kode 0, atau 1 sesudah alarm
help-verify-evidence-about =
    Periksa berkas bukti secara luring: keluar 0 jika membuktikan bahwa satu kunci log menandatangani dua checkpoint yang tidak mungkin sama-sama benar, 1 jika tidak
help-verify-evidence-arg-file =
    Berkas bukti (`rekap-evidence/1`, ditulis saksi atau cermin)
help-completions-about =
    Cetak skrip pelengkapan shell: `rekap completions bash > /etc/bash_completion.d/rekap`
help-completions-arg-shell =
    Shell-nya: bash, zsh, fish, elvish atau powershell
help-man-about =
    Cetak halaman man (roff): `rekap man | man -l -`; `--out DIREKTORI` menulis satu per perintah
help-man-arg-out =
    Tulis rekap.1 dan satu halaman per perintah (rekap-totals.1, ...) ke DIREKTORI alih-alih mencetak rekap.1
help-help-about =
    Tampilkan pesan ini atau bantuan subperintah yang diberikan
help-help-demo-about =
    Jalankan Pilgub Kaltim 2024 dari awal sampai akhir dalam penyimpanan baru dan cetak tabelnya
help-help-keygen-about =
    Buat berkas kunci (ed25519; rahasianya tidak pernah dicetak)
help-help-pubkey-about =
    Cetak kunci publik sebuah berkas kunci
help-help-init-about =
    Buat penyimpanan yang catatan pertamanya definisi pemilu (ditandatangani pencatatnya)
help-help-register-about =
    Daftarkan petugas (operator, petugas, saksi, auditor), sebagai pencatat
help-help-revoke-about =
    Cabut kunci petugas untuk selamanya, sebagai pencatat
help-help-submit-about =
    Kirim lembar hasil satu TPS (Model C.Hasil), sebagai operator
help-help-import-about =
    Impor banyak lembar dari berkas CSV: setiap baris diperiksa dahulu, semua atau tidak sama sekali
help-help-definition-about =
    Tulis definisi pemilu dari hasil sumber lain (`--from openelections`), untuk ditinjau sebelum `init` (docs/FORMATS.md)
help-help-correct-about =
    Betulkan lembar suatu TPS (pembetulan), sebagai petugas, dengan alasan
help-help-void-about =
    Batalkan hasil suatu TPS untuk suatu pemilihan, sebagai petugas, dengan alasan hukumnya
help-help-revote-about =
    Perintahkan pemungutan suara ulang (PSU) di suatu TPS, sebagai petugas, dengan alasan hukumnya
help-help-object-about =
    Ajukan keberatan, sebagai saksi
help-help-resolve-about =
    Putus keberatan, sebagai petugas: terima (dengan menunjuk pembetulannya) atau tolak
help-help-sign-about =
    Tandatangani pernyataan pengesahan pleno, sebagai saksi, untuk dilampirkan petugas
help-help-approve-about =
    Catat pengesahan pleno (D.Hasil) dengan tanda tangan para saksi, sebagai petugas
help-help-totals-about =
    Tampilkan jumlah setiap tingkat
help-help-compare-about =
    Bandingkan jumlah satu tingkat dengan sumber lain (JSON agregat portal, berkas per TPS relawan, atau CSV jumlah wilayah): per wilayah kedua angka per pasangan, selisihnya, cakupan sumber, wilayah yang hanya ada di satu sisi. Keluar 0 jika semua sama, 1 jika ada yang berbeda
help-help-status-about =
    Tampilkan kemajuan per tingkat, pengesahan, keberatan terbuka dan tanda
help-help-history-about =
    Tampilkan setiap peristiwa yang menyangkut suatu wilayah atau TPS
help-help-sheet-about =
    Tampilkan lembar yang berlaku dari satu TPS selengkapnya: setiap isian, lembar sebagian (hanya suara) ditandai
help-help-list-about =
    Daftar pemilihan, wilayah, petugas, keberatan atau tanda, dengan penyaring
help-help-prove-about =
    Tulis bukti bahwa lembar suatu TPS termuat dalam pengesahan pleno (kecamatan, kabupaten/kota atau provinsi)
help-help-verify-proof-about =
    Periksa bukti secara luring
help-help-log-key-about =
    Cetak kunci verifikasi log (vkey C2SP: `<origin>+<hex key id>+<base64 key>`)
help-help-rotate-log-key-about =
    Pencatat menetapkan kunci log baru (catatan `LogKeyRotated`): kunci itu menandatangani setiap checkpoint sejak pohon yang memuat catatan tersebut; kunci lama tidak pernah menandatangani lagi
help-help-checkpoint-about =
    Cetak checkpoint bertanda tangan terakhir (signed note C2SP)
help-help-prove-record-about =
    Cetak bukti keterlibatan sebuah catatan dalam checkpoint bertanda tangan (tlog-proof C2SP)
help-help-prove-consistency-about =
    Cetak bukti konsistensi antara dua ukuran pohon (format rekap-consistency/1)
help-help-verify-consistency-about =
    Periksa bahwa checkpoint NEW memperpanjang checkpoint OLD dengan bukti konsistensi (keluar 0/1)
help-help-publish-about =
    Tulis log sebagai pohon tlog-tiles C2SP berupa berkas statis (docs/OPERATOR.md)
help-help-export-about =
    Tulis seluruh log suatu penyimpanan ke satu berkas ekspor yang mandiri
help-help-verify-about =
    Verifikasi penyimpanan atau ekspor: rantai, hash, tanda tangan, urutan, waktu, penghitung
help-help-audit-about =
    Audit penyimpanan atau ekspor dari log saja: pemeriksaan bernomor 1-9, kegagalan pertama
help-help-repair-about =
    Salin setiap catatan penyimpanan rusak yang masih lolos verifikasi ke penyimpanan baru
help-help-bench-about =
    Ukur skala nasional dibandingkan SQLite, DuckDB dan blake3, perintah tunggal dibandingkan sqlite3 (docs/PERFORMANCE.md)
help-help-bench-server-about =
    Ukur `rekap serve` dengan N klien pengirim bertanda tangan yang bersamaan (docs/PERFORMANCE.md)
help-help-serve-about =
    Layani penyimpanan lewat HTTP bagi banyak operator, petugas dan saksi (docs/API.md)
help-help-send-about =
    Kirim kiriman bertanda tangan yang ditulis dengan --offline ke server, menurut urutan penghitung
help-help-witness-about =
    Jalankan tlog-witness C2SP untuk log yang diberikan: POST /add-checkpoint (docs/API.md)
help-help-mirror-about =
    Ikuti server rekap ke penyimpanan sendiri, setiap catatan dan checkpoint diverifikasi
help-help-verify-evidence-about =
    Periksa berkas bukti secara luring: keluar 0 jika membuktikan bahwa satu kunci log menandatangani dua checkpoint yang tidak mungkin sama-sama benar, 1 jika tidak
help-help-completions-about =
    Cetak skrip pelengkapan shell: `rekap completions bash > /etc/bash_completion.d/rekap`
help-help-man-about =
    Cetak halaman man (roff): `rekap man | man -l -`; `--out DIREKTORI` menulis satu per perintah
help-help-help-about =
    Tampilkan pesan ini atau bantuan subperintah yang diberikan
help-demo-arg-preset-value-kaltim-2024 =
    Pilgub Kalimantan Timur 2024 yang sebenarnya (6.264 TPS)
help-demo-arg-preset-value-national =
    Seluruh negeri dari berkas wilayah (818.339 TPS, satu kontestasi)
help-import-arg-from-value-sheets =
    CSV lembar rekap (docs/OPERATOR.md)
help-import-arg-from-value-sirekap =
    JSON portal KPU 2024, satu dokumen per TPS (berkas atau direktori)
help-import-arg-from-value-kawalpemilu =
    CSV per TPS dari relawan: tps, pas1..pasN, sah, tidakSah
help-import-arg-from-value-csv =
    CSV apa pun, melalui --columns
help-import-arg-from-value-openelections =
    CSV per precinct OpenElections: county, precinct, office, district, party, candidate, votes (dan kolom jenis suara seperti election_day, absentee, mail)
help-definition-arg-from-value-openelections =
    CSV per precinct OpenElections (county, precinct, office, district, party, candidate, votes, dan kolom jenis suara)
help-export-arg-format-value-nist-err =
    JSON NIST SP 1500-100 v2 Election Results Reporting dari hasil terkini
help-export-arg-format-value-openelections =
    CSV OpenElections dari hasil terkini
