//! Integration tests of rekap-audit: forged logs (correctly hashed and signed, wrong in
//! meaning) must fail the audit at the right check and record; an honest log passes.

mod approvals;
mod authority;
mod chain;
mod harness;
mod honest;
mod sheets;
