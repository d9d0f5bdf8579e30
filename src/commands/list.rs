//! `list contests|regions|officers|objections|flags`: what the definition and the log hold,
//! filtered, so nobody has to read election.json or scroll history.

use anyhow::bail;
use clap::{Args, ValueEnum};
use rekap_model::{ObjectionStatus, Place, RegionIdx, Role, State};
use serde_json::{json, Value};

use crate::commands::totals::Format;
use crate::exit::Outcome;
use crate::lang::Lang;
use crate::listing::Listing;
use crate::output::print;
use crate::store::{self, StoreArg};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum What {
    Contests,
    Regions,
    Officers,
    Objections,
    Flags,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum StatusFilter {
    Open,
    Accepted,
    Rejected,
}

#[derive(Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub store: StoreArg,
    #[command(flatten)]
    pub server: crate::client::copy::ServerArg,
    /// What to list.
    #[arg(value_enum, value_name = "WHAT")]
    pub what: What,
    /// Only what lies in this region or under it (regions, officers by scope, objections
    /// and flags by place).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Only this contest (contests, witnesses, objections, flags).
    #[arg(long, value_name = "CONTEST")]
    pub contest: Option<String>,
    /// Regions: only this level (its key, e.g. district).
    #[arg(long, value_name = "LEVEL")]
    pub level: Option<String>,
    /// Officers: only this role.
    #[arg(long, value_enum)]
    pub role: Option<crate::commands::submit::RoleName>,
    /// Objections: only open, accepted or rejected ones.
    #[arg(long, value_enum)]
    pub status: Option<StatusFilter>,
    /// Output: a table or text for people, JSON or CSV for scripts.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Language of what this command prints: id or en (default: from LC_ALL, LC_MESSAGES
    /// or LANG).
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
}

pub fn run(mut args: ListArgs) -> anyhow::Result<Outcome> {
    crate::client::copy::read_from(&args.server, &mut args.store.store)?;
    let ledger = store::open(&args.store.store)?;
    let state = ledger.state();
    let election = state.election();
    let within = match &args.region {
        Some(code) => Some(election.find_region(code).ok_or_else(|| {
            anyhow::anyhow!(crate::lang::say_with(
                "command-unknown-region-code",
                &[("code", &code)]
            ))
        })?),
        None => None,
    };
    if let Some(contest) = &args.contest {
        if election.contest_by_id(contest).is_none() {
            bail!(crate::lang::say_with(
                "command-unknown-contest",
                &[("contest", &contest)]
            ));
        }
    }
    let filter = Filter {
        args: &args,
        state,
        within,
    };
    let (listing, name) = match args.what {
        What::Contests => (filter.contests(), "contests"),
        What::Regions => (filter.regions()?, "regions"),
        What::Officers => (filter.officers(), "officers"),
        What::Objections => (filter.objections(), "objections"),
        What::Flags => (filter.flags(ledger.projection()), "flags"),
    };
    let lang = crate::lang::resolve(args.lang);
    let headings: Vec<String> = listing
        .columns
        .iter()
        .map(|column| heading(column, lang))
        .collect();
    print(&listing.render(args.format, name, &headings, lang))?;
    Ok(Outcome::Success)
}

/// A column's heading in the table.
fn heading(column: &'static str, lang: Lang) -> String {
    match column {
        "code" => lang.message("list-column-code"),
        "name" => lang.message("list-column-name"),
        "level" => lang.message("list-column-level"),
        "parent" => lang.message("list-column-parent"),
        "stations" => lang.message("list-column-stations"),
        "scope" => lang.message("list-column-scope"),
        "pairs" => lang.message("list-column-pairs"),
        "key" => lang.message("list-column-key"),
        "role" => lang.message("list-column-role"),
        "contest" => lang.message("list-column-contest"),
        "pair" => lang.message("list-column-pair"),
        "registered" => lang.message("list-column-registered"),
        "revoked" => lang.message("list-column-revoked"),
        "place" => lang.message("list-column-place"),
        "author" => lang.message("list-column-author"),
        "status" => lang.message("list-column-status"),
        "resolved_by" => lang.message("list-column-resolved-by"),
        "correction" => lang.message("list-column-correction"),
        "reason" => lang.message("list-column-reason"),
        "text" => lang.message("list-column-text"),
        "station" => lang.message("list-column-station"),
        "flag" => lang.message("list-column-flag"),
        other => other.to_owned(),
    }
}

struct Filter<'a> {
    args: &'a ListArgs,
    state: &'a State,
    within: Option<RegionIdx>,
}

impl Filter<'_> {
    fn covers(&self, place: Place) -> bool {
        self.within
            .is_none_or(|region| self.state.election().tree().covers(region, place))
    }

    /// A flag as the table words it for a person; JSON and CSV keep the model's English
    /// text, for scripts.
    fn flag_text(&self, flag: &rekap_model::Flag) -> String {
        match self.args.format {
            Format::Table => crate::error_words::flag(flag, crate::lang::resolve(self.args.lang)),
            Format::Json | Format::Csv => flag.to_string(),
        }
    }

    fn contest_ok(&self, id: &str) -> bool {
        self.args
            .contest
            .as_deref()
            .is_none_or(|wanted| wanted == id)
    }

    fn contests(&self) -> Listing {
        let mut listing = Listing::new(vec!["id", "name", "scope", "pairs"]);
        for contest in self.state.election().contests() {
            if !self.contest_ok(&contest.id) {
                continue;
            }
            let pairs: Vec<Value> = contest
                .pairs
                .iter()
                .map(|pair| Value::from(format!("{} {}", pair.number, pair.name)))
                .collect();
            listing.push(vec![
                json!(contest.id),
                json!(contest.name),
                json!(contest.scope),
                Value::Array(pairs),
            ]);
        }
        listing
    }

    fn regions(&self) -> anyhow::Result<Listing> {
        let election = self.state.election();
        let levels = election.levels();
        let level = match &self.args.level {
            Some(key) => Some(
                levels
                    .iter()
                    .position(|level| level.key == *key)
                    .ok_or_else(|| {
                        anyhow::anyhow!(crate::lang::say_with(
                            "command-list-unknown-level",
                            &[("key", &key)]
                        ))
                    })? as u32,
            ),
            None => None,
        };
        let mut listing = Listing::new(vec!["code", "name", "level", "parent", "stations"]);
        let tree = election.tree();
        for index in 0..tree.region_count() {
            let region = RegionIdx(index);
            let Some(entry) = election.region_entry(region) else {
                continue;
            };
            if level.is_some_and(|level| level != entry.level)
                || !self.covers(Place::Region(region))
            {
                continue;
            }
            listing.push(vec![
                json!(entry.code),
                json!(entry.name),
                json!(election.level_key(entry.level)),
                json!(entry.parent),
                json!(tree.stations_under(region).len()),
            ]);
        }
        Ok(listing)
    }

    fn officers(&self) -> Listing {
        let election = self.state.election();
        let mut listing = Listing::new(vec![
            "key",
            "role",
            "contest",
            "pair",
            "scope",
            "registered",
            "revoked",
        ]);
        let mut officers: Vec<_> = self.state.officers().collect();
        officers.sort_by_key(|officer| officer.index);
        for officer in officers {
            let role_matches = self
                .args
                .role
                .is_none_or(|role| crate::words::role_key(&officer.role) == role_key(role));
            let (contest, pair) = match &officer.role {
                Role::Witness { contest, pair } => (Some(contest.as_str()), Some(*pair)),
                _ => (None, None),
            };
            let contest_matches =
                self.args.contest.is_none() || contest.is_some_and(|id| self.contest_ok(id));
            if !role_matches || !contest_matches || !self.covers(Place::Region(officer.scope)) {
                continue;
            }
            listing.push(vec![
                json!(hex::encode(officer.key)),
                json!(crate::words::role_key(&officer.role)),
                json!(contest),
                json!(pair),
                json!(election.region_code(officer.scope)),
                json!(officer.registered_at.to_string()),
                json!(officer.revoked_at.map(|id| id.to_string())),
            ]);
        }
        listing
    }

    fn objections(&self) -> Listing {
        let election = self.state.election();
        let mut listing = Listing::new(vec![
            "id",
            "place",
            "contest",
            "author",
            "status",
            "resolved_by",
            "correction",
            "reason",
            "text",
        ]);
        for objection in self.state.objections() {
            let contest = &election.contests()[objection.contest.0 as usize].id;
            let (status, resolved_by, correction, reason) = match &objection.status {
                ObjectionStatus::Open => ("open", None, None, None),
                ObjectionStatus::Accepted {
                    correction,
                    resolved_by,
                    reason,
                } => (
                    "accepted",
                    Some(resolved_by),
                    Some(correction),
                    Some(reason),
                ),
                ObjectionStatus::Rejected {
                    resolved_by,
                    reason,
                } => ("rejected", Some(resolved_by), None, Some(reason)),
            };
            let status_matches = self.args.status.is_none_or(|wanted| {
                status
                    == match wanted {
                        StatusFilter::Open => "open",
                        StatusFilter::Accepted => "accepted",
                        StatusFilter::Rejected => "rejected",
                    }
            });
            if !status_matches || !self.contest_ok(contest) || !self.covers(objection.place) {
                continue;
            }
            listing.push(vec![
                json!(objection.id.to_string()),
                json!(election.place_code(objection.place)),
                json!(contest),
                json!(hex::encode(objection.author)),
                json!(status),
                json!(resolved_by.map(ToString::to_string)),
                json!(correction.map(ToString::to_string)),
                json!(reason),
                json!(objection.text),
            ]);
        }
        listing
    }

    fn flags(&self, projection: &rekap_projection::Projection) -> Listing {
        let election = self.state.election();
        let mut listing = Listing::new(vec!["id", "station", "contest", "flag"]);
        for raised in projection.flags() {
            let contest = &election.contests()[raised.contest.0 as usize].id;
            if !self.contest_ok(contest) || !self.covers(Place::Station(raised.station)) {
                continue;
            }
            listing.push(vec![
                json!(raised.id.to_string()),
                json!(election.station_code(raised.station)),
                json!(contest),
                json!(self.flag_text(&raised.flag)),
            ]);
        }
        listing
    }
}

fn role_key(role: crate::commands::submit::RoleName) -> &'static str {
    use crate::commands::submit::RoleName;
    match role {
        RoleName::Operator => "operator",
        RoleName::Official => "official",
        RoleName::Witness => "witness",
        RoleName::Auditor => "auditor",
    }
}
