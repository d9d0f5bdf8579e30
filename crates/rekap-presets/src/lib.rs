//! rekap-presets: ready-made elections, each a definition file, its regions CSV and one
//! generated tally sheet per polling station. Pure: no IO (the data files are compiled in),
//! no clock, no randomness but a seeded splitmix64, so the same options give the same bytes.
//!
//! - [`kaltim_2024`]: the real 2024 East Kalimantan governor's race. Real regencies,
//!   districts and villages, the two real pairs, 6,264 stations spread over the villages, and
//!   sheets that add up, regency by regency, exactly to the official result
//!   ([`OfficialResult`]); see [`kaltim`] for how every figure is distributed.
//! - [`national()`]: the whole country (818,339 stations, one contest) for benchmarks; see
//!   [`national`](mod@national) for the shape of the tree.
//!
//! The registrar and the initial officers are the caller's: it passes the registrar's public
//! key and the officers (in the model's definition-file format), and they go into the
//! definition as given.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let registrar = [0u8; 32]; // the caller's ed25519 public key
//! let preset = rekap_presets::kaltim_2024(&Default::default(), &registrar, &[])?;
//! let election = preset.election()?;
//! for (code, sheet) in &preset.sheets {
//!     assert!(election.find_station(code).is_some());
//!     sheet.check_hard_rules(2, election.station_capacity())?;
//! }
//! # Ok(()) }
//! ```

pub mod apportion;
mod definition;
pub mod error;
pub mod kaltim;
pub mod national;
pub mod official;
pub mod random;
mod regions;
mod split;

use rekap_model::{DefinitionError, DefinitionFile, Election, TallySheet};

pub use error::PresetError;
pub use kaltim::kaltim_2024;
pub use national::national;
pub use official::{kaltim_official, OfficialResult, ProvinceTotals, RegencyResult};
pub use rekap_model::file::{OfficerSpec, RoleSpec};

/// The name the definition file gives its regions CSV (`"regions_csv"`): write
/// [`Preset::regions_csv`] under this name beside the definition.
pub const REGIONS_CSV_FILE_NAME: &str = "election.csv";

/// How to make a preset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PresetOptions {
    /// Seed of every generated number.
    pub seed: u64,
    /// Polling stations in all; `None` for the preset's real count (Kaltim 6,264, national
    /// 818,339). Other counts scale the preset (see each preset).
    pub stations: Option<u32>,
}

/// A ready-made election.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preset {
    /// The definition file (`rekap-election/1` JSON), naming [`REGIONS_CSV_FILE_NAME`].
    pub definition_json: String,
    /// The regions (`code,parent,level,name,stations`), stations as generated.
    pub regions_csv: String,
    /// One sheet per polling station of the contest, sorted by station code.
    pub sheets: Vec<(String, TallySheet)>,
    /// The one contest the sheets are for.
    pub contest_id: String,
    /// The official result the sheets add up to exactly; `None` for a generated election
    /// or a scaled one.
    pub official: Option<OfficialResult>,
}

impl Preset {
    /// Builds and validates the election from the definition and the regions CSV.
    pub fn election(&self) -> Result<Election, DefinitionError> {
        DefinitionFile::from_json(&self.definition_json)?.build(Some(self.regions_csv.as_bytes()))
    }
}
