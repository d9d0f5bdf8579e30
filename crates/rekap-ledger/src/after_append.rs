//! The saved views brought forward after an append instead of rebuilt: what a single
//! `correct` or `approve` does, so that the views' cost is that of the lines and slots the
//! new records changed, not of the whole election.
//!
//! Durability: the append is acknowledged once it is durable, before any view is written.
//! A crash between the two leaves views stamped with the head before the append; every
//! reader checks a view's stamp against the log's end and last record, so such a view is
//! stale (rebuilt), never believed, and the next append does not bring it forward either:
//! [`ViewsBefore`] holds a view only if it is of the very head the append started from.

use rekap_log::{Head, Storage};
use rekap_model::Event;

use crate::error::LedgerError;
use crate::history_view::build::{history_body_after, history_body_from};
use crate::history_view::tail::history_after_append;
use crate::history_view::{AppendedHistory, HISTORY_VIEW};
use crate::ledger::Ledger;
use crate::stations_view::{self, STATIONS_VIEW};
use crate::view::{read_totals_view, touched_places, TotalsView};

/// The views saved at a head, read before an append so that they can be brought forward
/// after it.
pub struct ViewsBefore {
    head: Head,
    totals: Option<TotalsView>,
    stations: Option<Vec<u8>>,
}

impl ViewsBefore {
    /// Whether a totals view of the head was found (the stations view is checked later).
    pub fn has_totals(&self) -> bool {
        self.totals.is_some()
    }
}

/// Which views an append brought forward; the others were built whole (or not saved).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BroughtForward {
    pub totals: bool,
    pub stations: bool,
}

impl<S: Storage> Ledger<S> {
    /// The views saved at the head, if they are of it (stamp and head hash checked); a
    /// missing, stale or damaged view is only one to build whole after the append.
    pub fn views_before_append(&self) -> ViewsBefore {
        let head = self.head();
        let totals = read_totals_view(self.log()).ok().flatten();
        let stations = (self.log().storage().get_view(STATIONS_VIEW))
            .ok()
            .flatten();
        ViewsBefore {
            head,
            totals,
            stations,
        }
    }

    /// After `events` were appended on top of `before`'s head: saves the totals and
    /// stations views of the new head, each brought forward from `before`'s when it is of
    /// that head, else built whole. Nothing is saved for a ledger not replayed to its head.
    pub fn save_views_after_append(
        &mut self,
        before: ViewsBefore,
        events: &[Event],
    ) -> Result<BroughtForward, LedgerError> {
        let head = self.head();
        if self.state().last_seq() != head.count {
            return Ok(BroughtForward::default());
        }
        let places = touched_places(self.state(), events);
        let patched = match (&before.totals, &places) {
            (Some(earlier), Some(places)) if earlier.head_hash() == before.head.last_hash => {
                let places = places.iter().copied();
                earlier.patched_at(self.state(), self.projection(), &head, places)
            }
            _ => None,
        };
        let mut forward = BroughtForward {
            totals: patched.is_some(),
            stations: false,
        };
        let totals = patched.unwrap_or_else(|| self.totals_view(None));
        let Some(stations) = before.stations.as_deref().filter(|_| totals.is_complete()) else {
            // Built whole beside the totals view.
            self.save_totals_view(&totals)?;
            return Ok(forward);
        };
        let earlier = stations_view::patch::Earlier {
            stations,
            head: &before.head,
            // The level counts are brought forward only beside a totals view that was.
            totals: before.totals.as_ref().filter(|_| forward.totals),
        };
        let (log, state, projection) = (self.log(), self.state(), self.projection());
        // The history view (reading the earlier one, the records since, laying out 35 MB
        // nationally) needs neither the projection nor the other views: it is made on a
        // second core while the stations view is.
        let (body, history) = std::thread::scope(|scope| {
            let history = scope.spawn(|| {
                // The tail of the history view saved whole, when it can be; else the view
                // brought forward from the one saved before, whatever its head (it checks
                // that itself).
                history_after_append(log, state, || {
                    let earlier = log.storage().get_view_of_any_head(HISTORY_VIEW)?;
                    history_body_from(log, state, earlier.as_deref())
                })
            });
            let storage = log.storage();
            let body = stations_view::patch::brought_forward(
                earlier,
                state,
                projection,
                &totals,
                &head,
                |seqs| storage.record_locations(seqs).ok().flatten(),
            );
            let history = (history.join()).unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (body, history)
        });
        let Some(body) = body else {
            self.save_totals_view(&totals)?;
            return Ok(forward);
        };
        // Saved over the views read before the append: only their changed blocks written.
        let earlier_totals = before.totals.as_ref();
        self.save_totals_view_over(&totals, earlier_totals)?;
        let storage = self.log_mut().storage_mut();
        storage.put_view_over(STATIONS_VIEW, stations, &body)?;
        forward.stations = true;
        if let Some(history) = history? {
            history.put(storage)?;
        }
        Ok(forward)
    }

    /// Builds the totals, stations and history views of the head whole and saves them,
    /// as [`Ledger::save_totals_view`] of [`Ledger::totals_view`] does, with the history view
    /// made on a second core meanwhile: after a bulk import, where nothing is to be brought
    /// forward but the history view of the records before it. With `appended` (of the
    /// submission that made the head, [`Ledger::submit_bulk`]) the history view takes those
    /// records' entries from it instead of reading them back. The views are byte for byte
    /// those; nothing is saved for a ledger not replayed to its head.
    pub fn save_views_built_whole(
        &mut self,
        appended: Option<&AppendedHistory>,
    ) -> Result<(), LedgerError> {
        let (log, state, projection) = (self.log(), self.state(), self.projection());
        let head = log.head();
        let (totals, stations, history) = std::thread::scope(|scope| {
            // The history view reads the records back and needs neither the projection nor
            // the other views; the totals view's digests use every core themselves.
            let history = scope.spawn(|| {
                let earlier = log.storage().get_view_of_any_head(HISTORY_VIEW)?;
                history_body_after(log, state, earlier.as_deref(), appended)
            });
            let totals = TotalsView::of(state, projection, &head, None);
            let stations = stations_view::stations_body(log, state, projection, &totals);
            let history = (history.join()).unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (totals, stations, history)
        });
        // Saved in the order `save_totals_view` saves them.
        self.save_totals_view_alone(&totals)?;
        // Each view that was laid out is saved, whatever became of the other; then the
        // first error is given back.
        let views: Vec<(&str, &[u8])> = [
            (
                STATIONS_VIEW,
                stations.as_ref().ok().and_then(Option::as_deref),
            ),
            (
                HISTORY_VIEW,
                history.as_ref().ok().and_then(Option::as_deref),
            ),
        ]
        .into_iter()
        .filter_map(|(name, body)| Some((name, body?)))
        .collect();
        self.log_mut().storage_mut().put_views(&views)?;
        drop(views);
        stations?;
        history?;
        Ok(())
    }
}
