//! A recipe that passed its check (linfa's `ParamGuard`: unchecked → checked): training takes only this
//! type, so nothing downstream checks again.

use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize};

use crate::{Recipe, RecipeError};

/// A [`Recipe`] that [`Recipe::check`] accepted. It reads as the recipe (`Deref`), never changes in place,
/// and serialises as the plain recipe; deserialising one checks it. Edits go through
/// [`CheckedRecipe::edited`] (checked again) or through the recipe itself ([`Recipe::with`], unchecked).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct CheckedRecipe(Recipe);

impl CheckedRecipe {
    /// Wrap a recipe known to be valid by construction (a level of a checked stack, the probe): checked
    /// again in debug builds only.
    pub(crate) fn trusted(recipe: Recipe) -> CheckedRecipe {
        debug_assert!(recipe.check_fields().is_ok(), "{:?}", recipe.check_fields());
        CheckedRecipe(recipe)
    }

    /// The checked recipe itself.
    pub fn recipe(&self) -> &Recipe {
        &self.0
    }

    /// Give the recipe back, to edit it (it must then be checked again to train).
    pub fn into_inner(self) -> Recipe {
        self.0
    }

    /// A copy edited by `edit`, checked again (for a change made by code, such as the over-fitting check's
    /// fixed number of epochs).
    pub fn edited(&self, edit: impl FnOnce(&mut Recipe)) -> Result<CheckedRecipe, RecipeError> {
        let mut recipe = self.0.clone();
        edit(&mut recipe);
        recipe.check()
    }
}

impl Deref for CheckedRecipe {
    type Target = Recipe;

    fn deref(&self) -> &Recipe {
        &self.0
    }
}

impl AsRef<Recipe> for CheckedRecipe {
    fn as_ref(&self) -> &Recipe {
        &self.0
    }
}

impl From<CheckedRecipe> for Recipe {
    fn from(checked: CheckedRecipe) -> Recipe {
        checked.0
    }
}

impl<'de> Deserialize<'de> for CheckedRecipe {
    /// Read a plain recipe and check it: an out-of-range value is a deserialisation error naming the field.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Recipe::deserialize(deserializer)?.check().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checked_recipe_reads_and_serialises_as_the_plain_recipe() {
        let recipe = Recipe::dlt_mlp();
        let checked = recipe.check().unwrap();
        assert_eq!(checked.optimiser.batch_size, 20);
        assert_eq!(serde_json::to_value(&checked).unwrap(), serde_json::to_value(&recipe).unwrap());
        let back: CheckedRecipe = serde_json::from_value(serde_json::to_value(&checked).unwrap()).unwrap();
        assert_eq!(back, checked);
        assert_eq!(Recipe::from(back), recipe);
    }

    #[test]
    fn deserialising_a_checked_recipe_checks_it() {
        let bad = Recipe::chapter_default().with("optimiser.learning_rate", serde_json::json!(-1.0)).unwrap();
        let e = serde_json::from_value::<CheckedRecipe>(serde_json::to_value(&bad).unwrap()).unwrap_err().to_string();
        assert!(e.contains("optimiser.learning_rate") && e.contains("-1"), "{e}");
    }

    #[test]
    fn edits_of_a_checked_recipe_are_checked_again() {
        let checked = Recipe::chapter_default().check().unwrap();
        let edited = checked.edited(|r| r.stopping = crate::Stopping::off(3)).unwrap();
        assert_eq!(edited.stopping, crate::Stopping::off(3));
        let e = checked.edited(|r| r.stopping = crate::Stopping::off(0)).unwrap_err();
        assert!(matches!(e, RecipeError::OutOfRange { ref field, .. } if field == "stopping.epochs"), "{e}");
    }
}
