//! Machine type endpoints: the sizes an instance can have. The API serves the same
//! catalogue at two paths, `/v1/machine-types` (whose items carry a `sku`) and
//! `/v1/instance-types` (the one the Go SDK reads).

use super::checks;
use super::models::{InstanceType, InstanceTypeList, MachineTypeList};

crate::endpoint! {
    #![operations(pub(crate) MACHINE_TYPE_OPERATIONS)]

    /// Lists machine types from `/v1/machine-types`, a page at a time (the Go SDK
    /// reads [`ListInstanceTypes`] instead).
    pub struct ListMachineTypes {
        method: GET,
        path: "/v1/machine-types",
        response: MachineTypeList,
        // Page size 1 to 1000.
        paging: {
            items: machine_types: InstanceType ["machine_types", "instance_types"],
            default: 200,
            limit: checks::limit,
            sort: "created_at:asc",
        },
        optional: {
            /// Only machine types with this name.
            name: String => query "name";
            /// Only machine types offered in this availability zone, e.g. `br-ne1-a`.
            availability_zone: String => query "availability-zone";
        },
    }

    /// Lists machine types from `/v1/instance-types`, a page at a time (Go
    /// `InstanceTypes().List`).
    pub struct ListInstanceTypes {
        method: GET,
        path: "/v1/instance-types",
        response: InstanceTypeList,
        // Page size 1 to 1000.
        paging: {
            items: instance_types: InstanceType ["instance_types", "machine_types"],
            default: 200,
            limit: checks::limit,
            sort: "created_at:asc",
        },
        optional: {
            /// Only machine types with this name.
            name: String => query "name";
            /// Only machine types offered in this availability zone, e.g. `br-ne1-a`.
            availability_zone: String => query "availability-zone";
        },
    }
}
