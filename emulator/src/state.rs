//! In-memory state of every region and the lifecycle of its resources.
//!
//! Transitions are evaluated lazily: an action records when its intermediate
//! and final states are due, and every request first calls [`World::settle`],
//! which applies whatever is due by then. In manual mode nothing is ever due
//! until [`World::advance`] finishes everything at once.

use std::time::Duration;

use tokio::time::Instant;

use crate::catalogue::{self, Image, MachineType};
use crate::wire::{ApiError, Listable, Ref, SortKey, now_rfc3339, uuid4};

/// `(name, URL segment)` of every region.
pub(crate) const REGIONS: [(&str, &str); 3] = [
    ("br-se1", "br-se1"),
    ("br-ne1", "br-ne1"),
    ("br-mgl1", "br-se-1"),
];

/// Index of a region given by name (`br-mgl1`) or URL segment (`br-se-1`).
pub(crate) fn region_index(region: &str) -> Option<usize> {
    REGIONS
        .iter()
        .position(|(name, segment)| *name == region || *segment == region)
}

/// When the intermediate and final steps of a transition are due
/// (`None`: only when advanced by hand).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timer {
    mid_at: Option<Instant>,
    end_at: Option<Instant>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Start,
    Mid,
    End,
}

impl Timer {
    fn phase(&self, now: Instant, force: bool) -> Phase {
        if force || self.end_at.is_some_and(|t| t <= now) {
            Phase::End
        } else if self.mid_at.is_some_and(|t| t <= now) {
            Phase::Mid
        } else {
            Phase::Start
        }
    }
}

/// An instance operation that finishes asynchronously.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Op {
    Create,
    Stop,
    Start,
    Suspend,
    Reboot,
    /// Retype to this machine type id.
    Retype(String),
    Delete,
}

impl Op {
    /// Status right after the request, and while in progress.
    fn statuses(&self) -> (&'static str, &'static str) {
        match self {
            Op::Create => ("provisioning", "creating"),
            Op::Stop => ("stopping_pending", "stopping"),
            Op::Start => ("starting_pending", "starting"),
            Op::Suspend => ("suspending_pending", "suspending"),
            Op::Reboot => ("rebooting_pending", "rebooting"),
            Op::Retype(_) => ("retyping_pending", "retyping"),
            Op::Delete => ("deleting_pending", "deleting"),
        }
    }
}

/// A network interface of an instance.
#[derive(Debug, Clone)]
pub(crate) struct Nic {
    pub id: String,
    pub name: String,
    pub security_groups: Vec<String>,
    pub primary: bool,
    pub public_ipv4: Option<String>,
    pub private_ipv4: String,
    pub public_ipv6: Option<String>,
}

/// A virtual machine.
#[derive(Debug, Clone)]
pub(crate) struct Instance {
    pub seq: u64,
    pub id: String,
    pub name: String,
    pub machine_type_id: String,
    pub image_id: String,
    pub status: String,
    pub state: String,
    pub created_at: String,
    pub updated_at: String,
    pub ssh_key_name: Option<String>,
    pub availability_zone: String,
    pub vpc: (String, String),
    pub interfaces: Vec<Nic>,
    pub labels: Vec<String>,
    pub user_data: Option<String>,
    pub error: Option<(String, String)>,
    pub windows_password: Option<String>,
    pub pending: Option<(Op, Timer)>,
}

impl Instance {
    /// Start an asynchronous operation.
    pub(crate) fn begin(&mut self, op: Op, timer: Timer) {
        self.status = op.statuses().0.to_string();
        self.updated_at = now_rfc3339();
        self.error = None;
        self.pending = Some((op, timer));
    }

    /// Apply what is due; `false` when the instance is gone.
    fn settle(&mut self, now: Instant, force: bool) -> bool {
        let Some((op, timer)) = &self.pending else {
            return true;
        };
        match timer.phase(now, force) {
            Phase::Start => true,
            Phase::Mid => {
                let mid = op.statuses().1;
                if self.status != mid {
                    self.status = mid.to_string();
                    self.updated_at = now_rfc3339();
                }
                true
            }
            Phase::End => {
                let op = op.clone();
                self.pending = None;
                self.status = "completed".to_string();
                self.updated_at = now_rfc3339();
                let state = match op {
                    Op::Create | Op::Start | Op::Reboot => "running",
                    Op::Stop => "stopped",
                    Op::Suspend => "suspended",
                    Op::Retype(mt) => {
                        self.machine_type_id = mt;
                        return true;
                    }
                    Op::Delete => return false,
                };
                self.state = state.to_string();
                true
            }
        }
    }

    /// Whether an operation is still in flight.
    pub(crate) fn busy(&self) -> Option<&Op> {
        self.pending.as_ref().map(|(op, _)| op)
    }
}

impl Listable for Instance {
    const SORT_FIELDS: &'static [&'static str] = &[
        "id",
        "name",
        "status",
        "state",
        "user_data",
        "created_at",
        "updated_at",
        "ssh_key_name",
        "availability_zone",
    ];
    fn seq(&self) -> u64 {
        self.seq
    }
    fn sort_key(&self, field: &str) -> SortKey {
        match field {
            "id" => self.id.as_str().into(),
            "name" => self.name.as_str().into(),
            "status" => self.status.as_str().into(),
            "state" => self.state.as_str().into(),
            "created_at" => self.created_at.as_str().into(),
            "updated_at" => self.updated_at.as_str().into(),
            "availability_zone" => self.availability_zone.as_str().into(),
            "ssh_key_name" => self.ssh_key_name.as_deref().into(),
            "user_data" => self.user_data.as_deref().into(),
            _ => SortKey::Null,
        }
    }
}

/// A snapshot of an instance.
#[derive(Debug, Clone)]
pub(crate) struct Snapshot {
    pub seq: u64,
    pub id: String,
    pub name: String,
    pub status: String,
    pub state: String,
    pub created_at: String,
    pub updated_at: String,
    /// GB.
    pub size: i64,
    pub instance_id: String,
    pub image_id: String,
    pub machine_type_id: String,
    pub pending: Option<Timer>,
}

impl Listable for Snapshot {
    const SORT_FIELDS: &'static [&'static str] = &[
        "id",
        "name",
        "status",
        "state",
        "created_at",
        "updated_at",
        "size",
    ];
    fn seq(&self) -> u64 {
        self.seq
    }
    fn sort_key(&self, field: &str) -> SortKey {
        match field {
            "id" => self.id.as_str().into(),
            "name" => self.name.as_str().into(),
            "status" => self.status.as_str().into(),
            "state" => self.state.as_str().into(),
            "created_at" => self.created_at.as_str().into(),
            "updated_at" => self.updated_at.as_str().into(),
            "size" => self.size.into(),
            _ => SortKey::Null,
        }
    }
}

/// A custom image uploaded by the user.
#[derive(Debug, Clone)]
pub(crate) struct CustomImage {
    pub seq: u64,
    pub id: String,
    pub name: String,
    pub status: String,
    pub description: Option<String>,
    pub version: Option<String>,
    /// (vcpu, ram GB, disk GB)
    pub requirements: Option<(i64, i64, i64)>,
    pub platform: String,
    pub license: String,
    pub architecture: String,
    pub uefi: bool,
    pub url: String,
    pub created_at: String,
    pub pending: Option<Timer>,
}

impl Listable for CustomImage {
    const SORT_FIELDS: &'static [&'static str] = &[
        "id",
        "name",
        "status",
        "description",
        "version",
        "platform",
        "license",
        "end_life_at",
    ];
    fn seq(&self) -> u64 {
        self.seq
    }
    fn sort_key(&self, field: &str) -> SortKey {
        match field {
            "id" => self.id.as_str().into(),
            "name" => self.name.as_str().into(),
            "status" => self.status.as_str().into(),
            "platform" => self.platform.as_str().into(),
            "license" => self.license.as_str().into(),
            "version" => self.version.as_deref().into(),
            "description" => self.description.as_deref().into(),
            "created_at" => self.created_at.as_str().into(),
            _ => SortKey::Null,
        }
    }
}

/// What an instance needs to know about its image, public or custom.
#[derive(Debug, Clone)]
pub(crate) struct ImageInfo {
    pub id: String,
    pub name: String,
    pub platform: String,
    pub status: String,
    /// (vcpu, ram GB, disk GB)
    pub min: (i64, i64, i64),
}

/// One region's resources.
#[derive(Debug)]
pub(crate) struct RegionState {
    pub name: &'static str,
    pub machine_types: Vec<MachineType>,
    pub images: Vec<Image>,
    pub custom_images: Vec<CustomImage>,
    pub instances: Vec<Instance>,
    pub snapshots: Vec<Snapshot>,
    pub default_vpc: (String, String),
    pub default_security_group: String,
    ip_seq: u32,
}

impl RegionState {
    fn new(name: &'static str, index: usize) -> Self {
        RegionState {
            name,
            machine_types: catalogue::machine_types(name),
            images: catalogue::images(name),
            custom_images: Vec::new(),
            instances: Vec::new(),
            snapshots: Vec::new(),
            default_vpc: (
                format!("5e0b1c2d-7a00-4b30-8c00-00000000000{index}"),
                "vpc_default".to_string(),
            ),
            default_security_group: format!("7f3e2d1c-9b00-4d40-8e00-00000000000{index}"),
            ip_seq: 0,
        }
    }

    /// The first availability zone, used when a request names none.
    pub(crate) fn default_zone(&self) -> String {
        format!("{}-a", self.name)
    }

    pub(crate) fn instance(&self, id: &str) -> Result<&Instance, ApiError> {
        self.instances
            .iter()
            .find(|i| i.id == id)
            .ok_or_else(|| ApiError::not_found("instance", id))
    }

    pub(crate) fn instance_mut(&mut self, id: &str) -> Result<&mut Instance, ApiError> {
        self.instances
            .iter_mut()
            .find(|i| i.id == id)
            .ok_or_else(|| ApiError::not_found("instance", id))
    }

    /// Find an instance by id or name.
    pub(crate) fn instance_by_ref(&mut self, r: Ref<'_>) -> Result<&mut Instance, ApiError> {
        self.instances
            .iter_mut()
            .find(|i| r.matches(&i.id, &i.name))
            .ok_or_else(|| ApiError::not_found("instance", &r.to_string()))
    }

    pub(crate) fn snapshot_mut(&mut self, id: &str) -> Result<&mut Snapshot, ApiError> {
        self.snapshots
            .iter_mut()
            .find(|s| s.id == id)
            .ok_or_else(|| ApiError::not_found("snapshot", id))
    }

    pub(crate) fn custom_image_mut(&mut self, id: &str) -> Result<&mut CustomImage, ApiError> {
        self.custom_images
            .iter_mut()
            .find(|s| s.id == id)
            .ok_or_else(|| ApiError::not_found("image", id))
    }

    pub(crate) fn machine_type(&self, id: &str) -> Option<&MachineType> {
        self.machine_types.iter().find(|m| m.id == id)
    }

    /// Find a machine type by id or name; 404 when unknown.
    pub(crate) fn machine_type_by_ref(&self, r: Ref<'_>) -> Result<&MachineType, ApiError> {
        self.machine_types
            .iter()
            .find(|m| r.matches(m.id, m.name))
            .ok_or_else(|| ApiError::not_found("machine_type", &r.to_string()))
    }

    /// A public or custom image by id.
    pub(crate) fn image(&self, id: &str) -> Option<ImageInfo> {
        self.image_where(|iid, _| iid == id)
    }

    /// Find a public or custom image by id or name; 404 when unknown.
    pub(crate) fn image_by_ref(&self, r: Ref<'_>) -> Result<ImageInfo, ApiError> {
        self.image_where(|id, name| r.matches(id, name))
            .ok_or_else(|| ApiError::not_found("image", &r.to_string()))
    }

    fn image_where(&self, pred: impl Fn(&str, &str) -> bool) -> Option<ImageInfo> {
        if let Some(i) = self.images.iter().find(|i| pred(i.id, i.name)) {
            return Some(ImageInfo {
                id: i.id.to_string(),
                name: i.name.to_string(),
                platform: i.platform.to_string(),
                status: i.status.clone(),
                min: i.min,
            });
        }
        self.custom_images
            .iter()
            .find(|i| pred(&i.id, &i.name))
            .map(|i| ImageInfo {
                id: i.id.clone(),
                name: i.name.clone(),
                platform: i.platform.clone(),
                status: i.status.clone(),
                min: i.requirements.unwrap_or((1, 1, 10)),
            })
    }

    /// A new interface with fresh addresses.
    pub(crate) fn new_nic(
        &mut self,
        id: String,
        name: String,
        primary: bool,
        public: bool,
        security_groups: Vec<String>,
    ) -> Nic {
        self.ip_seq += 1;
        let n = self.ip_seq;
        Nic {
            id,
            name,
            security_groups,
            primary,
            public_ipv4: public.then(|| format!("201.23.{}.{}", (n / 250) % 250, n % 250 + 2)),
            private_ipv4: format!("172.18.{}.{}", (n / 250) % 250, n % 250 + 2),
            public_ipv6: Some(format!("2804:7f4:ca01:{:x}::{:x}", n / 65536, n % 65536)),
        }
    }

    /// Whether an interface id is attached to any instance of the region.
    pub(crate) fn interface_in_use(&self, id: &str) -> bool {
        self.instances
            .iter()
            .any(|i| i.interfaces.iter().any(|n| n.id == id))
    }
}

/// Everything the emulator holds.
#[derive(Debug)]
pub(crate) struct World {
    pub regions: Vec<RegionState>,
    pub ids: Ids,
}

/// Ids, sequence numbers and timers.
#[derive(Debug)]
pub(crate) struct Ids {
    rng: fastrand::Rng,
    seq: u64,
    /// `None`: manual transitions.
    delay: Option<Duration>,
}

impl Ids {
    pub(crate) fn id(&mut self) -> String {
        uuid4(&mut self.rng)
    }

    pub(crate) fn seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// A random password for Windows instances.
    pub(crate) fn password(&mut self) -> String {
        const CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!@#%";
        (0..16)
            .map(|_| char::from(CHARS[self.rng.usize(..CHARS.len())]))
            .collect()
    }

    /// A timer for a transition that starts now.
    pub(crate) fn timer(&self) -> Timer {
        match self.delay {
            None => Timer {
                mid_at: None,
                end_at: None,
            },
            Some(d) => {
                let now = Instant::now();
                Timer {
                    mid_at: Some(now + d / 2),
                    end_at: Some(now + d),
                }
            }
        }
    }
}

impl World {
    pub(crate) fn new(seed: u64, delay: Option<Duration>) -> Self {
        World {
            regions: REGIONS
                .iter()
                .enumerate()
                .map(|(i, (name, _))| RegionState::new(name, i))
                .collect(),
            ids: Ids {
                rng: fastrand::Rng::with_seed(seed),
                seq: 0,
                delay,
            },
        }
    }

    /// Apply every transition step that is due by now.
    pub(crate) fn settle(&mut self) {
        self.step(false);
    }

    /// Finish every pending transition at once.
    pub(crate) fn advance(&mut self) {
        self.step(true);
    }

    fn step(&mut self, force: bool) {
        let now = Instant::now();
        for region in &mut self.regions {
            region.instances.retain_mut(|i| i.settle(now, force));
            for s in &mut region.snapshots {
                if s.pending.is_some_and(|t| t.phase(now, force) == Phase::End) {
                    s.pending = None;
                    s.status = "completed".to_string();
                    s.state = "available".to_string();
                    s.updated_at = now_rfc3339();
                }
            }
            for c in &mut region.custom_images {
                if c.pending.is_some_and(|t| t.phase(now, force) == Phase::End) {
                    c.pending = None;
                    c.status = "active".to_string();
                }
            }
        }
    }
}
