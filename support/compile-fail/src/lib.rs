//! Compile-fail tests of `fusionauth-webhooks`: each file of `tests/ui`
//! is a mistake a newcomer makes, and its `.stderr` what the compiler says,
//! which must name the fix. The `.stderr` files are those of the toolchain
//! CI runs (rustc 1.95); another compiler version may word them otherwise:
//! regenerate them with `TRYBUILD=overwrite cargo test -p fusionauth-webhooks-compile-fail`
//! and check that each still names the fix.
