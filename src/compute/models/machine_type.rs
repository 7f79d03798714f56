//! Machine types (also called instance types): the sizes an instance can have.

use serde::{Deserialize, Serialize};

use crate::paging::ListMeta;

/// A machine type (the Go SDK's `InstanceType`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceType {
    /// The machine type id.
    pub id: String,
    /// The machine type name, e.g. `BV1-1-40`.
    pub name: String,
    /// Virtual CPUs.
    pub vcpus: u32,
    /// Memory.
    pub ram: u32,
    /// Disk size, in GB.
    pub disk: u32,
    /// GPUs (the API's default: 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gpu: Option<u32>,
    /// Whether the type is offered, e.g. `active` or `deprecated`.
    pub status: String,
    /// The billing SKU (the `/v1/machine-types` list carries it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    /// The availability zones the type is offered in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zones: Option<Vec<String>>,
}

/// A page of machine types from `/v1/instance-types`, the answer of
/// [`ListInstanceTypes`](crate::compute::ListInstanceTypes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceTypeList {
    /// The machine types of this page.
    #[serde(alias = "machine_types")]
    pub instance_types: Vec<InstanceType>,
    /// Page metadata.
    pub meta: ListMeta,
}

/// A page of machine types from `/v1/machine-types`, the answer of
/// [`ListMachineTypes`](crate::compute::ListMachineTypes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MachineTypeList {
    /// The machine types of this page.
    #[serde(alias = "instance_types")]
    pub machine_types: Vec<InstanceType>,
    /// Page metadata.
    pub meta: ListMeta,
}
