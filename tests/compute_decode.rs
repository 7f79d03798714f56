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
