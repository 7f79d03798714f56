//! The compute API: instances, images, machine types and snapshots.
//!
//! Every operation is one type, declared as one entry of the endpoint table with
//! [`endpoint!`](crate::endpoint!). Required values go to `new(..)`, optional ones
//! are chainable setters, and [`Client::send`](crate::Client::send) runs any of
//! them:
//!
//! ```no_run
//! use mgc::compute::{CreateInstance, GetInstance, IdOrName};
//!
//! # async fn run(client: mgc::Client) -> Result<(), mgc::Error> {
//! let created = client
//!     .send(
//!         CreateInstance::new(
//!             "web",
//!             IdOrName::name("BV1-1-40"),
//!             IdOrName::name("cloud-ubuntu-24.04 LTS"),
//!         )
//!         .ssh_key_name("my-key"),
//!     )
//!     .await?;
//! let instance = client.send(GetInstance::new(created.id)).await?;
//! if let Some(status) = &instance.status {
//!     println!("{} is {status}", instance.id);
//! }
//! # Ok(()) }
//! ```
//!
//! Setters take what you would write: `.limit(10)`, `.expand([Expand::Image])`,
//! `.labels(["web", "prod"])` (or `vec![..]`), and a reference given as text is a
//! reference by name (`CreateInstance::new("web", "BV1-1-40", "cloud-ubuntu-24.04
//! LTS")`); an id, a UUID, is said so with [`IdOrName::id`].
//!
//! Values are checked before anything is sent (page sizes, sort orders, name and
//! user-data lengths, ids; see [`checks`]); a bad one fails with
//! [`Error::InvalidInput`](crate::Error::InvalidInput) naming the field.
//! Statuses and states decode into enums that keep values this SDK does not know
//! (`Other(String)`), so a new status on the server never breaks decoding.
//!
//! # Decoding policy
//!
//! Only identity is required: a resource's `id` (and the id a create or restore
//! answers). Every other field of a response model is an `Option` that is `None`
//! when the server leaves it out, sends `null`, or sends a value this SDK cannot
//! read as the field's type (a negative size, a number where text was expected);
//! timestamps are [`Timestamp`]s, which keep text that is not RFC 3339. One odd
//! field in one item never fails a page. What does fail, with a decode error that
//! names the JSON path: a body that is not an object, a page whose item list is
//! not an array, and an item without its `id`.
//!
//! # The table
//!
//! | Rust type | Method | Path | Go SDK |
//! |---|---|---|---|
//! | [`ListInstances`] | `GET` | `/v1/instances` | `Instances().List` |
//! | [`CreateInstance`] | `POST` | `/v1/instances` | `Instances().Create` |
//! | [`GetInstance`] | `GET` | `/v1/instances/{id}` | `Instances().Get` |
//! | [`DeleteInstance`] | `DELETE` | `/v1/instances/{id}` | `Instances().Delete` |
//! | [`RenameInstance`] | `PATCH` | `/v1/instances/{id}/rename` | `Instances().Rename` |
//! | [`RetypeInstance`] | `POST` | `/v1/instances/{id}/retype` | `Instances().Retype` |
//! | [`StartInstance`] | `POST` | `/v1/instances/{id}/start` | `Instances().Start` |
//! | [`StopInstance`] | `POST` | `/v1/instances/{id}/stop` | `Instances().Stop` |
//! | [`SuspendInstance`] | `POST` | `/v1/instances/{id}/suspend` | `Instances().Suspend` |
//! | [`RebootInstance`] | `POST` | `/v1/instances/{id}/reboot` | — |
//! | [`GetFirstWindowsPassword`] | `GET` | `/v1/instances/config/{id}/first-windows-password` | `Instances().GetFirstWindowsPassword` |
//! | [`AttachNetworkInterface`] | `POST` | `/v1/instances/network-interface/attach` | `Instances().AttachNetworkInterface` |
//! | [`DetachNetworkInterface`] | `POST` | `/v1/instances/network-interface/detach` | `Instances().DetachNetworkInterface` |
//! | [`GetInstanceInitLogs`] | `GET` | `/v1/instances/{id}/init-logs` | `Instances().InitLog` |
//! | [`ListImages`] | `GET` | `/v1/images` | `Images().List` |
//! | [`ListCustomImages`] | `GET` | `/v1/images/custom` | — |
//! | [`CreateCustomImage`] | `POST` | `/v1/images/custom` | — |
//! | [`GetCustomImage`] | `GET` | `/v1/images/custom/{id}` | — |
//! | [`UpdateCustomImage`] | `PATCH` | `/v1/images/custom/{id}` | — |
//! | [`DeleteCustomImage`] | `DELETE` | `/v1/images/custom/{id}` | — |
//! | [`ListMachineTypes`] | `GET` | `/v1/machine-types` | — |
//! | [`ListInstanceTypes`] | `GET` | `/v1/instance-types` | `InstanceTypes().List` |
//! | [`ListSnapshots`] | `GET` | `/v1/snapshots` | `Snapshots().List` |
//! | [`CreateSnapshot`] | `POST` | `/v1/snapshots` | `Snapshots().Create` |
//! | [`GetSnapshot`] | `GET` | `/v1/snapshots/{id}` | `Snapshots().Get` |
//! | [`DeleteSnapshot`] | `DELETE` | `/v1/snapshots/{id}` | `Snapshots().Delete` |
//! | [`RenameSnapshot`] | `PATCH` | `/v1/snapshots/{id}/rename` | `Snapshots().Rename` |
//! | [`RestoreSnapshot`] | `POST` | `/v1/snapshots/{id}` | `Snapshots().Restore` |
//! | [`CopySnapshot`] | `POST` | `/v1/snapshots/{id}/copy` | `Snapshots().Copy` |
//!
//! The same rows, as data, are [`OPERATIONS`], written by `endpoint!` from the
//! rows themselves; a test holds this table to it (and the emulator, the
//! end-to-end run and the check against the API's description), so a row cannot
//! be added or changed without this table following.
//!
//! Answers: creates and restores decode into [`CreateResponse`] (`{id}`); lists
//! into a page type with the items and `meta` (each implements
//! [`Page`](crate::Page), each list endpoint [`Paginated`](crate::Paginated));
//! `204` actions into `()`. [`ListInstances`] and [`GetInstance`] send
//! `x-api-version: 1.1`.
//!
//! Retries: `GET` and `DELETE` are always safe to repeat; start, stop, suspend,
//! rename, retype, network-interface attach and detach, snapshot rename and custom
//! image update are marked idempotent; creates, reboot, restore and copy are not
//! re-sent once the server may have acted (see each module's notes).
//!
//! # Coming from the Go SDK
//!
//! | Go (`mgc-sdk-go/compute`) | Rust |
//! |---|---|
//! | `VirtualMachineClient`, `New(core, opts...)` | [`Client`](crate::Client), [`Client::builder`](crate::Client::builder) |
//! | `ClientOption` | the [`ClientBuilder`](crate::ClientBuilder) methods |
//! | `Instances()`, `Images()`, `InstanceTypes()`, `Snapshots()` | not needed: send the endpoint types |
//! | `InstanceService`, `ImageService`, `InstanceTypeService`, `SnapshotService` | the table above |
//! | `DefaultBasePath` | [`DEFAULT_BASE_PATH`] |
//! | `InstanceImageExpand`, `InstanceMachineTypeExpand`, `InstanceNetworkExpand` | [`Expand::Image`], [`Expand::MachineType`], [`Expand::Network`] ([`INSTANCE_IMAGE_EXPAND`], [`INSTANCE_MACHINE_TYPE_EXPAND`], [`INSTANCE_NETWORK_EXPAND`]) |
//! | `SnapshotImageExpand`, `SnapshotMachineTypeExpand` | [`Expand::Image`], [`Expand::MachineType`] ([`SNAPSHOT_IMAGE_EXPAND`], [`SNAPSHOT_MACHINE_TYPE_EXPAND`]) |
//! | `VmInstanceHeaderVersionName`, `VmInstanceHeaderVersion` | [`VM_INSTANCE_HEADER_VERSION_NAME`], [`VM_INSTANCE_HEADER_VERSION`] |
//! | `ListOptions{Limit, Offset, Sort, Expand, Name}` | [`ListInstances`] / [`ListSnapshots`] setters `limit`, `offset`, `sort`, `expand`, `name` |
//! | `ImageListOptions{Limit, Offset, Sort, Labels, AvailabilityZone}` | [`ListImages`] setters `limit`, `offset`, `sort`, `labels` (`_labels`), `availability_zone` |
//! | `InstanceTypeListOptions{Limit, Offset, Sort, AvailabilityZone}` | [`ListInstanceTypes`] (and [`ListMachineTypes`]) setters |
//! | `CreateRequest` | [`CreateInstance`]: `new(name, machine_type, image)`, setters for the rest |
//! | `CreateParametersNetwork` | [`CreateParametersNetwork`] |
//! | `CreateParametersNetworkInterface` | [`CreateParametersNetworkInterface`] (its `Interface` is sent as `id`, as the API reads it) |
//! | `CreateParametersNetworkInterfaceSecurityGroupsItem` | [`IdRef`] (alias [`CreateParametersNetworkInterfaceSecurityGroupsItem`]) |
//! | `RetypeRequest` | [`RetypeInstance`]: `new(id, machine_type)` |
//! | `UpdateNameRequest` | [`UpdateNameRequest`]; [`RenameInstance`] / [`RenameSnapshot`]: `new(id, name)` |
//! | `NICRequest`, `NICRequestInterface` | [`NicRequest`], [`NicRequestInterface`] |
//! | `IDOrName` | [`IdOrName`] |
//! | `Instance` (`Status`, `State` strings) | [`Instance`] ([`InstanceStatus`], [`InstanceState`]) |
//! | `InstanceTypes`, `VmImage`, `Error` | [`InstanceTypes`], [`VmImage`], [`InstanceError`] |
//! | `Network`, `NetworkInterface`, `IpAddressNewExpand` | [`Network`], [`NetworkInterface`], [`IpAddressNewExpand`] |
//! | `ListInstancesResponse` | [`ListInstancesResponse`] (with `meta`) |
//! | `WindowsPasswordResponse`, `WindowsPasswordInstance` (`Password`) | [`WindowsPasswordResponse`], [`WindowsPasswordInstance`] ([`Secret`](crate::Secret)) |
//! | `InitLogResponse` | [`InitLogResponse`] |
//! | `Image`, `MinimumRequirements`, `ImageList` | [`Image`], [`MinimumRequirements`], [`ImageList`] (with `meta`) |
//! | `ImageStatus` | [`ImageStatus`] (values the API adds later: [`ImageStatus::Other`]) |
//! | `ImageStatusActive` | [`ImageStatus::Active`] |
//! | `ImageStatusDeprecated` | [`ImageStatus::Deprecated`] |
//! | `ImageStatusDeleted` | [`ImageStatus::Deleted`] |
//! | `ImageStatusPending` | [`ImageStatus::Pending`] |
//! | `ImageStatusCreating` | [`ImageStatus::Creating`] |
//! | `ImageStatusImporting` | [`ImageStatus::Importing`] |
//! | `ImageStatusError` | [`ImageStatus::Error`] |
//! | `ImageStatusDeletingError` | [`ImageStatus::DeletingError`] |
//! | `InstanceType`, `InstanceTypeList` | [`InstanceType`], [`InstanceTypeList`] |
//! | `Meta` | [`Meta`] (inside [`ListMeta`]) |
//! | `Snapshot`, `SnapshotInstance`, `ListSnapshotsResponse` | [`Snapshot`] ([`SnapshotStatus`], [`SnapshotState`]), [`SnapshotInstance`], [`ListSnapshotsResponse`] |
//! | `CreateSnapshotRequest` | [`CreateSnapshot`]: `new(name, instance)` |
//! | `RestoreSnapshotRequest` | [`RestoreSnapshot`]: `new(id, name, machine_type)`, setters for the rest |
//! | `CopySnapshotRequest{DestinationRegion}` | [`CopySnapshot`]: `new(id, region)` ([`Region`](crate::Region)) |
//! | `Create`/`Restore` returning `(string, error)` | [`CreateResponse`] |
//!
//! Beyond the Go SDK: [`RebootInstance`], the custom image endpoints and types
//! ([`CustomImage`], [`CustomImageList`], [`CustomImageRequirements`],
//! [`Platform`], [`License`], [`Architecture`]), [`ListMachineTypes`] with
//! [`MachineTypeList`] and `sku`, the `volumes` of a create, the `subnets` of a
//! new interface, `delete_public_ip`, and the version 1 [`NetworkPort`] shape.

pub mod checks;
mod images;
mod instances;
pub(crate) mod lenient;
mod machine_types;
mod macros;
mod models;
mod snapshots;
mod timestamp;
mod waiters;

pub use images::*;
pub use instances::*;
pub use machine_types::*;
pub use models::*;
pub use snapshots::*;
pub use timestamp::Timestamp;
pub use waiters::*;

pub use crate::region::DEFAULT_BASE_PATH;

/// Every operation of the compute API this SDK ships, one entry per row of the
/// endpoint table, in the order of the table above.
///
/// It is written by `endpoint!` from the rows themselves (each module's table
/// lists its rows), so it cannot drift from them; tests hold the documentation
/// table, the emulator's routes, the end-to-end run and the check against the
/// API's description to it.
///
/// ```
/// let list = mgc::compute::OPERATIONS.iter().find(|op| op.type_name == "ListInstances").unwrap();
/// assert_eq!((list.method, list.path, list.default_page_size), ("GET", "/v1/instances", Some(50)));
/// ```
pub const OPERATIONS: &[crate::endpoint::Operation] = &concat::<{ OPERATION_COUNT }>([
    instances::INSTANCE_OPERATIONS,
    images::IMAGE_OPERATIONS,
    machine_types::MACHINE_TYPE_OPERATIONS,
    snapshots::SNAPSHOT_OPERATIONS,
]);

const OPERATION_COUNT: usize = instances::INSTANCE_OPERATIONS.len()
    + images::IMAGE_OPERATIONS.len()
    + machine_types::MACHINE_TYPE_OPERATIONS.len()
    + snapshots::SNAPSHOT_OPERATIONS.len();

/// The tables of the modules, one after the other.
const fn concat<const N: usize>(
    tables: [&[crate::endpoint::Operation]; 4],
) -> [crate::endpoint::Operation; N] {
    let mut out = [tables[0][0]; N];
    let (mut t, mut k) = (0, 0);
    while t < tables.len() {
        let mut i = 0;
        while i < tables[t].len() {
            out[k] = tables[t][i];
            k += 1;
            i += 1;
        }
        t += 1;
    }
    assert!(k == N);
    out
}
