//! [`PlannedEvents`]: the events a plan would append, kept as the parts of the file they
//! were planned from.
//!
//! Why parts: a large file is planned in parts on every core (`crate::parallel`), and
//! joining the parts' events into one `Vec` moves every event of all but the first part
//! once more into fresh memory. Nationally that is about 400k events, 100 MB copied into
//! freshly faulted pages, measured at 9% of an import's samples, all on one core while the
//! other waits. Kept as parts, the join moves nothing, and the appending consumes the
//! events in order from the parts, freeing each part as it is used up.

use std::ops::Index;

use rekap_model::Event;

/// The events of a plan in file order, held in parts (see the module's note). Two are
/// equal when their events are, however they are split, and they print the same.
#[derive(Clone, Default)]
pub struct PlannedEvents {
    /// Every part holds at least one event.
    parts: Vec<Vec<Event>>,
}

impl PlannedEvents {
    /// How many events there are, in all parts.
    pub fn len(&self) -> usize {
        self.parts.iter().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// The events in order.
    pub fn iter(&self) -> impl Iterator<Item = &Event> {
        self.parts.iter().flatten()
    }

    /// The event at `index` in order, if there are that many.
    pub fn get(&self, index: usize) -> Option<&Event> {
        let mut left = index;
        for part in &self.parts {
            match part.get(left) {
                Some(event) => return Some(event),
                None => left -= part.len(),
            }
        }
        None
    }

    /// Adds `event` after the others.
    pub fn push(&mut self, event: Event) {
        match self.parts.last_mut() {
            Some(last) => last.push(event),
            None => self.parts.push(vec![event]),
        }
    }

    /// Adds `later`'s events after these, without moving any of them.
    pub fn append(&mut self, later: PlannedEvents) {
        self.parts.extend(later.parts);
    }

    /// The events in one `Vec`: no copy when they are in one part.
    pub fn into_vec(mut self) -> Vec<Event> {
        if self.parts.len() == 1 {
            return self.parts.pop().unwrap_or_default();
        }
        self.into_iter().collect()
    }
}

impl From<Vec<Event>> for PlannedEvents {
    fn from(events: Vec<Event>) -> PlannedEvents {
        let parts = if events.is_empty() {
            Vec::new()
        } else {
            vec![events]
        };
        PlannedEvents { parts }
    }
}

impl IntoIterator for PlannedEvents {
    type Item = Event;
    type IntoIter = std::iter::Flatten<std::vec::IntoIter<Vec<Event>>>;

    /// The events in order; each part is freed once its last event is taken.
    fn into_iter(self) -> Self::IntoIter {
        self.parts.into_iter().flatten()
    }
}

impl Index<usize> for PlannedEvents {
    type Output = Event;

    fn index(&self, index: usize) -> &Event {
        match self.get(index) {
            Some(event) => event,
            None => panic!("event {index} of {} planned", self.len()),
        }
    }
}

/// Prints as the list of events, the way a `Vec` would: how a file was split is not part
/// of what was planned.
impl std::fmt::Debug for PlannedEvents {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq for PlannedEvents {
    fn eq(&self, other: &PlannedEvents) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for PlannedEvents {}

impl PartialEq<Vec<Event>> for PlannedEvents {
    fn eq(&self, other: &Vec<Event>) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn void(station: &str) -> Event {
        Event::StationVoided {
            station: station.to_owned(),
            contest: "c".to_owned(),
            reason: "r".to_owned(),
        }
    }

    fn in_parts(parts: &[&[&str]]) -> PlannedEvents {
        let mut planned = PlannedEvents::default();
        for part in parts {
            let events: Vec<Event> = part.iter().map(|station| void(station)).collect();
            planned.append(events.into());
        }
        planned
    }

    #[test]
    fn parts_read_as_the_events_in_order() {
        let planned = in_parts(&[&["a", "b"], &[], &["c"], &["d", "e"]]);
        let whole: Vec<Event> = ["a", "b", "c", "d", "e"].map(void).to_vec();
        assert_eq!(planned.len(), 5);
        assert_eq!(planned, whole);
        assert_eq!(planned, in_parts(&[&["a"], &["b", "c", "d", "e"]]));
        assert_ne!(planned, in_parts(&[&["a", "b", "c", "d"]]));
        assert_eq!(planned[2], void("c"));
        assert_eq!(planned.get(4), Some(&void("e")));
        assert_eq!(planned.get(5), None);
        assert_eq!(planned.iter().cloned().collect::<Vec<_>>(), whole);
        assert_eq!(planned.clone().into_iter().collect::<Vec<_>>(), whole);
        assert_eq!(format!("{planned:?}"), format!("{whole:?}"));
        assert_eq!(planned.into_vec(), whole);
    }

    #[test]
    fn no_part_is_empty_and_a_push_goes_last() {
        let mut planned = in_parts(&[&[], &[]]);
        assert!(planned.is_empty());
        assert_eq!(planned, Vec::new());
        planned.push(void("a"));
        planned.append(in_parts(&[&["b"]]));
        planned.push(void("c"));
        assert_eq!(planned, ["a", "b", "c"].map(void).to_vec());
        assert_eq!(planned.parts.len(), 2);
    }
}
