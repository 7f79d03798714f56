//! The seeded, read-only part of each region: machine types and public images.
//!
//! Ids are fixed so that tests can rely on them; they are the same in every
//! region. Units follow the API: machine-type `ram` in MiB and `disk` in GB;
//! image `minimum_requirements` (and custom image `requirements`) with `ram`
//! and `disk` in GB.

use serde_json::{Value, json};

use crate::wire::{Listable, SortKey};

/// A machine type (instance type) of the catalogue.
#[derive(Debug, Clone)]
pub(crate) struct MachineType {
    pub seq: u64,
    pub id: &'static str,
    pub name: &'static str,
    pub vcpus: i64,
    /// MiB.
    pub ram: i64,
    /// GB.
    pub disk: i64,
    pub gpu: i64,
    pub status: &'static str,
    pub availability_zones: Vec<String>,
}

impl MachineType {
    fn sku(&self) -> String {
        format!("sku-{}", self.name.to_ascii_lowercase())
    }

    /// `/v1/machine-types` item.
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "vcpus": self.vcpus,
            "ram": self.ram,
            "disk": self.disk,
            "gpu": self.gpu,
            "status": self.status,
            "sku": self.sku(),
            "availability_zones": self.availability_zones,
        })
    }

    /// `/v1/instance-types` item (no sku).
    pub(crate) fn to_instance_type_json(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "vcpus": self.vcpus,
            "ram": self.ram,
            "disk": self.disk,
            "gpu": self.gpu,
            "status": self.status,
            "availability_zones": self.availability_zones,
        })
    }

    /// The expanded form nested in an instance or snapshot.
    pub(crate) fn to_expanded_json(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "vcpus": self.vcpus,
            "ram": self.ram,
            "disk": self.disk,
        })
    }
}

impl Listable for MachineType {
    const SORT_FIELDS: &'static [&'static str] = &[
        "id",
        "name",
        "vcpus",
        "ram",
        "disk",
        "gpu",
        "status",
        "sku",
        "created_at",
    ];
    fn seq(&self) -> u64 {
        self.seq
    }
    fn sort_key(&self, field: &str) -> SortKey {
        match field {
            "id" => self.id.into(),
            "name" => self.name.into(),
            "status" => self.status.into(),
            "vcpus" => self.vcpus.into(),
            "ram" => self.ram.into(),
            "disk" => self.disk.into(),
            "gpu" => self.gpu.into(),
            "sku" => SortKey::Str(self.sku()),
            _ => SortKey::Null,
        }
    }
}

/// A public image of the catalogue.
#[derive(Debug, Clone)]
pub(crate) struct Image {
    pub seq: u64,
    pub id: &'static str,
    pub name: &'static str,
    pub status: String,
    pub version: &'static str,
    pub platform: &'static str,
    pub release_at: &'static str,
    pub end_standard_support_at: &'static str,
    pub end_life_at: &'static str,
    /// (vcpu, ram GB, disk GB)
    pub min: (i64, i64, i64),
    pub labels: Vec<&'static str>,
    pub availability_zones: Vec<String>,
}

impl Image {
    /// `/v1/images` item.
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "status": self.status,
            "version": self.version,
            "platform": self.platform,
            "release_at": self.release_at,
            "end_standard_support_at": self.end_standard_support_at,
            "end_life_at": self.end_life_at,
            "minimum_requirements": { "vcpu": self.min.0, "ram": self.min.1, "disk": self.min.2 },
            "labels": self.labels,
            "availability_zones": self.availability_zones,
        })
    }
}

impl Listable for Image {
    const SORT_FIELDS: &'static [&'static str] = &[
        "id",
        "name",
        "status",
        "version",
        "platform",
        "release_at",
        "end_standard_support_at",
        "end_life_at",
    ];
    fn seq(&self) -> u64 {
        self.seq
    }
    fn sort_key(&self, field: &str) -> SortKey {
        match field {
            "id" => self.id.into(),
            "name" => self.name.into(),
            "status" => self.status.as_str().into(),
            "version" => self.version.into(),
            "platform" => self.platform.into(),
            "release_at" => self.release_at.into(),
            "end_standard_support_at" => self.end_standard_support_at.into(),
            "end_life_at" => self.end_life_at.into(),
            _ => SortKey::Null,
        }
    }
}

/// Availability zones of a region (by its name, e.g. `br-se1`).
pub(crate) fn availability_zones(region: &str) -> Vec<String> {
    let letters: &[&str] = if region == "br-se1" {
        &["a", "b", "c"]
    } else {
        &["a", "b"]
    };
    letters.iter().map(|l| format!("{region}-{l}")).collect()
}

/// The machine types of a region.
pub(crate) fn machine_types(region: &str) -> Vec<MachineType> {
    let azs = availability_zones(region);
    #[rustfmt::skip]
    let rows: [(&str, &str, i64, i64, i64, i64); 11] = [
        ("2d5a9c3e-1f00-4a10-8b00-000000000001", "BV1-1-10", 1, 1024, 10, 0),
        // The machine type of the SDK README's example.
        ("2d5a9c3e-1f00-4a10-8b00-00000000000b", "BV1-1-40", 1, 1024, 40, 0),
        ("2d5a9c3e-1f00-4a10-8b00-000000000002", "BV1-2-20", 1, 2048, 20, 0),
        ("2d5a9c3e-1f00-4a10-8b00-000000000003", "BV1-4-40", 1, 4096, 40, 0),
        ("2d5a9c3e-1f00-4a10-8b00-000000000004", "BV2-2-40", 2, 2048, 40, 0),
        ("2d5a9c3e-1f00-4a10-8b00-000000000005", "BV2-4-40", 2, 4096, 40, 0),
        ("2d5a9c3e-1f00-4a10-8b00-000000000006", "BV2-8-100", 2, 8192, 100, 0),
        ("2d5a9c3e-1f00-4a10-8b00-000000000007", "BV4-8-100", 4, 8192, 100, 0),
        ("2d5a9c3e-1f00-4a10-8b00-000000000008", "BV4-16-100", 4, 16384, 100, 0),
        ("2d5a9c3e-1f00-4a10-8b00-000000000009", "BV8-32-100", 8, 32768, 100, 0),
        ("2d5a9c3e-1f00-4a10-8b00-00000000000a", "DP8-90-100", 8, 92160, 100, 1),
    ];
    rows.iter()
        .enumerate()
        .map(|(i, &(id, name, vcpus, ram, disk, gpu))| MachineType {
            seq: i as u64,
            id,
            name,
            vcpus,
            ram,
            disk,
            gpu,
            status: "active",
            // GPU types live in the first zone only.
            availability_zones: if gpu > 0 {
                azs[..1].to_vec()
            } else {
                azs.clone()
            },
        })
        .collect()
}

/// The public images of a region.
pub(crate) fn images(region: &str) -> Vec<Image> {
    let azs = availability_zones(region);
    let img = |seq: u64,
               id: &'static str,
               name: &'static str,
               version: &'static str,
               platform: &'static str,
               dates: [&'static str; 3],
               min: (i64, i64, i64),
               labels: Vec<&'static str>| Image {
        seq,
        id,
        name,
        status: "active".to_string(),
        version,
        platform,
        release_at: dates[0],
        end_standard_support_at: dates[1],
        end_life_at: dates[2],
        min,
        labels,
        availability_zones: azs.clone(),
    };
    let mut deprecated = img(
        5,
        "8c4f7e21-3b00-4c20-9a00-000000000006",
        "cloud-ubuntu-20.04 LTS",
        "20.04",
        "linux",
        [
            "2020-04-23T00:00:00Z",
            "2025-05-31T00:00:00Z",
            "2030-04-02T00:00:00Z",
        ],
        (1, 1, 10),
        vec!["ubuntu", "lts"],
    );
    deprecated.status = "deprecated".to_string();
    vec![
        img(
            0,
            "8c4f7e21-3b00-4c20-9a00-000000000001",
            "cloud-ubuntu-22.04 LTS",
            "22.04",
            "linux",
            [
                "2022-04-21T00:00:00Z",
                "2027-04-01T00:00:00Z",
                "2032-04-01T00:00:00Z",
            ],
            (1, 1, 10),
            vec!["ubuntu", "lts"],
        ),
        img(
            1,
            "8c4f7e21-3b00-4c20-9a00-000000000002",
            "cloud-ubuntu-24.04 LTS",
            "24.04",
            "linux",
            [
                "2024-04-25T00:00:00Z",
                "2029-05-31T00:00:00Z",
                "2034-04-25T00:00:00Z",
            ],
            (1, 1, 10),
            vec!["ubuntu", "lts"],
        ),
        img(
            2,
            "8c4f7e21-3b00-4c20-9a00-000000000003",
            "cloud-debian-12 LTS",
            "12",
            "linux",
            [
                "2023-06-10T00:00:00Z",
                "2026-06-10T00:00:00Z",
                "2028-06-30T00:00:00Z",
            ],
            (1, 1, 10),
            vec!["debian"],
        ),
        img(
            3,
            "8c4f7e21-3b00-4c20-9a00-000000000004",
            "cloud-rocky-09",
            "9",
            "linux",
            [
                "2022-07-14T00:00:00Z",
                "2027-05-31T00:00:00Z",
                "2032-05-31T00:00:00Z",
            ],
            (1, 2, 20),
            vec!["rocky", "rhel-compatible"],
        ),
        img(
            4,
            "8c4f7e21-3b00-4c20-9a00-000000000005",
            "windows-server-2022",
            "2022",
            "windows",
            [
                "2021-08-18T00:00:00Z",
                "2026-10-13T00:00:00Z",
                "2031-10-14T00:00:00Z",
            ],
            (2, 4, 40),
            vec!["windows"],
        ),
        deprecated,
    ]
}

/// Plausible console lines for an instance's init logs.
pub(crate) fn init_log_lines(platform: &str, name: &str, created_at: &str) -> Vec<String> {
    if platform == "windows" {
        return vec![
            "Windows Boot Manager: loading Windows Server 2022".to_string(),
            "cloudbase-init: Starting cloudbase-init service".to_string(),
            "cloudbase-init: Executing plugin 'SetHostNamePlugin'".to_string(),
            format!("cloudbase-init: Set hostname to '{name}'"),
            "cloudbase-init: Executing plugin 'SetUserPasswordPlugin'".to_string(),
            "cloudbase-init: Password for user 'admin' set and posted".to_string(),
            "cloudbase-init: Executing plugin 'ExtendVolumesPlugin'".to_string(),
            format!("cloudbase-init: Execution finished at {created_at}"),
        ];
    }
    vec![
        "[    0.000000] Linux version 6.8.0-45-generic (buildd@lcy02-amd64-075) #45-Ubuntu SMP".to_string(),
        "[    0.000000] Command line: BOOT_IMAGE=/vmlinuz root=LABEL=cloudimg-rootfs ro console=ttyS0".to_string(),
        "[    1.204311] EXT4-fs (vda1): mounted filesystem with ordered data mode".to_string(),
        "cloud-init[612]: Cloud-init v. 24.1.3 running 'init-local'".to_string(),
        "cloud-init[655]: Cloud-init v. 24.1.3 running 'init'".to_string(),
        format!("cloud-init[655]: Set hostname to '{name}'"),
        "cloud-init[655]: Generating public/private ed25519 key pair.".to_string(),
        "cloud-init[823]: Cloud-init v. 24.1.3 running 'modules:config'".to_string(),
        "cloud-init[901]: Cloud-init v. 24.1.3 running 'modules:final'".to_string(),
        format!(
            "cloud-init[901]: Cloud-init v. 24.1.3 finished at {created_at}. Datasource DataSourceOpenStackLocal. Up 21.37 seconds"
        ),
    ]
}
