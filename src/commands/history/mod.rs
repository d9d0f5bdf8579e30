//! `history --station CODE | --region CODE`: every event touching a place, oldest first,
//! each with its author, the author's role and the time in the province's zone.

mod entries;
mod from_view;

use anyhow::bail;
use clap::Args;
use rekap_model::{Place, State};
use serde_json::{json, Value};

use crate::commands::totals::Format;
use crate::exit::Outcome;
use crate::lang::Lang;
use crate::output::print;
use crate::store::{self, StoreArg};
use crate::zone::{self, Zone};
use entries::{Entry, Filter, People, What};

/// Entries shown when `--limit` is not given.
const DEFAULT_LIMIT: usize = 1000;

#[derive(Args)]
#[command(group(
    clap::ArgGroup::new("place").required(true).args(["station", "region", "code"])
))]
pub struct HistoryArgs {
    #[command(flatten)]
    pub store: StoreArg,
    #[command(flatten)]
    pub server: crate::client::copy::ServerArg,
    /// A station: its sheets, corrections, voids and re-votes, and the objections and
    /// approvals that cover it.
    #[arg(long, value_name = "STATION")]
    pub station: Option<String>,
    /// A region: every event about it or anything under it, and the approvals above it.
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// The older spelling: a region or station code as the argument.
    #[arg(hide = true, value_name = "CODE")]
    pub code: Option<String>,
    /// Only the events of this contest (officer events have none and are left out).
    #[arg(long, value_name = "CONTEST")]
    pub contest: Option<String>,
    /// Only events from record SEQ on, or from a time on: YYYY-MM-DD or YYYY-MM-DDTHH:MM
    /// in the province's zone (UTC with --utc), or RFC 3339 with an offset.
    #[arg(long, value_name = "SEQ|TIME", value_parser = since_syntax)]
    pub since: Option<String>,
    /// Show at most N entries.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_LIMIT)]
    pub limit: usize,
    /// Skip the first N entries (the next page starts where the last ended).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub offset: usize,
    /// Output: a table or text for people, JSON or CSV for scripts.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Times in UTC instead of the province's zone (WIB, WITA, WIT).
    #[arg(long)]
    pub utc: bool,
    /// Language of what this command prints: id or en (default: from LC_ALL, LC_MESSAGES
    /// or LANG).
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
}

pub fn run(mut args: HistoryArgs) -> anyhow::Result<Outcome> {
    crate::client::copy::read_from(&args.server, &mut args.store.store)?;
    let lang = crate::lang::resolve(args.lang);
    if let Some(answer) = from_view::answer(&args) {
        let answer = answer?;
        let page: Vec<&Entry> = answer.page.iter().collect();
        let shown = Shown {
            people: &answer.people,
            place_code: answer.place_code.clone(),
            args: &args,
            lang,
        };
        return shown.print(&page, answer.total);
    }
    let ledger = store::open(&args.store.store)?;
    let state = ledger.state();
    let place = asked_place(state, &args)?;
    if let Some(contest) = &args.contest {
        if state.election().contest_by_id(contest).is_none() {
            bail!(crate::lang::say_with(
                "command-unknown-contest",
                &[("contest", &contest)]
            ));
        }
    }
    let place_code = state.election().place_code(place);
    let (since_seq, since_ms) = since(&args, &place_code)?;
    let filter = Filter {
        place,
        contest: args.contest.as_deref(),
        since_seq,
        since_ms,
    };
    let all = entries::collect(ledger.log(), state, &filter)?;
    let total = all.len();
    let page: Vec<&Entry> = all.iter().skip(args.offset).take(args.limit).collect();
    let people = entries::Replayed::of(state);
    let shown = Shown {
        people: &people,
        place_code,
        args: &args,
        lang,
    };
    shown.print(&page, total)
}

/// `--since` as (record, time), read in the zone of the place asked for.
fn since(args: &HistoryArgs, place_code: &str) -> anyhow::Result<(u64, u64)> {
    match &args.since {
        Some(text) => parse_since(text, zone_for(args, place_code)),
        None => Ok((0, 0)),
    }
}

/// `--station` must name a station and `--region` a region; the old positional either.
fn asked_place(state: &State, args: &HistoryArgs) -> anyhow::Result<Place> {
    let election = state.election();
    if let Some(code) = &args.station {
        return match election.locate(code) {
            Some(place @ Place::Station(_)) => Ok(place),
            Some(Place::Region(_)) => bail!(crate::lang::say_with(
                "command-history-region-use-region",
                &[("code", &code), ("code2", &code)]
            )),
            None => bail!(crate::lang::say_with(
                "command-unknown-station-code",
                &[("code", &code)]
            )),
        };
    }
    if let Some(code) = &args.region {
        return match election.locate(code) {
            Some(place @ Place::Region(_)) => Ok(place),
            Some(Place::Station(_)) => bail!(crate::lang::say_with(
                "command-history-station-use-station",
                &[("code", &code), ("code2", &code)]
            )),
            None => bail!(crate::lang::say_with(
                "command-unknown-region-code",
                &[("code", &code)]
            )),
        };
    }
    let code = args.code.as_deref().unwrap_or_default();
    election.locate(code).ok_or_else(|| {
        anyhow::anyhow!(crate::lang::say_with(
            "command-history-unknown-region-or-station",
            &[("code", &code)]
        ))
    })
}

fn zone_for(args: &HistoryArgs, code: &str) -> Zone {
    if args.utc {
        zone::UTC
    } else {
        zone::of_code(code)
    }
}

/// `--since` as clap checks it: a value that can never parse (`yesterday`) is a usage
/// error (exit 2), like any other flag's; the zone it is read in comes later.
fn since_syntax(text: &str) -> Result<String, String> {
    parse_since(text, zone::UTC)
        .map(|_| text.to_owned())
        .map_err(|error| error.to_string())
}

/// `--since`: a record number, or a time (a date or date-time read in `zone`).
fn parse_since(text: &str, zone: Zone) -> anyhow::Result<(u64, u64)> {
    if let Ok(seq) = text.parse::<u64>() {
        return Ok((seq, 0));
    }
    let time = text
        .parse::<jiff::Timestamp>()
        .ok()
        .or_else(|| {
            let civil = text
                .parse::<jiff::civil::DateTime>()
                .ok()
                .or_else(|| Some(text.parse::<jiff::civil::Date>().ok()?.at(0, 0, 0, 0)))?;
            Some(civil.to_zoned(zone.time_zone()).ok()?.timestamp())
        })
        .ok_or_else(|| {
            anyhow::anyhow!(crate::lang::say_with(
                "command-history-since-give-record-number-yyyy",
                &[("text", &text)]
            ))
        })?;
    Ok((0, u64::try_from(time.as_millisecond()).unwrap_or(0)))
}

/// How entries read, in the language and zone asked for.
struct Shown<'a> {
    people: &'a dyn People,
    /// The code of the place asked for.
    place_code: String,
    args: &'a HistoryArgs,
    lang: Lang,
}

impl Shown<'_> {
    fn print(&self, page: &[&Entry], total: usize) -> anyhow::Result<Outcome> {
        let text = match self.args.format {
            Format::Table => self.table(page, total),
            Format::Json => serde_json::to_string(&self.json(page, total))? + "\n",
            Format::Csv => self.csv(page),
        };
        print(&text)?;
        Ok(Outcome::Success)
    }

    fn zone(&self, entry: &Entry) -> Zone {
        zone_for(self.args, &entry.place)
    }

    fn table(&self, page: &[&Entry], total: usize) -> String {
        let mut out = String::new();
        for entry in page {
            out += &format!(
                "{} {} {} {}{}: {}; {} {}\n",
                entry.id,
                self.zone(entry).format(entry.recorded_at_ms),
                entry.place,
                entry
                    .contest
                    .as_deref()
                    .map(|contest| format!("{contest} "))
                    .unwrap_or_default(),
                self.kind_words(&entry.what),
                self.detail(&entry.what),
                self.lang.message("history-by"),
                self.author(&entry.author)
            );
        }
        let end = self.args.offset + page.len();
        if total == 0 {
            out += &self.lang.message("history-no-events-touch-this-place-yet");
        } else if end < total || self.args.offset > 0 {
            out += &format!(
                "({} {}-{} {} {}; {}: --offset {end})\n",
                self.lang.message("history-entries"),
                self.args.offset + 1,
                end,
                self.lang.message("history-of"),
                total,
                self.lang.message("history-next-page"),
            );
        }
        out
    }

    fn json(&self, page: &[&Entry], total: usize) -> Value {
        let entries: Vec<Value> = page
            .iter()
            .map(|entry| {
                let zone = self.zone(entry);
                let (role, scope) = self.role_and_scope(&entry.author);
                json!({
                    "id": entry.id.to_string(),
                    "seq": entry.id.seq,
                    "time": zone.rfc3339(entry.recorded_at_ms),
                    "zone": zone.name,
                    "recorded_at_ms": entry.recorded_at_ms,
                    "kind": entry.what.key(),
                    "place": entry.place,
                    "contest": entry.contest,
                    "author": {"key": hex::encode(entry.author), "role": role, "scope": scope},
                    "details": details_json(&entry.what),
                    "text": self.detail(&entry.what),
                })
            })
            .collect();
        json!({
            "place": self.place_code,
            "total": total,
            "offset": self.args.offset,
            "limit": self.args.limit,
            "entries": entries,
        })
    }

    fn csv(&self, page: &[&Entry]) -> String {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let header = [
            "id", "time", "zone", "kind", "place", "contest", "author", "role", "scope", "text",
        ];
        let _ = writer.write_record(header);
        for entry in page {
            let zone = self.zone(entry);
            let (role, scope) = self.role_and_scope(&entry.author);
            let _ = writer.write_record([
                entry.id.to_string(),
                zone.rfc3339(entry.recorded_at_ms),
                zone.name.to_owned(),
                entry.what.key().to_owned(),
                entry.place.clone(),
                entry.contest.clone().unwrap_or_default(),
                hex::encode(entry.author),
                role,
                scope,
                self.detail(&entry.what),
            ]);
        }
        String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
    }

    /// The author's role key (`registrar`, `operator`, ...) and scope code.
    fn role_and_scope(&self, key: &[u8; 32]) -> (String, String) {
        if *key == self.people.registrar() {
            return ("registrar".to_owned(), String::new());
        }
        match self.people.officer(key) {
            Some((role, scope)) => (crate::words::role_key(&role).to_owned(), scope),
            None => (String::new(), String::new()),
        }
    }

    /// `1a2b3c4d5e6f (operator of 64)`.
    fn author(&self, key: &[u8; 32]) -> String {
        let short = hex::encode(&key[..6]);
        if *key == self.people.registrar() {
            return format!("{short} ({})", self.lang.message("history-registrar"));
        }
        match self.people.officer(key) {
            Some((role, scope)) => format!(
                "{short} ({} {} {scope})",
                crate::words::role(&role, self.lang),
                self.lang.message("history-officer-scope"),
            ),
            None => short,
        }
    }

    fn kind_words(&self, what: &What) -> String {
        let lang = self.lang;
        match what {
            What::ElectionDefined { .. } => lang.message("history-election-defined"),
            What::OfficerRegistered { .. } => lang.message("history-officer-registered"),
            What::OfficerRevoked { .. } => lang.message("history-officer-revoked"),
            What::SheetSubmitted { .. } => lang.message("history-sheet-submitted"),
            What::SheetCorrected { .. } => lang.message("history-sheet-corrected"),
            What::RevoteOrdered { .. } => lang.message("history-re-vote-ordered"),
            What::StationVoided { .. } => lang.message("history-station-voided"),
            What::ObjectionFiled { .. } => lang.message("history-objection-filed"),
            What::ObjectionResolved {
                correction: Some(_),
                ..
            } => lang.message("history-objection-accepted"),
            What::ObjectionResolved { .. } => lang.message("history-objection-rejected"),
            What::PlenaryApproved { .. } => lang.message("history-plenary-approved"),
            What::SheetSource { .. } => lang.message("history-sheet-s-source"),
            What::LogKeyRotated { .. } => lang.message("history-log-key-rotated"),
        }
    }

    fn detail(&self, what: &What) -> String {
        let lang = self.lang;
        let sheet_text = |sheet: &rekap_model::TallySheet| {
            format!(
                "{} {}, {} {}, {} {}",
                lang.message("history-votes"),
                crate::words::grouped_votes(&sheet.votes, lang),
                lang.message("history-valid"),
                lang.number(u64::from(sheet.valid)),
                lang.message("history-invalid"),
                sheet
                    .invalid
                    .map_or("-".to_owned(), |invalid| lang.number(u64::from(invalid)))
            )
        };
        let reason = lang.message("history-reason");
        match what {
            What::ElectionDefined { name } => name.clone(),
            What::LogKeyRotated { key } => hex::encode(key),
            What::OfficerRegistered { key, role } => {
                format!(
                    "{} {}",
                    hex::encode(&key[..6]),
                    crate::words::role(role, lang)
                )
            }
            What::OfficerRevoked { key, reason: why } => {
                format!("{} {reason}: {why}", hex::encode(&key[..6]))
            }
            What::SheetSubmitted { sheet } => sheet_text(sheet),
            What::SheetCorrected {
                sheet,
                reason: why,
                answers,
            } => {
                let answered = answers
                    .map(|objection| {
                        format!(
                            " ({} {objection})",
                            lang.message("history-answers-objection")
                        )
                    })
                    .unwrap_or_default();
                format!("{}; {reason}: {why}{answered}", sheet_text(sheet))
            }
            What::RevoteOrdered { reason: why } | What::StationVoided { reason: why } => {
                format!("{reason}: {why}")
            }
            What::ObjectionFiled { text } => format!("\u{201c}{text}\u{201d}"),
            What::ObjectionResolved {
                objection,
                correction,
                reason: why,
            } => {
                let by = correction
                    .map(|id| format!(", {} {id}", lang.message("history-by-correction")))
                    .unwrap_or_default();
                format!(
                    "{} {objection}{by}; {reason}: {why}",
                    lang.message("history-objection")
                )
            }
            What::PlenaryApproved {
                digest,
                signatures,
                refusals,
            } => format!(
                "digest {}, {signatures} {}, {refusals} {}",
                hex::encode(digest),
                lang.message("history-witness-signatures"),
                lang.message("history-refusals")
            ),
            What::SheetSource { document, photos } => format!(
                "{} blake3 {}, {} {}",
                lang.message("history-document"),
                hex::encode(document),
                photos.len(),
                lang.message("history-photos")
            ),
        }
    }
}

/// The event's own fields, for scripts.
fn details_json(what: &What) -> Value {
    let sheet_json = |sheet: &rekap_model::TallySheet| json!({"votes": sheet.votes, "valid": sheet.valid, "invalid": sheet.invalid});
    match what {
        What::ElectionDefined { name } => json!({"name": name}),
        What::LogKeyRotated { key } => json!({"log_key": hex::encode(key)}),
        What::OfficerRegistered { key, role } => {
            json!({"officer": hex::encode(key), "role": crate::words::role_key(role)})
        }
        What::OfficerRevoked { key, reason } => {
            json!({"officer": hex::encode(key), "reason": reason})
        }
        What::SheetSubmitted { sheet } => json!({"sheet": sheet_json(sheet)}),
        What::SheetCorrected {
            sheet,
            reason,
            answers,
        } => json!({
            "sheet": sheet_json(sheet),
            "reason": reason,
            "answers": answers.map(|id| id.to_string()),
        }),
        What::RevoteOrdered { reason } | What::StationVoided { reason } => {
            json!({"reason": reason})
        }
        What::ObjectionFiled { text } => json!({"text": text}),
        What::ObjectionResolved {
            objection,
            correction,
            reason,
        } => json!({
            "objection": objection.to_string(),
            "correction": correction.map(|id| id.to_string()),
            "reason": reason,
        }),
        What::PlenaryApproved {
            digest,
            signatures,
            refusals,
        } => json!({
            "digest": hex::encode(digest),
            "witness_signatures": signatures,
            "refusals": refusals,
        }),
        What::SheetSource { document, photos } => json!({
            "document_blake3": hex::encode(document),
            "photos": photos,
        }),
    }
}
