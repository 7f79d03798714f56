//! The network of an instance: what reads return, what creates take, and the
//! body of network-interface attach and detach.

use serde::{Deserialize, Serialize};

use super::common::{IdOrName, IdRef};
use crate::compute::macros::model;

model! {
    /// The network of an instance.
    ///
    /// With API version 1.1 (which this SDK sends) the API answers `interfaces`: ids
    /// only, or in full with the VPC when the read expanded `network`. The version 1
    /// shape, `ports`, is kept for servers that still send it.
    #[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
    pub struct Network {} lenient {
        /// The VPC the instance is in (expanded reads).
        pub vpc: Option<IdOrName>,
        /// The network interfaces.
        pub interfaces: Option<Vec<NetworkInterface>>,
        /// The network ports, in the version 1 shape.
        pub ports: Option<Vec<NetworkPort>>,
    }
}

model! {
    /// A network interface of an instance. Unexpanded reads carry only `id`.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct NetworkInterface {
        /// The interface id.
        pub id: String,
    } lenient {
        /// The interface name (expanded reads).
        pub name: Option<String>,
        /// The security group ids of the interface.
        pub security_groups: Option<Vec<String>>,
        /// Whether this is the instance's primary interface.
        pub primary: Option<bool>,
        /// The public IPv4 address associated with the interface.
        pub associated_public_ipv4: Option<String>,
        /// The interface's addresses.
        pub ip_addresses: Option<IpAddressNewExpand>,
    }
}

model! {
    /// The addresses of a network interface.
    #[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
    pub struct IpAddressNewExpand {} lenient {
        /// The private IPv4 address.
        pub private_ipv4: Option<String>,
        /// The public IPv6 address.
        pub public_ipv6: Option<String>,
    }
}

model! {
    /// A network port in the version 1 shape of [`Network`].
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct NetworkPort {
        /// The port id.
        pub id: String,
    } lenient {
        /// The port name (expanded reads).
        pub name: Option<String>,
        /// The port's addresses (expanded reads).
        #[serde(rename = "ipAddresses")]
        pub ip_addresses: Option<PortIpAddresses>,
    }
}

model! {
    /// The addresses of a version 1 [`NetworkPort`] (camelCase on the wire).
    #[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
    pub struct PortIpAddresses {} lenient {
        /// The public IPv4 address.
        #[serde(rename = "publicIpAddress")]
        pub public_ip_address: Option<String>,
        /// The private IPv4 address.
        #[serde(rename = "privateIpAddress")]
        pub private_ip_address: Option<String>,
        /// The IPv6 address.
        #[serde(rename = "ipV6Address")]
        pub ipv6_address: Option<String>,
    }
}

/// The network of a new instance (or of an instance restored from a snapshot).
///
/// Unset members take the API's defaults: the default VPC, a new interface in it,
/// and a public IPv4 address.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CreateParametersNetwork {
    /// Whether to give the instance a public IPv4 address (the API's default: yes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub associate_public_ip: Option<bool>,
    /// The primary network interface.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interface: Option<CreateParametersNetworkInterface>,
    /// The VPC (the API's default: the one named `vpc_default`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc: Option<IdOrName>,
}

/// The primary interface of a new instance: an existing interface by `id`, or a
/// new one with the given security groups and subnet.
///
/// The API reads this object as either `{"id": ...}` or `{"security_groups":
/// [...], "subnets": [...]}`; the Go SDK's nested `interface` member is sent here
/// as `id`, the way the API takes it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CreateParametersNetworkInterface {
    /// An existing network interface to use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Security groups of a new interface.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_groups: Option<Vec<IdRef>>,
    /// The subnet of a new interface (at most one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnets: Option<Vec<IdRef>>,
}

impl CreateParametersNetworkInterface {
    /// Uses the existing network interface `id`.
    pub fn existing(id: impl Into<String>) -> Self {
        CreateParametersNetworkInterface {
            id: Some(id.into()),
            ..Self::default()
        }
    }

    /// A new interface in these security groups.
    pub fn with_security_groups<I>(groups: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<IdRef>,
    {
        CreateParametersNetworkInterface {
            security_groups: Some(groups.into_iter().map(Into::into).collect()),
            ..Self::default()
        }
    }

    /// Puts a new interface in this subnet.
    #[must_use]
    pub fn subnet(mut self, id: impl Into<String>) -> Self {
        self.subnets = Some(vec![IdRef::new(id)]);
        self
    }
}

/// The body of [`AttachNetworkInterface`](crate::compute::AttachNetworkInterface)
/// and [`DetachNetworkInterface`](crate::compute::DetachNetworkInterface) (the Go
/// SDK's `NICRequest`).
///
/// ```
/// use mgc::compute::{IdOrName, NicRequest};
///
/// let body = NicRequest::new(IdOrName::name("web"), IdOrName::id("31dcb3ea"));
/// assert_eq!(
///     serde_json::to_string(&body).unwrap(),
///     r#"{"instance":{"name":"web"},"network":{"interface":{"id":"31dcb3ea"}}}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NicRequest {
    /// The instance.
    pub instance: IdOrName,
    /// The network interface.
    pub network: NicRequestInterface,
}

impl NicRequest {
    /// The request for `interface` on `instance`.
    pub fn new(instance: IdOrName, interface: IdOrName) -> Self {
        NicRequest {
            instance,
            network: NicRequestInterface { interface },
        }
    }
}

/// The interface of a [`NicRequest`] (the Go SDK's `NICRequestInterface`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NicRequestInterface {
    /// The network interface (the API takes it by id).
    pub interface: IdOrName,
}
