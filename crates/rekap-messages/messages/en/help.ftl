## --help in English: the clap definition's own text, written by the test
## `help_words::tests` (REKAP_WRITE_HELP=1 cargo test --bin rekap help_words);
## do not edit by hand, edit the doc comments.

help-template = {"{"}before-help{"}"}{"{"}about-with-newline{"}"}
    Usage: {"{"}usage{"}"}

    {"{"}all-args{"}"}{"{"}after-help{"}"}
help-heading-commands = Commands
help-heading-arguments = Arguments
help-heading-options = Options

help-rekap-about =
    Event-sourced, hash-chained, signed ledger for election vote recapitulation
help-rekap-long =
    rekap: an append-only, hash-chained, signed ledger for election vote recapitulation.

    The store defaults to ./rekap-store (or $REKAP_STORE).
help-rekap-after =
    Exit codes:
      0  success
      1  verification failed, or input rejected (nothing was appended): also a file that
         is not UTF-8, and a key file its group or others may read (`chmod 600` it)
      2  usage error
      3  a file or store could not be read or written (also a full disk, a file too large),
         or the store is damaged (the message names the byte)
      4  the store is locked by another process
help-rekap-arg-quiet =
    Quiet: no progress and no notes on stderr (warnings and errors still are)
help-rekap-arg-wait =
    Wait up to SECONDS for the store's lock instead of failing at once with exit 4: a writer waits for another writer and, at each append, for the readers in progress; a reader waits for an append in progress. Readers never wait for each other. With --server (and `send`): keep retrying a server that is down, starting or full for SECONDS before exit 3 (without --wait: 20)
help-rekap-arg-lang =
    Language of everything printed (help, tables, progress, errors): id (Bahasa Indonesia) or en; without it, from LC_ALL, LC_MESSAGES or LANG (`id_*` is Indonesian)
help-rekap-arg-help =
    Print help (see more with '--help')
help-rekap-arg-help-long =
    Print help (see a summary with '-h')
help-rekap-arg-version =
    Print version
help-demo-about =
    Run the Kaltim 2024 governor's race end to end in a fresh store and print the tables
help-demo-arg-store =
    Store directory to create. A store an earlier demo made there is replaced; anything else there is left alone and the demo refuses to run
help-demo-arg-preset =
    The election to generate: Kaltim 2024, or the national one
help-demo-arg-preset-value-kaltim-2024 =
    The real 2024 East Kalimantan governor's race (6,264 stations)
help-demo-arg-preset-value-national =
    The whole country from the region file (818,339 stations, one contest)
help-demo-arg-stations =
    Scale the preset to this many polling stations
help-demo-arg-seed =
    Seed of the generated sheets and keys
help-demo-arg-inputs =
    Also write the files the operator used (definition, regions, sheets.csv, keys) here
help-demo-arg-lang =
    Language of what this command prints: id or en (default: from LC_ALL, LC_MESSAGES or LANG)
help-keygen-about =
    Create a key file (ed25519; the secret is never printed)
help-keygen-arg-out =
    Key file to create (mode 0600); refused if it exists
help-keygen-arg-pem =
    Write PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`, what OpenSSL and HSM tools read) instead of rekap's own form; every command reads both
help-pubkey-about =
    Print the public key of a key file
help-pubkey-arg-key =
    Key file
help-init-about =
    Create a store whose first record is an election definition (signed by its registrar)
help-init-long =
    Create a store whose first record is an election definition (signed by its registrar).

    All or nothing: the store is built beside the target and renamed into place once complete, so a refusal or a crash leaves no store or a whole one. The target must not exist or be an empty directory.
help-init-arg-store =
    Store directory
help-init-arg-election =
    Election definition (JSON, format rekap-election/1)
help-init-arg-key =
    The registrar's key file: the genesis is signed by the definition's registrar
help-init-arg-regions =
    Regions CSV, when the definition names one (default: its `regions_csv`, relative to the definition file)
help-init-arg-log-key =
    The log key that signs the store's checkpoints (a rekap key file, mode 0600; not the registrar's): named in the genesis and copied into the store as `log.key`. Default: a new key made for this store
help-register-about =
    Register an officer (operator, official, witness, auditor), as the registrar
help-register-arg-store =
    Store directory
help-register-arg-server =
    Send it to the `rekap serve` at URL (e.g. http://127.0.0.1:8080) instead of --store
help-register-arg-offline =
    Write the signed submission to FILE (one JSON line, appended) for `rekap send`
help-register-arg-election =
    With --offline: a copy of the genesis (an export of the store) or the JSON of `GET /v1/election`, for the definition hash the payload binds
help-register-arg-inclusion-wait-ms =
    With --server: how long to wait for the record's inclusion in the server's next published checkpoint, checked and printed (0: print the receipt at once; the inclusion is then `GET /v1/inclusion/SEQ`)
help-register-arg-key =
    The registrar's key file
help-register-arg-officer =
    The officer's public key: hex, an OpenSSH `ssh-ed25519 AAAA...` line, a PEM PUBLIC KEY, or a file holding one (e.g. the `KEYFILE.pub` that `keygen` writes)
help-register-arg-role =
    The officer's role
help-register-arg-scope =
    The region the officer acts for
help-register-arg-contest =
    For a witness: the contest
help-register-arg-pair =
    For a witness: the candidate pair's ballot number
help-revoke-about =
    Revoke an officer's key for good, as the registrar
help-revoke-arg-store =
    Store directory
help-revoke-arg-server =
    Send it to the `rekap serve` at URL (e.g. http://127.0.0.1:8080) instead of --store
help-revoke-arg-offline =
    Write the signed submission to FILE (one JSON line, appended) for `rekap send`
help-revoke-arg-election =
    With --offline: a copy of the genesis (an export of the store) or the JSON of `GET /v1/election`, for the definition hash the payload binds
help-revoke-arg-inclusion-wait-ms =
    With --server: how long to wait for the record's inclusion in the server's next published checkpoint, checked and printed (0: print the receipt at once; the inclusion is then `GET /v1/inclusion/SEQ`)
help-revoke-arg-key =
    The registrar's key file
help-revoke-arg-officer =
    The officer's public key: hex, an OpenSSH `ssh-ed25519` line, a PEM PUBLIC KEY, or a file holding one
help-revoke-arg-reason =
    Why (required)
help-submit-about =
    Submit one station's tally sheet (Model C.Hasil), as an operator
help-submit-arg-store =
    Store directory
help-submit-arg-server =
    Send it to the `rekap serve` at URL (e.g. http://127.0.0.1:8080) instead of --store
help-submit-arg-offline =
    Write the signed submission to FILE (one JSON line, appended) for `rekap send`
help-submit-arg-election =
    With --offline: a copy of the genesis (an export of the store) or the JSON of `GET /v1/election`, for the definition hash the payload binds
help-submit-arg-inclusion-wait-ms =
    With --server: how long to wait for the record's inclusion in the server's next published checkpoint, checked and printed (0: print the receipt at once; the inclusion is then `GET /v1/inclusion/SEQ`)
help-submit-arg-key =
    The operator's key file
help-submit-arg-station =
    Station code, e.g. 6472010001-001
help-submit-arg-contest =
    Contest id
help-submit-arg-dpt =
    Registered voters, permanent list (DPT). Required by submit
help-submit-arg-dpph =
    Registered voters transferred in (DPPh) [submit's default: 0]
help-submit-arg-dptb =
    Other additional voters (DPTb) [submit's default: 0]
help-submit-arg-voted-dpt =
    Voters who voted from the DPT. Required by submit
help-submit-arg-voted-dpt-male =
    Of them, men (with --voted-dpt-female: the split of the sheet)
help-submit-arg-voted-dpt-female =
    Of them, women
help-submit-arg-voted-dpph =
    Voters who voted from the DPPh [submit's default: 0]
help-submit-arg-voted-dpph-male =
    Of them, men (with --voted-dpph-female: the split of the sheet)
help-submit-arg-voted-dpph-female =
    Of them, women
help-submit-arg-voted-dptb =
    Voters who voted from the DPTb [submit's default: 0]
help-submit-arg-voted-dptb-male =
    Of them, men (with --voted-dptb-female: the split of the sheet)
help-submit-arg-voted-dptb-female =
    Of them, women
help-submit-arg-ballots-received =
    Ballots received. Required by submit
help-submit-arg-ballots-used =
    Ballots used. Required by submit
help-submit-arg-ballots-damaged =
    Ballots returned damaged or wrongly marked [submit's default: 0]
help-submit-arg-ballots-unused =
    Ballots unused. Required by submit
help-submit-arg-votes =
    Votes per candidate pair in ballot-number order, comma-separated: --votes 120,95. Required by submit
help-submit-arg-valid =
    Valid votes. Required by submit
help-submit-arg-invalid =
    Invalid votes. Required by submit
help-submit-arg-votes-by-type =
    For a contest with vote types: each type's votes per pair in ballot-number order, one TYPE=N,N,... per type (the keys of the definition's vote_types, as in the sheets CSV's votes_<pair>_<type> columns): --votes-by-type election_day=100,80 mail=20,15. --votes may then be left out: it is the sum per pair
help-import-about =
    Import many sheets from a CSV file: every row checked first, all or nothing
help-import-arg-store =
    Store directory
help-import-arg-key =
    The operator's key file; its scope must cover every station in the file
help-import-arg-files =
    Sheets CSV (columns in docs/OPERATOR.md); with --from, the source's files (for sirekap: TPS documents or directories laid out as the portal does). `-` reads standard input, for every format but sirekap (whose file names are the TPS codes)
help-import-arg-from =
    The format of the files (docs/FORMATS.md)
help-import-arg-from-value-sheets =
    rekap's sheets CSV (docs/OPERATOR.md)
help-import-arg-from-value-sirekap =
    The commission's 2024 portal JSON, one document per TPS (files or directories)
help-import-arg-from-value-kawalpemilu =
    A volunteers' per-TPS CSV: tps, pas1..pasN, sah, tidakSah
help-import-arg-from-value-csv =
    Any CSV, through --columns
help-import-arg-from-value-openelections =
    An OpenElections precinct CSV: county, precinct, office, district, party, candidate, votes (and vote-type columns such as election_day, absentee, mail)
help-import-arg-candidates =
    The portal's candidates file (portal id to ballot number), for --from sirekap
help-import-arg-contest =
    The contest the sheets are for (default: the definition's first), when the source does not say
help-import-arg-columns =
    For --from csv (or to rename kawalpemilu's; refused with the other formats): which source column holds each sheets column, e.g. `station=kode_tps,votes_1=suara_01,votes_2=suara_02,valid=sah,invalid=tidak_sah`
help-import-arg-dry-run =
    Check every row and report; append nothing
help-import-arg-server =
    Send it to the `rekap serve` at URL (e.g. http://127.0.0.1:8080) instead of --store
help-import-arg-offline =
    Write the signed submission to FILE (one JSON line, appended) for `rekap send`
help-import-arg-election =
    With --offline: a copy of the genesis (an export of the store) or the JSON of `GET /v1/election`, for the definition hash the payload binds
help-import-arg-inclusion-wait-ms =
    With --server: how long to wait for the record's inclusion in the server's next published checkpoint, checked and printed (0: print the receipt at once; the inclusion is then `GET /v1/inclusion/SEQ`)
help-import-arg-problems =
    If the file is refused, write every problem to this CSV file (line, station, column, rule, reason); stderr then shows the summary and the first ones
help-import-arg-format =
    Output: a table or text for people, JSON or CSV for scripts
help-import-arg-json =
    The older spelling of --format json
help-definition-about =
    Write an election definition from another source's results (`--from openelections`), for review before `init` (docs/FORMATS.md)
help-definition-arg-from =
    The source's format
help-definition-arg-from-value-openelections =
    An OpenElections precinct CSV (county, precinct, office, district, party, candidate, votes, and vote-type columns)
help-definition-arg-file =
    The results file (`-` reads standard input)
help-definition-arg-out =
    The definition to write (refused if it exists), with its regions CSV beside it as `<stem>-regions.csv`; without it the definition, regions inline, goes to stdout
help-definition-arg-registrar =
    The registrar's public key (hex, `ssh-ed25519` line, PEM, or a file holding one)
help-definition-arg-operator =
    An operator's public key to register at genesis over the whole state, so that `import` can follow `init` at once
help-definition-arg-state =
    The state's region code (default: the state of an OpenElections file name such as `20201103__pa__general__precinct.csv`, upper-cased; else `STATE`)
help-definition-arg-name =
    The election's name (default: the file's name without `.csv`)
help-correct-about =
    Correct a station's sheet (pembetulan), as an official, with a reason
help-correct-arg-store =
    Store directory
help-correct-arg-server =
    Send it to the `rekap serve` at URL (e.g. http://127.0.0.1:8080) instead of --store
help-correct-arg-offline =
    Write the signed submission to FILE (one JSON line, appended) for `rekap send`
help-correct-arg-election =
    With --offline: a copy of the genesis (an export of the store) or the JSON of `GET /v1/election`, for the definition hash the payload binds
help-correct-arg-inclusion-wait-ms =
    With --server: how long to wait for the record's inclusion in the server's next published checkpoint, checked and printed (0: print the receipt at once; the inclusion is then `GET /v1/inclusion/SEQ`)
help-correct-arg-key =
    The official's key file
help-correct-arg-station =
    Station code, e.g. 6472010001-001
help-correct-arg-contest =
    Contest id
help-correct-arg-dpt =
    Registered voters, permanent list (DPT). Required by submit
help-correct-arg-dpph =
    Registered voters transferred in (DPPh) [submit's default: 0]
help-correct-arg-dptb =
    Other additional voters (DPTb) [submit's default: 0]
help-correct-arg-voted-dpt =
    Voters who voted from the DPT. Required by submit
help-correct-arg-voted-dpt-male =
    Of them, men (with --voted-dpt-female: the split of the sheet)
help-correct-arg-voted-dpt-female =
    Of them, women
help-correct-arg-voted-dpph =
    Voters who voted from the DPPh [submit's default: 0]
help-correct-arg-voted-dpph-male =
    Of them, men (with --voted-dpph-female: the split of the sheet)
help-correct-arg-voted-dpph-female =
    Of them, women
help-correct-arg-voted-dptb =
    Voters who voted from the DPTb [submit's default: 0]
help-correct-arg-voted-dptb-male =
    Of them, men (with --voted-dptb-female: the split of the sheet)
help-correct-arg-voted-dptb-female =
    Of them, women
help-correct-arg-ballots-received =
    Ballots received. Required by submit
help-correct-arg-ballots-used =
    Ballots used. Required by submit
help-correct-arg-ballots-damaged =
    Ballots returned damaged or wrongly marked [submit's default: 0]
help-correct-arg-ballots-unused =
    Ballots unused. Required by submit
help-correct-arg-votes =
    Votes per candidate pair in ballot-number order, comma-separated: --votes 120,95. Required by submit
help-correct-arg-valid =
    Valid votes. Required by submit
help-correct-arg-invalid =
    Invalid votes. Required by submit
help-correct-arg-votes-by-type =
    For a contest with vote types: each type's votes per pair in ballot-number order, one TYPE=N,N,... per type (the keys of the definition's vote_types, as in the sheets CSV's votes_<pair>_<type> columns): --votes-by-type election_day=100,80 mail=20,15. --votes may then be left out: it is the sum per pair
help-correct-arg-reason =
    Why the sheet is corrected (required)
help-correct-arg-answers =
    The objection this correction answers, as SEQ.INDEX (e.g. 42.0)
help-void-about =
    Void a station's result for a contest, as an official, with the legal reason
help-void-arg-store =
    Store directory
help-void-arg-server =
    Send it to the `rekap serve` at URL (e.g. http://127.0.0.1:8080) instead of --store
help-void-arg-offline =
    Write the signed submission to FILE (one JSON line, appended) for `rekap send`
help-void-arg-election =
    With --offline: a copy of the genesis (an export of the store) or the JSON of `GET /v1/election`, for the definition hash the payload binds
help-void-arg-inclusion-wait-ms =
    With --server: how long to wait for the record's inclusion in the server's next published checkpoint, checked and printed (0: print the receipt at once; the inclusion is then `GET /v1/inclusion/SEQ`)
help-void-arg-key =
    The official's key file
help-void-arg-station =
    The station, e.g. 6401012009-001 (or 6401012009001)
help-void-arg-stations =
    A file of station codes, one per line (blank lines and `#` comments skipped): every one in one signed payload, all or none
help-void-arg-contest =
    Contest id
help-void-arg-reason =
    The legal reason (required)
help-revote-about =
    Order a re-vote (PSU) at a station, as an official, with the legal reason
help-revote-arg-store =
    Store directory
help-revote-arg-server =
    Send it to the `rekap serve` at URL (e.g. http://127.0.0.1:8080) instead of --store
help-revote-arg-offline =
    Write the signed submission to FILE (one JSON line, appended) for `rekap send`
help-revote-arg-election =
    With --offline: a copy of the genesis (an export of the store) or the JSON of `GET /v1/election`, for the definition hash the payload binds
help-revote-arg-inclusion-wait-ms =
    With --server: how long to wait for the record's inclusion in the server's next published checkpoint, checked and printed (0: print the receipt at once; the inclusion is then `GET /v1/inclusion/SEQ`)
help-revote-arg-key =
    The official's key file
help-revote-arg-station =
    The station, e.g. 6401012009-001 (or 6401012009001)
help-revote-arg-stations =
    A file of station codes, one per line (blank lines and `#` comments skipped): every one in one signed payload, all or none
help-revote-arg-contest =
    Contest id
help-revote-arg-reason =
    The legal reason (required)
help-object-about =
    File an objection (keberatan), as a witness
help-object-arg-store =
    Store directory
help-object-arg-server =
    Send it to the `rekap serve` at URL (e.g. http://127.0.0.1:8080) instead of --store
help-object-arg-offline =
    Write the signed submission to FILE (one JSON line, appended) for `rekap send`
help-object-arg-election =
    With --offline: a copy of the genesis (an export of the store) or the JSON of `GET /v1/election`, for the definition hash the payload binds
help-object-arg-inclusion-wait-ms =
    With --server: how long to wait for the record's inclusion in the server's next published checkpoint, checked and printed (0: print the receipt at once; the inclusion is then `GET /v1/inclusion/SEQ`)
help-object-arg-key =
    The witness's key file
help-object-arg-station =
    The station the objection is about
help-object-arg-region =
    The region the objection is about (a plenary's recap, or everything under it)
help-object-arg-place =
    The older spelling of --station and --region: either code
help-object-arg-contest =
    Contest id
help-object-arg-text =
    The objection's text
help-resolve-about =
    Resolve an objection, as an official: accept (pointing at the correction) or reject
help-resolve-arg-store =
    Store directory
help-resolve-arg-server =
    Send it to the `rekap serve` at URL (e.g. http://127.0.0.1:8080) instead of --store
help-resolve-arg-offline =
    Write the signed submission to FILE (one JSON line, appended) for `rekap send`
help-resolve-arg-election =
    With --offline: a copy of the genesis (an export of the store) or the JSON of `GET /v1/election`, for the definition hash the payload binds
help-resolve-arg-inclusion-wait-ms =
    With --server: how long to wait for the record's inclusion in the server's next published checkpoint, checked and printed (0: print the receipt at once; the inclusion is then `GET /v1/inclusion/SEQ`)
help-resolve-arg-key =
    The official's key file
help-resolve-arg-objection =
    The objection, as SEQ.INDEX
help-resolve-arg-accept =
    Accept: the correction (SEQ.INDEX) that answers it
help-resolve-arg-reject =
    Reject the objection
help-resolve-arg-reason =
    The reason (required)
help-sign-about =
    Sign a plenary's approval statement, as a witness, for the official to attach
help-sign-arg-store =
    Store directory
help-sign-arg-key =
    The witness's key file
help-sign-arg-region =
    The region whose plenary this is
help-sign-arg-contest =
    Contest id
help-sign-arg-digest =
    The digest read out in the plenary; refused if the store computes another
help-sign-arg-server =
    Read the statement from the `rekap serve` at URL instead of --store (a witness signing remotely: `GET /v1/statement`)
help-sign-arg-out =
    Signature file to write
help-approve-about =
    Record a plenary approval (D.Hasil) with the witnesses' signatures, as an official
help-approve-arg-store =
    Store directory
help-approve-arg-key =
    The official's key file
help-approve-arg-region =
    The region whose plenary this is
help-approve-arg-contest =
    Contest id
help-approve-arg-signatures =
    A witness's signature file from `rekap sign` (repeat for each witness)
help-approve-arg-refusals =
    A witness who refused to sign: PUBLICKEYHEX=REASON (repeatable)
help-approve-arg-digest =
    With --offline: the digest read out in the plenary (no store to compute it from)
help-approve-arg-server =
    Send it to the `rekap serve` at URL (e.g. http://127.0.0.1:8080) instead of --store
help-approve-arg-offline =
    Write the signed submission to FILE (one JSON line, appended) for `rekap send`
help-approve-arg-election =
    With --offline: a copy of the genesis (an export of the store) or the JSON of `GET /v1/election`, for the definition hash the payload binds
help-approve-arg-inclusion-wait-ms =
    With --server: how long to wait for the record's inclusion in the server's next published checkpoint, checked and printed (0: print the receipt at once; the inclusion is then `GET /v1/inclusion/SEQ`)
help-totals-about =
    Show every level's totals
help-totals-long =
    Show every level's totals.

    Answers from the store's saved totals view while the log has not changed since it was saved (milliseconds, no lock taken); otherwise replays the log. Reading commands save nothing: every appending command saves the view of its new head. `--at` always replays.
help-totals-arg-store =
    Store directory
help-totals-arg-contest =
    Contest id (default: the first contest of the definition)
help-totals-arg-level =
    Every region of this level (e.g. province, regency, district, village), or every station (the station level's key, e.g. station)
help-totals-arg-region =
    The regions directly under this region; for a region holding stations (a village), its stations
help-totals-arg-at =
    The totals as they were after record SEQ (1, the genesis, to the head)
help-totals-arg-format =
    Output: a table or text for people, JSON or CSV for scripts
help-totals-arg-lang =
    Language of what this command prints: id or en (default: from LC_ALL, LC_MESSAGES or LANG)
help-totals-arg-server =
    Answer from a verified copy of the `rekap serve` at URL's log instead of --store: brought up to the server's signed checkpoint first (only new records are fetched), then read as a local store; `totals` and `status` in JSON or CSV print the server's own answer (docs/API.md "Read commands")
help-totals-arg-server-log-key =
    The log's verifier key (vkey text or a file) to check the server's checkpoints with (default: the key the log's genesis names, taken on first use and kept)
help-compare-about =
    Compare the totals of one level with another source's (the portal's aggregate JSON, a volunteers' per-TPS file, or a CSV of region totals): per region both figures per pair, the difference, the source's coverage, regions on one side only. Exit 0 when all are equal, 1 when any differ
help-compare-arg-store =
    Store directory
help-compare-arg-server =
    Answer from a verified copy of the `rekap serve` at URL's log instead of --store: brought up to the server's signed checkpoint first (only new records are fetched), then read as a local store; `totals` and `status` in JSON or CSV print the server's own answer (docs/API.md "Read commands")
help-compare-arg-server-log-key =
    The log's verifier key (vkey text or a file) to check the server's checkpoints with (default: the key the log's genesis names, taken on first use and kept)
help-compare-arg-with =
    The other source: the portal's aggregate JSON of a region (`.json`), a CSV of region totals with the columns `rekap totals --format csv` writes (a `code` column), or a volunteers' per-TPS CSV (KawalPemilu style, or any through --columns)
help-compare-arg-level =
    The level compared (default: the level of the source's regions; villages for a per-TPS file)
help-compare-arg-contest =
    Contest id (default: the first contest of the definition)
help-compare-arg-candidates =
    The portal's candidates file (portal id to ballot number), for a portal aggregate
help-compare-arg-columns =
    For a per-TPS CSV not in KawalPemilu's columns: `station=...,votes_1=...,valid=...,invalid=...`
help-compare-arg-format =
    Output: a table or text for people, JSON or CSV for scripts
help-compare-arg-lang =
    Language of the table's numbers: `id` groups 1.234.567, `en` 1,234,567 (default: from LANG)
help-status-about =
    Show progress per level, approvals, open objections and flags
help-status-arg-store =
    Store directory
help-status-arg-contest =
    Contest id (default: the first contest)
help-status-arg-lang =
    Language of what this command prints: id or en (default: from LC_ALL, LC_MESSAGES or LANG)
help-status-arg-format =
    Output: a table or text for people, JSON or CSV for scripts
help-status-arg-json =
    The older spelling of --format json
help-status-arg-server =
    Answer from a verified copy of the `rekap serve` at URL's log instead of --store: brought up to the server's signed checkpoint first (only new records are fetched), then read as a local store; `totals` and `status` in JSON or CSV print the server's own answer (docs/API.md "Read commands")
help-status-arg-server-log-key =
    The log's verifier key (vkey text or a file) to check the server's checkpoints with (default: the key the log's genesis names, taken on first use and kept)
help-history-about =
    Show every event touching a region or station
help-history-arg-store =
    Store directory
help-history-arg-server =
    Answer from a verified copy of the `rekap serve` at URL's log instead of --store: brought up to the server's signed checkpoint first (only new records are fetched), then read as a local store; `totals` and `status` in JSON or CSV print the server's own answer (docs/API.md "Read commands")
help-history-arg-server-log-key =
    The log's verifier key (vkey text or a file) to check the server's checkpoints with (default: the key the log's genesis names, taken on first use and kept)
help-history-arg-station =
    A station: its sheets, corrections, voids and re-votes, and the objections and approvals that cover it
help-history-arg-region =
    A region: every event about it or anything under it, and the approvals above it
help-history-arg-code =
    The older spelling: a region or station code as the argument
help-history-arg-contest =
    Only the events of this contest (officer events have none and are left out)
help-history-arg-since =
    Only events from record SEQ on, or from a time on: YYYY-MM-DD or YYYY-MM-DDTHH:MM in the province's zone (UTC with --utc), or RFC 3339 with an offset
help-history-arg-limit =
    Show at most N entries
help-history-arg-offset =
    Skip the first N entries (the next page starts where the last ended)
help-history-arg-format =
    Output: a table or text for people, JSON or CSV for scripts
help-history-arg-utc =
    Times in UTC instead of the province's zone (WIB, WITA, WIT)
help-history-arg-lang =
    Language of what this command prints: id or en (default: from LC_ALL, LC_MESSAGES or LANG)
help-sheet-about =
    Show one station's full current sheet: every field, a partial (votes-only) sheet marked
help-sheet-arg-store =
    Store directory
help-sheet-arg-server =
    Answer from a verified copy of the `rekap serve` at URL's log instead of --store: brought up to the server's signed checkpoint first (only new records are fetched), then read as a local store; `totals` and `status` in JSON or CSV print the server's own answer (docs/API.md "Read commands")
help-sheet-arg-server-log-key =
    The log's verifier key (vkey text or a file) to check the server's checkpoints with (default: the key the log's genesis names, taken on first use and kept)
help-sheet-arg-station =
    The station, e.g. 6401012009-001
help-sheet-arg-contest =
    Contest id (default: the first contest)
help-sheet-arg-format =
    Output: a table or text for people, JSON or CSV for scripts
help-sheet-arg-lang =
    Language of what this command prints: id or en (default: from LC_ALL, LC_MESSAGES or LANG)
help-list-about =
    List contests, regions, officers, objections or flags, with filters
help-list-arg-store =
    Store directory
help-list-arg-server =
    Answer from a verified copy of the `rekap serve` at URL's log instead of --store: brought up to the server's signed checkpoint first (only new records are fetched), then read as a local store; `totals` and `status` in JSON or CSV print the server's own answer (docs/API.md "Read commands")
help-list-arg-server-log-key =
    The log's verifier key (vkey text or a file) to check the server's checkpoints with (default: the key the log's genesis names, taken on first use and kept)
help-list-arg-what =
    What to list
help-list-arg-region =
    Only what lies in this region or under it (regions, officers by scope, objections and flags by place)
help-list-arg-contest =
    Only this contest (contests, witnesses, objections, flags)
help-list-arg-level =
    Regions: only this level (its key, e.g. district)
help-list-arg-role =
    Officers: only this role
help-list-arg-status =
    Objections: only open, accepted or rejected ones
help-list-arg-format =
    Output: a table or text for people, JSON or CSV for scripts
help-list-arg-lang =
    Language of what this command prints: id or en (default: from LC_ALL, LC_MESSAGES or LANG)
help-prove-about =
    Write a proof that a station's sheet is inside a plenary approval (district, regency or province)
help-prove-arg-store =
    Store directory
help-prove-arg-server =
    Answer from a verified copy of the `rekap serve` at URL's log instead of --store: brought up to the server's signed checkpoint first (only new records are fetched), then read as a local store; `totals` and `status` in JSON or CSV print the server's own answer (docs/API.md "Read commands")
help-prove-arg-server-log-key =
    The log's verifier key (vkey text or a file) to check the server's checkpoints with (default: the key the log's genesis names, taken on first use and kept)
help-prove-arg-log =
    Prove from an export file instead of a store (verified and replayed first, as `audit --log` does); --store and REKAP_STORE are then not read
help-prove-arg-checkpoint =
    With --log: the signed checkpoint (`rekap checkpoint`, or a tile tree's `checkpoint`) the approval's record is proved included in; from a store, its latest kept one
help-prove-arg-contest =
    Contest id
help-prove-arg-station =
    Station code, e.g. 6472010001-001
help-prove-arg-level =
    End at the approval of the station's region at this plenary level (a level key of the definition: district, regency, province). Default: the highest level whose region above the station has approved the contest
help-prove-arg-out =
    Proof file to write (JSON); refused if it exists. `-` writes the proof to standard output instead (and nothing else), as `export --out -` does
help-prove-arg-format =
    Output: a table or text for people, JSON or CSV for scripts
help-prove-arg-json =
    The older spelling of --format json
help-verify-proof-about =
    Check a proof offline
help-verify-proof-arg-proof =
    Proof file from `rekap prove`
help-verify-proof-arg-log-key =
    The log's verifier key (vkey text, or a file holding it; `rekap log-key`): the checkpoint the approval is included in must be signed by it. Without it the inclusion is checked but not the checkpoint's signature, and the output says so
help-verify-proof-arg-digest =
    The approval's digest as published (hex). Without it the digest signed in the proof's approval record is used: compare it with the published one
help-verify-proof-arg-witnesses =
    A witness's cosignature vkey (text, or a file holding it; `rekap witness --vkey`) whose cosignature of the checkpoint counts toward --quorum. Repeat for each witness
help-verify-proof-arg-quorum =
    Require valid cosignatures of at least this many of the --witness keys on the checkpoint (default with --witness: all of them)
help-verify-proof-arg-format =
    Output: a table or text for people, JSON or CSV for scripts
help-verify-proof-arg-json =
    The older spelling of --format json
help-log-key-about =
    Print the log's verifier key (C2SP vkey: `<origin>+<hex key id>+<base64 key>`)
help-log-key-arg-store =
    Store directory
help-log-key-arg-server =
    Answer from a verified copy of the `rekap serve` at URL's log instead of --store: brought up to the server's signed checkpoint first (only new records are fetched), then read as a local store; `totals` and `status` in JSON or CSV print the server's own answer (docs/API.md "Read commands")
help-log-key-arg-server-log-key =
    The log's verifier key (vkey text or a file) to check the server's checkpoints with (default: the key the log's genesis names, taken on first use and kept)
help-rotate-log-key-about =
    The registrar names a new log key (a `LogKeyRotated` record): it signs every checkpoint from the tree holding that record on; the old key never signs again
help-rotate-log-key-arg-store =
    Store directory
help-rotate-log-key-arg-key =
    The registrar's key file: only the registrar rotates the log key
help-rotate-log-key-arg-log-key =
    The new log key (a rekap key file, mode 0600; never a key this log had). Default: a new key made for this store
help-checkpoint-about =
    Print the latest signed checkpoint (C2SP signed note)
help-checkpoint-long =
    Print the latest signed checkpoint (C2SP signed note).

    Appending commands sign one after each append. If the log grew since the last one (an append by `rekap serve`), this signs a new one first: a write, which takes the store's lock. A checkpoint inconsistent with the last one is never signed.
help-checkpoint-arg-store =
    Store directory
help-checkpoint-arg-server =
    Answer from a verified copy of the `rekap serve` at URL's log instead of --store: brought up to the server's signed checkpoint first (only new records are fetched), then read as a local store; `totals` and `status` in JSON or CSV print the server's own answer (docs/API.md "Read commands")
help-checkpoint-arg-server-log-key =
    The log's verifier key (vkey text or a file) to check the server's checkpoints with (default: the key the log's genesis names, taken on first use and kept)
help-prove-record-about =
    Print an inclusion proof of a record in a signed checkpoint (C2SP tlog-proof)
help-prove-record-arg-store =
    Store directory
help-prove-record-arg-server =
    Answer from a verified copy of the `rekap serve` at URL's log instead of --store: brought up to the server's signed checkpoint first (only new records are fetched), then read as a local store; `totals` and `status` in JSON or CSV print the server's own answer (docs/API.md "Read commands")
help-prove-record-arg-server-log-key =
    The log's verifier key (vkey text or a file) to check the server's checkpoints with (default: the key the log's genesis names, taken on first use and kept)
help-prove-record-arg-seq =
    The record's sequence number (from 1); its tree index is one less
help-prove-record-arg-size =
    The size of a signed checkpoint to prove inclusion in (default: the latest)
help-prove-consistency-about =
    Print a consistency proof between two tree sizes (format rekap-consistency/1)
help-prove-consistency-arg-store =
    Store directory
help-prove-consistency-arg-server =
    Answer from a verified copy of the `rekap serve` at URL's log instead of --store: brought up to the server's signed checkpoint first (only new records are fetched), then read as a local store; `totals` and `status` in JSON or CSV print the server's own answer (docs/API.md "Read commands")
help-prove-consistency-arg-server-log-key =
    The log's verifier key (vkey text or a file) to check the server's checkpoints with (default: the key the log's genesis names, taken on first use and kept)
help-prove-consistency-arg-from =
    The older tree size (at least 1)
help-prove-consistency-arg-to =
    The newer tree size (at most the log's record count)
help-verify-consistency-about =
    Check that checkpoint NEW extends checkpoint OLD with a consistency proof (exit 0/1)
help-verify-consistency-arg-old =
    The older signed checkpoint
help-verify-consistency-arg-new =
    The newer signed checkpoint
help-verify-consistency-arg-proof =
    The consistency proof (`rekap prove-consistency`)
help-verify-consistency-arg-log-key =
    The log's verifier key (vkey text, or a file holding it): both checkpoints must be signed by it. Without it only the trees are checked, and the output says so
help-publish-about =
    Write the log as a C2SP tlog-tiles tree of static files (docs/OPERATOR.md)
help-publish-long =
    Write the log as a C2SP tlog-tiles tree of static files (docs/OPERATOR.md).

    Publishes the latest signed checkpoint with every tile, entry bundle and record bundle it names; a second run writes only what changed, the checkpoint last. Reads the store only (no lock).
help-publish-arg-store =
    Store directory
help-publish-arg-out =
    The tile root to write (created if missing); a second run updates it
help-export-about =
    Write the whole log of a store to one self-contained export file
help-export-arg-store =
    Store directory
help-export-arg-server =
    Answer from a verified copy of the `rekap serve` at URL's log instead of --store: brought up to the server's signed checkpoint first (only new records are fetched), then read as a local store; `totals` and `status` in JSON or CSV print the server's own answer (docs/API.md "Read commands")
help-export-arg-server-log-key =
    The log's verifier key (vkey text or a file) to check the server's checkpoints with (default: the key the log's genesis names, taken on first use and kept)
help-export-arg-out =
    File to write; refused if it exists
help-export-arg-format =
    table, json, csv: the log, its summary printed so (JSON and CSV: records, bytes, out, head). nist-err: the current results as NIST SP 1500-100 v2 Election Results Reporting JSON; openelections: as OpenElections CSV (docs/FORMATS.md); `--out -` writes these to standard output
help-export-arg-format-value-nist-err =
    NIST SP 1500-100 v2 Election Results Reporting JSON of the current results
help-export-arg-format-value-openelections =
    OpenElections CSV of the current results
help-export-arg-json =
    The older spelling of --format json
help-export-arg-level =
    openelections: one row per region of this level and pair (default: per station)
help-verify-about =
    Verify a store or an export: chain, hashes, signatures, sequence, time, counters
help-verify-long =
    Verify a store or an export: chain, hashes, signatures, sequence, time, counters.

    JSON (-f json, or --json): {"{"}"ok", "records", "head", "failures": [{"{"}"seq", "reason"{"}"}], "failures_not_listed"{"}"}.
help-verify-arg-log =
    An export file to verify offline (then --store is not read)
help-verify-arg-store =
    The store directory to verify [default: $REKAP_STORE, else rekap-store]
help-verify-arg-server =
    Answer from a verified copy of the `rekap serve` at URL's log instead of --store: brought up to the server's signed checkpoint first (only new records are fetched), then read as a local store; `totals` and `status` in JSON or CSV print the server's own answer (docs/API.md "Read commands")
help-verify-arg-server-log-key =
    The log's verifier key (vkey text or a file) to check the server's checkpoints with (default: the key the log's genesis names, taken on first use and kept)
help-verify-arg-tiles =
    A published tile tree (`rekap publish`, or `/tlog/` of `rekap serve`) to fetch and verify: a directory, a file:// URL or an http(s) URL of its root
help-verify-arg-log-key =
    With --tiles: a verifier key (vkey text, or a file holding it) that must be one of the log's keys. The checkpoint's signature is checked in any case, by the key the log's genesis or last `LogKeyRotated` record names for its size
help-verify-arg-witnesses =
    A witness's cosignature vkey (text, or a file holding it; `rekap witness --vkey`) whose cosignature of the checkpoint counts toward --quorum. Repeat for each witness
help-verify-arg-quorum =
    Require valid cosignatures of at least this many of the --witness keys on the checkpoint (default with --witness: all of them)
help-verify-arg-format =
    Output: a table or text for people, JSON or CSV for scripts
help-verify-arg-json =
    The older spelling of --format json
help-verify-arg-no-signatures =
    Skip signature checks (chain and hashes only; faster)
help-audit-about =
    Audit a store or an export from the log alone: numbered checks 1-9, first failures
help-audit-long =
    Audit a store or an export from the log alone: numbered checks 1-9, first failures.

    JSON (-f json, or --json): {"{"}"ok", "records", "head", "projection_digest", "judged_records", "unauthenticated_record", "checks": [...], "flags": [...]{"}"}.
help-audit-arg-log =
    An export file to audit offline (then --store is not read)
help-audit-arg-store =
    The store directory to audit [default: $REKAP_STORE, else rekap-store]
help-audit-arg-server =
    Answer from a verified copy of the `rekap serve` at URL's log instead of --store: brought up to the server's signed checkpoint first (only new records are fetched), then read as a local store; `totals` and `status` in JSON or CSV print the server's own answer (docs/API.md "Read commands")
help-audit-arg-server-log-key =
    The log's verifier key (vkey text or a file) to check the server's checkpoints with (default: the key the log's genesis names, taken on first use and kept)
help-audit-arg-format =
    Output: a table or text for people, JSON or CSV for scripts
help-audit-arg-json =
    The older spelling of --format json
help-repair-about =
    Copy every record of a damaged store that still verifies into a new store
help-repair-long =
    Copy every record of a damaged store that still verifies into a new store.

    The damaged store is only read. Records are copied byte for byte, up to the first one that does not verify; the report names it and the records lost after it. Exit 0 when nothing was lost, 1 when records were lost (the new store is written either way).
help-repair-arg-store =
    The damaged store directory: only read, never changed
help-repair-arg-out =
    The new store to write (must not exist, or be an empty directory)
help-bench-about =
    Measure the national scale against SQLite, DuckDB and blake3 baselines, single commands against sqlite3 (docs/PERFORMANCE.md)
help-bench-arg-stations =
    Polling stations (default: all 818,339 of the national preset)
help-bench-arg-runs =
    Runs of each repeated measurement; the median is reported
help-bench-arg-dir =
    Working directory (a fresh one under the system's temporary directory by default)
help-bench-arg-formats =
    Measure the other formats instead (docs/FORMATS.md): the sheets CSV import beside the import of the same sheets as one portal JSON file per TPS, a KawalPemilu CSV, a CSV through --columns and an OpenElections CSV, the NIST export, and compare at every level; the working directory is removed after
help-bench-server-about =
    Measure `rekap serve` under N concurrent signed-submission clients (docs/PERFORMANCE.md)
help-bench-server-arg-national =
    The national preset (818,339 stations) instead of Kaltim's 6,264
help-bench-server-arg-stations =
    Polling stations (scales the preset)
help-bench-server-arg-seconds =
    Seconds of load per client count, at most: the window ends sooner once any client has no station left to submit a sheet for
help-bench-server-arg-clients =
    Client counts, comma-separated
help-bench-server-arg-correct-every =
    Every Nth sheet a client submits is followed by a correction of that sheet (one vote moved between the first two pairs) by the client's official; 0 for none
help-bench-server-arg-readers =
    Connections asking for province totals beside the writers, one request at a time each
help-bench-server-arg-dir =
    Working directory, kept afterwards (by default a fresh one under the temporary directory, removed when the bench ends)
help-serve-about =
    Serve the store over HTTP to many operators, officials and witnesses (docs/API.md)
help-serve-long =
    Serve the store over HTTP to many operators, officials and witnesses (docs/API.md).

    Holds the store (other commands on it get exit 4: use --server), replays it once, and group-commits signed submissions. Stops on SIGTERM/SIGINT after the batch in flight is durable, with exit 0.
help-serve-arg-store =
    Store directory
help-serve-arg-listen =
    Address to listen on (port 0: any free port, printed on the first line)
help-serve-arg-queue =
    Submissions waiting for the writer before new ones get 503
help-serve-arg-max-batch =
    Most submissions decided and appended as one group (one durable chunk)
help-serve-arg-publish-interval-ms =
    Readers' snapshot published at most this often, in milliseconds
help-serve-arg-checkpoint-interval-ms =
    A checkpoint signed with the store's log key after a commit at most this often, in milliseconds (and at start and stop)
help-serve-arg-key-rate =
    Submissions per second one key may send (0: no limit); bursts of 4x
help-serve-arg-address-rate =
    Requests per second one client address may send (0: no limit); bursts of 2x
help-serve-arg-body-limit =
    Largest request body in bytes (larger: 413)
help-serve-arg-witnesses =
    A witness to cosign each checkpoint before it is published: its URL (where it answers POST /add-checkpoint) and its cosignature vkey (`rekap witness --vkey`), as URL=VKEY. Repeat for each witness (docs/OPERATOR.md "Witness policy")
help-serve-arg-quorum =
    Publish a checkpoint (/tlog/, receipts, proofs) only once this many of the --witness witnesses cosigned it. Default: all of them
help-serve-arg-compare =
    Another source for the portal's compare page (`/c/CONTEST/compare`), as `rekap compare --with` reads it (a portal aggregate `.json`, a region-totals CSV, a per-TPS CSV in KawalPemilu's columns); NAME (letters, digits, - and _) names it on the page. Repeatable
help-serve-arg-compare-candidates =
    The portal's candidates file (portal id to ballot number), for --compare sources that are portal aggregates
help-send-about =
    Post signed submissions written with --offline to a server, in counter order
help-send-arg-server =
    The `rekap serve` to post to
help-send-arg-files =
    Files written by --offline (one signed submission per line)
help-witness-about =
    Run a C2SP tlog-witness for the logs given: POST /add-checkpoint (docs/API.md)
help-witness-long =
    Run a C2SP tlog-witness for the logs given: POST /add-checkpoint (docs/API.md).

    Cosigns a checkpoint only if it is consistent with the last one it cosigned for that log (kept durably in --state). One that is not is refused (422) and leaves an evidence file in --state/evidence/ and an ALARM line on stderr. Stops on SIGTERM/SIGINT with exit 0.
help-witness-arg-key =
    The witness's key file (`rekap keygen`; owner-only). Its cosignatures are Ed25519 cosignature/v1 under --name
help-witness-arg-listen =
    Address to listen on (port 0: any free port, printed on the first line)
help-witness-arg-logs =
    The verifier key (vkey text, or a file holding it) of a log to witness; its name is the log's origin. Repeat for each log
help-witness-arg-name =
    The witness's name in its signature lines (a schema-less URL by convention). Default: `rekap-witness/<first 16 hex digits of its public key>`
help-witness-arg-state =
    Where the latest cosigned checkpoint of each log and the evidence files are kept
help-witness-arg-vkey =
    Print the witness's cosignature vkey (`<name>+<id>+<base64(0x04 || key)>`) and exit
help-mirror-about =
    Follow a rekap server into a store of one's own, every record and checkpoint verified
help-mirror-long =
    Follow a rekap server into a store of one's own, every record and checkpoint verified.

    Each new record is checked as the audit does (chain, signatures, every decision replayed by the model) and each new checkpoint against every record held. A checkpoint that contradicts one accepted is refused: an evidence file in STORE/mirror/evidence/, an ALARM line, exit 1. Survives restarts (resumes from its head) and a server that is down (retries with backoff).
help-mirror-arg-from =
    The rekap server to follow (its /tlog/checkpoint and /v1/records)
help-mirror-arg-store =
    The mirror's own store (created on the first run; any reading command works on it)
help-mirror-arg-status =
    Print what the mirror verified (JSON: origin, size, checkpoint, lag, alarm) and exit: 0 without an alarm, 1 with one. Reads the status file only: no lock is taken
help-mirror-arg-log-key =
    The log's verifier key (`rekap log-key` on the server's store; vkey text or a file). Required on the first run, kept in the store after
help-mirror-arg-checkpoint =
    Read the signed checkpoint from this URL or file instead of the --from URL's /tlog/checkpoint
help-mirror-arg-once =
    Poll once (with retries) and exit: 0 verified, 1 alarm, 3 the server unreachable
help-mirror-arg-interval-ms =
    Milliseconds between polls
help-mirror-arg-retries =
    Attempts per poll when the server cannot be read (backoff from 200 ms, doubling, at most 30 s); then the next poll starts over
help-mirror-arg-listen =
    Also serve what the mirror verified on this address, read-only: the server's read API, /tlog/ tiles and portal pages, /v1/mirror (its status); every write answers 405 naming the server followed (docs/API.md "Mirrors"). Port 0: any free port, printed on the first line. Stops on SIGTERM or SIGINT: exit 0, or 1 after an alarm
help-verify-evidence-about =
    Check an evidence file offline: exit 0 when it proves that one log key signed two checkpoints that cannot both be true, 1 when it does not
help-verify-evidence-arg-file =
    An evidence file (`rekap-evidence/1`, written by a witness or a mirror)
help-completions-about =
    Print a shell completion script: `rekap completions bash > /etc/bash_completion.d/rekap`
help-completions-arg-shell =
    The shell: bash, zsh, fish, elvish or powershell
help-man-about =
    Print the man page (roff): `rekap man | man -l -`; `--out DIR` writes one per command
help-man-arg-out =
    Write rekap.1 and one page per command (rekap-totals.1, ...) into DIR instead of printing rekap.1
help-help-about =
    Print this message or the help of the given subcommand(s)
help-help-demo-about =
    Run the Kaltim 2024 governor's race end to end in a fresh store and print the tables
help-help-keygen-about =
    Create a key file (ed25519; the secret is never printed)
help-help-pubkey-about =
    Print the public key of a key file
help-help-init-about =
    Create a store whose first record is an election definition (signed by its registrar)
help-help-register-about =
    Register an officer (operator, official, witness, auditor), as the registrar
help-help-revoke-about =
    Revoke an officer's key for good, as the registrar
help-help-submit-about =
    Submit one station's tally sheet (Model C.Hasil), as an operator
help-help-import-about =
    Import many sheets from a CSV file: every row checked first, all or nothing
help-help-definition-about =
    Write an election definition from another source's results (`--from openelections`), for review before `init` (docs/FORMATS.md)
help-help-correct-about =
    Correct a station's sheet (pembetulan), as an official, with a reason
help-help-void-about =
    Void a station's result for a contest, as an official, with the legal reason
help-help-revote-about =
    Order a re-vote (PSU) at a station, as an official, with the legal reason
help-help-object-about =
    File an objection (keberatan), as a witness
help-help-resolve-about =
    Resolve an objection, as an official: accept (pointing at the correction) or reject
help-help-sign-about =
    Sign a plenary's approval statement, as a witness, for the official to attach
help-help-approve-about =
    Record a plenary approval (D.Hasil) with the witnesses' signatures, as an official
help-help-totals-about =
    Show every level's totals
help-help-compare-about =
    Compare the totals of one level with another source's (the portal's aggregate JSON, a volunteers' per-TPS file, or a CSV of region totals): per region both figures per pair, the difference, the source's coverage, regions on one side only. Exit 0 when all are equal, 1 when any differ
help-help-status-about =
    Show progress per level, approvals, open objections and flags
help-help-history-about =
    Show every event touching a region or station
help-help-sheet-about =
    Show one station's full current sheet: every field, a partial (votes-only) sheet marked
help-help-list-about =
    List contests, regions, officers, objections or flags, with filters
help-help-prove-about =
    Write a proof that a station's sheet is inside a plenary approval (district, regency or province)
help-help-verify-proof-about =
    Check a proof offline
help-help-log-key-about =
    Print the log's verifier key (C2SP vkey: `<origin>+<hex key id>+<base64 key>`)
help-help-rotate-log-key-about =
    The registrar names a new log key (a `LogKeyRotated` record): it signs every checkpoint from the tree holding that record on; the old key never signs again
help-help-checkpoint-about =
    Print the latest signed checkpoint (C2SP signed note)
help-help-prove-record-about =
    Print an inclusion proof of a record in a signed checkpoint (C2SP tlog-proof)
help-help-prove-consistency-about =
    Print a consistency proof between two tree sizes (format rekap-consistency/1)
help-help-verify-consistency-about =
    Check that checkpoint NEW extends checkpoint OLD with a consistency proof (exit 0/1)
help-help-publish-about =
    Write the log as a C2SP tlog-tiles tree of static files (docs/OPERATOR.md)
help-help-export-about =
    Write the whole log of a store to one self-contained export file
help-help-verify-about =
    Verify a store or an export: chain, hashes, signatures, sequence, time, counters
help-help-audit-about =
    Audit a store or an export from the log alone: numbered checks 1-9, first failures
help-help-repair-about =
    Copy every record of a damaged store that still verifies into a new store
help-help-bench-about =
    Measure the national scale against SQLite, DuckDB and blake3 baselines, single commands against sqlite3 (docs/PERFORMANCE.md)
help-help-bench-server-about =
    Measure `rekap serve` under N concurrent signed-submission clients (docs/PERFORMANCE.md)
help-help-serve-about =
    Serve the store over HTTP to many operators, officials and witnesses (docs/API.md)
help-help-send-about =
    Post signed submissions written with --offline to a server, in counter order
help-help-witness-about =
    Run a C2SP tlog-witness for the logs given: POST /add-checkpoint (docs/API.md)
help-help-mirror-about =
    Follow a rekap server into a store of one's own, every record and checkpoint verified
help-help-verify-evidence-about =
    Check an evidence file offline: exit 0 when it proves that one log key signed two checkpoints that cannot both be true, 1 when it does not
help-help-completions-about =
    Print a shell completion script: `rekap completions bash > /etc/bash_completion.d/rekap`
help-help-man-about =
    Print the man page (roff): `rekap man | man -l -`; `--out DIR` writes one per command
help-help-help-about =
    Print this message or the help of the given subcommand(s)
