//! Payloads of the system events, the JWT events and the test event.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::payload;
use crate::event::domain::{AuditLog, EventLog, RefreshToken, User};

payload! {
    /// An audit log entry was created; sent to every webhook, whatever its tenants.
    AuditLogCreate {
        /// The new entry.
        audit_log: AuditLog,
    }

    /// An event log entry was created; sent to every webhook, whatever its tenants.
    EventLogCreate {
        /// The new entry.
        event_log: EventLog,
    }

    /// Kickstart finished setting up a new FusionAuth instance.
    KickstartSuccess {
        /// The instance's id.
        instance_id: Uuid,
    }

    /// A key that signs access tokens for some applications changed.
    JwtPublicKeyUpdate {
        /// The applications whose tokens the key signs.
        application_ids: Vec<Uuid>,
    }

    /// An access token was refreshed with a refresh token.
    JwtRefresh {
        /// The application.
        application_id: Uuid,
        /// The previous access token, when the refresh request sent it.
        original: String,
        /// The refresh token used.
        refresh_token: String,
        /// The new access token.
        token: String,
        /// The user.
        user_id: Uuid,
    }

    /// One refresh token, or all of a user's or an application's, was revoked.
    JwtRefreshTokenRevoke {
        /// The application, absent when all of a user's tokens were revoked.
        application_id: Uuid,
        /// How long access tokens live, in seconds, by application id: tokens
        /// issued before the revocation are valid at most that long.
        application_time_to_live_in_seconds: BTreeMap<Uuid, i64>,
        /// The revoked token, when a single one was revoked (FusionAuth 1.37+).
        refresh_token: RefreshToken,
        /// The user whose tokens were revoked.
        user: User,
        /// That user's id.
        user_id: Uuid,
    }

    /// A test event, sent from the webhook's page in the FusionAuth admin UI.
    Test {
        /// The message typed in the admin UI.
        message: String,
    }
}
