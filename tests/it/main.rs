//! The integration tests of the `rekap` binary: one test binary, a small harness, a module
//! per command.

mod audit;
mod bulk_void;
mod damage;
mod demo;
mod examples;
mod exit_codes;
mod flow;
mod harness;
mod import;
mod import_problems;
mod init;
mod keys;
mod layers;
mod portal;
mod proof;
mod server;
mod server_remote;
mod server_snapshot;
mod tlog;
mod totals;
mod tutorial;
mod verify;
mod views;
mod webdriver;
