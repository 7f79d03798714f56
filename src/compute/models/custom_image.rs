//! Custom images: images imported from a URL into the tenant's own catalogue.

use serde::{Deserialize, Serialize};

use super::image::ImageStatus;
use crate::compute::macros::{model, string_enum};
use crate::paging::ListMeta;

model! {
    /// A custom image. Only `id` is required; see the crate's decoding policy.
    #[derive(Debug, Clone, PartialEq, Serialize)]
    pub struct CustomImage {
        /// The image id.
        pub id: String,
    } lenient {
        /// The image name.
        pub name: Option<String>,
        /// The image status; wait for `active` after a create.
        pub status: Option<ImageStatus>,
        /// A free-form description.
        pub description: Option<String>,
        /// A free-form version.
        pub version: Option<String>,
        /// What a machine type needs to run the image (`None` unless all three sizes
        /// are readable: it is also what a create sends).
        pub requirements: Option<CustomImageRequirements>,
        /// The operating system family.
        pub platform: Option<Platform>,
        /// Free-form metadata the API attaches to the image.
        pub metadata: Option<serde_json::Map<String, serde_json::Value>>,
        /// Whether the image carries a license.
        pub license: Option<License>,
    }
}

/// The least a machine type must offer to run a custom image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomImageRequirements {
    /// Disk size, in GB.
    pub disk: u32,
    /// Memory.
    pub ram: u32,
    /// Virtual CPUs.
    pub vcpu: u32,
}

/// A page of custom images, the answer of
/// [`ListCustomImages`](crate::compute::ListCustomImages).
///
/// A missing item list is an empty page; a missing or unreadable `meta` is `None`
/// (paging then goes by page sizes).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomImageList {
    /// The images of this page.
    pub images: Vec<CustomImage>,
    /// Page metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta: Option<ListMeta>,
}

string_enum! {
    /// The operating system family of a custom image.
    pub enum Platform {
        /// Linux.
        Linux = "linux",
        /// Windows.
        Windows = "windows",
    }
}

string_enum! {
    /// Whether a custom image carries an operating system license.
    pub enum License {
        /// No license included.
        Unlicensed = "unlicensed",
        /// A license is included.
        Licensed = "licensed",
    }
}

string_enum! {
    /// The CPU architecture of a custom image.
    pub enum Architecture {
        /// 64-bit x86, spelled `x86/64` by the API.
        X86_64 = "x86/64",
    }
}
