pub mod demo;
pub mod export;
pub mod verify;
