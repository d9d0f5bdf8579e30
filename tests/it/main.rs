//! The integration tests of the `rekap` binary: one test binary, a small harness, a module
//! per command.

mod audit;
mod demo;
mod flow;
mod harness;
mod import;
mod keys;
mod tutorial;
mod verify;
mod views;
