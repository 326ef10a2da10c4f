//! `--set key=value` overrides on a recipe's serialised form, so every field is reachable and unknown keys
//! are refused.

use serde_json::Value;

use crate::{Recipe, RecipeError};

/// Apply `key=value` overrides in order. Keys are dotted paths into the recipe (`optimiser.learning_rate`,
/// `model.hidden`); values are JSON (`[500,500]`, `{"kind":"inverse-time","tau":1000}`) or, failing that,
/// a plain string (`tanh`). The result is checked with [`Recipe::check`].
pub fn apply_overrides(recipe: &Recipe, overrides: &[String]) -> Result<Recipe, RecipeError> {
    let mut tree = serde_json::to_value(recipe).expect("a recipe always serialises");
    for item in overrides {
        let (key, raw) = item.split_once('=').ok_or_else(|| RecipeError::BadOverride(item.clone()))?;
        let value = serde_json::from_str(raw.trim()).unwrap_or_else(|_| Value::String(raw.trim().to_string()));
        set_path(&mut tree, key.trim(), value)?;
    }
    let recipe: Recipe = serde_json::from_value(tree).map_err(|e| RecipeError::Invalid {
        source_name: format!("after --set {}", overrides.join(" --set ")),
        message: e.to_string(),
    })?;
    recipe.check()?;
    Ok(recipe)
}

fn set_path(tree: &mut Value, key: &str, value: Value) -> Result<(), RecipeError> {
    let mut node = tree;
    let parts: Vec<&str> = key.split('.').collect();
    for (depth, part) in parts.iter().enumerate() {
        let unknown = |hint: String| RecipeError::UnknownField { field: key.to_string(), hint };
        let slot = match node {
            Value::Object(obj) => {
                // An optional group that is off (null) can be switched on by setting it whole.
                let fields = obj.keys().cloned().collect::<Vec<_>>().join(", ");
                obj.get_mut(*part).ok_or_else(|| unknown(format!("; fields here: {fields}")))?
            }
            Value::Array(items) => {
                let len = items.len();
                part.parse::<usize>()
                    .ok()
                    .and_then(|i| items.get_mut(i))
                    .ok_or_else(|| unknown(format!("; `{}` is a list: index 0 to {}", parts[..depth].join("."), len.saturating_sub(1))))?
            }
            _ => return Err(unknown(format!("; `{}` is a value, not a group", parts[..depth].join(".")))),
        };
        if depth + 1 == parts.len() {
            *slot = value;
            return Ok(());
        }
        node = slot;
    }
    Err(RecipeError::BadOverride(key.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{LrSchedule, Model, Polyak};

    fn set(items: &[&str]) -> Result<Recipe, RecipeError> {
        let items: Vec<String> = items.iter().map(|s| s.to_string()).collect();
        apply_overrides(&Recipe::chapter_default(), &items)
    }

    #[test]
    fn numbers_lists_strings_and_objects_override_fields() {
        let r = set(&[
            "optimiser.learning_rate=0.05",
            "model.hidden=[500,300]",
            "model.activation=sigmoid",
            r#"optimiser.schedule={"kind":"inverse-time","tau":1000}"#,
            r#"optimiser.polyak={"decay":0.99}"#,
        ])
        .unwrap();
        assert_eq!(r.optimiser.learning_rate, 0.05);
        let Model::Mlp(spec) = &r.model else { panic!() };
        assert_eq!(spec.hidden, vec![500, 300]);
        assert_eq!(r.optimiser.schedule, LrSchedule::InverseTime { tau: 1000 });
        assert_eq!(r.optimiser.polyak, Some(Polyak { decay: 0.99 }));
    }

    #[test]
    fn list_entries_are_reached_by_index() {
        let items = ["model.layers.1.optimiser.learning_rate=0.02".to_string(), "model.layers.0.epochs=2".to_string()];
        let r = apply_overrides(&Recipe::sda(), &items).unwrap();
        let Model::Stack(s) = &r.model else { panic!() };
        assert_eq!((s.layers[1].optimiser.learning_rate, s.layers[0].epochs), (0.02, 2));
        let msg = apply_overrides(&Recipe::sda(), &["model.layers.7.epochs=2".to_string()]).unwrap_err().to_string();
        assert!(msg.contains("model.layers") && msg.contains("index 0 to 1"), "{msg}");
    }

    #[test]
    fn unknown_key_is_refused_and_named() {
        let msg = set(&["optimiser.learnig_rate=0.1"]).unwrap_err().to_string();
        assert!(msg.contains("optimiser.learnig_rate") && msg.contains("learning_rate"), "{msg}");
    }

    #[test]
    fn impossible_value_is_refused_after_overriding() {
        let msg = set(&["optimiser.batch_size=0"]).unwrap_err().to_string();
        assert!(msg.contains("optimiser.batch_size") && msg.contains("1 or more"), "{msg}");
        let msg = set(&["optimiser.learning_rate=-1"]).unwrap_err().to_string();
        assert!(msg.contains("-1"), "{msg}");
    }

    #[test]
    fn wrong_type_is_refused_with_the_reason() {
        assert!(matches!(set(&["optimiser.batch_size=many"]), Err(RecipeError::Invalid { .. })));
        assert!(matches!(set(&["nonsense"]), Err(RecipeError::BadOverride(_))));
    }
}
