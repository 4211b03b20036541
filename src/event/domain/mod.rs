//! FusionAuth's objects as events carry them: users, registrations, groups,
//! entities, log entries, two-factor methods, ...
//!
//! Every field is an `Option`, because FusionAuth omits null fields and older
//! versions lack newer ones, and every struct keeps the fields it does not
//! know in `extra`, so reading an object and writing it back loses nothing.
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
//! assert_eq!(user.extra["favouriteColour"], "teal");
//! # Ok::<(), serde_json::Error>(())
//! ```

mod macros;

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
