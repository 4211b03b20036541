//! Entities (machine-to-machine clients, devices, ...) and their types.

use crate::event::JsonMap;
use uuid::Uuid;

use super::model;
use crate::event::Instant;

model! {
    /// An entity (`Entity`): something users or other entities can be
    /// granted permissions to, such as an API or a device.
    pub struct Entity {
        /// The OAuth client id.
        client_id: String,
        /// The OAuth client secret, when FusionAuth sends it.
        client_secret: String,
        /// Custom data.
        data: JsonMap,
        /// The id.
        id: Uuid,
        /// When it was created.
        insert_instant: Instant,
        /// When it last changed.
        last_update_instant: Instant,
        /// The name.
        name: String,
        /// The parent entity.
        parent_id: Uuid,
        /// The tenant.
        tenant_id: Uuid,
        /// The entity's type, with its permissions.
        entity_type as "type": EntityType,
    }
}

model! {
    /// A type of entity and the permissions it defines (`EntityType`).
    pub struct EntityType {
        /// Custom data.
        data: JsonMap,
        /// The id.
        id: Uuid,
        /// When it was created.
        insert_instant: Instant,
        /// How access tokens for entities of this type are made.
        jwt_configuration: EntityJwtConfiguration,
        /// When it last changed.
        last_update_instant: Instant,
        /// The name.
        name: String,
        /// The permissions that can be granted on entities of this type.
        permissions: Vec<EntityTypePermission>,
    }
}

model! {
    /// How access tokens for an entity type are made (`EntityJWTConfiguration`).
    pub struct EntityJwtConfiguration {
        /// The key that signs them.
        access_token_key_id: Uuid,
        /// Whether this configuration is used instead of the tenant's.
        enabled: bool,
        /// How long a token lives.
        time_to_live_in_seconds: u64,
    }
}

model! {
    /// A permission an entity type defines (`EntityTypePermission`).
    pub struct EntityTypePermission {
        /// Custom data.
        data: JsonMap,
        /// A description.
        description: String,
        /// The id.
        id: Uuid,
        /// When it was created.
        insert_instant: Instant,
        /// Whether grants get it by default.
        is_default: bool,
        /// When it last changed.
        last_update_instant: Instant,
        /// The name, such as `READ`.
        name: String,
    }
}
