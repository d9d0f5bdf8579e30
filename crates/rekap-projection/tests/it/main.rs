//! Integration tests of rekap-projection: one test binary, modules by subject.

mod approvals;
mod proofs;
mod replay;
mod shapes;
mod totals;
mod world;
