//! The closed list of event types FusionAuth sends, with their wire names.

use std::fmt;
use std::str::FromStr;

/// Calls `$callback!` with one row per FusionAuth event type:
/// `Variant, "wire.name", [other accepted spellings], transactional, "description"`.
///
/// The table is the single source of truth for [`EventType`] and for the typed
/// [`Payload`](super::Payload) enum, so the two can never disagree. Rows follow
/// FusionAuth's `EventType` enum (Java client 1.65, TypeScript client 1.69) plus
/// the `entity.*` events of the 1.69 docs; `tx` is `EventType.isTransactionalEvent()`.
macro_rules! for_each_event_type {
    ($callback:ident) => {
        $callback! {
            AuditLogCreate, "audit-log.create", [], false, "An audit log entry was created (system scoped).";
            EventLogCreate, "event-log.create", [], false, "An event log entry was created (system scoped).";
            KickstartSuccess, "kickstart.success", [], false, "Kickstart finished configuring the instance (system scoped).";
            JwtPublicKeyUpdate, "jwt.public-key.update", [], true, "A key used to sign JWTs for some applications changed.";
            JwtRefresh, "jwt.refresh", [], true, "An access token was refreshed.";
            JwtRefreshTokenRevoke, "jwt.refresh-token.revoke", [], true, "One or all refresh tokens of a user were revoked.";
            GroupCreate, "group.create", [], true, "A group is being created.";
            GroupCreateComplete, "group.create.complete", [], false, "A group was created.";
            GroupDelete, "group.delete", [], true, "A group is being deleted.";
            GroupDeleteComplete, "group.delete.complete", [], false, "A group was deleted.";
            GroupMemberAdd, "group.member.add", [], true, "Users are being added to a group.";
            GroupMemberAddComplete, "group.member.add.complete", [], false, "Users were added to a group.";
            GroupMemberRemove, "group.member.remove", [], true, "Users are being removed from a group.";
            GroupMemberRemoveComplete, "group.member.remove.complete", [], false, "Users were removed from a group.";
            GroupMemberUpdate, "group.member.update", [], true, "Group memberships are being updated.";
            GroupMemberUpdateComplete, "group.member.update.complete", [], false, "Group memberships were updated.";
            GroupUpdate, "group.update", [], true, "A group is being updated.";
            GroupUpdateComplete, "group.update.complete", [], false, "A group was updated.";
            UserAction, "user.action", [], true, "A user action (lock, warning, ...) started, changed, was cancelled or ended.";
            UserBulkCreate, "user.bulk.create", [], true, "Users are being imported through the Import API.";
            UserCreate, "user.create", [], true, "A user is being created.";
            UserCreateComplete, "user.create.complete", [], false, "A user was created.";
            UserDeactivate, "user.deactivate", [], true, "A user is being deactivated.";
            UserDelete, "user.delete", [], true, "A user is being deleted.";
            UserDeleteComplete, "user.delete.complete", [], false, "A user was deleted.";
            UserEmailUpdate, "user.email.update", [], false, "A user's email address changed.";
            UserEmailVerified, "user.email.verified", [], true, "A user verified their email address.";
            UserIdentityProviderLink, "user.identity-provider.link", [], false, "A user was linked to an identity provider.";
            UserIdentityProviderUnlink, "user.identity-provider.unlink", [], false, "A user was unlinked from an identity provider.";
            UserIdentityUpdate, "user.identity.update", [], true, "A user's login identity changed.";
            UserIdentityVerified, "user.identity.verified", [], true, "A user verified a login identity.";
            UserLoginIdDuplicateCreate, "user.loginId.duplicate.create", [], false, "A user was created with a login id another user has.";
            UserLoginIdDuplicateUpdate, "user.loginId.duplicate.update", [], false, "A user was updated to a login id another user has.";
            UserLoginFailed, "user.login.failed", [], true, "A login attempt failed.";
            UserLoginNewDevice, "user.login.new-device", [], true, "A user logged in from a new device.";
            UserLoginSuccess, "user.login.success", [], true, "A user logged in.";
            UserLoginSuspicious, "user.login.suspicious", [], true, "A login looked suspicious to threat detection.";
            UserPasswordBreach, "user.password.breach", [], true, "A user's password was found in a breach.";
            UserPasswordResetSend, "user.password.reset.send", [], false, "A password reset message was sent.";
            UserPasswordResetStart, "user.password.reset.start", [], false, "A password reset started.";
            UserPasswordResetSuccess, "user.password.reset.success", [], false, "A password reset succeeded.";
            UserPasswordUpdate, "user.password.update", [], false, "A user's password changed.";
            UserReactivate, "user.reactivate", [], true, "A user is being reactivated.";
            UserRegistrationCreate, "user.registration.create", [], true, "A registration is being created.";
            UserRegistrationCreateComplete, "user.registration.create.complete", [], false, "A registration was created.";
            UserRegistrationDelete, "user.registration.delete", [], true, "A registration is being deleted.";
            UserRegistrationDeleteComplete, "user.registration.delete.complete", [], false, "A registration was deleted.";
            UserRegistrationUpdate, "user.registration.update", [], true, "A registration is being updated.";
            UserRegistrationUpdateComplete, "user.registration.update.complete", [], false, "A registration was updated.";
            UserRegistrationVerified, "user.registration.verified", [], true, "A user verified a registration.";
            UserTwoFactorChallenge, "user.two-factor.challenge", [], false, "A two-factor challenge was issued.";
            UserTwoFactorFailedAttempt, "user.two-factor.failed-attempt", ["user.two-factor.failed.attempt"], false, "A two-factor code was wrong.";
            UserTwoFactorSuccess, "user.two-factor.success", [], false, "A two-factor challenge succeeded.";
            UserTwoFactorMethodAdd, "user.two-factor.method.add", [], false, "A two-factor method was added to a user.";
            UserTwoFactorMethodRemove, "user.two-factor.method.remove", [], false, "A two-factor method was removed from a user.";
            UserUpdate, "user.update", [], true, "A user is being updated.";
            UserUpdateComplete, "user.update.complete", [], false, "A user was updated.";
            EntityCreate, "entity.create", [], true, "An entity is being created.";
            EntityCreateComplete, "entity.create.complete", [], false, "An entity was created.";
            EntityDelete, "entity.delete", [], true, "An entity is being deleted.";
            EntityDeleteComplete, "entity.delete.complete", [], false, "An entity was deleted.";
            EntityUpdate, "entity.update", [], true, "An entity is being updated.";
            EntityUpdateComplete, "entity.update.complete", [], false, "An entity was updated.";
            Test, "test", [], true, "A test event sent from the FusionAuth admin UI.";
        }
    };
}
pub(crate) use for_each_event_type;

macro_rules! define_event_type {
    ($($variant:ident, $wire:literal, [$($alias:literal),*], $tx:literal, $doc:literal;)*) => {
        /// A FusionAuth event type, as named by the `type` field of an event.
        ///
        /// Matching is exact and case-sensitive, as FusionAuth's own clients do.
        /// A type this enum does not know is no error: it reaches handlers as an
        /// event whose [`event_type`](crate::Event::event_type) is `None`, with its
        /// type string kept.
        ///
        /// ```
        /// use fusionauth_webhooks::EventType;
        ///
        /// let ty: EventType = "user.delete".parse().unwrap();
        /// assert_eq!(ty, EventType::UserDelete);
        /// assert_eq!(ty.as_str(), "user.delete");
        /// assert!(ty.is_transactional());
        /// // FusionAuth's docs and clients disagree on this one; both spellings are accepted.
        /// assert_eq!(
        ///     "user.two-factor.failed.attempt".parse::<EventType>().unwrap(),
        ///     EventType::UserTwoFactorFailedAttempt,
        /// );
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum EventType {
            $(
                #[doc = concat!("`", $wire, "`: ", $doc)]
                $variant,
            )*
        }

        impl EventType {
            /// Every event type, in FusionAuth's order.
            pub const ALL: &'static [EventType] = &[$(EventType::$variant),*];

            /// The wire name, as FusionAuth's client libraries spell it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(EventType::$variant => $wire,)*
                }
            }

            /// Whether FusionAuth waits for this event's webhooks before it commits
            /// the operation, so that a non-2xx answer can veto it.
            ///
            /// Whether it actually does depends on the tenant's transaction setting
            /// for the event; a non-transactional event is never waited for.
            pub const fn is_transactional(self) -> bool {
                match self {
                    $(EventType::$variant => $tx,)*
                }
            }

            /// Looks up a wire name, accepting the alternative spellings FusionAuth
            /// has used; `None` for a type this version does not know.
            pub fn from_wire(name: &str) -> Option<EventType> {
                match name {
                    $($wire $(| $alias)* => Some(EventType::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

for_each_event_type!(define_event_type);

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of parsing an unknown event type name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown FusionAuth event type `{0}`")]
pub struct UnknownEventType(pub String);

impl FromStr for EventType {
    type Err = UnknownEventType;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        EventType::from_wire(name).ok_or_else(|| UnknownEventType(name.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_wire_name_parses_back_to_its_variant() {
        for ty in EventType::ALL {
            assert_eq!(ty.as_str().parse::<EventType>(), Ok(*ty));
            assert_eq!(ty.to_string(), ty.as_str());
        }
    }

    #[test]
    fn the_list_has_all_sixty_four_types() {
        assert_eq!(EventType::ALL.len(), 64);
    }

    #[test]
    fn both_two_factor_failed_attempt_spellings_are_accepted() {
        for name in [
            "user.two-factor.failed-attempt",
            "user.two-factor.failed.attempt",
        ] {
            assert_eq!(
                EventType::from_wire(name),
                Some(EventType::UserTwoFactorFailedAttempt)
            );
        }
    }

    #[test]
    fn matching_is_case_sensitive() {
        assert_eq!(
            "User.Delete".parse::<EventType>(),
            Err(UnknownEventType("User.Delete".into()))
        );
    }

    #[test]
    fn transactional_flags_follow_fusionauth() {
        assert!(EventType::UserCreate.is_transactional());
        assert!(!EventType::UserCreateComplete.is_transactional());
        assert!(!EventType::AuditLogCreate.is_transactional());
        assert!(EventType::JwtRefreshTokenRevoke.is_transactional());
        assert!(!EventType::UserEmailUpdate.is_transactional());
    }
}
