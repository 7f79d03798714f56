//! Shapes shared by several resources: references by id or name, the `{id}` answer
//! of creates, and the `expand` values.

use serde::{Deserialize, Serialize};

use crate::compute::macros::string_enum;
use crate::endpoint::{QueryValue, encode_query_value};

/// A reference to a resource by id or by name (the Go SDK's `IDOrName`).
///
/// Requests take exactly one of the two, and only the one that is set is
/// serialized: `{"id": "..."}` or `{"name": "..."}`. Responses may carry both
/// (a VPC, say).
///
/// ```
/// use mgc::compute::IdOrName;
///
/// let by_name = IdOrName::name("BV1-1-40");
/// assert_eq!(serde_json::to_string(&by_name).unwrap(), r#"{"name":"BV1-1-40"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct IdOrName {
    /// The resource id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The resource name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl IdOrName {
    /// A reference by id.
    pub fn id(id: impl Into<String>) -> Self {
        IdOrName {
            id: Some(id.into()),
            name: None,
        }
    }

    /// A reference by name.
    pub fn name(name: impl Into<String>) -> Self {
        IdOrName {
            id: None,
            name: Some(name.into()),
        }
    }
}

/// Text is a reference **by name**: `CreateInstance::new("web", "BV1-1-40",
/// "cloud-ubuntu-24.04 LTS")`. Names are how machine types and images are
/// usually given; an id (a UUID) must be said so with [`IdOrName::id`], and one
/// passed as text is sent as a name, which the API answers with an error rather
/// than a guess.
impl From<&str> for IdOrName {
    fn from(name: &str) -> Self {
        IdOrName::name(name)
    }
}

/// A reference by name, as for `&str`.
impl From<String> for IdOrName {
    fn from(name: String) -> Self {
        IdOrName::name(name)
    }
}

/// A reference by name, as for `&str`.
impl From<&String> for IdOrName {
    fn from(name: &String) -> Self {
        IdOrName::name(name.as_str())
    }
}

/// A reference by id only, `{"id": "..."}`: security groups and subnets of a new
/// instance's interface (the Go SDK's `CreateParametersNetworkInterfaceSecurityGroupsItem`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IdRef {
    /// The resource id.
    pub id: String,
}

impl IdRef {
    /// A reference to the resource with this id.
    pub fn new(id: impl Into<String>) -> Self {
        IdRef { id: id.into() }
    }
}

impl From<&str> for IdRef {
    fn from(id: &str) -> Self {
        IdRef::new(id)
    }
}

impl From<String> for IdRef {
    fn from(id: String) -> Self {
        IdRef { id }
    }
}

/// The Go SDK's name for a security-group reference of a new instance.
pub type CreateParametersNetworkInterfaceSecurityGroupsItem = IdRef;

/// The answer of a create or restore: the new resource's id.
///
/// Creating an instance (`201`), creating or restoring a snapshot (`202`) and
/// creating a custom image (`202`) all answer `{"id": "..."}`; the resource then
/// comes to life asynchronously.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CreateResponse {
    /// The id of the new resource.
    pub id: String,
}

string_enum! {
    /// Related resources a read can include in full (`expand=image,network`).
    ///
    /// Instances take `image`, `machine-type` and `network` (and `labels`);
    /// snapshots take `image` and `machine-type`.
    pub enum Expand {
        /// The image the instance or snapshot was made from (Go `InstanceImageExpand`,
        /// `SnapshotImageExpand`).
        Image = "image",
        /// The machine type (Go `InstanceMachineTypeExpand`, `SnapshotMachineTypeExpand`).
        MachineType = "machine-type",
        /// The VPC and network interfaces of an instance (Go `InstanceNetworkExpand`).
        Network = "network",
        /// The labels of an instance.
        Labels = "labels",
    }
}

impl QueryValue for Expand {
    fn write_query_value(&self, out: &mut String) {
        match self {
            // A value from a newer server (or a user) may need encoding.
            Expand::Other(other) => encode_query_value(other, out),
            // Known names are plain (`known_expand_names_need_no_encoding`).
            known => out.push_str(known.as_str()),
        }
    }
}

/// Includes the image in instance reads (Go `InstanceImageExpand`).
pub const INSTANCE_IMAGE_EXPAND: Expand = Expand::Image;
/// Includes the machine type in instance reads (Go `InstanceMachineTypeExpand`).
pub const INSTANCE_MACHINE_TYPE_EXPAND: Expand = Expand::MachineType;
/// Includes the network in instance reads (Go `InstanceNetworkExpand`).
pub const INSTANCE_NETWORK_EXPAND: Expand = Expand::Network;
/// Includes the image in snapshot reads (Go `SnapshotImageExpand`).
pub const SNAPSHOT_IMAGE_EXPAND: Expand = Expand::Image;
/// Includes the machine type in snapshot reads (Go `SnapshotMachineTypeExpand`).
pub const SNAPSHOT_MACHINE_TYPE_EXPAND: Expand = Expand::MachineType;

/// The header that selects the instance API version (Go `VmInstanceHeaderVersionName`).
pub const VM_INSTANCE_HEADER_VERSION_NAME: &str = "x-api-version";
/// The instance API version this SDK speaks (Go `VmInstanceHeaderVersion`); sent by
/// [`ListInstances`](crate::compute::ListInstances) and
/// [`GetInstance`](crate::compute::GetInstance).
pub const VM_INSTANCE_HEADER_VERSION: &str = "1.1";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_expand_names_need_no_encoding() {
        for name in Expand::KNOWN_VALUES {
            let (mut direct, mut encoded) = (String::new(), String::new());
            Expand::from(*name).write_query_value(&mut direct);
            encode_query_value(name, &mut encoded);
            assert_eq!(direct, encoded);
        }
        let mut out = String::new();
        Expand::from("a,b").write_query_value(&mut out);
        assert_eq!(out, "a%2Cb");
    }
}
