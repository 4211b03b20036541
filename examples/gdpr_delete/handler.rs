//! The GDPR handler: on `user.delete`, erase the user's data before FusionAuth
//! deletes the user.

use std::sync::Arc;

use fusionauth_webhooks::payload::UserDelete;
use fusionauth_webhooks::{HandlerError, ResultExt, Router};

use crate::todos::TodoStore;

/// The router of the example: one typed handler for `user.delete`.
///
/// `user.delete` is transactional: with the tenant's transaction setting
/// requiring this webhook, FusionAuth deletes the user only after a 200. The
/// 200 goes out only after the commit; a database failure answers 500 and the
/// deletion does not happen, so no user is gone from FusionAuth while their
/// data stays behind.
pub(crate) fn router(store: Arc<TodoStore>) -> Router {
    Router::new().on(move |deleted: UserDelete| {
        let store = Arc::clone(&store);
        async move {
            let user_id = deleted
                .user
                .and_then(|user| user.id)
                .or(deleted.envelope.linked_object_id)
                .ok_or_else(|| HandlerError::reject("[missingUserId]"))?;
            // SQLite blocks: run it off the async workers.
            let removed = tokio::task::spawn_blocking(move || store.delete_user(user_id))
                .await
                .or_internal()?
                .or_internal()?;
            println!("deleted {removed} todos of user {user_id}");
            Ok(())
        }
    })
}
