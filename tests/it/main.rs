//! The integration tests of the `rekap` binary: one test binary, a small harness, a module
//! per command.

mod audit;
mod damage;
mod demo;
mod flow;
mod harness;
mod import;
mod keys;
mod proof;
mod tutorial;
mod verify;
