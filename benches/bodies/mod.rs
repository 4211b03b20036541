//! What the benchmarks share: the FusionAuth-shaped bodies they measure
//! (built from the crate's own samples: small, typical and bulk) and the
//! webhook they send them to.
//!
//! The bodies have their keys in alphabetical order at every level, as
//! FusionAuth writes them: in a `user.update`, `original` (half the body)
//! comes before `type`, which a one-pass reader must set aside until it
//! knows the type.

use bytes::Bytes;
use fusionauth_webhooks::domain::{User, UserRegistration};
use fusionauth_webhooks::payload::{UserBulkCreate, UserLoginSuccess, UserUpdate};
use fusionauth_webhooks::samples;
use fusionauth_webhooks::{JsonMap, Router, Webhook};
use serde_json::{Value, json};
use uuid::Uuid;

/// The API key every benchmark request carries.
pub(crate) const KEY: &str = "benchmark-api-key-4f1c2a9e7d3b5a60c8e1f2a3b4c5d6e7";

/// A webhook requiring [`KEY`], with these handlers.
pub(crate) fn webhook(router: Router) -> Webhook {
    Webhook::builder()
        .api_key(KEY)
        .router(router)
        // The unrouted measurements pass an empty router on purpose.
        .allow_no_handlers()
        .build()
        .expect("a valid configuration")
}

/// No-op typed handlers for the three bodies: each receives its payload
/// struct, so the measurement includes building it.
pub(crate) fn typed_router() -> Router {
    Router::new()
        .on(|event: UserLoginSuccess| async move {
            drop(event);
            Ok(())
        })
        .on(|event: UserUpdate| async move {
            drop(event);
            Ok(())
        })
        .on(|event: UserBulkCreate| async move {
            drop(event);
            Ok(())
        })
}

/// A `user.login.success`: the smallest common event.
pub(crate) fn small() -> Bytes {
    in_fusionauth_order(samples::body_of(&UserLoginSuccess {
        ..samples::user_login_success()
    }))
}

/// A `user.update` with three registrations, custom data and the original.
pub(crate) fn typical() -> Bytes {
    let user = rich_user(0);
    let original = User {
        email: Some("ada.previous@example.com".into()),
        ..user.clone()
    };
    in_fusionauth_order(samples::body_of(&UserUpdate {
        user: Some(user),
        original: Some(original),
        ..samples::user_update()
    }))
}

/// A `user.bulk.create` of 1,000 users.
pub(crate) fn bulk() -> Bytes {
    let users = (0..1000).map(rich_user).collect();
    in_fusionauth_order(samples::body_of(&UserBulkCreate {
        users: Some(users),
        ..samples::user_bulk_create()
    }))
}

/// The same JSON with every object's keys in alphabetical order
/// (`serde_json`'s `Map` is sorted).
fn in_fusionauth_order(body: Bytes) -> Bytes {
    let json: Value = serde_json::from_slice(&body).expect("a sample body is JSON");
    Bytes::from(serde_json::to_vec(&json).expect("JSON writes"))
}

fn rich_user(n: u128) -> User {
    let registrations = (0..3u128)
        .map(|app| UserRegistration {
            id: Some(Uuid::from_u128(n << 8 | app)),
            application_id: Some(Uuid::from_u128(0xa000 + app)),
            roles: Some(vec!["user".into(), format!("tier-{app}")]),
            data: Some(data(4)),
            ..samples::registration()
        })
        .collect();
    User {
        id: Some(Uuid::from_u128(0x7f3c_0000_0000 + n)),
        email: Some(format!("user{n}@example.com")),
        registrations: Some(registrations),
        data: Some(data(12)),
        ..samples::user()
    }
}

fn data(fields: usize) -> JsonMap {
    (0..fields)
        .map(|i| {
            (
                format!("field{i}"),
                json!({"value": i, "label": format!("label {i}"), "on": i % 2 == 0}),
            )
        })
        .collect()
}
