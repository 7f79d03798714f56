//! Instances as the API returns them, with their status and state.

use serde::Serialize;

use super::network::Network;
use crate::compute::macros::{model, string_enum};
use crate::compute::timestamp::Timestamp;
use crate::paging::ListMeta;

model! {
    /// A virtual machine instance.
    ///
    /// `machine_type`, `image` and `network` hold only ids unless the read asked to
    /// [`Expand`](super::Expand) them. Only `id` is required: every other field is
    /// `None` when the server leaves it out or sends a value this SDK cannot read
    /// (see the crate's decoding policy).
    #[derive(Debug, Clone, PartialEq, Serialize)]
    pub struct Instance {
        /// The instance id.
        pub id: String,
    } lenient {
        /// The instance name.
        pub name: Option<String>,
        /// The machine type: its id, or all of it when expanded.
        pub machine_type: Option<InstanceTypes>,
        /// The image: its id, or more when expanded.
        pub image: Option<VmImage>,
        /// What the instance is doing (`creating`, `completed`, `stopping`, ...).
        pub status: Option<InstanceStatus>,
        /// Where the instance is in its life (`running`, `stopped`, ...).
        pub state: Option<InstanceState>,
        /// When the instance was created.
        pub created_at: Option<Timestamp>,
        /// When the instance last changed.
        pub updated_at: Option<Timestamp>,
        /// The SSH key installed at creation.
        pub ssh_key_name: Option<String>,
        /// The availability zone, e.g. `br-se1-a`.
        pub availability_zone: Option<String>,
        /// The network: interface ids, or the VPC and interfaces in full when expanded.
        pub network: Option<Network>,
        /// The cloud-init user data given at creation (base64).
        pub user_data: Option<String>,
        /// The instance's labels.
        pub labels: Option<Vec<String>>,
        /// Why the instance is in an error status, when it is.
        pub error: Option<InstanceError>,
    }
}

model! {
    /// The machine type of an instance (the Go SDK's `InstanceTypes`): the id, plus
    /// the sizes when the read expanded `machine-type`.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct InstanceTypes {
        /// The machine type id.
        pub id: String,
    } lenient {
        /// The machine type name, e.g. `BV1-1-40`.
        pub name: Option<String>,
        /// Virtual CPUs.
        pub vcpus: Option<u32>,
        /// Memory, in the API's unit for machine types.
        pub ram: Option<u32>,
        /// Disk size, in GB.
        pub disk: Option<u32>,
    }
}

model! {
    /// The image of an instance (the Go SDK's `VmImage`): the id, plus name and
    /// platform when the read expanded `image`.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct VmImage {
        /// The image id.
        pub id: String,
    } lenient {
        /// The image name.
        pub name: Option<String>,
        /// The image platform, e.g. `linux`.
        pub platform: Option<String>,
    }
}

model! {
    /// Why an instance failed (the Go SDK's `Error`, renamed so it does not clash
    /// with [`mgc::Error`](crate::Error)).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct InstanceError {} lenient {
        /// A human-readable message.
        pub message: Option<String>,
        /// A machine-readable code, e.g. `create_instance.keypair.not_found`.
        pub slug: Option<String>,
    }
}

/// A page of instances, the answer of [`ListInstances`](crate::compute::ListInstances).
///
/// A missing `instances` member is an empty page; a missing or unreadable `meta`
/// is `None` (paging then goes by page sizes).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListInstancesResponse {
    /// The instances of this page.
    pub instances: Vec<Instance>,
    /// Page metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta: Option<ListMeta>,
}

string_enum! {
    /// What an instance is doing. Actions finish asynchronously: an action's status
    /// goes `<action>_pending`, `<action>ing`, then `completed` (or an `*_error`
    /// status). Values the API adds later decode as [`InstanceStatus::Other`].
    pub enum InstanceStatus {
        /// Network interface attach requested.
        AttachNicPending = "attach_nic_pending",
        /// A network interface is being attached.
        AttachingNic = "attaching_nic",
        /// Attaching a network interface failed.
        AttachingNicError = "attaching_nic_error",
        /// Network interface detach requested.
        DetachNicPending = "detach_nic_pending",
        /// A network interface is being detached.
        DetachingNic = "detaching_nic",
        /// Detaching a network interface failed.
        DetachingNicError = "detaching_nic_error",
        /// Creation accepted; resources are being reserved.
        Provisioning = "provisioning",
        /// The instance is being created.
        Creating = "creating",
        /// Creation failed.
        CreatingError = "creating_error",
        /// Creation failed for lack of GPU capacity.
        CreatingErrorGpu = "creating_error_gpu",
        /// Creation failed while setting up the network.
        CreatingNetworkError = "creating_network_error",
        /// Creation failed on a quota.
        CreatingErrorQuota = "creating_error_quota",
        /// Creation failed on the RAM quota.
        CreatingErrorQuotaRam = "creating_error_quota_ram",
        /// Creation failed on the vCPU quota.
        CreatingErrorQuotaVcpu = "creating_error_quota_vcpu",
        /// Creation failed on the disk quota.
        CreatingErrorQuotaDisk = "creating_error_quota_disk",
        /// Creation failed on the instance-count quota.
        CreatingErrorQuotaInstance = "creating_error_quota_instance",
        /// Creation failed on the public IP quota.
        CreatingErrorQuotaFloatingIp = "creating_error_quota_floating_ip",
        /// Creation failed on the network quota.
        CreatingErrorQuotaNetwork = "creating_error_quota_network",
        /// The last action finished.
        Completed = "completed",
        /// Retype requested.
        RetypingPending = "retyping_pending",
        /// The machine type is being changed.
        Retyping = "retyping",
        /// The machine type change was confirmed.
        RetypingConfirmed = "retyping_confirmed",
        /// Retype failed.
        RetypingError = "retyping_error",
        /// Retype failed on a quota.
        RetypingErrorQuota = "retyping_error_quota",
        /// Retype failed on the RAM quota.
        RetypingErrorQuotaRam = "retyping_error_quota_ram",
        /// Retype failed on the vCPU quota.
        RetypingErrorQuotaVcpu = "retyping_error_quota_vcpu",
        /// Stop requested.
        StoppingPending = "stopping_pending",
        /// The instance is stopping.
        Stopping = "stopping",
        /// Stop failed.
        StoppingError = "stopping_error",
        /// Suspend requested.
        SuspendingPending = "suspending_pending",
        /// The instance is being suspended.
        Suspending = "suspending",
        /// Suspend failed.
        SuspendingError = "suspending_error",
        /// Reboot requested.
        RebootingPending = "rebooting_pending",
        /// The instance is rebooting.
        Rebooting = "rebooting",
        /// Reboot failed.
        RebootingError = "rebooting_error",
        /// Start requested.
        StartingPending = "starting_pending",
        /// The instance is starting.
        Starting = "starting",
        /// Start failed.
        StartingError = "starting_error",
        /// Delete requested.
        DeletingPending = "deleting_pending",
        /// The instance is being deleted.
        Deleting = "deleting",
        /// Delete failed.
        DeletingError = "deleting_error",
        /// Delete failed while releasing the network.
        DeletingNetworkError = "deleting_network_error",
        /// The instance is gone.
        Deleted = "deleted",
    }
}

impl InstanceStatus {
    /// Whether the last action failed: every `*error*` value, known or not (e.g. a
    /// future `creating_error_capacity`).
    pub fn is_error(&self) -> bool {
        self.as_str().contains("error")
    }

    /// Whether the last action finished successfully (`completed`).
    pub fn is_completed(&self) -> bool {
        matches!(self, InstanceStatus::Completed)
    }

    /// Whether the instance is gone (`deleted`).
    pub fn is_deleted(&self) -> bool {
        matches!(self, InstanceStatus::Deleted)
    }

    /// Whether an action was accepted and has not started yet (`*_pending`).
    pub fn is_pending(&self) -> bool {
        self.as_str().ends_with("_pending")
    }

    /// Whether nothing is in progress: `completed`, `deleted` or an error. A waiter
    /// can stop polling on a terminal status.
    pub fn is_terminal(&self) -> bool {
        self.is_completed() || self.is_deleted() || self.is_error()
    }
}

string_enum! {
    /// Where an instance is in its life. Values the API adds later decode as
    /// [`InstanceState::Other`].
    pub enum InstanceState {
        /// Being created.
        New = "new",
        /// Creation failed.
        Error = "error",
        /// Running: ready to use once its status is `completed`.
        Running = "running",
        /// Stopped.
        Stopped = "stopped",
        /// Suspended.
        Suspended = "suspended",
        /// Deleted.
        Deleted = "deleted",
    }
}

impl InstanceState {
    /// Whether the instance is in the `error` state (or an unknown `*error*` one).
    pub fn is_error(&self) -> bool {
        self.as_str().contains("error")
    }
}
