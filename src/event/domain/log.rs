//! Entries of FusionAuth's audit log and event log, and the email a user
//! action sends.

use crate::event::JsonMap;
use serde_json::Value;
use uuid::Uuid;

use super::{EventLogType, model};
use crate::event::Instant;

model! {
    /// An entry of the audit log (`AuditLog`): who changed what.
    pub struct AuditLog {
        /// Custom data.
        data: JsonMap,
        /// The id: a number, not a UUID.
        id: i64,
        /// When the entry was made.
        insert_instant: Instant,
        /// Who made the change, usually an email address.
        insert_user: String,
        /// What happened.
        message: String,
        /// The object after the change, in whatever shape it has.
        new_value: Value,
        /// The object before the change.
        old_value: Value,
        /// Why, as given by the caller.
        reason: String,
        /// The tenant (FusionAuth 1.65+).
        tenant_id: Uuid,
    }
}

model! {
    /// An entry of the event log (`EventLog`): debug output and errors of
    /// lambdas, webhooks, email templates and the like.
    pub struct EventLog {
        /// The id: a number, not a UUID.
        id: i64,
        /// When the entry was made.
        insert_instant: Instant,
        /// The message.
        message: String,
        /// Information, debug output or an error.
        log_type as "type": EventLogType,
    }
}

model! {
    /// An email message (`Email`), as sent to the user of a user action.
    pub struct Email {
        /// Attached files.
        attachments: Vec<EmailAttachment>,
        /// Blind copy recipients.
        bcc: Vec<EmailAddress>,
        /// Copy recipients.
        cc: Vec<EmailAddress>,
        /// The sender.
        from: EmailAddress,
        /// The HTML body.
        html: String,
        /// Where replies go.
        reply_to: EmailAddress,
        /// The subject.
        subject: String,
        /// The plain text body.
        text: String,
        /// The recipients.
        to: Vec<EmailAddress>,
    }
}

model! {
    /// An email address with an optional display name (`EmailAddress`).
    pub struct EmailAddress {
        /// The address.
        address: String,
        /// The display name.
        display: String,
    }
}

model! {
    /// A file attached to an [`Email`] (`Attachment`).
    pub struct EmailAttachment {
        /// The content, as FusionAuth encodes it (base64 text).
        attachment: Value,
        /// The MIME type.
        mime: String,
        /// The file name.
        name: String,
    }
}
