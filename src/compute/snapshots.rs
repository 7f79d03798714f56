//! Snapshot endpoints.
//!
//! Creating and restoring answer `202` with an id and finish asynchronously. Idempotency:
//! rename sets a value (yes); create, restore and copy each make a new resource
//! (a snapshot, an instance, a copy in another region), so they are never
//! re-sent after the server may have acted (no).

use super::checks;
use super::models::{
    CreateParametersNetwork, CreateResponse, Expand, IdOrName, ListSnapshotsResponse, Snapshot,
};
use crate::region::Region;

crate::endpoint! {
    #![operations(pub(crate) SNAPSHOT_OPERATIONS)]

    /// Lists snapshots, a page at a time (Go `Snapshots().List`).
    pub struct ListSnapshots {
        method: GET,
        path: "/v1/snapshots",
        response: ListSnapshotsResponse,
        // Page size 1 to 1000.
        paging: {
            items: snapshots: Snapshot ["snapshots"],
            default: 200,
            limit: checks::limit,
            sort: "created_at:asc",
        },
        optional: {
            /// Related resources to include in full (`image`, `machine-type`).
            expand: Vec<Expand> => query "expand", check = checks::snapshot_expand, setter = list;
            /// Only snapshots with this name.
            name: String => query "name";
        },
    }

    /// Snapshots an instance and answers the snapshot's id (Go `Snapshots().Create`).
    pub struct CreateSnapshot {
        method: POST,
        path: "/v1/snapshots",
        response: CreateResponse,
        status: 202,
        required: {
            /// The snapshot name, 1 to 255 characters.
            name: String => body, check = checks::name;
            /// The instance, by id or name.
            instance: IdOrName => body, check = checks::id_or_name;
        },
    }

    /// Reads one snapshot (Go `Snapshots().Get`).
    pub struct GetSnapshot {
        method: GET,
        path: "/v1/snapshots/{id}",
        response: Snapshot,
        required: {
            /// The snapshot id.
            id: String => path;
        },
        optional: {
            /// Related resources to include in full (`image`, `machine-type`).
            expand: Vec<Expand> => query "expand", check = checks::snapshot_expand, setter = list;
        },
    }

    /// Deletes a snapshot (Go `Snapshots().Delete`).
    pub struct DeleteSnapshot {
        method: DELETE,
        path: "/v1/snapshots/{id}",
        response: (),
        status: 204,
        required: {
            /// The snapshot id.
            id: String => path;
        },
    }

    /// Renames a snapshot (Go `Snapshots().Rename`).
    pub struct RenameSnapshot {
        method: PATCH,
        path: "/v1/snapshots/{id}/rename",
        response: (),
        status: 204,
        // Sets a value: repeating it changes nothing.
        idempotent: true,
        required: {
            /// The snapshot id.
            id: String => path;
            /// The new name, 1 to 255 characters.
            name: String => body, check = checks::name;
        },
    }

    /// Restores a snapshot into a new instance and answers the instance's id (Go
    /// `Snapshots().Restore`). The snapshot must be `available`.
    pub struct RestoreSnapshot {
        method: POST,
        path: "/v1/snapshots/{id}",
        response: CreateResponse,
        status: 202,
        required: {
            /// The snapshot id.
            id: String => path;
            /// The new instance's name, 1 to 255 characters.
            name: String => body, check = checks::name;
            /// The new instance's machine type, by id or name.
            machine_type: IdOrName => body, check = checks::id_or_name;
        },
        optional: {
            /// The SSH key (by name) to install for the default user.
            ssh_key_name: String => body;
            /// The availability zone (the API's default: `br-se1-a`).
            availability_zone: String => body, check = checks::name;
            /// Network settings; the API's defaults otherwise.
            network: CreateParametersNetwork => body, check = checks::network;
            /// Cloud-init user data, base64-encoded, 1 to 65000 characters.
            user_data: String => body, check = checks::user_data;
        },
    }

    /// Copies a snapshot to another region, asynchronously (Go `Snapshots().Copy`).
    pub struct CopySnapshot {
        method: POST,
        path: "/v1/snapshots/{id}/copy",
        response: (),
        status: 204,
        required: {
            /// The snapshot id.
            id: String => path;
            /// The region to copy to.
            destination_region: Region => body;
        },
    }
}
