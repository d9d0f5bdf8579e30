//! Integration tests of rekap-log: one test binary, modules by subject.

mod append;
mod crash;
mod decode;
mod export;
mod harness;
mod last_record;
mod mapped;
mod readers;
mod tail;
mod tree;
mod vector;
mod views;
