//! OpenElections precinct CSV (written in item 5).
