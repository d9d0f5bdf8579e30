//! The catalogue read as Fluent's syntax tree: which messages exist and which variables each
//! one uses, so tests can hold the languages and the code to the same set.

use std::collections::{BTreeMap, BTreeSet};

use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};

use crate::{Lang, SOURCES};

/// Message id to the names of the variables its text uses.
pub type Catalogue = BTreeMap<String, BTreeSet<String>>;

/// The messages of `lang`; an error names a file that does not parse or an id given twice.
pub fn catalogue(lang: Lang) -> Result<Catalogue, String> {
    let mut messages = Catalogue::new();
    for (source_lang, name, text) in SOURCES {
        if *source_lang != lang {
            continue;
        }
        let resource = fluent_syntax::parser::parse(*text)
            .map_err(|(_, errors)| format!("{name} does not parse: {errors:?}"))?;
        for entry in resource.body {
            let Entry::Message(message) = entry else {
                continue;
            };
            let mut variables = BTreeSet::new();
            if let Some(pattern) = &message.value {
                pattern_variables(pattern, &mut variables);
            }
            let id = message.id.name.to_owned();
            if messages.insert(id.clone(), variables).is_some() {
                return Err(format!("{name}: message {id} is defined twice"));
            }
        }
    }
    Ok(messages)
}

pub(crate) fn pattern_variables(pattern: &Pattern<&str>, variables: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            expression_variables(expression, variables);
        }
    }
}

fn expression_variables(expression: &Expression<&str>, variables: &mut BTreeSet<String>) {
    match expression {
        Expression::Select { selector, variants } => {
            inline_variables(selector, variables);
            for variant in variants {
                pattern_variables(&variant.value, variables);
            }
        }
        Expression::Inline(inline) => inline_variables(inline, variables),
    }
}

fn inline_variables(inline: &InlineExpression<&str>, variables: &mut BTreeSet<String>) {
    match inline {
        InlineExpression::VariableReference { id } => {
            variables.insert(id.name.to_owned());
        }
        InlineExpression::FunctionReference { arguments, .. } => {
            for positional in &arguments.positional {
                inline_variables(positional, variables);
            }
            for named in &arguments.named {
                inline_variables(&named.value, variables);
            }
        }
        InlineExpression::Placeable { expression } => expression_variables(expression, variables),
        _ => {}
    }
}
