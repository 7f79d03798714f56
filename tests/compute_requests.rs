//! The exact request of every compute operation, as snapshots: method, URL with
//! query, headers and JSON body. Ids need percent-encoding on purpose.

use mgc::compute::*;
use mgc::{Client, Endpoint, Error, Region, RequestPreview};

const ID: &str = "a/b c";

fn client() -> Client {
    Client::builder().api_key("test-key").build().unwrap()
}

fn preview<E: Endpoint>(endpoint: &E) -> RequestPreview {
    client().preview(endpoint).expect("the request builds")
}

macro_rules! snapshot {
    ($name:literal, $endpoint:expr) => {
        insta::assert_yaml_snapshot!($name, preview(&$endpoint), {
            r#".headers["user-agent"]"# => "[user-agent]",
        });
    };
}

fn network() -> CreateParametersNetwork {
    CreateParametersNetwork {
        associate_public_ip: Some(false),
        interface: Some(
            CreateParametersNetworkInterface::with_security_groups(["sg-1", "sg-2"])
                .subnet("subnet-1"),
        ),
        vpc: Some(IdOrName::name("vpc_default")),
    }
}

#[test]
fn instances() {
    snapshot!(
        "list_instances",
        ListInstances::new()
            .limit(50u32)
            .offset(100u32)
            .sort("name:asc,created_at:desc")
            .expand([Expand::Image, Expand::MachineType, Expand::Network])
            .name("web server")
    );
    snapshot!("list_instances_bare", ListInstances::new());
    snapshot!(
        "create_instance",
        CreateInstance::new(
            "web",
            IdOrName::name("BV1-1-40"),
            IdOrName::name("cloud-ubuntu-24.04 LTS"),
        )
        .ssh_key_name("k")
        .availability_zone("br-se1-a")
        .network(network())
        .user_data("IyEvYmluL3NoCmVjaG8gaGk=")
        .labels(vec!["env:prod".to_owned(), "team".to_owned()])
        .volumes(vec![IdOrName::id("vol-1"), IdOrName::name("data")])
    );
    snapshot!(
        "create_instance_existing_interface",
        CreateInstance::new("web", IdOrName::id("mt-1"), IdOrName::id("img-1")).network(
            CreateParametersNetwork {
                interface: Some(CreateParametersNetworkInterface::existing("nic-1")),
                ..Default::default()
            }
        )
    );
    snapshot!(
        "get_instance",
        GetInstance::new(ID).expand(vec![INSTANCE_NETWORK_EXPAND, INSTANCE_IMAGE_EXPAND])
    );
    snapshot!(
        "delete_instance",
        DeleteInstance::new(ID).delete_public_ip(true)
    );
    snapshot!("rename_instance", RenameInstance::new(ID, "new-name"));
    snapshot!(
        "retype_instance",
        RetypeInstance::new(ID, IdOrName::name("BV2-2-40"))
    );
    snapshot!("start_instance", StartInstance::new(ID));
    snapshot!("stop_instance", StopInstance::new(ID));
    snapshot!("suspend_instance", SuspendInstance::new(ID));
    snapshot!("reboot_instance", RebootInstance::new(ID));
    snapshot!(
        "get_first_windows_password",
        GetFirstWindowsPassword::new(ID)
    );
    snapshot!(
        "attach_network_interface",
        AttachNetworkInterface::new(NicRequest::new(IdOrName::id(ID), IdOrName::id("nic-1")))
    );
    snapshot!(
        "detach_network_interface",
        DetachNetworkInterface::new(NicRequest::new(
            IdOrName::name("web"),
            IdOrName::id("nic-1")
        ))
    );
    snapshot!(
        "get_instance_init_logs",
        GetInstanceInitLogs::new(ID).max_lines_count(100u32)
    );
}

#[test]
#[allow(deprecated)] // `labels`: the snapshot keeps what the Go-parity filter sends
fn images() {
    snapshot!(
        "list_images",
        ListImages::new()
            .limit(10u32)
            .offset(20u32)
            .sort("platform:asc,end_life_at:desc")
            .labels(vec!["a b".to_owned(), "c".to_owned()])
            .availability_zone("br-ne1-a")
            .name("cloud-ubuntu-24.04 LTS")
    );
    snapshot!(
        "list_custom_images",
        ListCustomImages::new()
            .limit(10u32)
            .offset(0u32)
            .sort("name:asc")
            .name("my-image")
    );
    snapshot!(
        "create_custom_image",
        CreateCustomImage::new(
            "my-linux-image",
            "https://br-se1.magaluobjects.com/bucket/image.qcow2",
            Platform::Linux,
            License::Unlicensed,
            Architecture::X86_64,
        )
        .description("A customized image")
        .version("2.1")
        .requirements(CustomImageRequirements {
            disk: 100,
            ram: 8,
            vcpu: 4
        })
        .uefi(true)
    );
    snapshot!("get_custom_image", GetCustomImage::new(ID));
    snapshot!(
        "update_custom_image",
        UpdateCustomImage::new(ID)
            .description("new description")
            .version("1.0")
            .requirements(CustomImageRequirements {
                disk: 10,
                ram: 1,
                vcpu: 1
            })
    );
    snapshot!("delete_custom_image", DeleteCustomImage::new(ID));
}

#[test]
fn machine_types() {
    snapshot!(
        "list_machine_types",
        ListMachineTypes::new()
            .limit(1000u32)
            .offset(5u32)
            .sort("created_at:asc")
            .name("BV1-1-40")
            .availability_zone("br-ne1-a")
    );
    snapshot!(
        "list_instance_types",
        ListInstanceTypes::new()
            .limit(1u32)
            .offset(0u32)
            .sort("name:desc")
            .name("BV1-1-40")
            .availability_zone("br-se1-b")
    );
}

#[test]
fn snapshots() {
    snapshot!(
        "list_snapshots",
        ListSnapshots::new()
            .limit(200u32)
            .offset(400u32)
            .sort("created_at:desc")
            .expand([SNAPSHOT_IMAGE_EXPAND, SNAPSHOT_MACHINE_TYPE_EXPAND])
            .name("nightly")
    );
    snapshot!(
        "create_snapshot",
        CreateSnapshot::new("snap", IdOrName::id(ID))
    );
    snapshot!("get_snapshot", GetSnapshot::new(ID).expand([Expand::Image]));
    snapshot!("delete_snapshot", DeleteSnapshot::new(ID));
    snapshot!(
        "rename_snapshot",
        RenameSnapshot::new(ID, "new-snapshot-name")
    );
    snapshot!(
        "restore_snapshot",
        RestoreSnapshot::new(ID, "restored", IdOrName::name("BV1-1-40"))
            .ssh_key_name("k")
            .availability_zone("br-se1-a")
            .network(network())
            .user_data("IyEvYmluL3NoCg==")
    );
    snapshot!("copy_snapshot", CopySnapshot::new(ID, Region::BrNe1));
    snapshot!("copy_snapshot_mgl1", CopySnapshot::new(ID, Region::BrMgl1));
}

#[test]
fn get_instance_always_sends_the_expand_the_spec_requires() {
    // The spec marks `expand` required on GET /v1/instances/{id}; without a
    // setter call the request carries the spec's default.
    assert!(
        preview(&GetInstance::new("i"))
            .url
            .ends_with("/v1/instances/i?expand=network,image,machine-type")
    );
    assert!(
        preview(&GetInstance::new("i").expand(vec![INSTANCE_IMAGE_EXPAND]))
            .url
            .ends_with("/v1/instances/i?expand=image")
    );
}

#[test]
fn version_header_constants_match_the_table() {
    for request in [
        preview(&ListInstances::new()),
        preview(&GetInstance::new("i")),
    ] {
        assert_eq!(
            request.headers[VM_INSTANCE_HEADER_VERSION_NAME],
            VM_INSTANCE_HEADER_VERSION
        );
    }
    assert_eq!(
        ListInstances::HEADERS,
        &[(VM_INSTANCE_HEADER_VERSION_NAME, VM_INSTANCE_HEADER_VERSION)]
    );
    assert_eq!(
        GetInstance::HEADERS,
        &[(VM_INSTANCE_HEADER_VERSION_NAME, VM_INSTANCE_HEADER_VERSION)]
    );
    assert!(
        !preview(&GetSnapshot::new("s"))
            .headers
            .contains_key("x-api-version")
    );
    assert_eq!(DEFAULT_BASE_PATH, "/compute");
}

#[test]
fn idempotency_flags() {
    // Safe to re-send after a 500 or an attempt timeout.
    assert!(StartInstance::safe_to_repeat());
    assert!(StopInstance::safe_to_repeat());
    assert!(SuspendInstance::safe_to_repeat());
    assert!(RenameInstance::safe_to_repeat());
    assert!(RetypeInstance::safe_to_repeat());
    assert!(AttachNetworkInterface::safe_to_repeat());
    assert!(DetachNetworkInterface::safe_to_repeat());
    assert!(RenameSnapshot::safe_to_repeat());
    assert!(UpdateCustomImage::safe_to_repeat());
    assert!(GetInstance::safe_to_repeat());
    assert!(DeleteInstance::safe_to_repeat());
    // Never re-sent once the server may have acted.
    assert!(!CreateInstance::safe_to_repeat());
    assert!(!RebootInstance::safe_to_repeat());
    assert!(!CreateSnapshot::safe_to_repeat());
    assert!(!RestoreSnapshot::safe_to_repeat());
    assert!(!CopySnapshot::safe_to_repeat());
    assert!(!CreateCustomImage::safe_to_repeat());
}

#[test]
fn operation_names_are_snake_case() {
    assert_eq!(ListInstances::OPERATION, "list_instances");
    assert_eq!(
        GetFirstWindowsPassword::OPERATION,
        "get_first_windows_password"
    );
    assert_eq!(GetInstanceInitLogs::OPERATION, "get_instance_init_logs");
}

#[test]
fn paginated_endpoints_move_only_limit_and_offset() {
    use mgc::Paginated;

    let list = ListInstances::new().name("web").limit(10u32);
    let next = list.at_page(25, 75);
    assert_eq!(next.limit, Some(25));
    assert_eq!(next.offset, Some(75));
    assert_eq!(next.name.as_deref(), Some("web"));
    assert_eq!(list.page_size(), Some(10));
    assert_eq!(list.page_offset(), None);

    assert_eq!(ListInstances::DEFAULT_PAGE_SIZE, 50);
    assert_eq!(ListImages::DEFAULT_PAGE_SIZE, 50);
    assert_eq!(ListCustomImages::DEFAULT_PAGE_SIZE, 50);
    assert_eq!(ListSnapshots::DEFAULT_PAGE_SIZE, 200);
    assert_eq!(ListMachineTypes::DEFAULT_PAGE_SIZE, 200);
    assert_eq!(ListInstanceTypes::DEFAULT_PAGE_SIZE, 200);
    assert_eq!(
        preview(&ListSnapshots::new().at_page(200, 400)).url,
        "https://api.magalu.cloud/br-se1/compute/v1/snapshots?_limit=200&_offset=400"
    );
}

/// Asserts that `endpoint` is rejected before sending, naming `field`.
#[track_caller]
fn rejects<E: Endpoint>(endpoint: E, field: &str) {
    match client().preview(&endpoint) {
        Err(Error::InvalidInput { field: got, reason }) => {
            assert_eq!(got, field, "reason: {reason}");
            assert!(!reason.is_empty());
        }
        other => panic!("expected InvalidInput on `{field}`, got {other:?}"),
    }
}

#[test]
fn bad_input_is_rejected_before_sending() {
    // The API takes a network interface by id only.
    rejects(
        AttachNetworkInterface::new(NicRequest::new(
            IdOrName::id("vm-1"),
            IdOrName::name("eth1"),
        )),
        "network.interface",
    );
    // Page sizes.
    rejects(ListInstances::new().limit(0u32), "limit");
    rejects(ListInstances::new().limit(1001u32), "limit");
    rejects(ListSnapshots::new().limit(0u32), "limit");
    rejects(ListMachineTypes::new().limit(1001u32), "limit");
    rejects(ListInstanceTypes::new().limit(0u32), "limit");
    rejects(ListImages::new().limit(0u32), "limit");
    rejects(ListCustomImages::new().limit(0u32), "limit");
    assert!(client().preview(&ListImages::new().limit(5000u32)).is_ok());
    rejects(ListInstances::new().offset(u32::MAX), "offset");

    // Sort orders.
    for sort in ["", "name", "name:up", "name:asc,", ":asc", "name;drop:asc"] {
        rejects(ListInstances::new().sort(sort), "sort");
    }
    rejects(ListImages::new().sort("end_life_at:descending"), "sort");

    // Expand lists.
    rejects(GetInstance::new("i").expand(Vec::<Expand>::new()), "expand");
    // The spec lets snapshots expand only `image` and `machine-type`.
    rejects(
        GetSnapshot::new("s").expand(vec![Expand::Network]),
        "expand",
    );
    rejects(ListSnapshots::new().expand(vec![Expand::Labels]), "expand");
    preview(&GetSnapshot::new("s").expand(vec![Expand::Image, Expand::MachineType]));

    // Names.
    let long = "n".repeat(256);
    rejects(
        CreateInstance::new("", IdOrName::name("t"), IdOrName::name("i")),
        "name",
    );
    rejects(
        CreateInstance::new(long.clone(), IdOrName::name("t"), IdOrName::name("i")),
        "name",
    );
    assert!(
        client()
            .preview(&CreateInstance::new(
                "n".repeat(255),
                IdOrName::name("t"),
                IdOrName::name("i")
            ))
            .is_ok()
    );
    rejects(RenameInstance::new("i", ""), "name");
    rejects(RenameInstance::new("i", long.clone()), "name");
    rejects(CreateSnapshot::new("", IdOrName::id("i")), "name");
    rejects(RenameSnapshot::new("s", long.clone()), "name");
    rejects(RestoreSnapshot::new("s", "", IdOrName::name("t")), "name");

    // References by id or name.
    rejects(
        CreateInstance::new("web", IdOrName::default(), IdOrName::name("i")),
        "machine_type",
    );
    rejects(
        CreateInstance::new("web", IdOrName::name("t"), IdOrName::name("")),
        "image",
    );
    rejects(RetypeInstance::new("i", IdOrName::id("")), "machine_type");
    rejects(CreateSnapshot::new("snap", IdOrName::default()), "instance");
    rejects(
        AttachNetworkInterface::new(NicRequest::new(IdOrName::id("i"), IdOrName::default())),
        "request",
    );

    // User data.
    let base = || CreateInstance::new("web", IdOrName::name("t"), IdOrName::name("i"));
    rejects(base().user_data("x".repeat(65_001)), "user_data");
    rejects(base().user_data(""), "user_data");
    assert!(
        client()
            .preview(&base().user_data("x".repeat(65_000)))
            .is_ok()
    );
    rejects(
        RestoreSnapshot::new("s", "n", IdOrName::name("t")).user_data("x".repeat(65_001)),
        "user_data",
    );

    // Init log lines.
    rejects(
        GetInstanceInitLogs::new("i").max_lines_count(0u32),
        "max_lines_count",
    );
    rejects(
        GetInstanceInitLogs::new("i").max_lines_count(5001u32),
        "max_lines_count",
    );

    // Ids in the path.
    rejects(GetInstance::new(""), "id");
    rejects(StartInstance::new(".."), "id");
    rejects(DeleteSnapshot::new("."), "id");
    rejects(GetCustomImage::new(""), "id");
    rejects(CopySnapshot::new("..", Region::BrNe1), "id");
}

/// The request bodies match the examples of the API's spec member for member.
#[test]
fn bodies_match_the_spec_examples() {
    fn example(name: &str) -> serde_json::Value {
        let path = format!(
            "{}/tests/fixtures/compute/requests/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
    }
    fn body<E: Endpoint>(endpoint: &E) -> serde_json::Value {
        preview(endpoint).body.expect("a JSON body")
    }
    let spec_network = || CreateParametersNetwork {
        associate_public_ip: Some(true),
        interface: Some(
            CreateParametersNetworkInterface::with_security_groups([
                "f273fbde-2ddf-4dcd-8c41-342671ac0d17",
                "02a2acf3-d6db-4424-ac97-0254cb9c329e",
            ])
            .subnet("f273fbde-2ddf-4dcd-8c41-342671ac0d17"),
        ),
        vpc: Some(IdOrName::id("2ae0b896-855c-456c-b4a5-c8f4e6d2f4f6")),
    };
    let create = CreateInstance::new(
        "instance-name",
        IdOrName::id("2ae0b896-855c-456c-b4a5-c8f4e6d2f4f6"),
        IdOrName::id("2ae0b896-855c-456c-b4a5-c8f4e6d2f4f6"),
    )
    .availability_zone("br-regiao-1a")
    .labels(vec!["label1".to_owned(), "label2".to_owned()])
    .network(spec_network())
    .ssh_key_name("keypair_name_here")
    .user_data("some_base64_script")
    .volumes(vec![IdOrName::id("f438661e-d1d2-48e8-aedf-15a8c84379da")]);
    assert_eq!(body(&create), example("create_instance.json"));

    let restore = RestoreSnapshot::new(
        "s",
        "instance-name",
        IdOrName::id("4830bfbe-0362-4ebb-a8ba-f36be4b4bc6a"),
    )
    .availability_zone("br-regiao-1a")
    .network(spec_network())
    .ssh_key_name("keypair_name_here")
    .user_data("some_base64_script");
    assert_eq!(body(&restore), example("restore_snapshot.json"));

    let nic = NicRequest::new(
        IdOrName::id("c47e974f-8002-46e9-8a63-d66505be2aa1"),
        IdOrName::id("31dcb3ea-9320-4122-8fea-3a3b06114ca1"),
    );
    assert_eq!(
        body(&AttachNetworkInterface::new(nic.clone())),
        example("nic.json")
    );
    assert_eq!(body(&DetachNetworkInterface::new(nic)), example("nic.json"));

    let retype = RetypeInstance::new("i", IdOrName::id("2ae0b896-855c-456c-b4a5-c8f4e6d2f4f6"));
    assert_eq!(body(&retype), example("retype_instance.json"));
    assert_eq!(
        body(&RenameInstance::new("i", "new-instance-name")),
        example("rename_instance.json")
    );
    assert_eq!(
        body(&RenameInstance::new("i", "new-instance-name")),
        serde_json::to_value(UpdateNameRequest {
            name: "new-instance-name".into()
        })
        .unwrap()
    );

    let snapshot = CreateSnapshot::new(
        "snapshot-name",
        IdOrName::id("4830bfbe-0362-4ebb-a8ba-f36be4b4bc6a"),
    );
    assert_eq!(body(&snapshot), example("create_snapshot.json"));
    assert_eq!(
        body(&RenameSnapshot::new("s", "new-snapshot-name")),
        example("rename_snapshot.json")
    );
    assert_eq!(
        body(&CopySnapshot::new("s", Region::BrNe1)),
        example("copy_snapshot.json")
    );

    let image = CreateCustomImage::new(
        "my-linux-image-3",
        "https://br-se1.magaluobjects.com/bucket/image.qcow2",
        Platform::Linux,
        License::Unlicensed,
        Architecture::X86_64,
    )
    .description("A customized image for specific workloads.")
    .requirements(CustomImageRequirements {
        disk: 100,
        ram: 8,
        vcpu: 4,
    })
    .uefi(true)
    .version("2.1");
    assert_eq!(body(&image), example("create_custom_image.json"));

    let update = UpdateCustomImage::new("i")
        .description("A customized image for specific workloads.")
        .requirements(CustomImageRequirements {
            disk: 10,
            ram: 1,
            vcpu: 1,
        })
        .version("1.0");
    assert_eq!(body(&update), example("update_custom_image.json"));
}

/// A region the API opens after this release works for the client and for a
/// snapshot copy; an empty or malformed name never becomes a region.
#[test]
fn regions_are_open_and_checked() {
    let new: Region = "br-sp9".parse().unwrap();
    assert_eq!(new, "BR-SP9".parse().unwrap());
    assert!(!new.is_known());
    let client = Client::builder()
        .api_key("k")
        .region(new.clone())
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "https://api.magalu.cloud/br-sp9/compute");
    let request = client.preview(&GetSnapshot::new("s")).unwrap();
    assert_eq!(
        request.url,
        "https://api.magalu.cloud/br-sp9/compute/v1/snapshots/s"
    );

    let copy = CopySnapshot::new("s", new);
    assert_eq!(
        preview(&copy).body,
        Some(serde_json::json!({"destination_region": "br-sp9"}))
    );
    // Known names stay their variants, on the wire as before.
    assert_eq!(
        "br-ne1".parse::<Region>().unwrap(),
        Region::BrNe1,
        "a known name is never Other"
    );

    for bad in [
        "",
        "  ",
        "br se1",
        "br-se1/..",
        "br-se1?x=1",
        "mars",
        "br-",
        "-br",
    ] {
        assert!(
            matches!(bad.parse::<Region>(), Err(Error::Config(_))),
            "{bad:?} must be refused"
        );
        let from_json = serde_json::from_value::<Region>(serde_json::json!(bad));
        assert!(from_json.is_err(), "{bad:?} must not decode");
    }
}

/// The rows of the documentation table in `src/compute/mod.rs`: `(type, method, path)`.
fn doc_table() -> Vec<(String, String, String)> {
    include_str!("../src/compute/mod.rs")
        .lines()
        .filter_map(|line| line.strip_prefix("//! | [`"))
        .filter_map(|row| {
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            let name = cells.first()?.strip_suffix("`]")?;
            let method = cells.get(1)?.trim_matches('`');
            let path = cells.get(2)?.trim_matches('`');
            path.starts_with('/')
                .then(|| (name.to_owned(), method.to_owned(), path.to_owned()))
        })
        .collect()
}

/// The documentation table says what the endpoint table holds: the same rows, in
/// the same order, with the same method and path; a line without a row, or a
/// row without a line, fails here.
#[test]
fn the_doc_table_lists_every_operation_and_nothing_else() {
    let documented = doc_table();
    let rows: Vec<(String, String, String)> = OPERATIONS
        .iter()
        .map(|op| (op.type_name.into(), op.method.into(), op.path.into()))
        .collect();
    let missing: Vec<_> = rows.iter().filter(|r| !documented.contains(r)).collect();
    let extra: Vec<_> = documented.iter().filter(|d| !rows.contains(d)).collect();
    assert!(
        missing.is_empty(),
        "rows missing from the doc table: {missing:?}"
    );
    assert!(extra.is_empty(), "doc table lines without a row: {extra:?}");
    assert_eq!(
        documented, rows,
        "the doc table is in the order of the rows"
    );
}

/// Every row has its operation in the emulator's contract (same name, method,
/// path template and success status), and the emulator has no operation the
/// table lacks. The end-to-end run of every operation (tests/e2e) then shows
/// each one is routed and answered.
#[test]
fn the_emulator_serves_exactly_the_rows() {
    let rows: std::collections::BTreeSet<_> = OPERATIONS
        .iter()
        .map(|op| (op.name, op.method, op.path, op.success))
        .collect();
    let served: std::collections::BTreeSet<_> = mgc_emulator::operations()
        .iter()
        .map(|op| (op.name, op.method, op.path, op.success))
        .collect();
    let unserved: Vec<_> = rows.difference(&served).collect();
    let unknown: Vec<_> = served.difference(&rows).collect();
    assert!(
        unserved.is_empty(),
        "rows the emulator does not serve: {unserved:?}"
    );
    assert!(
        unknown.is_empty(),
        "emulator operations without a row: {unknown:?}"
    );
    for op in OPERATIONS {
        let path = op
            .path
            .replace("{id}", "7d2b7a9e-0c1f-4c55-9a7e-3f3d1c2b4a50");
        assert_eq!(
            mgc_emulator::find_operation(op.method, &path).map(|o| o.name),
            Some(op.name),
            "the emulator routes {} {} to its row",
            op.method,
            op.path
        );
    }
}

/// What the table says about each row, as data, agrees with the endpoint types.
#[test]
fn each_row_describes_its_endpoint() {
    fn agrees<E: Endpoint>(op: &mgc::endpoint::Operation) {
        assert_eq!(op.name, E::OPERATION);
        assert_eq!(op.method, E::METHOD.as_str());
        assert_eq!(op.path, E::PATH_TEMPLATE);
        assert_eq!(op.safe_to_repeat, E::safe_to_repeat(), "{}", op.name);
        assert_eq!(op.headers, E::HEADERS);
    }
    agrees::<ListInstances>(&ListInstances::ROW);
    agrees::<RebootInstance>(&RebootInstance::ROW);
    agrees::<StartInstance>(&StartInstance::ROW);
    agrees::<DeleteSnapshot>(&DeleteSnapshot::ROW);
    assert_eq!(OPERATIONS.len(), 29);
    let names: std::collections::BTreeSet<_> = OPERATIONS.iter().map(|op| op.name).collect();
    assert_eq!(names.len(), OPERATIONS.len(), "operation names are unique");
    let safety = |op: &mgc::endpoint::Operation| (op.safe_to_repeat, op.idempotent);
    assert_eq!(safety(&RebootInstance::ROW), (false, false));
    assert_eq!(safety(&StartInstance::ROW), (true, true));
    assert_eq!(safety(&GetInstance::ROW), (true, false));
    assert_eq!(ListSnapshots::ROW.default_page_size, Some(200));
    assert_eq!(CreateInstance::ROW.success, 201);
    assert_eq!(GetInstance::ROW.default_page_size, None);
}

/// Setters take what a Rust user writes: integer literals, arrays and iterators of
/// `&str` or of enum values, names as text; the older spellings still compile and
/// send the same request.
#[test]
#[allow(deprecated)] // `ListImages::labels`: the spelling of its setter is what is tested
fn setters_take_literals_arrays_and_names() {
    let url = |e: &dyn Fn() -> RequestPreview| e().url;
    assert_eq!(
        url(&|| preview(
            &ListInstances::new()
                .limit(10)
                .offset(20)
                .expand([Expand::Image])
        )),
        url(&|| preview(
            &ListInstances::new()
                .limit(10u32)
                .offset(20u32)
                .expand(vec![Expand::Image])
        )),
    );
    assert!(
        preview(&ListInstances::new().limit(10))
            .url
            .ends_with("?_limit=10")
    );
    assert_eq!(
        preview(&ListImages::new().labels(["a", "b"])).url,
        preview(&ListImages::new().labels(vec!["a".to_string(), "b".to_string()])).url,
    );
    let labels = ["web", "prod"].iter().map(|l| format!("{l}-1"));
    let create = CreateInstance::new("web", "BV1-1-40", "cloud-ubuntu-24.04 LTS")
        .labels(labels)
        .volumes(["data"]);
    let explicit = CreateInstance::new(
        "web",
        IdOrName::name("BV1-1-40"),
        IdOrName::name("cloud-ubuntu-24.04 LTS"),
    )
    .labels(vec!["web-1".to_string(), "prod-1".to_string()])
    .volumes(vec![IdOrName::name("data")]);
    assert_eq!(preview(&create).body, preview(&explicit).body);
    assert!(
        preview(&GetInstanceInitLogs::new("i").max_lines_count(100))
            .url
            .ends_with("?max-lines-count=100")
    );
    assert_eq!(IdOrName::from("BV1-1-40"), IdOrName::name("BV1-1-40"));
}
