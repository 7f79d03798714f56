//! Machine type endpoints: the sizes an instance can have. The API serves the same
//! catalogue at two paths, `/v1/machine-types` (whose items carry a `sku`) and
//! `/v1/instance-types` (the one the Go SDK reads).

use super::checks;
use super::macros::{list_page, paginated};
use super::models::{InstanceType, InstanceTypeList, MachineTypeList};

crate::endpoint! {
    /// Lists machine types from `/v1/machine-types`, a page at a time (the Go SDK
    /// reads [`ListInstanceTypes`] instead).
    pub struct ListMachineTypes {
        method: GET,
        path: "/v1/machine-types",
        response: MachineTypeList,
        optional: {
            /// Page size, 1 to 1000 (the API's default: 200).
            limit: u32 => query "_limit", check = checks::limit;
            /// How many machine types to skip.
            offset: u32 => query "_offset", check = checks::offset;
            /// Order (the API's default: `created_at:asc`).
            sort: String => query "_sort", check = checks::sort;
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
        optional: {
            /// Page size, 1 to 1000 (the API's default: 200).
            limit: u32 => query "_limit", check = checks::limit;
            /// How many machine types to skip.
            offset: u32 => query "_offset", check = checks::offset;
            /// Order (the API's default: `created_at:asc`).
            sort: String => query "_sort", check = checks::sort;
            /// Only machine types with this name.
            name: String => query "name";
            /// Only machine types offered in this availability zone, e.g. `br-ne1-a`.
            availability_zone: String => query "availability-zone";
        },
    }
}

paginated!(ListMachineTypes, 200);
paginated!(ListInstanceTypes, 200);
list_page!(MachineTypeList, machine_types ["machine_types", "instance_types"], InstanceType);
list_page!(InstanceTypeList, instance_types ["instance_types", "machine_types"], InstanceType);
