//! The building blocks of the samples: the envelope and the objects events
//! carry.

use serde_json::{Value, json};
use uuid::Uuid;

use super::{
    APPLICATION_ID, CREATE_INSTANT, ENTITY_ID, EVENT_ID, FUSIONAUTH_CONNECTOR_ID,
    GOOGLE_IDENTITY_PROVIDER_ID, GROUP_ID, TENANT_ID, USER_ID,
};
use crate::domain::{
    ApplicationRole, AuditLog, AuthenticatorConfiguration, ContentStatus, Entity,
    EntityJwtConfiguration, EntityType, EntityTypePermission, EventLog, EventLogType, Group,
    GroupMember, IdentityProviderLink, IdentityProviderType, IdentityVerifiedReason, RefreshToken,
    RefreshTokenMetaData, TotpAlgorithm, TwoFactorMethod, User, UserIdentity, UserRegistration,
    UserTwoFactorConfiguration,
};
use crate::event::{Envelope, EventInfo, EventType, Instant, JsonMap, Location};

/// An instant `minutes` before [`CREATE_INSTANT`](super::CREATE_INSTANT).
fn minutes_before(minutes: i64) -> Option<Instant> {
    Some(Instant::from_millis(
        CREATE_INSTANT.as_millis() - minutes * 60_000,
    ))
}

/// A JSON object from a `json!` literal.
fn object(value: Value) -> Option<JsonMap> {
    match value {
        Value::Object(map) => Some(map.into()),
        _ => None,
    }
}

/// The envelope of a sample of `event_type`: a fixed id and instant, the
/// sample tenant (none for `event-log.create` and `kickstart.success`, which
/// are instance-wide) and [`info`] (none for `kickstart.success`).
///
/// `linkedObjectId` is left out; the event samples set it to the user, group
/// or entity they are about.
pub fn envelope(event_type: EventType) -> Envelope {
    let instance_wide = matches!(
        event_type,
        EventType::EventLogCreate | EventType::KickstartSuccess
    );
    Envelope {
        id: Some(EVENT_ID),
        create_instant: Some(CREATE_INSTANT),
        event_type: event_type.as_str().to_owned(),
        tenant_id: (!instance_wide).then_some(TENANT_ID),
        info: (event_type != EventType::KickstartSuccess).then(info),
        linked_object_id: None,
    }
}

/// About the request behind a sample event: a browser in Lisbon.
pub fn info() -> EventInfo {
    EventInfo {
        device_description: Some("macOS Firefox".into()),
        device_name: Some("Ada's MacBook".into()),
        device_type: Some("BROWSER".into()),
        ip_address: Some("203.0.113.42".into()),
        location: Some(location()),
        os: Some("macOS 14.5".into()),
        user_agent: Some(
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:126.0) Gecko/20100101 Firefox/126.0"
                .into(),
        ),
        ..EventInfo::default()
    }
}

/// Where the sample requests come from.
pub fn location() -> Location {
    Location {
        city: Some("Lisbon".into()),
        country: Some("PT".into()),
        display_string: Some("Lisbon, 11, PT".into()),
        latitude: Some(38.7223),
        longitude: Some(-9.1393),
        region: Some("11".into()),
        zipcode: Some("1100-148".into()),
        ..Location::default()
    }
}

/// Ada Okafor, the sample user: registered with [`APPLICATION_ID`], member
/// of the sample group, with an authenticator app, two identities and data.
///
/// [`APPLICATION_ID`]: super::APPLICATION_ID
pub fn user() -> User {
    User {
        active: Some(true),
        birth_date: Some("1991-03-14".into()),
        breached_password_last_checked_instant: minutes_before(60 * 24 * 3),
        breached_password_status: Some(crate::event::domain::BreachedPasswordStatus::None),
        connector_id: Some(FUSIONAUTH_CONNECTOR_ID),
        data: object(json!({"department": "Robotics", "employeeNumber": 4711, "newsletter": true})),
        email: Some("ada.okafor@example.com".into()),
        first_name: Some("Ada".into()),
        full_name: Some("Ada N. Okafor".into()),
        id: Some(USER_ID),
        identities: Some(vec![
            identity("email", "ada.okafor@example.com", true),
            identity("phoneNumber", "+351912345678", false),
        ]),
        image_url: Some("https://images.example.com/avatars/ada.png".into()),
        insert_instant: minutes_before(60 * 24 * 200),
        last_login_instant: minutes_before(5),
        last_name: Some("Okafor".into()),
        last_update_instant: minutes_before(60 * 24 * 7),
        memberships: Some(vec![membership()]),
        middle_name: Some("Nneka".into()),
        mobile_phone: Some("+351 912 345 678".into()),
        password_change_required: Some(false),
        password_last_update_instant: minutes_before(60 * 24 * 30),
        phone_number: Some("+351912345678".into()),
        preferred_languages: Some(vec!["en".into(), "pt-PT".into()]),
        registrations: Some(vec![registration()]),
        tenant_id: Some(TENANT_ID),
        timezone: Some("Europe/Lisbon".into()),
        two_factor: Some(UserTwoFactorConfiguration {
            methods: Some(vec![two_factor_method()]),
            recovery_codes: Some(Vec::new()),
            ..UserTwoFactorConfiguration::default()
        }),
        unique_username: Some("ada".into()),
        username: Some("ada".into()),
        username_status: Some(ContentStatus::Active),
        verified: Some(true),
        verified_instant: minutes_before(60 * 24 * 199),
        ..User::default()
    }
}

/// One login identity of the sample user.
fn identity(identity_type: &str, value: &str, primary: bool) -> UserIdentity {
    UserIdentity {
        identity_type: Some(identity_type.into()),
        value: Some(value.into()),
        primary: Some(primary),
        insert_instant: minutes_before(60 * 24 * 200),
        last_update_instant: minutes_before(60 * 24 * 200),
        moderation_status: Some(ContentStatus::Active),
        verified: Some(primary),
        verified_instant: if primary {
            minutes_before(60 * 24 * 199)
        } else {
            None
        },
        verified_reason: Some(if primary {
            IdentityVerifiedReason::Completed
        } else {
            IdentityVerifiedReason::Pending
        }),
        ..UserIdentity::default()
    }
}

/// The sample user's registration with [`APPLICATION_ID`](super::APPLICATION_ID).
pub fn registration() -> UserRegistration {
    UserRegistration {
        application_id: Some(APPLICATION_ID),
        data: object(json!({"plan": "team", "seats": 12})),
        id: Some(Uuid::from_u128(0x4b6d8f0a_2c4e_4a6b_8d0f_1a3c5e7b9d2f)),
        insert_instant: minutes_before(60 * 24 * 200),
        last_login_instant: minutes_before(5),
        last_update_instant: minutes_before(60 * 24 * 30),
        preferred_languages: Some(vec!["en".into()]),
        roles: Some(vec!["editor".into(), "viewer".into()]),
        timezone: Some("Europe/Lisbon".into()),
        username: Some("ada".into()),
        username_status: Some(ContentStatus::Active),
        verified: Some(true),
        verified_instant: minutes_before(60 * 24 * 199),
        ..UserRegistration::default()
    }
}

/// The sample group, "Robotics Engineers", granting the `editor` role.
pub fn group() -> Group {
    let editor = ApplicationRole {
        id: Some(Uuid::from_u128(0x6e8a0c2e_4f6b_4d8a_9c1e_3f5b7d9a1c3e)),
        name: Some("editor".into()),
        description: Some("May edit robot programs".into()),
        is_default: Some(false),
        is_super_role: Some(false),
        insert_instant: minutes_before(60 * 24 * 365),
        last_update_instant: minutes_before(60 * 24 * 365),
        ..ApplicationRole::default()
    };
    Group {
        data: object(json!({"costCenter": "RB-204"})),
        id: Some(GROUP_ID),
        insert_instant: minutes_before(60 * 24 * 300),
        last_update_instant: minutes_before(60 * 24 * 10),
        name: Some("Robotics Engineers".into()),
        roles: Some([(APPLICATION_ID, vec![editor])].into()),
        tenant_id: Some(TENANT_ID),
        ..Group::default()
    }
}

/// The sample user's membership of the sample group.
pub fn membership() -> GroupMember {
    GroupMember {
        data: object(json!({"addedBy": "onboarding"})),
        group_id: Some(GROUP_ID),
        id: Some(Uuid::from_u128(0x0f2b4d6e_8a1c_4e3b_9d5f_7a9c1e3b5d7f)),
        insert_instant: minutes_before(60 * 24 * 150),
        user_id: Some(USER_ID),
        ..GroupMember::default()
    }
}

/// The sample user's authenticator app.
pub fn two_factor_method() -> TwoFactorMethod {
    TwoFactorMethod {
        authenticator: Some(AuthenticatorConfiguration {
            algorithm: Some(TotpAlgorithm::HmacSha1),
            code_length: Some(6),
            time_step: Some(30),
            ..AuthenticatorConfiguration::default()
        }),
        id: Some("K7QX".into()),
        last_used: Some(true),
        method: Some("authenticator".into()),
        name: Some("Phone authenticator".into()),
        ..TwoFactorMethod::default()
    }
}

/// The sample entity: a warehouse robot with its type and permissions.
pub fn entity() -> Entity {
    let permission = |id: u128, name: &str, default: bool| EntityTypePermission {
        data: Some(JsonMap::new()),
        description: Some(format!("{name} on the robot's API")),
        id: Some(Uuid::from_u128(id)),
        insert_instant: minutes_before(60 * 24 * 400),
        is_default: Some(default),
        last_update_instant: minutes_before(60 * 24 * 400),
        name: Some(name.into()),
        ..EntityTypePermission::default()
    };
    Entity {
        client_id: Some("8d1f3b5a-7c9e-4b2d-a4f6-1e3c5a7b9d0f".into()),
        data: object(json!({"serialNumber": "WR-0042", "site": "Porto"})),
        id: Some(ENTITY_ID),
        insert_instant: minutes_before(60 * 24 * 90),
        last_update_instant: minutes_before(60 * 24 * 2),
        name: Some("Warehouse robot WR-0042".into()),
        tenant_id: Some(TENANT_ID),
        entity_type: Some(EntityType {
            data: Some(JsonMap::new()),
            id: Some(Uuid::from_u128(0xc3e5a7b9_1d2f_4a4c_8e6a_0b2d4f6a8c1e)),
            insert_instant: minutes_before(60 * 24 * 400),
            jwt_configuration: Some(EntityJwtConfiguration {
                enabled: Some(true),
                time_to_live_in_seconds: Some(3600),
                access_token_key_id: Some(Uuid::from_u128(0xa1c3e5b7_9d0f_4b2a_8c4e_6f8a0b2c4d6e)),
                ..EntityJwtConfiguration::default()
            }),
            last_update_instant: minutes_before(60 * 24 * 400),
            name: Some("Robot".into()),
            permissions: Some(vec![
                permission(
                    0xd4f6b8a0_2e3a_4c5e_9f7b_1c3e5a7d9b0f,
                    "READ_TELEMETRY",
                    true,
                ),
                permission(
                    0xe5a7c9b1_3f4b_4d6f_8a8c_2d4f6b8e0a1c,
                    "SEND_COMMANDS",
                    false,
                ),
            ]),
            ..EntityType::default()
        }),
        ..Entity::default()
    }
}

/// The sample user's link to a Google account.
pub fn identity_provider_link() -> IdentityProviderLink {
    IdentityProviderLink {
        data: object(json!({"hd": "example.com"})),
        display_name: Some("ada.okafor@example.com".into()),
        identity_provider_id: Some(GOOGLE_IDENTITY_PROVIDER_ID),
        identity_provider_name: Some("Google".into()),
        identity_provider_type: Some(IdentityProviderType::Google),
        identity_provider_user_id: Some("109876543210987654321".into()),
        insert_instant: minutes_before(1),
        last_login_instant: minutes_before(1),
        tenant_id: Some(TENANT_ID),
        user_id: Some(USER_ID),
        ..IdentityProviderLink::default()
    }
}

/// A refresh token of the sample user, issued to a phone.
pub fn refresh_token() -> RefreshToken {
    RefreshToken {
        application_id: Some(APPLICATION_ID),
        id: Some(Uuid::from_u128(0xf6b8d0c2_4a5c_4e7a_9b9d_3e5a7c9f1b2d)),
        insert_instant: minutes_before(60 * 24),
        meta_data: Some(RefreshTokenMetaData {
            device: Some(crate::event::domain::DeviceInfo {
                description: Some("Ada's phone".into()),
                last_accessed_address: Some("203.0.113.42".into()),
                last_accessed_instant: minutes_before(10),
                name: Some("Pixel 8".into()),
                device_type: Some("MOBILE".into()),
                ..Default::default()
            }),
            scopes: Some(vec!["offline_access".into(), "openid".into()]),
            ..RefreshTokenMetaData::default()
        }),
        start_instant: minutes_before(60 * 24),
        tenant_id: Some(TENANT_ID),
        token: Some("Vb3yQ0c9rT1mZ8kLxW2pN6sH4dF7gJ5a".into()),
        user_id: Some(USER_ID),
        ..RefreshToken::default()
    }
}

/// An audit log entry: an administrator renamed the sample user.
pub fn audit_log() -> AuditLog {
    AuditLog {
        data: object(json!({"source": "admin-ui"})),
        id: Some(90_214),
        insert_instant: Some(CREATE_INSTANT),
        insert_user: Some("grace.admin@example.com".into()),
        message: Some(format!(
            "Updated the user with Id [{USER_ID}] and loginId [ada.okafor@example.com]"
        )),
        new_value: Some(json!({"id": USER_ID, "lastName": "Okafor"})),
        old_value: Some(json!({"id": USER_ID, "lastName": "Okafor-Silva"})),
        reason: Some("FusionAuth User Interface".into()),
        tenant_id: Some(TENANT_ID),
        ..AuditLog::default()
    }
}

/// An event log entry: a webhook that did not answer.
pub fn event_log() -> EventLog {
    EventLog {
        id: Some(51_377),
        insert_instant: Some(CREATE_INSTANT),
        message: Some(format!(
            "Webhook [https://hooks.example.com/fusionauth] returned response code [503] \
             when sending [user.update] event with Id [{EVENT_ID}]."
        )),
        log_type: Some(EventLogType::Error),
        ..EventLog::default()
    }
}
