//! Image endpoints: the public catalogue and the tenant's custom images.
//!
//! Creating a custom image answers `202` with its id; the image is then imported
//! from its URL asynchronously: poll [`GetCustomImage`] until the
//! [`ImageStatus`](super::ImageStatus) is `active` (or an error). Updating one is
//! marked idempotent (it sets values); creating one is not.

use super::checks;
use super::models::{
    Architecture, CreateResponse, CustomImage, CustomImageList, CustomImageRequirements, Image,
    ImageList, License, Platform,
};

crate::endpoint! {
    #![operations(pub(crate) IMAGE_OPERATIONS)]

    /// Lists the public images, a page at a time (Go `Images().List`).
    pub struct ListImages {
        method: GET,
        path: "/v1/images",
        response: ImageList,
        // Page size at least 1.
        paging: {
            items: images: Image ["images"],
            default: 50,
            limit: checks::wide_limit,
            sort: "platform:asc,end_life_at:desc",
        },
        optional: {
            /// Only images with all these labels (comma-joined on the wire as
            /// `_labels`), as the Go SDK's `ImageListOptions.Labels`.
            #[deprecated(
                since = "0.1.0",
                note = "the API's spec has no label filter for images: a server that follows it refuses `_labels` (422), others may ignore it"
            )]
            labels: Vec<String> => query "_labels", setter = list;
            /// Only images offered in this availability zone, e.g. `br-ne1-a`.
            availability_zone: String => query "availability-zone";
            /// Only images with this name.
            name: String => query "name";
        },
        deliberate: {
            "query `_labels`: in the row, not in the spec" =>
                "the Go SDK's ImageListOptions.Labels sends it; kept for parity, unset by default",
        },
    }

    /// Lists the tenant's custom images, a page at a time (the Go SDK has no
    /// counterpart).
    pub struct ListCustomImages {
        method: GET,
        path: "/v1/images/custom",
        response: CustomImageList,
        // Page size at least 1.
        paging: {
            items: images: CustomImage ["images"],
            default: 50,
            limit: checks::wide_limit,
            sort: "platform:asc,end_life_at:desc",
        },
        optional: {
            /// Only images with this name.
            name: String => query "name";
        },
    }

    /// Imports a custom image from a URL and answers its id (the Go SDK has no
    /// counterpart).
    pub struct CreateCustomImage {
        method: POST,
        path: "/v1/images/custom",
        response: CreateResponse,
        status: 202,
        required: {
            /// The image name.
            name: String => body, check = checks::non_empty;
            /// Where to download the image file from (e.g. an object storage URL).
            url: String => body, check = checks::non_empty;
            /// The operating system family.
            platform: Platform => body;
            /// Whether the image carries a license.
            license: License => body;
            /// The CPU architecture.
            architecture: Architecture => body;
        },
        optional: {
            /// A free-form description.
            description: String => body;
            /// A free-form version.
            version: String => body;
            /// What a machine type needs to run the image.
            requirements: CustomImageRequirements => body;
            /// Whether the image boots with UEFI (the API's default: no).
            uefi: bool => body;
        },
    }

    /// Reads one custom image (the Go SDK has no counterpart).
    pub struct GetCustomImage {
        method: GET,
        path: "/v1/images/custom/{id}",
        response: CustomImage,
        required: {
            /// The image id.
            id: String => path;
        },
    }

    /// Changes the description, version or requirements of a custom image (the Go
    /// SDK has no counterpart). Unset members are left as they are.
    pub struct UpdateCustomImage {
        method: PATCH,
        path: "/v1/images/custom/{id}",
        response: (),
        status: 204,
        // Sets values: repeating it changes nothing.
        idempotent: true,
        required: {
            /// The image id.
            id: String => path;
        },
        optional: {
            /// The new description.
            description: String => body;
            /// The new version.
            version: String => body;
            /// The new requirements.
            requirements: CustomImageRequirements => body;
        },
    }

    /// Deletes a custom image (the Go SDK has no counterpart).
    pub struct DeleteCustomImage {
        method: DELETE,
        path: "/v1/images/custom/{id}",
        response: (),
        status: 204,
        required: {
            /// The image id.
            id: String => path;
        },
    }
}
