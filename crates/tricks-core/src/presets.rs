//! Named recipes, recipe files, and the listing of every value with its source.

use std::path::Path;

use serde_json::Value;

use crate::{CheckedRecipe, Recipe, RecipeError};

/// A named recipe.
pub struct Preset {
    /// Name given to `--recipe`.
    pub name: &'static str,
    /// One line on what it is for.
    pub summary: &'static str,
    /// Where its values come from, where they differ from the chapter's defaults.
    pub source: &'static str,
    /// Builds the recipe.
    pub build: fn() -> Recipe,
}

/// Every preset, the default first.
pub const PRESETS: &[Preset] = &[
    Preset { name: "mlp", summary: "the chapter's default MLP (1000 rectifier units, SGD ε0 0.01, B 32)", source: "chapter", build: Recipe::chapter_default },
    Preset { name: "dlt-mlp", summary: "Deep Learning Tutorials MLP 500 tanh units, B 20, L2 1e-4", source: "DLT mlp.py", build: Recipe::dlt_mlp },
    Preset {
        name: "logistic", summary: "Deep Learning Tutorials logistic regression, ε0 0.13, B 600", source: "DLT logistic_sgd.py", build: Recipe::logistic
    },
    Preset { name: "sda", summary: "stacked denoising auto-encoders 2×1000, scaled to 2 CPU cores", source: "ours, after DLT SdA.py", build: Recipe::sda },
    Preset { name: "dbn", summary: "deep belief net 2×1000 RBMs (CD-1), scaled to 2 CPU cores", source: "ours, after DLT DBN.py and HG", build: Recipe::dbn },
    Preset { name: "sda-dlt", summary: "Deep Learning Tutorials SdA 3×1000, masking 0.1/0.2/0.3, B 1", source: "DLT SdA.py", build: Recipe::sda_dlt },
    Preset { name: "dbn-dlt", summary: "Deep Learning Tutorials DBN 3×1000, CD-1, 100 epochs per level", source: "DLT DBN.py", build: Recipe::dbn_dlt },
    Preset { name: "rbm", summary: "one RBM, 500 hidden units, PCD-15, HG momentum", source: "DLT rbm.py, HG", build: Recipe::rbm },
    Preset { name: "dae", summary: "one denoising auto-encoder, 500 units, 30 % masking", source: "DLT dA.py", build: Recipe::dae },
    Preset { name: "cae", summary: "one contractive auto-encoder, 500 units", source: "p.4, p.16", build: Recipe::cae },
    Preset { name: "sparse-ae", summary: "one sparse auto-encoder, 500 units, KL to ρ = 0.05", source: "p.13-14", build: Recipe::sparse_ae },
];

/// Where each default of [`Recipe::chapter_default`] comes from, by field-path prefix (longest match wins).
const DEFAULT_SOURCES: &[(&str, &str)] = &[
    ("name", "-"),
    ("model.kind", "p.14"),
    ("model.hidden", "p.11 (size ours)"),
    ("model.activation", "p.14 (choice ours)"),
    ("model.output", "p.14"),
    ("model.init", "p.14-15"),
    ("optimiser.learning_rate", "p.8-9"),
    ("optimiser.batch_size", "p.9"),
    ("optimiser.schedule", "p.9"),
    ("optimiser.momentum_beta", "p.10"),
    ("optimiser.polyak", "p.10"),
    ("optimiser.layer_learning_rates", "p.11"),
    ("optimiser.bias_learning_rate", "p.11"),
    ("penalty", "p.12"),
    ("stopping", "DLT, p.9-10"),
    ("validate_every", "p.9-10"),
    ("preprocessing", "p.15"),
    ("divergence.lr_divisor", "p.5"),
    ("divergence", "ours"),
    ("seed", "ours"),
    ("monitor_every", "p.22-23 (frequency ours)"),
    ("bootstrap", "p.15"),
];

/// The preset of that name, or the recipe in that JSON or TOML file, checked.
pub fn resolve(name_or_file: &str) -> Result<CheckedRecipe, RecipeError> {
    let recipe = if let Some(p) = PRESETS.iter().find(|p| p.name == name_or_file) {
        (p.build)()
    } else if Path::new(name_or_file).exists() {
        // A folder or an unreadable file is named as such by the read, not called "no such file".
        from_file(Path::new(name_or_file))?
    } else {
        return Err(RecipeError::UnknownRecipe { name: name_or_file.to_string(), presets: PRESETS.iter().map(|p| p.name).collect::<Vec<_>>().join(", ") });
    };
    recipe.check()
}

fn from_file(path: &Path) -> Result<Recipe, RecipeError> {
    let text = std::fs::read_to_string(path).map_err(|e| RecipeError::Invalid { source_name: path.display().to_string(), message: e.to_string() })?;
    parse(path, &text)
}

/// The recipe in `text`, the contents of the recipe file `origin`: TOML when its name ends in `.toml`, JSON
/// otherwise; unchecked ([`Recipe::check`] next). `origin` names the text in errors.
pub fn parse(origin: &Path, text: &str) -> Result<Recipe, RecipeError> {
    let invalid = |message: String| RecipeError::Invalid { source_name: origin.display().to_string(), message };
    let is_toml = origin.extension().is_some_and(|e| e == "toml");
    if is_toml { toml::from_str(text).map_err(|e| invalid(e.to_string())) } else { serde_json::from_str(text).map_err(|e| invalid(e.to_string())) }
}

/// Every field of `recipe` as (dotted path, value, source), for `tricks recipes`. A value that differs
/// from the chapter's default is attributed to `changed_by`.
pub fn describe(recipe: &Recipe, changed_by: &str) -> Vec<(String, String, String)> {
    let default = flatten(&serde_json::to_value(Recipe::chapter_default()).expect("serialises"));
    flatten(&serde_json::to_value(recipe).expect("serialises"))
        .into_iter()
        .map(|(path, value)| {
            let same = default.iter().any(|(p, v)| *p == path && *v == value);
            let source = if same || path == "name" {
                DEFAULT_SOURCES
                    .iter()
                    .filter(|(prefix, _)| path.starts_with(prefix))
                    .max_by_key(|(prefix, _)| prefix.len())
                    .map_or("ours", |(_, s)| s)
                    .to_string()
            } else {
                changed_by.to_string()
            };
            (path, value, source)
        })
        .collect()
}

fn flatten(v: &Value) -> Vec<(String, String)> {
    fn walk(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
        match v {
            Value::Object(map) if !map.is_empty() => {
                for (k, child) in map {
                    let path = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                    walk(&path, child, out);
                }
            }
            other => out.push((prefix.to_string(), other.to_string())),
        }
    }
    let mut out = Vec::new();
    walk("", v, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_resolves_and_passes_its_check() {
        for p in PRESETS {
            let r = resolve(p.name).unwrap();
            assert_eq!(r.name, p.name);
        }
    }

    #[test]
    fn unknown_recipe_lists_the_presets() {
        let msg = resolve("no-such").unwrap_err().to_string();
        assert!(msg.contains("no-such") && msg.contains("dlt-mlp"), "{msg}");
    }

    #[test]
    fn recipe_files_in_json_and_toml_round_trip() {
        let dir = std::env::temp_dir().join(format!("tricks-core-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let r = Recipe::dlt_mlp();
        let json = dir.join("r.json");
        std::fs::write(&json, serde_json::to_string(&r).unwrap()).unwrap();
        assert_eq!(*resolve(json.to_str().unwrap()).unwrap(), r);
        let toml_path = dir.join("r.toml");
        std::fs::write(&toml_path, toml::to_string(&r).unwrap()).unwrap();
        assert_eq!(*resolve(toml_path.to_str().unwrap()).unwrap(), r);
        std::fs::write(&json, r#"{"name": "x"}"#).unwrap();
        let msg = resolve(json.to_str().unwrap()).unwrap_err().to_string();
        assert!(msg.contains("r.json"), "{msg}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn listing_cites_the_chapter_for_defaults_and_the_preset_for_changes() {
        let rows = describe(&Recipe::dlt_mlp(), "DLT");
        let find = |f: &str| rows.iter().find(|r| r.0 == f).unwrap().clone();
        assert_eq!(find("optimiser.learning_rate").2, "p.8-9");
        assert_eq!(find("optimiser.batch_size"), ("optimiser.batch_size".into(), "20".into(), "DLT".into()));
    }
}
