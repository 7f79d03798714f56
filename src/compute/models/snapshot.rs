//! Instance snapshots, with their status and state.

use serde::Serialize;

use super::instance::{InstanceTypes, VmImage};
use crate::compute::macros::{model, string_enum};
use crate::compute::timestamp::Timestamp;
use crate::paging::ListMeta;

model! {
    /// A snapshot: a point-in-time copy of an instance's disk, to restore into a new
    /// instance. Only `id` is required; see the crate's decoding policy.
    #[derive(Debug, Clone, PartialEq, Serialize)]
    pub struct Snapshot {
        /// The snapshot id.
        pub id: String,
    } lenient {
        /// The snapshot name.
        pub name: Option<String>,
        /// What the snapshot is doing (`creating`, `completed`, ...).
        pub status: Option<SnapshotStatus>,
        /// Where the snapshot is in its life; restore it once it is `available`.
        pub state: Option<SnapshotState>,
        /// When the snapshot was created.
        pub created_at: Option<Timestamp>,
        /// When the snapshot last changed.
        pub updated_at: Option<Timestamp>,
        /// The snapshot size, in GB.
        pub size: Option<u64>,
        /// The instance the snapshot was taken from.
        pub instance: Option<SnapshotInstance>,
    }
}

model! {
    /// The instance a snapshot was taken from.
    ///
    /// The Go SDK reads `image` and `machine_type` as `IDOrName`; they are the same
    /// shapes as on an [`Instance`](super::Instance), so expanded reads keep the
    /// platform and sizes too.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct SnapshotInstance {
        /// The instance id.
        pub id: String,
    } lenient {
        /// Its image: the id, or more when the read expanded `image`.
        pub image: Option<VmImage>,
        /// Its machine type: the id, or all of it when the read expanded `machine-type`.
        pub machine_type: Option<InstanceTypes>,
    }
}

/// A page of snapshots, the answer of [`ListSnapshots`](crate::compute::ListSnapshots).
///
/// A missing item list is an empty page; a missing or unreadable `meta` is `None`
/// (paging then goes by page sizes).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListSnapshotsResponse {
    /// The snapshots of this page.
    pub snapshots: Vec<Snapshot>,
    /// Page metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta: Option<ListMeta>,
}

string_enum! {
    /// What a snapshot is doing. The API documents it as a plain string; these are
    /// the values seen so far, and others decode as [`SnapshotStatus::Other`].
    pub enum SnapshotStatus {
        /// Creation accepted.
        Provisioning = "provisioning",
        /// Being created.
        Creating = "creating",
        /// Creation failed.
        CreatingError = "creating_error",
        /// Creation failed on a quota.
        CreatingErrorQuota = "creating_error_quota",
        /// The last action finished.
        Completed = "completed",
        /// Being deleted.
        Deleting = "deleting",
        /// Gone.
        Deleted = "deleted",
        /// Deleting failed.
        DeletedError = "deleted_error",
        /// Being restored into an instance.
        Restoring = "restoring",
        /// A copy to another region was requested.
        PendingCopy = "pending_copy",
        /// Being copied to another region.
        Copying = "copying",
        /// Copying failed.
        CopyError = "copy_error",
    }
}

impl SnapshotStatus {
    /// Whether the last action failed: every `*error*` value, known or not.
    pub fn is_error(&self) -> bool {
        self.as_str().contains("error")
    }

    /// Whether the last action finished successfully (`completed`).
    pub fn is_completed(&self) -> bool {
        matches!(self, SnapshotStatus::Completed)
    }

    /// Whether nothing is in progress: `completed`, `deleted` or an error.
    pub fn is_terminal(&self) -> bool {
        self.is_completed() || matches!(self, SnapshotStatus::Deleted) || self.is_error()
    }
}

string_enum! {
    /// Where a snapshot is in its life. Others decode as [`SnapshotState::Other`].
    pub enum SnapshotState {
        /// Not in use.
        NotUsed = "not_used",
        /// Being created.
        New = "new",
        /// Ready: can be restored or copied.
        Available = "available",
        /// Deleted.
        Deleted = "deleted",
    }
}

impl SnapshotState {
    /// Whether the snapshot can be restored or copied (`available`).
    pub fn is_available(&self) -> bool {
        matches!(self, SnapshotState::Available)
    }
}
