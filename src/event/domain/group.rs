//! Groups, their members and the application roles they grant.

use std::collections::BTreeMap;

use crate::event::JsonMap;
use uuid::Uuid;

use super::model;
use crate::event::Instant;

model! {
    /// A group of users (`Group`).
    pub struct Group {
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
        /// The application roles members get, by application id.
        roles: BTreeMap<Uuid, Vec<ApplicationRole>>,
        /// The tenant.
        tenant_id: Uuid,
    }
}

model! {
    /// A user's membership of a group (`GroupMember`).
    pub struct GroupMember {
        /// Custom data.
        data: JsonMap,
        /// The group.
        group_id: Uuid,
        /// The membership's id (not the user's).
        id: Uuid,
        /// When the user joined.
        insert_instant: Instant,
        /// The user.
        user_id: Uuid,
    }
}

model! {
    /// A role of an application (`ApplicationRole`).
    pub struct ApplicationRole {
        /// A description.
        description: String,
        /// The id.
        id: Uuid,
        /// When it was created.
        insert_instant: Instant,
        /// Whether new registrations get it.
        is_default: bool,
        /// Whether it is a super role.
        is_super_role: bool,
        /// When it last changed.
        last_update_instant: Instant,
        /// The name, such as `admin`.
        name: String,
    }
}
