
## portal
portal-skip-to-content = Skip to content
portal-main-navigation = Main navigation
portal-check-my-tps = Check my TPS
portal-not-found = Not found
portal-back-to-the-overview = Back to the overview
portal-there-is-no-page-at-this = There is no page at this address. The pages are /c/CONTEST, /c/CONTEST/r/REGION-CODE, /c/CONTEST/tps/STATION-CODE, /cek.
portal-starting = Starting
portal-the-server-is-still-reading-the = The server is still reading the log; try again shortly.
portal-server-error = Server error
portal-the-sheet-that-counts = The sheet that counts
portal-this-sheet-carries-only-the-votes = This sheet carries only the votes (no administrative section).
portal-tally-sheet-of-station = Tally sheet of station{" "}
portal-valid-votes = Valid votes
portal-invalid-votes = Invalid votes
portal-invalid-not-given = not given by the source
portal-stations-without-invalid = { $stations } { $stations ->
        [one] station gives
       *[other] stations give
    } no invalid count: the sum above leaves them out
portal-registered-voters-dpt-dpph-dptb = Registered voters (DPT+DPPh+DPTb)
portal-voters-who-voted = Voters who voted
portal-check-these-numbers-against-the-approvals = Check these numbers against the approvals
portal-this-station-was-voided = This station was voided.
portal-a-re-vote-is-pending = A re-vote is pending.
portal-no-sheet-yet = No sheet yet.
portal-history = History
portal-every-version-oldest-first = Every version, oldest first
portal-when = When
portal-kind = Kind
portal-votes = Votes
portal-reason = Reason
portal-submitted = submitted
portal-corrected = corrected
portal-re-vote = re-vote
portal-voided = voided
portal-objections = Objections
portal-open = open
portal-accepted = accepted
portal-rejected = rejected
portal-soft-flags = Soft flags
portal-approvals-above-it-see-the-region = Approvals above it: see the region pages in the breadcrumbs above.
portal-map-the-leading-pair-by-region = Map: the leading pair by region
portal-map-stations-reported-by-region = Map: stations reported by region
portal-each-region-is-coloured-as-the = Each region is coloured as the legend below says; the table after the map holds the same numbers.
portal-colour-by-stations-reported = Colour by stations reported
portal-colour-by-leading-pair = Colour by leading pair
portal-no-votes-yet = no votes yet
portal-tied = tied
portal-map-legend = Map legend
portal-not-in-this-contest = not in this contest
portal-map-as-a-table = Map as a table
portal-regions-on-the-map = Regions on the map
portal-region = Region
portal-value = Value
portal-distribution-across-stations = Distribution across stations
portal-no-sheets-counted-yet = No sheets counted yet.
portal-sheets-counted = Sheets counted:{" "}
portal-sheets-carry-only-the-votes-partial = {" "}sheets carry only the votes (partial sheets): they have no turnout, so they are not in the turnout and fingerprint charts; they are in the share charts.
portal-sheets-have-no-registered-voters-turnout = {" "}sheets have no registered voters: turnout is undefined.
portal-chart-data = Chart data
portal-range = Range
portal-stations = Stations
portal-turnout-across-stations = Turnout across stations
portal-no-full-sheets-turnout-cannot-be = No full sheets: turnout cannot be drawn.
portal-no-full-sheets-the-fingerprint-needs = No full sheets: the fingerprint needs turnout.
portal-turnout = turnout
portal-pair-share = pair share
portal-other-pairs = Other pairs:{" "}
portal-type-the-station-code-and-the = Type the station code and the numbers from the photo of your C1 sheet. This page fetches the proof from the server and checks it in your own browser, without trusting the server.
portal-station-code = Station code
portal-votes-per-pair-comma-separated-ballot = Votes per pair, comma separated (ballot order)
portal-check = Check
portal-checking-needs-javascript-reading-the-other = Checking needs JavaScript; reading the other pages does not.
portal-verification-steps = Verification steps
portal-the-definition-has-no-contests = The definition has no contests.
portal-plenaries-by-level = Plenaries by level
portal-regions-by-approval-state = Regions by approval state
portal-level = Level
portal-approved = Approved
portal-stale = Stale
portal-pending = Pending
portal-log-head = Log head
portal-this-page-answers-at-record = This page answers at record{" "}
portal-head-hash = head hash{" "}
portal-signed-checkpoint = Signed checkpoint of the log:
portal-signed-checkpoint-what = (the tree size and root it signs, with the log key's signature and any witnesses' cosignatures; Check my TPS verifies a sheet against it).
portal-votes-per-pair = Votes per pair
portal-no = No.
portal-pair = Pair
portal-share = Share
portal-stations-reported = Stations reported
portal-of = {" "}of{" "}
portal-state-approved = approved
portal-state-stale = stale
portal-state-pending = pending
portal-no-plenary = no plenary
portal-plenary-state = Plenary state
portal-breadcrumbs = Breadcrumbs
portal-overview = Overview
portal-regions-below = Regions below
portal-pair-column = Pair{" "}
portal-valid = Valid
portal-reported = Reported
portal-plenary = Plenary
portal-polling-stations-here = Polling stations here
portal-status = Status
portal-counted = counted
portal-re-vote-pending = re-vote pending
portal-awaiting = awaiting
portal-no-plenary-approval-yet = No plenary approval yet.
portal-plenary-approval = Plenary approval
portal-approved-by = Approved by
portal-digest = Digest
portal-witnesses-who-signed = Witnesses who signed
portal-witnesses-who-refused = Witnesses who refused
portal-objections-open-when-approved = Objections open when approved

## portal: sentences with variables
portal-no-such-station = There is no polling station { $code } in the contest { $contest }. Check the code, e.g. 6472010001-001.
portal-no-such-contest = There is no contest with the id { $id }.
portal-no-such-region = There is no region { $code } in the contest { $id }.
portal-turnout-description = Stations per turnout range of 2 percentage points, over { $stations } { $stations ->
        [one] station
       *[other] stations
    } with a full sheet. Region turnout { $turnout }; { $above-95 } { $above-95 ->
        [one] station
       *[other] stations
    } above 95%; { $above-registered } { $above-registered ->
        [one] station
       *[other] stations
    } where more voted than were registered.
portal-share-title = Share of { $number }. { $name } across stations
portal-share-description = Stations per range of 2 percentage points of the valid votes, over { $stations } { $stations ->
        [one] station
       *[other] stations
    } with valid votes.
portal-fingerprint-title = Fingerprint: turnout against the share of { $number }. { $name }
portal-fingerprint-description = Each cell counts the stations whose turnout (across) and pair share (up) fall in its 5-point ranges; darker is more. The densest cell: turnout { $turnout-from }–{ $turnout-to }%, share { $share-from }–{ $share-to }%. { $corner } { $corner ->
        [one] station
       *[other] stations
    } with both turnout and share at least 95%.

## portal (added)
portal-stations-reported-over-time = Stations reported over time
portal-no-station-has-reported-yet = No station has reported yet.
portal-time = Time
portal-comparison = Comparison
portal-this-server-was-started-without-a = This server was started without a source to compare with (rekap serve --compare NAME=FILE).
portal-back = Back
portal-comparison-sources = Comparison sources
portal-rekap-s-totals-beside-the-source = rekap's totals beside the source{" "}
portal-matched-by-region-code-difference-the = matched by region code; difference = the source minus rekap.
portal-back-to-the-region-s-page = Back to the region's page
portal-regions = Regions
portal-equal = {" "}equal,{" "}
portal-differing = {" "}differing,{" "}
portal-only-in-rekap = {" "}only in rekap,{" "}
portal-only-in = {" "}only in{" "}
portal-largest-differences = Largest differences
portal-pair-2 = pair{" "}
portal-comparison-table = Comparison table
portal-rekap-and = rekap and{" "}
portal-by-region-rows-that-differ-are = {" "}by region; rows that differ are marked ≠
portal-stations-in = Stations in{" "}
portal-difference = difference
portal-equal-2 = equal
portal-differs = differs
portal-only-in-rekap-2 = only in rekap
portal-only-in-2 = only in{" "}
portal-this-region = this region
portal-the-source = The source{" "}
portal-does-not-read-for-this-contest = {" "}does not read for this contest:{" "}
portal-problems = {" "}problems.
portal-reporting-progress = Reporting progress
portal-compare-with-other-sources = Compare with other sources
portal-no-such-source = There is no comparison source named { $name }.
portal-progress-at-once = All { $reported } { $reported ->
        [one] station
       *[other] stations
    } reported of { $expected } ({ $share }) were recorded in the log at { $first } (each station's first sheet).
portal-progress-over-time = Stations reported from { $first } to { $last }: { $reported } of { $expected } ({ $share }), by the record time in the log of each station's first sheet.
