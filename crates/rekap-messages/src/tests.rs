use super::*;

#[test]
fn every_message_has_both_languages_with_the_same_variables() {
    let english = catalogue(Lang::En).expect("the English catalogue parses");
    let indonesian = catalogue(Lang::Id).expect("the Indonesian catalogue parses");
    assert!(english.len() > 100, "the catalogue holds the messages");
    let only_english: Vec<_> = english
        .keys()
        .filter(|id| !indonesian.contains_key(*id))
        .collect();
    let only_indonesian: Vec<_> = indonesian
        .keys()
        .filter(|id| !english.contains_key(*id))
        .collect();
    assert_eq!(
        only_english,
        Vec::<&String>::new(),
        "messages without Indonesian"
    );
    assert_eq!(
        only_indonesian,
        Vec::<&String>::new(),
        "messages without English"
    );
    for (id, variables) in &english {
        assert_eq!(Some(variables), indonesian.get(id), "the variables of {id}");
    }
}

#[test]
fn every_message_formats_without_error_in_both_languages() {
    for lang in [Lang::En, Lang::Id] {
        for (id, variables) in catalogue(lang).expect("the catalogue parses") {
            let values: Vec<(&str, &dyn Display)> = variables
                .iter()
                .map(|name| (name.as_str(), name as &dyn Display))
                .collect();
            let text = lang.message_with(&id, &values);
            assert!(!text.is_empty() || id.ends_with("-empty"), "{id} is empty");
            assert!(!text.contains('\u{2068}'), "{id} carries isolation marks");
        }
    }
}

#[test]
fn the_variables_of_a_selector_and_a_call_count() {
    // The comparison above is only as good as the variables read: those inside a selector's
    // variants and a function's arguments count too.
    let resource = fluent_syntax::parser::parse(
        "a = { $count ->\n    [one] one { $name }\n   *[other] { NUMBER($count) }\n}\n",
    )
    .expect("parses");
    let Some(fluent_syntax::ast::Entry::Message(message)) = resource.body.first() else {
        panic!("a message");
    };
    let mut found = std::collections::BTreeSet::new();
    variables::pattern_variables(message.value.as_ref().expect("a value"), &mut found);
    assert_eq!(
        found,
        ["count", "name"].map(str::to_owned).into_iter().collect()
    );
}

#[test]
fn locales_choose_the_language() {
    assert_eq!(Lang::from_locale("id_ID.UTF-8"), Lang::Id);
    assert_eq!(Lang::from_locale("id"), Lang::Id);
    assert_eq!(Lang::from_locale("ID-id"), Lang::Id);
    assert_eq!(Lang::from_locale("en_US.UTF-8"), Lang::En);
    assert_eq!(Lang::from_locale("C"), Lang::En);
    assert_eq!(Lang::from_locale(""), Lang::En);
    assert_eq!(Lang::from_locale("ido"), Lang::En);
}

#[test]
fn numbers_are_grouped_per_language() {
    assert_eq!(Lang::Id.number(1_790_192), "1.790.192");
    assert_eq!(Lang::En.number(1_790_192), "1,790,192");
    assert_eq!(Lang::En.number(999), "999");
    assert_eq!(Lang::En.number(0), "0");
    assert_eq!(Lang::Id.percent(6_048, 6_274), "96,40%");
    assert_eq!(Lang::En.percent(1, 3), "33.33%");
    assert_eq!(Lang::En.percent(5, 0), "0.00%");
    assert_eq!(Lang::En.percent(u64::MAX, u64::MAX), "100.00%");
}

/// One of a thing is singular in English (`1 problem`, `1 record`), more are plural, a
/// grouped count too; Indonesian nouns do not change; codes with leading zeros are kept.
#[test]
fn counts_take_the_singular_and_plural_in_english() {
    let problems =
        |lang: Lang, count: &str| lang.message_with("import-rejected", &[("problems", &count)]);
    assert!(
        problems(Lang::En, "1").contains("1 problem;"),
        "{}",
        problems(Lang::En, "1")
    );
    assert!(problems(Lang::En, "2").contains("2 problems;"));
    assert!(problems(Lang::En, "1,234").contains("1,234 problems;"));
    assert!(problems(Lang::Id, "1").contains("1 "));
    let code = Lang::En.message_with("select-unknown-region", &[("region", &"007")]);
    assert_eq!(code, "unknown region 007");
    let big = Lang::En.message_with("select-unknown-region", &[("region", &"6401012009001")]);
    assert_eq!(big, "unknown region 6401012009001");
}
