//! Settling messages: fenced on the consumer and delivery count, and
//! dead-lettering entries that are not messages.

use fusionauth_webhooks::delivery::{Message, QueueError};

use super::RedisQueue;
use super::entries::{Entry, parse_message_id};
use crate::write::{Lua, ScriptCall};

impl RedisQueue {
    /// The messages of a batch; its malformed entries are dead-lettered.
    pub(super) async fn deliverable(
        &self,
        entries: Vec<Entry>,
    ) -> Result<Vec<Message>, QueueError> {
        let mut messages = Vec::with_capacity(entries.len());
        for entry in entries {
            match entry.message() {
                Ok(message) => messages.push(message),
                Err(reason) => {
                    tracing::warn!(stream = %self.keys.stream, entry = %entry.id, %reason, "dead-lettered");
                    self.settle_entry(
                        &entry.id,
                        entry.deliveries,
                        &self.scripts.dead_letter,
                        |call| call.arg(b"".as_slice()).arg(0).arg(&reason),
                    )
                    .await?;
                }
            }
        }
        Ok(messages)
    }

    /// Runs a fenced settlement script on `message`, with its own arguments
    /// after the fence's; `Lost` when this consumer no longer holds it.
    pub(super) async fn settle<'a>(
        &self,
        message: &Message,
        script: &'a Lua,
        arguments: impl FnOnce(ScriptCall<'a>) -> ScriptCall<'a>,
    ) -> Result<(), QueueError> {
        let Some((entry, deliveries)) = parse_message_id(&message.id) else {
            return Err(QueueError::UnknownMessage(message.id.clone()));
        };
        match self
            .settle_entry(entry, deliveries, script, arguments)
            .await
        {
            Ok(true) => Ok(()),
            Ok(false) => Err(QueueError::Lost(message.id.clone())),
            Err(error) => Err(error),
        }
    }

    async fn settle_entry<'a>(
        &self,
        entry: &str,
        deliveries: u64,
        script: &'a Lua,
        arguments: impl FnOnce(ScriptCall<'a>) -> ScriptCall<'a>,
    ) -> Result<bool, QueueError> {
        let call = ScriptCall::new(script)
            .key(&self.keys.stream)
            .key(&self.keys.retry_set)
            .key(&self.keys.dead_letters)
            .arg(&self.keys.group)
            .arg(entry)
            .arg(&self.consumer)
            .arg(deliveries);
        let applied: i64 = arguments(call)
            .run(&mut self.commands.get(), self.policy)
            .await
            .map_err(QueueError::unavailable)?;
        Ok(applied == 1)
    }
}
