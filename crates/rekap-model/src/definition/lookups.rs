//! An [`Election`]'s look-ups between codes and indices, and the checks of contest parts
//! and officer registrations that use them.

use super::*;

/// Lookups between codes and indices.
impl<D: DefinitionParts> Election<D> {
    /// A region by code (binary search).
    pub fn find_region(&self, code: &str) -> Option<RegionIdx> {
        self.tree.lookup(self.definition.regions(), code)
    }
    /// A polling station by code: a listed station's code, or `<region code>-<nnn>` for a
    /// counted one, or the other spelling of either (`<region code><nnn>`, see
    /// [`crate::stations`]).
    pub fn find_station(&self, code: &str) -> Option<StationId> {
        self.find_station_as_spelled(code).or_else(|| {
            let other = alternative_spelling(code)?;
            self.find_station_as_spelled(&other)
        })
    }
    pub(super) fn find_station_as_spelled(&self, code: &str) -> Option<StationId> {
        if !self.definition.stations().is_empty() {
            if let Ok(entry) = self
                .definition
                .stations()
                .binary_search_by(|s| s.code.as_str().cmp(code))
            {
                return self.tree.listed_id(entry);
            }
        }
        let (region_code, number) = split_station_code(code)?;
        let region = self.find_region(region_code)?;
        let position = self.region_entry(region)?.stations().position(number)?;
        let range = self.tree.stations_under(region);
        Some(StationId(range.start + position))
    }
    /// A region or station by code.
    pub fn locate(&self, code: &str) -> Option<Place> {
        match self.find_region(code) {
            Some(region) => Some(Place::Region(region)),
            None => self.find_station(code).map(Place::Station),
        }
    }
    /// A region's canonical entry (code, parent, level, name, stations).
    pub fn region_entry(&self, region: RegionIdx) -> Option<&D::Region> {
        self.definition.regions().get(region.0 as usize)
    }
    /// A region's code.
    pub fn region_code(&self, region: RegionIdx) -> Option<&str> {
        self.region_entry(region).map(|r| r.code())
    }
    /// A station's code.
    pub fn station_code(&self, station: StationId) -> Option<String> {
        if let Some(entry) = self.listed_station(station) {
            return Some(entry.code.clone());
        }
        let (region, position) = self.tree.station_holder(station)?;
        let entry = self.region_entry(region)?;
        let number = entry.stations().number_at(position.checked_sub(1)?)?;
        Some(format_station_code(entry.code(), number))
    }

    /// [`Election::station_code`] of each station under `region`, in station order. For a
    /// region that holds its stations itself (no children) the holder is known, so it is not
    /// searched for again per station: the leaf digests of a national count spell 818,339
    /// codes this way.
    pub fn station_codes_under(
        &self,
        region: RegionIdx,
    ) -> impl Iterator<Item = Option<String>> + '_ {
        let stations = self.tree.stations_under(region);
        let first = stations.start;
        let holder = (self.tree.children(region).is_empty())
            .then(|| self.region_entry(region))
            .flatten();
        stations.map(move |station| {
            let id = StationId(station);
            match (self.listed_station(id), holder) {
                (Some(listed), _) => Some(listed.code.clone()),
                (None, Some(entry)) => (entry.stations().number_at(station - first))
                    .map(|number| format_station_code(entry.code(), number)),
                (None, None) => self.station_code(id),
            }
        })
    }
    /// A listed station's entry (code, holder, name); `None` for a counted station.
    pub fn listed_station(&self, station: StationId) -> Option<&ListedStation> {
        let entry = self.tree.listed_entry(station)?;
        self.definition.stations().get(entry)
    }
    /// A station's display name: the listed name, or `None` for a counted station.
    pub fn station_name(&self, station: StationId) -> Option<&str> {
        self.listed_station(station).map(|s| s.name.as_str())
    }
    /// A place's code (empty if the place does not exist).
    pub fn place_code(&self, place: Place) -> String {
        match place {
            Place::Region(r) => self.region_code(r).unwrap_or_default().to_string(),
            Place::Station(s) => self.station_code(s).unwrap_or_default(),
        }
    }
    /// The key of a level (empty if out of range).
    pub fn level_key(&self, level: u32) -> &str {
        self.level(level)
            .map(|l| l.key.as_str())
            .unwrap_or_default()
    }
    /// Whether the contest is voted at the place: the contest's scope covers it and, for a
    /// contest with `parts`, the place is a station that takes part or a region holding one.
    pub fn contest_covers(&self, contest: ContestIdx, place: Place) -> bool {
        let Some(scope) = self.contest_scope(contest) else {
            return false;
        };
        if !self.tree.covers(scope, place) {
            return false;
        }
        match self.contest_members.get(contest.0 as usize) {
            Some(Some(members)) => {
                let stations = match place {
                    Place::Region(region) => self.tree.stations_under(region),
                    Place::Station(station) => station.0..station.0.saturating_add(1),
                };
                members.count(stations) > 0
            }
            _ => true,
        }
    }

    /// Whether a station under the contest's scope takes part in it (always, for a contest
    /// without `parts`). The state asks this of every station it keeps a status for.
    pub fn station_takes_part(&self, contest: ContestIdx, station: StationId) -> bool {
        match self.contest_members.get(contest.0 as usize) {
            Some(Some(members)) => members.count(station.0..station.0.saturating_add(1)) > 0,
            _ => true,
        }
    }

    /// The stations of a contest with `parts`, checking each part: it names a region or
    /// station under the scope, the parts are sorted by code and none lies under another.
    pub(super) fn members_of(
        &self,
        contest: ContestIdx,
    ) -> Result<Option<ContestMembers>, DefinitionError> {
        let (Some(spec), Some(scope)) = (self.contest(contest), self.contest_scope(contest)) else {
            return Ok(None);
        };
        if spec.parts.is_empty() {
            return Ok(None);
        }
        check_count("contest parts", spec.parts.len(), MAX_CONTEST_PARTS)?;
        let range = self.tree.stations_under(scope);
        let mut takes_part = vec![false; range.len()];
        let mut previous: Option<&str> = None;
        for code in &spec.parts {
            if previous.is_some_and(|p| p >= code.as_str()) {
                return Err(DefinitionError::NotCanonical {
                    what: "contest parts (sorted by code, unique)",
                    at: code.clone(),
                });
            }
            previous = Some(code);
            let place = self
                .locate(code)
                .filter(|place| self.tree.covers(scope, *place))
                .ok_or_else(|| DefinitionError::BadContestPart {
                    contest: spec.id.clone(),
                    code: code.clone(),
                })?;
            let stations = match place {
                Place::Region(region) => self.tree.stations_under(region),
                Place::Station(station) => station.0..station.0.saturating_add(1),
            };
            for station in stations {
                let index = (station - range.start) as usize;
                if let Some(slot) = takes_part.get_mut(index) {
                    if *slot {
                        return Err(DefinitionError::OverlappingContestParts {
                            contest: spec.id.clone(),
                            code: code.clone(),
                        });
                    }
                    *slot = true;
                }
            }
        }
        let mut before = Vec::with_capacity(takes_part.len() + 1);
        let mut count = 0u32;
        before.push(0);
        for part in takes_part {
            count += u32::from(part);
            before.push(count);
        }
        Ok(Some(ContestMembers {
            base: range.start,
            before,
        }))
    }

    /// Checks an officer registration against the definition (not against the officers
    /// already registered): returns the scope region.
    pub fn check_registration(
        &self,
        key: &[u8; 32],
        role: &Role,
        scope: &str,
    ) -> Result<RegionIdx, Refusal> {
        self.check_registration_with(key, role, scope, check_key(key))
    }

    /// [`Election::check_registration`] with the key's curve check already made
    /// (`key_check`, perhaps with other keys' on other threads); its answer counts where
    /// that check comes, after the registrar's.
    pub(crate) fn check_registration_with(
        &self,
        key: &[u8; 32],
        role: &Role,
        scope: &str,
        key_check: Result<(), UnusableKey>,
    ) -> Result<RegionIdx, Refusal> {
        if *key == self.definition.registrar() {
            return Err(Refusal::RegistrarCannotHoldRole);
        }
        match key_check {
            Ok(()) => {}
            Err(UnusableKey::NotAPoint) => return Err(Refusal::InvalidPublicKey { key: *key }),
            Err(UnusableKey::Weak) => return Err(Refusal::WeakPublicKey { key: *key }),
        }
        let region = self
            .find_region(scope)
            .ok_or_else(|| Refusal::UnknownRegion {
                code: scope.to_string(),
            })?;
        if let Role::Witness { contest, pair } = role {
            let c = self
                .contest_by_id(contest)
                .ok_or_else(|| Refusal::UnknownContest {
                    id: contest.clone(),
                })?;
            let pairs = self.contest(c).map(|c| c.pairs.len()).unwrap_or(0) as u32;
            if *pair == 0 || *pair > pairs {
                return Err(Refusal::UnknownPair {
                    contest: contest.clone(),
                    pair: *pair,
                });
            }
            let contest_scope = self.contest_scope(c).unwrap_or(region);
            if !self.tree.region_covers(contest_scope, region)
                && !self.tree.region_covers(region, contest_scope)
            {
                return Err(Refusal::WitnessScopeOutsideContest {
                    scope: scope.to_string(),
                    contest: contest.clone(),
                });
            }
        }
        Ok(region)
    }
}
