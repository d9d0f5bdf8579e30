
## words
words-witness = witness of pair { $pair } ({ $contest })
words-operator = operator
words-official = official
words-auditor = auditor

## history
history-by = by
history-no-events-touch-this-place-yet = no events touch this place yet

history-entries = entries
history-of = of
history-next-page = next page
history-registrar = registrar
history-officer-scope = of
history-election-defined = election defined
history-officer-registered = officer registered
history-officer-revoked = officer revoked
history-sheet-submitted = sheet submitted
history-sheet-corrected = sheet corrected
history-re-vote-ordered = re-vote ordered
history-station-voided = station voided
history-objection-filed = objection filed
history-objection-accepted = objection accepted
history-objection-rejected = objection rejected
history-plenary-approved = plenary approved
history-sheet-s-source = sheet's source
history-votes = votes
history-valid = valid
history-invalid = invalid
history-reason = reason
history-answers-objection = answers objection
history-by-correction = by correction
history-objection = objection
history-witness-signatures = witness signatures
history-refusals = refusals
history-document = document
history-photos = photos

## sheet
sheet-awaiting-a-sheet = awaiting a sheet
sheet-counted = counted
sheet-voided = voided
sheet-re-vote-pending = re-vote pending
sheet-station = Station
sheet-contest = contest
sheet-status = status
sheet-record = record
sheet-no-current-sheet = no current sheet

sheet-partial-votes-only-no-voter-turnout = PARTIAL: votes only; no voter, turnout or ballot numbers on this sheet

sheet-registered = Registered
sheet-voted = Voted
sheet-male = male
sheet-female = female
sheet-ballots = Ballots
sheet-received = received
sheet-used = used
sheet-damaged = damaged
sheet-unused = unused
sheet-valid = Valid
sheet-invalid = invalid

## totals
totals-votes-by-type = Votes by type
totals-code = Code
totals-name = Name
totals-status = Status
totals-votes = Votes
totals-valid = Valid
totals-invalid = Invalid
totals-invalid-without = { $invalid } (+ { $stations } { $stations ->
        [one] station
       *[other] stations
    } without a count)
totals-registered = Registered
totals-voted = Voted
totals-record = Record
totals-stations = Stations
totals-approval = Approval
totals-approved = approved
totals-stale = stale
totals-pending = pending

## demo
demo-exported-the-whole-log-to = exported the whole log to
demo-where-to-look-next = Where to look next:
demo-registered = registered
demo-officers-genesis-and = officers (genesis) and
demo-witnesses-in-the-log = witnesses (in the log)
demo-imported = imported
demo-sheets-in-one-durable-batch = sheets in one durable batch
demo-signed-records = signed records
demo-verified = verified
demo-records-chain-hashes-signatures-counters-time = records: chain, hashes, signatures, counters, time
demo-plenaries-approved-witness-signed = plenaries approved, witness-signed
demo-objection-about = objection about
demo-corrected-by = corrected by
demo-district = district
demo-approved-again = approved again
demo-matches-the-official-kpu-result = matches the official KPU result
demo-against = {" "}against{" "}

## status
status-records = records
status-stations-reported = Stations reported
status-of = of
status-voided = voided
status-open-objections = Open objections
status-complete = complete
status-approvals = approvals
status-approved = approved
status-stale = stale
status-pending = pending
status-flags-accepted-to-look-at = Flags (accepted, to look at)
status-more = more
status-votes-only-sheets-no-voter-turnout = Votes-only sheets (no voter, turnout or ballot numbers)

## list: column headings
list-column-code = code
list-column-name = name
list-column-level = level
list-column-parent = parent
list-column-stations = stations
list-column-scope = scope
list-column-pairs = pairs
list-column-key = key
list-column-role = role
list-column-contest = contest
list-column-pair = pair
list-column-registered = registered
list-column-revoked = revoked
list-column-place = place
list-column-author = author
list-column-status = status
list-column-resolved-by = resolved_by
list-column-correction = correction
list-column-reason = reason
list-column-text = text
list-column-station = station
list-column-flag = flag
history-log-key-rotated = log key rotated
