//! Decoding of compute responses: every example of the API's spec (as fixtures),
//! a full instance round trip, tolerance of unknown fields and values, and
//! failures on missing required fields.

use chrono::{TimeZone, Utc};
use mgc::Page;
use mgc::compute::*;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/compute/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn decode<T: DeserializeOwned>(name: &str) -> T {
    serde_json::from_str(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, serde_json::Error> {
    serde_json::from_value(value)
}

/// The instant of a timestamp the test expects to be there and readable.
fn at(t: &Option<Timestamp>) -> chrono::DateTime<Utc> {
    t.as_ref()
        .and_then(Timestamp::as_datetime)
        .expect("a readable timestamp")
}

#[test]
fn instance_examples_decode() {
    let list: ListInstancesResponse = decode("instances_list.json");
    assert_eq!(
        list.meta.unwrap().page,
        Meta {
            limit: 50,
            offset: 0,
            count: 50,
            total: 100
        }
    );
    assert_eq!(list.items().len(), 1);
    let instance = &list.instances[0];
    assert_eq!(instance.id, "2ae0b896-855c-456c-b4a5-c8f4e6d2f4f6");
    assert_eq!(instance.status, Some(InstanceStatus::Completed));
    assert_eq!(instance.state, Some(InstanceState::Running));
    assert_eq!(
        at(&instance.created_at),
        Utc.with_ymd_and_hms(2022, 6, 10, 18, 33, 12).unwrap()
    );
    assert_eq!(
        instance.error.as_ref().unwrap().slug.as_deref(),
        Some("create_instance.keypair.not_found")
    );
    let ports = instance.network.as_ref().unwrap().ports.as_ref().unwrap();
    assert_eq!(ports[0].id, "2ae0b896-855c-456c-b4a5-c8f4e6d2f4f6");
    assert_eq!(list.meta(), Some(&list.meta.unwrap().page));

    let one: Instance = decode("instance.json");
    assert_eq!(one.name.as_deref(), Some("instance-name"));
    assert_eq!(
        one.machine_type.unwrap().id,
        "2ae0b896-855c-456c-b4a5-c8f4e6d2f4f6"
    );
    assert_eq!(one.labels.unwrap(), ["label1", "label2"]);

    let created: CreateResponse = decode("created.json");
    assert_eq!(created.id, "9ec75090-2872-4f51-8111-53d05d96d2c6");

    let logs: InitLogResponse = decode("init_logs.json");
    assert_eq!(logs.logs, ["FAKE CONSOLE OUTPUT", "ANOTHER", "LAST LINE"]);

    let error: InstanceError = decode("instance_error.json");
    assert_eq!(error.slug.as_deref(), Some("Unauthorized"));
}

#[test]
fn windows_password_decodes_and_never_prints() {
    let answer: WindowsPasswordResponse = decode("windows_password.json");
    assert_eq!(
        answer.instance.password.as_ref().unwrap().expose(),
        "admin-password"
    );
    assert_eq!(answer.instance.user.as_deref(), Some("admin"));
    assert_eq!(
        at(&answer.instance.created_at),
        Utc.with_ymd_and_hms(2022, 1, 1, 0, 0, 10).unwrap()
    );
    assert!(!format!("{answer:?}").contains("admin-password"));
}

#[test]
fn image_examples_decode() {
    let list: ImageList = decode("images_list.json");
    let image = &list.images[0];
    assert_eq!(image.status, Some(ImageStatus::Active));
    assert_eq!(
        image.minimum_requirements,
        Some(MinimumRequirements {
            vcpu: Some(1),
            ram: Some(1),
            disk: Some(2)
        })
    );
    assert_eq!(
        at(&image.end_life_at),
        Utc.with_ymd_and_hms(2022, 6, 10, 18, 33, 12).unwrap()
    );
    assert_eq!(
        image.availability_zones.as_deref(),
        Some(&["br-ne1-a".to_owned()][..])
    );
    assert_eq!(list.meta().unwrap().total, 100);

    let custom: CustomImageList = decode("custom_images_list.json");
    assert_eq!(custom.meta().unwrap().limit, 10);
    let image = &custom.images[0];
    assert_eq!(image.platform, Some(Platform::Linux));
    assert_eq!(image.license, Some(License::Unlicensed));
    assert_eq!(
        image.requirements,
        Some(CustomImageRequirements {
            disk: 100,
            ram: 8,
            vcpu: 4
        })
    );
    assert_eq!(
        image.metadata.as_ref().unwrap()["os_version"],
        "Ubuntu 22.04 LTS"
    );

    let one: CustomImage = decode("custom_image.json");
    assert_eq!(&one, image);

    let created: CreateResponse = decode("custom_image_created.json");
    assert_eq!(created.id, "c47e974f-8002-46e9-8a63-d66505be2aa1");

    // The custom list may leave `images` out.
    let empty: CustomImageList =
        from_value(json!({"meta": {"page": {"limit": 10, "offset": 0, "count": 0, "total": 0}}}))
            .unwrap();
    assert!(empty.into_items().is_empty());
}

#[test]
fn machine_type_examples_decode() {
    let machine: MachineTypeList = decode("machine_types_list.json");
    let t = &machine.machine_types[0];
    assert_eq!(
        (t.vcpus, t.ram, t.disk, t.gpu),
        (Some(2), Some(2), Some(10), Some(1))
    );
    assert_eq!(t.sku.as_deref(), Some("some_sku"));
    assert_eq!(machine.items().len(), 1);

    let instance_types: InstanceTypeList = decode("instance_types_list.json");
    assert_eq!(
        instance_types.instance_types[0].name.as_deref(),
        Some("BV1-1-40")
    );
    assert_eq!(instance_types.instance_types[0].sku, None);
    assert_eq!(instance_types.meta().unwrap().count, 50);

    let one: InstanceType = decode("machine_type.json");
    assert_eq!(one.availability_zones.unwrap(), ["br-ne1-a", "br-ne1-y"]);
}

#[test]
fn snapshot_examples_decode() {
    let list: ListSnapshotsResponse = decode("snapshots_list.json");
    let snapshot = &list.snapshots[0];
    assert_eq!(snapshot.status, Some(SnapshotStatus::Completed));
    assert_eq!(snapshot.state, Some(SnapshotState::Available));
    assert!(snapshot.state.as_ref().unwrap().is_available());
    assert_eq!(snapshot.size, Some(1000));
    let from = snapshot.instance.as_ref().unwrap();
    assert_eq!(
        from.image.as_ref().unwrap().id,
        "4830bfbe-0362-4ebb-a8ba-f36be4b4bc6a"
    );
    assert_eq!(
        from.machine_type.as_ref().unwrap().id,
        "4830bfbe-0362-4ebb-a8ba-f36be4b4bc6a"
    );

    let one: Snapshot = decode("snapshot.json");
    assert_eq!(&one, snapshot);
}

#[test]
fn a_full_instance_round_trips() {
    let raw: Value = serde_json::from_str(&fixture("instance_full.json")).unwrap();
    let instance: Instance = from_value(raw.clone()).unwrap();

    let machine = instance.machine_type.as_ref().unwrap();
    assert_eq!(
        (machine.vcpus, machine.ram, machine.disk),
        (Some(2), Some(4096), Some(40))
    );
    assert_eq!(
        instance.image.as_ref().unwrap().platform.as_deref(),
        Some("linux")
    );
    let network = instance.network.as_ref().unwrap();
    assert_eq!(
        network.vpc.as_ref().unwrap().name.as_deref(),
        Some("vpc_default")
    );
    let interfaces = network.interfaces.as_ref().unwrap();
    assert_eq!(interfaces.len(), 2);
    assert_eq!(interfaces[0].primary, Some(true));
    assert_eq!(
        interfaces[0]
            .ip_addresses
            .as_ref()
            .unwrap()
            .public_ipv6
            .as_deref(),
        Some("2804:7f4:a000::12")
    );
    assert_eq!(interfaces[1].associated_public_ipv4, None);
    let status = instance.status.as_ref().unwrap();
    assert!(status.is_error());
    assert!(status.is_terminal());
    assert!(instance.state.as_ref().unwrap().is_error());
    assert_eq!(
        instance.error.as_ref().unwrap().slug.as_deref(),
        Some("create_instance.quota.ram")
    );
    assert_eq!(at(&instance.created_at).timestamp_subsec_micros(), 589_793);

    // Serialize gives back the same document, and that decodes to the same value.
    let written = serde_json::to_value(&instance).unwrap();
    assert_eq!(written, raw);
    let again: Instance = from_value(written).unwrap();
    assert_eq!(again, instance);
}

#[test]
fn lists_round_trip() {
    let list: ListInstancesResponse = decode("instances_list.json");
    let again: ListInstancesResponse = from_value(serde_json::to_value(&list).unwrap()).unwrap();
    assert_eq!(again, list);
    let list: ListSnapshotsResponse = decode("snapshots_list.json");
    let again: ListSnapshotsResponse = from_value(serde_json::to_value(&list).unwrap()).unwrap();
    assert_eq!(again, list);
    let list: ImageList = decode("images_list.json");
    let again: ImageList = from_value(serde_json::to_value(&list).unwrap()).unwrap();
    assert_eq!(again, list);
}

fn minimal_instance() -> Value {
    json!({
        "id": "i-1",
        "machine_type": {"id": "mt-1"},
        "image": {"id": "img-1"},
        "status": "completed",
        "state": "running",
        "created_at": "2024-01-01T00:00:00Z",
    })
}

#[test]
fn unknown_fields_and_values_are_tolerated() {
    let mut raw = minimal_instance();
    raw["status"] = json!("creating_error_capacity");
    raw["state"] = json!("hibernated");
    raw["brand_new_field"] = json!({"nested": [1, 2, 3]});
    raw["machine_type"]["brand_new_field"] = json!(true);
    raw["network"] = json!({"interfaces": [{"id": "nic-1", "mtu": 9000}], "dns": "x"});
    let instance: Instance = from_value(raw).unwrap();
    let status = instance.status.as_ref().unwrap();
    assert_eq!(
        status,
        &InstanceStatus::Other("creating_error_capacity".into())
    );
    assert!(status.is_error());
    assert!(!status.is_known());
    assert_eq!(status.to_string(), "creating_error_capacity");
    assert_eq!(
        instance.state,
        Some(InstanceState::Other("hibernated".into()))
    );
    assert_eq!(instance.network.unwrap().interfaces.unwrap()[0].name, None);

    let status: InstanceStatus = "rebuilding".parse().unwrap();
    assert!(!status.is_error() && !status.is_terminal());
    assert_eq!(serde_json::to_value(&status).unwrap(), "rebuilding");

    let image: ImageStatus = serde_json::from_str(r#""importing_error""#).unwrap();
    assert_eq!(image, ImageStatus::ImportingError);
    assert!(image.is_error());
    assert!(ImageStatus::InvalidImage.is_error());
    assert!(ImageStatus::from("exporting_error").is_error());
    assert!(!ImageStatus::Importing.is_error());
    assert!(ImageStatus::Active.is_usable());

    let snapshot: SnapshotStatus = serde_json::from_str(r#""restore_error""#).unwrap();
    assert!(snapshot.is_error());
    assert!(SnapshotStatus::CopyError.is_error());
    assert!(!SnapshotStatus::Copying.is_error());
    let state: SnapshotState = serde_json::from_str(r#""archived""#).unwrap();
    assert_eq!(state, SnapshotState::Other("archived".into()));

    let platform: Platform = serde_json::from_str(r#""bsd""#).unwrap();
    assert_eq!(platform.as_str(), "bsd");
    assert_eq!(
        serde_json::to_value(Architecture::X86_64).unwrap(),
        "x86/64"
    );
}

#[test]
fn every_spec_instance_status_is_known() {
    assert_eq!(InstanceStatus::KNOWN_VALUES.len(), 43);
    for value in InstanceStatus::KNOWN_VALUES {
        let status: InstanceStatus = serde_json::from_value(json!(value)).unwrap();
        assert!(status.is_known(), "{value}");
        assert_eq!(status.as_str(), *value);
        assert_eq!(status.is_error(), value.contains("error"), "{value}");
    }
    assert_eq!(
        InstanceState::KNOWN_VALUES,
        ["new", "error", "running", "stopped", "suspended", "deleted"]
    );
    assert!(InstanceStatus::Completed.is_terminal());
    assert!(InstanceStatus::Deleted.is_terminal());
    assert!(InstanceStatus::StoppingPending.is_pending());
    assert!(!InstanceStatus::Stopping.is_terminal());
    assert_eq!(ImageStatus::KNOWN_VALUES.len(), 11);
    assert_eq!(SnapshotStatus::KNOWN_VALUES.len(), 12);
    assert_eq!(
        SnapshotState::KNOWN_VALUES,
        ["not_used", "new", "available", "deleted"]
    );
}

#[test]
fn timestamps_are_lenient() {
    for (raw, micros) in [
        ("2024-01-01T00:00:00Z", 0),
        ("2024-01-01T00:00:00", 0),
        ("2024-01-01T00:00:00.250000", 250_000),
        ("2024-01-01T03:00:00+03:00", 0),
    ] {
        let mut value = minimal_instance();
        value["created_at"] = json!(raw);
        let instance: Instance = from_value(value).unwrap_or_else(|e| panic!("{raw}: {e}"));
        assert_eq!(at(&instance.created_at).timestamp(), 1_704_067_200, "{raw}");
        assert_eq!(
            at(&instance.created_at).timestamp_subsec_micros(),
            micros,
            "{raw}"
        );
    }

    let mut value = minimal_instance();
    value["updated_at"] = Value::Null;
    assert_eq!(from_value::<Instance>(value).unwrap().updated_at, None);
    assert_eq!(
        from_value::<Instance>(minimal_instance())
            .unwrap()
            .updated_at,
        None
    );
    let mut value = minimal_instance();
    value["updated_at"] = json!("2024-02-03T04:05:06");
    let updated = from_value::<Instance>(value).unwrap().updated_at;
    assert_eq!(
        at(&updated),
        Utc.with_ymd_and_hms(2024, 2, 3, 4, 5, 6).unwrap()
    );

    // Text that is no time at all is kept as it came, and fails nothing.
    let mut value = minimal_instance();
    value["created_at"] = json!("last tuesday");
    let created = from_value::<Instance>(value).unwrap().created_at.unwrap();
    assert_eq!(
        (created.as_datetime(), created.raw()),
        (None, "last tuesday")
    );
}

#[test]
fn nulls_where_the_api_allows_them() {
    let mut value = minimal_instance();
    for key in [
        "name",
        "machine_type",
        "image",
        "network",
        "labels",
        "error",
        "ssh_key_name",
        "user_data",
    ] {
        value[key] = Value::Null;
    }
    let instance: Instance = from_value(value).unwrap();
    assert_eq!(instance.machine_type, None);
    assert_eq!(instance.labels, None);
}

#[test]
fn references_serialize_only_what_is_set() {
    assert_eq!(
        serde_json::to_value(IdOrName::id("x")).unwrap(),
        json!({"id": "x"})
    );
    assert_eq!(
        serde_json::to_value(IdOrName::name("y")).unwrap(),
        json!({"name": "y"})
    );
    let both: IdOrName = from_value(json!({"id": "x", "name": "y"})).unwrap();
    assert_eq!(
        (both.id.as_deref(), both.name.as_deref()),
        (Some("x"), Some("y"))
    );
    assert_eq!(
        serde_json::to_value(CreateParametersNetwork::default()).unwrap(),
        json!({})
    );
}

#[test]
fn go_constants() {
    assert_eq!(INSTANCE_IMAGE_EXPAND.as_str(), "image");
    assert_eq!(INSTANCE_MACHINE_TYPE_EXPAND.as_str(), "machine-type");
    assert_eq!(INSTANCE_NETWORK_EXPAND.as_str(), "network");
    assert_eq!(SNAPSHOT_IMAGE_EXPAND, Expand::Image);
    assert_eq!(SNAPSHOT_MACHINE_TYPE_EXPAND, Expand::MachineType);
    assert_eq!(
        "machine-type".parse::<Expand>().unwrap(),
        Expand::MachineType
    );
    assert_eq!(VM_INSTANCE_HEADER_VERSION_NAME, "x-api-version");
    assert_eq!(VM_INSTANCE_HEADER_VERSION, "1.1");
    assert_eq!(DEFAULT_BASE_PATH, "/compute");
}

// --- the decoding policy: only identity is required ---

/// Decodes from bytes, the way the client does.
fn from_bytes<T: DeserializeOwned>(value: &Value) -> Result<T, serde_json::Error> {
    serde_json::from_slice(&serde_json::to_vec(value).unwrap())
}

#[test]
fn every_model_decodes_from_its_identity_alone() {
    let id = json!({"id": "x"});
    let instance: Instance = from_bytes(&id).unwrap();
    assert_eq!(
        (instance.id.as_str(), &instance.status, &instance.state),
        ("x", &None, &None)
    );
    assert_eq!((instance.created_at, instance.name), (None, None));
    let image: Image = from_bytes(&id).unwrap();
    assert_eq!((image.status, image.minimum_requirements), (None, None));
    let custom: CustomImage = from_bytes(&id).unwrap();
    assert_eq!((custom.platform, custom.license), (None, None));
    let machine: InstanceType = from_bytes(&id).unwrap();
    assert_eq!(
        (machine.vcpus, machine.disk, machine.status),
        (None, None, None)
    );
    let snapshot: Snapshot = from_bytes(&id).unwrap();
    assert_eq!((snapshot.size, snapshot.created_at), (None, None));
    assert_eq!(from_bytes::<CreateResponse>(&id).unwrap().id, "x");
    let nested = (
        from_bytes::<InstanceTypes>(&id).unwrap().vcpus,
        from_bytes::<VmImage>(&id).unwrap().name,
        from_bytes::<SnapshotInstance>(&id).unwrap().image,
        from_bytes::<NetworkInterface>(&id).unwrap().primary,
        from_bytes::<NetworkPort>(&id).unwrap().ip_addresses,
    );
    assert_eq!(nested, (None, None, None, None, None));
    let access: WindowsPasswordResponse = from_bytes(&json!({"instance": {"id": "x"}})).unwrap();
    assert!(access.instance.password.is_none() && access.instance.created_at.is_none());

    // Models without an identity of their own decode from an empty object.
    let empty = json!({});
    assert!(
        from_bytes::<InitLogResponse>(&empty)
            .unwrap()
            .logs
            .is_empty()
    );
    assert_eq!(from_bytes::<InstanceError>(&empty).unwrap().slug, None);
    assert_eq!(
        from_bytes::<MinimumRequirements>(&empty).unwrap(),
        MinimumRequirements::default()
    );
    assert_eq!(from_bytes::<Network>(&empty).unwrap(), Network::default());
    assert_eq!(
        from_bytes::<IpAddressNewExpand>(&empty).unwrap(),
        IpAddressNewExpand::default()
    );
    fn empty_page<P: Page + std::fmt::Debug>() {
        let page: P = from_bytes(&json!({})).unwrap();
        assert!(page.items().is_empty() && page.meta().is_none(), "{page:?}");
        let page: P = from_bytes(&json!({"meta": null, "extra": [1]})).unwrap();
        assert!(page.items().is_empty() && page.meta().is_none(), "{page:?}");
    }
    empty_page::<ListInstancesResponse>();
    empty_page::<ImageList>();
    empty_page::<CustomImageList>();
    empty_page::<InstanceTypeList>();
    empty_page::<MachineTypeList>();
    empty_page::<ListSnapshotsResponse>();
}

#[test]
fn odd_values_in_non_identity_fields_become_none() {
    let instance: Instance = from_bytes(&json!({
        "id": "i",
        "name": 42,
        "status": {"code": 1},
        "state": null,
        "created_at": 1_700_000_000,
        "machine_type": {"id": "mt", "vcpus": -2, "ram": 4_294_967_296u64, "disk": "40"},
        "image": {"name": "no id"},
        "network": {"interfaces": [{"id": "nic", "primary": "yes"}], "vpc": 7},
        "labels": ["a", 1],
        "error": {"message": ["x"], "slug": "s"},
    }))
    .unwrap();
    assert_eq!(
        (instance.name, instance.status, instance.state),
        (None, None, None)
    );
    assert_eq!(instance.created_at, None);
    let machine = instance.machine_type.unwrap();
    assert_eq!(
        (machine.vcpus, machine.ram, machine.disk),
        (None, None, None)
    );
    assert_eq!(
        instance.image, None,
        "a reference without its id is no reference"
    );
    let network = instance.network.unwrap();
    assert_eq!(network.vpc, None);
    assert_eq!(network.interfaces.unwrap()[0].primary, None);
    assert_eq!(instance.labels, None);
    let error = instance.error.unwrap();
    assert_eq!((error.message, error.slug.as_deref()), (None, Some("s")));

    // A nested model sent as an array is no model either.
    let instance: Instance =
        from_bytes(&json!({"id": "i", "machine_type": ["mt", "BV1"], "error": ["m", "s"]}))
            .unwrap();
    assert_eq!((instance.machine_type, instance.error), (None, None));
    let snapshot: Snapshot =
        from_bytes(&json!({"id": "s", "instance": {"id": 5, "image": {"id": "img"}}})).unwrap();
    assert_eq!(snapshot.instance, None, "a nested id of the wrong type");

    let logs: InitLogResponse = from_bytes(&json!({"logs": ["a", 2, null, {"b": 1}]})).unwrap();
    assert_eq!(logs.logs, ["a", "2", "null", r#"{"b":1}"#]);
}

/// A snapshot page whose third item has an unreadable timestamp, a negative size
/// and no status, under a `meta` with a negative count.
fn odd_third_item_page() -> Value {
    let good = |n: u32| {
        json!({
            "id": format!("s-{n}"),
            "name": format!("snap-{n}"),
            "status": "completed",
            "state": "available",
            "created_at": "2024-01-01T00:00:00Z",
            "size": 10,
        })
    };
    json!({
        "snapshots": [
            good(1),
            good(2),
            {"id": "s-3", "name": "snap-3", "state": "new", "created_at": "31/12/2024 10h", "size": -5},
            good(4),
        ],
        "meta": {"page": {"limit": 50, "offset": 0, "count": -4, "total": 4}},
    })
}

#[test]
fn a_page_with_one_odd_item_decodes_every_item() {
    let page: ListSnapshotsResponse = from_bytes(&odd_third_item_page()).unwrap();
    assert_eq!(page.items().len(), 4);
    let odd = &page.snapshots[2];
    assert_eq!(
        (odd.id.as_str(), &odd.status, odd.size),
        ("s-3", &None, None)
    );
    let created = odd.created_at.as_ref().unwrap();
    assert_eq!(
        (created.raw(), created.as_datetime()),
        ("31/12/2024 10h", None)
    );
    assert_eq!(odd.state, Some(SnapshotState::New));
    assert_eq!(page.snapshots[3].size, Some(10));
    assert_eq!(page.meta(), None, "a meta paging cannot trust is no meta");

    // The same for instances: a third instance with a bad timestamp, a negative
    // vCPU count and no status.
    let mut list: Value = serde_json::from_str(&fixture("instances_list.json")).unwrap();
    let first = list["instances"][0].clone();
    let mut odd = first.clone();
    odd["id"] = json!("third");
    odd["created_at"] = json!("yesterday");
    odd["machine_type"] = json!({"id": "mt", "vcpus": -1});
    odd.as_object_mut().unwrap().remove("status");
    list["instances"] = json!([first.clone(), first, odd]);
    let page: ListInstancesResponse = from_bytes(&list).unwrap();
    let third = &page.instances[2];
    assert_eq!((third.id.as_str(), &third.status), ("third", &None));
    assert_eq!(third.created_at.as_ref().unwrap().raw(), "yesterday");
    assert_eq!(third.machine_type.as_ref().unwrap().vcpus, None);
    assert_eq!(page.instances[0].status, Some(InstanceStatus::Completed));
}

#[test]
fn wrong_shapes_and_missing_identity_still_fail() {
    // Not an object at the top.
    for body in [json!([]), json!(null), json!("x"), json!(42)] {
        assert!(
            from_bytes::<ListInstancesResponse>(&body).is_err(),
            "{body}"
        );
        assert!(from_bytes::<ImageList>(&body).is_err(), "{body}");
        assert!(from_bytes::<CreateResponse>(&body).is_err(), "{body}");
    }
    // An array is not an object, even one whose items line up with the fields.
    for body in [json!(null), json!("x"), json!(42), json!([]), json!(["x"])] {
        assert!(from_bytes::<Instance>(&body).is_err(), "{body}");
        assert!(from_bytes::<Image>(&body).is_err(), "{body}");
        assert!(from_bytes::<CustomImage>(&body).is_err(), "{body}");
        assert!(from_bytes::<InstanceType>(&body).is_err(), "{body}");
        assert!(from_bytes::<Snapshot>(&body).is_err(), "{body}");
    }
    assert!(from_bytes::<WindowsPasswordResponse>(&json!({"instance": ["x"]})).is_err());
    // A list field that is not an array.
    for items in [json!({}), json!("x"), json!(3)] {
        let body = json!({"snapshots": items});
        assert!(
            from_bytes::<ListSnapshotsResponse>(&body).is_err(),
            "{body}"
        );
    }
    // No identity, or an identity of the wrong type.
    for body in [
        json!({}),
        json!({"id": null}),
        json!({"id": 7}),
        json!({"name": "x"}),
    ] {
        assert!(from_bytes::<Instance>(&body).is_err(), "{body}");
        assert!(from_bytes::<Image>(&body).is_err(), "{body}");
        assert!(from_bytes::<CustomImage>(&body).is_err(), "{body}");
        assert!(from_bytes::<InstanceType>(&body).is_err(), "{body}");
        assert!(from_bytes::<Snapshot>(&body).is_err(), "{body}");
        assert!(from_bytes::<CreateResponse>(&body).is_err(), "{body}");
    }
    assert!(from_bytes::<WindowsPasswordResponse>(&json!({"instance": {}})).is_err());
    assert!(from_bytes::<WindowsPasswordResponse>(&json!({})).is_err());
    let mut page = odd_third_item_page();
    page["snapshots"][2].as_object_mut().unwrap().remove("id");
    assert!(from_bytes::<ListSnapshotsResponse>(&page).is_err());
}

/// Serves `body` as the answer to every request, on loopback, until dropped.
struct Answer {
    base: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Answer {
    async fn start(body: Value) -> Answer {
        let body = serde_json::to_string(&body).unwrap();
        let app = axum::Router::new().fallback(move || {
            let body = body.clone();
            async move { ([("content-type", "application/json")], body) }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}/br-se1", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
        Answer {
            base,
            stop: Some(stop),
        }
    }

    fn client(&self) -> mgc::Client {
        mgc::Client::builder()
            .api_key("k")
            .base_url(&self.base)
            .build()
            .unwrap()
    }
}

impl Drop for Answer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

#[tokio::test]
async fn over_http_an_odd_item_decodes_and_a_missing_id_names_its_path() {
    let server = Answer::start(odd_third_item_page()).await;
    let page = server.client().send(ListSnapshots::new()).await.unwrap();
    assert_eq!(page.snapshots.len(), 4);
    assert_eq!(page.snapshots[2].size, None);
    drop(server);

    let mut body = odd_third_item_page();
    body["snapshots"][2].as_object_mut().unwrap().remove("id");
    let server = Answer::start(body).await;
    let err = server
        .client()
        .send(ListSnapshots::new())
        .await
        .unwrap_err();
    match &err {
        mgc::Error::Decode { path, message, .. } => {
            assert_eq!(path, "snapshots[2]", "{err}");
            assert!(message.contains("missing field `id`"), "{err}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    drop(server);

    let server = Answer::start(json!({"snapshots": {"id": "s"}})).await;
    let err = server
        .client()
        .send(ListSnapshots::new())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, mgc::Error::Decode { path, .. } if path == "snapshots"),
        "{err:?}"
    );
}

mod drift {
    //! Random drift applied to valid bodies: fields deleted, scalars replaced
    //! with odd values. Decoding never fails as long as identity is left alone.

    use super::*;
    use proptest::prelude::*;
    use proptest::sample::Index;

    /// Every valid body we hold, with the decoder of its type and the top-level
    /// members that carry identity (never deleted).
    /// A fixture, the decoder of its type, and its top-level identity members.
    type Body = (
        &'static str,
        fn(&Value) -> Result<(), String>,
        &'static [&'static str],
    );

    fn bodies() -> Vec<Body> {
        fn ok<T: DeserializeOwned>(value: &Value) -> Result<(), String> {
            from_bytes::<T>(value).map(drop).map_err(|e| e.to_string())
        }
        vec![
            ("instances_list.json", ok::<ListInstancesResponse>, &[]),
            ("instance.json", ok::<Instance>, &[]),
            ("instance_full.json", ok::<Instance>, &[]),
            ("instance_error.json", ok::<InstanceError>, &[]),
            ("images_list.json", ok::<ImageList>, &[]),
            ("custom_images_list.json", ok::<CustomImageList>, &[]),
            ("custom_image.json", ok::<CustomImage>, &[]),
            ("machine_types_list.json", ok::<MachineTypeList>, &[]),
            ("instance_types_list.json", ok::<InstanceTypeList>, &[]),
            ("machine_type.json", ok::<InstanceType>, &[]),
            ("snapshots_list.json", ok::<ListSnapshotsResponse>, &[]),
            ("snapshot.json", ok::<Snapshot>, &[]),
            (
                "windows_password.json",
                ok::<WindowsPasswordResponse>,
                &["instance"],
            ),
            ("init_logs.json", ok::<InitLogResponse>, &[]),
            ("created.json", ok::<CreateResponse>, &[]),
        ]
    }

    const ODD: [fn() -> Value; 12] = [
        || Value::Null,
        || json!(-1),
        || json!(i64::MIN),
        || json!(u64::MAX),
        || json!(1.5),
        || json!(1e300),
        || json!(""),
        || json!("not-a-value"),
        || json!(true),
        || json!({}),
        || json!([]),
        || json!([1, "x"]),
    ];

    /// Paths (JSON pointers) of members that may be deleted, and of scalars that
    /// may be replaced; `id` is identity wherever it appears.
    fn targets(
        value: &Value,
        at: String,
        top: bool,
        protected: &[&str],
        out: &mut (Vec<String>, Vec<String>),
    ) {
        match value {
            Value::Object(map) => {
                for (key, member) in map {
                    if key == "id" || (top && protected.contains(&key.as_str())) {
                        continue;
                    }
                    let path = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                    out.0.push(path.clone());
                    targets(member, path, false, protected, out);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    targets(item, format!("{at}/{i}"), false, protected, out);
                }
            }
            _ if !at.is_empty() => out.1.push(at),
            _ => {}
        }
    }

    fn drift(mut body: Value, protected: &[&str], steps: &[(bool, Index, usize)]) -> Value {
        for (delete, which, odd) in steps {
            let mut found = (Vec::new(), Vec::new());
            targets(&body, String::new(), true, protected, &mut found);
            let (deletable, scalars) = found;
            if *delete && !deletable.is_empty() {
                let path = which.get(&deletable);
                let (parent, key) = path.rsplit_once('/').unwrap();
                let key = key.replace("~1", "/").replace("~0", "~");
                if let Some(Value::Object(map)) = body.pointer_mut(parent) {
                    map.remove(&key);
                }
            } else if !scalars.is_empty() {
                let path = which.get(&scalars);
                *body.pointer_mut(path).unwrap() = ODD[*odd % ODD.len()]();
            }
        }
        body
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn drifted_bodies_always_decode(
            which in 0usize..15,
            steps in prop::collection::vec((any::<bool>(), any::<Index>(), 0usize..12), 1..12),
        ) {
            let all = bodies();
            let (name, decode, protected) = all[which % all.len()];
            let body: Value = serde_json::from_str(&fixture(name)).unwrap();
            prop_assert!(decode(&body).is_ok(), "{name} itself must decode");
            let drifted = drift(body, protected, &steps);
            let outcome = decode(&drifted);
            prop_assert!(outcome.is_ok(), "{name}: {:?}\n{drifted:#}", outcome);
        }
    }
}
