//! `/v1/snapshots...`: create, list, get, restore, copy, rename, delete.

use axum::body::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

use super::instances::{self, NetworkRequest, NewInstance};
use super::{Ctx, split};
use crate::catalogue::MachineType;
use crate::state::{REGIONS, RegionState, Snapshot};
use crate::wire::{
    ApiError, ApiResult, Expand, IdOrName, ListParams, check_len, created, list_answer, no_content,
    now_rfc3339, ok, parse_body,
};

#[derive(Debug, Deserialize)]
struct CreateRequest {
    name: String,
    instance: IdOrName,
}

#[derive(Debug, Deserialize)]
struct RestoreRequest {
    name: String,
    machine_type: IdOrName,
    ssh_key_name: Option<String>,
    availability_zone: Option<String>,
    network: Option<NetworkRequest>,
    user_data: Option<String>,
}

#[derive(Debug, Deserialize)]
struct CopyRequest {
    destination_region: String,
}

#[derive(Debug, Deserialize)]
struct RenameRequest {
    name: String,
}

fn to_json(region: &RegionState, s: &Snapshot, expand: Expand) -> Value {
    let image = region
        .image(&s.image_id)
        .filter(|_| expand.image)
        .map_or_else(
            || json!({ "id": s.image_id }),
            |im| json!({ "id": im.id, "name": im.name, "platform": im.platform }),
        );
    let machine_type = region
        .machine_type(&s.machine_type_id)
        .filter(|_| expand.machine_type)
        .map_or_else(
            || json!({ "id": s.machine_type_id }),
            MachineType::to_expanded_json,
        );
    json!({
        "id": s.id,
        "name": s.name,
        "status": s.status,
        "state": s.state,
        "created_at": s.created_at,
        "updated_at": s.updated_at,
        "size": s.size,
        "instance": { "id": s.instance_id, "image": image, "machine_type": machine_type },
    })
}

fn check_available(s: &Snapshot, action: &str) -> Result<(), ApiError> {
    if s.state == "available" && s.pending.is_none() {
        return Ok(());
    }
    Err(ApiError::conflict(
        "snapshot_not_available",
        format!(
            "cannot {action} snapshot {}: its state is '{}' (status '{}'), it must be available",
            s.id, s.state, s.status
        ),
    ))
}

fn check_name_free(region: &RegionState, name: &str, except: &str) -> Result<(), ApiError> {
    if region
        .snapshots
        .iter()
        .any(|s| s.name == name && s.id != except)
    {
        return Err(ApiError::conflict(
            "snapshot_name_already_exists",
            format!("a snapshot named '{name}' already exists"),
        ));
    }
    Ok(())
}

pub(crate) async fn list(ctx: Ctx) -> ApiResult {
    let params = ListParams::from_query(&ctx.query, ctx.strict, 200, 1000, "created_at:asc")?;
    let expand = Expand::from_query(&ctx.query).unwrap_or_default();
    let name = ctx.query.get("name");
    let w = ctx.world();
    let region = &w.regions[ctx.region];
    let items = region
        .snapshots
        .iter()
        .filter(|s| name.is_none_or(|n| s.name == n))
        .collect();
    list_answer("snapshots", &params, items, |s| to_json(region, s, expand))
}

pub(crate) async fn create(ctx: Ctx, body: Bytes) -> ApiResult {
    let req: CreateRequest = parse_body(&body, ctx.strict)?;
    check_len("name", &req.name, 1, 255)?;
    let inst_ref = req.instance.resolve("instance", ctx.strict)?;
    let mut w = ctx.world();
    let (region, ids) = split(&mut w, ctx.region);
    let inst = region
        .instance_by_ref(inst_ref)
        .map_err(|e| e.in_body("instance"))?;
    let ready =
        inst.busy().is_none() && ["running", "stopped", "suspended"].contains(&inst.state.as_str());
    if !ready {
        return Err(ApiError::conflict(
            "instance_not_ready",
            format!(
                "cannot snapshot instance {}: state '{}', status '{}'; it must be running, stopped or suspended",
                inst.id, inst.state, inst.status
            ),
        ));
    }
    let (instance_id, image_id, machine_type_id) = (
        inst.id.clone(),
        inst.image_id.clone(),
        inst.machine_type_id.clone(),
    );
    check_name_free(region, &req.name, "")?;
    let size = region.machine_type(&machine_type_id).map_or(10, |m| m.disk);
    let id = ids.id();
    let now = now_rfc3339();
    region.snapshots.push(Snapshot {
        seq: ids.seq(),
        id: id.clone(),
        name: req.name,
        status: "creating".to_string(),
        state: "new".to_string(),
        created_at: now.clone(),
        updated_at: now,
        size,
        instance_id,
        image_id,
        machine_type_id,
        pending: Some(ids.timer()),
    });
    created(202, &id)
}

pub(crate) async fn get(ctx: Ctx) -> ApiResult {
    let expand = Expand::from_query(&ctx.query).unwrap_or_default();
    let mut w = ctx.world();
    let snap = w.regions[ctx.region].snapshot_mut(&ctx.id)?.clone();
    ok(to_json(&w.regions[ctx.region], &snap, expand))
}

pub(crate) async fn restore(ctx: Ctx, body: Bytes) -> ApiResult {
    let req: RestoreRequest = parse_body(&body, ctx.strict)?;
    instances::validate_common(
        &req.name,
        req.user_data.as_deref(),
        req.availability_zone.as_deref(),
        req.network.as_ref(),
        ctx.strict,
    )?;
    let mt_ref = req.machine_type.resolve("machine_type", ctx.strict)?;
    let mut w = ctx.world();
    let (region, ids) = split(&mut w, ctx.region);
    let snap = region.snapshot_mut(&ctx.id)?;
    check_available(snap, "restore")?;
    let (size, image_id) = (snap.size, snap.image_id.clone());
    let mt = region
        .machine_type_by_ref(mt_ref)
        .map_err(|e| e.in_body("machine_type"))?
        .clone();
    if mt.disk < size {
        return Err(ApiError::bad_request(
            "machine_type_incompatible",
            format!(
                "machine type {} has a {} GB disk; the snapshot needs at least {size} GB",
                mt.name, mt.disk
            ),
        ));
    }
    if let Some(image) = region.image(&image_id) {
        instances::check_fits(&mt, &image)?;
    }
    let new = NewInstance {
        name: req.name,
        machine_type_id: mt.id.to_string(),
        image_id,
        ssh_key_name: req.ssh_key_name,
        availability_zone: req.availability_zone,
        network: req.network,
        user_data: req.user_data,
        labels: Vec::new(),
    };
    let id = instances::insert(region, ids, new, false);
    created(202, &id)
}

pub(crate) async fn delete(ctx: Ctx) -> ApiResult {
    let mut w = ctx.world();
    let region = &mut w.regions[ctx.region];
    region.snapshot_mut(&ctx.id)?;
    region.snapshots.retain(|s| s.id != ctx.id);
    no_content()
}

pub(crate) async fn copy(ctx: Ctx, body: Bytes) -> ApiResult {
    let req: CopyRequest = parse_body(&body, ctx.strict)?;
    let Some(dest) = REGIONS
        .iter()
        .position(|(name, _)| *name == req.destination_region)
    else {
        return Err(ApiError::invalid(format!(
            "body.destination_region: '{}' is not one of br-se1, br-mgl1, br-ne1",
            req.destination_region
        )));
    };
    let mut w = ctx.world();
    let (region, ids) = split(&mut w, ctx.region);
    let snap = region.snapshot_mut(&ctx.id)?;
    check_available(snap, "copy")?;
    if dest == ctx.region {
        return Err(ApiError::bad_request(
            "snapshot_copy_same_region",
            format!(
                "snapshot {} is already in {}; choose another destination region",
                snap.id, req.destination_region
            ),
        ));
    }
    let now = now_rfc3339();
    let copy = Snapshot {
        seq: ids.seq(),
        id: ids.id(),
        status: "creating".to_string(),
        state: "new".to_string(),
        created_at: now.clone(),
        updated_at: now,
        pending: Some(ids.timer()),
        ..snap.clone()
    };
    w.regions[dest].snapshots.push(copy);
    no_content()
}

pub(crate) async fn rename(ctx: Ctx, body: Bytes) -> ApiResult {
    let req: RenameRequest = parse_body(&body, ctx.strict)?;
    check_len("name", &req.name, 1, 255)?;
    let mut w = ctx.world();
    let region = &mut w.regions[ctx.region];
    region.snapshot_mut(&ctx.id)?;
    check_name_free(region, &req.name, &ctx.id)?;
    let snap = region.snapshot_mut(&ctx.id)?;
    snap.name = req.name;
    snap.updated_at = now_rfc3339();
    no_content()
}
