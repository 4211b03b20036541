//! Maximal objects: every field present, each value of its declared type at
//! one end of its range, nested classes followed.

use serde_json::{Map, Value, json};

use super::{Description, TypeRef, is_any};

/// Which end of each type's range a maximal object takes: the largest
/// numbers, `true` and an enum's first value, or the smallest, `false` and
/// its last. A model that narrows a type (`u32` for FusionAuth's `int`) fails
/// on one of the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extreme {
    /// `i32::MAX` for `int`, `i64::MAX` for `long` and instants, `true`, the first enum value.
    Max,
    /// `i32::MIN`, `i64::MIN` (instants one above it), `false`, the last enum value.
    Min,
}

impl Description {
    /// An object of `class` with every field (inherited ones too) present,
    /// each value of its declared type; a class that would contain itself
    /// stops there (the field is left out). Enums give one of their values,
    /// maps (`HTTPHeaders`) a map.
    ///
    /// # Panics
    ///
    /// On a type this generator does not know (the description changed):
    /// the message names it.
    pub fn maximal(&self, class: &str, extreme: Extreme) -> Value {
        self.maximal_class(class, extreme, &mut Vec::new())
    }

    fn maximal_class(&self, class: &str, extreme: Extreme, path: &mut Vec<String>) -> Value {
        if let Some(values) = self.enum_values(class) {
            let value = match extreme {
                Extreme::Max => values.first(),
                Extreme::Min => values.last(),
            };
            return json!(value.expect("an enum has values"));
        }
        if let Some(map) = self.map_parent(class) {
            return self.value(&map, extreme, path).expect("a map has a value");
        }
        path.push(class.to_owned());
        let mut object = Map::new();
        for (name, ty) in self.fields(class) {
            if let Some(value) = self.value(&ty, extreme, path) {
                object.insert(name, value);
            }
        }
        if self.takes_other_members(class) {
            object.insert(
                "x-other-member".to_owned(),
                json!("a member the class does not declare"),
            );
        }
        path.pop();
        Value::Object(object)
    }

    /// A value of `ty`; `None` for a class already being generated.
    fn value(&self, ty: &TypeRef, extreme: Extreme, path: &mut Vec<String>) -> Option<Value> {
        let max = extreme == Extreme::Max;
        let value = match ty.name.as_str() {
            "String" => json!(if max {
                "maximal \"text\" with \\ escapes, ü and 😀"
            } else {
                ""
            }),
            "char" => json!(if max { "ü" } else { "a" }),
            "URI" => json!(if max {
                "https://maximal.example.com/path/ü?query=1&other=two#fragment"
            } else {
                "http://localhost"
            }),
            "UUID" => json!(uuid(extreme)),
            "int" | "Integer" => json!(if max { i32::MAX } else { i32::MIN }),
            "long" | "Long" => json!(if max { i64::MAX } else { i64::MIN }),
            // An instant's least value is one above i64::MIN, which the
            // core's `Instant` keeps free to stay 8 bytes wide as an option.
            "ZonedDateTime" => json!(if max { i64::MAX } else { i64::MIN + 1 }),
            "double" | "Double" => json!(if max { f64::MAX } else { f64::MIN }),
            "boolean" | "Boolean" => json!(max),
            "List" | "Set" => {
                Value::Array(self.value(&ty.args[0], extreme, path).into_iter().collect())
            }
            "Map" | "HashMap" => {
                let values = self.value(&ty.args[1], extreme, path)?;
                let keys = self.keys(&ty.args[0], extreme);
                Value::Object(keys.into_iter().map(|key| (key, values.clone())).collect())
            }
            name if is_any(name) => any_json(extreme),
            name if self.has_class(name) => {
                if path.iter().any(|seen| seen == name) {
                    return None;
                }
                self.maximal_class(name, extreme, path)
            }
            other => panic!("no maximal value for the type {other}: teach description/maximal.rs"),
        };
        Some(value)
    }

    /// The keys of a maximal map: every value of an enum (all event types, say), else two keys.
    fn keys(&self, ty: &TypeRef, extreme: Extreme) -> Vec<String> {
        match ty.name.as_str() {
            "String" => vec!["first-key".to_owned(), "Second-Key ü".to_owned()],
            "UUID" => vec![uuid(extreme).to_owned()],
            name => self
                .enum_values(name)
                .unwrap_or_else(|| panic!("no maximal map key of the type {name}")),
        }
    }
}

fn uuid(extreme: Extreme) -> &'static str {
    match extreme {
        Extreme::Max => "ffffffff-ffff-4fff-bfff-ffffffffffff",
        Extreme::Min => "00000000-0000-4000-8000-000000000000",
    }
}

/// A value of Java's `Object`: any JSON.
fn any_json(extreme: Extreme) -> Value {
    match extreme {
        Extreme::Max => json!({
            "text": "ü 😀", "integer": i64::MAX, "negative": i64::MIN, "fraction": 0.1,
            "flag": true, "nothing": null, "list": [1, "two", [3], { "four": 4 }],
            "nested": { "deeper": { "deepest": [] } }
        }),
        Extreme::Min => json!([]),
    }
}
