//! Machine types (also called instance types): the sizes an instance can have.

use serde::Serialize;

use crate::compute::macros::model;

use crate::paging::ListMeta;

model! {
    /// A machine type (the Go SDK's `InstanceType`). Only `id` is required; see the
    /// crate's decoding policy.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct InstanceType {
        /// The machine type id.
        pub id: String,
    } lenient {
        /// The machine type name, e.g. `BV1-1-40`.
        pub name: Option<String>,
        /// Virtual CPUs.
        pub vcpus: Option<u32>,
        /// Memory.
        pub ram: Option<u32>,
        /// Disk size, in GB.
        pub disk: Option<u32>,
        /// GPUs (the API's default: 0).
        pub gpu: Option<u32>,
        /// Whether the type is offered, e.g. `active` or `deprecated`.
        pub status: Option<String>,
        /// The billing SKU (the `/v1/machine-types` list carries it).
        pub sku: Option<String>,
        /// The availability zones the type is offered in.
        pub availability_zones: Option<Vec<String>>,
    }
}

/// A page of machine types from `/v1/instance-types`, the answer of
/// [`ListInstanceTypes`](crate::compute::ListInstanceTypes). The items are also
/// read from a `machine_types` member.
///
/// A missing item list is an empty page; a missing or unreadable `meta` is `None`
/// (paging then goes by page sizes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstanceTypeList {
    /// The machine types of this page.
    pub instance_types: Vec<InstanceType>,
    /// Page metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta: Option<ListMeta>,
}

/// A page of machine types from `/v1/machine-types`, the answer of
/// [`ListMachineTypes`](crate::compute::ListMachineTypes). The items are also
/// read from an `instance_types` member.
///
/// A missing item list is an empty page; a missing or unreadable `meta` is `None`
/// (paging then goes by page sizes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MachineTypeList {
    /// The machine types of this page.
    pub machine_types: Vec<InstanceType>,
    /// Page metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta: Option<ListMeta>,
}
