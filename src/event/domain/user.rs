//! Users, their registrations and their login identities.

use std::collections::BTreeMap;

use crate::event::JsonMap;
use uuid::Uuid;

use super::{
    BreachedPasswordStatus, ChangePasswordReason, ContentStatus, GroupMember,
    IdentityVerifiedReason, UserTwoFactorConfiguration, model,
};
use crate::event::Instant;

model! {
    /// A user, as FusionAuth puts it in events (`User`).
    ///
    /// It is a "secured" copy: FusionAuth removes the password hash, salt
    /// and two-factor secrets before sending it, and sorts the registrations
    /// by application id.
    pub struct User {
        /// Whether the user may log in.
        active: bool,
        /// The birth date, `YYYY-MM-DD`.
        birth_date: String,
        /// When the password was last checked against breached-password lists.
        breached_password_last_checked_instant: Instant,
        /// The result of that check.
        breached_password_status: BreachedPasswordStatus,
        /// The user's id in CleanSpeak, when moderation is on.
        clean_speak_id: Uuid,
        /// The connector that authenticates the user (FusionAuth's own by default).
        connector_id: Uuid,
        /// Custom data.
        data: JsonMap,
        /// The email address.
        email: String,
        /// When the account expires.
        expiry: Instant,
        /// The first name.
        first_name: String,
        /// The full name.
        full_name: String,
        /// The id.
        id: Uuid,
        /// The login identities: email, phone number, username (FusionAuth 1.59+).
        identities: Vec<UserIdentity>,
        /// A URL of the user's picture.
        image_url: String,
        /// When the user was created.
        insert_instant: Instant,
        /// When the user last logged in.
        last_login_instant: Instant,
        /// The last name.
        last_name: String,
        /// When the user was last changed.
        last_update_instant: Instant,
        /// An identifier carried over from a legacy system.
        legacy_identifier: String,
        /// The groups the user belongs to.
        memberships: Vec<GroupMember>,
        /// The middle name.
        middle_name: String,
        /// The mobile phone number, as entered.
        mobile_phone: String,
        /// A parent's email address, for a child account.
        parent_email: String,
        /// Why the user must change their password.
        password_change_reason: ChangePasswordReason,
        /// Whether the user must change their password at the next login.
        password_change_required: bool,
        /// When the password was last changed.
        password_last_update_instant: Instant,
        /// The phone number identity (FusionAuth 1.59+).
        phone_number: String,
        /// Preferred languages, as locale tags such as `en` or `fr-CA`.
        preferred_languages: Vec<String>,
        /// The user's registrations with applications.
        registrations: Vec<UserRegistration>,
        /// The tenant.
        tenant_id: Uuid,
        /// The time zone, such as `America/Denver`.
        timezone: String,
        /// Two-factor methods and recovery codes (secrets removed).
        two_factor: UserTwoFactorConfiguration,
        /// Whether two-factor authentication is on (sent by older versions).
        two_factor_enabled: bool,
        /// The username as made unique by FusionAuth (unique usernames feature).
        unique_username: String,
        /// The username.
        username: String,
        /// The moderation status of the username.
        username_status: ContentStatus,
        /// Whether the email address (or primary identity) is verified.
        verified: bool,
        /// When it was verified.
        verified_instant: Instant,
    }
}

model! {
    /// A user's registration with one application (`UserRegistration`).
    pub struct UserRegistration {
        /// The application.
        application_id: Uuid,
        /// A token for the application's authentication tokens feature.
        authentication_token: String,
        /// The registration's id in CleanSpeak, when moderation is on.
        clean_speak_id: Uuid,
        /// Custom data.
        data: JsonMap,
        /// The id.
        id: Uuid,
        /// When the user registered.
        insert_instant: Instant,
        /// When the user last logged in to the application.
        last_login_instant: Instant,
        /// When the registration last changed.
        last_update_instant: Instant,
        /// Preferred languages for this application.
        preferred_languages: Vec<String>,
        /// The user's roles in the application.
        roles: Vec<String>,
        /// The time zone for this application.
        timezone: String,
        /// Identity provider tokens, by identity provider.
        tokens: BTreeMap<String, String>,
        /// The username for this application.
        username: String,
        /// The moderation status of that username.
        username_status: ContentStatus,
        /// Whether the registration is verified.
        verified: bool,
        /// When it was verified.
        verified_instant: Instant,
    }
}

model! {
    /// One login identity of a user (`UserIdentity`, FusionAuth 1.59+).
    pub struct UserIdentity {
        /// The value formatted for display.
        display_value: String,
        /// When the identity was added.
        insert_instant: Instant,
        /// When the user last logged in with it.
        last_login_instant: Instant,
        /// When it last changed.
        last_update_instant: Instant,
        /// Its moderation status.
        moderation_status: ContentStatus,
        /// Whether it is the user's primary identity of its type.
        primary: bool,
        /// The kind: `email`, `phoneNumber`, `username`, ...
        identity_type as "type": String,
        /// The email address, phone number or username.
        value: String,
        /// Whether it is verified.
        verified: bool,
        /// When it was verified.
        verified_instant: Instant,
        /// Why it is (or is not) verified.
        verified_reason: IdentityVerifiedReason,
    }
}

model! {
    /// A login id that is already in use, as named by the duplicate login
    /// id events (`IdentityInfo`).
    pub struct IdentityInfo {
        /// The kind: `email`, `phoneNumber`, `username`, ...
        identity_type as "type": String,
        /// The value in use.
        value: String,
    }
}
