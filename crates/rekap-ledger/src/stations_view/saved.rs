//! The stations view as an append that changes no sheet (`crate::thin`) holds and saves
//! it: on a segment store only its directory, read from the view file block by block, and
//! saved back as the preamble and directory ranges ([`Storage::put_view_ranges`]): about a
//! hundred kilobytes read and written of a national view of 38 MB. On a store without view
//! files, or when the file cannot be saved in place (a reader holds it, the directory
//! crossed a block), the whole body, as [`super::patch::brought_forward_without_sheets`]
//! lays it out.

use rekap_log::{Head, Log, Storage};
use rekap_model::State;

use super::patch::{
    brought_forward_without_sheets, rewritten_without_sheets, DirectoryPart, Earlier, Rewritten,
};
use super::STATIONS_VIEW;
use crate::error::LedgerError;
use crate::view::{TotalsView, ViewError};

/// One append's step for the stations view: from the view of `earlier_head` (where
/// `earlier_totals` is) to the view of `head` (where `state` and `totals` are).
pub(crate) struct Step<'a> {
    pub(crate) earlier_head: &'a Head,
    pub(crate) earlier_totals: &'a TotalsView,
    pub(crate) state: &'a State,
    pub(crate) totals: &'a TotalsView,
    pub(crate) head: &'a Head,
}

/// A saved stations view of a head.
pub(crate) enum SavedStations {
    /// The directory of the view file whose header checksum is `checksum`.
    Directory {
        part: Box<DirectoryPart>,
        checksum: [u8; 32],
    },
    /// The whole body.
    Whole(Vec<u8>),
}

/// The stations view of a later head, made from a [`SavedStations`].
pub(crate) enum NewStations {
    Rewritten(Rewritten),
    Whole(Vec<u8>),
}

impl SavedStations {
    /// The stations view of `log`'s head, if it is saved, intact and of that head. The
    /// view file's shared lock is released before this returns: a save in place must not
    /// find the file being read by this very process.
    pub(crate) fn read<S: Storage>(log: &Log<S>) -> Option<SavedStations> {
        let head = log.head();
        let Some(reader) = log.storage().view_reader_of_any_head(STATIONS_VIEW).ok()? else {
            let body = log.storage().get_view(STATIONS_VIEW).ok()??;
            return Some(SavedStations::Whole(body));
        };
        let read = |offset, length| reader.read(offset, length).map_err(ViewError::from);
        let part = Box::new(DirectoryPart::read(read, reader.body_length())?);
        let checksum = reader.header_checksum();
        drop(reader);
        part.is_of(&head)
            .then_some(SavedStations::Directory { part, checksum })
    }

    /// The view at `step.head`, brought forward from this one across events that change no
    /// sheet; `None` if this view is not of `step.earlier_head`.
    pub(crate) fn brought_forward(&self, step: &Step<'_>) -> Option<NewStations> {
        match self {
            SavedStations::Directory { part, .. } => rewritten_without_sheets(
                part,
                step.earlier_head,
                step.earlier_totals,
                step.state,
                step.totals,
                step.head,
            )
            .map(NewStations::Rewritten),
            SavedStations::Whole(body) => whole_brought_forward(body, step).map(NewStations::Whole),
        }
    }

    /// Saves `new` (brought forward by `step`) over this view in `log`'s store, and gives
    /// the saved view of the new head. `None` when `new` could be saved neither in place
    /// nor whole (the earlier body did not read back as this view): nothing was saved.
    pub(crate) fn save<S: Storage>(
        &self,
        log: &mut Log<S>,
        new: NewStations,
        step: &Step<'_>,
    ) -> Result<Option<SavedStations>, LedgerError> {
        let storage = log.storage_mut();
        let rewritten = match (self, new) {
            (SavedStations::Whole(earlier), NewStations::Whole(body)) => {
                storage.put_view_over(STATIONS_VIEW, earlier, &body)?;
                return Ok(Some(SavedStations::Whole(body)));
            }
            (_, NewStations::Whole(body)) => {
                storage.put_view(STATIONS_VIEW, &body)?;
                return Ok(Some(SavedStations::Whole(body)));
            }
            (_, NewStations::Rewritten(rewritten)) => rewritten,
        };
        if let SavedStations::Directory { checksum, .. } = self {
            let changes = [
                (0, &rewritten.preamble[..]),
                (rewritten.directory_offset, &rewritten.directory[..]),
            ];
            let length = rewritten.body_length();
            if let Some(checksum) =
                storage.put_view_ranges(STATIONS_VIEW, checksum, length, &changes)?
            {
                return Ok(Some(SavedStations::Directory {
                    part: rewritten.part,
                    checksum,
                }));
            }
        }
        // Not in place: the whole body, laid out over the earlier one read back whole.
        let Some(earlier) = storage.get_view_of_any_head(STATIONS_VIEW)? else {
            return Ok(None);
        };
        let Some(body) = whole_brought_forward(&earlier, step) else {
            return Ok(None);
        };
        storage.put_view_over(STATIONS_VIEW, &earlier, &body)?;
        Ok(Some(SavedStations::Whole(body)))
    }
}

/// The whole body of `step.head`'s view brought forward from `body`, the whole earlier one.
fn whole_brought_forward(body: &[u8], step: &Step<'_>) -> Option<Vec<u8>> {
    let earlier = Earlier {
        stations: body,
        head: step.earlier_head,
        totals: Some(step.earlier_totals),
    };
    brought_forward_without_sheets(earlier, step.state, step.totals, step.head)
}
