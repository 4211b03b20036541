//! Adversarial bodies: for every typed array and map of an event type's
//! payload (and every object's unknown fields, custom data and free-form
//! values), a body that fills it with the cheapest elements the model reads
//! (empty objects, one-character strings, zeros, arrays nested as deep as
//! a parse allows), built from the model's own shapes
//! (`fusionauth_webhooks::testing::shapes`). Shared by `tests/memory.rs`
//! (heap peak of each, in process) and `benches/memory_bodies.rs` (files
//! for `benches/memory.sh`, peak RSS).

use fusionauth_webhooks::EventType;
use fusionauth_webhooks::testing::shapes::Shape;

/// One body: what it fills, and its bytes.
pub(crate) struct Adversarial {
    /// The path filled and with what, such as `user.registrations[]: {}`.
    pub(crate) name: String,
    pub(crate) body: Vec<u8>,
}

/// How deep the nested arrays of a free-form value go: serde_json refuses
/// 128 levels from the body's root, and the value sits a few levels down.
const NESTING: usize = 110;

/// Every adversarial body of `event_type`, each of about `size` bytes.
pub(crate) fn bodies(event_type: EventType, size: usize) -> Vec<Adversarial> {
    let Shape::Object { fields, .. } = Shape::of(event_type) else {
        unreachable!("a payload is an object")
    };
    let type_entry = format!(r#""type":"{}""#, event_type.as_str());
    let mut found = Vec::new();
    // The event's own unknown fields, after `type` and before it (where a
    // one-pass reader sets entries aside until it knows the type).
    found.push(Fill {
        path: "event{unknown after type}".into(),
        open: format!(r#"{{"event":{{{type_entry},"#),
        close: "}}".into(),
        filler: Filler::UnknownFields,
    });
    found.push(Fill {
        path: "event{unknown before type}".into(),
        open: r#"{"event":{"#.into(),
        close: format!(",{type_entry}}}}}"),
        filler: Filler::UnknownFields,
    });
    for (name, shape) in &fields {
        let open = format!(r#"{{"event":{{{type_entry},"{name}":"#);
        walk(name.to_string(), &open, "}}", shape, &mut found);
    }
    found
        .into_iter()
        .map(|fill| Adversarial {
            name: format!("{} {}", event_type.as_str(), fill.path),
            body: fill.body(size),
        })
        .collect()
}

/// A place in a body to fill: the text before it, after it, and with what.
struct Fill {
    path: String,
    open: String,
    close: String,
    filler: Filler,
}

enum Filler {
    /// `"":0,"":0,...` inside an object: unknown fields (a repeated key is
    /// kept).
    UnknownFields,
    /// `[e,e,...]`: an array of the cheapest element.
    Array(String),
    /// `{"0":v,"1":v,...}` with distinct keys (a map keeps one value per key).
    Map { uuid_keys: bool, value: String },
    /// `[[[...]]],...`: arrays nested [`NESTING`] deep, in an array.
    Nested,
}

impl Fill {
    fn body(&self, size: usize) -> Vec<u8> {
        let mut body = self.open.clone().into_bytes();
        let room = size.saturating_sub(body.len() + self.close.len() + 2);
        let start = body.len();
        match &self.filler {
            Filler::UnknownFields => {
                while body.len() - start + 5 <= room {
                    body.extend_from_slice(br#""":0,"#);
                }
                body.pop();
            }
            Filler::Array(element) => {
                body.push(b'[');
                while body.len() - start + element.len() < room {
                    body.extend_from_slice(element.as_bytes());
                    body.push(b',');
                }
                close_list(&mut body, b']');
            }
            Filler::Map { uuid_keys, value } => {
                body.push(b'{');
                for n in 0u128.. {
                    let key = if *uuid_keys {
                        uuid::Uuid::from_u128(n).to_string()
                    } else {
                        n.to_string()
                    };
                    let entry = format!(r#""{key}":{value},"#);
                    if body.len() - start + entry.len() > room {
                        break;
                    }
                    body.extend_from_slice(entry.as_bytes());
                }
                close_list(&mut body, b'}');
            }
            Filler::Nested => {
                let one = format!("{}{},", "[".repeat(NESTING), "]".repeat(NESTING));
                body.push(b'[');
                while body.len() - start + one.len() < room {
                    body.extend_from_slice(one.as_bytes());
                }
                close_list(&mut body, b']');
            }
        }
        body.extend_from_slice(self.close.as_bytes());
        body
    }
}

/// Ends a list whose last element left a trailing comma.
fn close_list(body: &mut Vec<u8>, end: u8) {
    if body.last() == Some(&b',') {
        body.pop();
    }
    body.push(end);
}

/// The cheapest JSON the model reads as `shape`.
fn cheapest(shape: &Shape) -> &'static str {
    match shape {
        Shape::Bool => "true",
        Shape::Integer | Shape::Number | Shape::Instant | Shape::Any => "0",
        Shape::String | Shape::Enum => r#""a""#,
        Shape::Uuid => r#""00000000-0000-0000-0000-000000000000""#,
        Shape::Array(_) => "[]",
        Shape::Object { .. } | Shape::Map { .. } | Shape::RawObject => "{}",
        _ => unreachable!("a shape this generator does not know: {shape:?}"),
    }
}

/// Adds a fill for every collection at or under `shape`, found at `path`
/// between `open` and `close`.
fn walk(path: String, open: &str, close: &str, shape: &Shape, found: &mut Vec<Fill>) {
    match shape {
        Shape::Object { fields, .. } => {
            found.push(Fill {
                path: format!("{path}{{unknown}}"),
                open: format!("{open}{{"),
                close: format!("}}{close}"),
                filler: Filler::UnknownFields,
            });
            for (name, field) in fields {
                let open = format!(r#"{open}{{"{name}":"#);
                walk(
                    format!("{path}.{name}"),
                    &open,
                    &format!("}}{close}"),
                    field,
                    found,
                );
            }
        }
        Shape::Array(element) => {
            found.push(Fill {
                path: format!("{path}[]: {}", cheapest(element)),
                open: open.to_owned(),
                close: close.to_owned(),
                filler: Filler::Array(cheapest(element).to_owned()),
            });
            walk(
                format!("{path}[0]"),
                &format!("{open}["),
                &format!("]{close}"),
                element,
                found,
            );
        }
        Shape::Map { key, value } => {
            let uuid_keys = **key == Shape::Uuid;
            found.push(Fill {
                path: format!("{path}{{}}: {}", cheapest(value)),
                open: open.to_owned(),
                close: close.to_owned(),
                filler: Filler::Map {
                    uuid_keys,
                    value: cheapest(value).to_owned(),
                },
            });
            let first = if uuid_keys {
                uuid::Uuid::nil().to_string()
            } else {
                "0".to_owned()
            };
            walk(
                format!("{path}.{first}"),
                &format!(r#"{open}{{"{first}":"#),
                &format!("}}{close}"),
                value,
                found,
            );
        }
        Shape::RawObject => found.push(Fill {
            path: format!("{path}{{raw}}"),
            open: format!("{open}{{"),
            close: format!("}}{close}"),
            filler: Filler::UnknownFields,
        }),
        Shape::Any => {
            for (what, filler) in [
                ("[]: 0", Filler::Array("0".into())),
                (
                    "{}: 0",
                    Filler::Map {
                        uuid_keys: false,
                        value: "0".into(),
                    },
                ),
                ("[]: nested", Filler::Nested),
            ] {
                found.push(Fill {
                    path: format!("{path}{what}"),
                    open: open.to_owned(),
                    close: close.to_owned(),
                    filler,
                });
            }
        }
        _ => {}
    }
}
