## A definition (file, regions CSV or genesis) that is not valid (src/error_words/definition.rs)
definition-unsupported-format = definition format version { $version } is not supported (this rekap reads version { $supported })
definition-unsupported-file-format = definition file format { $found } is not supported (expected { $expected })
definition-empty = { $field } is empty
definition-too-long = { $field } has { $bytes } bytes; the limit is { $limit }
definition-too-many = { $count } { $field }; the limit is { $limit }
definition-too-few-levels = { $count } levels; at least { $least } are needed (regions and stations)
definition-bad-level-key = level key { $key } is not lowercase ASCII letters, digits and _
definition-duplicate-level = level { $key } is listed twice
definition-unknown-level = unknown level { $key }
definition-plenary-at-station-level = the station level cannot hold plenaries
definition-no-plenary-level = no level holds plenaries
definition-bad-capacity = station capacity { $capacity } is not within 1..={ $limit }
definition-bad-key = { $what } key { $key } is not a valid ed25519 public key
definition-weak-key = { $what } key { $key } is the identity or a point of small order, a key that can never sign
definition-bad-contest-id = contest id { $id } is not 1..=64 ASCII letters, digits, '-', '_', '.'
definition-not-canonical = { $what } are not in canonical order at { $at }
definition-unknown-region = { $what } { $code } is not a region
definition-no-pairs = contest { $contest } has no candidate pairs
definition-bad-vote-type = contest { $contest }: vote type key { $key } is not lowercase ASCII letters, digits and _, or is given twice
definition-bad-contest-part = contest { $contest }: part { $code } is not a region or station under the contest's scope
definition-overlapping-contest-parts = contest { $contest }: part { $code } lies under another part, or holds one
definition-pair-numbering = contest { $contest }: pair number { $found } where { $expected } was expected (1..=n)
definition-bad-officer = officer { $key }: { $reason }
definition-bad-region-code = region code { $code } is not 1..=32 ASCII letters, digits, '.', '_'
definition-duplicate-region = region { $code } is listed twice
definition-region-level-out-of-range = region { $code } has level { $level }, but only levels 0..{ $region-levels } hold regions
definition-top-level-with-parent = region { $code } is at the top level but has a parent
definition-missing-parent = region { $code } is below the top level but has no parent
definition-unknown-parent = region { $code } has parent { $parent }, which is not a region
definition-parent-level-mismatch = region { $code } (level { $level }) has parent { $parent } at level { $parent-level }
definition-stations-at-wrong-level = region { $code } at level { $level } has stations; only the level above the stations may
definition-too-many-stations-in-region = region { $code } has { $stations } { $stations ->
        [one] station
       *[other] stations
    }; the limit is { $limit }
definition-bad-station-numbers = region { $code }: station numbers: { $problem }
definition-bad-station-code = station code { $code } is not 1..=36 ASCII letters, digits, '.', '_', '-'
definition-station-parent-level = station { $code } has parent { $parent }, which is not at the level just above the stations
definition-stations-counted-and-listed = region { $code } both counts its stations and lists them; give one form
definition-station-spelled-twice = station { $code } is also station { $other } spelled another way; codes must differ
definition-csv = regions CSV line { $line }: { $problem }
definition-json = definition JSON: { $problem }
definition-regions-given-twice = the definition gives its regions both inline and as CSV
definition-no-regions = the definition gives no regions (neither inline nor as CSV)
definition-regions-csv-missing = the definition names regions CSV { $name }, but no CSV was passed
definition-read = reading the regions CSV failed: { $problem }
## the names of a definition's parts in the errors above
definition-part-contests = contests
definition-part-definition-json = definition JSON
definition-part-events-per-payload = events per payload
definition-part-initial-officers = initial officers
definition-part-levels = levels
definition-part-listed-stations = listed stations
definition-part-regions-csv = regions CSV
definition-part-regions = regions
definition-part-stations = stations
definition-part-contest-parts-sorted-by-code-unique = contest parts (sorted by code, unique)
definition-part-contest-scope = contest scope
definition-part-contests-sorted-by-id-unique = contests (sorted by id, unique)
definition-part-included-region = included region
definition-part-initial-officers-sorted-by-key-unique = initial officers (sorted by key, unique)
definition-part-regions-sorted-by-code-unique = regions (sorted by code, unique)
definition-part-registrar = registrar
definition-part-stations-sorted-by-code-unique = stations (sorted by code, unique)
## a regions CSV line's problem, and a region's station numbers
definition-csv-record-too-long = record longer than { $limit } bytes
definition-csv-header = the header must be { $header }
definition-csv-field-count = { $fields } fields, expected 5 ({ $header })
definition-csv-level = field "level": { $problem }
definition-csv-stations = field "stations": { $problem }
definition-csv-not-utf8 = field { $column }: not UTF-8
definition-station-has-count = station { $code } has a station count; only its holder region may
definition-station-no-parent = station { $code } has no parent
definition-station-regions-only = station { $code }: only regions are read here, not stations
numbers-too-many-ranges = { $ranges } ranges; at most { $limit }
numbers-no-gap = { $range } does not come after { $before } with a gap (ranges ascending, apart)
numbers-too-many-stations = { $count } { $count ->
        [one] station
       *[other] stations
    }; at most { $limit } per region
numbers-empty-item = an empty item in the list of station numbers
numbers-not-a-range = { $item } is not a station number or range (a-b)
numbers-overlaps = { $item } overlaps or comes before { $before } (give numbers ascending, once)
numbers-not-a-number = { $text } is not a station number or count
numbers-zero = station number 0 (numbers start at 1)
numbers-over-limit = station number { $number } is over { $limit } (three digits)
numbers-descends = range { $first }-{ $last } descends
