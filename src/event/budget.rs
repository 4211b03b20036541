//! The memory budget of reading one body into the typed model.
//!
//! What a typed payload costs depends on the shape of its JSON, not only on
//! its length: in `"registrations": [{},{},...]` each `{},` of three bytes
//! becomes a whole `UserRegistration` struct. So every allocation the model
//! makes while it reads (a vector's buffer, a string's bytes, a map's
//! nodes, raw JSON text) is charged, before it is made or as it is made, to
//! a budget proportional to the body; a read that would go over it fails
//! with [`ParseErrorKind::OverBudget`](crate::ParseErrorKind::OverBudget),
//! which the webhook answers 413.
//!
//! The budget lives in a thread-local for the length of one synchronous
//! read ([`within`]): serde's `Deserialize` takes no context, and a read
//! never yields. Outside a read (a caller's own `serde_json::from_str`) the
//! model reads without a budget.

use std::cell::Cell;

use serde::de;

/// How many times the body's length the model may allocate while reading
/// it. With the body itself and what the parser holds besides, a request
/// peaks at under 16 times its body (`tests/memory.rs` checks every typed
/// array and map of every event type).
pub(crate) const TIMES_THE_BODY: usize = 12;

/// What every read may allocate on top, so that a small body is never
/// refused for the fixed size of its structs.
pub(crate) const ALLOWANCE: usize = 64 * 1024;

/// The message of the error a charge over the budget fails with (the
/// [`ParseError`](crate::ParseError) is made from the budget itself).
const OVER_BUDGET: &str = "over the memory budget";

thread_local! {
    /// The bytes left to allocate in the current read; `None` outside one.
    static LEFT: Cell<Option<usize>> = const { Cell::new(None) };
}

/// The budget of a body of `len` bytes.
pub(crate) fn for_body(len: usize) -> usize {
    len.saturating_mul(TIMES_THE_BODY).saturating_add(ALLOWANCE)
}

/// Runs `read` with a budget of `limit` bytes; returns what it returned,
/// and whether it ran over the budget (then it failed).
pub(crate) fn within<T>(limit: usize, read: impl FnOnce() -> T) -> (T, bool) {
    struct Restore(Option<usize>);
    impl Drop for Restore {
        fn drop(&mut self) {
            LEFT.set(self.0);
        }
    }
    let outer = Restore(LEFT.replace(Some(limit)));
    let output = read();
    let over = LEFT.get() == Some(OVERDRAWN);
    drop(outer);
    (output, over)
}

/// What the budget is set to once a charge did not fit: every later charge
/// fails too, and [`within`] can tell.
const OVERDRAWN: usize = usize::MAX;

/// Charges `bytes` to the budget of the current read, failing when they do
/// not fit. Free outside a read.
#[inline]
pub(crate) fn charge<E: de::Error>(bytes: usize) -> Result<(), E> {
    match LEFT.get() {
        Some(left) if left != OVERDRAWN && bytes <= left => {
            LEFT.set(Some(left - bytes));
            Ok(())
        }
        None => Ok(()),
        Some(_) => {
            LEFT.set(Some(OVERDRAWN));
            Err(E::custom(OVER_BUDGET))
        }
    }
}

/// What the allocator takes for a block of `bytes`: glibc's malloc rounds
/// a request up, with its header, to 16 bytes and at least 32, which for
/// many small strings is most of their cost in resident memory.
#[inline]
pub(crate) const fn block(bytes: usize) -> usize {
    if bytes == 0 {
        0
    } else {
        let rounded = (bytes.saturating_add(8 + 15)) & !15;
        if rounded < 32 { 32 } else { rounded }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn charge_now(bytes: usize) -> Result<(), serde_json::Error> {
        charge(bytes)
    }

    #[test]
    fn charges_fit_until_the_budget_is_spent() {
        let (results, over) = within(100, || [charge_now(60), charge_now(40), charge_now(1)]);
        assert!(results[0].is_ok() && results[1].is_ok());
        assert_eq!(results[2].as_ref().unwrap_err().to_string(), OVER_BUDGET);
        assert!(over);
    }

    #[test]
    fn once_overdrawn_every_charge_fails() {
        let (second, over) = within(100, || {
            assert!(charge_now(101).is_err());
            charge_now(0)
        });
        assert!(second.is_err());
        assert!(over);
    }

    #[test]
    fn outside_a_read_nothing_is_charged_and_an_inner_read_restores_the_outer() {
        assert!(charge_now(usize::MAX - 1).is_ok());
        let ((inner_over, left_ok), outer_over) = within(10, || {
            let (_, inner_over) = within(1, || charge_now(2));
            (inner_over, charge_now(10).is_ok())
        });
        assert!(inner_over);
        assert!(left_ok, "the outer budget is whole again");
        assert!(!outer_over);
    }

    #[test]
    fn a_block_costs_what_malloc_takes() {
        assert_eq!(block(0), 0);
        assert_eq!(block(1), 32);
        assert_eq!(block(24), 32);
        assert_eq!(block(25), 48);
        assert_eq!(block(1000), 1008);
    }
}
