//! `/v1/images` (public catalogue) and `/v1/images/custom...`.

use axum::body::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Ctx, split};
use crate::state::CustomImage;
use crate::wire::{
    ApiError, ApiResult, ListParams, check_len, created, list_answer, no_content, now_rfc3339, ok,
    parse_body,
};

const DEFAULT_SORT: &str = "platform:asc,end_life_at:desc";

#[derive(Debug, Deserialize)]
struct Requirements {
    disk: i64,
    ram: i64,
    vcpu: i64,
}

#[derive(Debug, Deserialize)]
struct CreateRequest {
    name: String,
    description: Option<String>,
    version: Option<String>,
    url: String,
    requirements: Option<Requirements>,
    platform: String,
    license: String,
    architecture: String,
    uefi: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct PatchRequest {
    description: Option<String>,
    version: Option<String>,
    requirements: Option<Requirements>,
}

fn check_enum(field: &str, value: &str, allowed: &[&str]) -> Result<(), ApiError> {
    if allowed.contains(&value) {
        return Ok(());
    }
    Err(ApiError::invalid(format!(
        "body.{field}: '{value}' is not one of {}",
        allowed.join(", ")
    )))
}

fn check_requirements(r: &Requirements) -> Result<(i64, i64, i64), ApiError> {
    if r.vcpu < 0 || r.ram < 0 || r.disk < 0 {
        return Err(ApiError::invalid(
            "body.requirements: vcpu, ram and disk must not be negative",
        ));
    }
    Ok((r.vcpu, r.ram, r.disk))
}

fn custom_json(c: &CustomImage) -> Value {
    json!({
        "id": c.id,
        "name": c.name,
        "status": c.status,
        "description": c.description,
        "version": c.version,
        "requirements": c.requirements.map(|(vcpu, ram, disk)| json!({
            "vcpu": vcpu, "ram": ram, "disk": disk,
        })),
        "platform": c.platform,
        "metadata": {
            "architecture": c.architecture,
            "uefi": c.uefi,
            "url": c.url,
            "created_at": c.created_at,
        },
        "license": c.license,
    })
}

/// Both image lists page alike: 50 by default, no upper bound but `i32`'s.
fn list_params(ctx: &Ctx) -> Result<ListParams, ApiError> {
    ListParams::from_query(
        &ctx.query,
        ctx.strict,
        50,
        i64::from(i32::MAX),
        DEFAULT_SORT,
    )
}

pub(crate) async fn list(ctx: Ctx) -> ApiResult {
    let params = list_params(&ctx)?;
    let name = ctx.query.get("name");
    let zone = ctx.query.get("availability-zone");
    let w = ctx.world();
    let items = w.regions[ctx.region]
        .images
        .iter()
        .filter(|i| name.is_none_or(|n| i.name == n))
        .filter(|i| zone.is_none_or(|z| i.availability_zones.iter().any(|a| a == z)))
        .collect();
    list_answer("images", &params, items, |i| i.to_json())
}

pub(crate) async fn list_custom(ctx: Ctx) -> ApiResult {
    let params = list_params(&ctx)?;
    let name = ctx.query.get("name");
    let w = ctx.world();
    let items = w.regions[ctx.region]
        .custom_images
        .iter()
        .filter(|i| name.is_none_or(|n| i.name == n))
        .collect();
    list_answer("images", &params, items, custom_json)
}

pub(crate) async fn create_custom(ctx: Ctx, body: Bytes) -> ApiResult {
    let req: CreateRequest = parse_body(&body, ctx.strict)?;
    check_len("name", &req.name, 1, 255)?;
    check_len("url", &req.url, 1, 2048)?;
    check_enum("platform", &req.platform, &["linux", "windows"])?;
    check_enum("license", &req.license, &["unlicensed", "licensed"])?;
    check_enum("architecture", &req.architecture, &["x86/64"])?;
    let requirements = req
        .requirements
        .as_ref()
        .map(check_requirements)
        .transpose()?;
    let mut w = ctx.world();
    let (region, ids) = split(&mut w, ctx.region);
    let taken = region.custom_images.iter().any(|c| c.name == req.name)
        || region.images.iter().any(|i| i.name == req.name);
    if taken {
        return Err(ApiError::conflict(
            "image_name_already_exists",
            format!("an image named '{}' already exists", req.name),
        ));
    }
    let id = ids.id();
    region.custom_images.push(CustomImage {
        seq: ids.seq(),
        id: id.clone(),
        name: req.name,
        status: "creating".to_string(),
        description: req.description,
        version: req.version,
        requirements,
        platform: req.platform,
        license: req.license,
        architecture: req.architecture,
        uefi: req.uefi.unwrap_or(false),
        url: req.url,
        created_at: now_rfc3339(),
        pending: Some(ids.timer()),
    });
    created(202, &id)
}

pub(crate) async fn get_custom(ctx: Ctx) -> ApiResult {
    let mut w = ctx.world();
    let image = w.regions[ctx.region].custom_image_mut(&ctx.id)?;
    ok(custom_json(image))
}

pub(crate) async fn patch_custom(ctx: Ctx, body: Bytes) -> ApiResult {
    let req: PatchRequest = parse_body(&body, ctx.strict)?;
    let requirements = req
        .requirements
        .as_ref()
        .map(check_requirements)
        .transpose()?;
    let mut w = ctx.world();
    let image = w.regions[ctx.region].custom_image_mut(&ctx.id)?;
    if let Some(d) = req.description {
        image.description = Some(d);
    }
    if let Some(v) = req.version {
        image.version = Some(v);
    }
    if requirements.is_some() {
        image.requirements = requirements;
    }
    no_content()
}

pub(crate) async fn delete_custom(ctx: Ctx) -> ApiResult {
    let mut w = ctx.world();
    let region = &mut w.regions[ctx.region];
    region.custom_image_mut(&ctx.id)?;
    region.custom_images.retain(|c| c.id != ctx.id);
    no_content()
}
