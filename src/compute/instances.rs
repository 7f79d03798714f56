//! Instance endpoints.

use serde::Deserialize;

/// A page of instances (prototype).
#[derive(Debug, Clone, Deserialize)]
pub struct InstancePage {
    /// The instances.
    pub instances: Vec<Instance>,
}

/// An instance (prototype).
#[derive(Debug, Clone, Deserialize)]
pub struct Instance {
    /// Its id.
    pub id: String,
}

crate::endpoint! {
    /// Lists instances.
    pub struct ListInstances {
        method: GET,
        path: "/v1/instances",
        response: InstancePage,
        headers: { "x-api-version": "1.1" },
        optional: {
            /// Page size.
            limit: u32 => query "_limit";
            /// Name filter.
            name: String => query;
        },
    }

    /// Starts an instance.
    pub struct StartInstance {
        method: POST,
        path: "/v1/instances/{id}/start",
        response: (),
        idempotent: true,
        required: {
            /// The instance id.
            id: String => path;
        },
    }

    /// Renames an instance.
    pub struct RenameInstance {
        method: PATCH,
        path: "/v1/instances/{id}/rename",
        response: (),
        required: {
            /// The instance id.
            id: String => path;
            /// The new name.
            name: String => body;
        },
    }
}

/// Body (prototype).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NicRequest {
    /// x
    pub instance: String,
}

crate::endpoint! {
    /// Attach.
    pub struct AttachNetworkInterface {
        method: POST,
        path: "/v1/instances/network-interface/attach",
        response: (),
        required: {
            /// The request.
            request: NicRequest => json;
        },
    }
}
