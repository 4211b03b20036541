//! Payloads of the group and entity events.

use super::{payload, payloads_with};
use crate::event::domain::{Entity, Group, GroupMember};

payloads_with! {
    {
        /// The group.
        group: Group,
    }
    /// A group is being created; answer non-2xx to refuse it (when transactional).
    GroupCreate,
    /// A group was created.
    GroupCreateComplete,
    /// A group is being deleted; answer non-2xx to refuse it (when transactional).
    GroupDelete,
    /// A group was deleted.
    GroupDeleteComplete,
}

payloads_with! {
    {
        /// The group.
        group: Group,
        /// The memberships concerned.
        members: Vec<GroupMember>,
    }
    /// Users are being added to a group.
    GroupMemberAdd,
    /// Users were added to a group.
    GroupMemberAddComplete,
    /// Users are being removed from a group.
    GroupMemberRemove,
    /// Users were removed from a group.
    GroupMemberRemoveComplete,
    /// Group memberships are being updated.
    GroupMemberUpdate,
    /// Group memberships were updated.
    GroupMemberUpdateComplete,
}

payloads_with! {
    {
        /// The group as it is now.
        group: Group,
        /// The group as it was before.
        original: Group,
    }
    /// A group is being updated.
    GroupUpdate,
    /// A group was updated.
    GroupUpdateComplete,
}

payloads_with! {
    {
        /// The entity.
        entity: Entity,
    }
    /// An entity is being created.
    EntityCreate,
    /// An entity was created.
    EntityCreateComplete,
    /// An entity is being deleted.
    EntityDelete,
    /// An entity was deleted.
    EntityDeleteComplete,
}

payloads_with! {
    {
        /// The entity as it is now.
        entity: Entity,
        /// The entity as it was before.
        original: Entity,
    }
    /// An entity is being updated.
    EntityUpdate,
    /// An entity was updated.
    EntityUpdateComplete,
}
