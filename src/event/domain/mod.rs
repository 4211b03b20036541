//! FusionAuth's objects as events carry them: users, registrations, groups,
//! entities, log entries, two-factor methods, ...
//!
//! Every field is an `Option`, because FusionAuth omits null fields and older
//! versions lack newer ones, and every struct keeps the fields it does not
//! know in `extra`, as raw JSON text (a [`JsonMap`](crate::JsonMap), like
//! custom `data`), so reading an object and writing it back loses nothing.
//! Enumerations that FusionAuth may extend have an `Other` variant that keeps
//! an unknown value as sent.
//!
//! # Example
//!
//! ```
//! use fusionauth_webhooks::event::domain::{ContentStatus, User};
//!
//! let user: User = serde_json::from_str(r#"{
//!     "id": "7f3c2a51-8d0e-4b6a-9c47-1e2d3f4a5b6c",
//!     "email": "ada@example.com",
//!     "usernameStatus": "QUARANTINED",
//!     "favouriteColour": "teal"
//! }"#)?;
//! assert_eq!(user.email.as_deref(), Some("ada@example.com"));
//! // A status this version does not know, and a field it does not know, are kept.
//! assert_eq!(user.username_status, Some(ContentStatus::Other("QUARANTINED".into())));
//! assert_eq!(user.extra.get_as::<String>("favouriteColour")?.as_deref(), Some("teal"));
//! # Ok::<(), serde_json::Error>(())
//! ```

mod macros;

use super::open::OpenObject;

mod authentication;
mod entity;
mod enums;
mod group;
mod log;
mod user;

pub(crate) use macros::{LenientVisitor, lenient_enum, model};

pub use authentication::{
    AuthenticatorConfiguration, DeviceInfo, ErrorMessage, Errors, IdentityProviderLink,
    LoginFailedReason, RefreshToken, RefreshTokenMetaData, TwoFactorMethod,
    UserTwoFactorConfiguration,
};
pub use entity::{Entity, EntityJwtConfiguration, EntityType, EntityTypePermission};
pub use enums::{
    AuthenticationThreat, BreachedPasswordStatus, ChangePasswordReason, ClientRisk, ContentStatus,
    EventLogType, IdentityProviderType, IdentityVerifiedReason, LoginFailedReasonCode, MessageType,
    TotpAlgorithm, UserActionPhase,
};
pub use group::{ApplicationRole, Group, GroupMember};
pub use log::{AuditLog, Email, EmailAddress, EmailAttachment, EventLog};
pub use user::{IdentityInfo, User, UserIdentity, UserRegistration};

/// The JSON field names of every domain object, so that error messages can
/// name them and redact everything else (map keys come from the body). An
/// object missing here only has its field names redacted too.
pub(crate) const FIELD_NAMES: &[&[&str]] = &[
    <UserTwoFactorConfiguration as OpenObject>::FIELDS,
    <TwoFactorMethod as OpenObject>::FIELDS,
    <AuthenticatorConfiguration as OpenObject>::FIELDS,
    <LoginFailedReason as OpenObject>::FIELDS,
    <Errors as OpenObject>::FIELDS,
    <ErrorMessage as OpenObject>::FIELDS,
    <RefreshToken as OpenObject>::FIELDS,
    <RefreshTokenMetaData as OpenObject>::FIELDS,
    <DeviceInfo as OpenObject>::FIELDS,
    <IdentityProviderLink as OpenObject>::FIELDS,
    <Entity as OpenObject>::FIELDS,
    <EntityType as OpenObject>::FIELDS,
    <EntityJwtConfiguration as OpenObject>::FIELDS,
    <EntityTypePermission as OpenObject>::FIELDS,
    <Group as OpenObject>::FIELDS,
    <GroupMember as OpenObject>::FIELDS,
    <ApplicationRole as OpenObject>::FIELDS,
    <AuditLog as OpenObject>::FIELDS,
    <EventLog as OpenObject>::FIELDS,
    <Email as OpenObject>::FIELDS,
    <EmailAddress as OpenObject>::FIELDS,
    <EmailAttachment as OpenObject>::FIELDS,
    <User as OpenObject>::FIELDS,
    <UserRegistration as OpenObject>::FIELDS,
    <UserIdentity as OpenObject>::FIELDS,
    <IdentityInfo as OpenObject>::FIELDS,
];
