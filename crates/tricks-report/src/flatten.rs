//! JSON shown generically: nested objects as `dotted.path = value` rows, arrays of objects as
//! tables, so the report keeps up with fields it has never heard of.

use serde_json::Value;

/// `value` as `(dotted.path, text)` rows under `prefix`: objects recurse, arrays of scalars are one
/// compact JSON row, arrays holding objects recurse with the index as a path segment.
pub(crate) fn flatten(prefix: &str, value: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    walk(prefix, value, &mut out);
    out
}

fn walk(path: &str, value: &Value, out: &mut Vec<(String, String)>) {
    let join = |key: &str| {
        if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
    };
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                walk(&join(k), v, out);
            }
        }
        Value::Array(items) if items.iter().any(|v| v.is_object() || v.is_array()) => {
            for (i, v) in items.iter().enumerate() {
                walk(&join(&i.to_string()), v, out);
            }
        }
        _ => out.push((path.to_string(), text(value))),
    }
}

/// A scalar (or an array of scalars, an empty object) as text: strings unquoted, the rest as JSON.
pub(crate) fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A non-empty array of objects as a table: columns are the flattened keys in order of first
/// appearance, rows the objects (a missing key is an empty cell). `None` for anything else.
pub(crate) fn object_table(value: &Value) -> Option<(Vec<String>, Vec<Vec<String>>)> {
    let items = value.as_array().filter(|a| !a.is_empty() && a.iter().all(Value::is_object))?;
    let rows: Vec<Vec<(String, String)>> = items.iter().map(|v| flatten("", v)).collect();
    let mut columns: Vec<String> = Vec::new();
    for (k, _) in rows.iter().flatten() {
        if !columns.contains(k) {
            columns.push(k.clone());
        }
    }
    let cells = rows.iter().map(|row| columns.iter().map(|c| row.iter().find(|(k, _)| k == c).map(|(_, v)| v.clone()).unwrap_or_default()).collect()).collect();
    Some((columns, cells))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_objects_and_arrays_flatten_to_dotted_paths() {
        let v = json!({"name": "mlp", "model": {"hidden": [500, 500], "act": "tanh"},
            "stopping": {"kind": "off", "epochs": 20}, "empty": {}, "layers": [{"units": 3}], "x": null});
        let rows = flatten("", &v);
        let get = |k: &str| rows.iter().find(|(p, _)| p == k).map(|(_, v)| v.as_str());
        assert_eq!(get("name"), Some("mlp"));
        assert_eq!(get("model.hidden"), Some("[500,500]"));
        assert_eq!(get("stopping.epochs"), Some("20"));
        assert_eq!(get("empty"), Some("{}"));
        assert_eq!(get("layers.0.units"), Some("3"));
        assert_eq!(get("x"), Some("null"));
        assert_eq!(flatten("data", &json!({"dim": 64}))[0].0, "data.dim");
    }

    #[test]
    fn arrays_of_objects_become_tables() {
        let v = json!([{"layer": 1, "score": 0.9}, {"layer": 2, "extra": {"a": true}}]);
        let (cols, rows) = object_table(&v).unwrap();
        assert_eq!(cols, ["layer", "score", "extra.a"]);
        assert_eq!(rows[1], ["2", "", "true"]);
        assert!(object_table(&json!([1, 2])).is_none());
        assert!(object_table(&json!([])).is_none());
    }
}
