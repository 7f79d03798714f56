//! Public images and their status.

use serde::Serialize;

use crate::compute::macros::{model, string_enum};
use crate::compute::timestamp::Timestamp;
use crate::paging::ListMeta;

model! {
    /// A public image: the template an instance's disk starts from. Only `id` is
    /// required; see the crate's decoding policy.
    #[derive(Debug, Clone, PartialEq, Serialize)]
    pub struct Image {
        /// The image id.
        pub id: String,
    } lenient {
        /// The image name, e.g. `cloud-ubuntu-24.04 LTS`.
        pub name: Option<String>,
        /// The image status.
        pub status: Option<ImageStatus>,
        /// The image version, e.g. `24.04`.
        pub version: Option<String>,
        /// The platform, e.g. `linux` or `windows`.
        pub platform: Option<String>,
        /// When the image was released.
        pub release_at: Option<Timestamp>,
        /// When standard support ends.
        pub end_standard_support_at: Option<Timestamp>,
        /// When the image reaches its end of life.
        pub end_life_at: Option<Timestamp>,
        /// What a machine type needs to run the image.
        pub minimum_requirements: Option<MinimumRequirements>,
        /// The image's labels.
        pub labels: Option<Vec<String>>,
        /// The availability zones the image is offered in.
        pub availability_zones: Option<Vec<String>>,
    }
}

model! {
    /// The least a machine type must offer to run an image.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
    pub struct MinimumRequirements {} lenient {
        /// Virtual CPUs.
        pub vcpu: Option<u32>,
        /// Memory.
        pub ram: Option<u32>,
        /// Disk size, in GB.
        pub disk: Option<u32>,
    }
}

/// A page of public images, the answer of [`ListImages`](crate::compute::ListImages).
///
/// A missing item list is an empty page; a missing or unreadable `meta` is `None`
/// (paging then goes by page sizes).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImageList {
    /// The images of this page.
    pub images: Vec<Image>,
    /// Page metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta: Option<ListMeta>,
}

string_enum! {
    /// The status of an image (public or custom). Values the API adds later
    /// decode as [`ImageStatus::Other`].
    pub enum ImageStatus {
        /// Ready to use.
        Active = "active",
        /// Still usable, but superseded.
        Deprecated = "deprecated",
        /// Gone.
        Deleted = "deleted",
        /// Being deleted.
        Deleting = "deleting",
        /// Deleting failed.
        DeletingError = "deleting_error",
        /// Waiting to be processed.
        Pending = "pending",
        /// Being created.
        Creating = "creating",
        /// Being imported from its URL.
        Importing = "importing",
        /// Importing failed.
        ImportingError = "importing_error",
        /// The imported file is not a usable image.
        InvalidImage = "invalid_image",
        /// Processing failed.
        Error = "error",
    }
}

impl ImageStatus {
    /// Whether the image failed: `error`, `*_error` (known or not) or `invalid_image`.
    pub fn is_error(&self) -> bool {
        let s = self.as_str();
        s.contains("error") || s.starts_with("invalid")
    }

    /// Whether the image can be used (`active` or `deprecated`).
    pub fn is_usable(&self) -> bool {
        matches!(self, ImageStatus::Active | ImageStatus::Deprecated)
    }

    /// Whether nothing is in progress: usable, deleted or failed.
    pub fn is_terminal(&self) -> bool {
        self.is_usable() || matches!(self, ImageStatus::Deleted) || self.is_error()
    }
}
