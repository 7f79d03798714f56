//! The compute API: instances, images, machine types and snapshots.

mod instances;

pub use instances::*;
