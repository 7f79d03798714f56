//! `/v1/machine-types` and its older twin `/v1/instance-types`.

use serde_json::Value;

use super::Ctx;
use crate::catalogue::MachineType;
use crate::wire::{ApiResult, ListParams, Listable, list_answer};

/// Filter the catalogue by `name` and `availability-zone`, and answer one page
/// under `key`, rendering each item with `render`.
fn list_of(ctx: &Ctx, key: &str, render: fn(&MachineType) -> Value) -> ApiResult {
    let params = ListParams::from_query(&ctx.query, ctx.strict, 200, 1000, "created_at:asc")?;
    let name = ctx.query.get("name");
    let zone = ctx.query.get("availability-zone");
    let w = ctx.world();
    let items = w.regions[ctx.region]
        .machine_types
        .iter()
        .filter(|m| name.is_none_or(|n| m.name == n))
        .filter(|m| zone.is_none_or(|z| m.availability_zones.iter().any(|a| a == z)))
        .collect();
    list_answer(key, &params, items, render)
}

pub(crate) async fn list(ctx: Ctx) -> ApiResult {
    list_of(&ctx, "machine_types", MachineType::to_json)
}

pub(crate) async fn list_instance_types(ctx: Ctx) -> ApiResult {
    // Instance types are machine types without a `sku`.
    let fields: Vec<&str> = MachineType::SORT_FIELDS
        .iter()
        .copied()
        .filter(|f| *f != "sku")
        .collect();
    ListParams::from_query(&ctx.query, ctx.strict, 200, 1000, "created_at:asc")?
        .check_sort("instance_types", &fields)?;
    list_of(&ctx, "instance_types", MachineType::to_instance_type_json)
}
