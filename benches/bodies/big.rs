//! The two big `user.delete` bodies of the memory measurements (issue 8,
//! part 5), built from the crate's samples: shared by `tests/memory.rs`
//! (heap peak, in process) and `benches/memory_bodies.rs` (files for
//! `benches/memory.sh`, peak RSS from outside).

use fusionauth_webhooks::domain::User;
use fusionauth_webhooks::payload::UserDelete;
use fusionauth_webhooks::samples;
use uuid::Uuid;

/// Registrations in the big `user.delete`: about 7 MiB of realistic ones.
const REGISTRATIONS: usize = 18_000;

/// Zeros in the unknown field of the other one: 6 MiB of `0,`.
const ZEROS: usize = 3 * 1024 * 1024;

/// A `user.delete` whose user has the sample user's fields and, in place of
/// its registrations, `registrations` (a JSON array's elements) followed by
/// `tail` (more members of the user object).
fn user_delete_with(registrations: impl Fn(&mut Vec<u8>), tail: &str) -> Vec<u8> {
    let event = UserDelete {
        user: Some(User {
            registrations: Some(Vec::new()),
            ..samples::user()
        }),
        ..samples::user_delete()
    };
    let template = String::from_utf8(samples::body_of(&event).to_vec()).unwrap();
    let (head, rest) = template
        .split_once(r#""registrations":[]"#)
        .expect("the sample user has registrations");
    let mut body = Vec::with_capacity(8 * 1024 * 1024);
    body.extend_from_slice(head.as_bytes());
    body.extend_from_slice(br#""registrations":["#);
    registrations(&mut body);
    body.push(b']');
    body.extend_from_slice(tail.as_bytes());
    body.extend_from_slice(rest.as_bytes());
    body
}

/// About 7 MiB: the sample registration 18,000 times, each with its own id.
pub(crate) fn many_registrations() -> Vec<u8> {
    let one = serde_json::to_string(&samples::registration()).unwrap();
    let id = samples::registration().id.unwrap().to_string();
    user_delete_with(
        |body| {
            for n in 0..REGISTRATIONS {
                if n > 0 {
                    body.push(b',');
                }
                let own_id = Uuid::from_u128(n as u128 + 1).to_string();
                body.extend_from_slice(one.replace(&id, &own_id).as_bytes());
            }
        },
        "",
    )
}

/// About 6 MiB: a user with one registration and an unknown field holding
/// `[0,0,...]`.
pub(crate) fn unknown_field_of_zeros() -> Vec<u8> {
    let mut tail = String::with_capacity(2 * ZEROS + 32);
    tail.push_str(r#","legacyScores":["#);
    for n in 0..ZEROS {
        tail.push_str(if n == 0 { "0" } else { ",0" });
    }
    tail.push(']');
    let one = serde_json::to_string(&samples::registration()).unwrap();
    user_delete_with(|body| body.extend_from_slice(one.as_bytes()), &tail)
}
