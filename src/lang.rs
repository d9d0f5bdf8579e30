//! Words and numbers for people: `--lang id|en`.

use clap::ValueEnum;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    Id,
    En,
}

impl Lang {
    /// From `--lang`, else from the LANG environment variable (id_* is Indonesian).
    pub fn resolve(flag: Option<Lang>) -> Lang {
        flag.unwrap_or_else(|| {
            let lang = std::env::var("LANG").unwrap_or_default();
            if lang.starts_with("id") {
                Lang::Id
            } else {
                Lang::En
            }
        })
    }

    /// A count grouped for people: 1.790.192 (id) or 1,790,192 (en).
    pub fn number(self, value: u64) -> String {
        let separator = match self {
            Lang::Id => '.',
            Lang::En => ',',
        };
        let digits = value.to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
        for (index, digit) in digits.chars().enumerate() {
            if index > 0 && (digits.len() - index).is_multiple_of(3) {
                grouped.push(separator);
            }
            grouped.push(digit);
        }
        grouped
    }

    /// A percentage with two decimals: 96,40 (id) or 96.40 (en), from integers.
    pub fn percent(self, part: u64, whole: u64) -> String {
        let hundredths = (part * 10_000 + whole / 2).checked_div(whole).unwrap_or(0);
        let separator = match self {
            Lang::Id => ',',
            Lang::En => '.',
        };
        format!("{}{separator}{:02}%", hundredths / 100, hundredths % 100)
    }

    pub fn pick(self, english: &'static str, indonesian: &'static str) -> &'static str {
        match self {
            Lang::Id => indonesian,
            Lang::En => english,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_per_language() {
        assert_eq!(Lang::Id.number(1_790_192), "1.790.192");
        assert_eq!(Lang::En.number(1_790_192), "1,790,192");
        assert_eq!(Lang::En.number(999), "999");
        assert_eq!(Lang::En.number(0), "0");
        assert_eq!(Lang::Id.percent(6_048, 6_274), "96,40%");
        assert_eq!(Lang::En.percent(1, 3), "33.33%");
        assert_eq!(Lang::En.percent(5, 0), "0.00%");
    }
}
