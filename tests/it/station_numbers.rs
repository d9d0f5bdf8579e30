//! A national station list with gaps in one genesis (issue 11): every village of the shipped
//! regions file gives its station numbers as ranges (`1,3-9`, `149-149`, ...), about 800,000
//! stations in all. `init` accepts it, a sheet for a number in a gap is refused, and a
//! district holding a village whose only TPS is 149 is approved once its sheets are in.

use std::os::unix::fs::PermissionsExt;

use crate::harness::{code, stderr, stdout, Sandbox};

const CONTEST: &str = rekap_presets::national::CONTEST_ID;

/// Writes `name.key` holding the secret key of seed `seed` (32 bytes); returns the public
/// key in hex.
fn key(sandbox: &Sandbox, name: &str, seed: u8) -> String {
    let path = sandbox.path(&format!("{name}.key"));
    let secret = hex::encode([seed; 32]);
    std::fs::write(&path, format!("rekap-secret-key/1\n{secret}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let public = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]).verifying_key();
    hex::encode(public.to_bytes())
}

/// A village's numbers in the test: its real count `n`, with gaps in some villages.
fn numbers(index: usize, count: u32) -> String {
    match index % 20 {
        // The only TPS is 149.
        0 => "149-149".to_owned(),
        // Number 2 is missing.
        1 if count >= 3 => format!("1,3-{count}"),
        // The last number is one further on.
        2 if count >= 2 => format!("1-{},{}", count - 1, count + 1),
        // Numbered from 101.
        3 => format!("101-{}", 100 + count),
        // Ten more stations after a gap (as a count the real data would not fit).
        4 if count + 11 <= 999 => format!("1-{count},{}-{}", count + 2, count + 11),
        _ => count.to_string(),
    }
}

struct National {
    sandbox: Sandbox,
    /// Every station code the definition has, in its villages' order.
    stations: usize,
    /// A district holding a village whose only station is 149: its code and its stations.
    district: String,
    district_stations: Vec<String>,
    /// A station code in a gap (number 2 of a village missing it).
    gap: String,
}

/// The national preset's regions with each village's numbers rewritten by [`numbers`].
fn national() -> National {
    let sandbox = Sandbox::new();
    let registrar = key(&sandbox, "registrar", 1);
    let operator = key(&sandbox, "operator", 8);
    let official = key(&sandbox, "official", 9);
    let registrar_key: [u8; 32] = hex::decode(&registrar).unwrap().try_into().unwrap();
    let preset = rekap_presets::national(&Default::default(), &registrar_key, &[]).unwrap();
    let mut csv = String::new();
    let mut villages = 0;
    let mut district = String::new();
    let mut district_stations = Vec::new();
    let mut gap = String::new();
    let mut numbered = Vec::new();
    for line in preset.regions_csv.lines() {
        let fields: Vec<&str> = line.split(',').collect();
        let [code, parent, "village", name, count] = fields[..] else {
            csv.push_str(line);
            csv.push('\n');
            continue;
        };
        let count: u32 = count.parse().unwrap();
        let written = numbers(villages, count);
        let parsed = rekap_model::StationNumbers::parse(&written).unwrap();
        if villages == 20 {
            district = parent.to_owned();
        }
        numbered.push((parent.to_owned(), code.to_owned(), parsed));
        if gap.is_empty() && written.starts_with("1,3-") {
            gap = format!("{code}-002");
        }
        villages += 1;
        csv.push_str(&format!("{code},{parent},village,{name},\"{written}\"\n"));
    }
    // Every station, those of the villages with quoted names this loop passed over too.
    let election = rekap_model::DefinitionFile::from_json(&preset.definition_json)
        .and_then(|file| file.build(Some(csv.as_bytes())))
        .unwrap();
    let stations = election.tree().station_count() as usize;
    assert!(stations > 810_000, "{stations} stations");
    for (parent, code, parsed) in &numbered {
        if *parent == district {
            district_stations.extend(parsed.numbers().map(|n| format!("{code}-{n:03}")));
        }
    }
    let mut definition: serde_json::Value = serde_json::from_str(&preset.definition_json).unwrap();
    definition["registrar"] = registrar.into();
    definition["officers"] = serde_json::json!([
        { "key": operator, "role": "operator", "scope": "ID" },
        { "key": official, "role": "official", "scope": district },
    ]);
    std::fs::write(
        sandbox.path(rekap_presets::REGIONS_CSV_FILE_NAME),
        csv.as_bytes(),
    )
    .unwrap();
    std::fs::write(sandbox.path("election.json"), definition.to_string()).unwrap();
    National {
        sandbox,
        stations,
        district,
        district_stations,
        gap,
    }
}

fn import(sandbox: &Sandbox, name: &str, stations: &[String]) -> std::process::Output {
    let mut csv = String::from("station,contest,votes_1,votes_2,valid,invalid\n");
    for station in stations {
        csv.push_str(&format!("{station},{CONTEST},60,40,100,2\n"));
    }
    std::fs::write(sandbox.path(name), csv).unwrap();
    sandbox.run(&["import", "--store", "store", "--key", "operator.key", name])
}

#[test]
fn a_national_list_with_gaps_fits_one_genesis_and_its_district_is_approved() {
    let national = national();
    let sandbox = &national.sandbox;
    let init = sandbox.run(&[
        "init",
        "--store",
        "store",
        "--election",
        "election.json",
        "--key",
        "registrar.key",
    ]);
    assert_eq!(code(&init), 0, "{}", stderr(&init));

    // A number in a gap is no station: the sheet is refused, naming the code.
    let refused = import(sandbox, "gap.csv", std::slice::from_ref(&national.gap));
    assert_eq!(code(&refused), 1, "{}", stdout(&refused));
    let said = format!("{}{}", stdout(&refused), stderr(&refused));
    assert!(said.contains(&national.gap), "{said}");
    assert!(said.contains("is not a polling station"), "{said}");

    // The district is not approvable before its sheets are in,
    let approve = [
        "approve",
        "--store",
        "store",
        "--key",
        "official.key",
        "--region",
        &national.district,
        "--contest",
        CONTEST,
    ];
    assert_eq!(code(&sandbox.run(&approve)), 1);
    // and is once they are: the village whose only TPS is 149 among them, its sheet given
    // in the 13-digit spelling.
    let only_149 = national
        .district_stations
        .iter()
        .position(|s| s.ends_with("-149"))
        .expect("the district holds a village whose only TPS is 149");
    let mut sheets = national.district_stations.clone();
    sheets[only_149] = sheets[only_149].replace('-', "");
    let imported = import(sandbox, "district.csv", &sheets);
    assert_eq!(code(&imported), 0, "{}", stderr(&imported));
    let approved = sandbox.run(&approve);
    assert_eq!(code(&approved), 0, "{}", stderr(&approved));

    let status = sandbox.run(&["status", "--store", "store", "--contest", CONTEST]);
    assert_eq!(code(&status), 0, "{}", stderr(&status));
    let reported = format!(
        "Stations reported: {} of {}",
        sheets.len(),
        crate::portal::grouped(national.stations as u64).replace('.', ",")
    );
    assert!(stdout(&status).contains(&reported), "{}", stdout(&status));
}
