//! Waiters for the compute lifecycle: [`Client::wait`](crate::Client::wait) polls
//! until an instance, snapshot or custom image reaches a state, and stops at once
//! when it enters an error status.
//!
//! | waiter | done when | fails fast on |
//! |---|---|---|
//! | [`InstanceRunning`] | state `running`, status `completed` | any `*error*` status or state `error`; deleted |
//! | [`InstanceStopped`] | state `stopped`, status `completed` | same |
//! | [`InstanceSuspended`] | state `suspended`, status `completed` | same |
//! | [`InstanceDeleted`] | `404`, or status `deleted` | `deleting_error`, `deleting_network_error` |
//! | [`SnapshotAvailable`] | state `available` | any `*error*` status; deleted |
//! | [`SnapshotDeleted`] | `404`, or state `deleted` | `deleted_error` (a failed delete) |
//! | [`CustomImageActive`] | status `active` | `error`, `*_error`, `invalid_image`; deleted |
//! | [`CustomImageDeleted`] | `404`, or status `deleted` | `deleting_error` |
//!
//! "Any `*error*` status" includes values the API adds later (an unknown
//! `creating_error_capacity` fails the wait as fast as a known one). Each waiter
//! returns the resource in its final state, `()` for deletions.

use crate::error::Error;
use crate::waiting::{Check, Waiter};

use super::models::{CustomImage, ImageStatus, Instance, InstanceState, Snapshot, SnapshotState};
use super::{Expand, GetCustomImage, GetInstance, GetSnapshot};

/// What a waiter needs to know about one kind of resource.
trait Observe {
    /// Its error status, if it is in one, and the resource's own explanation.
    fn failure(&self) -> Option<(String, Option<String>)>;
    /// Whether it is gone.
    fn gone(&self) -> bool;
    /// Its status for progress reports.
    fn progress(&self) -> String;
}

/// A status or state for reports: its value, or `unknown` when the server sent
/// none (a poll without a status is progress, never an arrival or a failure).
fn shown<T: std::fmt::Display>(value: &Option<T>) -> String {
    value
        .as_ref()
        .map_or_else(|| "unknown".to_owned(), T::to_string)
}

impl Observe for Instance {
    fn failure(&self) -> Option<(String, Option<String>)> {
        let failed = self.status.as_ref().is_some_and(|s| s.is_error())
            || self.state == Some(InstanceState::Error);
        failed.then(|| {
            let message = self.error.as_ref().and_then(|e| e.message.clone());
            (shown(&self.status), message)
        })
    }
    fn gone(&self) -> bool {
        self.status.as_ref().is_some_and(|s| s.is_deleted())
            || self.state == Some(InstanceState::Deleted)
    }
    fn progress(&self) -> String {
        format!("{}/{}", shown(&self.status), shown(&self.state))
    }
}

impl Observe for Snapshot {
    fn failure(&self) -> Option<(String, Option<String>)> {
        let failed = self.status.as_ref().is_some_and(|s| s.is_error());
        failed.then(|| (shown(&self.status), None))
    }
    fn gone(&self) -> bool {
        self.state == Some(SnapshotState::Deleted)
    }
    fn progress(&self) -> String {
        format!("{}/{}", shown(&self.status), shown(&self.state))
    }
}

impl Observe for CustomImage {
    fn failure(&self) -> Option<(String, Option<String>)> {
        let failed = self.status.as_ref().is_some_and(|s| s.is_error());
        failed.then(|| (shown(&self.status), None))
    }
    fn gone(&self) -> bool {
        self.status == Some(ImageStatus::Deleted)
    }
    fn progress(&self) -> String {
        shown(&self.status)
    }
}

/// Reads a poll while waiting for `arrived`: errors and deletion fail the wait.
fn until<R: Observe>(outcome: Result<R, Error>, arrived: impl Fn(&R) -> bool) -> Check<R> {
    match outcome {
        Err(error) => Check::Error(error),
        Ok(r) => match r.failure() {
            Some((status, message)) => Check::Failed { status, message },
            None if arrived(&r) => Check::Done(r),
            None if r.gone() => Check::Failed {
                status: r.progress(),
                message: Some("the resource was deleted".to_owned()),
            },
            None => Check::Pending {
                status: r.progress(),
            },
        },
    }
}

/// Reads a poll while waiting for the resource to disappear: `404` is success.
/// Only a failed *deletion* fails the wait: a resource that was already in an
/// error status (a failed create) keeps it while it is being deleted.
fn until_gone<R: Observe>(outcome: Result<R, Error>) -> Check<()> {
    match outcome {
        Err(error) if error.is_not_found() => Check::Done(()),
        Err(error) => Check::Error(error),
        Ok(r) if r.gone() => Check::Done(()),
        Ok(r) => match r.failure() {
            Some((status, message)) if status.starts_with("delet") && status.contains("error") => {
                Check::Failed { status, message }
            }
            _ => Check::Pending {
                status: r.progress(),
            },
        },
    }
}

macro_rules! waiters {
    ($(
        $(#[$doc:meta])*
        $name:ident: $resource:literal $target:literal,
        poll $poll:ident $(.expand($($expand:ident),*))? -> $output:ty,
        check |$outcome:ident| $check:expr;
    )*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[must_use = "a waiter does nothing until passed to `Client::wait` and awaited"]
        pub struct $name {
            id: String,
        }

        impl $name {
            #[doc = concat!("Waits on the ", $resource, " `id`.")]
            pub fn new(id: impl Into<String>) -> Self {
                $name { id: id.into() }
            }
        }

        impl Waiter for $name {
            type Output = $output;
            type Poll = $poll;
            const RESOURCE: &'static str = $resource;
            const TARGET: &'static str = $target;

            fn id(&self) -> &str {
                &self.id
            }

            fn poll(&self) -> $poll {
                $poll::new(self.id.as_str()) $(.expand(vec![$(Expand::$expand),*]))?
            }

            fn check(&self, $outcome: Result<<$poll as crate::Endpoint>::Response, Error>) -> Check<$output> {
                $check
            }
        }
    )*};
}

waiters! {
    /// Until the instance is `running` and its last action `completed`: after a
    /// create, a restore or a start. (After a reboot the instance may still read
    /// `running/completed` before the reboot shows, so this returns at once.)
    InstanceRunning: "instance" "running",
    poll GetInstance.expand(Image, MachineType, Network) -> Instance,
    check |outcome| until(outcome, |i| i.state == Some(InstanceState::Running) && i.status.as_ref().is_some_and(|s| s.is_completed()));

    /// Until the instance is `stopped` and its last action `completed`: after a
    /// stop, or a retype of a stopped instance.
    InstanceStopped: "instance" "stopped",
    poll GetInstance.expand(Image, MachineType, Network) -> Instance,
    check |outcome| until(outcome, |i| i.state == Some(InstanceState::Stopped) && i.status.as_ref().is_some_and(|s| s.is_completed()));

    /// Until the instance is `suspended` and its last action `completed`.
    InstanceSuspended: "instance" "suspended",
    poll GetInstance.expand(Image, MachineType, Network) -> Instance,
    check |outcome| until(outcome, |i| i.state == Some(InstanceState::Suspended) && i.status.as_ref().is_some_and(|s| s.is_completed()));

    /// Until the instance is gone: its read answers `404` (or status `deleted`).
    InstanceDeleted: "instance" "deleted",
    poll GetInstance -> (),
    check |outcome| until_gone(outcome);

    /// Until the snapshot is `available` for restores and copies.
    SnapshotAvailable: "snapshot" "available",
    poll GetSnapshot -> Snapshot,
    check |outcome| until(outcome, |s| s.state.as_ref().is_some_and(|s| s.is_available()));

    /// Until the snapshot is gone: its read answers `404` (or state `deleted`).
    SnapshotDeleted: "snapshot" "deleted",
    poll GetSnapshot -> (),
    check |outcome| until_gone(outcome);

    /// Until the custom image is `active`: imported and usable.
    CustomImageActive: "image" "active",
    poll GetCustomImage -> CustomImage,
    check |outcome| until(outcome, |i| i.status == Some(ImageStatus::Active));

    /// Until the custom image is gone: its read answers `404` (or status `deleted`).
    CustomImageDeleted: "image" "deleted",
    poll GetCustomImage -> (),
    check |outcome| until_gone(outcome);
}
