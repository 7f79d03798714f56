//! `/v1/machine-types` and its older twin `/v1/instance-types`.

use serde_json::{Value, json};

use super::Ctx;
use crate::catalogue::MachineType;
use crate::wire::{ApiResult, ListParams, ok};

/// Filter and page the catalogue, rendering each item with `render`.
fn page(
    ctx: &Ctx,
    render: fn(&MachineType) -> Value,
) -> Result<(Vec<Value>, Value), crate::wire::ApiError> {
    let params = ListParams::from_query(&ctx.query, 200, 1000, "created_at:asc")?;
    let name = ctx.query.get("name");
    let zone = ctx.query.get("availability-zone");
    let w = ctx.world();
    let items = w.regions[ctx.region]
        .machine_types
        .iter()
        .filter(|m| name.is_none_or(|n| m.name == n))
        .filter(|m| zone.is_none_or(|z| m.availability_zones.iter().any(|a| a == z)))
        .collect();
    let (page, meta) = params.page(items);
    Ok((page.into_iter().map(render).collect(), meta))
}

pub(crate) async fn list(ctx: Ctx) -> ApiResult {
    let (items, meta) = page(&ctx, MachineType::to_json)?;
    ok(json!({ "machine_types": items, "meta": meta }))
}

pub(crate) async fn list_instance_types(ctx: Ctx) -> ApiResult {
    let (items, meta) = page(&ctx, MachineType::to_instance_type_json)?;
    ok(json!({ "instance_types": items, "meta": meta }))
}
