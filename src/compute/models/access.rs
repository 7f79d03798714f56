//! Small instance answers and bodies: the first Windows password, init logs and
//! the rename body.

use serde::{Deserialize, Serialize};

use crate::compute::lenient;
use crate::compute::macros::model;
use crate::compute::timestamp::Timestamp;
use crate::credentials::Secret;

/// The answer of [`GetFirstWindowsPassword`](crate::compute::GetFirstWindowsPassword).
///
/// Not `Serialize`, so the password cannot be written out by accident; its
/// `Debug` shows `[redacted]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct WindowsPasswordResponse {
    /// The instance and its password.
    pub instance: WindowsPasswordInstance,
}

model! {
    /// The first administrator password of a Windows instance. Only `id` is
    /// required; see the crate's decoding policy.
    #[derive(Debug, Clone, PartialEq)]
    pub struct WindowsPasswordInstance {
        /// The instance id.
        pub id: String,
    } lenient {
        /// The password; read it with [`Secret::expose`].
        pub password: Option<Secret>,
        /// When the password was set.
        pub created_at: Option<Timestamp>,
        /// The user the password belongs to (the API's default is `admin`).
        pub user: Option<String>,
    } never_serialized
}

/// The answer of [`GetInstanceInitLogs`](crate::compute::GetInstanceInitLogs): the
/// last lines of the instance's initialization console log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitLogResponse {
    /// The log lines, oldest first (none when the member is missing; a line that is
    /// not text keeps its JSON text).
    #[serde(default, deserialize_with = "lenient::lines")]
    pub logs: Vec<String>,
}

/// The body of a rename, `{"name": ...}`: what
/// [`RenameInstance`](crate::compute::RenameInstance) and
/// [`RenameSnapshot`](crate::compute::RenameSnapshot) send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateNameRequest {
    /// The new name, 1 to 255 characters.
    pub name: String,
}
