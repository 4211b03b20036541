//! Event parsing: the envelope, then the typed payload of whichever of the
//! 64 event types the body names (the seeds hold a body of every type).
#![no_main]

use bytes::Bytes;
use fusionauth_webhooks::{Event, EventType};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(event) = Event::parse(Bytes::copy_from_slice(data)) else {
        return;
    };
    assert_eq!(
        event.raw().as_ref(),
        data,
        "the event keeps its exact bytes"
    );
    if let Some(event_type) = event.event_type() {
        // The name as sent (FusionAuth spells some types two ways).
        assert_eq!(EventType::from_wire(event.type_name()), Some(event_type));
    }
    let _ = event.payload();
    let _ = event.json();
    let _ = format!("{event:?}");
});
