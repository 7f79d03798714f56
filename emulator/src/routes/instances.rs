//! `/v1/instances...`: create, list, get, delete, the state actions, rename,
//! retype, init logs, the Windows password and network interfaces.

use axum::body::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Ctx, split};
use crate::catalogue::{self, MachineType};
use crate::state::{Ids, ImageInfo, Instance, Op, RegionState, World};
use crate::wire::{
    ApiError, ApiResult, Expand, IdOrName, ListParams, check_len, created, list_answer, no_content,
    now_rfc3339, ok, parse_body,
};

// ---- request bodies -------------------------------------------------------

#[derive(Debug, Deserialize)]
struct CreateRequest {
    name: String,
    machine_type: IdOrName,
    image: IdOrName,
    ssh_key_name: Option<String>,
    availability_zone: Option<String>,
    network: Option<NetworkRequest>,
    user_data: Option<String>,
    labels: Option<Vec<String>>,
    #[allow(dead_code)]
    volumes: Option<Vec<IdOrName>>,
}

/// The `network` object of create and restore.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct NetworkRequest {
    vpc: Option<IdOrName>,
    interface: Option<InterfaceRequest>,
    associate_public_ip: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct InterfaceRequest {
    id: Option<String>,
    security_groups: Option<Vec<IdOnly>>,
    subnets: Option<Vec<IdOnly>>,
}

#[derive(Debug, Deserialize)]
struct IdOnly {
    id: String,
}

#[derive(Debug, Deserialize)]
struct RenameRequest {
    name: String,
}

#[derive(Debug, Deserialize)]
struct RetypeRequest {
    machine_type: IdOrName,
}

#[derive(Debug, Deserialize)]
struct NicRequest {
    instance: IdOrName,
    network: NicNetwork,
}

#[derive(Debug, Deserialize)]
struct NicNetwork {
    interface: IdOrName,
}

// ---- shared with snapshots and the test helpers -----------------------------

/// What a new instance is made of, validated.
pub(crate) struct NewInstance {
    pub name: String,
    pub machine_type_id: String,
    pub image_id: String,
    pub ssh_key_name: Option<String>,
    pub availability_zone: Option<String>,
    pub network: Option<NetworkRequest>,
    pub user_data: Option<String>,
    pub labels: Vec<String>,
}

/// Validate the fields that create and restore share.
pub(crate) fn validate_common(
    name: &str,
    user_data: Option<&str>,
    availability_zone: Option<&str>,
    network: Option<&NetworkRequest>,
    strict: bool,
) -> Result<(), ApiError> {
    check_len("name", name, 1, 255)?;
    if let Some(ud) = user_data {
        check_len("user_data", ud, 1, 65000)?;
    }
    if let Some(az) = availability_zone {
        check_len("availability_zone", az, 1, 255)?;
    }
    if let Some(net) = network {
        if let Some(vpc) = &net.vpc {
            vpc.resolve("network.vpc", strict)?;
        }
        if let Some(iface) = &net.interface {
            if strict
                && iface.id.is_some()
                && (iface.security_groups.is_some() || iface.subnets.is_some())
            {
                return Err(ApiError::violation(
                    "body.network.interface",
                    "id_or_interface",
                    "body.network.interface: give either an existing interface's 'id' or \
                     'security_groups'/'subnets' for a new one, not both",
                ));
            }
            if let Some(id) = &iface.id {
                check_len("network.interface.id", id, 1, 255)?;
            }
            for (i, sg) in iface.security_groups.iter().flatten().enumerate() {
                check_len(
                    &format!("network.interface.security_groups.{i}.id"),
                    &sg.id,
                    1,
                    255,
                )?;
            }
            if iface.subnets.as_ref().is_some_and(|s| s.len() > 1) {
                return Err(ApiError::invalid(
                    "body.network.interface.subnets: at most 1 item is allowed",
                ));
            }
        }
    }
    Ok(())
}

/// 400 unless the machine type meets the image's minimum requirements.
pub(crate) fn check_fits(mt: &MachineType, image: &ImageInfo) -> Result<(), ApiError> {
    let (vcpu, ram_gb, disk) = image.min;
    if mt.vcpus < vcpu || mt.ram < ram_gb * 1024 || mt.disk < disk {
        return Err(ApiError::bad_request(
            "machine_type_incompatible",
            format!(
                "machine type {} ({} vCPU, {} MiB RAM, {} GB disk) does not meet the minimum \
                 requirements of image '{}' ({vcpu} vCPU, {ram_gb} GB RAM, {disk} GB disk)",
                mt.name, mt.vcpus, mt.ram, mt.disk, image.name
            ),
        ));
    }
    Ok(())
}

/// 409 unless the image can be used for a new instance.
pub(crate) fn check_image_usable(image: &ImageInfo) -> Result<(), ApiError> {
    if image.status == "active" || image.status == "deprecated" {
        Ok(())
    } else {
        Err(ApiError::conflict(
            "image_not_available",
            format!(
                "image '{}' has status '{}'; it must be active",
                image.name, image.status
            ),
        ))
    }
}

/// Insert a new instance; with `ready`, it is already running.
pub(crate) fn insert(
    region: &mut RegionState,
    ids: &mut Ids,
    new: NewInstance,
    ready: bool,
) -> String {
    let id = ids.id();
    let now = now_rfc3339();
    let net = new.network.unwrap_or_default();
    let public = net.associate_public_ip.unwrap_or(true);
    let (nic_id, security_groups) = match &net.interface {
        Some(iface) => (
            iface.id.clone().unwrap_or_else(|| ids.id()),
            iface
                .security_groups
                .iter()
                .flatten()
                .map(|s| s.id.clone())
                .collect(),
        ),
        None => (ids.id(), vec![region.default_security_group.clone()]),
    };
    let nic_name = format!("{}-nic-0", new.name);
    let nic = region.new_nic(nic_id, nic_name, true, public, security_groups);
    let vpc = match net.vpc.as_ref().map(|v| (v.id.clone(), v.name.clone())) {
        Some((Some(id), name)) => (id, name.unwrap_or_else(|| "vpc".to_string())),
        Some((None, Some(name))) if name == region.default_vpc.1 => region.default_vpc.clone(),
        Some((None, Some(name))) => (ids.id(), name),
        _ => region.default_vpc.clone(),
    };
    let windows = region
        .image(&new.image_id)
        .is_some_and(|i| i.platform == "windows");
    let mut inst = Instance {
        seq: ids.seq(),
        id: id.clone(),
        name: new.name,
        machine_type_id: new.machine_type_id,
        image_id: new.image_id,
        status: "completed".to_string(),
        state: "running".to_string(),
        created_at: now.clone(),
        updated_at: now,
        ssh_key_name: new.ssh_key_name,
        availability_zone: new
            .availability_zone
            .unwrap_or_else(|| region.default_zone()),
        vpc,
        interfaces: vec![nic],
        labels: new.labels,
        user_data: new.user_data,
        error: None,
        windows_password: windows.then(|| ids.password()),
        pending: None,
    };
    if !ready {
        inst.state = "new".to_string();
        inst.begin(Op::Create, ids.timer());
    }
    region.instances.push(inst);
    id
}

/// Render an instance, nested objects expanded as asked.
pub(crate) fn to_json(region: &RegionState, i: &Instance, expand: Expand) -> Value {
    let machine_type = region
        .machine_type(&i.machine_type_id)
        .filter(|_| expand.machine_type)
        .map_or_else(
            || json!({ "id": i.machine_type_id }),
            MachineType::to_expanded_json,
        );
    let image = region
        .image(&i.image_id)
        .filter(|_| expand.image)
        .map_or_else(
            || json!({ "id": i.image_id }),
            |im| json!({ "id": im.id, "name": im.name, "platform": im.platform }),
        );
    let network = if expand.network {
        json!({
            "vpc": { "id": i.vpc.0, "name": i.vpc.1 },
            "interfaces": i.interfaces.iter().map(|n| json!({
                "id": n.id,
                "name": n.name,
                "security_groups": n.security_groups,
                "primary": n.primary,
                "associated_public_ipv4": n.public_ipv4,
                "ip_addresses": {
                    "private_ipv4": n.private_ipv4,
                    "public_ipv6": n.public_ipv6,
                },
            })).collect::<Vec<_>>(),
        })
    } else {
        json!({ "interfaces": i.interfaces.iter().map(|n| json!({ "id": n.id })).collect::<Vec<_>>() })
    };
    let mut v = json!({
        "id": i.id,
        "name": i.name,
        "machine_type": machine_type,
        "image": image,
        "status": i.status,
        "state": i.state,
        "created_at": i.created_at,
        "updated_at": i.updated_at,
        "ssh_key_name": i.ssh_key_name,
        "availability_zone": i.availability_zone,
        "network": network,
        "labels": i.labels,
        "user_data": i.user_data,
    });
    if let Some((slug, message)) = &i.error {
        v["error"] = json!({ "slug": slug, "message": message });
    }
    v
}

/// 409 `instance_busy` while an operation is in flight.
fn check_idle(i: &Instance) -> Result<(), ApiError> {
    match i.busy() {
        None => Ok(()),
        Some(op) => Err(ApiError::conflict(
            if *op == Op::Delete {
                "instance_deleting"
            } else {
                "instance_busy"
            },
            format!(
                "instance {} has status '{}'; wait until its current operation completes",
                i.id, i.status
            ),
        )),
    }
}

/// 409 unless the instance is idle and in one of `states`.
fn check_state(i: &Instance, states: &[&str], slug: &str, action: &str) -> Result<(), ApiError> {
    check_idle(i)?;
    if states.contains(&i.state.as_str()) {
        return Ok(());
    }
    Err(ApiError::conflict(
        slug,
        format!(
            "cannot {action} instance {}: its state is '{}', it must be {}",
            i.id,
            i.state,
            states.join(" or ")
        ),
    ))
}

// ---- handlers ---------------------------------------------------------------

pub(crate) async fn list(ctx: Ctx) -> ApiResult {
    let params = ListParams::from_query(&ctx.query, ctx.strict, 50, 1000, "created_at:asc")?;
    let expand = Expand::from_query(&ctx.query).unwrap_or_default();
    let name = ctx.query.get("name");
    let w = ctx.world();
    let region = &w.regions[ctx.region];
    let items = region
        .instances
        .iter()
        .filter(|i| name.is_none_or(|n| i.name == n))
        .collect();
    list_answer("instances", &params, items, |i| to_json(region, i, expand))
}

pub(crate) async fn create(ctx: Ctx, body: Bytes) -> ApiResult {
    let req: CreateRequest = parse_body(&body, ctx.strict)?;
    validate_common(
        &req.name,
        req.user_data.as_deref(),
        req.availability_zone.as_deref(),
        req.network.as_ref(),
        ctx.strict,
    )?;
    let mt_ref = req.machine_type.resolve("machine_type", ctx.strict)?;
    let image_ref = req.image.resolve("image", ctx.strict)?;
    let mut w = ctx.world();
    let (region, ids) = split(&mut w, ctx.region);
    let mt = region
        .machine_type_by_ref(mt_ref)
        .map_err(|e| e.in_body("machine_type"))?
        .clone();
    let image = region
        .image_by_ref(image_ref)
        .map_err(|e| e.in_body("image"))?;
    check_image_usable(&image)?;
    check_fits(&mt, &image)?;
    if let Some(id) = req
        .network
        .as_ref()
        .and_then(|n| n.interface.as_ref()?.id.as_deref())
        && region.interface_in_use(id)
    {
        return Err(ApiError::conflict(
            "interface_already_attached",
            format!("network interface {id} is already attached to an instance"),
        ));
    }
    let new = NewInstance {
        name: req.name,
        machine_type_id: mt.id.to_string(),
        image_id: image.id,
        ssh_key_name: req.ssh_key_name,
        availability_zone: req.availability_zone,
        network: req.network,
        user_data: req.user_data,
        labels: req.labels.unwrap_or_default(),
    };
    let id = insert(region, ids, new, false);
    created(201, &id)
}

pub(crate) async fn get(ctx: Ctx) -> ApiResult {
    // The spec's default for reading one instance is everything expanded; an
    // explicit `expand=` narrows it. (Lists default to ids only.)
    let expand = Expand::from_query(&ctx.query).unwrap_or(Expand::ALL);
    let w = ctx.world();
    let region = &w.regions[ctx.region];
    let inst = region.instance(&ctx.id)?;
    ok(to_json(region, inst, expand))
}

pub(crate) async fn delete(ctx: Ctx) -> ApiResult {
    // Accepted for fidelity; public IPs are not modelled separately.
    let _delete_public_ip = ctx.query.bool("delete_public_ip", false)?;
    let mut w = ctx.world();
    let (region, ids) = split(&mut w, ctx.region);
    let inst = region.instance_mut(&ctx.id)?;
    if inst.busy() == Some(&Op::Delete) {
        check_idle(inst)?;
    }
    inst.begin(Op::Delete, ids.timer());
    no_content()
}

/// Start `op` if the instance is idle and in one of `states`.
fn act(ctx: &Ctx, op: Op, states: &[&str], slug: &str, action: &str) -> ApiResult {
    let mut w = ctx.world();
    let (region, ids) = split(&mut w, ctx.region);
    let inst = region.instance_mut(&ctx.id)?;
    check_state(inst, states, slug, action)?;
    inst.begin(op, ids.timer());
    no_content()
}

pub(crate) async fn start(ctx: Ctx) -> ApiResult {
    act(
        &ctx,
        Op::Start,
        &["stopped", "suspended"],
        "instance_not_stopped",
        "start",
    )
}

pub(crate) async fn stop(ctx: Ctx) -> ApiResult {
    act(&ctx, Op::Stop, &["running"], "instance_not_running", "stop")
}

pub(crate) async fn suspend(ctx: Ctx) -> ApiResult {
    act(
        &ctx,
        Op::Suspend,
        &["running"],
        "instance_not_running",
        "suspend",
    )
}

pub(crate) async fn reboot(ctx: Ctx) -> ApiResult {
    act(
        &ctx,
        Op::Reboot,
        &["running", "suspended"],
        "instance_not_running",
        "reboot",
    )
}

pub(crate) async fn retype(ctx: Ctx, body: Bytes) -> ApiResult {
    let req: RetypeRequest = parse_body(&body, ctx.strict)?;
    let mt_ref = req.machine_type.resolve("machine_type", ctx.strict)?;
    let mut w = ctx.world();
    let (region, ids) = split(&mut w, ctx.region);
    let inst = region.instance(&ctx.id)?;
    check_state(inst, &["stopped"], "instance_not_stopped", "retype")?;
    let image_id = inst.image_id.clone();
    let mt = region
        .machine_type_by_ref(mt_ref)
        .map_err(|e| e.in_body("machine_type"))?
        .clone();
    if let Some(image) = region.image(&image_id) {
        check_fits(&mt, &image)?;
    }
    let inst = region.instance_mut(&ctx.id)?;
    inst.begin(Op::Retype(mt.id.to_string()), ids.timer());
    no_content()
}

pub(crate) async fn rename(ctx: Ctx, body: Bytes) -> ApiResult {
    let req: RenameRequest = parse_body(&body, ctx.strict)?;
    check_len("name", &req.name, 1, 255)?;
    let mut w = ctx.world();
    let inst = w.regions[ctx.region].instance_mut(&ctx.id)?;
    if inst.busy() == Some(&Op::Delete) {
        check_idle(inst)?;
    }
    inst.name = req.name;
    inst.updated_at = now_rfc3339();
    no_content()
}

pub(crate) async fn init_logs(ctx: Ctx) -> ApiResult {
    let max = ctx.query.int("max-lines-count", 50, 1, 5000)?;
    let w = ctx.world();
    let region = &w.regions[ctx.region];
    let inst = region.instance(&ctx.id)?;
    let platform = region
        .image(&inst.image_id)
        .map_or_else(|| "linux".to_string(), |i| i.platform);
    let mut lines = catalogue::init_log_lines(&platform, &inst.name, &inst.created_at);
    if inst.state == "new" {
        lines.truncate(3);
    }
    let skip = lines
        .len()
        .saturating_sub(usize::try_from(max).unwrap_or(usize::MAX));
    ok(json!({ "logs": lines[skip..] }))
}

pub(crate) async fn windows_password(ctx: Ctx) -> ApiResult {
    let w = ctx.world();
    let inst = w.regions[ctx.region].instance(&ctx.id)?;
    let Some(password) = &inst.windows_password else {
        return Err(ApiError::bad_request(
            "instance_not_windows",
            format!(
                "instance {} does not run a Windows image; only Windows instances have a first password",
                inst.id
            ),
        ));
    };
    ok(json!({ "instance": {
        "id": inst.id,
        "password": password,
        "created_at": inst.created_at,
        "user": "admin",
    }}))
}

/// Parse a NIC request and find its instance; 409 unless it is idle and
/// running or stopped.
fn nic_target<'w>(
    world: &'w mut World,
    region: usize,
    body: &[u8],
    strict: bool,
) -> Result<(&'w mut RegionState, &'w mut Ids, String, IdOrName), ApiError> {
    let req: NicRequest = parse_body(body, strict)?;
    let inst_ref = req.instance.resolve("instance", strict)?;
    // The spec's interface here is `{id}` only; the lenient mode also finds one by name.
    if strict && req.network.interface.name.is_some() {
        return Err(ApiError::violation(
            "body.network.interface.name",
            "unknown_field",
            "body.network.interface.name: the spec's schema has no such field; give the interface's 'id'",
        ));
    }
    req.network.interface.resolve("network.interface", strict)?;
    let (region, ids) = split(world, region);
    let inst = region
        .instance_by_ref(inst_ref)
        .map_err(|e| e.in_body("instance"))?;
    check_state(
        inst,
        &["running", "stopped"],
        "instance_not_ready",
        "change the network interfaces of",
    )?;
    let id = inst.id.clone();
    Ok((region, ids, id, req.network.interface))
}

pub(crate) async fn attach_nic(ctx: Ctx, body: Bytes) -> ApiResult {
    let mut w = ctx.world();
    let (region, ids, inst_id, iface) = nic_target(&mut w, ctx.region, &body, ctx.strict)?;
    let nic_id = iface.id.clone().unwrap_or_else(|| ids.id());
    if region.interface_in_use(&nic_id)
        || iface.name.as_ref().is_some_and(|name| {
            region
                .instances
                .iter()
                .any(|i| i.interfaces.iter().any(|n| &n.name == name))
        })
    {
        return Err(ApiError::conflict(
            "interface_already_attached",
            format!(
                "network interface {} is already attached to an instance",
                iface.id.or(iface.name).unwrap_or_default()
            ),
        ));
    }
    let name = iface
        .name
        .unwrap_or_else(|| format!("nic-{}", nic_id.chars().take(8).collect::<String>()));
    let sg = region.default_security_group.clone();
    let nic = region.new_nic(nic_id, name, false, false, vec![sg]);
    let inst = region.instance_mut(&inst_id)?;
    inst.interfaces.push(nic);
    inst.updated_at = now_rfc3339();
    no_content()
}

pub(crate) async fn detach_nic(ctx: Ctx, body: Bytes) -> ApiResult {
    let mut w = ctx.world();
    let (region, _, inst_id, iface) = nic_target(&mut w, ctx.region, &body, ctx.strict)?;
    let inst = region.instance_mut(&inst_id)?;
    let wanted = iface.resolve("network.interface", ctx.strict)?;
    let Some(pos) = inst
        .interfaces
        .iter()
        .position(|n| wanted.matches(&n.id, &n.name))
    else {
        return Err(
            ApiError::not_found("interface", &wanted.to_string()).in_body("network.interface")
        );
    };
    if inst.interfaces[pos].primary {
        return Err(ApiError::conflict(
            "primary_interface",
            "the primary network interface cannot be detached",
        ));
    }
    inst.interfaces.remove(pos);
    inst.updated_at = now_rfc3339();
    no_content()
}
