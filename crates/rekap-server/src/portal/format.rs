//! Numbers, shares and times written as people write them, in the page's language.

/// The page's language, with the catalogue of its words (crates/rekap-messages).
pub use rekap_messages::Lang;

/// 1790192 as "1.790.192" (id) or "1,790,192" (en).
pub fn group_digits(number: u64, lang: Lang) -> String {
    lang.number(number)
}

/// `part` of `whole` as a percentage with two decimals ("45,12%"), in integers: no float.
pub fn share(part: u64, whole: u64, lang: Lang) -> String {
    if whole == 0 {
        return "–".into();
    }
    let hundredths = (u128::from(part) * 10_000 + u128::from(whole) / 2) / u128::from(whole);
    let decimal_separator = match lang {
        Lang::Id => ',',
        Lang::En => '.',
    };
    format!(
        "{}{decimal_separator}{:02}%",
        hundredths / 100,
        hundredths % 100
    )
}

/// Milliseconds since the epoch as "2024-11-27 14:05:09 UTC".
pub fn time(ms: u64) -> String {
    let seconds = ms / 1000;
    let days = (seconds / 86_400) as i64;
    let (hour, minute, second) = (seconds / 3600 % 24, seconds / 60 % 60, seconds % 60);
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02} UTC")
}

/// A key or hash shortened for reading, the whole in a title.
pub fn short_hex(bytes: &[u8]) -> String {
    let full = hex::encode(bytes);
    format!("{}…", &full[..full.len().min(16)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_as_people_write_them() {
        assert_eq!(group_digits(1_790_192, Lang::Id), "1.790.192");
        assert_eq!(group_digits(1_790_192, Lang::En), "1,790,192");
        assert_eq!(group_digits(999, Lang::Id), "999");
        assert_eq!(group_digits(1000, Lang::Id), "1.000");
        assert_eq!(group_digits(0, Lang::En), "0");
    }

    #[test]
    fn shares_round_to_hundredths_without_float() {
        assert_eq!(share(1, 3, Lang::Id), "33,33%");
        assert_eq!(share(2, 3, Lang::En), "66.67%");
        assert_eq!(share(5, 0, Lang::En), "–");
        assert_eq!(share(7, 7, Lang::Id), "100,00%");
    }

    #[test]
    fn times_are_utc_calendar_dates() {
        assert_eq!(time(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(time(1_732_665_600_000), "2024-11-27 00:00:00 UTC");
    }
}
