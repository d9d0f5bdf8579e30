//! The integration tests of the `rekap` binary: one test binary, a small harness, a module
//! per command.

mod audit;
mod bulk_void;
mod completions;
mod damage;
mod demo;
mod examples;
mod exit_codes;
mod flow;
mod formats;
mod harness;
mod history;
mod import;
mod import_problems;
mod init;
mod key_forms;
mod keys;
mod layers;
mod listings;
mod mirror;
mod plain_text;
mod portal;
mod proof;
mod publish;
mod server;
mod server_remote;
mod source_formats;
mod tlog;
mod totals;
mod tutorial;
mod verify;
mod views;
mod wait_and_correct;
mod webdriver;
