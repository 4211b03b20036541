//! One sample per event type.

use uuid::Uuid;

use super::{
    ADMIN_USER_ID, APPLICATION_ID, CREATE_INSTANT, ENTITY_ID, FUSIONAUTH_CONNECTOR_ID,
    GOOGLE_IDENTITY_PROVIDER_ID, GROUP_ID, USER_ID, audit_log, entity, envelope, event_log, group,
    identity_provider_link, membership, refresh_token, registration, user,
};
use crate::domain::{
    ClientRisk, ContentStatus, Email, EmailAddress, Entity, Group, IdentityInfo, LoginFailedReason,
    LoginFailedReasonCode, MessageType, TwoFactorMethod, User, UserActionPhase, UserRegistration,
};
use crate::event::domain::AuthenticationThreat::{ImpossibleTravel, UnrecognizedDevice};
use crate::event::payload::*;
use crate::event::{EventType, Instant, Payload};

/// A second user, Bruno Costa: imported in bulk, and the holder of the login
/// ids in the duplicate login id samples.
fn other_user() -> User {
    User {
        id: Some(Uuid::from_u128(0x2c4e6a8b_0d1f_4b3c_9e5a_7b9d1f3a5c7e)),
        email: Some("bruno.costa@example.com".into()),
        first_name: Some("Bruno".into()),
        last_name: Some("Costa".into()),
        username: Some("bruno".into()),
        unique_username: Some("bruno".into()),
        username_status: Some(ContentStatus::Active),
        preferred_languages: Some(vec!["pt-PT".into()]),
        memberships: Some(Vec::new()),
        registrations: Some(Vec::new()),
        ..user()
    }
}

/// Another application signed by the same key.
const SECOND_APPLICATION_ID: Uuid = Uuid::from_u128(0x9f8e7d6c_5b4a_4938_8a27_161504f3e2d1);

/// A sample access token (a JWT, signature made up).
const ACCESS_TOKEN: &str = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6InNhbXBsZS1rZXkifQ.\
eyJhdWQiOiI1YzdhOWUxMy0yYjRkLTRmNjAtOGExYy0zZTVmN2I5ZDBhMmMiLCJleHAiOjE3NDkwNDM4MDAsImlhdCI6MTc0OTA0MDIwMCwic3ViIjoiN2YzYzJhNTEtOGQwZS00YjZhLTljNDctMWUyZDNmNGE1YjZjIn0.\
c2FtcGxlLXNpZ25hdHVyZS1ub3QtdmFsaWQ";

/// Defines the sample functions and [`payload_of`] from one table of
/// `[function => Type, ...] about linked_object_id, { field: value, ... }`:
/// each function of a row returns its type with those fields set.
macro_rules! samples {
    (@one $name:ident $ty:ident $linked:expr, { $($field:ident: $value:expr),* $(,)? }) => {
        #[doc = concat!("A sample [`", stringify!($ty), "`] event.")]
        pub fn $name() -> $ty {
            $ty {
                envelope: crate::event::Envelope { linked_object_id: $linked, ..envelope(EventType::$ty) },
                $($field: Some($value),)*
                ..$ty::default()
            }
        }
    };
    ($( [$($name:ident => $ty:ident),+ $(,)?] about $linked:expr, $fields:tt )*) => {
        $($( samples!(@one $name $ty $linked, $fields); )+)*

        /// The sample of any event type.
        pub(super) fn payload_of(event_type: EventType) -> Payload {
            match event_type {
                $($(EventType::$ty => $name().into(),)+)*
            }
        }
    };
}

const USER: Option<Uuid> = Some(USER_ID);
const GROUP: Option<Uuid> = Some(GROUP_ID);
const ENTITY: Option<Uuid> = Some(ENTITY_ID);

samples! {
    [audit_log_create => AuditLogCreate] about None, { audit_log: audit_log() }
    [event_log_create => EventLogCreate] about None, { event_log: event_log() }
    [kickstart_success => KickstartSuccess] about None, {
        instance_id: Uuid::from_u128(0x0a9b8c7d_6e5f_4a3b_9c1d_2e3f4a5b6c7d),
    }
    [jwt_public_key_update => JwtPublicKeyUpdate] about None, {
        application_ids: vec![APPLICATION_ID, SECOND_APPLICATION_ID],
    }
    [jwt_refresh => JwtRefresh] about USER, {
        application_id: APPLICATION_ID,
        original: ACCESS_TOKEN.into(),
        refresh_token: "Vb3yQ0c9rT1mZ8kLxW2pN6sH4dF7gJ5a".into(),
        token: ACCESS_TOKEN.replace("sample-key", "sample-key-2"),
        user_id: USER_ID,
    }
    [jwt_refresh_token_revoke => JwtRefreshTokenRevoke] about USER, {
        application_id: APPLICATION_ID,
        application_time_to_live_in_seconds: [(APPLICATION_ID, 3600)].into(),
        refresh_token: refresh_token(),
        user: user(),
        user_id: USER_ID,
    }
    [
        group_create => GroupCreate,
        group_create_complete => GroupCreateComplete,
        group_delete => GroupDelete,
        group_delete_complete => GroupDeleteComplete,
    ] about GROUP, {
        group: group(),
    }
    [
        group_member_add => GroupMemberAdd,
        group_member_add_complete => GroupMemberAddComplete,
        group_member_remove => GroupMemberRemove,
        group_member_remove_complete => GroupMemberRemoveComplete,
        group_member_update => GroupMemberUpdate,
        group_member_update_complete => GroupMemberUpdateComplete,
    ] about GROUP, {
        group: group(),
        members: vec![membership()],
    }
    [
        group_update => GroupUpdate,
        group_update_complete => GroupUpdateComplete,
    ] about GROUP, {
        group: group(),
        original: renamed_group(),
    }
    [user_action => UserAction] about USER, {
        action: "Suspend".into(),
        action_id: Uuid::from_u128(0x7a9c1e3f_5b7d_4f9a_8c2e_4a6c8e0b2d4f),
        actionee_user_id: USER_ID,
        actioner_user_id: ADMIN_USER_ID,
        application_ids: vec![APPLICATION_ID],
        comment: "Three failed badge scans at the lab door".into(),
        email: action_email(),
        emailed_user: true,
        expiry: Instant::from_millis(CREATE_INSTANT.as_millis() + 2 * 24 * 3_600_000),
        localized_action: "Suspend".into(),
        localized_duration: "2 days".into(),
        localized_option: "Lab access only".into(),
        localized_reason: "Security policy".into(),
        notify_user: true,
        option: "Lab access only".into(),
        phase: UserActionPhase::Start,
        reason: "Security policy".into(),
        reason_code: "SEC-7".into(),
    }
    [user_bulk_create => UserBulkCreate] about None, { users: vec![user(), other_user()] }
    [
        user_create => UserCreate,
        user_create_complete => UserCreateComplete,
        user_delete => UserDelete,
        user_delete_complete => UserDeleteComplete,
        user_email_verified => UserEmailVerified,
        user_password_breach => UserPasswordBreach,
        user_password_reset_send => UserPasswordResetSend,
        user_password_reset_start => UserPasswordResetStart,
        user_password_reset_success => UserPasswordResetSuccess,
        user_password_update => UserPasswordUpdate,
        user_reactivate => UserReactivate,
    ] about USER, {
        user: user(),
    }
    [user_deactivate => UserDeactivate] about USER, { user: User { active: Some(false), ..user() } }
    [user_email_update => UserEmailUpdate] about USER, {
        previous_email: "ada@old-mail.example.net".into(),
        user: user(),
    }
    [
        user_identity_provider_link => UserIdentityProviderLink,
        user_identity_provider_unlink => UserIdentityProviderUnlink,
    ] about USER, {
        identity_provider_link: identity_provider_link(),
        user: user(),
    }
    [user_identity_update => UserIdentityUpdate] about USER, {
        login_id_type: "phoneNumber".into(),
        new_login_id: "+351912345678".into(),
        previous_login_id: "+351913000111".into(),
        user: user(),
    }
    [user_identity_verified => UserIdentityVerified] about USER, {
        login_id: "ada.okafor@example.com".into(),
        login_id_type: "email".into(),
        user: user(),
    }
    [user_login_id_duplicate_create => UserLoginIdDuplicateCreate] about USER, {
        duplicate_email: "bruno.costa@example.com".into(),
        duplicate_identities: vec![duplicate_identity("email", "bruno.costa@example.com")],
        existing: other_user(),
        user: User { email: Some("bruno.costa@example.com".into()), ..user() },
    }
    [user_login_id_duplicate_update => UserLoginIdDuplicateUpdate] about USER, {
        duplicate_username: "bruno".into(),
        duplicate_identities: vec![duplicate_identity("username", "bruno")],
        existing: other_user(),
        user: User { username: Some("bruno".into()), ..user() },
    }
    [user_login_failed => UserLoginFailed] about USER, {
        application_id: APPLICATION_ID,
        authentication_type: "PASSWORD".into(),
        reason: LoginFailedReason {
            code: Some(LoginFailedReasonCode::Credentials),
            ..LoginFailedReason::default()
        },
        user: user(),
    }
    [user_login_new_device => UserLoginNewDevice] about USER, {
        application_id: APPLICATION_ID,
        authentication_type: "PASSWORD".into(),
        connector_id: FUSIONAUTH_CONNECTOR_ID,
        ip_address: "203.0.113.42".into(),
        user: user(),
    }
    [user_login_success => UserLoginSuccess] about USER, {
        application_id: APPLICATION_ID,
        authentication_type: "GOOGLE".into(),
        connector_id: FUSIONAUTH_CONNECTOR_ID,
        identity_provider_id: GOOGLE_IDENTITY_PROVIDER_ID,
        identity_provider_name: "Google".into(),
        ip_address: "203.0.113.42".into(),
        user: user(),
    }
    [user_login_suspicious => UserLoginSuspicious] about USER, {
        application_id: APPLICATION_ID,
        authentication_type: "PASSWORD".into(),
        connector_id: FUSIONAUTH_CONNECTOR_ID,
        ip_address: "198.51.100.7".into(),
        threats_detected: vec![ImpossibleTravel, UnrecognizedDevice],
        user: user(),
    }
    [
        user_registration_create => UserRegistrationCreate,
        user_registration_create_complete => UserRegistrationCreateComplete,
        user_registration_delete => UserRegistrationDelete,
        user_registration_delete_complete => UserRegistrationDeleteComplete,
        user_registration_verified => UserRegistrationVerified,
    ] about USER, {
        application_id: APPLICATION_ID,
        registration: registration(),
        user: user(),
    }
    [
        user_registration_update => UserRegistrationUpdate,
        user_registration_update_complete => UserRegistrationUpdateComplete,
    ] about USER, {
        application_id: APPLICATION_ID,
        original: viewer_registration(),
        registration: registration(),
        user: user(),
    }
    [
        user_two_factor_challenge => UserTwoFactorChallenge,
        user_two_factor_success => UserTwoFactorSuccess,
    ] about USER, {
        application_id: APPLICATION_ID,
        client_risk: ClientRisk::Low,
        method: "authenticator".into(),
        user: user(),
    }
    [user_two_factor_failed_attempt => UserTwoFactorFailedAttempt] about USER, {
        application_id: APPLICATION_ID,
        client_risk: ClientRisk::Medium,
        message_type: MessageType::Sms,
        method: "sms".into(),
        user: user(),
    }
    [
        user_two_factor_method_add => UserTwoFactorMethodAdd,
        user_two_factor_method_remove => UserTwoFactorMethodRemove,
    ] about USER, {
        method: sms_method(),
        user: user(),
    }
    [
        user_update => UserUpdate,
        user_update_complete => UserUpdateComplete,
    ] about USER, {
        original: renamed_user(),
        user: user(),
    }
    [
        entity_create => EntityCreate,
        entity_create_complete => EntityCreateComplete,
        entity_delete => EntityDelete,
        entity_delete_complete => EntityDeleteComplete,
    ] about ENTITY, {
        entity: entity(),
    }
    [
        entity_update => EntityUpdate,
        entity_update_complete => EntityUpdateComplete,
    ] about ENTITY, {
        entity: entity(),
        original: renamed_entity(),
    }
    [test => Test] about None, { message: "Hello from the FusionAuth admin UI".into() }
}

/// The sample group before it was renamed.
fn renamed_group() -> Group {
    Group {
        name: Some("Robot Builders".into()),
        ..group()
    }
}

/// The sample user before her last name changed.
fn renamed_user() -> User {
    User {
        last_name: Some("Okafor-Silva".into()),
        full_name: Some("Ada N. Okafor-Silva".into()),
        ..user()
    }
}

/// The sample entity before it was renamed.
fn renamed_entity() -> Entity {
    Entity {
        name: Some("Warehouse robot (unassigned)".into()),
        ..entity()
    }
}

/// The sample registration before the `editor` role was added.
fn viewer_registration() -> UserRegistration {
    UserRegistration {
        roles: Some(vec!["viewer".into()]),
        ..registration()
    }
}

/// A text-message two-factor method.
fn sms_method() -> TwoFactorMethod {
    TwoFactorMethod {
        id: Some("R2D9".into()),
        last_used: Some(false),
        method: Some("sms".into()),
        mobile_phone: Some("+351912345678".into()),
        name: Some("Work phone".into()),
        ..TwoFactorMethod::default()
    }
}

/// A login id another user already has.
fn duplicate_identity(identity_type: &str, value: &str) -> IdentityInfo {
    IdentityInfo {
        identity_type: Some(identity_type.into()),
        value: Some(value.into()),
        ..IdentityInfo::default()
    }
}

/// The email the sample user action sends.
fn action_email() -> Email {
    let address = |address: &str, display: &str| EmailAddress {
        address: Some(address.into()),
        display: Some(display.into()),
        ..EmailAddress::default()
    };
    Email {
        attachments: Some(Vec::new()),
        bcc: Some(Vec::new()),
        cc: Some(vec![address("security@example.com", "Security team")]),
        from: Some(address("no-reply@example.com", "Example Robotics")),
        html: Some("<p>Your lab access is suspended for 2 days.</p>".into()),
        reply_to: Some(address("security@example.com", "Security team")),
        subject: Some("Your lab access is suspended".into()),
        text: Some("Your lab access is suspended for 2 days.".into()),
        to: Some(vec![address("ada.okafor@example.com", "Ada Okafor")]),
        ..Email::default()
    }
}
