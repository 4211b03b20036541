//! The whole `Webhook::handle` pipeline with a structured request: every
//! configuration, any method, header set and body. No handler fails, so a
//! 5xx is a bug, and so is a 2xx to a request with wrong credentials.
#![no_main]

use fusionauth_webhooks_fuzz::{WebhookInput, check_webhook};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: WebhookInput| check_webhook(&input));
