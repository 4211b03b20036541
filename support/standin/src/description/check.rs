//! Checks of JSON and of requests against the description.

use serde_json::Value;
use uuid::Uuid;

use super::{Description, TypeRef, is_any, kind};

/// A request as the stand-in received it, to check against a call with
/// [`Description::check_call`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The method, e.g. `POST`.
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The query parameters, decoded, in order.
    pub query: Vec<(String, String)>,
    /// The body (empty when there is none).
    pub body: Vec<u8>,
    /// Whether an `Authorization` header came with it.
    pub api_key_sent: bool,
}

impl Description {
    /// What is wrong with `value` as JSON of `class`: every member must be a
    /// field of the class (or of a class it extends) and every value of the
    /// field's type, down to the last nested class. Empty when nothing is.
    ///
    /// ```
    /// use fusionauth_standin::description::description;
    ///
    /// let problems = description().check("Webhook", &serde_json::json!({
    ///     "connectTimeout": "1000", "applicationIds": []
    /// }));
    /// assert_eq!(problems, [
    ///     "webhook.applicationIds: not a field of Webhook",
    ///     "webhook.connectTimeout: expected int, found a string",
    /// ]);
    /// ```
    pub fn check(&self, class: &str, value: &Value) -> Vec<String> {
        let mut problems = Vec::new();
        let ty = TypeRef {
            name: class.to_owned(),
            args: Vec::new(),
        };
        self.check_type(&ty, value, &lower_first(class), &mut problems);
        problems
    }

    fn check_type(&self, ty: &TypeRef, value: &Value, path: &str, problems: &mut Vec<String>) {
        let mut expected = |what: &str| {
            problems.push(format!("{path}: expected {what}, found {}", kind(value)));
        };
        match (ty.name.as_str(), value) {
            (_, Value::Null) => problems.push(format!(
                "{path}: null (FusionAuth leaves out what is not set)"
            )),
            (name, _) if is_any(name) => {}
            ("String" | "URI", Value::String(_)) => {}
            ("char", Value::String(text)) if text.chars().count() == 1 => {}
            ("UUID", Value::String(text)) if text.parse::<Uuid>().is_ok() => {}
            ("int" | "Integer", Value::Number(number))
                if number.as_i64().is_some_and(|n| i32::try_from(n).is_ok()) => {}
            ("long" | "Long" | "ZonedDateTime", Value::Number(number))
                if number.as_i64().is_some() => {}
            ("double" | "Double", Value::Number(_)) => {}
            ("boolean" | "Boolean", Value::Bool(_)) => {}
            ("List" | "Set", Value::Array(items)) => {
                for (index, item) in items.iter().enumerate() {
                    self.check_type(&ty.args[0], item, &format!("{path}[{index}]"), problems);
                }
            }
            ("Map" | "HashMap", Value::Object(members)) => {
                for (key, item) in members {
                    let key_path = format!("{path}.{key}");
                    if !self.is_key(&ty.args[0], key) {
                        problems.push(format!("{key_path}: not a key of type {}", ty.args[0].name));
                    }
                    self.check_type(&ty.args[1], item, &key_path, problems);
                }
            }
            (name, _) if self.has_class(name) => self.check_class(name, value, path, problems),
            (name, _) => expected(name),
        }
    }

    fn check_class(&self, class: &str, value: &Value, path: &str, problems: &mut Vec<String>) {
        if let Some(values) = self.enum_values(class) {
            if !value
                .as_str()
                .is_some_and(|text| values.iter().any(|v| v == text))
            {
                problems.push(format!(
                    "{path}: expected a value of the enum {class}, found {value}"
                ));
            }
            return;
        }
        if let Some(map) = self.map_parent(class) {
            return self.check_type(&map, value, path, problems);
        }
        let Value::Object(members) = value else {
            return problems.push(format!(
                "{path}: expected a {class} object, found {}",
                kind(value)
            ));
        };
        let fields = self.fields(class);
        for (key, item) in members {
            let member = format!("{path}.{key}");
            match fields.iter().find(|(name, _)| name == key) {
                Some((_, ty)) => self.check_type(ty, item, &member, problems),
                None if self.takes_other_members(class) => {}
                None => problems.push(format!("{member}: not a field of {class}")),
            }
        }
    }

    fn is_key(&self, ty: &TypeRef, key: &str) -> bool {
        match ty.name.as_str() {
            "String" => true,
            "UUID" => key.parse::<Uuid>().is_ok(),
            name => self
                .enum_values(name)
                .is_some_and(|values| values.iter().any(|value| value == key)),
        }
    }

    /// What is wrong with `call` as the call `api`: its method, its path
    /// (the URI, then at most one value per URL segment, each of its type),
    /// its query parameters (each one the call declares, of its type), its
    /// body (the declared class, or none) and the API key (sent unless the
    /// call is anonymous). Empty when nothing is.
    pub fn check_call(&self, api: &str, call: &Call) -> Vec<String> {
        let api = self.api(api);
        let mut problems = Vec::new();
        if !call.method.eq_ignore_ascii_case(&api.method) {
            problems.push(format!(
                "method {}, the description says {}",
                call.method, api.method
            ));
        }
        let segments: Vec<_> = api
            .params
            .iter()
            .filter(|p| p.kind == "urlSegment")
            .collect();
        match call.path.strip_prefix(&api.uri) {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => {
                let values: Vec<&str> = rest.split('/').skip(1).collect();
                if values.len() > segments.len() {
                    problems.push(format!(
                        "path {}: {} URL segments, the description has {}",
                        call.path,
                        values.len(),
                        segments.len()
                    ));
                }
                for (value, segment) in values.iter().zip(&segments) {
                    if !parses_as(&segment.java_type, value) {
                        problems.push(format!(
                            "URL segment {}: {value} is not a {}",
                            segment.name, segment.java_type
                        ));
                    }
                }
            }
            _ => problems.push(format!(
                "path {} does not start with {}",
                call.path, api.uri
            )),
        }
        for (name, value) in &call.query {
            let declared = api
                .params
                .iter()
                .find(|p| p.kind == "urlParameter" && p.parameter_name.as_deref() == Some(name));
            match declared {
                None => problems.push(format!("query parameter {name} is not one of the call's")),
                Some(param) if !parses_as(&param.java_type, value) => {
                    problems.push(format!(
                        "query parameter {name}: {value} is not a {}",
                        param.java_type
                    ));
                }
                Some(_) => {}
            }
        }
        match (
            api.params.iter().find(|p| p.kind == "body"),
            call.body.is_empty(),
        ) {
            (None, true) => {}
            (None, false) => problems.push("a body, the call has none".to_owned()),
            (Some(body), true) => {
                problems.push(format!("no body, the call takes a {}", body.java_type))
            }
            (Some(body), false) => match serde_json::from_slice::<Value>(&call.body) {
                Ok(json) => problems.extend(self.check(&body.java_type, &json)),
                Err(error) => problems.push(format!("the body is not JSON: {error}")),
            },
        }
        if !api.anonymous && !call.api_key_sent {
            problems.push("no API key, the call needs one".to_owned());
        }
        problems
    }
}

fn parses_as(java_type: &str, value: &str) -> bool {
    match java_type {
        "UUID" => value.parse::<Uuid>().is_ok(),
        "Integer" | "int" => value.parse::<i32>().is_ok(),
        "Long" | "long" => value.parse::<i64>().is_ok(),
        "Boolean" | "boolean" => matches!(value, "true" | "false"),
        _ => true,
    }
}

fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|first| first.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default()
}
