//! Edits of a recipe by dotted path, on its serialised form, so every field is reachable and unknown keys
//! are refused: [`Recipe::with`] and [`Recipe::get`] from code, [`apply_overrides`] for `--set key=value`.
//! One walker serves all three.

use serde_json::Value;

use crate::{CheckedRecipe, Recipe, RecipeError};

impl Recipe {
    /// This recipe with the field at `path` set to `value`, unchecked (check the result, or chain more edits).
    /// Paths are dotted, as `--set` takes them: `optimiser.learning_rate`, `model.hidden.0` (a list entry by
    /// index), `model.layers.1.optimiser.learning_rate` (a stack level); an optional group that is off (`null`)
    /// is switched on by setting it whole (`optimiser.polyak` to `{"decay": 0.99}`). Refused: a path the recipe
    /// does not have ([`RecipeError::UnknownField`]) and a value of the wrong type ([`RecipeError::Invalid`]).
    ///
    /// ```
    /// use serde_json::json;
    /// let r = tricks_core::Recipe::chapter_default().with("optimiser.learning_rate", json!(0.02))?;
    /// assert_eq!(r.optimiser.learning_rate, 0.02);
    /// assert_eq!(r.get("optimiser.learning_rate"), Some(json!(0.02)));
    /// # Ok::<(), tricks_core::RecipeError>(())
    /// ```
    pub fn with(&self, path: &str, value: Value) -> Result<Recipe, RecipeError> {
        edited(self, [(path, value)], || format!("after setting `{path}`"))
    }

    /// The value of the field at `path` (spelt as for [`Recipe::with`]) as JSON, or `None` when the recipe has
    /// no such field.
    pub fn get(&self, path: &str) -> Option<Value> {
        let mut tree = serde_json::to_value(self).expect("a recipe always serialises");
        field(&mut tree, path).ok().map(Value::take)
    }
}

/// Apply `key=value` overrides in order. Keys are dotted paths into the recipe, as [`Recipe::with`] takes
/// them (`optimiser.learning_rate`, `model.hidden`, `model.hidden.0`); values are JSON (`[500,500]`,
/// `{"kind":"inverse-time","tau":1000}`) or, failing that, a plain string (`tanh`). The result is checked
/// ([`Recipe::check`]).
pub fn apply_overrides(recipe: &Recipe, overrides: &[String]) -> Result<CheckedRecipe, RecipeError> {
    let edits = overrides
        .iter()
        .map(|item| {
            let (key, raw) = item.split_once('=').ok_or_else(|| RecipeError::BadOverride(item.clone()))?;
            let value = serde_json::from_str(raw.trim()).unwrap_or_else(|_| Value::String(raw.trim().to_string()));
            Ok((key.trim(), value))
        })
        .collect::<Result<Vec<_>, RecipeError>>()?;
    edited(recipe, edits, || format!("after --set {}", overrides.join(" --set ")))?.check()
}

/// `recipe` with each `(path, value)` set in turn on its serialised form, read back once at the end.
fn edited<'a>(recipe: &Recipe, edits: impl IntoIterator<Item = (&'a str, Value)>, source_name: impl FnOnce() -> String) -> Result<Recipe, RecipeError> {
    let mut tree = serde_json::to_value(recipe).expect("a recipe always serialises");
    for (path, value) in edits {
        *field(&mut tree, path)? = value;
    }
    serde_json::from_value(tree).map_err(|e| RecipeError::Invalid { source_name: source_name(), message: e.to_string() })
}

/// The node at the dotted `key` in `tree`: object fields by name, list entries by index.
fn field<'t>(tree: &'t mut Value, key: &str) -> Result<&'t mut Value, RecipeError> {
    let mut node = tree;
    let parts: Vec<&str> = key.split('.').collect();
    for (depth, part) in parts.iter().enumerate() {
        let unknown = |hint: String| RecipeError::UnknownField { field: key.to_string(), hint };
        node = match node {
            Value::Object(obj) => {
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
    }
    Ok(node)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    use crate::presets::PRESETS;
    use crate::{LrSchedule, Model, Polyak, defaults};

    fn set(items: &[&str]) -> Result<CheckedRecipe, RecipeError> {
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

    #[test]
    fn with_sets_one_field_by_path_and_get_reads_it_back() {
        let r = Recipe::chapter_default().with("optimiser.learning_rate", json!(0.02)).unwrap();
        assert_eq!(r.optimiser.learning_rate, 0.02);
        assert_eq!(r.get("optimiser.learning_rate"), Some(json!(0.02)));
        let r = r.with("model.hidden", json!([500, 300])).unwrap().with("model.hidden.1", json!(200)).unwrap();
        let Model::Mlp(spec) = &r.model else { panic!() };
        assert_eq!(spec.hidden, vec![500, 200]);
        assert_eq!(r.get("model.hidden.0"), Some(json!(500)));
        assert_eq!(r.get("model.hidden.2"), None);
        assert_eq!(r.get("optimiser.learnig_rate"), None);
        let level = Recipe::sda().with("model.layers.1.optimiser.learning_rate", json!(0.02)).unwrap();
        assert_eq!(level.get("model.layers.1.optimiser.learning_rate"), Some(json!(0.02)));
        assert_eq!(level.get("model.layers.0.optimiser.learning_rate"), Some(json!(0.05)));
    }

    #[test]
    fn with_refuses_unknown_paths_and_wrong_types_but_does_not_check_ranges() {
        let r = Recipe::chapter_default();
        assert!(matches!(r.with("optimiser.learnig_rate", json!(0.1)), Err(RecipeError::UnknownField { .. })));
        assert!(matches!(r.with("optimiser.batch_size", json!("many")), Err(RecipeError::Invalid { .. })));
        // Unchecked: the range is the check's business, and the check then names the same path.
        let bad = r.with("optimiser.batch_size", json!(0)).unwrap();
        assert!(matches!(bad.check(), Err(RecipeError::OutOfRange { field, .. }) if field == "optimiser.batch_size"));
    }

    #[test]
    fn with_and_set_are_one_mechanism() {
        let by_set = set(&["model.hidden.0=300", "optimiser.momentum_beta=0.5"]).unwrap();
        let by_with = Recipe::chapter_default().with("model.hidden.0", json!(300)).unwrap().with("optimiser.momentum_beta", json!(0.5)).unwrap();
        assert_eq!(*by_set, by_with);
        let set_error = set(&["model.hidden.3=1"]).unwrap_err().to_string();
        let with_error = Recipe::chapter_default().with("model.hidden.3", json!(1)).unwrap_err().to_string();
        assert_eq!(set_error, with_error);
    }

    /// Concrete paths of every numeric leaf of `tree`, spelt as `--set` takes them.
    fn numeric_paths(prefix: &str, tree: &Value, out: &mut Vec<String>) {
        let join = |k: &str| if prefix.is_empty() { k.to_string() } else { format!("{prefix}.{k}") };
        match tree {
            Value::Object(map) => map.iter().for_each(|(k, v)| numeric_paths(&join(k), v, out)),
            Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| numeric_paths(&join(&i.to_string()), v, out)),
            Value::Number(_) => out.push(prefix.to_string()),
            _ => {}
        }
    }

    /// Every preset, and recipes that switch on what no preset uses, so that every numeric field appears.
    fn every_kind_of_recipe() -> Vec<Recipe> {
        let mut recipes: Vec<Recipe> = PRESETS.iter().map(|p| (p.build)()).collect();
        let on = |r: Recipe, edits: &[(&str, Value)]| edits.iter().fold(r, |r, (p, v)| r.with(p, v.clone()).unwrap());
        recipes.push(on(
            Recipe::chapter_default(),
            &[
                ("optimiser.schedule", json!({"kind": "inverse-time", "tau": 1000})),
                ("optimiser.layer_learning_rates", json!([1.0, 0.5])),
                ("optimiser.polyak", json!({"decay": 0.99})),
                ("optimiser.momentum_ramp", json!({"beta": 0.1, "after_epochs": 5})),
                ("validate_every", json!(1000)),
                ("preprocessing", json!({"kind": "pca", "variance_kept": 0.9})),
            ],
        ));
        recipes.push(on(Recipe::chapter_default(), &[("optimiser.schedule", json!({"kind": "adaptive", "threshold": 0.01}))]));
        recipes.push(on(Recipe::dae(), &[("model.corruption", json!({"kind": "gaussian", "std": 0.1}))]));
        recipes.push(on(Recipe::rbm(), &[("model.sparsity", json!({"target": 0.05, "cost": 0.1}))]));
        recipes
    }

    #[test]
    fn every_numeric_field_of_every_recipe_has_a_range_and_every_range_is_used() {
        let mut seen = std::collections::HashSet::new();
        for r in every_kind_of_recipe() {
            r.check().unwrap();
            let mut paths = Vec::new();
            numeric_paths("", &serde_json::to_value(&r).unwrap(), &mut paths);
            for path in paths {
                let field = defaults::numeric_field(&path).unwrap_or_else(|| panic!("{}: `{path}` has no range", r.name));
                seen.insert(field.path);
            }
        }
        let unused: Vec<_> = defaults::numeric_fields().iter().map(|f| f.path).filter(|p| !seen.contains(p)).collect();
        assert!(unused.is_empty(), "ranges of no field: {unused:?}");
    }

    #[test]
    fn check_refuses_each_field_just_outside_its_range_and_names_it_as_set_spells_it() {
        let mut refused = 0;
        for r in every_kind_of_recipe() {
            let mut paths = Vec::new();
            numeric_paths("", &serde_json::to_value(&r).unwrap(), &mut paths);
            for path in paths {
                let field = defaults::numeric_field(&path).unwrap();
                let a = field.allowed;
                // Outside below (the bound itself when open), and above when the top is finite.
                let below = if a.min_inclusive { a.min - 1.0 } else { a.min };
                let mut outside = vec![below];
                if a.max.is_finite() && a.max < 1e18 {
                    outside.push(if a.max_inclusive { a.max + 1.0 } else { a.max });
                }
                for v in outside {
                    let value = if field.integer { json!(v as i64) } else { json!(v) };
                    let Ok(bad) = r.with(&path, value) else {
                        assert!(field.integer && v < 0.0, "{path} = {v} should be a well-typed recipe");
                        continue; // a negative count does not even read as the field's type
                    };
                    match bad.check() {
                        Err(RecipeError::OutOfRange { field: named, allowed, .. }) => {
                            assert_eq!(named, path, "{}: the error names another field", r.name);
                            assert_eq!(allowed, field.allowed_words());
                            refused += 1;
                        }
                        other => panic!("{}: {path} = {v} was not refused: {other:?}", r.name),
                    }
                }
            }
        }
        assert!(refused > 100, "{refused}");
    }

    #[test]
    fn the_path_of_a_check_error_fed_back_to_set_addresses_the_offending_field() {
        let cases = [
            (Recipe::chapter_default().with("model.hidden", json!([500, 0, 200])).unwrap(), json!(300)),
            (Recipe::sda().with("model.layers.1.optimiser.learning_rate", json!(-1.0)).unwrap(), json!(0.02)),
            (Recipe::dbn().with("model.layers.1.model.cd_steps", json!(0)).unwrap(), json!(2)),
            (Recipe::chapter_default().with("optimiser.layer_learning_rates", json!([1.0, -0.5])).unwrap(), json!(0.5)),
        ];
        for (bad, fix) in cases {
            let Err(RecipeError::OutOfRange { field, value, .. }) = bad.check() else { panic!("{bad:?} passed") };
            assert!(!field.contains('['), "{field}");
            let held = bad.get(&field).unwrap_or_else(|| panic!("`{field}` addresses nothing"));
            assert_eq!(held.as_f64().unwrap().to_string(), value, "`{field}` addresses another value");
            let item = format!("{field}={fix}");
            apply_overrides(&bad, &[item]).unwrap_or_else(|e| panic!("--set {field}={fix}: {e}"));
        }
    }
}
