//! Instance endpoints: list, create, read, delete, and the lifecycle actions.
//!
//! Actions answer `204` at once and finish asynchronously: poll [`GetInstance`]
//! until the [`InstanceStatus`](super::InstanceStatus) is terminal.
//!
//! Idempotency (whether a retry may re-send a call after the server may have
//! acted on it; `GET` and `DELETE` are always safe):
//!
//! * start, stop, suspend: yes. Each drives the instance to one target state; a
//!   repeat can at worst be refused because the instance is already there.
//! * rename, retype: yes. Each sets a value; setting it twice is setting it once.
//! * attach / detach a network interface: yes. The body names one existing
//!   interface, which can be attached once; a repeat cannot attach a second copy.
//! * reboot: **no**. A repeat that lands after the first reboot finished reboots
//!   the machine a second time.
//! * create: **no**. A repeat could create a second instance.

use super::checks;
use super::models::{
    CreateParametersNetwork, CreateResponse, Expand, IdOrName, InitLogResponse, Instance,
    ListInstancesResponse, NicRequest, WindowsPasswordResponse,
};

crate::endpoint! {
    #![operations(pub(crate) INSTANCE_OPERATIONS)]

    /// Lists instances, a page at a time (Go `Instances().List`).
    ///
    /// Walk every page with [`Client::paginate`](crate::Client::paginate).
    pub struct ListInstances {
        method: GET,
        path: "/v1/instances",
        response: ListInstancesResponse,
        headers: { "x-api-version": "1.1" },
        // Page size 1 to 1000.
        paging: {
            items: instances: Instance ["instances"],
            default: 50,
            limit: checks::limit,
            sort: "created_at:asc",
        },
        optional: {
            /// Related resources to include in full.
            expand: Vec<Expand> => query "expand", check = checks::expand, setter = list;
            /// Only instances with this name.
            name: String => query "name";
        },
    }

    /// Creates an instance and answers its id; the instance then goes `provisioning`,
    /// `creating`, and `completed` with state `running` (Go `Instances().Create`).
    pub struct CreateInstance {
        method: POST,
        path: "/v1/instances",
        response: CreateResponse,
        status: 201,
        required: {
            /// The instance name, 1 to 255 characters.
            name: String => body, check = checks::name;
            /// The machine type, by id or name (e.g. `BV1-1-40`).
            machine_type: IdOrName => body, check = checks::id_or_name;
            /// The image, by id or name (e.g. `cloud-ubuntu-24.04 LTS`).
            image: IdOrName => body, check = checks::id_or_name;
        },
        optional: {
            /// The SSH key (by name) to install for the default user.
            ssh_key_name: String => body;
            /// The availability zone, e.g. `br-se1-a`.
            availability_zone: String => body;
            /// Network settings; the API's defaults otherwise.
            network: CreateParametersNetwork => body, check = checks::network;
            /// Cloud-init user data, base64-encoded, 1 to 65000 characters.
            user_data: String => body, check = checks::user_data;
            /// Labels for the instance.
            labels: Vec<String> => body, setter = list;
            /// Existing volumes to attach, by id or name.
            volumes: Vec<IdOrName> => body, check = checks::id_or_name_list, setter = list;
        },
    }

    /// Reads one instance (Go `Instances().Get`), by default with its network,
    /// image and machine type expanded.
    pub struct GetInstance {
        method: GET,
        path: "/v1/instances/{id}",
        response: Instance,
        headers: { "x-api-version": "1.1" },
        required: {
            /// The instance id.
            id: String => path;
        },
        optional: {
            /// Related resources to include in full. The spec requires the
            /// parameter, so it starts at the spec's default, `network,image,machine-type`.
            expand: Vec<Expand> => query "expand",
                default = [Expand::Network, Expand::Image, Expand::MachineType].to_vec(),
                check = checks::expand, setter = list;
        },
    }

    /// Deletes an instance; it goes `deleting` and then disappears (Go
    /// `Instances().Delete`).
    pub struct DeleteInstance {
        method: DELETE,
        path: "/v1/instances/{id}",
        response: (),
        status: 204,
        required: {
            /// The instance id.
            id: String => path;
        },
        optional: {
            /// Also release the instance's public IP (the API's default: keep it).
            delete_public_ip: bool => query "delete_public_ip";
        },
    }

    /// Renames an instance (Go `Instances().Rename`).
    pub struct RenameInstance {
        method: PATCH,
        path: "/v1/instances/{id}/rename",
        response: (),
        status: 204,
        // Sets a value: repeating it changes nothing.
        idempotent: true,
        required: {
            /// The instance id.
            id: String => path;
            /// The new name, 1 to 255 characters.
            name: String => body, check = checks::name;
        },
    }

    /// Changes an instance's machine type; the instance must be running or
    /// stopped (Go `Instances().Retype`).
    pub struct RetypeInstance {
        method: POST,
        path: "/v1/instances/{id}/retype",
        response: (),
        status: 204,
        // Sets a target type: a repeat cannot retype further than the first call.
        idempotent: true,
        required: {
            /// The instance id.
            id: String => path;
            /// The new machine type, by id or name.
            machine_type: IdOrName => body, check = checks::id_or_name;
        },
    }

    /// Starts a stopped or suspended instance (Go `Instances().Start`).
    pub struct StartInstance {
        method: POST,
        path: "/v1/instances/{id}/start",
        response: (),
        status: 204,
        // Drives the instance to `running`: a repeat cannot go further.
        idempotent: true,
        required: {
            /// The instance id.
            id: String => path;
        },
    }

    /// Stops a running instance (Go `Instances().Stop`).
    pub struct StopInstance {
        method: POST,
        path: "/v1/instances/{id}/stop",
        response: (),
        status: 204,
        // Drives the instance to `stopped`: a repeat cannot go further.
        idempotent: true,
        required: {
            /// The instance id.
            id: String => path;
        },
    }

    /// Suspends a running instance (Go `Instances().Suspend`).
    pub struct SuspendInstance {
        method: POST,
        path: "/v1/instances/{id}/suspend",
        response: (),
        status: 204,
        // Drives the instance to `suspended`: a repeat cannot go further.
        idempotent: true,
        required: {
            /// The instance id.
            id: String => path;
        },
    }

    /// Reboots a running instance (the Go SDK has no counterpart).
    ///
    /// Not retried after the server may have acted: a second reboot is a second
    /// interruption.
    pub struct RebootInstance {
        method: POST,
        path: "/v1/instances/{id}/reboot",
        response: (),
        status: 204,
        required: {
            /// The instance id.
            id: String => path;
        },
    }

    /// Reads the first administrator password of a Windows instance (Go
    /// `Instances().GetFirstWindowsPassword`).
    pub struct GetFirstWindowsPassword {
        method: GET,
        path: "/v1/instances/config/{id}/first-windows-password",
        response: WindowsPasswordResponse,
        // The body holds the password: decode errors must not quote it.
        sensitive: true,
        required: {
            /// The instance id.
            id: String => path;
        },
    }

    /// Attaches an existing network interface to an instance (Go
    /// `Instances().AttachNetworkInterface`).
    pub struct AttachNetworkInterface {
        method: POST,
        path: "/v1/instances/network-interface/attach",
        response: (),
        status: 204,
        // Names one existing interface, which can be attached only once.
        idempotent: true,
        required: {
            /// The instance and the interface.
            request: NicRequest => json, check = checks::nic_request;
        },
    }

    /// Detaches a non-primary network interface from an instance (Go
    /// `Instances().DetachNetworkInterface`).
    pub struct DetachNetworkInterface {
        method: POST,
        path: "/v1/instances/network-interface/detach",
        response: (),
        status: 204,
        // Names one interface: once it is detached, a repeat has nothing to do.
        idempotent: true,
        required: {
            /// The instance and the interface.
            request: NicRequest => json, check = checks::nic_request;
        },
    }

    /// Reads the last lines of an instance's initialization console log (Go
    /// `Instances().InitLog`).
    pub struct GetInstanceInitLogs {
        method: GET,
        path: "/v1/instances/{id}/init-logs",
        response: InitLogResponse,
        required: {
            /// The instance id.
            id: String => path;
        },
        optional: {
            /// How many lines, 1 to 5000 (the API's default: 50).
            max_lines_count: u32 => query "max-lines-count", check = checks::max_lines, setter = exact;
        },
    }
}
