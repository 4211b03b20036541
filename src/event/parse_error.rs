//! Why a body could not be read as a FusionAuth event, told without echoing it.

use std::fmt;

use serde::de::DeserializeOwned;

use super::EventType;
use super::budget;

/// Why a request body is not a well-formed FusionAuth event.
///
/// The message names the problem and where it is (a JSON path and a line and
/// column) but never repeats the body's content, so it is safe to send back to
/// FusionAuth and to log.
///
/// ```
/// use fusionauth_webhooks::Event;
///
/// let error = Event::parse(r#"{"event": {"type": "user.delete", "id": 42}}"#.into()).unwrap_err();
/// assert_eq!(error.to_string(), "`event.id` has the wrong type or value at line 1 column 42");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    kind: ParseErrorKind,
    path: Option<String>,
    missing_field: bool,
    invalid_utf8: bool,
    line: usize,
    column: usize,
    /// For [`ParseErrorKind::OverBudget`]: the budget, and the event type
    /// whose payload was being read when known.
    budget: Option<(usize, Option<EventType>)>,
}

/// The broad class of a [`ParseError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The body is not JSON (or is cut short, or nests deeper than 128 levels).
    Syntax,
    /// The body is JSON but a field is missing or of the wrong type.
    Schema,
    /// Reading the body into the typed model would take more memory than
    /// its budget: 12 times the body, plus 64 KiB (see the
    /// [`event`](crate::event#memory) module). Answered 413.
    OverBudget,
}

/// How long a reported path may get.
const MAX_PATH_CHARS: usize = 120;

/// What a path shows instead of a map key: keys come from the body.
const REDACTED_KEY: &str = "*";

impl ParseError {
    /// Whether the body was not JSON at all, did not match the event
    /// schema, or would take too much memory to read.
    pub fn kind(&self) -> ParseErrorKind {
        self.kind
    }

    /// The error code FusionAuth-style error bodies carry for this error.
    pub fn code(&self) -> &'static str {
        match self.kind {
            ParseErrorKind::Syntax => crate::codes::INVALID_JSON,
            ParseErrorKind::Schema => crate::codes::INVALID_EVENT,
            ParseErrorKind::OverBudget => crate::codes::TOO_LARGE,
        }
    }

    /// The error of a read that ran over its memory budget of `budget`
    /// bytes, where serde_json stopped.
    fn over_budget(error: &serde_json::Error, budget: usize) -> ParseError {
        ParseError {
            kind: ParseErrorKind::OverBudget,
            path: None,
            missing_field: false,
            invalid_utf8: false,
            line: error.line(),
            column: error.column(),
            budget: Some((budget, None)),
        }
    }

    /// The same error, naming the event type whose payload was being read
    /// when it ran over its memory budget.
    pub(crate) fn reading(mut self, event_type: Option<EventType>) -> ParseError {
        if let Some((_, read)) = &mut self.budget {
            *read = event_type;
        }
        self
    }

    /// Builds the error from serde_json's, keeping only what does not echo input.
    fn new(error: &serde_json::Error, path: Option<String>) -> ParseError {
        // A value kept as raw text is checked for depth by its own parse,
        // whose error reaches here as a data error.
        let too_deep = error.to_string().starts_with(super::raw::TOO_DEEP);
        let kind = if error.is_data() && !too_deep {
            ParseErrorKind::Schema
        } else {
            ParseErrorKind::Syntax
        };
        // A missing field's message names only a field of our schema; every
        // other data message ("invalid type: string \"...\"") quotes the input.
        let missing = missing_field_name(error);
        let missing_field = missing.is_some();
        let path = match (path, missing) {
            (Some(parent), Some(field)) if parent.is_empty() || parent == "." => Some(field),
            (Some(parent), Some(field)) => Some(format!("{parent}.{field}")),
            (path, None) => path,
            (None, Some(field)) => Some(field),
        }
        .map(|path| truncate(path, MAX_PATH_CHARS));
        ParseError {
            kind,
            path,
            missing_field,
            invalid_utf8: false,
            line: error.line(),
            column: error.column(),
            budget: None,
        }
    }
}

/// The body as text, checked to be UTF-8 as JSON requires: serde_json does
/// not look inside strings it skips, so without this an unread field could
/// hide bytes that no JSON parser downstream would accept. Parsing from the
/// text then skips serde_json's check of each string it reads.
pub(crate) fn utf8_text(bytes: &[u8]) -> Result<&str, ParseError> {
    let error = match std::str::from_utf8(bytes) {
        Ok(text) => return Ok(text),
        Err(error) => error,
    };
    let valid = &bytes[..error.valid_up_to()];
    let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    Err(ParseError {
        kind: ParseErrorKind::Syntax,
        path: None,
        missing_field: false,
        invalid_utf8: true,
        line,
        column: valid.len() - line_start + 1,
        budget: None,
    })
}

/// Writes a path as serde_path_to_error does (`event.user.registrations[0].id`),
/// except that a key that is not a field name of the model is shown as
/// [`REDACTED_KEY`]: the keys of maps such as `tokens` or `data` are the
/// sender's, and the message must not echo the body.
fn redacted_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;

    let mut text = String::new();
    for segment in path.iter() {
        let name = match segment {
            Segment::Seq { index } => {
                text.push_str(&format!("[{index}]"));
                continue;
            }
            Segment::Map { key } if is_field_name(key) => key.as_str(),
            Segment::Map { .. } | Segment::Enum { .. } | Segment::Unknown => REDACTED_KEY,
        };
        if !text.is_empty() {
            text.push('.');
        }
        text.push_str(name);
    }
    if text.is_empty() {
        text.push('.');
    }
    text
}

/// Whether `key` is the JSON name of a field somewhere in the event model.
fn is_field_name(key: &str) -> bool {
    key == "event"
        || [
            super::Envelope::FIELD_NAMES,
            super::domain::FIELD_NAMES,
            super::payload::FIELD_NAMES,
        ]
        .iter()
        .flat_map(|lists| lists.iter())
        .any(|fields| fields.contains(&key))
}

fn missing_field_name(error: &serde_json::Error) -> Option<String> {
    let message = error.to_string();
    let rest = message.strip_prefix("missing field `")?;
    let end = rest.find('`')?;
    Some(rest[..end].to_owned())
}

fn truncate(mut text: String, max_chars: usize) -> String {
    if let Some((index, _)) = text.char_indices().nth(max_chars) {
        text.truncate(index);
        text.push('…');
    }
    text
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.kind, &self.path) {
            (ParseErrorKind::Syntax, _) if self.invalid_utf8 => {
                f.write_str("the body is not valid UTF-8")?
            }
            (ParseErrorKind::Syntax, _) if self.line == 0 => f.write_str("the body is not JSON")?,
            (ParseErrorKind::Syntax, _) => f.write_str("malformed JSON")?,
            (ParseErrorKind::Schema, Some(path)) if self.missing_field => {
                return write!(f, "missing field `{path}`");
            }
            (ParseErrorKind::Schema, Some(path)) => {
                write!(f, "`{path}` has the wrong type or value")?
            }
            (ParseErrorKind::Schema, None) => f.write_str("the body is not a FusionAuth event")?,
            (ParseErrorKind::OverBudget, _) => {
                let (budget, event_type) = self.budget.unwrap_or_default();
                match event_type {
                    Some(event_type) => write!(f, "reading the {event_type} payload")?,
                    None => f.write_str("reading the event")?,
                }
                write!(
                    f,
                    " would take more memory than its budget of {budget} bytes \
                     ({} times the body, plus {} KiB)",
                    budget::TIMES_THE_BODY,
                    budget::ALLOWANCE / 1024,
                )?
            }
        }
        if self.line > 0 {
            write!(f, " at line {} column {}", self.line, self.column)?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseError {}

/// Deserializes `T` from a JSON body (UTF-8 checked first); on failure,
/// parses again with path tracking so the error can say where, keeping the
/// fast path free of it.
///
/// The read is held to the memory budget of the body
/// ([`budget::for_body`]).
pub(crate) fn from_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ParseError> {
    let text = utf8_text(bytes)?;
    let limit = budget::for_body(bytes.len());
    match budget::within(limit, || serde_json::from_str(text)) {
        (Ok(value), _) => Ok(value),
        (Err(error), true) => Err(ParseError::over_budget(&error, limit)),
        (Err(error), false) => {
            let (path, _) = budget::within(limit, || {
                let mut deserializer = serde_json::Deserializer::from_str(text);
                match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
                    Err(tracked) => Some(redacted_path(tracked.path())),
                    Ok(_) => None,
                }
            });
            Err(ParseError::new(&error, path.filter(|_| error.is_data())))
        }
    }
}

/// Runs a read of `text` (a body of `len` bytes) with the body's memory
/// budget; an error that ran over it becomes [`ParseErrorKind::OverBudget`].
pub(crate) fn within_budget<T>(
    len: usize,
    read: impl FnOnce() -> Result<T, serde_json::Error>,
) -> Result<Result<T, serde_json::Error>, ParseError> {
    let limit = budget::for_body(len);
    match budget::within(limit, read) {
        (Err(error), true) => Err(ParseError::over_budget(&error, limit)),
        (read, _) => Ok(read),
    }
}
