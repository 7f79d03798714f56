//! The compute API's data: what responses decode into and what request bodies
//! are made of. Everything here is re-exported from [`crate::compute`].

mod access;
mod common;
mod custom_image;
mod image;
mod instance;
mod machine_type;
mod network;
mod snapshot;

pub use crate::paging::{ListMeta, Meta};
pub use access::{
    InitLogResponse, UpdateNameRequest, WindowsPasswordInstance, WindowsPasswordResponse,
};
pub use common::{
    CreateParametersNetworkInterfaceSecurityGroupsItem, CreateResponse, Expand,
    INSTANCE_IMAGE_EXPAND, INSTANCE_MACHINE_TYPE_EXPAND, INSTANCE_NETWORK_EXPAND, IdOrName, IdRef,
    SNAPSHOT_IMAGE_EXPAND, SNAPSHOT_MACHINE_TYPE_EXPAND, VM_INSTANCE_HEADER_VERSION,
    VM_INSTANCE_HEADER_VERSION_NAME,
};
pub use custom_image::{
    Architecture, CustomImage, CustomImageList, CustomImageRequirements, License, Platform,
};
pub use image::{Image, ImageList, ImageStatus, MinimumRequirements};
pub use instance::{
    Instance, InstanceError, InstanceState, InstanceStatus, InstanceTypes, ListInstancesResponse,
    VmImage,
};
pub use machine_type::{InstanceType, InstanceTypeList, MachineTypeList};
pub use network::{
    CreateParametersNetwork, CreateParametersNetworkInterface, IpAddressNewExpand, Network,
    NetworkInterface, NetworkPort, NicRequest, NicRequestInterface, PortIpAddresses,
};
pub use snapshot::{
    ListSnapshotsResponse, Snapshot, SnapshotInstance, SnapshotState, SnapshotStatus,
};
