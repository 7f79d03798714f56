//! The request contract of every operation, as the compute spec states it:
//! what strict mode checks before a handler runs (query parameters, headers,
//! path id format, content type), and the operation names the fault control
//! API and the request log use.

/// One operation of the compute API and the parts of its request contract
/// that the emulator's strict mode enforces.
///
/// The table ([`operations`]) is written from the spec's facts; the
/// emulator's tests compare it with the spec itself when the spec is at hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Operation {
    /// The operation's name, the same as the `mgc` SDK's (`create_instance`);
    /// faults are queued and requests are logged under it.
    pub name: &'static str,
    /// The HTTP method, e.g. `POST`.
    pub method: &'static str,
    /// The path template after `/{region}/compute`, e.g. `/v1/instances/{id}`.
    pub path: &'static str,
    /// The status of a successful answer.
    pub success: u16,
    /// Every query parameter the spec lists for the operation.
    pub query: &'static [&'static str],
    /// The query parameters the spec marks required.
    pub required_query: &'static [&'static str],
    /// The request headers the spec marks required (lowercase).
    pub required_headers: &'static [&'static str],
    /// The values `expand` may take (empty when the operation has no `expand`).
    pub expand: &'static [&'static str],
    /// Whether the spec gives the path's `{id}` the format `uuid`.
    pub uuid_id: bool,
    /// Whether the operation takes a JSON request body (required when it does).
    pub body: bool,
}

const LIST: &[&str] = &["_limit", "_offset", "_sort", "name"];
const LIST_AZ: &[&str] = &["_limit", "_offset", "_sort", "name", "availability-zone"];
const LIST_EXPAND: &[&str] = &["_limit", "_offset", "_sort", "name", "expand"];
const INSTANCE_EXPAND: &[&str] = &[
    "image",
    "machine-type",
    "machine-types",
    "network",
    "labels",
];
const SNAPSHOT_EXPAND: &[&str] = &["image", "machine-type"];
const API_VERSION: &[&str] = &["x-api-version"];

const fn op(
    name: &'static str,
    method: &'static str,
    path: &'static str,
    success: u16,
) -> Operation {
    Operation {
        name,
        method,
        path,
        success,
        query: &[],
        required_query: &[],
        required_headers: &[],
        expand: &[],
        uuid_id: false,
        body: false,
    }
}

impl Operation {
    const fn query(mut self, query: &'static [&'static str]) -> Self {
        self.query = query;
        self
    }
    const fn required_query(mut self, required: &'static [&'static str]) -> Self {
        self.required_query = required;
        self
    }
    const fn headers(mut self, headers: &'static [&'static str]) -> Self {
        self.required_headers = headers;
        self
    }
    const fn expand(mut self, values: &'static [&'static str]) -> Self {
        self.expand = values;
        self
    }
    const fn uuid(mut self) -> Self {
        self.uuid_id = true;
        self
    }
    const fn body(mut self) -> Self {
        self.body = true;
        self
    }
}

/// Static paths come before templated ones of the same length.
const OPERATIONS: &[Operation] = &[
    op("list_images", "GET", "/v1/images", 200).query(LIST_AZ),
    op("list_custom_images", "GET", "/v1/images/custom", 200).query(LIST),
    op("create_custom_image", "POST", "/v1/images/custom", 202).body(),
    op("get_custom_image", "GET", "/v1/images/custom/{id}", 200),
    op(
        "update_custom_image",
        "PATCH",
        "/v1/images/custom/{id}",
        204,
    )
    .uuid()
    .body(),
    op(
        "delete_custom_image",
        "DELETE",
        "/v1/images/custom/{id}",
        204,
    )
    .uuid(),
    op("list_instance_types", "GET", "/v1/instance-types", 200).query(LIST_AZ),
    op("list_machine_types", "GET", "/v1/machine-types", 200).query(LIST_AZ),
    op("list_instances", "GET", "/v1/instances", 200)
        .query(LIST_EXPAND)
        .expand(INSTANCE_EXPAND)
        .headers(API_VERSION),
    op("create_instance", "POST", "/v1/instances", 201).body(),
    op(
        "attach_network_interface",
        "POST",
        "/v1/instances/network-interface/attach",
        204,
    )
    .body(),
    op(
        "detach_network_interface",
        "POST",
        "/v1/instances/network-interface/detach",
        204,
    )
    .body(),
    op(
        "get_first_windows_password",
        "GET",
        "/v1/instances/config/{id}/first-windows-password",
        200,
    )
    .uuid(),
    op("get_instance", "GET", "/v1/instances/{id}", 200)
        .query(&["expand"])
        .required_query(&["expand"])
        .expand(INSTANCE_EXPAND)
        .headers(API_VERSION),
    op("delete_instance", "DELETE", "/v1/instances/{id}", 204)
        .query(&["delete_public_ip"])
        .uuid(),
    op(
        "get_instance_init_logs",
        "GET",
        "/v1/instances/{id}/init-logs",
        200,
    )
    .query(&["max-lines-count"]),
    op("reboot_instance", "POST", "/v1/instances/{id}/reboot", 204).uuid(),
    op("rename_instance", "PATCH", "/v1/instances/{id}/rename", 204).body(),
    op("retype_instance", "POST", "/v1/instances/{id}/retype", 204)
        .uuid()
        .body(),
    op("start_instance", "POST", "/v1/instances/{id}/start", 204).uuid(),
    op("stop_instance", "POST", "/v1/instances/{id}/stop", 204).uuid(),
    op(
        "suspend_instance",
        "POST",
        "/v1/instances/{id}/suspend",
        204,
    )
    .uuid(),
    op("list_snapshots", "GET", "/v1/snapshots", 200)
        .query(LIST_EXPAND)
        .expand(SNAPSHOT_EXPAND),
    op("create_snapshot", "POST", "/v1/snapshots", 202).body(),
    op("get_snapshot", "GET", "/v1/snapshots/{id}", 200)
        .query(&["expand"])
        .expand(SNAPSHOT_EXPAND),
    op("restore_snapshot", "POST", "/v1/snapshots/{id}", 202).body(),
    op("delete_snapshot", "DELETE", "/v1/snapshots/{id}", 204).uuid(),
    op("copy_snapshot", "POST", "/v1/snapshots/{id}/copy", 204)
        .uuid()
        .body(),
    op("rename_snapshot", "PATCH", "/v1/snapshots/{id}/rename", 204).body(),
];

/// Every operation the emulator serves (29), with its request contract.
pub fn operations() -> &'static [Operation] {
    OPERATIONS
}

/// The operation a request belongs to: `path` is the part after
/// `/{region}/compute`, without the query.
pub fn find_operation(method: &str, path: &str) -> Option<&'static Operation> {
    let segs: Vec<&str> = path.split('/').collect();
    OPERATIONS.iter().find(|op| {
        let tsegs: Vec<&str> = op.path.split('/').collect();
        op.method.eq_ignore_ascii_case(method)
            && tsegs.len() == segs.len()
            && tsegs
                .iter()
                .zip(&segs)
                .all(|(t, s)| (*t == "{id}" && !s.is_empty()) || t == s)
    })
}

/// Whether `s` is a UUID in its canonical hyphenated form (any case).
pub(crate) fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_found_by_its_own_path() {
        for op in OPERATIONS {
            let path = op.path.replace("{id}", "abc");
            let found = find_operation(op.method, &path).map(|o| o.name);
            assert_eq!(found, Some(op.name), "{} {}", op.method, op.path);
        }
        assert_eq!(OPERATIONS.len(), 29);
        assert_eq!(find_operation("GET", "/v1/nothing"), None);
        assert_eq!(find_operation("PUT", "/v1/instances"), None);
    }
}
