//! Payloads of the user events, except logins and two-factor ones.

use uuid::Uuid;

use super::{payload, payloads_with};
use crate::event::Instant;
use crate::event::domain::{
    Email, IdentityInfo, IdentityProviderLink, User, UserActionPhase, UserRegistration,
};

payloads_with! {
    {
        /// The user.
        user: User,
    }
    /// A user is being created; answer non-2xx to refuse it (when transactional).
    UserCreate,
    /// A user was created.
    UserCreateComplete,
    /// A user is being deactivated.
    UserDeactivate,
    /// A user is being deleted.
    UserDelete,
    /// A user was deleted.
    UserDeleteComplete,
    /// A user verified their email address.
    UserEmailVerified,
    /// A user's password was found in a breached-password list.
    UserPasswordBreach,
    /// A password reset message was sent to a user.
    UserPasswordResetSend,
    /// A user started a password reset.
    UserPasswordResetStart,
    /// A user completed a password reset.
    UserPasswordResetSuccess,
    /// A user's password changed.
    UserPasswordUpdate,
    /// A user is being reactivated.
    UserReactivate,
}

payloads_with! {
    {
        /// The user as it is now.
        user: User,
        /// The user as it was before.
        original: User,
    }
    /// A user is being updated.
    UserUpdate,
    /// A user was updated.
    UserUpdateComplete,
}

payloads_with! {
    {
        /// The application.
        application_id: Uuid,
        /// The registration.
        registration: UserRegistration,
        /// The user.
        user: User,
    }
    /// A user is being registered with an application.
    UserRegistrationCreate,
    /// A user was registered with an application.
    UserRegistrationCreateComplete,
    /// A user's registration is being deleted.
    UserRegistrationDelete,
    /// A user's registration was deleted.
    UserRegistrationDeleteComplete,
    /// A user verified their registration with an application.
    UserRegistrationVerified,
}

payloads_with! {
    {
        /// The application.
        application_id: Uuid,
        /// The registration as it was before.
        original: UserRegistration,
        /// The registration as it is now.
        registration: UserRegistration,
        /// The user.
        user: User,
    }
    /// A user's registration is being updated.
    UserRegistrationUpdate,
    /// A user's registration was updated.
    UserRegistrationUpdateComplete,
}

payloads_with! {
    {
        /// The link.
        identity_provider_link: IdentityProviderLink,
        /// The user.
        user: User,
    }
    /// A user was linked to an account at an identity provider.
    UserIdentityProviderLink,
    /// A user was unlinked from an account at an identity provider.
    UserIdentityProviderUnlink,
}

payloads_with! {
    {
        /// The email address that was already in use.
        duplicate_email: String,
        /// The identities that were already in use (FusionAuth 1.59+).
        duplicate_identities: Vec<IdentityInfo>,
        /// The phone number that was already in use (FusionAuth 1.59+).
        duplicate_phone_number: String,
        /// The username that was already in use.
        duplicate_username: String,
        /// The user that already has the login id.
        existing: User,
        /// The user being created or updated.
        user: User,
    }
    /// A user was created with a login id another user has (in another tenant
    /// or through a connector).
    UserLoginIdDuplicateCreate,
    /// A user was updated to a login id another user has.
    UserLoginIdDuplicateUpdate,
}

payload! {
    /// A user action (a lock, a warning, a reward, ...) started, changed,
    /// was cancelled or ended.
    UserAction {
        /// The action's name.
        action: String,
        /// The user action's id.
        action_id: Uuid,
        /// The user the action is taken on. (FusionAuth's own sample calls this
        /// `actioneeId`; that spelling lands in `extra`.)
        actionee_user_id: Uuid,
        /// The user taking the action.
        actioner_user_id: Uuid,
        /// The applications the action applies to.
        application_ids: Vec<Uuid>,
        /// A comment from the actioner.
        comment: String,
        /// The email sent to the user, when the action sends one.
        email: Email,
        /// Whether the user was emailed.
        emailed_user: bool,
        /// When a time-based action ends.
        expiry: Instant,
        /// The action's name in the user's language.
        localized_action: String,
        /// The duration in the user's language, such as "2 days".
        localized_duration: String,
        /// The option in the user's language.
        localized_option: String,
        /// The reason in the user's language.
        localized_reason: String,
        /// Whether the user should be notified.
        notify_user: bool,
        /// The option chosen.
        option: String,
        /// Start, modify, cancel or end.
        phase: UserActionPhase,
        /// The reason.
        reason: String,
        /// The reason's code.
        reason_code: String,
    }

    /// Users are being imported through the Import API (which sends no
    /// `user.create`).
    UserBulkCreate {
        /// The users.
        users: Vec<User>,
    }

    /// A user's email address changed outside a password workflow.
    UserEmailUpdate {
        /// The address before the change.
        previous_email: String,
        /// The user, with the new address.
        user: User,
    }

    /// A user's login identity (email, phone number, ...) changed (FusionAuth 1.59+).
    UserIdentityUpdate {
        /// The kind of identity: `email`, `phoneNumber`, ...
        login_id_type: String,
        /// The new value.
        new_login_id: String,
        /// The previous value.
        previous_login_id: String,
        /// The user.
        user: User,
    }

    /// A user verified a login identity (FusionAuth 1.59+).
    UserIdentityVerified {
        /// The identity's value.
        login_id: String,
        /// Its kind: `email`, `phoneNumber`, ...
        login_id_type: String,
        /// The user.
        user: User,
    }
}
