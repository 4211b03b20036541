//! One typed payload per event type, and [`Payload`], the enum of them all.
//!
//! Each payload struct is the whole `event` object of its type: the
//! [`Envelope`] (id, type, tenant, info, ...) flattened in, the fields
//! FusionAuth documents for the type, all optional, and `extra` for the
//! fields this version does not know. Reading an event and writing it back
//! gives the same JSON.
//!
//! A handler gets the payload of an [`Event`](crate::Event) with
//! [`Event::payload`](crate::Event::payload), which reads the body once,
//! straight into the struct its `type` names; a type this version does not
//! know becomes [`Payload::Unknown`] with its JSON kept.
//!
//! # Example
//!
//! ```
//! use fusionauth_webhooks::{Event, EventType, Payload};
//!
//! let body = r#"{"event": {
//!     "type": "user.delete",
//!     "id": "4a6cf3d2-97b1-4e0c-8f5a-2b7d9e1c3a40",
//!     "createInstant": 1718035200000,
//!     "user": {"id": "7f3c2a51-8d0e-4b6a-9c47-1e2d3f4a5b6c", "email": "ada@example.com"},
//!     "futureField": true
//! }}"#;
//! let event = Event::parse(body.into())?;
//! match event.payload()? {
//!     Payload::UserDelete(deleted) => {
//!         let user = deleted.user.unwrap_or_default();
//!         assert_eq!(user.email.as_deref(), Some("ada@example.com"));
//!         assert_eq!(deleted.extra.get_as::<bool>("futureField")?, Some(true));
//!     }
//!     other => panic!("expected user.delete, got {:?}", other.event_type()),
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod group;
mod login;
mod system;
mod user;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

use super::open::OpenObject;
use super::{Envelope, EventRequest, EventType, ParseError, for_each_event_type, from_json};

pub use group::{
    EntityCreate, EntityCreateComplete, EntityDelete, EntityDeleteComplete, EntityUpdate,
    EntityUpdateComplete, GroupCreate, GroupCreateComplete, GroupDelete, GroupDeleteComplete,
    GroupMemberAdd, GroupMemberAddComplete, GroupMemberRemove, GroupMemberRemoveComplete,
    GroupMemberUpdate, GroupMemberUpdateComplete, GroupUpdate, GroupUpdateComplete,
};
pub use login::{
    UserLoginFailed, UserLoginNewDevice, UserLoginSuccess, UserLoginSuspicious,
    UserTwoFactorChallenge, UserTwoFactorFailedAttempt, UserTwoFactorMethodAdd,
    UserTwoFactorMethodRemove, UserTwoFactorSuccess,
};
pub use system::{
    AuditLogCreate, EventLogCreate, JwtPublicKeyUpdate, JwtRefresh, JwtRefreshTokenRevoke,
    KickstartSuccess, Test,
};
pub use user::{
    UserAction, UserBulkCreate, UserCreate, UserCreateComplete, UserDeactivate, UserDelete,
    UserDeleteComplete, UserEmailUpdate, UserEmailVerified, UserIdentityProviderLink,
    UserIdentityProviderUnlink, UserIdentityUpdate, UserIdentityVerified,
    UserLoginIdDuplicateCreate, UserLoginIdDuplicateUpdate, UserPasswordBreach,
    UserPasswordResetSend, UserPasswordResetStart, UserPasswordResetSuccess, UserPasswordUpdate,
    UserReactivate, UserRegistrationCreate, UserRegistrationCreateComplete, UserRegistrationDelete,
    UserRegistrationDeleteComplete, UserRegistrationUpdate, UserRegistrationUpdateComplete,
    UserRegistrationVerified, UserUpdate, UserUpdateComplete,
};

/// Defines payload structs: `Name { fields }`, where `Name` is the
/// [`EventType`] variant. Each gets the flattened envelope, its fields as
/// options, `extra`, a `Default` with its type set, and [`EventPayload`].
///
/// Deserializing reads the object in one pass: the payload's own fields
/// first, then the envelope's, the rest into `extra` (see
/// [`OpenObject`](crate::event::open::OpenObject)).
///
/// [`EventPayload`]: crate::EventPayload
macro_rules! payload {
    ($(
        $(#[$meta:meta])*
        $name:ident { $( $(#[$fmeta:meta])* $field:ident : $ty:ty ),* $(,)? }
    )*) => {$(
        $(#[$meta])*
        ///
        #[doc = concat!("The payload of [`EventType::", stringify!($name), "`](crate::EventType::", stringify!($name), ").")]
        /// Its `Default` is an event of this type with no other field set.
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            /// The fields every event carries: id, type, tenant, info, ...
            #[serde(flatten)]
            pub envelope: $crate::event::Envelope,
            $(
                $(#[$fmeta])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
            /// Fields this version does not know, kept so nothing is lost.
            #[serde(flatten)]
            pub extra: $crate::event::JsonMap,
        }

        impl Default for $name {
            fn default() -> Self {
                $name {
                    envelope: $crate::event::Envelope {
                        event_type: $crate::event::EventType::$name.as_str().to_owned(),
                        ..$crate::event::Envelope::default()
                    },
                    $($field: None,)*
                    extra: $crate::event::JsonMap::new(),
                }
            }
        }

        impl $crate::event::EventPayload for $name {
            const EVENT_TYPE: $crate::event::EventType = $crate::event::EventType::$name;
        }

        #[cfg(feature = "testing")]
        impl $name {
            /// The payload's shape: the envelope's fields, then its own.
            pub(crate) fn shape() -> $crate::testing::shapes::Shape {
                let mut fields = $crate::Envelope::shape_fields();
                $(fields.push((
                    $crate::event::open::wire_name!($field),
                    $crate::testing::shapes::Shape::of_field::<$ty>(),
                ));)*
                $crate::testing::shapes::Shape::Object { name: stringify!($name), fields }
            }
        }

        impl $crate::event::open::OpenObject for $name {
            type State = $crate::event::payload::PayloadState<Self>;

            const EXPECTING: &'static str = concat!("a ", stringify!($name), " event");

            const FIELDS: &'static [&'static str] =
                &[$($crate::event::open::wire_name!($field)),*];

            fn read_known<'de, A: ::serde::de::MapAccess<'de>>(
                state: &mut Self::State,
                key: &str,
                map: &mut A,
            ) -> Result<bool, A::Error> {
                let payload = &mut state.payload;
                let own: Result<bool, A::Error> =
                    $crate::event::open::read_known_fields!(payload, key, map; $($field),*);
                if own? {
                    return Ok(true);
                }
                payload.envelope.read_known(&mut state.has_type, key, map)
            }

            fn extra(state: &mut Self::State) -> &mut $crate::event::JsonMap {
                &mut state.payload.extra
            }

            fn finish<E: ::serde::de::Error>(state: Self::State) -> Result<Self, E> {
                state.finish()
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::event::open::deserialize_open(deserializer)
            }
        }
    )*};
}
use payload;

/// A payload being read: the payload so far, and whether the envelope's
/// required `type` was seen.
#[derive(Default)]
pub(crate) struct PayloadState<P> {
    payload: P,
    has_type: bool,
}

impl<P> PayloadState<P> {
    /// The payload, or an error naming the missing `type`.
    pub(crate) fn finish<E: de::Error>(self) -> Result<P, E> {
        if self.has_type {
            Ok(self.payload)
        } else {
            Err(de::Error::missing_field("type"))
        }
    }
}

/// Defines several payload structs with the same fields: the shared fields
/// in braces, then the names, each optionally followed by fields of its own.
macro_rules! payloads_with {
    (@one { $($shared:tt)* } $(#[$meta:meta])* $name:ident $({ $($own:tt)* })?) => {
        payload! { $(#[$meta])* $name { $($shared)* $($($own)*)? } }
    };
    (
        $shared:tt
        $( $(#[$meta:meta])* $name:ident $({ $($own:tt)* })? ),* $(,)?
    ) => {
        $( payloads_with! { @one $shared $(#[$meta])* $name $({ $($own)* })? } )*
    };
}
use payloads_with;

/// An event of a type this version does not know: its `type` and the whole
/// `event` object, kept as JSON.
///
/// Serializing it writes `json` unchanged.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownEvent {
    /// The `type` string as sent.
    pub event_type: String,
    /// The whole `event` object.
    pub json: Value,
}

impl<'de> Deserialize<'de> for UnknownEvent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let json = <Value as crate::event::field::Field>::read(deserializer)?;
        let event_type = match json.get("type") {
            Some(Value::String(name)) => name.clone(),
            Some(_) => return Err(de::Error::custom("`type` is not a string")),
            None => return Err(de::Error::missing_field("type")),
        };
        Ok(UnknownEvent { event_type, json })
    }
}

impl Serialize for UnknownEvent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.json.serialize(serializer)
    }
}

/// Reads a payload whose struct is chosen at run time: [`read_payload`]
/// calls [`read`](PayloadReader::read) with the struct of the event's type.
pub(crate) trait PayloadReader {
    type Output;
    type Error;

    fn read<P: OpenObject + Send + 'static>(self) -> Result<Self::Output, Self::Error>;
}

/// Reads the `event` object of a body as `T`.
fn read<T: serde::de::DeserializeOwned>(raw: &[u8]) -> Result<T, ParseError> {
    from_json::<EventRequest<T>>(raw).map(|request| request.event)
}

macro_rules! define_payload {
    ($($variant:ident, $wire:literal, [$($alias:literal),*], $tx:literal, $doc:literal;)*) => {
        /// A typed event: one variant per FusionAuth event type, holding its
        /// payload struct, and [`Unknown`](Payload::Unknown) for the others.
        ///
        /// Serializing a `Payload` writes the `event` object; wrap it in an
        /// [`EventRequest`] for a whole body. See the [module docs](self).
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum Payload {
            $(
                #[doc = concat!("`", $wire, "`: ", $doc)]
                $variant($variant),
            )*
            /// An event type this version does not know.
            Unknown(UnknownEvent),
        }

        impl Payload {
            /// Reads a body (`{"event": {...}}`) in one pass, straight into the
            /// payload struct of `event_type`; `None` (a type this version does
            /// not know) gives [`Payload::Unknown`].
            pub(crate) fn parse(
                event_type: Option<EventType>,
                raw: &[u8],
            ) -> Result<Payload, ParseError> {
                match event_type {
                    $(Some(EventType::$variant) => read(raw).map(Payload::$variant),)*
                    None => read(raw).map(Payload::Unknown),
                }
            }

            /// The event type, or `None` for [`Payload::Unknown`].
            pub fn event_type(&self) -> Option<EventType> {
                match self {
                    $(Payload::$variant(_) => Some(EventType::$variant),)*
                    Payload::Unknown(_) => None,
                }
            }

            /// The envelope (id, type, tenant, info, ...), or `None` for
            /// [`Payload::Unknown`], whose fields are in its JSON.
            pub fn envelope(&self) -> Option<&Envelope> {
                match self {
                    $(Payload::$variant(payload) => Some(&payload.envelope),)*
                    Payload::Unknown(_) => None,
                }
            }

            /// The envelope, to change it; `None` for [`Payload::Unknown`].
            pub fn envelope_mut(&mut self) -> Option<&mut Envelope> {
                match self {
                    $(Payload::$variant(payload) => Some(&mut payload.envelope),)*
                    Payload::Unknown(_) => None,
                }
            }

            /// The `type` string as sent (for a known type, possibly an
            /// alternative spelling of its wire name).
            pub fn type_name(&self) -> &str {
                match self {
                    Payload::Unknown(unknown) => &unknown.event_type,
                    known => known.envelope().map_or("", |envelope| &envelope.event_type),
                }
            }
        }

        /// Reads the payload of `event_type` with `reader`.
        pub(crate) fn read_payload<R: PayloadReader>(
            event_type: EventType,
            reader: R,
        ) -> Result<R::Output, R::Error> {
            match event_type {
                $(EventType::$variant => reader.read::<$variant>(),)*
            }
        }

        /// The JSON field names of every payload struct (its own fields,
        /// not the envelope's).
        pub(crate) const FIELD_NAMES: &[&[&str]] = &[$(<$variant as OpenObject>::FIELDS,)*];

        impl Serialize for Payload {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    $(Payload::$variant(payload) => payload.serialize(serializer),)*
                    Payload::Unknown(unknown) => unknown.serialize(serializer),
                }
            }
        }

        $(
            impl From<$variant> for Payload {
                fn from(payload: $variant) -> Self {
                    Payload::$variant(payload)
                }
            }
        )*
    };
}

for_each_event_type!(define_payload);

impl From<UnknownEvent> for Payload {
    fn from(unknown: UnknownEvent) -> Self {
        Payload::Unknown(unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::EventPayload;

    #[test]
    fn a_known_type_is_read_into_its_struct() {
        let body = br#"{"event":{"type":"user.delete","user":{"email":"ada@example.com"}}}"#;
        let Payload::UserDelete(deleted) =
            Payload::parse(Some(EventType::UserDelete), body).unwrap()
        else {
            panic!("expected UserDelete");
        };
        assert_eq!(
            deleted.user.and_then(|user| user.email).as_deref(),
            Some("ada@example.com")
        );
    }

    #[test]
    fn an_unknown_type_keeps_its_name_and_json() {
        let body = br#"{"event":{"type":"user.teleport","to":"Mars"}}"#;
        let payload = Payload::parse(None, body).unwrap();
        assert_eq!(payload.event_type(), None);
        assert_eq!(payload.type_name(), "user.teleport");
        assert_eq!(payload.envelope(), None);
        assert_eq!(
            serde_json::to_value(&payload).unwrap(),
            serde_json::json!({"type": "user.teleport", "to": "Mars"})
        );
    }

    #[test]
    fn an_unknown_event_without_a_type_is_an_error() {
        let error = Payload::parse(None, br#"{"event":{"to":"Mars"}}"#).unwrap_err();
        assert_eq!(error.to_string(), "missing field `event.type`");
    }

    #[test]
    fn a_default_payload_carries_its_type() {
        let payload = GroupMemberAdd::default();
        assert_eq!(payload.envelope.event_type, "group.member.add");
        assert_eq!(GroupMemberAdd::EVENT_TYPE, EventType::GroupMemberAdd);
        assert_eq!(
            serde_json::to_value(Payload::from(payload)).unwrap(),
            serde_json::json!({"type": "group.member.add"})
        );
    }
}
