//! The GDPR handler: on `user.delete`, erase the user's data before FusionAuth
//! deletes the user, exactly once.

use fusionauth_webhooks::payload::UserDelete;
use fusionauth_webhooks::{HandlerError, ResultExt, Router};
use fusionauth_webhooks_sqlx::Inbox;

use crate::todos::{self, TodoStore};

/// The router of the example: one typed inbox handler for `user.delete`.
///
/// `user.delete` is transactional: with the tenant's transaction setting
/// requiring this webhook, FusionAuth deletes the user only after a 200.
/// The deletion runs in the inbox's transaction, which also records the
/// event as handled; the 200 goes out only after both committed. A database
/// failure rolls both back and answers 500, so no user is gone from
/// FusionAuth while their data stays behind, and FusionAuth's retry runs
/// the deletion again. A retry of a committed deletion finds the inbox row
/// and answers 200 without deleting again (rows the app wrote for that user
/// id since stay).
pub(crate) fn router(store: &TodoStore) -> Router {
    let inbox = Inbox::new(store.pool().clone(), "gdpr-delete");
    Router::new().on_with_event(inbox.handler(
        "erase-user-data",
        |deleted: UserDelete, transaction| {
            Box::pin(async move {
                let user_id = deleted
                    .user
                    .and_then(|user| user.id)
                    .or(deleted.envelope.linked_object_id)
                    .ok_or_else(|| HandlerError::reject("[missingUserId]"))?;
                let removed = todos::delete_user(transaction, user_id)
                    .await
                    .or_internal()?;
                println!("deleted {removed} todos of user {user_id}");
                Ok(())
            })
        },
    ))
}
