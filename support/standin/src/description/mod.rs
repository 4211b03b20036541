//! FusionAuth's own description of its API, the JSON it generates its
//! official clients from (`client-builder/`, see its README): the calls the
//! client makes and the classes they send and return.
//!
//! The stand-in generates maximal objects from it ([`Description::maximal`]:
//! every field present, each value of its declared type) and checks JSON and
//! requests against it ([`Description::check`], [`Description::check_call`]).
//!
//! ```
//! use fusionauth_standin::description::{Extreme, description};
//!
//! let webhook = description().maximal("Webhook", Extreme::Max);
//! assert_eq!(webhook["connectTimeout"], i32::MAX);
//! assert!(description().check("Webhook", &webhook).is_empty());
//! ```

mod check;
mod maximal;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;

pub use check::Call;
pub use maximal::Extreme;

/// Where the copied description lives.
const DIRECTORY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/client-builder");

/// The description, read once from `client-builder/`.
///
/// # Panics
///
/// If a file is missing or not the JSON FusionAuth's client builder writes
/// (the test then fails with the file's name).
pub fn description() -> &'static Description {
    static DESCRIPTION: OnceLock<Description> = OnceLock::new();
    DESCRIPTION.get_or_init(|| Description::read(Path::new(DIRECTORY)))
}

/// Every class and call of `client-builder/`.
#[derive(Debug)]
pub struct Description {
    classes: BTreeMap<String, Class>,
    apis: BTreeMap<String, Api>,
}

/// A type as the description writes it: `List` with `UUID`, `Webhook`, `int`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TypeRef {
    /// The simple name.
    #[serde(rename = "type")]
    pub name: String,
    /// Its type arguments (`Map<String, Object>`).
    #[serde(default, rename = "typeArguments")]
    pub args: Vec<TypeRef>,
}

/// One class (or enum) of `domain/`.
#[derive(Debug, Clone, Deserialize)]
pub struct Class {
    /// The simple name, e.g. `Webhook`.
    #[serde(rename = "type")]
    pub name: String,
    /// The Java package.
    #[serde(rename = "packageName")]
    pub package: String,
    #[serde(default)]
    extends: Vec<TypeRef>,
    #[serde(default)]
    fields: BTreeMap<String, Field>,
    #[serde(default, rename = "enum")]
    constants: Option<Vec<Constant>>,
}

#[derive(Debug, Clone, Deserialize)]
struct Field {
    #[serde(flatten)]
    ty: TypeRef,
    /// Jackson's `@JsonAnySetter`: the map's entries are members of the object itself.
    #[serde(default, rename = "anySetter")]
    any_setter: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Constant {
    Name(String),
    WithArgs {
        name: String,
        #[serde(default)]
        args: Vec<String>,
    },
}

/// One call of `api/`.
#[derive(Debug, Clone, Deserialize)]
pub struct Api {
    /// The name, e.g. `createWebhook`.
    #[serde(rename = "methodName")]
    pub name: String,
    /// The path before any URL segment, e.g. `/api/webhook`.
    pub uri: String,
    /// The HTTP method, lowercase as written (`post`).
    pub method: String,
    /// The URL segments, query parameters and body, in order.
    #[serde(default)]
    pub params: Vec<Param>,
    /// The class of a successful answer (`Void` for none).
    #[serde(rename = "successResponse")]
    pub success_response: String,
    /// Whether the call needs no API key.
    #[serde(default)]
    pub anonymous: bool,
}

/// A parameter of a call.
#[derive(Debug, Clone, Deserialize)]
pub struct Param {
    /// Its name in the generated clients.
    pub name: String,
    /// `urlSegment`, `urlParameter` or `body`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its Java type, e.g. `UUID`, `WebhookRequest`.
    #[serde(rename = "javaType")]
    pub java_type: String,
    /// A query parameter's name on the wire.
    #[serde(default, rename = "parameterName")]
    pub parameter_name: Option<String>,
}

impl Description {
    fn read(directory: &Path) -> Description {
        let classes = read_all::<Class>(&directory.join("domain"))
            .map(|class| (class.name.clone(), class))
            .collect();
        let apis = read_all::<Api>(&directory.join("api"))
            .map(|api| (api.name.clone(), api))
            .collect();
        Description { classes, apis }
    }

    /// The class (or enum) with this simple name.
    ///
    /// # Panics
    ///
    /// If the description has no such class.
    pub fn class(&self, name: &str) -> &Class {
        self.classes
            .get(name)
            .unwrap_or_else(|| panic!("client-builder/domain has no class {name}"))
    }

    /// The names of every class and enum, sorted.
    pub fn class_names(&self) -> impl Iterator<Item = &str> {
        self.classes.keys().map(String::as_str)
    }

    /// The names of every call, sorted.
    pub fn api_names(&self) -> impl Iterator<Item = &str> {
        self.apis.keys().map(String::as_str)
    }

    /// Whether the description has a class (or enum) of this name.
    pub fn has_class(&self, name: &str) -> bool {
        self.classes.contains_key(name)
    }

    /// The call with this name, e.g. `createWebhook`.
    ///
    /// # Panics
    ///
    /// If the description has no such call.
    pub fn api(&self, name: &str) -> &Api {
        self.apis
            .get(name)
            .unwrap_or_else(|| panic!("client-builder/api has no call {name}"))
    }

    /// Every field of a class with its type, those it inherits first; the
    /// any-setter map (members of the object itself) is left out.
    pub fn fields(&self, class: &str) -> Vec<(String, TypeRef)> {
        let class = self.class(class);
        let mut fields = Vec::new();
        for parent in &class.extends {
            if self.classes.contains_key(&parent.name) {
                fields.extend(self.fields(&parent.name));
            }
        }
        fields.extend(
            class
                .fields
                .iter()
                .filter(|(_, field)| !field.any_setter)
                .map(|(name, field)| (name.clone(), field.ty.clone())),
        );
        fields
    }

    /// Whether the class takes members it does not declare (Jackson's any-setter).
    pub fn takes_other_members(&self, class: &str) -> bool {
        self.class(class)
            .fields
            .values()
            .any(|field| field.any_setter)
    }

    /// The map type a class extends (`HTTPHeaders` is a `HashMap<String, String>`).
    fn map_parent(&self, class: &str) -> Option<TypeRef> {
        self.class(class)
            .extends
            .iter()
            .find(|parent| matches!(parent.name.as_str(), "HashMap" | "Map"))
            .cloned()
    }

    /// An enum's values as Jackson writes them: by name, except `EventType`,
    /// written by its wire string (`user.delete`). `None` for a class.
    pub fn enum_values(&self, name: &str) -> Option<Vec<String>> {
        let constants = self.class(name).constants.as_ref()?;
        Some(
            constants
                .iter()
                .map(|constant| match constant {
                    Constant::Name(name) => name.clone(),
                    Constant::WithArgs { name: wire, args } if name == "EventType" => {
                        args.first().cloned().unwrap_or_else(|| wire.clone())
                    }
                    Constant::WithArgs { name, .. } => name.clone(),
                })
                .collect(),
        )
    }
}

fn read_all<T: serde::de::DeserializeOwned>(directory: &Path) -> impl Iterator<Item = T> {
    let mut paths: Vec<_> = std::fs::read_dir(directory)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", directory.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    paths.into_iter().map(|path| {
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
        serde_json::from_str(&text).unwrap_or_else(|error| {
            panic!("{} is not client-builder JSON: {error}", path.display())
        })
    })
}

/// Values of the Java types that are not classes of the description, for
/// [`Description::maximal`] and [`Description::check`].
fn is_any(name: &str) -> bool {
    name == "Object"
}

/// What a value is, for messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
