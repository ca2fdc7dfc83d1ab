//! Every integration test in one binary, each former test file a module:
//! the SDK crates are linked once instead of twenty times. `common` holds
//! what the modules share (moto, accounts, running the binary); the benches
//! include it by path too.
//!
//! Run one subject with `cargo test --test it MODULE::` (for example
//! `tests/with-moto.sh cargo test --test it scan::`).

#[path = "../common/mod.rs"]
mod common;

mod accounts;
mod attribution;
mod carry;
mod checks;
mod cli;
mod completeness;
mod credentials;
mod demo;
mod deploy;
mod first_hour;
mod fuzz;
mod least_privilege;
mod ledger;
mod policies;
mod policy_places;
mod read_one;
mod readme;
mod reviewed_state;
mod scan;
mod secrets;
mod sharing;
mod snapshot;
mod visibility;
